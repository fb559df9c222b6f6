#!/bin/bash
# `kpod explain PATH` equals the real `kubectl explain PATH` byte for byte
# (stdout, stderr and exit status) against the same kpod-sim: with the real
# core/v1 OpenAPI document (--openapi, the shared fixture) for every field
# of a pod two levels deep plus deeper and erroneous paths, and with the
# sim's built-in schema (what the demo serves).
source "$TESTLIB"
isolated_home

# ARGS...: compare both clients; fails with the diff
parity() {
	local rk=0 rc=0
	kc explain "$@" >"$TEST_TMP/kc.out" 2>"$TEST_TMP/kc.err" || rk=$?
	"$KPOD" --kubeconfig "$SIM_KUBECONFIG" explain "$@" >"$TEST_TMP/kpod.out" 2>"$TEST_TMP/kpod.err" || rc=$?
	[ "$rk" = "$rc" ] || fail "explain $*: kubectl exit $rk, kpod exit $rc ($(cat "$TEST_TMP/kpod.err"))"
	if ! cmp -s "$TEST_TMP/kc.out" "$TEST_TMP/kpod.out"; then
		diff -u "$TEST_TMP/kc.out" "$TEST_TMP/kpod.out" | head -40
		fail "explain $*: stdout differs"
	fi
	cmp -s "$TEST_TMP/kc.err" "$TEST_TMP/kpod.err" ||
		fail "explain $*: stderr differs: '$(cat "$TEST_TMP/kc.err")' vs '$(cat "$TEST_TMP/kpod.err")'"
}

# every field of a pod two levels deep, read from the document itself
fields=$(/usr/bin/python3 - "$KPOD_SHARED/fixtures/openapi/api-v1.json" <<'PY'
import json, sys
S = json.load(open(sys.argv[1]))["components"]["schemas"]
def deref(s):
    if "$ref" in s: return S[s["$ref"].split("/")[-1]]
    if "allOf" in s: return deref(s["allOf"][0])
    if "items" in s: return deref(s["items"])
    if isinstance(s.get("additionalProperties"), dict): return deref(s["additionalProperties"])
    return s
def walk(s, path, depth):
    for k, v in sorted(deref(s).get("properties", {}).items()):
        print(path + "." + k)
        if depth < 2: walk(v, path + "." + k, depth + 1)
walk(S["io.k8s.api.core.v1.Pod"], "pods", 1)
PY
)
n=$(echo "$fields" | wc -l)
[ "$n" -gt 50 ] || fail "only $n field paths from the fixture"

start_sim real --openapi "$KPOD_SHARED/fixtures/openapi/api-v1.json"
m=0
for p in pods pod po pods.spec.containers.livenessProbe.exec.command \
	pods.spec.volumes.hostPath.type pods.spec.containers.resources.claims \
	pods.spec.containers.securityContext.capabilities.add \
	pods.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms \
	pods.spec.nope pods.nope.deeper widgets $fields; do
	parity "$p"
	m=$((m + 1))
done
grep -q '^FIELD: containers <\[\]Container>$' <(kc explain pods.spec.containers) || fail "kubectl's output is not what this test expects"
pass "kpod explain = kubectl explain on $m paths of the real schema"
kill "$SIM_PID"

start_sim builtin
m=0
for p in pods pods.spec pods.spec.containers pods.metadata pods.status pods.spec.containers.image pods.nope; do
	parity "$p"
	m=$((m + 1))
done
pass "kpod explain = kubectl explain on $m paths of the built-in schema"
