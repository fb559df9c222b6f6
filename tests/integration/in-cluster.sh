# In-cluster configuration: no kubeconfig anywhere, KUBERNETES_SERVICE_HOST
# and _PORT set, and a service account directory (token, ca.crt,
# namespace) like the one the kubelet mounts — here a temp dir named by
# KPOD_TEST_SA_DIR, the tests-only override of
# /var/run/secrets/kubernetes.io/serviceaccount. kpod-sim wants the token
# and sits behind stunnel with a CA made here: kpod lists the namespace
# file's pods over TLS with the bearer token; a rotated (wrong) token is
# re-read and refused with the server's 401; a CA that did not sign the
# server fails verification; POD_NAMESPACE and -n take precedence.
. "$TESTLIB"

isolated_home
TOKEN=kpod-sa-token-$$
start_sim incluster --scenario empty --token "$TOKEN"
cd "$TEST_TMP"
free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

make_ca() { # NAME
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" \
		-days 2 -subj "/CN=$1" 2>/dev/null
}
make_ca cluster-ca
make_ca other-ca
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
	-subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in server.csr -CA cluster-ca.pem -CAkey cluster-ca.key \
	-CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
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
	[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert cluster-ca.pem "https://127.0.0.1:$TLS_PORT/version")" = 401 ]
}
wait_for 30 tls_up || fail "stunnel did not come up on $TLS_PORT"

api() { # METHOD PATH [JSON]
	curl -sf -o /dev/null -X "$1" -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' ${3:+--data "$3"} \
		"$SIM_URL$2" || fail "$1 $2 failed"
}
api POST /api/v1/namespaces \
	'{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-sa"}}'
for p in sa-one sa-two; do
	api POST /api/v1/namespaces/team-sa/pods "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"
done
api POST /api/v1/namespaces/default/pods '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"in-default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}'

SA=$TEST_TMP/serviceaccount
mkdir -p "$SA"
printf '%s' "$TOKEN" >"$SA/token"
cp cluster-ca.pem "$SA/ca.crt"
printf 'team-sa' >"$SA/namespace"

incluster() { # kpod ARGS... with the in-cluster environment only
	env -u KUBECONFIG -u POD_NAMESPACE HOME="$HOME" \
		KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$TLS_PORT" \
		KPOD_TEST_SA_DIR="$SA" "$@"
}
names() { tail -n +2 "$1" | awk '{print $1}' | sort | tr '\n' ' '; }

[ ! -e "$HOME/.kube/config" ] || fail "a kubeconfig exists in the test HOME"
incluster "$KPOD" get pods >get.out 2>get.err ||
	fail "kpod get pods in-cluster failed: $(cat get.err)"
[ "$(names get.out)" = "sa-one sa-two " ] ||
	fail "in-cluster pods: '$(names get.out)' (want the namespace file's)"
pass "service account: token, CA and the namespace file"

incluster env POD_NAMESPACE=default "$KPOD" get pods >get2.out 2>get2.err ||
	fail "with POD_NAMESPACE: $(cat get2.err)"
[ "$(names get2.out)" = "in-default " ] || fail "POD_NAMESPACE ignored: $(names get2.out)"
incluster "$KPOD" -n default get pods >get3.out 2>get3.err ||
	fail "with -n: $(cat get3.err)"
[ "$(names get3.out)" = "in-default " ] || fail "-n ignored: $(names get3.out)"
pass "POD_NAMESPACE and -n override the namespace file"

# The token is rotated in place: kpod reads the new one (wrong here).
printf 'rotated-and-wrong' >"$SA/token.new"
mv "$SA/token.new" "$SA/token"
if incluster "$KPOD" get pods >bad.out 2>bad.err; then
	fail "a wrong token was accepted"
fi
grep -q "Unauthorized" bad.err || fail "no 401 message: $(cat bad.err)"
printf '%s' "$TOKEN" >"$SA/token"
pass "a wrong service account token: $(head -n1 bad.err)"

# A CA that did not sign the server: verification fails.
cp other-ca.pem "$SA/ca.crt"
if incluster "$KPOD" get pods >ca.out 2>ca.err; then
	fail "a server certificate from another CA was accepted"
fi
grep -Eqi "certificate|SSL" ca.err || fail "no certificate error: $(cat ca.err)"
pass "the wrong CA is refused: $(head -n1 ca.err)"
