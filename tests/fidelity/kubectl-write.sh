#!/bin/bash
# The real kubectl changing kpod-sim's pods: annotate (add and remove),
# apply -f (create, then configure), apply --server-side, create -f -
# (the seed's heredoc; a second time 409), delete, explain pods (the
# built-in schema and, with --openapi, the real api/v1 document), and a
# 422 for a bad annotation key.
source "$TESTLIB"
isolated_home
start_sim write --scenario demo

kc annotate pod nginx team=blue >"$TEST_TMP/a.out" || fail "annotate"
grep -q '^pod/nginx annotated$' "$TEST_TMP/a.out" || fail "annotate output"
[ "$(kc get pod nginx -o jsonpath='{.metadata.annotations.team}')" = blue ] ||
	fail "annotation not stored"
kc annotate pod nginx team- >/dev/null || fail "annotate remove"
[ -z "$(kc get pod nginx -o jsonpath='{.metadata.annotations.team}')" ] ||
	fail "annotation not removed"
if kc annotate pod nginx 'bad key!=x' >"$TEST_TMP/bad.out" 2>&1; then
	fail "a bad annotation key was accepted"
fi
grep -q 'is invalid' "$TEST_TMP/bad.out" || fail "bad key: $(cat "$TEST_TMP/bad.out")"
pass "annotate add, remove, invalid key"

cat >"$TEST_TMP/web.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: web-apply
  labels:
    tier: web
spec:
  containers:
  - name: web
    image: nginx:1.25
    ports:
    - containerPort: 80
YAML
kc apply -f "$TEST_TMP/web.yaml" >"$TEST_TMP/apply.out" 2>&1 || fail "apply: $(cat "$TEST_TMP/apply.out")"
grep -q '^pod/web-apply created$' "$TEST_TMP/apply.out" || fail "apply create output"
sed -i 's/tier: web/tier: front/' "$TEST_TMP/web.yaml"
kc apply -f "$TEST_TMP/web.yaml" >"$TEST_TMP/apply2.out" 2>&1 || fail "apply again"
grep -q '^pod/web-apply configured$' "$TEST_TMP/apply2.out" || fail "apply configure: $(cat "$TEST_TMP/apply2.out")"
[ "$(kc get pod web-apply -o jsonpath='{.metadata.labels.tier}')" = front ] || fail "apply did not patch"
grep -q 'last-applied-configuration' <<<"$(kc get pod web-apply -o jsonpath='{.metadata.annotations}')" ||
	fail "no last-applied annotation"
sed -i 's/tier: front/tier: ssa/' "$TEST_TMP/web.yaml"
kc apply --server-side -f "$TEST_TMP/web.yaml" >"$TEST_TMP/ssa.out" 2>&1 || fail "ssa: $(cat "$TEST_TMP/ssa.out")"
grep -q '^pod/web-apply serverside-applied$' "$TEST_TMP/ssa.out" || fail "ssa output"
[ "$(kc get pod web-apply -o jsonpath='{.metadata.labels.tier}')" = ssa ] || fail "ssa did not apply"
pass "apply -f (create, configure) and --server-side"

heredoc() {
	kc create -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: heredoc
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo hi; sleep 3600"]
YAML
}
heredoc >"$TEST_TMP/create.out" 2>&1 || fail "create -f -: $(cat "$TEST_TMP/create.out")"
grep -q '^pod/heredoc created$' "$TEST_TMP/create.out" || fail "create output"
if heredoc >"$TEST_TMP/create2.out" 2>&1; then fail "second create succeeded"; fi
grep -q 'Error from server (AlreadyExists): error when creating "STDIN": pods "heredoc" already exists' \
	"$TEST_TMP/create2.out" || fail "409 text: $(cat "$TEST_TMP/create2.out")"
wait_for 60 sh -c "/usr/bin/kubectl --kubeconfig '$SIM_KUBECONFIG' get pod heredoc | grep -Eq 'heredoc +1/1 +Running'" ||
	fail "heredoc pod never Running"
pass "create -f - and 409 AlreadyExists"

kc delete pod heredoc >"$TEST_TMP/del.out" || fail "delete"
grep -q '^pod "heredoc" deleted$' "$TEST_TMP/del.out" || fail "delete output"
if kc get pod heredoc >/dev/null 2>&1; then fail "heredoc still exists"; fi
pass "delete"

kc explain pods >"$TEST_TMP/explain.out" || fail "explain pods"
grep -q '^KIND: *Pod$' "$TEST_TMP/explain.out" || fail "explain KIND"
grep -q 'Pod is a collection of containers that can run on a host' "$TEST_TMP/explain.out" ||
	fail "explain description"
grep -Eq '^  spec\s+<PodSpec>$' "$TEST_TMP/explain.out" || fail "explain spec field"
kc explain pods.spec.containers >"$TEST_TMP/explain2.out" || fail "explain containers"
grep -Eq '^FIELD: containers <\[\]Container>$' "$TEST_TMP/explain2.out" || fail "containers field"
grep -Eq '^  image\s+<string>$' "$TEST_TMP/explain2.out" || fail "image field"
pass "explain with the built-in schema"

OPENAPI="$KPOD_SHARED/fixtures/openapi/api-v1.json"
[ -f "$OPENAPI" ] || fail "missing $OPENAPI"
start_sim real --openapi "$OPENAPI"
rm -rf "$HOME/.kube/cache"
kc explain pods.spec.containers.livenessProbe >"$TEST_TMP/explain3.out" || fail "explain with the real schema"
grep -Eq '^  grpc\s+<GRPCAction>$' "$TEST_TMP/explain3.out" || fail "real schema fields: $(cat "$TEST_TMP/explain3.out")"
kc apply -f "$TEST_TMP/web.yaml" >"$TEST_TMP/apply3.out" 2>&1 || fail "apply with the real schema: $(cat "$TEST_TMP/apply3.out")"
pass "explain and apply with the real api/v1 document"
