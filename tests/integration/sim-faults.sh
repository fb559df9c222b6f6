#!/bin/bash
# kpod-sim's fault and load knobs with curl: --token (401), --error-rate
# (429/503 with Retry-After), --latency, --chunk-bytes, --garbage-rate,
# --restart-every, and --pods/--namespaces with --churn and --event-rate.
source "$TESTLIB"
PY=/usr/bin/python3

start_sim tok --token s3cret
code=$(curl -s -o "$TEST_TMP/401.json" -w '%{http_code}' "$SIM_URL/api/v1/pods")
[ "$code" = 401 ] || fail "no token gave $code"
grep -q '"reason":"Unauthorized"' "$TEST_TMP/401.json" || fail "401 body"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' "$SIM_URL/api/v1/pods")
[ "$code" = 401 ] || fail "wrong token gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer s3cret' "$SIM_URL/api/v1/pods")
[ "$code" = 200 ] || fail "right token gave $code"
grep -q 'token: s3cret' "$SIM_KUBECONFIG" || fail "kubeconfig lacks the token"
pass "--token"

start_sim err --error-rate 1 --retry-after 2
codes=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	curl -s -D "$TEST_TMP/h.txt" -o "$TEST_TMP/e.json" -w '%{http_code}\n' "$SIM_URL/api/v1/pods" >>"$TEST_TMP/codes"
	grep -qi '^Retry-After: 2' "$TEST_TMP/h.txt" || fail "no Retry-After"
	grep -q '"retryAfterSeconds":2' "$TEST_TMP/e.json" || fail "no retryAfterSeconds"
done
sort -u "$TEST_TMP/codes" | tr '\n' ' ' | grep -Eq '^(429 |503 |429 503 )$' || fail "codes: $(sort -u "$TEST_TMP/codes")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/version")" = 200 ] || fail "/version should not fail"
pass "--error-rate 1"

start_sim half --error-rate 0.5
: >"$TEST_TMP/codes2"
for i in $(seq 1 40); do
	curl -s -o /dev/null -w '%{http_code}\n' "$SIM_URL/api/v1/pods" >>"$TEST_TMP/codes2"
done
grep -q '^200$' "$TEST_TMP/codes2" || fail "no request succeeded at 0.5"
grep -Eq '^(429|503)$' "$TEST_TMP/codes2" || fail "no request failed at 0.5"
pass "--error-rate 0.5"

start_sim slow --latency 400 --chunk-bytes 7
t=$(curl -s -o "$TEST_TMP/slow.json" -D "$TEST_TMP/slow.h" -w '%{time_total}' "$SIM_URL/api/v1/namespaces")
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.4 else 1)" "$t" || fail "latency: answered in $t s"
grep -qi '^Transfer-Encoding: chunked' "$TEST_TMP/slow.h" || fail "not chunked"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["items"]) == 4' "$TEST_TMP/slow.json" ||
	fail "chunked body broken"
pass "--latency and --chunk-bytes"

start_sim junk --garbage-rate 1 --scenario demo
curl -sN "$SIM_URL/api/v1/pods?watch=1&timeoutSeconds=2" >"$TEST_TMP/junk.out" || true
$PY - "$TEST_TMP/junk.out" <<'PY' || fail "garbage lines"
import json, sys
good = bad = 0
for l in open(sys.argv[1]):
    try:
        json.loads(l)
        good += 1
    except ValueError:
        bad += 1
assert good >= 2 and bad >= good, (good, bad)
PY
pass "--garbage-rate"

start_sim restart --restart-every 2
start=$SECONDS
curl -sN "$SIM_URL/api/v1/pods?watch=1&timeoutSeconds=60" >/dev/null || true
[ $((SECONDS - start)) -lt 30 ] || fail "connection not dropped"
wait_for 20 curl -sf "$SIM_URL/version" || fail "did not listen again"
pass "--restart-every"

start_sim load --pods 60 --namespaces 3 --churn 50 --event-rate 20
curl -sf "$SIM_URL/api/v1/pods" >"$TEST_TMP/load.json" || fail "list"
$PY - "$TEST_TMP/load.json" <<'PY' || fail "load pods"
import json, sys
d = json.load(open(sys.argv[1]))
items = d["items"]
assert len(items) == 60, len(items)
assert {p["metadata"]["namespace"] for p in items} == {"load-0", "load-1", "load-2"}
sizes = [len(json.dumps(p)) for p in items]
assert min(sizes) > 4000, min(sizes)
assert all(p["metadata"]["managedFields"] for p in items)
assert all(p["status"]["phase"] == "Running" for p in items)
PY
rv=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["resourceVersion"])' "$TEST_TMP/load.json")
curl -sN "$SIM_URL/api/v1/pods?watch=1&resourceVersion=$rv&timeoutSeconds=2" >"$TEST_TMP/churn.out" || true
[ "$(grep -c '"type":"MODIFIED"' "$TEST_TMP/churn.out")" -ge 20 ] ||
	fail "churn: $(grep -c MODIFIED "$TEST_TMP/churn.out") changes in 2 s"
n=$(curl -sf "$SIM_URL/api/v1/events" | $PY -c 'import json,sys; print(sum(e.get("count",1) for e in json.load(sys.stdin)["items"]))')
[ "$n" -ge 10 ] || fail "event rate: $n events"
pass "--pods, --churn, --event-rate"
