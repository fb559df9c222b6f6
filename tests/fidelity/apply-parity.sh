#!/bin/bash
# `kpod create -f`, `kpod apply -f` and `kpod delete -f` print what
# `kubectl create -f`, `kubectl apply --server-side -f` and `kubectl delete
# --wait=false -f` print (stdout, stderr, exit status) for the same
# multi-document file against the same kpod-sim: first run, repeated
# create (the server's AlreadyExists per document), apply, delete. Each
# step is run by kubectl on one set of names and by kpod on another, so
# both meet the same server state.
source "$TESTLIB"
isolated_home
start_sim apply --openapi "$KPOD_SHARED/fixtures/openapi/api-v1.json"

# PREFIX: a two-pod file, the second in namespace other
pods() {
	cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $1-one
spec:
  containers:
  - name: c
    image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: $1-two
  namespace: other
  labels:
    app: two
spec:
  containers:
  - name: c
    image: registry.k8s.io/pause:3.9
YAML
}
pods kc >"$TEST_TMP/kc.yaml"
pods kp >"$TEST_TMP/kp.yaml"
cd "$TEST_TMP"

# STEP KUBECTL-ARGS -- KPOD-ARGS: run both, compare with kc->kp renamed
step() {
	local kargs=() pargs=() rk=0 rp=0
	while [ "$1" != -- ]; do kargs+=("$1"); shift; done
	shift
	pargs=("$@")
	kc "${kargs[@]}" -f "${KC_FILE:-kc.yaml}" >kc.out 2>kc.err || rk=$?
	"$KPOD" --kubeconfig "$SIM_KUBECONFIG" "${pargs[@]}" -f "${KP_FILE:-kp.yaml}" >kp.out 2>kp.err || rp=$?
	sed -i 's/kc-/kp-/g; s/kc\([a-z]*\)\.yaml/kp\1.yaml/g' kc.out kc.err
	[ "$rk" = "$rp" ] || fail "${pargs[*]}: kubectl exit $rk, kpod exit $rp: $(cat kp.err)"
	cmp -s kc.out kp.out || { diff -u kc.out kp.out; fail "${pargs[*]}: stdout differs"; }
	cmp -s kc.err kp.err || { diff -u kc.err kp.err; fail "${pargs[*]}: stderr differs"; }
	pass "${pargs[*]}: $(head -c 60 kp.out kp.err | tr '\n' ' ')"
}

step create -- create
grep -q '^pod/kp-two created$' kp.out || fail "no created line"
kc get pod -n other kp-two >/dev/null || fail "kpod create did not create kp-two in other"
step create -- create
grep -q 'AlreadyExists' kp.err || fail "repeated create did not fail"
step apply --server-side -- apply
kc get pod kp-one >/dev/null || fail "kp-one is gone"
step delete --wait=false -- delete

# Other kinds go through discovery: a Namespace (cluster-scoped) is
# created and printed as namespace/NAME; a kind the server does not know
# gets kubectl's mapping error and the rest of the file still goes.
# PREFIX: a namespace, an unknown kind, a pod in the namespace
kinds() {
	cat <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $1-ns
---
apiVersion: v1
kind: Foo
metadata:
  name: $1-foo
---
apiVersion: v1
kind: Pod
metadata:
  name: $1-pod
  namespace: $1-ns
spec:
  containers:
  - name: c
    image: busybox
YAML
}
kinds kc >kckinds.yaml
kinds kp >kpkinds.yaml
# (--validate=false: kubectl would first fetch an OpenAPI schema for Foo,
# which kpod-sim does not serve; kpod leaves validation to the server)
KC_FILE=kckinds.yaml KP_FILE=kpkinds.yaml step create --validate=false -- create
grep -q '^namespace/kp-ns created$' kp.out || fail "no namespace created line"
grep -q 'no matches for kind "Foo" in version "v1"' kp.err || fail "unknown kind not reported"
kc get pod -n kp-ns kp-pod >/dev/null || fail "kpod create did not create kp-pod in kp-ns"
