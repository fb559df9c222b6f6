#!/bin/bash
# kpod-sim --load serves real pods verbatim: the real kubectl's describe of
# each loaded fixture equals the describe output published with it (up to
# the Events section, trailing blanks trimmed, in the fixture's time zone),
# and loaded events are filtered by involvedObject like a real server.
source "$TESTLIB"
isolated_home
F="$KPOD_SHARED/fixtures/real-pods"
cases="case07 case08 case09 case12 case15" # modern layout, exact describe
files=()
for c in $cases; do
	files+=("$(echo "$F/$c"-*/pod.yaml)")
done
uid=$(sed -n 's/^  uid: //p' "$(echo "$F"/case15-*/pod.yaml)" | head -n1)
[ -n "$uid" ] || fail "no uid in case15"
cat >"$TEST_TMP/events.json" <<JSON
{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[
 {"metadata":{"name":"mysql.1","namespace":"epsilon"},
  "involvedObject":{"kind":"Pod","namespace":"epsilon","name":"mysql","uid":"$uid","apiVersion":"v1"},
  "reason":"Pulled","message":"Container image \"mysql:5.6\" already present on machine",
  "source":{"component":"kubelet","host":"node01"},"type":"Normal","count":3,
  "firstTimestamp":"2024-01-01T00:00:00Z","lastTimestamp":"2024-01-01T00:10:00Z"},
 {"metadata":{"name":"other.1","namespace":"epsilon"},
  "involvedObject":{"kind":"Pod","namespace":"epsilon","name":"other","apiVersion":"v1"},
  "reason":"Killing","message":"Stopping container other","source":{"component":"kubelet"},
  "type":"Normal","count":1,"firstTimestamp":"2024-01-01T00:00:00Z","lastTimestamp":"2024-01-01T00:00:00Z"}]}
JSON
start_sim load --load "${files[@]}" "$TEST_TMP/events.json"

n=0
for c in $cases; do
	d=$(echo "$F/$c"-*)
	name=$(sed -n 's/^  name: //p' "$d/pod.yaml" | head -n1)
	ns=$(sed -n 's/^  namespace: //p' "$d/pod.yaml" | head -n1)
	off=$(grep -m1 -oE '[+-][0-9]{2}00$' "$d/expected-describe.txt")
	h=$((10#${off:1:2}))
	# Etc/GMT signs are inverted: Etc/GMT-2 is +0200
	if [ "$h" = 0 ]; then tz=UTC; elif [ "${off:0:1}" = + ]; then tz="Etc/GMT-$h"; else tz="Etc/GMT+$h"; fi
	TZ=$tz kc describe pod -n "${ns:-default}" "$name" >"$TEST_TMP/$c.got" ||
		fail "$c: describe failed"
	sed '/^Events:/,$d; s/[[:space:]]*$//' "$d/expected-describe.txt" >"$TEST_TMP/$c.want"
	sed '/^Events:/,$d; s/[[:space:]]*$//' "$TEST_TMP/$c.got" >"$TEST_TMP/$c.cut"
	diff -u "$TEST_TMP/$c.want" "$TEST_TMP/$c.cut" || fail "$c: describe differs"
	n=$((n + 1))
done
[ "$n" = 5 ] || fail "compared $n cases"
pass "describe of 5 loaded real pods equals the published output"

TZ=UTC kc describe pod -n epsilon mysql >"$TEST_TMP/mysql.txt" || fail "describe mysql"
grep -Eq 'Normal +Pulled +[0-9a-z]+ \(x3 over [0-9a-z]+\) +kubelet +Container image "mysql:5.6" already present on machine' \
	"$TEST_TMP/mysql.txt" || fail "loaded event not shown: $(sed -n '/^Events:/,$p' "$TEST_TMP/mysql.txt")"
if grep -q 'Stopping container other' "$TEST_TMP/mysql.txt"; then
	fail "another pod's event shown"
fi
pass "loaded events are served, filtered by involvedObject"

kc get pods -A >"$TEST_TMP/all.txt" || fail "get -A"
[ "$(grep -c . "$TEST_TMP/all.txt")" = 6 ] || fail "expected 5 rows: $(cat "$TEST_TMP/all.txt")"
grep -Eq '^kube-system +coredns-69f9c977-kmmmb +1/1 +Running +0 ' "$TEST_TMP/all.txt" || fail "coredns row"
pass "loaded pods are listed"
