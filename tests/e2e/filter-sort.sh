# e2e: the pod list's filter and sort. Four pods served verbatim (two
# namespaces, labels, restart counts, creation times). `/web` narrows the
# list to the two web pods and the status bar says "2 of 4 pods | /web";
# `!web` inverts; `-l tier=front` and `-l app notin (web)` select by
# label (and the watch restarts with labelSelector on the server, so only
# the matching pods are listed); `re:^(db|cache)` is a regex; a bad regex is refused with a
# message and the filter stays; Esc restores all four. T sorts by
# RESTARTS (header marked ↑), T again reverses (↓), M sorts by name.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"
isolated_home

pod() { # ns name labels restarts created ip
	cat <<JSON
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"$2","namespace":"$1",
"uid":"uid-$2","resourceVersion":"1","creationTimestamp":"$5",
"labels":{$3}},"spec":{"nodeName":"node-1","containers":[{"name":"c",
"image":"busybox"}]},"status":{"phase":"Running","podIP":"$6",
"startTime":"$5","containerStatuses":[{"name":"c","ready":true,
"restartCount":$4,"image":"busybox","imageID":"","started":true,
"state":{"running":{"startedAt":"$5"}}}]}}
JSON
}
{
	echo '{"apiVersion":"v1","kind":"List","items":['
	pod shop web-1 '"app":"web","tier":"front"' 0 2024-03-01T00:00:00Z 10.0.0.9
	echo ,
	pod shop db-0 '"app":"db","tier":"back"' 7 2023-03-01T00:00:00Z 10.0.0.10
	echo ,
	pod ops cache-2 '"app":"cache"' 2 2022-03-01T00:00:00Z 10.0.1.1
	echo ,
	pod ops web-2 '"app":"web"' 1 2025-03-01T00:00:00Z 10.0.0.2
	echo ']}'
} >"$TEST_TMP/pods.json"
start_sim fs --load "$TEST_TMP/pods.json"

e2e_start 140 20
e2e_run -A --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 30 '\| 4 pods \| live'

# The pod names on screen, top to bottom.
order() { e2e_capture | grep -oE '(cache-2|db-0|web-1|web-2)' | tr '\n' ' '; }
order_is() { [ "$(order)" = "$1" ]; }
want_order() {
	if ! wait_for 10 order_is "$1"; then
		e2e_capture >&2
		fail "order: got '$(order)', want '$1' ($2)"
	fi
	pass "$2: $1"
}
# filter TEXT: open the prompt, clear what is pre-filled, type TEXT.
filter() {
	e2e_keys /
	e2e_wait 5 '^ /'
	e2e_keys C-u
	e2e_tmux send-keys -t e2e -l -- "$1"
	e2e_keys Enter
}

want_order "cache-2 web-2 db-0 web-1 " "namespace, then name"

filter web
want_order "web-2 web-1 " "/web narrows"
e2e_wait 5 '\| 2 of 4 pods \| /web \|'
filter '!web'
want_order "cache-2 db-0 " "!web negates"
filter '-l tier=front'
want_order "web-1 " "-l tier=front selects by label"
# ... on the server too (kubectl get pods -l): the watch restarts with
# labelSelector, so the list holds only the one pod the server sends.
e2e_wait 10 '\| 1 of 1 pod \| /-l tier=front \|'
wait_for 10 grep -q 'list /api/v1/pods?limit=[0-9]*&labelSelector=tier%3Dfront' \
	"$KPOD_LOG" || fail "no list with labelSelector=tier%3Dfront in the log"
pass "-l is the pod watch's labelSelector"
filter '-l app notin (web),tier'
want_order "db-0 " "-l with notin and exists"
# Esc after a -l filter: the watch restarts without the selector.
unsel() { grep -c 'list /api/v1/pods?limit=[0-9]*$' "$KPOD_LOG"; }
more_unsel() { [ "$(unsel)" -gt "$1" ]; }
n=$(unsel)
e2e_keys Escape
want_order "cache-2 web-2 db-0 web-1 " "Esc after -l shows all"
wait_for 10 more_unsel "$n" || fail "Esc did not list every pod again"
e2e_wait 10 '\| 4 pods \| live'
pass "Esc restarts the watch without a selector"
filter 're:^(db|cache)'
want_order "cache-2 db-0 " "re: regex"
# A bad regex: refused, the old filter stays.
filter 're:(db'
e2e_wait 5 'filter: regex'
want_order "cache-2 db-0 " "a bad regex keeps the filter"
e2e_keys Escape
want_order "cache-2 web-2 db-0 web-1 " "Esc clears the filter"
e2e_wait 5 '\| 4 pods \|'
e2e_lacks ' of 4 pods' || fail "status bar still shows a filter"

e2e_keys T
want_order "web-1 web-2 cache-2 db-0 " "T sorts by RESTARTS"
e2e_wait 5 'RESTARTS↑'
e2e_keys T
want_order "db-0 cache-2 web-2 web-1 " "T again reverses"
e2e_wait 5 'RESTARTS↓'
e2e_keys A
want_order "web-2 web-1 db-0 cache-2 " "A sorts by AGE, youngest first"
e2e_keys M
want_order "cache-2 db-0 web-1 web-2 " "M sorts by name"
e2e_wait 5 'NAME↑'
# Sorting and filtering together, and the sort survives a filter change.
filter web
want_order "web-1 web-2 " "filtered and sorted by name"

e2e_keys Escape
e2e_keys q
wait_for 10 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not quit"
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
