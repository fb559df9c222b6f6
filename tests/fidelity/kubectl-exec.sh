# The real kubectl exec against kpod-sim over WebSocket v5.channel.k8s.io:
# curl to the pod's own port, exit codes, stdin, stderr, files shared
# between execs, and proof that no SPDY fallback happened (the request log
# shows the v5 upgrade and no SPDY; with WebSockets disabled kubectl must
# fail, because kpod-sim does not speak SPDY).
. "$TESTLIB"

isolated_home
start_sim exec --scenario demo --log "$TEST_TMP/requests.log"

running() {
	[ "$(kc get pod "$1" -o 'jsonpath={.status.phase}')" = Running ] &&
		[ "$(kc get pod "$1" -o 'jsonpath={.status.containerStatuses[0].ready}')" = true ]
}
wait_for 90 running http-go || fail "http-go is not Running"
wait_for 90 running liveness-exec || fail "liveness-exec is not Running"

out=$(kc exec http-go -- curl 127.0.0.1:8080 -s) || fail "exec curl failed"
[ "$out" = "Welcome! http-go" ] || fail "exec curl printed '$out'"
pass "kubectl exec http-go -- curl 127.0.0.1:8080 -s"

# Which protocol carried it: the upgrade asked for v5 and got it, and
# kubectl never fell back to SPDY (a POST with Upgrade: SPDY/3.1).
grep -q '^GET /api/v1/namespaces/default/pods/http-go/exec?command=curl&.* upgrade=websocket protocol=v5.channel.k8s.io$' \
	"$TEST_TMP/requests.log" || fail "no WebSocket v5 exec upgrade in the request log"
grep -q '^websocket exec default/http-go protocol=v5.channel.k8s.io$' \
	"$TEST_TMP/requests.log" || fail "the sim did not accept v5.channel.k8s.io"
if grep -qi 'spdy' "$TEST_TMP/requests.log"; then
	fail "kubectl fell back to SPDY: $(grep -i spdy "$TEST_TMP/requests.log")"
fi
if grep -q '^POST .*/exec' "$TEST_TMP/requests.log"; then
	fail "kubectl sent a POST exec (SPDY fallback)"
fi
# And the SPDY path really is unavailable, so a WebSocket failure could not
# have been papered over by a fallback.
if KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false kc exec http-go -- true \
	>"$TEST_TMP/spdy.out" 2>&1; then
	fail "exec over SPDY succeeded: the WebSocket proof above would be void"
fi
grep -q 'Upgrade: SPDY\|upgrade=SPDY' "$TEST_TMP/requests.log" ||
	fail "the SPDY attempt did not reach the sim"
pass "exec used WebSocket v5.channel.k8s.io, no SPDY fallback"

set +e
kc exec http-go -- sh -c 'exit 7' 2>"$TEST_TMP/exit7.err"
rc=$?
kc exec http-go -- false 2>/dev/null
rc1=$?
set -e
[ "$rc" -eq 7 ] || fail "sh -c 'exit 7' gave exit code $rc"
grep -q 'command terminated with exit code 7' "$TEST_TMP/exit7.err" ||
	fail "kubectl did not report exit code 7: $(cat "$TEST_TMP/exit7.err")"
[ "$rc1" -eq 1 ] || fail "false gave exit code $rc1"
pass "exit codes propagate (7, 1)"

out=$(printf 'hello\nworld\n' | kc exec -i http-go -- cat) || fail "exec -i cat failed"
[ "$out" = "$(printf 'hello\nworld')" ] || fail "stdin echoed as '$out'"
pass "stdin reaches the container and EOF ends cat"

kc exec http-go -- sh -c 'echo to-out; echo to-err >&2' \
	>"$TEST_TMP/split.out" 2>"$TEST_TMP/split.err" || fail "exec split failed"
[ "$(cat "$TEST_TMP/split.out")" = to-out ] || fail "stdout: $(cat "$TEST_TMP/split.out")"
grep -qx 'to-err' "$TEST_TMP/split.err" || fail "stderr: $(cat "$TEST_TMP/split.err")"
[ "$(kc exec http-go -- hostname)" = http-go ] || fail "hostname"
pass "stdout and stderr stay apart; hostname is the pod name"

# Files persist between execs and are the ones the kubelet's exec probes
# read (liveness-exec creates /tmp/healthy itself).
kc exec liveness-exec -- sh -c 'echo kept > /tmp/marker' || fail "write a file"
[ "$(kc exec liveness-exec -- cat /tmp/marker)" = kept ] || fail "file did not persist"
kc exec liveness-exec -- ls /tmp | grep -qx marker || fail "ls /tmp misses marker"
pass "container files persist across execs"

set +e
kc exec http-go -- no-such-command >"$TEST_TMP/nf.out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "an unknown command succeeded"
grep -q 'executable file not found in \$PATH' "$TEST_TMP/nf.out" ||
	fail "unknown command: $(cat "$TEST_TMP/nf.out")"
pass "unknown commands fail like the runtime says"

# kubectl exec -it on a real pseudo-terminal (script(1)): the prompt, the
# echo of what was typed, the command's output and its exit status. The
# lines are typed ahead; the pty queues them until kubectl reads.
printf 'echo hi-from-tty\rexit 3\r' |
	timeout 60 script -qfec "/usr/bin/kubectl --kubeconfig '$SIM_KUBECONFIG' exec -it http-go -- sh" \
		/dev/null >"$TEST_TMP/tty.out" && rc=0 || rc=$?
[ "$rc" -eq 3 ] || fail "exec -it exit status $rc: $(cat -A "$TEST_TMP/tty.out")"
tr -d '\r' <"$TEST_TMP/tty.out" >"$TEST_TMP/tty.txt"
grep -qx '/ # echo hi-from-tty' "$TEST_TMP/tty.txt" || fail "no prompt+echo: $(cat -A "$TEST_TMP/tty.out")"
grep -qx 'hi-from-tty' "$TEST_TMP/tty.txt" || fail "no output: $(cat -A "$TEST_TMP/tty.out")"
# typed ahead, "exit 3" was echoed on arrival; the shell prompts again
# after the output and then exits
grep -q '^hi-from-tty$' "$TEST_TMP/tty.txt" && grep -A1 -x 'hi-from-tty' "$TEST_TMP/tty.txt" |
	tail -n1 | grep -q '^/ # ' || fail "no second prompt: $(cat -A "$TEST_TMP/tty.out")"
grep -q '^websocket exec default/http-go protocol=v5.channel.k8s.io$' "$TEST_TMP/requests.log" ||
	fail "exec -it did not use v5"
pass "kubectl exec -it: prompt, echo, output, exit status"

# registry.k8s.io/liveness serves /healthz on 8080 (undeclared, as in the
# Kubernetes docs) with 200 for the first 10 s of each run, then 500; curl
# inside the pod sees what the kubelet's probe sees.
healthz_is() { # WANT_STATUS MIN_UPTIME MAX_UPTIME
	local s0 s1 up line
	s0=$(kc get pod liveness-http -o 'jsonpath={.status.containerStatuses[0].state.running.startedAt}')
	[ -n "$s0" ] || return 1
	up=$(($(date +%s) - $(date -d "$s0" +%s)))
	[ "$up" -ge "$2" ] && [ "$up" -le "$3" ] || return 1
	line=$(kc exec liveness-http -- curl -si localhost:8080/healthz | head -n1 | tr -d '\r')
	s1=$(kc get pod liveness-http -o 'jsonpath={.status.containerStatuses[0].state.running.startedAt}')
	up=$(($(date +%s) - $(date -d "$s0" +%s)))
	[ "$s0" = "$s1" ] && [ "$up" -le "$3" ] || return 1 # same run, still in the window
	[ "$line" = "HTTP/1.1 $1" ] || { echo "uptime $up: $line" >"$TEST_TMP/healthz.bad"; return 1; }
}
wait_for 120 healthz_is "500 Internal Server Error" 12 17 ||
	fail "liveness /healthz after 10 s: $(cat "$TEST_TMP/healthz.bad" 2>/dev/null)"
wait_for 120 healthz_is "200 OK" 0 7 ||
	fail "liveness /healthz in the first 10 s: $(cat "$TEST_TMP/healthz.bad" 2>/dev/null)"
pass "liveness /healthz follows the container's runs (500 after 10 s, 200 after a restart)"
