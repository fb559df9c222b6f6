# e2e: changes on the server show live. A pod created through the API
# appears within 2 s; a deleted one shows Terminating and then goes; and
# kpod's own log says each store change reached the terminal within
# 100 ms (the time from the store's notification to the end of the frame
# that shows it).
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 120 30
e2e_demo
e2e_wait 30 '^nginx +1/1 +Running'
e2e_wait 10 '\| [0-9]+ pods \| live'
npods() { e2e_capture | sed -n 's/.*| \([0-9]*\) pods* | .*/\1/p' | tail -n1; }
before=$(npods)

pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"e2e-web"},
"spec":{"containers":[{"name":"web","image":"nginx:1.14.2",
"ports":[{"containerPort":80}]}]}}'
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data "$pod" "$DEMO_URL/api/v1/namespaces/default/pods" ||
	fail "create through the API failed"
took=$(e2e_wait_ms 2000 '^e2e-web ')
pass "created pod on screen after ${took} ms"
e2e_wait 60 '^e2e-web +1/1 +Running'
e2e_wait 10 "\\| $((before + 1)) pods"
pass "created pod reaches 1/1 Running"

curl -sf -o /dev/null -X DELETE \
	"$DEMO_URL/api/v1/namespaces/default/pods/e2e-web" ||
	fail "delete through the API failed"
took=$(e2e_wait_ms 2000 '^e2e-web +[0-9]+/[0-9]+ +Terminating')
pass "deleted pod shows Terminating after ${took} ms"
e2e_wait_gone 90 '^e2e-web '
e2e_wait 10 "\\| $before pods"
pass "deleted pod disappears"

# Every frame that followed a store change was on screen within 100 ms.
n=$(grep -c 'ms after the change' "$KPOD_LOG" || true)
[ "$n" -ge 3 ] || fail "expected store-change frames in the log, got $n"
slow=$(sed -n 's/.*on screen \([0-9.]*\) ms after the change/\1/p' \
	"$KPOD_LOG" | awk '$1 >= 100' | head -n3)
[ -z "$slow" ] || fail "store changes took $slow ms to reach the screen"
max=$(sed -n 's/.*on screen \([0-9.]*\) ms after the change/\1/p' \
	"$KPOD_LOG" | sort -n | tail -n1)
pass "$n store changes on screen within 100 ms (max ${max} ms)"

e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
