# e2e: resizing the terminal re-lays out the list; sizes down to 20x5 (and
# smaller) do not crash, and going back to 120x30 shows the full table.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 120 30
e2e_demo
e2e_wait 30 '^http-go +1/1 +Running'

size_is() { [ "$(e2e_tmux display -p -t e2e '#{window_width}x#{window_height}')" = "$1" ]; }
alive() { kill -0 "$KPOD_PID" 2>/dev/null; }

for size in 80x24 20x5 40x10 10x3 1x1 20x5 120x30; do
	e2e_tmux resize-window -t e2e -x "${size%x*}" -y "${size#*x}"
	wait_for 10 size_is "$size" ||
		fail "tmux did not resize to $size"
	alive || fail "kpod died at $size"
done
# Back at full size: the whole header and both pods come back.
e2e_wait 10 '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE'
e2e_wait 10 '^nginx +1/1 +Running'
e2e_wait 10 '\| [0-9]+ pods'
pass "survived resizes down to 1x1"

# At 20x5: the header, three pod rows cut to fit (a cut cell ends in
# "…"), and the status bar as the last line.
e2e_tmux resize-window -t e2e -x 20 -y 5
e2e_wait 10 '^NAME +READY +'
e2e_wait 10 '…'
[[ "$(e2e_capture | sed -n 5p)" == " kpod-sim"* ]] || fail "no status bar at 20x5"
[ "$(e2e_capture | sed -n '2,4p' | grep -cE '^[a-z0-9…-]+ +[0-9]+/[0-9]+ ')" = 3 ] ||
	fail "want three pod rows (NAME READY ...) at 20x5"
alive || fail "kpod died at 20x5"
e2e_tmux resize-window -t e2e -x 120 -y 30
e2e_wait 10 '^http-go +1/1 +Running +0 '
pass "20x5 shows a cut table and the status bar"

e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
