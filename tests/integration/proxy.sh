# The kubeconfig's proxy-url through a real HTTP proxy (Debian's
# tinyproxy on a free loopback port): kpod-sim behind stunnel (a CA made
# here) is reached with CONNECT for https, and with absolute-URI requests
# for a plain http server; kpod get pods, logs and exec (a WebSocket on
# the tunnel) all go through it, which the proxy's own log confirms. With
# the proxy down, kpod fails with an error naming the proxy, not the
# server.
. "$TESTLIB"

isolated_home
# Only the kubeconfig may send kpod through a proxy.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
	no_proxy NO_PROXY

start_sim proxy --scenario demo
cd "$TEST_TMP"
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# TLS in front of the sim.
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-days 2 -subj /CN=kpod-proxy-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
	-subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out server.pem -days 2 -extfile san.ext 2>/dev/null
[ -s server.pem ] || fail "openssl made no server certificate"
TLS_PORT=$(free_port)
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
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem "https://127.0.0.1:$TLS_PORT/version")" = 200 ]
}
wait_for 30 tls_up || fail "stunnel did not come up on $TLS_PORT"

# The proxy: loopback only, CONNECT allowed to the TLS port alone.
PROXY_PORT=$(free_port)
cat >tinyproxy.conf <<CONF
Port $PROXY_PORT
Listen 127.0.0.1
Timeout 60
LogFile "$TEST_TMP/tinyproxy.log"
LogLevel Info
PidFile "$TEST_TMP/tinyproxy.pid"
MaxClients 20
Allow 127.0.0.1
ConnectPort $TLS_PORT
CONF
tinyproxy -d -c tinyproxy.conf >tinyproxy.out 2>&1 &
PROXY_PID=$!
TEST_PIDS+=("$PROXY_PID")
proxy_up() {
	[ "$(curl -s -o /dev/null -w '%{http_code}' -x "http://127.0.0.1:$PROXY_PORT" "$SIM_URL/version")" = 200 ]
}
wait_for 30 proxy_up || fail "tinyproxy did not come up on $PROXY_PORT"

kubeconfig() { # FILE SERVER [CA]
	{
		echo "apiVersion: v1"
		echo "kind: Config"
		echo "clusters:"
		echo "- name: behind-proxy"
		echo "  cluster:"
		echo "    server: $2"
		echo "    proxy-url: http://127.0.0.1:$PROXY_PORT"
		[ -z "${3:-}" ] || echo "    certificate-authority-data: $(base64 -w0 "$3")"
		echo "users:"
		echo "- name: u"
		echo "  user: {}"
		echo "contexts:"
		echo "- name: proxied"
		echo "  context: {cluster: behind-proxy, user: u, namespace: default}"
		echo "current-context: proxied"
	} >"$1"
}
kubeconfig https.kubeconfig "https://127.0.0.1:$TLS_PORT" ca.pem
kubeconfig http.kubeconfig "$SIM_URL"

# The pods the sim has, asked directly.
expected=$(curl -sf "$SIM_URL/api/v1/namespaces/default/pods" |
	/usr/bin/python3 -c 'import json,sys; print("\n".join(sorted(p["metadata"]["name"] for p in json.load(sys.stdin)["items"])))')
[ -n "$expected" ] || fail "the sim has no pods"

connects() { grep -c "CONNECT 127.0.0.1:$TLS_PORT" tinyproxy.log || true; }

# https: CONNECT through the proxy.
before=$(connects)
"$KPOD" --kubeconfig https.kubeconfig get pods >get.out 2>get.err ||
	fail "kpod get pods through the proxy failed: $(cat get.err)"
got=$(tail -n +2 get.out | awk '{print $1}' | sort)
[ "$got" = "$expected" ] || fail "pods through the proxy differ: got '$got', want '$expected'"
[ "$(connects)" -gt "$before" ] || fail "the proxy saw no CONNECT: $(tail -n 5 tinyproxy.log)"
pass "get pods over https through the proxy (CONNECT)"

# Logs and exec (a WebSocket on a CONNECT_ONLY handle) take the tunnel too.
pod=$(grep -m1 '^http-go' <<<"$expected" || head -n1 <<<"$expected")
# Logs and exec need the container started (ContainerCreating refuses).
running() {
	curl -sf "$SIM_URL/api/v1/namespaces/default/pods/$pod" | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)
cs = p.get("status", {}).get("containerStatuses") or []
sys.exit(0 if cs and all("running" in (c.get("state") or {}) for c in cs) else 1)'
}
wait_for 60 running || fail "$pod did not start running"
before=$(connects)
"$KPOD" --kubeconfig https.kubeconfig logs "$pod" >logs.out 2>logs.err ||
	fail "kpod logs through the proxy failed: $(cat logs.err)"
[ "$(connects)" -gt "$before" ] || fail "logs did not go through the proxy"
before=$(connects)
out=$("$KPOD" --kubeconfig https.kubeconfig exec "$pod" -- echo "through-proxy-$$" 2>exec.err) ||
	fail "kpod exec through the proxy failed: $(cat exec.err)"
[ "$out" = "through-proxy-$$" ] || fail "exec through the proxy said '$out'"
[ "$(connects)" -gt "$before" ] || fail "exec did not go through the proxy"
pass "logs and exec (WebSocket) through the proxy"

# http: the proxy forwards absolute-URI requests.
"$KPOD" --kubeconfig http.kubeconfig get pods >get2.out 2>get2.err ||
	fail "kpod get pods (http) through the proxy failed: $(cat get2.err)"
got=$(tail -n +2 get2.out | awk '{print $1}' | sort)
[ "$got" = "$expected" ] || fail "pods (http) through the proxy differ"
grep -q "GET http://127.0.0.1:$SIM_PORT/api/v1/namespaces/default/pods" tinyproxy.log ||
	fail "the proxy forwarded no GET: $(tail -n 5 tinyproxy.log)"
pass "get pods over http through the proxy"

# The proxy goes away: a clear error that names it; the server is fine.
kill "$PROXY_PID"
wait "$PROXY_PID" 2>/dev/null || true
wait_for 20 bash -c "! curl -s -o /dev/null -x http://127.0.0.1:$PROXY_PORT $SIM_URL/version" ||
	fail "tinyproxy still answers"
if "$KPOD" --kubeconfig https.kubeconfig get pods >down.out 2>down.err; then
	fail "kpod get pods succeeded with the proxy down"
fi
grep -q "127.0.0.1:$PROXY_PORT" down.err ||
	fail "the error does not name the proxy: $(cat down.err)"
grep -qi "proxy" down.err || fail "the error does not say proxy: $(cat down.err)"
pass "proxy down: $(head -n1 down.err)"
