# e2e: golden screens. kpod-sim serves a fixed set of pods (verbatim,
# --load; times relative to now so AGE reads the same on every run) and
# kpod is captured at several window sizes; each capture must equal its
# file in tests/e2e/golden/. GENERATE=1 rewrites the files instead (then
# review the diff before committing).
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

golden="$KPOD_SOURCE_DIR/tests/e2e/golden"
now=$(date +%s)
# kubectl's HumanDuration prints minutes only from 10m to 3h: 30m30s ago
# reads "30m" and 150m15s ago "150m" for the next 29 s, whenever the run.
t() { date -u -d "@$((now - $1))" +%Y-%m-%dT%H:%M:%SZ; }
created=$(t 1830)
finished=$(t 9015)

pod() { # name ready phase state-json restarts [extra-status-json]
	cat <<JSON
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"$1","namespace":"default",
 "uid":"uid-$1","creationTimestamp":"$created"},
 "spec":{"nodeName":"worker-1","containers":[{"name":"c","image":"x"}]},
 "status":{"phase":"$3","podIP":"10.0.0.$5",
 "containerStatuses":[{"name":"c","ready":$2,"restartCount":$5,
 "state":$4${6:-}}]}}
JSON
}
{
	echo '{"apiVersion":"v1","kind":"List","items":['
	pod web-7d4b9c-abcde true Running '{"running":{"startedAt":"'"$created"'"}}' 0
	echo ,
	pod api-server-0 false Running \
		'{"waiting":{"reason":"CrashLoopBackOff"}}' 3 \
		',"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"'"$finished"'"}}'
	echo ,
	pod queue-worker false Pending '{"waiting":{"reason":"ContainerCreating"}}' 0
	echo ,
	pod 한국어-파드 true Running '{"running":{"startedAt":"'"$created"'"}}' 0
	echo ,
	pod batch-job-xyz false Succeeded \
		'{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"'"$finished"'"}}' 0
	echo ']}'
} >"$TEST_TMP/pods.json"
start_sim golden --load "$TEST_TMP/pods.json"

e2e_start 100 12
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 30 '\| 5 pods \| live'

layout_done() { grep -q "layout $1\$" "$KPOD_LOG"; }
screen_is() { # file
	local screen
	screen=$(e2e_capture) || return 1
	[ "$screen" = "$(cat "$1")" ]
}
settled() { # file: two captures in a row agree
	local a b
	a=$(e2e_capture) && sleep 0.1 && b=$(e2e_capture) && [ "$a" = "$b" ] &&
		printf '%s\n' "$a" >"$1"
}
check() { # name cols rows
	local want="$golden/$1.txt" got="$TEST_TMP/$1.txt"
	e2e_tmux resize-window -t e2e -x "$2" -y "$3"
	# kpod logs each frame that followed a new layout.
	wait_for 10 layout_done "${2}x$3" || fail "$1: kpod did not lay out ${2}x$3"
	if [ "${GENERATE:-0}" = 1 ]; then
		wait_for 10 settled "$want" || fail "$1: screen does not settle"
		echo "wrote $want"
		return
	fi
	[ -f "$want" ] || fail "$1: no golden file $want (run with GENERATE=1)"
	if ! wait_for 10 screen_is "$want"; then
		e2e_capture >"$got"
		diff -u "$want" "$got" >&2 || true
		fail "$1: screen differs from $want"
	fi
	pass "$1 (${2}x$3) matches"
}

check wide 100 12
check medium 60 10
check narrow 30 8
check tiny 20 5
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
