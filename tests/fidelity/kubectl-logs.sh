# The real kubectl logs against kpod-sim: plain, --tail, --timestamps,
# --since, --limit-bytes, -f seeing new lines, --previous after a restart,
# and the API server's errors for waiting containers and multi-container
# pods.
. "$TESTLIB"

isolated_home
start_sim logs --scenario demo --log-rate 5

running() {
	[ "$(kc get pod "$1" -o 'jsonpath={.status.containerStatuses[0].state.running.startedAt}')" != "" ]
}
wait_for 90 running http-go || fail "http-go is not running"

kc logs http-go >"$TEST_TMP/all.out" || fail "kubectl logs failed"
head -n1 "$TEST_TMP/all.out" | grep -qx 'Listening on :8080 (pod http-go)' ||
	fail "first line: $(head -n1 "$TEST_TMP/all.out")"
# a tiny web server's access log: date, client, method, path, status
sed -n 2p "$TEST_TMP/all.out" | grep -Eq '^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} 10\.244\.[0-9]+\.[0-9]+ (GET|POST) /[^ ]* [0-9]{3} ' ||
	fail "access line: $(sed -n 2p "$TEST_TMP/all.out")"
pass "kubectl logs http-go"

# A request the pod really answered shows up in its access log.
[ "$(kc exec http-go -- curl -s "127.0.0.1:8080/from-exec-$$")" = "Welcome! http-go" ] ||
	fail "exec curl"
kc logs http-go | grep -Eq " 127\.0\.0\.1 GET /from-exec-$$ 200 [0-9]+us \"curl/7\.88\.1\"\$" ||
	fail "the request is not in http-go's log: $(kc logs http-go --tail=5)"
pass "http-go logs the requests it answers"

wait_for 30 sh -c "[ \$(/usr/bin/kubectl --kubeconfig '$SIM_KUBECONFIG' logs http-go | wc -l) -ge 6 ]" ||
	fail "http-go's log does not grow"
[ "$(kc logs http-go --tail=3 | wc -l)" -eq 3 ] || fail "--tail=3"
kc logs http-go --tail=2 --timestamps >"$TEST_TMP/ts.out"
[ "$(wc -l <"$TEST_TMP/ts.out")" -eq 2 ] || fail "--tail=2 --timestamps line count"
grep -Evq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z ' "$TEST_TMP/ts.out" &&
	fail "timestamps are not RFC3339 with 9 digits: $(cat "$TEST_TMP/ts.out")"
all=$(kc logs http-go | wc -l)
since=$(kc logs http-go --since=1s | wc -l)
[ "$since" -lt "$all" ] || fail "--since=1s gave $since of $all lines"
[ "$(kc logs http-go --limit-bytes=10 | wc -c)" -eq 10 ] || fail "--limit-bytes=10"
pass "--tail, --timestamps, --since, --limit-bytes"

kc logs -f http-go --tail=1 >"$TEST_TMP/follow.out" 2>&1 &
fpid=$!
TEST_PIDS+=("$fpid")
wait_for 30 sh -c "[ \$(wc -l <'$TEST_TMP/follow.out') -ge 4 ]" ||
	fail "logs -f saw no new lines: $(cat "$TEST_TMP/follow.out")"
kill "$fpid" 2>/dev/null || true
pass "logs -f streams new lines"

# crashy exits and restarts: --previous is the run before.
restarted() {
	[ "$(kc get pod crashy -o 'jsonpath={.status.containerStatuses[0].restartCount}')" -ge 1 ] 2>/dev/null
}
wait_for 120 restarted || fail "crashy never restarted"
kc logs crashy --previous --timestamps >"$TEST_TMP/prev.out" || fail "--previous failed"
[ -s "$TEST_TMP/prev.out" ] || fail "--previous is empty"
fin=$(kc get pod crashy -o 'jsonpath={.status.containerStatuses[0].lastState.terminated.finishedAt}')
last=$(tail -n1 "$TEST_TMP/prev.out" | cut -c1-19)Z
[ "$(date -d "$last" +%s)" -le "$(date -d "$fin" +%s)" ] ||
	fail "previous log runs past the previous run's end ($last > $fin)"
pass "logs --previous after a restart"

# A follow ends (kubectl exits 0) when the container stops, like the
# kubelet's: crashy exits every few seconds.
kc logs -f crashy >"$TEST_TMP/crashy-follow.out" 2>&1 &
cpid=$!
TEST_PIDS+=("$cpid")
wait_for 90 sh -c "! kill -0 $cpid" || fail "logs -f crashy did not end when the container stopped"
wait "$cpid" || fail "logs -f crashy exited with $?: $(cat "$TEST_TMP/crashy-follow.out")"
pass "logs -f ends when the container stops"

set +e
kc logs web-bad-image >"$TEST_TMP/wait.out" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "logs of a waiting container succeeded"
grep -Eq 'Error from server \(BadRequest\): container "[^"]+" in pod "web-bad-image" is waiting to start: ' \
	"$TEST_TMP/wait.out" || fail "waiting container: $(cat "$TEST_TMP/wait.out")"
pass "waiting container gives the kubelet's error"

# Two containers and no ?container=: the API server's 400.
curl -s -X POST -H 'Content-Type: application/json' \
	"$SIM_URL/api/v1/namespaces/default/pods" -d '{"apiVersion":"v1","kind":"Pod",
	"metadata":{"name":"two"},"spec":{"containers":[
	{"name":"a","image":"busybox"},{"name":"b","image":"nginx"}]}}' >/dev/null
wait_for 60 running two || fail "pod two did not start"
code=$(curl -s -o "$TEST_TMP/two.json" -w '%{http_code}' "$SIM_URL/api/v1/namespaces/default/pods/two/log")
[ "$code" = 400 ] || fail "log of a two-container pod without container: $code"
grep -q 'a container name must be specified for pod two, choose one of: \[a b\]' "$TEST_TMP/two.json" ||
	fail "message: $(cat "$TEST_TMP/two.json")"
# b starts a moment after a; once it runs, -c b reads its (nginx) log
wait_for 60 sh -c "/usr/bin/kubectl --kubeconfig '$SIM_KUBECONFIG' logs two -c b --tail=1 | grep -q 'HTTP/1.1'" ||
	fail "logs -c b: $(kc logs two -c b --tail=1 2>&1)"
pass "container selection"
