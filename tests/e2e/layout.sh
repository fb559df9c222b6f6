# e2e: the tiling layout with kpod --demo. l opens a log pane under the
# list; | splits it side by side (a divider column between), - stacks a
# third pane; ctrl-w h/l move the focus by direction; ctrl-w > and < move
# the divider; z zooms one pane over the whole screen and back; q closes
# the focused pane and its sibling takes the room. Resizing down to 20x5
# and 1x1 with panes open does not crash, and the layout comes back.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 160 40
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 60 '^web-bad-image +'

alive() { kill -0 "$KPOD_PID" 2>/dev/null; }
# The column (1-based, bytes: the rest of the line is ASCII) of the
# divider on the first line that has one, or 0.
div_col() {
	e2e_capture | awk '{ i = index($0, "│"); if (i) { print i; exit } } END { if (!i) print 0 }'
}
titles() { e2e_capture | grep -o ' default/http-go' | wc -l; }

# rows: big-request, crashy, http-go ...
e2e_keys j j l
e2e_wait 20 '^ default/http-go \[focus\] +following'
e2e_wait 10 '^Listening on :8080 \(pod http-go\)'
# the list is still above the pane
e2e_wait 5 '^NAME +READY'
[ "$(div_col)" = 0 ] || fail "a divider before any side-by-side split"
pass "l opens a log pane under the list"

# | : the same log beside it, focused; a divider between the two
e2e_keys '|'
e2e_wait 10 '^ default/http-go +following.*│ default/http-go \[focus\] +following'
d1=$(div_col)
[ "$d1" -gt 70 ] && [ "$d1" -lt 90 ] || fail "divider at column $d1, want about half of 160"
pass "| splits side by side (divider at $d1)"

# - : a third pane stacked under the focused (right) one
e2e_keys -
wait_for 10 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | grep -o ' default/http-go' | wc -l)\" = 3 ]" ||
	fail "want three log pane titles after -, have $(titles)"
# the new (bottom right) title starts after the divider, on a lower row
e2e_wait 5 '│ default/http-go \[focus\] +following'
pass "- stacks a pane"

# ctrl-w h: focus the left pane; ctrl-w l: back to the right
e2e_keys C-w h
e2e_wait 5 '^ default/http-go \[focus\] +following'
e2e_keys C-w l
e2e_wait_gone 5 '^ default/http-go \[focus\]'
e2e_wait 5 '│ default/http-go \[focus\]'
e2e_keys C-w h
e2e_wait 5 '^ default/http-go \[focus\]'
pass "directional focus"

# ctrl-w > : the focused left pane grows, the divider moves right by 2
e2e_keys C-w '>'
wait_for 5 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | awk '{ i = index(\$0, \"│\"); if (i) { print i; exit } }')\" = $((d1 + 2)) ]" ||
	fail "divider at $(div_col) after ctrl-w >, want $((d1 + 2))"
e2e_keys C-w '<' C-w '<'
wait_for 5 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | awk '{ i = index(\$0, \"│\"); if (i) { print i; exit } }')\" = $((d1 - 2)) ]" ||
	fail "divider at $(div_col) after ctrl-w < twice, want $((d1 - 2))"
pass "resize moves the divider"

# z: the focused pane fills the screen (title on the first line, no list,
# no divider); z again: all back
e2e_keys z
wait_for 5 bash -c "tmux -L $E2E_SOCK capture-pane -p -t e2e | head -n1 | grep -q '^ default/http-go \[focus\]'" ||
	fail "zoomed pane not at the top"
e2e_wait_gone 5 '^NAME +READY'
[ "$(div_col)" = 0 ] || fail "a divider while zoomed"
[ "$(titles)" = 1 ] || fail "other panes visible while zoomed"
e2e_keys z
e2e_wait 5 '^NAME +READY'
wait_for 5 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | grep -o ' default/http-go' | wc -l)\" = 3 ]" ||
	fail "the layout did not come back after z"
pass "zoom and back"

# tiny terminals with four panes open
size_is() { [ "$(e2e_tmux display -p -t e2e '#{window_width}x#{window_height}')" = "$1" ]; }
for size in 20x5 10x3 1x1 3x2 20x5 160x40; do
	e2e_tmux resize-window -t e2e -x "${size%x*}" -y "${size#*x}"
	wait_for 10 size_is "$size" || fail "tmux did not resize to $size"
	alive || fail "kpod died at $size"
done
e2e_wait 10 '^NAME +READY'
wait_for 10 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | grep -o ' default/http-go' | wc -l)\" = 3 ]" ||
	fail "the layout did not come back at 160x40"
pass "20x5 and 1x1 with panes open"

# q closes the focused (left) pane: the right column takes the width
e2e_keys q
wait_for 10 bash -c "[ \"\$(tmux -L $E2E_SOCK capture-pane -p -t e2e | grep -o ' default/http-go' | wc -l)\" = 2 ]" ||
	fail "want two panes after q, have $(titles)"
[ "$(div_col)" = 0 ] || fail "a divider left after closing the left pane"
e2e_wait 5 '^ default/http-go \[focus\]'
e2e_keys q q
e2e_wait_gone 10 'default/http-go'
e2e_wait 5 '^NAME +READY'
pass "q closes panes, the sibling takes the room"

e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod did not exit 0"
