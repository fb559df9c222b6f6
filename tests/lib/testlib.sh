# Shared helpers for the shell tests (sourced via $TESTLIB). Every wait
# polls a condition with a deadline; nothing sleeps in place of a check.
set -euo pipefail

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kpod-test.XXXXXX")
TEST_PIDS=()
TEST_CLEANUPS=()

testlib_cleanup() {
	local rc=$?
	local f
	for f in "${TEST_CLEANUPS[@]+"${TEST_CLEANUPS[@]}"}"; do
		eval "$f" >/dev/null 2>&1 || true
	done
	local p
	for p in "${TEST_PIDS[@]+"${TEST_PIDS[@]}"}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ "$rc" -ne 0 ] && [ -d "$TEST_TMP" ]; then
		echo "--- test failed (rc=$rc); files in $TEST_TMP:" >&2
		local l
		for l in "$TEST_TMP"/*.log; do
			[ -f "$l" ] || continue
			echo "--- $l (last 40 lines)" >&2
			tail -n 40 "$l" >&2
		done
	else
		rm -rf "$TEST_TMP"
	fi
	exit "$rc"
}
trap testlib_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# wait_for SECONDS COMMAND...: run COMMAND every 50 ms until it succeeds,
# fail after SECONDS.
wait_for() {
	local secs=$1; shift
	local deadline=$((SECONDS + secs))
	while ! "$@" >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# start_sim NAME [kpod-sim args...]: start kpod-sim on a free port; sets
# SIM_PID, SIM_PORT, SIM_URL and SIM_KUBECONFIG (a kubeconfig pointing at it).
start_sim() {
	local name=$1; shift
	SIM_KUBECONFIG="$TEST_TMP/$name.kubeconfig"
	rm -f "$SIM_KUBECONFIG"
	"$KPOD_SIM" --port 0 --kubeconfig-out "$SIM_KUBECONFIG" "$@" \
		>"$TEST_TMP/$name.log" 2>&1 &
	SIM_PID=$!
	TEST_PIDS+=("$SIM_PID")
	wait_for 20 test -s "$SIM_KUBECONFIG" || fail "kpod-sim did not start"
	SIM_URL=$(sed -n 's/^ *server: *//p' "$SIM_KUBECONFIG" | head -n1)
	SIM_PORT=${SIM_URL##*:}
}

# refused_port: a loopback port that refuses connections for the rest of
# the test. A helper binds it and never listens: while it holds the port
# nobody else can take it, and a connect gets a RST (port 1 or a closed
# port may be listening on another machine). Sets REFUSED_PORT.
refused_port() {
	[ -n "${REFUSED_PORT:-}" ] && return 0
	local f="$TEST_TMP/refused-port"
	/usr/bin/python3 -c '
import signal, socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
signal.pause()' >"$f" </dev/null &
	TEST_PIDS+=($!)
	wait_for 20 test -s "$f" || fail "refused_port: no port bound"
	REFUSED_PORT=$(cat "$f")
}

# An isolated HOME for kubectl and python: never read the user's kubeconfig.
isolated_home() {
	export HOME="$TEST_TMP/home"
	mkdir -p "$HOME"
	unset KUBECONFIG
}

# kc ARGS...: the real kubectl against the simulator only.
kc() {
	/usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" "$@"
}
