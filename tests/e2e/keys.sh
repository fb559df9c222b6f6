# e2e: keys go through the keymap. A user keymap in $XDG_CONFIG_HOME moves
# the YAML pane from y to Y: Y opens it and y does nothing (the debug log
# shows y arrived and dispatched no action), and its bad line is reported
# as FILE:LINE in the status bar; ? lists Y, marked as the user's. Delete moved to X: ctrl-d does nothing
# and X deletes (after the dialog). --readonly says so and drops delete
# even where a keymap binds it. NO_COLOR leaves no colour escapes on
# screen, where the default run has them.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

xdg=$TEST_TMP/xdg
mkdir -p "$xdg/kpod/keymaps"
cat >"$xdg/kpod/keymaps/mine.yaml" <<'YAML'
# moves YAML to Y
bindings:
  pods:
    pod.yaml: Y
    pod.explode: B
YAML

e2e_start 140 40
e2e_type "export XDG_CONFIG_HOME=$xdg"

# Colours by default: the running pods are drawn in colour.
e2e_demo --keymap mine
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 10 "mine.yaml:5: unknown action 'pod.explode'"
sgr_colours() {
	# Count SGR parameters that set a colour (30-38, 40-48, 90-107; 39
	# and 49 only reset to the terminal's default colours).
	e2e_tmux capture-pane -e -p -t e2e | /usr/bin/python3 -c '
import re, sys
n = 0
for m in re.finditer(r"\x1b\[([0-9;:]*)m", sys.stdin.read()):
    for p in m.group(1).replace(":", ";").split(";"):
        if p and (30 <= int(p) <= 48 or 90 <= int(p) <= 107) and int(p) != 39:
            n += 1
print(n)'
}
has_colour() { [ "$(sgr_colours)" -gt 0 ]; }
wait_for 10 has_colour || fail "no colour escapes in the default run"
pass "user keymap problem shown as FILE:LINE; colours on by default"

# y does nothing now: send y then E; once Events shows, y was handled
# before it and must not have opened anything.
e2e_keys y E
e2e_wait 10 ' Events: default/'
grep -q 'key 0x79' "$KPOD_LOG" || fail "y never reached kpod"
grep -q 'action pod.yaml' "$KPOD_LOG" && fail "y still opened the YAML pane"
grep -q 'action pod.events' "$KPOD_LOG" || fail "E dispatched no action"
e2e_keys Y
e2e_wait 10 ' YAML: default/'
e2e_wait 10 '^kind: Pod$'
grep -q 'action pod.yaml' "$KPOD_LOG" || fail "Y dispatched no pod.yaml"
pass "rebound: Y opens YAML, y does nothing"
e2e_keys Escape
e2e_wait_gone 5 ' YAML: default/'
# ? shows the effective keys, the user's marked with *.
e2e_keys ?
e2e_wait 10 '^Keys \(\* = set by your keymap'
e2e_wait 10 '^\* +Y +pod\.yaml +the pod as YAML'
e2e_wait 10 '^  +E +pod\.events'
e2e_lacks '^.*  y +pod\.yaml' || fail "help still lists y for pod.yaml"
e2e_keys Escape
e2e_wait_gone 5 '^Keys \(\* = set by your keymap'
e2e_wait 5 '^http-go +1/1 +Running'
pass "help overlay from the effective keymap, override marked"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"

# Delete moved from ctrl-d to X: ctrl-d does nothing, X asks and deletes.
cat >"$xdg/kpod/keymaps/del.yaml" <<'YAML'
bindings:
  pods:
    pod.delete: X
YAML
e2e_demo --keymap del
e2e_wait 60 '^http-go +1/1 +Running'
e2e_keys C-d E
e2e_wait 10 ' Events: default/'
grep -q 'key 0x4$' "$KPOD_LOG" || fail "ctrl-d never reached kpod"
grep -q 'action pod.delete' "$KPOD_LOG" && fail "ctrl-d still deletes"
e2e_lacks 'Delete pod default/' || fail "ctrl-d opened the delete dialog"
e2e_keys Escape
e2e_wait_gone 5 ' Events: default/'
e2e_keys X
e2e_wait 10 'Delete pod default/[a-z0-9.-]+\? grace period'
victim=$(e2e_capture | sed -n 's/.*Delete pod default\/\([a-z0-9.-]*\)?.*/\1/p' | head -n1)
[ -n "$victim" ] || fail "no pod name in the dialog"
e2e_keys y
e2e_wait 10 "pod \"$victim\" deleted"
grep -q "delete default/$victim" "$KPOD_LOG" || fail "no DELETE for $victim in the log"
pass "rebound delete: ctrl-d does nothing, X deleted $victim"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"

# --readonly: the status bar says so; delete does not exist, whatever key.
e2e_demo --keymap del --readonly
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 10 'read-only'
e2e_keys X C-d E
e2e_wait 10 ' Events: default/'
grep -q 'key 0x58' "$KPOD_LOG" || fail "X never reached kpod"
grep -q 'action pod.delete' "$KPOD_LOG" && fail "--readonly kept pod.delete"
grep -q 'delete default/' "$KPOD_LOG" && fail "--readonly sent a DELETE"
e2e_lacks 'Delete pod default/' || fail "--readonly opened the delete dialog"
pass "--readonly drops pod.delete"
e2e_keys Escape
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"

# NO_COLOR: no colour escapes at all, yet the list is drawn.
e2e_type "export NO_COLOR=1"
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 60 '^liveness-exec +'
[ "$(sgr_colours)" = 0 ] || fail "NO_COLOR: $(sgr_colours) colour escapes on screen"
pass "NO_COLOR: no colour escapes"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
