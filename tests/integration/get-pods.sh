# `kpod get pods` against kpod-sim prints exactly what the real kubectl
# prints (kubectl renders the sim's server-side Table; kpod formats the pods
# itself): default namespace, -o wide, -A, -n with no pods, and -w rows for
# a pod created and deleted through the API. Then the bad-input cases:
# unreachable server, a server that refuses us (401), no kubeconfig at all.
. "$TESTLIB"
isolated_home

# Real pods (tests fixtures), served verbatim: every kind of STATUS,
# READY and RESTARTS cell, several namespaces, ages of years (stable).
start_sim get --load "$KPOD_SHARED"/fixtures/real-pods/case*/pod.yaml
LOADED_KUBECONFIG=$SIM_KUBECONFIG

kp() { "$KPOD" --kubeconfig "$SIM_KUBECONFIG" get pods "$@"; }

api() { # api METHOD PATH [JSON]
	curl -sf -X "$1" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$SIM_URL$2" >/dev/null
}

pod_json() { # pod_json NS NAME
	printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"%s"},"spec":{"containers":[{"name":"c","image":"nginx:1.14.2","ports":[{"containerPort":80}]}]}}' "$2" "$1"
}

# same_as_kubectl ARGS...: kubectl, kpod, kubectl again; when both kubectl
# runs agree (no AGE ticked over in between) kpod must equal them byte for
# byte, stdout and stderr. Retried until a quiet moment, never masked.
same_as_kubectl() {
	local i
	for i in $(seq 1 30); do
		kc get pods "$@" >"$TEST_TMP/kc1.out" 2>"$TEST_TMP/kc1.err" ||
			fail "kubectl get pods $* failed: $(cat "$TEST_TMP/kc1.err")"
		kp "$@" >"$TEST_TMP/kp.out" 2>"$TEST_TMP/kp.err" ||
			fail "kpod get pods $* failed: $(cat "$TEST_TMP/kp.err")"
		kc get pods "$@" >"$TEST_TMP/kc2.out" 2>"$TEST_TMP/kc2.err"
		if cmp -s "$TEST_TMP/kc1.out" "$TEST_TMP/kc2.out"; then
			if ! cmp -s "$TEST_TMP/kc1.out" "$TEST_TMP/kp.out" ||
				! cmp -s "$TEST_TMP/kc1.err" "$TEST_TMP/kp.err"; then
				echo "--- kubectl get pods $*" >&2
				cat "$TEST_TMP/kc1.out" "$TEST_TMP/kc1.err" >&2
				echo "--- kpod get pods $*" >&2
				cat "$TEST_TMP/kp.out" "$TEST_TMP/kp.err" >&2
				diff "$TEST_TMP/kc1.out" "$TEST_TMP/kp.out" >&2 || true
				fail "kpod get pods $* differs from kubectl"
			fi
			pass "get pods $* ($(wc -l <"$TEST_TMP/kp.out") lines)"
			return 0
		fi
	done
	fail "kubectl's output never held still for get pods $*"
}

same_as_kubectl
same_as_kubectl -o wide
same_as_kubectl -A
same_as_kubectl -A -o wide
same_as_kubectl -n kube-system
same_as_kubectl -n epsilon -o wide
same_as_kubectl -n nobody-here
grep -q 'No resources found in nobody-here namespace.' "$TEST_TMP/kp.err" ||
	fail "empty namespace message missing"

# -w: both watchers see the same rows for a pod's whole life, on a sim
# whose kubelet moves it through Pending, ContainerCreating, Running.
start_sim watch --scenario empty --log "$TEST_TMP/watch.reqlog"
api POST /api/v1/namespaces/default/pods "$(pod_json default first)"
first_running() { kc get pod first --no-headers | grep -q ' Running '; }
wait_for 60 first_running || fail "pod first never ran"
kp -w >"$TEST_TMP/kpw.out" 2>"$TEST_TMP/kpw.err" &
KPW=$!
TEST_PIDS+=("$KPW")
kc get pods -w >"$TEST_TMP/kcw.out" 2>"$TEST_TMP/kcw.err" &
KCW=$!
TEST_PIDS+=("$KCW")
wait_for 30 grep -q '^first ' "$TEST_TMP/kpw.out" || fail "kpod -w printed no list"
wait_for 30 grep -q '^first ' "$TEST_TMP/kcw.out" || fail "kubectl -w printed no list"
api POST /api/v1/namespaces/default/pods "$(pod_json default watched)"
wait_for 60 grep -q '^watched .* Running ' "$TEST_TMP/kpw.out" ||
	fail "kpod -w never showed the new pod running: $(cat "$TEST_TMP/kpw.out")"
api DELETE /api/v1/namespaces/default/pods/watched
wait_for 60 grep -q '^watched .* Terminating ' "$TEST_TMP/kpw.out" ||
	fail "kpod -w never showed the pod terminating"

# AGE is the last column: drop its text (ages may tick between the two
# clients) and compare everything else byte for byte, padding included.
rows() { sed -E 's/[^ ]+$//' "$1"; }
watch_same() { # watch_same KPOD_OUT KUBECTL_OUT
	[ "$(rows "$1")" = "$(rows "$2")" ]
}
if ! wait_for 60 watch_same "$TEST_TMP/kpw.out" "$TEST_TMP/kcw.out"; then
	diff <(rows "$TEST_TMP/kcw.out") <(rows "$TEST_TMP/kpw.out") >&2 || true
	fail "kpod get pods -w rows differ from kubectl's"
fi
kill "$KPW" "$KCW" 2>/dev/null || true
pass "get pods -w ($(wc -l <"$TEST_TMP/kpw.out") lines, same as kubectl)"

# -w on an empty namespace: nothing until the first event, whose row comes
# with the header, sized together (and no "No resources found").
kp -w -n fresh >"$TEST_TMP/kpe.out" 2>"$TEST_TMP/kpe.err" &
TEST_PIDS+=("$!")
kc get pods -w -n fresh >"$TEST_TMP/kce.out" 2>"$TEST_TMP/kce.err" &
TEST_PIDS+=("$!")
fresh_watches() { [ "$(grep -c 'namespaces/fresh/pods?.*watch=' "$TEST_TMP/watch.reqlog")" -ge 2 ]; }
wait_for 30 fresh_watches || fail "the two watches on fresh never started"
api POST /api/v1/namespaces/fresh/pods "$(pod_json fresh lonely)"
both_running() {
	grep -q '^lonely .* Running ' "$TEST_TMP/kpe.out" &&
		grep -q '^lonely .* Running ' "$TEST_TMP/kce.out"
}
wait_for 60 both_running || fail "-w -n fresh: $(cat "$TEST_TMP/kpe.out" "$TEST_TMP/kce.out")"
if ! wait_for 30 watch_same "$TEST_TMP/kpe.out" "$TEST_TMP/kce.out"; then
	diff <(rows "$TEST_TMP/kce.out") <(rows "$TEST_TMP/kpe.out") >&2 || true
	fail "kpod get pods -w -n fresh differs from kubectl's"
fi
cmp -s "$TEST_TMP/kpe.err" "$TEST_TMP/kce.err" ||
	fail "stderr differs: kpod '$(cat "$TEST_TMP/kpe.err")' kubectl '$(cat "$TEST_TMP/kce.err")'"
pass "get pods -w on an empty namespace"

# Unreachable: a port nobody listens on any more (a sim's, after it
# stopped; a fixed port such as 1 may be taken on a shared machine).
start_sim dead --scenario empty
kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null || true
DEAD=127.0.0.1:$SIM_PORT
cat >"$TEST_TMP/dead.kubeconfig" <<EOK
apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "http://$DEAD"}}]
contexts: [{name: dead, context: {cluster: dead}}]
current-context: dead
EOK
if "$KPOD" --kubeconfig "$TEST_TMP/dead.kubeconfig" get pods \
	>"$TEST_TMP/dead.out" 2>"$TEST_TMP/dead.err"; then
	fail "get pods against a dead server exited 0"
fi
# kubectl logs discovery errors first; its last line is the verdict.
/usr/bin/kubectl --kubeconfig "$TEST_TMP/dead.kubeconfig" get pods \
	>/dev/null 2>"$TEST_TMP/kcdead.err" && fail "kubectl succeeded?"
[ "$(tail -n1 "$TEST_TMP/dead.err")" = "$(tail -n1 "$TEST_TMP/kcdead.err")" ] ||
	fail "unreachable: kpod said '$(cat "$TEST_TMP/dead.err")', kubectl '$(tail -n1 "$TEST_TMP/kcdead.err")'"
grep -qF "error: Get \"http://$DEAD/api/v1/namespaces/default/pods?limit=500\": dial tcp $DEAD: connect: connection refused" \
	"$TEST_TMP/dead.err" || fail "the failed request is not named: $(cat "$TEST_TMP/dead.err")"
[ ! -s "$TEST_TMP/dead.out" ] || fail "printed a table for a dead server"
pass "unreachable server: $(head -n1 "$TEST_TMP/dead.err")"

# A server that wants a token we do not have: the server's message.
start_sim auth --scenario demo --token s3cret
sed '/token:/d' "$SIM_KUBECONFIG" >"$TEST_TMP/notoken.kubeconfig"
grep -q 's3cret' "$SIM_KUBECONFIG" || fail "sim kubeconfig has no token"
if "$KPOD" --kubeconfig "$TEST_TMP/notoken.kubeconfig" get pods \
	>/dev/null 2>"$TEST_TMP/401.err"; then
	fail "get pods without the token exited 0"
fi
grep -q 'Unauthorized' "$TEST_TMP/401.err" || fail "no 401 text: $(cat "$TEST_TMP/401.err")"
"$KPOD" --kubeconfig "$SIM_KUBECONFIG" get pods >"$TEST_TMP/tok.out" ||
	fail "get pods with the token failed"
grep -q '^nginx ' "$TEST_TMP/tok.out" || fail "no nginx row with the token"
pass "401 without token, table with it"

# No kubeconfig anywhere and not in a cluster: one line, exit 1.
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
rc=0
"$KPOD" get pods >"$TEST_TMP/none.out" 2>"$TEST_TMP/none.err" || rc=$?
[ "$rc" -eq 1 ] || fail "no kubeconfig: exit $rc, want 1"
[ "$(wc -l <"$TEST_TMP/none.err")" -eq 1 ] || fail "not one line: $(cat "$TEST_TMP/none.err")"
grep -q "$HOME/.kube/config" "$TEST_TMP/none.err" || fail "does not name ~/.kube/config"
grep -q 'kpod --demo' "$TEST_TMP/none.err" || fail "does not suggest kpod --demo"
pass "no kubeconfig: $(cat "$TEST_TMP/none.err")"
