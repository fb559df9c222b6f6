# kpod-sim's streaming endpoints end to end against the kpod-sim binary
# (the sanitizer build in `make test`): exec, logs -f, port-forward and
# their error answers, then a clean SIGTERM with nothing reported by ASan,
# UBSan or LeakSanitizer while sessions and streams were open or broken.
. "$TESTLIB"

isolated_home
start_sim streams --scenario demo --log-rate 50 --log "$TEST_TMP/requests.log"
LOG="$TEST_TMP/streams.log"

running() {
	[ "$(kc get pod "$1" -o 'jsonpath={.status.phase}')" = Running ]
}
wait_for 120 running http-go || fail "http-go is not Running"
wait_for 120 running nginx || fail "nginx is not Running"

# Errors before any upgrade, as the API server answers them.
EXEC="$SIM_URL/api/v1/namespaces/default/pods/http-go/exec?command=true&stdout=true"
ws_headers=(-H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 13'
	-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==')
code() { curl -s -o "$TEST_TMP/body" -w '%{http_code}' "$@"; }
[ "$(code "$EXEC")" = 400 ] || fail "exec without upgrade"
grep -q 'Upgrade request required' "$TEST_TMP/body" || fail "$(cat "$TEST_TMP/body")"
[ "$(code "${ws_headers[@]}" -H 'Upgrade: websocket' -H 'Sec-WebSocket-Protocol: channel.k8s.io' "$EXEC")" = 403 ] ||
	fail "an unsupported subprotocol was not refused with 403"
[ ! -s "$TEST_TMP/body" ] || fail "403 has a body: $(cat "$TEST_TMP/body")"
[ "$(code -H 'Connection: Upgrade' -H 'Upgrade: SPDY/3.1' -X POST "$EXEC")" = 400 ] ||
	fail "SPDY was not refused"
[ "$(code "${ws_headers[@]}" -H 'Upgrade: websocket' -H 'Sec-WebSocket-Protocol: v5.channel.k8s.io' \
	"$SIM_URL/api/v1/namespaces/default/pods/nope/exec?command=true&stdout=true")" = 404 ] ||
	fail "exec in a missing pod"
grep -q 'pods \\"nope\\" not found' "$TEST_TMP/body" || fail "$(cat "$TEST_TMP/body")"
[ "$(code "${ws_headers[@]}" -H 'Upgrade: websocket' -H 'Sec-WebSocket-Protocol: v4.channel.k8s.io' \
	"$SIM_URL/api/v1/namespaces/default/pods/http-go/exec?command=true")" = 400 ] ||
	fail "exec without stdin/stdout/stderr"
grep -q 'you must specify at least 1 of stdin, stdout, stderr' "$TEST_TMP/body" || fail "$(cat "$TEST_TMP/body")"
[ "$(code "${ws_headers[@]}" -H 'Upgrade: websocket' -H 'Sec-WebSocket-Protocol: v4.channel.k8s.io' \
	"$SIM_URL/api/v1/namespaces/default/pods/http-go/portforward")" = 400 ] ||
	fail "port-forward without ports"
pass "errors before the upgrade"

# Sessions that end every way: normally, with an exit code, killed
# mid-sleep, a follow cancelled by the client, port-forwards.
[ "$(kc exec http-go -- curl -s localhost:8080)" = "Welcome! http-go" ] || fail "exec curl"
set +e
kc exec nginx -- sh -c 'curl -s 127.0.0.1:80 | true' >/dev/null 2>&1
kc exec nginx -- sh -c 'exit 9' 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 9 ] || fail "exit 9 gave $rc"
timeout 2 /usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" exec http-go -- sleep 600 || true
timeout 2 /usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" logs -f http-go >/dev/null || true
curl -s --max-time 1 "$SIM_URL/api/v1/namespaces/default/pods/http-go/log?follow=true" >/dev/null || true
[ "$(kc logs nginx --tail=5 | wc -l)" -eq 5 ] || fail "logs --tail=5"
/usr/bin/python3 - "$SIM_KUBECONFIG" <<'PY' || fail "python port-forward"
import sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
for port, want in (("80", b"Welcome to nginx!"),):
    pf = portforward(v1.connect_get_namespaced_pod_portforward, "nginx",
                     "default", ports=port)
    s = pf.socket(int(port))
    s.settimeout(30)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    assert want in data, data[:200]
# a forward abandoned with a request half sent
pf = portforward(v1.connect_get_namespaced_pod_portforward, "http-go",
                 "default", ports="8080")
s = pf.socket(8080)
s.sendall(b"GET / HTT")
s.close()
PY
pass "exec, logs and port-forward sessions"

# Deleting a pod with a live session must not upset anything.
kc exec -i liveness-exec -- cat </dev/zero >/dev/null 2>&1 &
epid=$!
TEST_PIDS+=("$epid")
wait_for 60 grep -q '^websocket exec default/liveness-exec ' "$TEST_TMP/requests.log" ||
	fail "the cat session did not start"
kc delete pod liveness-exec --grace-period=0 --force >/dev/null 2>&1 || true
kill "$epid" 2>/dev/null || true

kill -TERM "$SIM_PID"
set +e
wait "$SIM_PID"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "kpod-sim exited with $rc"
if grep -Eq 'Sanitizer|runtime error:' "$LOG"; then
	fail "sanitizer report: $(grep -E -m3 'Sanitizer|runtime error:' "$LOG")"
fi
pass "kpod-sim stopped cleanly after all that"
