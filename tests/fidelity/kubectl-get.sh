#!/bin/bash
# The real kubectl against kpod-sim: `get pods` prints the server's Table,
# `-o json`, `-A`, `get pod NAME` errors, `delete` (graceful, with kubectl's
# wait), and `get pods -w` shows a pod created through the API.
source "$TESTLIB"
isolated_home
start_sim get --scenario demo

phase_is() { # POD PHASE
	[ "$(kc get pod "$1" -o jsonpath='{.status.phase}')" = "$2" ]
}
wait_for 60 phase_is nginx Running || fail "nginx never Running"
wait_for 60 phase_is http-go Running || fail "http-go never Running"

out=$(kc get pods)
echo "$out"
head -n1 <<<"$out" | grep -Eq '^NAME +READY +STATUS +RESTARTS +AGE$' ||
	fail "header is not the Table's: $(head -n1 <<<"$out")"
grep -Eq '^nginx +1/1 +Running +0 +[0-9]+s$' <<<"$out" || fail "no nginx row"
grep -Eq '^http-go +1/1 +Running +0 +[0-9]+s$' <<<"$out" || fail "no http-go row"
pass "get pods prints the server-side Table"

wide=$(kc get pods -o wide)
head -n1 <<<"$wide" | grep -q 'NOMINATED NODE   READINESS GATES' ||
	fail "wide columns missing"
grep -Eq '^nginx +1/1 +Running +0 +[0-9]+s +10\.[0-9.]+ +worker-node[0-9]' <<<"$wide" ||
	fail "wide nginx row: $wide"
all=$(kc get pods -A)
grep -Eq '^default +nginx +1/1 +Running' <<<"$all" || fail "-A lacks NAMESPACE: $all"
pass "get pods -o wide and -A"

# --sort-by asks for ?includeObject=Object: rows must carry whole pods
sorted=$(kc get pods --sort-by='.spec.containers[0].image' --no-headers | awk 'NR <= 3 {print $1}' | tr '\n' ' ')
[ "$sorted" = "crashy http-go nginx " ] || fail "--sort-by gave: $sorted"
pass "get pods --sort-by (includeObject=Object)"

kc get pods -o json >"$TEST_TMP/pods.json"
/usr/bin/python3 - "$TEST_TMP/pods.json" <<'PY' || fail "get -o json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kind"] == "List", d["kind"]
names = {p["metadata"]["name"]: p for p in d["items"]}
for n, img, port in (("nginx", "nginx:1.14.2", 80), ("http-go", "gasbugs/http-go", 8080)):
    p = names[n]
    c = p["spec"]["containers"][0]
    assert c["image"] == img and c["ports"][0]["containerPort"] == port, c
    cs = p["status"]["containerStatuses"][0]
    assert cs["ready"] and cs["started"] and "running" in cs["state"], cs
    assert cs["containerID"].startswith("containerd://"), cs
    assert "@sha256:" in cs["imageID"], cs
    assert p["status"]["podIP"].startswith("10.244."), p["status"]
    types = {c["type"]: c["status"] for c in p["status"]["conditions"]}
    for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled",
              "PodReadyToStartContainers"):
        assert types[t] == "True", types
    assert p["status"]["qosClass"] == "BestEffort"
    assert p["spec"]["nodeName"].startswith("worker-node")
PY
pass "get pods -o json has realistic pods"

if kc get pod nope >"$TEST_TMP/nope.out" 2>&1; then
	fail "get of a missing pod succeeded"
fi
grep -q 'Error from server (NotFound): pods "nope" not found' "$TEST_TMP/nope.out" ||
	fail "NotFound text: $(cat "$TEST_TMP/nope.out")"
pass "NotFound as kubectl prints it"

# get -w: initial rows, then a pod created through the API appears
kc get pods -w >"$TEST_TMP/watch.out" 2>&1 &
WPID=$!
TEST_PIDS+=("$WPID")
wait_for 30 grep -q '^nginx ' "$TEST_TMP/watch.out" || fail "no initial rows in -w"
curl -sf -X POST -H 'Content-Type: application/json' \
	"$SIM_URL/api/v1/namespaces/default/pods" \
	-d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1"},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}' \
	>/dev/null || fail "create through the API"
wait_for 30 grep -q '^web-1 .*Pending' "$TEST_TMP/watch.out" || fail "web-1 not in -w output"
wait_for 30 grep -Eq '^web-1 +1/1 +Running' "$TEST_TMP/watch.out" ||
	fail "web-1 never Running in -w: $(cat "$TEST_TMP/watch.out")"
pass "get pods -w shows a new pod live"

kc delete pod web-1 >"$TEST_TMP/del.out" 2>&1 || fail "delete: $(cat "$TEST_TMP/del.out")"
grep -q 'pod "web-1" deleted' "$TEST_TMP/del.out" || fail "delete output"
if kc get pod web-1 >/dev/null 2>&1; then fail "web-1 still there after delete"; fi
wait_for 30 grep -Eq '^web-1 .*Terminating' "$TEST_TMP/watch.out" ||
	fail "no Terminating row in -w"
pass "delete waits for the graceful deletion"

kc get events >"$TEST_TMP/events.out" || fail "get events"
head -n1 "$TEST_TMP/events.out" | grep -Eq '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$' ||
	fail "events header: $(head -n1 "$TEST_TMP/events.out")"
grep -Eq 'Normal +Pulled +pod/nginx +Successfully pulled image "nginx:1.14.2" in [0-9.]+s \([0-9.]+s including waiting\)' \
	"$TEST_TMP/events.out" || fail "no Pulled event for nginx"
grep -Eq 'Normal +Scheduled +pod/nginx +Successfully assigned default/nginx to worker-node' \
	"$TEST_TMP/events.out" || fail "no Scheduled event"
pass "get events prints the events Table"
