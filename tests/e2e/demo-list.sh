# e2e: `kpod --demo` shows the seed pods nginx and http-go as 1/1 Running,
# with the status bar (context, namespace, live, pod count); j/k move the
# selection (reverse video) and q quits with status 0.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 120 30
e2e_demo
e2e_wait 30 '^nginx +1/1 +Running +0 '
e2e_wait 30 '^http-go +1/1 +Running +0 '
e2e_has '^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE' ||
	fail "no header line"
e2e_wait 10 "kpod-sim \\(demo, ${DEMO_URL//./\\.}\\) \\| default \\| [0-9]+ pods \\| live"
pass "seed pods shown as 1/1 Running"

# The selected row is drawn in reverse video (SGR 7); j/k move it.
selected() {
	e2e_tmux capture-pane -e -p -t e2e | grep -E $'\e\\[([0-9]+;)*7(;[0-9]+)*m' |
		sed 's/\x1b\[[0-9;]*m//g' | awk 'NR == 1 { print $1 }'
}
selected_is() { [ "$(selected)" = "$1" ]; }
selected_not() { [ "$(selected)" != "$1" ]; }
row() { e2e_capture | awk -v n="$1" 'NR == n + 1 { print $1 }'; }
first=$(row 1)
second=$(row 2)
[ -n "$second" ] || fail "fewer than two pods listed"
wait_for 10 selected_is "$first" || fail "first row not selected (got '$(selected)')"
e2e_keys j
wait_for 10 selected_is "$second" || fail "j did not move to $second"
e2e_keys k
wait_for 10 selected_is "$first" || fail "k did not move back"
e2e_keys G
wait_for 10 selected_not "$first" || fail "G did not move"
e2e_keys g
wait_for 10 selected_is "$first" || fail "g did not go to the top"
# The same through escape sequences (kpod parses their timing itself).
e2e_keys Down
wait_for 10 selected_is "$second" || fail "Down did not move to $second"
e2e_keys Up
wait_for 10 selected_is "$first" || fail "Up did not move back"
e2e_keys End
wait_for 10 selected_not "$first" || fail "End did not move"
e2e_keys Home
wait_for 10 selected_is "$first" || fail "Home did not go to the top"
# A lone Esc is no key here: it must not quit or move anything.
e2e_keys Escape j
wait_for 10 selected_is "$second" || fail "j after Esc did not move"
pass "j/k/g/G, arrows, Home/End move the selection"

e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
pass "q quits"
