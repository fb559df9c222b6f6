# e2e: the detail pane's movement and search keys come from the keymap
# (describe context), so a user keymap rebinds them there too: with
# cursor.bottom moved from G to x and search.next from n to ctrl-n, G and
# n do nothing in the focused Describe pane (the debug log shows G
# arrived and no action ran) while x jumps to the Events at the end and
# ctrl-n finds the next match.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

xdg=$TEST_TMP/xdg
mkdir -p "$xdg/kpod/keymaps"
cat >"$xdg/kpod/keymaps/moved.yaml" <<'YAML'
bindings:
  describe:
    cursor.bottom: x
    search.next: ctrl-n
unbind:
  describe: [G, n]
  # n is also global (the namespace picker): off here, so n is inert
  global: [n]
YAML

e2e_start 140 40
e2e_type "unset HISTFILE; export XDG_CONFIG_HOME=$xdg"
e2e_demo --keymap moved
e2e_wait 60 '^http-go +1/1 +Running'
# select http-go and describe it
for _ in $(seq 1 20); do
	e2e_has ' Describe: default/http-go ' && break
	if ! e2e_has ' Describe: '; then e2e_keys d; e2e_wait 10 ' Describe: '; continue; fi
	cur=$(e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1)
	e2e_keys j
	wait_for 10 bash -c '! tmux -L '"$E2E_SOCK"' capture-pane -p -t e2e | grep -q " Describe: default/'"$cur"' "' ||
		fail "the selection did not move from $cur"
done
e2e_wait 10 '^Name: +http-go$'
e2e_keys Tab
e2e_wait 5 '\[focus\]'

# G is unbound here now: it arrives and nothing moves
lines=$(grep -c 'action ' "$KPOD_LOG" || true)
e2e_keys G
wait_for 10 grep -q 'key 0x47' "$KPOD_LOG" || fail "G never reached kpod"
e2e_has '^Name: +http-go$' || fail "G still scrolled the describe pane"
[ "$(grep -c 'action ' "$KPOD_LOG" || true)" = "$lines" ] || fail "G ran an action: $(grep 'action ' "$KPOD_LOG" | tail -n1)"
# x is cursor.bottom
e2e_keys x
e2e_wait 10 'Normal +Started +.*Started container http-go'
e2e_wait_gone 5 '^Name: +http-go$'
pass "cursor.bottom rebound in the describe pane: G inert, x works"

# search: / types, Enter finds; n is unbound, ctrl-n is search.next
e2e_keys g
e2e_wait 10 '^Name: +http-go$'
e2e_keys / P o r t Enter
e2e_wait_gone 10 '^Name: +http-go$'
# The pane's title ends with "[focus] TOP/LINES": only scrolling moves TOP
# (the list's AGE column and the events' ages change every second, so the
# screen itself is no measure).
top() { e2e_capture | sed -n 's/.*\[focus\] \([0-9]*\)\/[0-9]*.*/\1/p' | head -n1; }
first=$(top)
[ -n "$first" ] || fail "no [focus] TOP/LINES in the describe pane's title"
e2e_keys n
wait_for 10 grep -q 'key 0x6e' "$KPOD_LOG" || fail "n never reached kpod"
[ "$(top)" = "$first" ] || fail "n still searched (line $first -> $(top))"
e2e_keys C-n
moved() { [ "$(top)" != "$first" ]; }
wait_for 10 moved || fail "ctrl-n did not move to the next match"
pass "search.next rebound: n inert, ctrl-n finds the next match"
e2e_keys C-c
wait_for 20 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not quit"
