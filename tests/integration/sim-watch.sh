#!/bin/bash
# kpod-sim's list and watch protocol with curl: pagination with one
# resourceVersion, 409 on a duplicate, watch replay from a resourceVersion,
# bookmarks, timeoutSeconds, graceful delete events, 410 Expired (as an
# ERROR event when the history window has moved on, as HTTP 410 and an
# ERROR on open streams with --expire-every) and --drop-watch-every.
source "$TESTLIB"
PY=/usr/bin/python3

start_sim w --history 40 --bookmark-every 1 --log "$TEST_TMP/w.req"
api="$SIM_URL/api/v1/namespaces/default/pods"

create() { # NAME
	curl -s -o "$TEST_TMP/create.json" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/json' "$api" \
		-d "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$1\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.25\"}]}}"
}
json() { # FILE EXPR
	$PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

rv0=$(curl -sf "$api" | $PY -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
[ -n "$rv0" ] || fail "list has no resourceVersion"

for n in p1 p2 p3 p4 p5; do
	[ "$(create $n)" = 201 ] || fail "create $n: $(cat "$TEST_TMP/create.json")"
done
[ "$(create p1)" = 409 ] || fail "duplicate create is not 409"
[ "$(json "$TEST_TMP/create.json" 'd["reason"], d["message"]')" = \
	"AlreadyExists pods \"p1\" already exists" ] || fail "409 body"
pass "create, 409 AlreadyExists"

# pagination: pages of 2 with a continue token and one resourceVersion
names=()
cont=""
rvs=()
for i in 1 2 3 4; do
	curl -sf "$api?limit=2${cont:+&continue=$cont}" >"$TEST_TMP/page.json" || fail "page $i"
	names+=($(json "$TEST_TMP/page.json" '" ".join(p["metadata"]["name"] for p in d["items"])'))
	rvs+=($(json "$TEST_TMP/page.json" 'd["metadata"]["resourceVersion"]'))
	[ "$(json "$TEST_TMP/page.json" '"kind" in d["items"][0]')" = False ] ||
		fail "list items carry kind"
	cont=$(json "$TEST_TMP/page.json" 'd["metadata"].get("continue", "")')
	[ -z "$cont" ] && break
done
[ "${names[*]}" = "p1 p2 p3 p4 p5" ] || fail "pages gave: ${names[*]}"
[ "$(printf '%s\n' "${rvs[@]}" | sort -u | wc -l)" = 1 ] || fail "pages changed RV: ${rvs[*]}"
pass "limit/continue pages"

# watch from rv0 replays the ADDEDs; bookmarks arrive; timeoutSeconds ends it
start=$SECONDS
curl -sfN "$api?watch=1&resourceVersion=$rv0&allowWatchBookmarks=true&timeoutSeconds=3" \
	>"$TEST_TMP/watch1.out" || fail "watch request failed"
[ $((SECONDS - start)) -le 15 ] || fail "timeoutSeconds=3 did not end the watch"
$PY - "$TEST_TMP/watch1.out" <<'PY' || fail "watch replay"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
added = [e["object"]["metadata"]["name"] for e in ev if e["type"] == "ADDED"]
assert added == ["p1", "p2", "p3", "p4", "p5"], added
assert any(e["type"] == "BOOKMARK" for e in ev), [e["type"] for e in ev]
for e in ev:
    assert e["object"]["kind"] == "Pod" and e["object"]["apiVersion"] == "v1"
    if e["type"] == "BOOKMARK":
        assert list(e["object"]["metadata"]) == ["resourceVersion", "creationTimestamp"]
PY
pass "watch replays from a resourceVersion, bookmarks, timeoutSeconds"

# graceful delete: 200 with deletionTimestamp, MODIFIED then DELETED
rv1=$(curl -sf "$api" | $PY -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
curl -sfN "$api?watch=1&resourceVersion=$rv1&fieldSelector=metadata.name%3Dp1&timeoutSeconds=20" \
	>"$TEST_TMP/watch2.out" &
WPID=$!
TEST_PIDS+=("$WPID")
# the watch must be registered before the delete: the sim logs a request
# before it handles it, on the same loop that will handle the delete
wait_for 10 grep -q 'fieldSelector=metadata.name%3Dp1' "$TEST_TMP/w.req" ||
	fail "watch not registered"
code=$(curl -s -o "$TEST_TMP/del.json" -w '%{http_code}' -X DELETE "$api/p1" \
	-H 'Content-Type: application/json' -d '{"propagationPolicy":"Background"}')
[ "$code" = 200 ] || fail "delete gave $code"
[ "$(json "$TEST_TMP/del.json" '"deletionTimestamp" in d["metadata"], d["metadata"]["deletionGracePeriodSeconds"]')" = "True 30" ] ||
	fail "graceful delete body: $(cat "$TEST_TMP/del.json")"
wait_for 30 grep -q '"type":"DELETED"' "$TEST_TMP/watch2.out" || fail "no DELETED"
$PY - "$TEST_TMP/watch2.out" <<'PY' || fail "delete events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = {e["object"]["metadata"]["name"] for e in ev}
assert names == {"p1"}, names  # the field selector holds
types = [e["type"] for e in ev]
assert "MODIFIED" in types and types[-1] == "DELETED", types
m = [e for e in ev if e["type"] == "MODIFIED" and "deletionTimestamp" in e["object"]["metadata"]]
assert m, "no MODIFIED with deletionTimestamp"
PY
[ "$(curl -s -o /dev/null -w '%{http_code}' "$api/p1")" = 404 ] || fail "p1 still there"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$api/p2?gracePeriodSeconds=0")
[ "$code" = 200 ] || fail "force delete gave $code"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$api/p2")" = 404 ] || fail "p2 not gone at once"
pass "graceful and immediate delete"

# push the pods' history window (40 changes) past rv0: ERROR 410 in a 200
for i in $(seq 1 25); do
	[ "$(create "x$i")" = 201 ] || fail "create x$i"
	curl -sf -o /dev/null -X DELETE "$api/x$i?gracePeriodSeconds=0" || fail "delete x$i"
done
code=$(curl -s -o "$TEST_TMP/old.out" -w '%{http_code}' "$api?watch=1&resourceVersion=$rv0")
[ "$code" = 200 ] || fail "old-RV watch gave HTTP $code"
$PY - "$TEST_TMP/old.out" <<'PY' || fail "expired watch: $(cat "$TEST_TMP/old.out")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(ev) == 1 and ev[0]["type"] == "ERROR", ev
st = ev[0]["object"]
assert st["kind"] == "Status" and st["code"] == 410 and st["reason"] == "Expired", st
assert st["message"].startswith("too old resource version: "), st
PY
pass "old resourceVersion: 410 Expired as an ERROR event"

code=$(curl -s -o "$TEST_TMP/bad.json" -w '%{http_code}' "$api?fieldSelector=spec.foo%3Dx")
[ "$code" = 400 ] || fail "unsupported field selector gave $code"
grep -q 'field label not supported: spec.foo' "$TEST_TMP/bad.json" || fail "400 text"
pass "unsupported field selector is 400"

# --expire-every: open streams get an ERROR 410, old versions HTTP 410
start_sim x --expire-every 2
api="$SIM_URL/api/v1/namespaces/default/pods"
rvx=$(curl -sf "$api" | $PY -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
curl -sfN "$api?watch=1&resourceVersion=$rvx&timeoutSeconds=30" >"$TEST_TMP/x.out" ||
	fail "expire watch failed"
grep -q '"type":"ERROR".*"code":410' "$TEST_TMP/x.out" || fail "no ERROR 410 on the open stream"
code=$(curl -s -o "$TEST_TMP/x410.json" -w '%{http_code}' "$api?watch=1&resourceVersion=$rvx")
[ "$code" = 410 ] || fail "watch from a compacted RV gave $code"
[ "$(json "$TEST_TMP/x410.json" 'd["reason"], d["code"]')" = "Expired 410" ] || fail "410 body"
pass "--expire-every: ERROR event and HTTP 410"

# --drop-watch-every: a long watch ends early
start_sim d --drop-watch-every 1
start=$SECONDS
curl -sN "$SIM_URL/api/v1/pods?watch=1&timeoutSeconds=60" >/dev/null || true
[ $((SECONDS - start)) -lt 30 ] || fail "the watch was not dropped"
pass "--drop-watch-every ends watches"

# patches: JSON patch, 415 for an unknown type, 422 for a 300 KB annotation
start_sim p
api="$SIM_URL/api/v1/namespaces/default/pods"
[ "$(create q1)" = 201 ] || fail "create q1"
code=$(curl -s -o "$TEST_TMP/jp.json" -w '%{http_code}' -X PATCH "$api/q1" \
	-H 'Content-Type: application/json-patch+json' \
	-d '[{"op":"add","path":"/metadata/labels","value":{"a":"1"}},{"op":"add","path":"/metadata/labels/b","value":"2"}]')
[ "$code" = 200 ] || fail "json patch gave $code: $(cat "$TEST_TMP/jp.json")"
[ "$(json "$TEST_TMP/jp.json" 'sorted(d["metadata"]["labels"].items())')" = "[('a', '1'), ('b', '2')]" ] ||
	fail "json patch result"
code=$(curl -s -o "$TEST_TMP/415.json" -w '%{http_code}' -X PATCH "$api/q1" \
	-H 'Content-Type: text/plain' -d 'x')
[ "$code" = 415 ] || fail "unknown patch type gave $code"
$PY -c 'print("{\"metadata\":{\"annotations\":{\"big\":\"" + "x" * 300000 + "\"}}}")' >"$TEST_TMP/big.json"
code=$(curl -s -o "$TEST_TMP/422.json" -w '%{http_code}' -X PATCH "$api/q1" \
	-H 'Content-Type: application/merge-patch+json' --data-binary @"$TEST_TMP/big.json")
[ "$code" = 422 ] || fail "300 KB annotation gave $code"
[ "$(json "$TEST_TMP/422.json" 'd["reason"], d["details"]["causes"][0]["reason"], d["details"]["causes"][0]["field"]')" = \
	"Invalid FieldValueTooLong metadata.annotations" ] || fail "422 body: $(head -c 300 "$TEST_TMP/422.json")"
code=$(curl -s -o "$TEST_TMP/422b.json" -w '%{http_code}' -X PATCH "$api/q1" \
	-H 'Content-Type: application/merge-patch+json' -d '{"metadata":{"annotations":{"-bad-":"x"}}}')
[ "$code" = 422 ] || fail "bad key gave $code"
grep -q 'metadata.annotations: Invalid value: \\"-bad-\\"' "$TEST_TMP/422b.json" || fail "bad key message"
pass "JSON patch, 415, 422 with causes"
