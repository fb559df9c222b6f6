# Helpers for the e2e tests (sourced after $TESTLIB): a private tmux server
# runs a shell in a fixed-size window; tests type into it and poll its
# captured text with deadlines. Nothing here sleeps in place of a check.

E2E_SOCK="kpod-e2e-$$-$RANDOM"
E2E_SHELL_READY="$TEST_TMP/shell-ready"

e2e_tmux() {
	tmux -L "$E2E_SOCK" -f /dev/null "$@"
}

# e2e_start COLS ROWS: a bash without rc files in a detached session,
# UTF-8 locale, a known prompt. Cleaned up at exit.
e2e_start() {
	local cols=$1 rows=$2
	TEST_CLEANUPS+=("tmux -L $E2E_SOCK kill-server")
	e2e_tmux new-session -d -x "$cols" -y "$rows" -s e2e \
		"env -i PATH=/usr/bin:/bin HOME=$TEST_TMP/home HISTFILE= TERM=screen \
LANG=C.UTF-8 PS1='e2e\$ ' bash --norc --noprofile"
	e2e_tmux set-option -t e2e -g status off >/dev/null
	mkdir -p "$TEST_TMP/home"
	e2e_type "touch $E2E_SHELL_READY"
	wait_for 20 test -e "$E2E_SHELL_READY" || fail "tmux shell did not start"
}

# e2e_type TEXT: type a line into the shell (or the running program).
e2e_type() {
	e2e_tmux send-keys -t e2e -l "$1"
	e2e_tmux send-keys -t e2e Enter
}

# e2e_keys KEY...: send tmux key names (q, j, C-c, Down ...).
e2e_keys() {
	e2e_tmux send-keys -t e2e "$@"
}

e2e_capture() {
	e2e_tmux capture-pane -p -t e2e
}

# e2e_has REGEX: the screen shows a line matching REGEX.
e2e_has() {
	# Not a pipe: with pipefail, grep -q quitting early could fail the
	# writer with SIGPIPE and flip the answer.
	local screen
	screen=$(e2e_capture) || return 1
	grep -Eq -- "$1" <<<"$screen"
}

e2e_lacks() {
	local screen
	screen=$(e2e_capture) || return 1
	! grep -Eq -- "$1" <<<"$screen"
}

# e2e_wait SECONDS REGEX: poll the screen until REGEX shows; on timeout
# print the screen and fail.
e2e_wait() {
	local secs=$1 re=$2
	if ! wait_for "$secs" e2e_has "$re"; then
		echo "--- screen:" >&2
		e2e_capture >&2
		fail "no /$re/ on screen within ${secs}s"
	fi
}

e2e_wait_gone() {
	local secs=$1 re=$2
	if ! wait_for "$secs" e2e_lacks "$re"; then
		echo "--- screen:" >&2
		e2e_capture >&2
		fail "/$re/ still on screen after ${secs}s"
	fi
}

# Milliseconds on a monotonic-enough clock for deadlines.
e2e_ms() {
	date +%s%3N
}

# e2e_wait_ms MS REGEX: like e2e_wait with a millisecond deadline; prints
# how long it took.
e2e_wait_ms() {
	local ms=$1 re=$2 start now
	start=$(e2e_ms)
	while :; do
		if e2e_has "$re"; then
			now=$(e2e_ms)
			echo $((now - start))
			return 0
		fi
		now=$(e2e_ms)
		if [ $((now - start)) -gt "$ms" ]; then
			echo "--- screen:" >&2
			e2e_capture >&2
			fail "no /$re/ on screen within ${ms} ms"
		fi
		sleep 0.02
	done
}

# e2e_run [kpod flags...]: start kpod in the shell with a debug log; sets
# KPOD_LOG and KPOD_PID. The exit status lands in $TEST_TMP/kpod.exit.
e2e_run() {
	E2E_RUNS=$((${E2E_RUNS:-0} + 1))
	KPOD_LOG="$TEST_TMP/kpod-$E2E_RUNS.log"
	rm -f "$TEST_TMP/kpod.exit"
	e2e_type "$KPOD --log $KPOD_LOG $*; echo \$? > $TEST_TMP/kpod.exit"
	wait_for 30 test -s "$KPOD_LOG" || fail "kpod did not start (no log)"
	KPOD_PID=$(pgrep -n -f -- "--log $KPOD_LOG") || fail "no kpod process"
}

# e2e_demo [kpod flags...]: `kpod --demo`; also sets DEMO_URL (the
# simulator's URL, from --demo-url-file).
e2e_demo() {
	local urlfile="$TEST_TMP/demo-url"
	rm -f "$urlfile"
	e2e_run --demo --demo-url-file "$urlfile" "$@"
	wait_for 30 test -s "$urlfile" || fail "kpod --demo wrote no URL"
	DEMO_URL=$(cat "$urlfile")
}

# e2e_refused_kubeconfig FILE: a kubeconfig whose server refuses
# connections (REFUSED_PORT on loopback, see refused_port), context
# "nowhere-ctx", namespace team-a.
e2e_refused_kubeconfig() {
	refused_port
	cat >"$1" <<CFG
apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster:
    server: http://127.0.0.1:$REFUSED_PORT
contexts:
- name: nowhere-ctx
  context:
    cluster: nowhere
    user: nobody
    namespace: team-a
users:
- name: nobody
  user: {}
current-context: nowhere-ctx
CFG
}

# e2e_exit_status: wait for kpod to end; prints its exit status. Fails
# when kpod did not close its loop cleanly (uv_loop_close() != 0).
e2e_exit_status() {
	wait_for 20 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not exit"
	# kpod logs uv_loop_close's error when handles were left open.
	if grep -q 'uv_loop_close:' "$KPOD_LOG"; then
		fail "kpod left libuv handles open: $(grep 'uv_loop_close:' "$KPOD_LOG")"
	fi
	cat "$TEST_TMP/kpod.exit"
}
