# e2e: the detail panes under the pod list. Describe (d) shows the
# selected pod's describe text and follows the selection as it moves;
# YAML (y) shows the object, managedFields only after m; Events (E) shows the pod's events live: the
# liveness-exec Unhealthy count grows on screen while its probe fails;
# Tab focuses the pane to scroll it and / searches; :events shows the
# namespace's events; Esc closes; q quits.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 140 40
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 60 '^liveness-exec +'

# d opens Describe for the selected (first) pod
e2e_keys d
e2e_wait 10 ' Describe: default/[a-z0-9.-]+ '
first=$(e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1)
e2e_wait 10 "^Name: +$first\$"
# j moves the selection; the pane follows, to http-go
title() { e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1; }
moved=0
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = http-go ] && break
	e2e_keys j
	wait_for 10 bash -c '[ "$(tmux -L '"$E2E_SOCK"' capture-pane -p -t e2e | sed -n "s/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p" | head -n1)" != "'"$cur"'" ]' ||
		fail "the describe pane did not follow the selection from $cur"
	moved=$((moved + 1))
done
[ "$(title)" = http-go ] || fail "never reached http-go"
[ "$moved" -ge 1 ] || fail "http-go was the first pod: selection following untested"
e2e_wait 10 '^Name: +http-go$'
e2e_wait 10 '^Status: +Running$'
e2e_wait 10 '^    Image: +gasbugs/http-go$'
pass "describe follows the selection ($moved moves)"

# Tab focuses the pane; G scrolls to the end (the Events section)
e2e_keys Tab
e2e_wait 5 '\[focus\]'
e2e_keys G
e2e_wait 10 'Normal +Started +.*Started container http-go'
e2e_wait_gone 5 '^Name: +http-go$'
e2e_keys g
e2e_wait 10 '^Name: +http-go$'
# / searches: the pane jumps to the first match
e2e_keys / Q o S Enter
e2e_wait 10 '^QoS Class: +BestEffort'
e2e_wait_gone 5 '^Name: +http-go$'
pass "scroll and search"
e2e_keys Tab

# YAML
e2e_keys y
e2e_wait 10 ' YAML: default/http-go '
e2e_wait 10 '^apiVersion: v1$'
e2e_wait 10 '^kind: Pod$'
pass "YAML pane"

# managedFields: hidden (the store drops them) until m fetches the pod
e2e_keys Tab
e2e_wait 5 ' YAML: default/http-go \[focus\]'
find_mf() {
	e2e_keys /
	e2e_wait 5 '^ /$'
	e2e_tmux send-keys -t e2e -l 'managedFields'
	e2e_wait 5 '^ /managedFields$'
	e2e_keys Enter
	e2e_wait_gone 5 '^ /managedFields$'
}
find_mf
if e2e_has 'managedFields'; then fail "managedFields shown before the toggle"; fi
e2e_keys m
e2e_wait 10 ' YAML: default/http-go \(managedFields\) '
e2e_wait 10 '^  managedFields:$'
find_mf
e2e_wait 5 '^    manager: '
e2e_wait 5 '^    fieldsType: FieldsV1$'
pass "managedFields appear after m"
e2e_keys m
e2e_wait 10 ' YAML: default/http-go \[focus\]'
find_mf
if e2e_has 'managedFields'; then fail "managedFields still shown after m again"; fi
pass "m again hides them"
e2e_keys Tab
e2e_wait_gone 5 '\[focus\]'

# Events of liveness-exec: the Unhealthy count grows live
e2e_keys E
e2e_wait 10 ' Events: default/http-go '
e2e_wait 10 '^Normal +Scheduled +[0-9]+s +default-scheduler +Successfully assigned default/http-go'
for _ in $(seq 1 20); do
	[ "$(e2e_capture | sed -n 's/.* Events: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1)" = liveness-exec ] && break
	cur=$(e2e_capture | sed -n 's/.* Events: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1)
	e2e_keys j
	wait_for 10 bash -c '[ "$(tmux -L '"$E2E_SOCK"' capture-pane -p -t e2e | sed -n "s/.* Events: default\/\([a-z0-9.-]*\) .*/\1/p" | head -n1)" != "'"$cur"'" ]' ||
		fail "events pane did not follow the selection"
done
e2e_wait 10 ' Events: default/liveness-exec '
count() { e2e_capture | sed -n 's/^Warning +Unhealthy +[0-9]*s (x\([0-9]*\) over .*/\1/p; s/^Warning  *Unhealthy  *[0-9]*s (x\([0-9]*\) over .*/\1/p' | head -n1; }
has_count() { [ -n "$(count)" ]; }
wait_for 120 has_count || { e2e_capture >&2; fail "no aggregated Unhealthy event for liveness-exec"; }
c1=$(count)
grown() { [ "$(count)" -gt "$c1" ] 2>/dev/null; }
wait_for 60 grown || { e2e_capture >&2; fail "Unhealthy count stayed at $c1"; }
pass "Unhealthy count grew live from x$c1 to x$(count)"

# :events shows the namespace's events, with the object they are about
e2e_keys :
e2e_wait 5 '^:_'
e2e_tmux send-keys -t e2e -l 'events'
e2e_keys Enter
e2e_wait 10 ' All events \([0-9]+\) '
e2e_wait 10 'Warning +Unhealthy +.*Pod/liveness-exec: Liveness probe failed'
objs=$(e2e_capture | grep -oE ' Pod/[a-z0-9.-]+: ' | sort -u | wc -l)
[ "$objs" -ge 2 ] || fail "events of $objs pod(s) only in :events"
pass ":events lists the namespace's events"

# :pods gives the focus back to the pod list (the events pane stays open)
e2e_has '\[focus\]' || fail ":events did not focus its pane"
e2e_keys :
e2e_wait 5 '^:_'
e2e_tmux send-keys -t e2e -l 'pods'
e2e_keys Enter
e2e_wait_gone 5 '\[focus\]'
e2e_has ' All events \([0-9]+\) ' || fail ":pods closed the events pane"
pass ":pods focuses the pod list"

# Esc closes the pane; q quits
e2e_keys Escape
e2e_wait_gone 5 ' Events: default/'
e2e_wait 5 '^http-go +1/1 +Running'
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
pass "Esc closes the pane, q quits cleanly"
