#!/usr/bin/env bash
# The README's tour commands (the fenced block between the tour:begin and
# tour:end markers) run as written against the kpod-sim they start: the
# simulator line, `kpod get pods -w` until http-go is Running, each print
# mode (exit 0, output), port-forward carrying a request, and the bare
# `kpod` UI in tmux. A command the README adds there is run too, so the
# tour cannot rot silently.
source "$TESTLIB"
source "$KPOD_SOURCE_DIR/tests/lib/e2e.sh"
isolated_home

readme="$KPOD_SOURCE_DIR/README.md"
block=$(sed -n '/^<!-- tour:begin/,/^<!-- tour:end/p' "$readme" |
	sed -n '/^```sh$/,/^```$/p' | grep -v '^```')
[ -n "$block" ] || fail "no tour block in README.md"
kc_path=$(sed -n 's/^export KUBECONFIG=\([^ ]*\).*/\1/p' <<<"$block")
[ -n "$kc_path" ] || fail "the tour sets no KUBECONFIG"
kubeconfig="$TEST_TMP/demo.kubeconfig"

# The line without its comment, the simulator and kubeconfig paths made
# this test's own.
strip() {
	sed -e 's/[[:space:]]\+#.*$//' -e "s|$kc_path|$kubeconfig|g" <<<"$1"
}

ran=0
while IFS= read -r line; do
	cmd=$(strip "$line")
	[ -n "$cmd" ] || continue
	case "$cmd" in
	build/kpod-sim\ *)
		cmd=${cmd%&}
		eval "\"\$KPOD_SIM\" ${cmd#build/kpod-sim } >\"\$TEST_TMP/sim.log\" 2>&1 &"
		TEST_PIDS+=($!)
		wait_for 30 test -s "$kubeconfig" || fail "$cmd: no kubeconfig"
		;;
	export\ KUBECONFIG=*)
		eval "$cmd"
		[ "$KUBECONFIG" = "$kubeconfig" ] || fail "$cmd"
		;;
	"kpod get pods -w")
		# The README says: until http-go is Running.
		"$KPOD" get pods -w </dev/null >"$TEST_TMP/watch.out" 2>&1 &
		w=$!
		TEST_PIDS+=("$w")
		wait_for 60 grep -Eq '^http-go +1/1 +Running' "$TEST_TMP/watch.out" ||
			fail "$cmd never showed http-go Running: $(cat "$TEST_TMP/watch.out")"
		# (a background job ignores SIGINT in a script: TERM ends it)
		kill "$w"
		wait "$w" || true
		;;
	kpod\ port-forward\ *)
		# Same command on a free local port (8080 may be taken here).
		spec=$(awk '{print $NF}' <<<"$cmd")
		remote=${spec##*:}
		args=${cmd#kpod }
		args=${args% *}
		"$KPOD" $args ":$remote" </dev/null >"$TEST_TMP/pf.out" 2>&1 &
		pf=$!
		TEST_PIDS+=("$pf")
		wait_for 30 grep -q '^Forwarding from 127.0.0.1:' "$TEST_TMP/pf.out" ||
			fail "$cmd: $(cat "$TEST_TMP/pf.out")"
		local_port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' \
			"$TEST_TMP/pf.out")
		body=$(curl -s "127.0.0.1:$local_port") || fail "$cmd: curl failed"
		grep -q 'http-go' <<<"$body" || fail "$cmd: curl got: $body"
		kill -TERM "$pf"
		rc=0
		wait "$pf" || rc=$?
		[ "$rc" = 0 ] || fail "$cmd: exit $rc after SIGTERM"
		;;
	kpod)
		# The UI, in a terminal, on the same simulator.
		e2e_start 120 30
		e2e_type "export KUBECONFIG=$kubeconfig"
		e2e_run
		e2e_wait 60 '^http-go +1/1 +Running'
		e2e_keys q
		[ "$(e2e_exit_status)" = 0 ] || fail "kpod (the UI) did not exit 0"
		;;
	kpod\ *)
		rc=0
		eval "\"\$KPOD\" ${cmd#kpod }" </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
			rc=$?
		[ "$rc" = 0 ] || fail "$cmd: exit $rc: $(cat "$TEST_TMP/err")"
		[ -s "$TEST_TMP/out" ] || fail "$cmd printed nothing"
		case "$cmd" in
		*" -- hostname")
			[ "$(cat "$TEST_TMP/out")" = http-go ] ||
				fail "$cmd: $(cat "$TEST_TMP/out")"
			;;
		"kpod describe pod "*)
			grep -Eq "^Name: +${cmd##* }\$" "$TEST_TMP/out" ||
				fail "$cmd: $(head -n 3 "$TEST_TMP/out")"
			;;
		"kpod get pods"*)
			grep -Eq '^NAME +READY +STATUS' "$TEST_TMP/out" ||
				fail "$cmd: $(head -n 3 "$TEST_TMP/out")"
			;;
		esac
		;;
	*)
		fail "the tour has a line this test does not know how to run: $line"
		;;
	esac
	pass "$line"
	ran=$((ran + 1))
done <<<"$block"
[ "$ran" -ge 5 ] || fail "only $ran tour lines ran"
