# e2e: config option confirm-delete: false deletes the selected pod on
# ctrl-d without the dialog (the grace period still applies: the row goes
# Terminating first).
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

xdg=$TEST_TMP/xdg
mkdir -p "$xdg/kpod"
echo "confirm-delete: false" >"$xdg/kpod/config.yaml"

e2e_start 160 30
e2e_type "unset HISTFILE; export XDG_CONFIG_HOME=$xdg"
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
e2e_keys d
title() { e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1; }
e2e_wait 10 ' Describe: default/'
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = http-go ] && break
	e2e_keys j
	moved() { [ "$(title)" != "$cur" ]; }
	wait_for 10 moved || fail "selection did not move from $cur"
done
[ "$(title)" = http-go ] || fail "could not select http-go"
e2e_keys Escape
e2e_wait_gone 5 ' Describe: default/'

deleting() {
	curl -sf "$DEMO_URL/api/v1/namespaces/default/pods/http-go" | grep -q deletionTimestamp
}
e2e_keys C-d
wait_for 20 deleting || fail "ctrl-d did not delete http-go"
e2e_lacks 'Delete pod default/' || fail "the dialog showed although confirm-delete is false"
e2e_wait 20 '^http-go +[0-9]/1 +Terminating'
pass "confirm-delete: false deletes at once (gracefully)"
e2e_keys C-c
wait_for 20 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not quit"
