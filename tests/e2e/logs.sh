# e2e: log panes against kpod-sim. l opens a pod's log under the list,
# a second l (from the list) opens the next pod's log beside it; both keep
# getting new numbered lines. Scrolling up pauses (the title counts the
# lines arriving below while the pane holds still), G resumes. / highlights
# matches and keeps the other lines; & shows only matching lines. ctrl-s
# saves a 0600 file holding the pane's lines, numbered without gaps. A
# completed pod's pane says "ended: exit 0 (Completed)". z zooms and back;
# c cycles a two-container pod's containers, then all merged; p shows the
# previous instance of a restarted container; L merges the pods of a
# label selector in timestamp order;
# q closes panes one by one, then quits with the loop closed cleanly.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

isolated_home
start_sim logs --log-rate 8

create() {
	curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$SIM_URL/api/v1/namespaces/default/pods" ||
		fail "cannot create pod: $1"
}
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"alpha","labels":{"app":"web"}},
 "spec":{"containers":[{"name":"app","image":"example.com/app:1"}]}}'
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"beta","labels":{"app":"web"}},
 "spec":{"containers":[{"name":"app","image":"example.com/app:1"}]}}'
# done: logs for 2 s, exits 0, never restarts.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"done",
 "annotations":{"kpod-sim/crash-after":"2","kpod-sim/exit-code":"0"}},
 "spec":{"restartPolicy":"Never",
  "containers":[{"name":"app","image":"example.com/app:1"}]}}'

# pair: two containers; the first is the default.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pair"},
 "spec":{"containers":[{"name":"one","image":"example.com/one:1"},
  {"name":"two","image":"example.com/two:1"}]}}'
# twice: crashes after 1 s and restarts.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"twice",
 "annotations":{"kpod-sim/crash-after":"1"}},
 "spec":{"containers":[{"name":"app","image":"example.com/app:1"}]}}'

e2e_start 200 50
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 60 '^alpha +1/1 +Running'
e2e_wait 60 '^beta +1/1 +Running'
e2e_wait 60 '^done +0/1 +Completed'

# The highest line number (n=N) in the left or right half of the screen
# (split at the divider), or 0.
half_max() {
	local side=$1
	e2e_capture | awk -F'│' -v side="$side" '{ print (side == "left") ? $1 : $2 }' |
		grep -o 'n=[0-9]*' | sed 's/n=//' | sort -n | tail -n1 | grep . || echo 0
}
grows() { # grows SIDE N: that half shows a number above N
	[ "$(half_max "$1")" -gt "$2" ]
}

# l on alpha (the first row)
e2e_keys l
e2e_wait 20 '^ default/alpha \[focus\] +following'
e2e_wait 20 'container=app n=[0-9]+'
# back to the list, next pod, l: beside the first log pane
e2e_keys Tab
e2e_wait 5 '^ default/alpha +following'
e2e_keys j l
e2e_wait 20 '^ default/alpha +following.*│ default/beta \[focus\] +following'
wait_for 20 grows right 0 || fail "beta's pane shows no lines"
a=$(half_max left)
b=$(half_max right)
wait_for 20 grows left "$a" || fail "alpha's pane stopped at n=$a"
wait_for 20 grows right "$b" || fail "beta's pane stopped at n=$b"
pass "two log panes side by side, both following"

# k pauses the focused (beta) pane; new lines are counted, not shown
e2e_keys k
e2e_wait 10 'default/beta \[focus\] +following +paused \(\+[0-9]+ new lines below\)'
held=$(half_max right)
e2e_wait 20 'paused \(\+([3-9]|[1-9][0-9]+) new lines below\)'
[ "$(half_max right)" -le "$held" ] || fail "the paused pane moved on"
a=$(half_max left)
wait_for 20 grows left "$a" || fail "the other pane stopped while beta paused"
e2e_keys G
e2e_wait_gone 10 'paused'
wait_for 20 grows right "$held" || fail "G did not resume following"
pass "pause counts new lines, G resumes"

# / highlights every match and hides nothing
e2e_keys /
e2e_wait 5 'search'
e2e_tmux send-keys -t e2e -l 'heartbeat'
e2e_keys Enter
e2e_wait 10 'search: heartbeat'
hl() {
	e2e_tmux capture-pane -e -p -t e2e | awk -F'│' '{print $2}' |
		grep -q $'\e\\[[0-9;]*mheartbeat'
}
wait_for 20 hl || { e2e_tmux capture-pane -e -p -t e2e | cat -v | tail -20 >&2; fail "no highlighted match"; }
right_has() { e2e_capture | awk -F'│' '{print $2}' | grep -Eq -- "$1"; }
wait_for 10 right_has 'msg="(processed job|cache refresh|synced items|flushed buffer|accepted task)"' ||
	fail "search hid the lines that do not match"
pass "search highlights matches"

# & filters: only matching lines remain; an empty filter shows all again
e2e_keys '&'
e2e_tmux send-keys -t e2e -l 'heartbeat'
e2e_keys Enter
e2e_wait 10 'filter: heartbeat'
only_hb() {
	local lines
	lines=$(e2e_capture | awk -F'│' 'NR > 1 {print $2}' | grep 'n=' || true)
	[ -n "$lines" ] && ! grep -v heartbeat <<<"$lines" | grep -q .
}
wait_for 10 only_hb || fail "the filter left other lines"
e2e_keys '&' C-u Enter
e2e_wait_gone 10 'filter: heartbeat'
wait_for 10 right_has 'msg="(processed job|cache refresh|synced items|flushed buffer|accepted task)"' ||
	fail "lines did not come back after the filter"
pass "filter shows only matching lines"

# ctrl-s saves the buffer: a private file with every line once, in order
e2e_keys C-s
e2e_wait 10 'saved [0-9]+ lines to /'
path=$(e2e_capture | grep -o 'saved [0-9]* lines to [^ ]*' | sed 's/.* to //')
count=$(e2e_capture | grep -o 'saved [0-9]* lines' | grep -o '[0-9]*')
[ -f "$path" ] || fail "no file $path"
[ "$(stat -c %a "$path")" = 600 ] || fail "$path is mode $(stat -c %a "$path")"
[ "$(wc -l <"$path")" -eq "$count" ] || fail "$path has $(wc -l <"$path") lines, not $count"
grep -o 'n=[0-9]*' "$path" | sed 's/n=//' >"$TEST_TMP/saved-n"
first=$(head -n1 "$TEST_TMP/saved-n")
last=$(tail -n1 "$TEST_TMP/saved-n")
seq "$first" "$last" | cmp -s - "$TEST_TMP/saved-n" ||
	fail "the saved lines are not numbered $first..$last without gaps"
# besides the numbered lines only the container's first line ("starting")
other=$(grep -vc 'n=[0-9]' "$path" || true)
[ "$other" -le 1 ] || fail "$other unnumbered lines in $path"
[ $((last - first + 1 + other)) -eq "$count" ] ||
	fail "$path: $first..$last plus $other lines is not $count"
# what the pane shows is in the file
shown=$(e2e_capture | awk -F'│' '{print $2}' | grep -o 'msg="[a-z ]*" container=app n=[0-9]*' | head -n1)
[ -n "$shown" ] && grep -qF -- "$shown" "$path" || fail "shown line '$shown' not in $path"
pass "ctrl-s wrote $count lines to a 0600 file"

# ctrl-w h: focus left (alpha), ctrl-w k: up to the list; j to done, l
e2e_keys C-w h
e2e_wait 5 '^ default/alpha \[focus\]'
e2e_keys C-w k
e2e_wait 5 '^ default/alpha +following'
e2e_keys j l
e2e_wait 20 'default/done \[focus\] +ended: exit 0 \(Completed\)'
pass "a completed pod's pane says ended"

# z zooms the focused pane over the whole screen, z again restores
e2e_keys z
e2e_wait 5 '^ default/done \[focus\] +ended'
e2e_wait_gone 5 '^NAME +READY'
e2e_keys z
e2e_wait 5 '^NAME +READY'
e2e_wait 5 'default/beta +following'
pass "zoom"

# a two-container pod: its default container first, c cycles to the
# other one, then to all containers merged with a prefix per container
e2e_keys C-w k
e2e_wait 5 '^ default/alpha +following'
e2e_keys j l
e2e_wait 20 'default/pair/one \[focus\] +following'
e2e_keys c
e2e_wait 20 'default/pair/two \[focus\] +following'
e2e_keys c
e2e_wait 20 'default/pair \(all containers\) \[focus\]'
e2e_wait 20 '\[pod/pair/one\] level=info'
e2e_wait 20 '\[pod/pair/two\] level=info'
pass "container choice and all containers merged"
e2e_keys q
e2e_wait_gone 5 'default/pair'
e2e_wait 5 'default/done \[focus\]'

# p on a restarted pod: the previous instance's log, and p in the pane
# goes back to the current one
twice_restarted() {
	[ "$(kc get pod twice -o jsonpath='{.status.containerStatuses[0].restartCount}')" -ge 1 ]
}
wait_for 60 twice_restarted || fail "twice did not restart"
e2e_keys C-w k
e2e_wait 5 '^ default/alpha +following'
e2e_keys j p
e2e_wait 20 'default/twice \(previous\) \[focus\]'
e2e_wait 20 'starting app \(example.com/app:1\), restart [0-9]+'
e2e_keys p
e2e_wait 20 'default/twice \[focus\]'
pass "previous container's log"
e2e_keys q
e2e_wait_gone 5 'default/twice'
e2e_wait 5 'default/done \[focus\]'

# L: the pods matching a label selector (pre-filled from the selected
# pod), merged in one pane with a prefix per pod, in timestamp order
e2e_keys C-w k
e2e_wait 5 '^ default/alpha +following'
e2e_keys g L
e2e_wait 5 'logs of pods with labels \(empty: all\): app=web_'
e2e_keys Enter
e2e_wait 20 'default -l app=web \[focus\]'
e2e_wait 20 '\[pod/alpha\] level='
e2e_wait 20 '\[pod/beta\] level='
e2e_keys t
e2e_wait 10 '\[pod/(alpha|beta)\] 20[0-9-]+T[0-9:.]+Z level='
merged_sorted() {
	local ts
	ts=$(e2e_capture | awk -F'│' '{print $4}' |
		grep -oE '^\[pod/(alpha|beta)\] 20[0-9-]+T[0-9:.]+Z' | awk '{print $2}')
	[ "$(wc -l <<<"$ts")" -ge 10 ] && sort -c <<<"$ts"
}
wait_for 20 merged_sorted || { e2e_capture >&2; fail "merged lines not in timestamp order"; }
pass "merged pane of a label selector, ordered by timestamp"
e2e_keys q
e2e_wait_gone 5 'default -l app=web'
e2e_wait 5 'default/done \[focus\]'

# q closes the focused pane, then the others; the last q quits
e2e_keys q
e2e_wait_gone 5 'default/done'
e2e_wait 5 'default/beta \[focus\]'
e2e_keys q
e2e_wait_gone 5 'default/beta'
e2e_keys q
e2e_wait_gone 5 'default/alpha'
e2e_wait 5 '^NAME +READY'
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod did not exit 0"
pass "q closes panes, then quits"
