# e2e: ctrl-d deletes the selected pod only after confirming. The dialog
# names the pod and its grace period (terminationGracePeriodSeconds,
# adjustable with +/-); n cancels and nothing is sent; y deletes: the
# server's answer shows in the status bar, the row shows Terminating live
# and then goes.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 160 30
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'

# select http-go: the describe pane's title says which pod is selected
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
e2e_wait 10 'Delete pod default/http-go\? grace period 30s'
# the dialog is modal: list keys do nothing, nothing is sent yet
e2e_keys j
e2e_wait 5 'Delete pod default/http-go\? grace period 30s'
if deleting; then fail "deleted before confirming"; fi
e2e_keys n
e2e_wait 10 'delete cancelled'
e2e_wait_gone 5 'Delete pod default/'
if deleting; then fail "deleted after cancelling"; fi
e2e_has '^http-go +1/1 +Running' || fail "http-go row changed after cancel"
pass "the dialog names the pod and grace period; n cancels and sends nothing"

e2e_keys C-d
e2e_wait 10 'Delete pod default/http-go\? grace period 30s'
e2e_keys - -
e2e_wait 10 'Delete pod default/http-go\? grace period 28s'
e2e_keys y
e2e_wait 10 'pod "http-go" deleted'
e2e_wait 10 '^http-go +[0-9]+/[0-9]+ +Terminating'
grace=$(curl -sf "$DEMO_URL/api/v1/namespaces/default/pods/http-go" |
	sed -n 's/.*"deletionGracePeriodSeconds": *\([0-9]*\).*/\1/p')
[ "$grace" = 28 ] || fail "deletionGracePeriodSeconds is '$grace', not 28"
pass "y deletes with the chosen grace period; the row shows Terminating"
e2e_wait_gone 90 '^http-go '
pass "the deleted pod disappears"

e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
