# Debian's python3-kubernetes (run with /usr/bin/python3) against kpod-sim:
# list + watch, stream() exec with exit codes, portforward() to http-go.
# The checks live in python-client.py beside this script.
. "$TESTLIB"

isolated_home
start_sim python --scenario demo --log "$TEST_TMP/requests.log"

running() {
	[ "$(curl -s "$SIM_URL/api/v1/namespaces/default/pods/$1" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["phase"])')" = Running ]
}
wait_for 90 running http-go || fail "http-go is not Running"

timeout 300 /usr/bin/python3 "$(dirname "$0")/python-client.py" "$SIM_KUBECONFIG" ||
	fail "python client checks failed"
# The client negotiated v4.channel.k8s.io for both exec and port-forward.
grep -q '^websocket exec default/http-go protocol=v4.channel.k8s.io$' "$TEST_TMP/requests.log" ||
	fail "python exec did not use v4.channel.k8s.io"
grep -q '^websocket portforward default/http-go protocol=v4.channel.k8s.io$' "$TEST_TMP/requests.log" ||
	fail "python port-forward did not use v4.channel.k8s.io"
pass "python3-kubernetes: list, watch, exec, port-forward"
