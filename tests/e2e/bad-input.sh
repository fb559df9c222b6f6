# e2e: bad input. With no kubeconfig kpod prints one line naming what it
# looked for and suggesting `kpod --demo`, and exits 1. With a server that
# refuses connections, or one that answers 401, the UI still starts and its
# status bar says what failed (the server's message) and when it retries;
# q still quits cleanly. Bad flags exit 1.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

isolated_home
set +e
out=$("$KPOD" 2>&1 </dev/null)
rc=$?
set -e
[ "$rc" = 1 ] || fail "no kubeconfig: exit status $rc, want 1"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] ||
	fail "no kubeconfig: want one line, got: $out"
case $out in
*"$HOME/.kube/config"*"kpod --demo"*) ;;
*) fail "no kubeconfig: line does not name ~/.kube/config and kpod --demo: $out" ;;
esac
pass "no kubeconfig: $out"

for args in "--nope" "-n" "--demo-port=x" "frobnicate"; do
	set +e
	# shellcheck disable=SC2086
	out=$("$KPOD" $args 2>&1 </dev/null)
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "kpod $args: exit status $rc, want 1"
	[ -n "$out" ] || fail "kpod $args: no message"
done
pass "bad flags exit 1 with a message"

# A server that refuses: a loopback port the test holds without listening.
cfg="$TEST_TMP/refused.kubeconfig"
e2e_refused_kubeconfig "$cfg"
e2e_start 120 20
e2e_run --kubeconfig "$cfg"
e2e_wait 20 '^NAME +READY +STATUS'
e2e_wait 20 'nowhere-ctx \| team-a \| 0 pods \| retrying in [0-9]+s: .*127\.0\.0\.1:'"$REFUSED_PORT"
# Read one "retrying in Ns" off the screen (it may be "connecting" in
# between tries).
retry_text() {
	local screen
	screen=$(e2e_capture) || return 1
	first=$(grep -Eo -m1 'retrying in [0-9]+s' <<<"$screen") || return 1
	line=$(grep -Eo -m1 'retrying in.*' <<<"$screen")
}
wait_for 40 retry_text || fail "no 'retrying in' to read"
pass "unreachable server: $line"
# The countdown moves and the retries go on (the bar shows a later try).
wait_for 40 e2e_lacks "$first" ||
	fail "status bar stuck at '$first'"
e2e_has 'retrying in [0-9]+s|connecting' || fail "status bar lost the state"
pass "status bar counts down"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
pass "q quits while retrying"

# A server answering errors: kpod-sim wants a bearer token the kubeconfig
# does not give; the bar shows the server's Status message (401
# Unauthorized) with the retry countdown, and the list says why it is empty.
start_sim auth --scenario demo --token e2e-secret
grep -v 'token:' "$SIM_KUBECONFIG" >"$TEST_TMP/notoken.kubeconfig"
e2e_type clear
e2e_run --kubeconfig "$TEST_TMP/notoken.kubeconfig"
e2e_wait 20 'kpod-sim \| default \| 0 pods \| (retrying in [0-9]+s|connecting): Unauthorized'
e2e_has 'No connection' || fail "the empty list does not say why"
e2e_lacks '^nginx ' || fail "pods shown without credentials"
pass "server error: $(grep -Eo -m1 'retrying in [0-9]+s: Unauthorized|connecting: Unauthorized' <<<"$(e2e_capture)")"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
