#!/bin/bash
# `kpod describe pod` equals the real `kubectl describe pod` byte for byte
# against the same kpod-sim: every real-pods fixture case with an exact
# describe (served with --load, in the fixture's time zone), and the demo's
# liveness-exec and http-go after probes have failed and restarted (live
# events, "(xN over T)" ages). The two runs may straddle a second, so a
# pair that differs is taken again (up to 5 times) before it fails.
source "$TESTLIB"
isolated_home
F="$KPOD_SHARED/fixtures/real-pods"
cases="case01 case03 case04 case05 case07 case08 case09 case10 case11 case12 case15 case16"

# TZ ARGS...: compare both clients' output; $TEST_TMP/parity.{kc,kpod}
parity() {
	local tz=$1 try
	shift
	for try in 1 2 3 4 5; do
		TZ=$tz kc describe pod "$@" >"$TEST_TMP/parity.kc" 2>&1 || fail "kubectl describe $*: $(cat "$TEST_TMP/parity.kc")"
		TZ=$tz "$KPOD" --kubeconfig "$SIM_KUBECONFIG" describe pod "$@" >"$TEST_TMP/parity.kpod" 2>&1 ||
			fail "kpod describe $*: $(cat "$TEST_TMP/parity.kpod")"
		cmp -s "$TEST_TMP/parity.kc" "$TEST_TMP/parity.kpod" && return 0
	done
	diff -u "$TEST_TMP/parity.kc" "$TEST_TMP/parity.kpod"
	return 1
}

files=()
for c in $cases; do
	files+=("$(echo "$F/$c"-*/pod.yaml)")
done
start_sim load --load "${files[@]}"
n=0
for c in $cases; do
	d=$(echo "$F/$c"-*)
	name=$(sed -n 's/^  name: //p' "$d/pod.yaml" | head -n1)
	ns=$(sed -n 's/^  namespace: //p' "$d/pod.yaml" | head -n1)
	off=$(grep -m1 -oE '[+-][0-9]{2}00$' "$d/expected-describe.txt" || echo +0000)
	h=$((10#${off:1:2}))
	if [ "$h" = 0 ]; then tz=UTC; elif [ "${off:0:1}" = + ]; then tz="Etc/GMT-$h"; else tz="Etc/GMT+$h"; fi
	parity "$tz" -n "${ns:-default}" "$name" || fail "$c ($name): kpod describe differs from kubectl"
	grep -q "^Name: *$name\$" "$TEST_TMP/parity.kpod" || fail "$c: no Name line"
	n=$((n + 1))
done
[ "$n" = 12 ] || fail "compared $n cases"
pass "kpod describe = kubectl describe on $n real pods"

# errors: the server's message, exit 1, like kubectl
if "$KPOD" --kubeconfig "$SIM_KUBECONFIG" describe pod no-such-pod >"$TEST_TMP/err.out" 2>"$TEST_TMP/err.txt"; then
	fail "describe of a missing pod succeeded"
fi
kc describe pod no-such-pod 2>"$TEST_TMP/err.kc" >/dev/null && fail "kubectl found no-such-pod"
cmp "$TEST_TMP/err.kc" "$TEST_TMP/err.txt" || fail "error differs: $(cat "$TEST_TMP/err.txt") vs $(cat "$TEST_TMP/err.kc")"
[ -s "$TEST_TMP/err.out" ] && fail "describe of a missing pod printed on stdout"
pass "a missing pod: the server's message, exit 1"
kill "$SIM_PID"

start_sim demo --scenario demo
restarted() {
	[ "$(kc get pod liveness-exec -o jsonpath='{.status.containerStatuses[0].restartCount}')" -ge 1 ] 2>/dev/null
}
wait_for 180 restarted || fail "liveness-exec was never restarted"
parity Etc/GMT-9 liveness-exec || fail "liveness-exec differs"
grep -Eq 'Warning +Unhealthy +[0-9]+s \(x[0-9]+ over [0-9]+s\) +kubelet +Liveness probe failed' "$TEST_TMP/parity.kpod" ||
	fail "no aggregated Unhealthy event in kpod's describe"
grep -Eq 'Normal +Killing ' "$TEST_TMP/parity.kpod" || fail "no Killing event"
pass "liveness-exec after a restart"
parity UTC http-go || fail "http-go differs"
grep -Eq 'Normal +Started ' "$TEST_TMP/parity.kpod" || fail "no Started event for http-go"
pass "http-go"
