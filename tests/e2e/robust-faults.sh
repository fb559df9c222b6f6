# e2e: the UI keeps answering keys while the server misbehaves. kpod-sim
# drops watches every second, expires resourceVersions (410), restarts
# (every connection closed, the port refused for a moment) and answers
# some requests 429/503 with Retry-After. Throughout, j and k move the
# selection (the describe pane follows it) within a deadline each, the
# status bar at some point says "retrying in Ns" with the reason, and
# afterwards the list shows exactly the server's pods.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

start_sim faults --scenario demo --drop-watch-every 1 --expire-every 2.5 \
	--restart-every 3 --error-rate 0.2 --retry-after 2
e2e_start 150 40
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 60 '^http-go +[01]/1 '
e2e_keys d
e2e_wait 30 ' Describe: default/'

title() { e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1; }
saw_retry=0
saw_reason=""
note_status() {
	local last
	last=$(e2e_capture | tail -n 1)
	if [[ "$last" =~ retrying\ in\ [0-9]+s:\ ([^|]*) ]]; then
		saw_retry=$((saw_retry + 1))
		saw_reason=${BASH_REMATCH[1]%%  *}
	fi
}
moves=0
start=$SECONDS
# At least 12 s of faults (four restarts), 20 moves, and a retry seen.
while [ $((SECONDS - start)) -lt 12 ] || [ $moves -lt 20 ] || [ $saw_retry -eq 0 ]; do
	[ $((SECONDS - start)) -lt 120 ] || fail "after 120 s: $moves moves, retry seen $saw_retry times"
	before=$(title)
	[ -n "$before" ] || fail "no describe title on screen"
	if [ $((moves % 8)) -lt 4 ]; then key=j; else key=k; fi
	e2e_keys "$key"
	moved() { [ "$(title)" != "$before" ]; }
	# The list has 9 pods: at either end the key does nothing, so turn.
	if ! wait_for 5 moved; then
		if [ "$key" = j ]; then e2e_keys k; else e2e_keys j; fi
		wait_for 5 moved || {
			e2e_capture >&2
			fail "the selection did not move within 5 s during faults (after $moves moves)"
		}
	fi
	moves=$((moves + 1))
	note_status
done
pass "$moves moves answered during drops, 410s, restarts and 429/503"
pass "the status bar said: retrying in Ns: $saw_reason ($saw_retry samples)"

# The list equals the server's pods (names), once the faults let a list
# and watch through.
server_pods() {
	curl -sf "$SIM_URL/api/v1/namespaces/default/pods" |
		/usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(p["metadata"]["name"] for p in json.load(sys.stdin)["items"])))'
}
screen_pods() {
	e2e_capture | awk 'NR > 1 && /^[a-z0-9.-]+ +[0-9]+\/[0-9]+ / {print $1}' | sort | tr '\n' ' ' | sed 's/ $//'
}
same_pods() {
	local s
	s=$(server_pods) || return 1
	[ -n "$s" ] && [ "$s" = "$(screen_pods)" ]
}
e2e_keys Escape
e2e_wait_gone 30 ' Describe: default/'
wait_for 60 same_pods || fail "list differs: screen '$(screen_pods)' server '$(server_pods)'"
pass "the list shows the server's pods"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
