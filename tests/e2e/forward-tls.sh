# e2e over TLS: kpod-sim behind a real TLS terminator (stunnel, a CA made
# here by openssl) that checks a bearer token; kpod in tmux with that
# kubeconfig: the F dialog's forward reaches http-go through the https
# WebSocket (curl gets "Welcome! http-go") and x runs echo over it.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

TOKEN=kpod-e2e-token-$$
start_sim tls --scenario demo --token "$TOKEN"
cd "$TEST_TMP"
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-days 2 -subj /CN=kpod-e2e-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
	-subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out server.pem -days 2 -extfile san.ext 2>/dev/null
[ -s server.pem ] || fail "openssl made no server certificate"
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
TLS_PORT=$(free_port)
cat >stunnel.conf <<CONF
foreground = yes
pid =
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
cat >tls.kubeconfig <<KC
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
    token: $TOKEN
contexts:
- name: tls
  context: {cluster: tls, user: u, namespace: default}
current-context: tls
KC

e2e_start 160 40
e2e_run --kubeconfig "$TEST_TMP/tls.kubeconfig"
e2e_wait 90 '^http-go +1/1 +Running'

# select http-go: the describe pane's title says which pod is selected
e2e_keys d
title() { e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1; }
e2e_wait 30 ' Describe: default/'
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = http-go ] && break
	e2e_keys j
	moved() { [ "$(title)" != "$cur" ]; }
	wait_for 30 moved || fail "selection did not move from $cur"
done
[ "$(title)" = http-go ] || fail "could not select http-go"
e2e_keys Escape
e2e_wait_gone 30 ' Describe: default/'

LPORT=$(free_port)
e2e_keys F
e2e_wait 30 'forward http-go: container port'
e2e_wait 30 '8080.*\(container http-go\)'
e2e_keys Enter
e2e_wait 30 'local port \(0 = any free\)'
e2e_keys BSpace BSpace BSpace BSpace BSpace
e2e_tmux send-keys -t e2e -l "$LPORT"
e2e_keys Enter
e2e_wait 30 'bind address'
e2e_keys Enter
if e2e_has 'follow the workload'; then e2e_keys Enter; fi
e2e_wait 30 "Forwarding from 127\.0\.0\.1:$LPORT -> 8080"
body=$(curl -s --max-time 30 "http://127.0.0.1:$LPORT/") || fail "curl through the forward failed"
grep -q 'Welcome! http-go' <<<"$body" || fail "curl got: $body"
pass "over https with a token, the forward reaches http-go"

e2e_keys x
e2e_wait 30 'exec in http-go'
e2e_type "echo hi over tls"
e2e_wait 30 '(^|│)hi over tls *$'
e2e_wait 30 '(^|│)exit 0 *$'
pass "over https with a token, x runs echo"

e2e_keys C-c
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
