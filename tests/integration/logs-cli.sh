# kpod logs vs kubectl logs against the same kpod-sim: for containers whose
# logs no longer change (exited, and a restarted container's previous
# instance) the output must be byte-identical, with and without --tail,
# --timestamps, -c and --previous, and so must the error for a missing pod
# (and both must fail). A two-container pod names its default container on
# stderr like kubectl. -f must print lines logged after it started.
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
isolated_home
start_sim logs --log-rate 20

create() {
	curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
		--data-binary "$1" "$SIM_URL/api/v1/namespaces/default/pods" ||
		fail "cannot create pod: $1"
}
kp() { "$KPOD" --kubeconfig "$SIM_KUBECONFIG" "$@"; }

# done: logs 40 lines in 2 s, exits 0, never restarts.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"done",
 "annotations":{"kpod-sim/crash-after":"2","kpod-sim/exit-code":"0"}},
 "spec":{"restartPolicy":"Never",
  "containers":[{"name":"app","image":"example.com/app:1"}]}}'
# twice: crashes after 1 s, restarts at once, crashes again and then waits
# 10 s in CrashLoopBackOff: its logs hold still during that wait.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"twice",
 "annotations":{"kpod-sim/crash-after":"1"}},
 "spec":{"containers":[{"name":"app","image":"example.com/app:1"}]}}'
# pair: two containers, the first is the default; both exit.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"pair",
 "annotations":{"kpod-sim/crash-after":"1","kpod-sim/exit-code":"0"}},
 "spec":{"restartPolicy":"Never",
  "containers":[{"name":"one","image":"example.com/one:1"},
  {"name":"two","image":"example.com/two:1"}]}}'
# live: keeps logging.
create '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"live"},
 "spec":{"containers":[{"name":"app","image":"example.com/app:1"}]}}'

jp() { kc get pod "$1" -o jsonpath="$2" 2>/dev/null; }
done_exited() { [ "$(jp done '{.status.containerStatuses[0].state.terminated.reason}')" = Completed ]; }
twice_backoff() {
	[ "$(jp twice '{.status.containerStatuses[0].restartCount}')" -ge 1 ] &&
		[ "$(jp twice '{.status.containerStatuses[0].state.waiting.reason}')" = CrashLoopBackOff ]
}
live_running() { [ -n "$(jp live '{.status.containerStatuses[0].state.running.startedAt}')" ]; }
pair_exited() {
	[ -n "$(jp pair '{.status.containerStatuses[0].state.terminated.reason}')" ] &&
		[ -n "$(jp pair '{.status.containerStatuses[1].state.terminated.reason}')" ]
}
wait_for 60 done_exited || fail "done did not complete"
wait_for 60 live_running || fail "live did not start"
wait_for 60 pair_exited || fail "pair did not complete"

# same NAME ARGS...: kpod logs ARGS and kubectl logs ARGS agree on stdout,
# stderr and success.
same() {
	local name=$1; shift
	local krc=0 prc=0
	kc logs "$@" >"$TEST_TMP/$name.kubectl.out" 2>"$TEST_TMP/$name.kubectl.err" || krc=$?
	kp logs "$@" >"$TEST_TMP/$name.kpod.out" 2>"$TEST_TMP/$name.kpod.err" || prc=$?
	cmp "$TEST_TMP/$name.kubectl.out" "$TEST_TMP/$name.kpod.out" ||
		{ diff "$TEST_TMP/$name.kubectl.out" "$TEST_TMP/$name.kpod.out" | head -20 >&2
		  fail "$name: stdout differs"; }
	cmp "$TEST_TMP/$name.kubectl.err" "$TEST_TMP/$name.kpod.err" ||
		{ diff "$TEST_TMP/$name.kubectl.err" "$TEST_TMP/$name.kpod.err" >&2
		  fail "$name: stderr differs"; }
	[ $((krc != 0)) -eq $((prc != 0)) ] || fail "$name: exit $prc, kubectl $krc"
	pass "$name ($(wc -l <"$TEST_TMP/$name.kpod.out") lines, exit $prc)"
}

# First, while twice sits in its 10 s back-off: the instance before.
wait_for 60 twice_backoff || fail "twice did not reach CrashLoopBackOff"
same previous twice --previous
same previous-stamps twice -p --timestamps --tail 3

[ "$(kc logs done | wc -l)" -ge 20 ] || fail "done logged too little"
same plain done
same tail done --tail 5
same tail0 done --tail=0
same stamps done --timestamps
same container done -c app
same no-previous done --previous
same missing nope
same bad-container done -c nope
same default-container pair
[ -s "$TEST_TMP/default-container.kpod.err" ] || fail "no 'Defaulted container' note"
grep -q '^Defaulted container "one" out of: one, two$' "$TEST_TMP/default-container.kpod.err" ||
	fail "default container note: $(cat "$TEST_TMP/default-container.kpod.err")"

# -f: lines logged after kpod started reach its output.
last_n() { kc logs "$1" --tail 1 | sed -n 's/.* n=\([0-9]*\) .*/\1/p'; }
start=$(last_n live)
[ -n "$start" ] || fail "live has no numbered line yet"
# (not through kp: $! must be kpod itself, so the cleanup's kill reaches it)
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" logs -f live \
	>"$TEST_TMP/follow.out" 2>"$TEST_TMP/follow.log" &
FPID=$!
TEST_PIDS+=("$FPID")
want=$((start + 20))
seen_later() { grep -q " n=$want " "$TEST_TMP/follow.out"; }
wait_for 60 seen_later || fail "kpod logs -f did not show n=$want"
kill "$FPID"
# Everything it printed is one run of numbers with no gap or repeat.
sed -n 's/.* n=\([0-9]*\) .*/\1/p' "$TEST_TMP/follow.out" |
	awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }' ||
	fail "kpod logs -f output has a gap or a repeat"
pass "-f follows new lines"
