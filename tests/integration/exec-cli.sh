#!/usr/bin/env bash
# kpod exec and kpod port-forward in print mode against the kpod-sim
# binary: output, exit codes and stdin like kubectl's; port-forward prints
# kubectl's messages, carries an HTTP request, refuses a busy port and
# ends cleanly on SIGINT.
. "$TESTLIB"
isolated_home
start_sim cli --scenario demo

running() {
	[ "$(kc get pod http-go -o 'jsonpath={.status.phase}')" = Running ]
}
wait_for 60 running || fail "http-go never ran"

out=$("$KPOD" --kubeconfig "$SIM_KUBECONFIG" exec http-go -- curl 127.0.0.1:8080 -s) ||
	fail "exec curl exited $?"
[ "$out" = "Welcome! http-go" ] || fail "exec curl printed: $out"
pass "exec curl"

rc=0
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" exec http-go -- sh -c 'echo out; echo err >&2; exit 7' \
	>"$TEST_TMP/o" 2>"$TEST_TMP/e" || rc=$?
[ "$rc" -eq 7 ] || fail "exit 7 gave $rc"
[ "$(cat "$TEST_TMP/o")" = out ] || fail "stdout: $(cat "$TEST_TMP/o")"
grep -qx err "$TEST_TMP/e" || fail "stderr: $(cat "$TEST_TMP/e")"
grep -qx 'command terminated with exit code 7' "$TEST_TMP/e" ||
	fail "no exit message: $(cat "$TEST_TMP/e")"
pass "exit code"

out=$(printf 'one\ntwo\n' | "$KPOD" exec --kubeconfig "$SIM_KUBECONFIG" -i http-go -- cat) ||
	fail "exec -i cat exited $?"
[ "$out" = "$(printf 'one\ntwo')" ] || fail "stdin round trip: $out"
pass "stdin"

# -it on a pty (script): raw terminal, its size reaches the shell, the
# exit code comes back.
rc=0
printf 'stty size\nexit 3\n' | script -qfec "stty cols 77 rows 22; \
	'$KPOD' --kubeconfig '$SIM_KUBECONFIG' exec -it http-go -- sh" /dev/null \
	>"$TEST_TMP/tty.out" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "exec -it exit 3 gave $rc: $(cat "$TEST_TMP/tty.out")"
tr -d '\r' <"$TEST_TMP/tty.out" | grep -qx '22 77' ||
	fail "tty size not seen: $(cat -A "$TEST_TMP/tty.out")"
pass "exec -it"

rc=0
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" exec no-such-pod -- ls 2>"$TEST_TMP/e" || rc=$?
[ "$rc" -eq 1 ] || fail "missing pod gave $rc"
grep -q 'pods "no-such-pod" not found' "$TEST_TMP/e" || fail "missing pod: $(cat "$TEST_TMP/e")"
pass "missing pod"

# port-forward: a free port picked by the kernel (:8080), read from the
# message kubectl prints.
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" port-forward http-go :8080 \
	>"$TEST_TMP/pf.log" 2>&1 &
PF=$!
TEST_PIDS+=("$PF")
wait_for 20 grep -q '^Forwarding from 127.0.0.1:[0-9]* -> 8080$' "$TEST_TMP/pf.log" ||
	fail "no Forwarding line: $(cat "$TEST_TMP/pf.log")"
port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) -> 8080$/\1/p' "$TEST_TMP/pf.log")
out=$(curl -s --max-time 20 "http://127.0.0.1:$port/") || fail "curl through the forward"
[ "$out" = "Welcome! http-go" ] || fail "through the forward: $out"
wait_for 20 grep -qx "Handling connection for $port" "$TEST_TMP/pf.log" ||
	fail "no Handling line: $(cat "$TEST_TMP/pf.log")"
pass "port-forward"

rc=0
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" port-forward http-go "$port:8080" \
	>"$TEST_TMP/busy.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "busy port gave $rc"
grep -q 'address already in use' "$TEST_TMP/busy.log" || fail "busy: $(cat "$TEST_TMP/busy.log")"
pass "port in use"

kill -INT "$PF"
rc=0
wait "$PF" || rc=$?
[ "$rc" -eq 0 ] || fail "port-forward exited $rc on SIGINT"
pass "SIGINT"
