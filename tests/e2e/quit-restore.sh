# e2e: the terminal is restored however kpod ends: q, ctrl-c, SIGTERM and
# SIGHUP, and a crash. Restored means the same stty settings as before, the shell's
# screen back (kpod's alternate screen gone) and a visible cursor.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 100 24
e2e_type "stty -g > $TEST_TMP/stty.before"
wait_for 10 test -s "$TEST_TMP/stty.before" || fail "stty -g failed"
e2e_type "echo MARKER-BEFORE-KPOD"
e2e_wait 10 '^MARKER-BEFORE-KPOD'

check_restored() {
	local how=$1
	rm -f "$TEST_TMP/stty.after"
	e2e_type "stty -g > $TEST_TMP/stty.after"
	wait_for 10 test -s "$TEST_TMP/stty.after" ||
		fail "$how: the shell does not take input"
	cmp -s "$TEST_TMP/stty.before" "$TEST_TMP/stty.after" ||
		fail "$how: stty differs: $(cat "$TEST_TMP/stty.before") vs $(cat "$TEST_TMP/stty.after")"
	e2e_has '^MARKER-BEFORE-KPOD' || fail "$how: shell screen not restored"
	e2e_lacks '^NAME +READY +STATUS' || fail "$how: kpod's screen left behind"
	[ "$(e2e_tmux display -p -t e2e '#{cursor_flag}')" = 1 ] ||
		fail "$how: cursor left invisible"
	[ "$(e2e_tmux display -p -t e2e '#{alternate_on}')" = 0 ] ||
		fail "$how: still on the alternate screen"
	pass "$how restores the terminal"
}

# No simulator needed: a server that refuses still brings the UI up.
cfg="$TEST_TMP/refused.kubeconfig"
e2e_refused_kubeconfig "$cfg"
run_until_up() {
	e2e_run --kubeconfig "$cfg"
	e2e_wait 30 'nowhere-ctx \| team-a'
	[ "$(e2e_tmux display -p -t e2e '#{alternate_on}')" = 1 ] ||
		fail "kpod is not on the alternate screen"
}

run_until_up
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "q: exit status not 0"
check_restored "q"

run_until_up
e2e_keys C-c
[ "$(e2e_exit_status)" = 0 ] || fail "ctrl-c: exit status not 0"
check_restored "ctrl-c"

run_until_up
kill -TERM "$KPOD_PID"
e2e_exit_status >/dev/null
check_restored "SIGTERM"

run_until_up
kill -HUP "$KPOD_PID"
e2e_exit_status >/dev/null
check_restored "SIGHUP"

# A crash still gives the terminal back (the fatal-signal handler restores
# it, then the signal ends kpod as usual: status 128 + SIGSEGV = 139).
run_until_up
kill -SEGV "$KPOD_PID"
[ "$(e2e_exit_status)" = 139 ] || fail "SIGSEGV: exit status not 139"
check_restored "a crash (SIGSEGV)"
