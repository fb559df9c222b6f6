# e2e: kpod under terminal abuse. A resize storm (hundreds of resizes at
# ~100 per second between 20x5 and 400x120) leaves it alive and drawing
# the final size; when its terminal goes away (the tmux pane killed, the
# whole tmux server killed) the process ends within a deadline instead of
# living on as an orphan, and closes its loop cleanly. ctrl-z (and SIGTSTP
# from outside) stops it with the terminal given back; fg redraws it.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 120 30
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
alive() { kill -0 "$KPOD_PID" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# --- resize storm ---------------------------------------------------------
sizes=(20x5 400x120 37x9 211x61 80x24 20x5 399x119 133x40 64x16 301x90)
start=$(e2e_ms)
n=0
while [ $n -lt 400 ]; do
	s=${sizes[$((n % ${#sizes[@]}))]}
	# Ten resizes per tmux call (one client round trip), each its own
	# SIGWINCH to kpod.
	args=()
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		s=${sizes[$((n % ${#sizes[@]}))]}
		args+=(resize-window -t e2e -x "${s%x*}" -y "${s#*x}" \;)
		n=$((n + 1))
	done
	e2e_tmux "${args[@]}" >/dev/null
	# Keep to ~100 per second: the storm the issue names, not more.
	now=$(e2e_ms)
	ahead=$(((n * 10) - (now - start)))
	if [ "$ahead" -gt 0 ]; then
		sleep "$(printf '0.%03d' "$ahead")" # pacing the storm, not a wait for kpod
	fi
	alive || fail "kpod died during the resize storm after $n resizes"
done
took=$(($(e2e_ms) - start))
pass "$n resizes in ${took} ms; kpod alive"

# Settle at a size the storm never used: kpod draws exactly that.
e2e_tmux resize-window -t e2e -x 101 -y 33
size_is() { [ "$(e2e_tmux display -p -t e2e '#{window_width}x#{window_height}')" = 101x33 ]; }
wait_for 10 size_is || fail "tmux did not settle at 101x33"
status_on_last_line() {
	local screen
	screen=$(e2e_capture)
	[ "$(wc -l <<<"$screen")" -eq 33 ] &&
		[[ "$(sed -n 33p <<<"$screen")" == " kpod-sim"* ]] &&
		[[ "$(sed -n 1p <<<"$screen")" == NAME* ]]
}
if ! wait_for 20 status_on_last_line; then
	e2e_capture >&2
	fail "after the storm the screen is not laid out for 101x33"
fi
# nothing wider than the window was drawn, and the rows are there
long=$(e2e_capture | awk 'length($0) > 101' | wc -l)
[ "$long" -eq 0 ] || fail "$long lines wider than 101 columns"
e2e_wait 10 '^http-go +1/1 +Running'
e2e_keys j
e2e_keys d
e2e_wait 20 ' Describe: default/'
e2e_keys Escape
pass "after the storm: drawn at 101x33 and answering keys"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0 after the storm"

# --- ctrl-z and fg ---------------------------------------------------------
# Started alone (not in a `;` list, whose next command bash would run at
# once when kpod stops), so the shell's job control sees kpod itself.
LOGZ="$TEST_TMP/kpod-tstp.log"
e2e_type "$KPOD --log $LOGZ --demo"
wait_for 30 test -s "$LOGZ" || fail "kpod did not start (no log)"
PIDZ=$(pgrep -n -f -- "--log $LOGZ") || fail "no kpod process"
e2e_wait 60 '^http-go +1/1 +Running'
stopped() { [[ "$(ps -o stat= -p "$1")" == T* ]]; }
alt() { [ "$(e2e_tmux display -p -t e2e '#{alternate_on}')" = "$1" ]; }
suspend_and_resume() { # HOW
	wait_for 20 stopped "$PIDZ" || fail "$1: kpod is not stopped: $(ps -o stat= -p "$PIDZ")"
	wait_for 20 alt 0 || fail "$1: the alternate screen is still on"
	e2e_wait 20 '^e2e\$ ?$'
	e2e_lacks '^NAME +READY +STATUS' || fail "$1: kpod's screen left behind"
	[ "$(e2e_tmux display -p -t e2e '#{cursor_flag}')" = 1 ] || fail "$1: cursor left invisible"
	e2e_type "fg"
	wait_for 20 alt 1 || fail "$1: fg did not bring the alternate screen back"
	e2e_wait 30 '^http-go +1/1 +Running'
	e2e_wait 30 '^NAME +READY +STATUS'
	! stopped "$PIDZ" || fail "$1: still stopped after fg"
	e2e_keys d
	e2e_wait 30 ' Describe: default/'
	e2e_keys Escape
	e2e_wait_gone 30 ' Describe: default/'
	pass "$1 suspends with the terminal restored; fg redraws and keys work"
}
e2e_keys C-z
suspend_and_resume "ctrl-z"
# Resized while stopped: drawn at the new size after fg.
kill -TSTP "$PIDZ"
wait_for 20 stopped "$PIDZ" || fail "SIGTSTP: kpod is not stopped"
e2e_tmux resize-window -t e2e -x 90 -y 20
suspend_and_resume "SIGTSTP from outside"
[ "$(e2e_capture | wc -l)" -eq 20 ] || fail "not redrawn at 90x20 after fg"
[[ "$(e2e_capture | sed -n 20p)" == " kpod-sim"* ]] || fail "no status bar on row 20 after fg"
e2e_keys q
wait_for 20 gone "$PIDZ" || fail "kpod did not quit after fg"
grep -q 'main: exit 0' "$LOGZ" || fail "kpod's exit after fg: $(tail -n 3 "$LOGZ")"
e2e_tmux resize-window -t e2e -x 120 -y 30

# --- the terminal goes away -----------------------------------------------
# kpod in a second window; killing that pane closes its terminal.
rm -f "$TEST_TMP/pane2.exit"
LOG2="$TEST_TMP/kpod-pane.log"
e2e_tmux new-window -d -t e2e -n victim \
	"env -i PATH=/usr/bin:/bin HOME=$TEST_TMP/home TERM=screen LANG=C.UTF-8 \
$KPOD --log $LOG2 --demo"
wait_for 30 test -s "$LOG2" || fail "kpod in the second window did not start"
PID2=$(pgrep -n -f -- "--log $LOG2") || fail "no kpod process in the second window"
wait_for 30 grep -q 'pods: state 1' "$LOG2" || fail "kpod in the second window never went live"
e2e_tmux kill-pane -t e2e:victim
if ! wait_for 20 gone "$PID2"; then
	ps -o pid,stat,pcpu,cmd -p "$PID2" >&2 || true
	kill -KILL "$PID2" 2>/dev/null || true
	fail "kpod outlived its killed pane"
fi
! grep -q 'uv_loop_close:' "$LOG2" || fail "handles left open: $(grep 'uv_loop_close:' "$LOG2")"
pass "pane killed: kpod exited"

# The whole tmux server goes: kpod in the main window ends too.
e2e_run --demo
e2e_wait 60 '^http-go +1/1 +Running'
e2e_tmux kill-server
if ! wait_for 20 gone "$KPOD_PID"; then
	ps -o pid,stat,pcpu,cmd -p "$KPOD_PID" >&2 || true
	kill -KILL "$KPOD_PID" 2>/dev/null || true
	fail "kpod outlived the tmux server"
fi
! grep -q 'uv_loop_close:' "$KPOD_LOG" || fail "handles left open: $(grep 'uv_loop_close:' "$KPOD_LOG")"
pass "tmux server killed: kpod exited"
