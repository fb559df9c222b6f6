# kpod-sim behind a real TLS terminator (stunnel, with a CA made here by
# openssl) and `--token`: the real kubectl and python3-kubernetes
# authenticate with the bearer token over https (get, exec, logs,
# port-forward), and a wrong or missing token gets 401 Unauthorized.
. "$TESTLIB"

isolated_home
TOKEN=kpod-test-token-$$
start_sim tls --scenario demo --token "$TOKEN" --log "$TEST_TMP/requests.log"

cd "$TEST_TMP"
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-days 2 -subj /CN=kpod-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
	-subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out server.pem -days 2 -extfile san.ext 2>/dev/null
[ -s server.pem ] || fail "openssl made no server certificate"

# A free port for the terminator (stunnel cannot report one it picked).
TLS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >stunnel.conf <<CONF
foreground = yes
pid =
debug = 4
output = $TEST_TMP/stunnel.log
[api]
accept = 127.0.0.1:$TLS_PORT
connect = 127.0.0.1:$SIM_PORT
cert = $TEST_TMP/server.pem
key = $TEST_TMP/server.key
CONF
stunnel stunnel.conf &
TEST_PIDS+=("$!")
tls_up() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://127.0.0.1:$TLS_PORT/version")" = 401 ]
}
wait_for 30 tls_up || fail "stunnel did not come up on $TLS_PORT"

kubeconfig() { # FILE TOKEN
	cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: tls
  cluster:
    server: https://127.0.0.1:$TLS_PORT
    certificate-authority-data: $(base64 -w0 ca.pem)
users:
- name: u
  user:
    token: $2
contexts:
- name: tls
  context: {cluster: tls, user: u, namespace: default}
current-context: tls
KC
}
kubeconfig good.kubeconfig "$TOKEN"
kubeconfig bad.kubeconfig "not-$TOKEN"
kt() { /usr/bin/kubectl --kubeconfig "$TEST_TMP/good.kubeconfig" "$@"; }

# Plain http without a token is refused too.
code=$(curl -s -o noauth.json -w '%{http_code}' "$SIM_URL/api/v1/namespaces/default/pods")
[ "$code" = 401 ] || fail "no token over http: $code"
grep -q '"reason":"Unauthorized"' noauth.json || fail "401 body: $(cat noauth.json)"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem \
	-H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$TLS_PORT/api/v1/namespaces/default/pods")
[ "$code" = 200 ] || fail "curl with the token over https: $code"
pass "the token is checked (401 without, 200 with)"

running() { [ "$(kt get pod http-go -o 'jsonpath={.status.phase}')" = Running ]; }
wait_for 90 running || fail "kubectl over https with the token: $(kt get pod http-go 2>&1)"
out=$(kt get pods 2>&1) || fail "kubectl get pods over https: $out"
grep -q '^http-go ' <<<"$out" || fail "kubectl get pods over https lacks http-go: $out"
out=$(kt exec http-go -- curl -s 127.0.0.1:8080) || fail "exec over https"
[ "$out" = "Welcome! http-go" ] || fail "exec over https printed '$out'"
grep -q 'exec?command=curl.*upgrade=websocket protocol=v5.channel.k8s.io$' requests.log ||
	fail "exec over https did not upgrade to v5"
kt logs http-go --tail=1 >/dev/null || fail "logs over https"
pass "kubectl authenticates with the token over https (get, exec, logs)"

set +e
/usr/bin/kubectl --kubeconfig "$TEST_TMP/bad.kubeconfig" get pods >bad.out 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "kubectl with a wrong token succeeded"
grep -q 'Unauthorized' bad.out || fail "wrong token: $(cat bad.out)"
pass "kubectl with a wrong token: $(head -n1 bad.out)"

/usr/bin/python3 - "$TEST_TMP/good.kubeconfig" "$TEST_TMP/bad.kubeconfig" <<'PY' ||
import sys
from kubernetes import client, config
from kubernetes.client.rest import ApiException
from kubernetes.stream import portforward, stream

def api(path):
    c = client.Configuration()
    config.load_kube_config(config_file=path, client_configuration=c)
    return client.CoreV1Api(client.ApiClient(c))

v1 = api(sys.argv[1])
names = [p.metadata.name for p in v1.list_namespaced_pod("default").items]
assert "http-go" in names, names
out = stream(v1.connect_get_namespaced_pod_exec, "http-go", "default",
             command=["sh", "-c", "echo tls-ok"], stderr=True, stdin=False,
             stdout=True, tty=False)
assert out == "tls-ok\n", repr(out)
pf = portforward(v1.connect_get_namespaced_pod_portforward, "http-go",
                 "default", ports="8080")
s = pf.socket(8080)
s.settimeout(30)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    d = s.recv(4096)
    if not d:
        break
    data += d
s.close()
assert data.endswith(b"Welcome! http-go\n"), data
try:
    api(sys.argv[2]).list_namespaced_pod("default")
    raise SystemExit("a wrong token was accepted")
except ApiException as e:
    assert e.status == 401, e.status
print("ok: python: list, exec, port-forward with the token; 401 without")
PY
	fail "python3-kubernetes over https"
pass "python3-kubernetes authenticates with the token"
