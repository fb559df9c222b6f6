# e2e: a scripted session under valgrind (memcheck, --leak-check=full):
# kpod --demo in tmux opens the describe, events, annotations and YAML
# panes of a few pods, a log pane, moves around, then quits; kpod exec and kpod
# port-forward run against the same simulator (the UI does not drive them
# yet). Each must report no invalid access, no use of uninitialised
# memory and no definitely or indirectly lost block. Only libraries'
# one-time allocations are suppressed (tests/valgrind.supp, each entry
# says why).
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

command -v valgrind >/dev/null || fail "valgrind is not installed (scripts/install-deps.sh)"
SUPP="$KPOD_SOURCE_DIR/tests/valgrind.supp"
VG="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=no \
--suppressions=$SUPP --num-callers=30"

# check_vg LOG WHAT: the valgrind log says no errors and no leaks.
check_vg() {
	local log=$1 what=$2
	[ -s "$log" ] || fail "$what: no valgrind log"
	grep -q 'ERROR SUMMARY: 0 errors' "$log" || {
		sed -n '/Invalid\|uninitialised\|definitely lost in\|indirectly lost in/,+25p' "$log" | head -120 >&2
		fail "$what: valgrind found errors: $(grep 'ERROR SUMMARY' "$log")"
	}
	if grep -qE 'definitely lost: [1-9]|indirectly lost: [1-9]' "$log"; then
		grep -E 'definitely lost:|indirectly lost:' "$log" >&2
		fail "$what: leaks"
	fi
	pass "$what: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$log"), no leaks"
}

e2e_start 140 40
VGLOG="$TEST_TMP/vg-ui.log"
KPOD_REAL=$KPOD
KPOD="$VG --log-file=$VGLOG $KPOD_REAL"
e2e_demo
KPOD=$KPOD_REAL
e2e_wait 180 '^http-go +1/1 +Running'

# Pane by pane, for three pods (valgrind makes kpod slow: long deadlines).
# A pane that takes the focus (annotations) gives it back to the list.
unfocus() {
	if e2e_has '\[focus\]'; then
		e2e_keys Tab
		e2e_wait_gone 60 '\[focus\]'
	fi
}
for pod in 1 2 3; do
	e2e_keys d
	e2e_wait 60 ' Describe: default/'
	e2e_keys Tab
	e2e_wait 60 '\[focus\]'
	e2e_keys j j G g
	unfocus
	e2e_keys E
	e2e_wait 60 ' Events: default/'
	unfocus
	e2e_keys a
	e2e_wait 60 ' Annotations: default/'
	unfocus
	e2e_keys y
	e2e_wait 60 ' YAML: default/'
	e2e_keys Tab
	e2e_wait 60 '\[focus\]'
	e2e_keys m
	e2e_wait 60 'managedFields'
	unfocus
	e2e_keys Escape
	e2e_wait_gone 60 ' YAML: default/'
	e2e_keys j
done
# A log pane (l) on http-go, found through the filter (/).
e2e_keys /
e2e_tmux send-keys -t e2e -l http-go
e2e_keys Enter
e2e_wait_gone 60 '^nginx '
e2e_keys l
e2e_wait 60 ' default/http-go \[focus\]'
e2e_wait 60 '(Listening on :8080|[0-9] (GET|POST) /)'
e2e_keys q
e2e_wait_gone 60 ' default/http-go \[focus\]'
e2e_tmux resize-window -t e2e -x 90 -y 25
e2e_tmux resize-window -t e2e -x 140 -y 40
e2e_wait 60 '^NAME +READY +STATUS'
e2e_keys q
code=$(e2e_exit_status)
[ "$code" = 0 ] || fail "kpod under valgrind exited $code (99 = valgrind errors)"
check_vg "$VGLOG" "UI session (describe, events, annotations, YAML, logs, resize, quit)"

# exec and port-forward through the CLI, against a simulator of their own.
start_sim vg --scenario demo
ready() { curl -sf "$SIM_URL/api/v1/namespaces/default/pods/http-go" | grep -q '"phase": *"Running"'; }
wait_for 90 ready || fail "http-go never ran"
$VG --log-file="$TEST_TMP/vg-exec.log" "$KPOD" --kubeconfig "$SIM_KUBECONFIG" \
	exec http-go -- sh -c 'echo vg-ok' >"$TEST_TMP/exec.out" 2>&1 ||
	fail "kpod exec under valgrind: $(cat "$TEST_TMP/exec.out")"
grep -qx 'vg-ok' "$TEST_TMP/exec.out" || fail "exec printed: $(cat "$TEST_TMP/exec.out")"
check_vg "$TEST_TMP/vg-exec.log" "kpod exec"

$VG --log-file="$TEST_TMP/vg-pf.log" "$KPOD" --kubeconfig "$SIM_KUBECONFIG" \
	port-forward http-go :8080 >"$TEST_TMP/pf.out" 2>&1 &
PF=$!
TEST_PIDS+=("$PF")
wait_for 120 grep -q '^Forwarding from 127.0.0.1:[0-9]* -> 8080$' "$TEST_TMP/pf.out" ||
	fail "no Forwarding line: $(cat "$TEST_TMP/pf.out")"
port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) -> 8080$/\1/p' "$TEST_TMP/pf.out")
for _ in 1 2 3; do
	out=$(curl -s --max-time 60 "http://127.0.0.1:$port/") || fail "curl through the forward"
	[ "$out" = "Welcome! http-go" ] || fail "through the forward: $out"
done
kill -INT "$PF"
set +e
wait "$PF"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "kpod port-forward under valgrind exited $rc on SIGINT (99 = valgrind errors)"
check_vg "$TEST_TMP/vg-pf.log" "kpod port-forward (3 connections, SIGINT)"
