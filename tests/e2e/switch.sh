# e2e: switching context and namespace live. One kubeconfig names three
# kpod-sims: "alpha" and "beta" with different pods, "locked" wanting a
# token the kubeconfig lacks, plus "no-plugin" whose exec credential
# plugin is not installed. N picks a context (the list follows, the
# status bar names it), n a namespace (only its pods), :ns -A all of them;
# a broken context shows its reason in the status bar and switching back
# works; an unknown :ctx is refused and the current one stays.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"
isolated_home

start_sim alpha
A_URL=$SIM_URL A_PID=$SIM_PID
start_sim beta
B_URL=$SIM_URL
start_sim locked --token the-token
L_URL=$SIM_URL

api() { # api URL PATH JSON
	curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
		--data "$3" "$1$2" || fail "POST $1$2 failed"
}
pod() { # pod NAME
	echo "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$1\"},
\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}"
}
api "$A_URL" /api/v1/namespaces/default/pods "$(pod alpha-web)"
api "$B_URL" /api/v1/namespaces/default/pods "$(pod beta-db)"
api "$B_URL" /api/v1/namespaces \
	'{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-b"}}'
api "$B_URL" /api/v1/namespaces/team-b/pods "$(pod beta-team)"

KC="$TEST_TMP/switch.kubeconfig"
cat >"$KC" <<CFG
apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: cluster-a
  cluster: {server: "$A_URL"}
- name: cluster-b
  cluster: {server: "$B_URL"}
- name: cluster-l
  cluster: {server: "$L_URL"}
users:
- name: alice
  user: {}
- name: bob
  user: {}
- name: mallory
  user: {token: not-the-token}
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kpod-test-no-such-login
      interactiveMode: Never
      installHint: "install kpod-test-no-such-login from example.com"
contexts:
- name: alpha
  context: {cluster: cluster-a, user: alice}
- name: beta
  context: {cluster: cluster-b, user: bob}
- name: locked
  context: {cluster: cluster-l, user: mallory}
- name: no-plugin
  context: {cluster: cluster-a, user: sso}
CFG

# The config makes beta read-only (delete and the other mutations go).
mkdir -p "$TEST_TMP/home/.config/kpod"
printf 'contexts:\n  beta:\n    readonly: true\n' \
	>"$TEST_TMP/home/.config/kpod/config.yaml"

e2e_start 200 30
# (bash would write its history into HOME while the cleanup removes it)
e2e_type "unset HISTFILE"
e2e_run --kubeconfig "$KC"
e2e_wait 30 '^alpha-web '
e2e_wait 10 ' alpha \(cluster cluster-a, user alice\) \| default \| 1 pod \| live'
pass "starts in the current context, named in the status bar"

# N: the contexts, sorted, the current one marked; j moves, Enter picks.
e2e_keys N
e2e_wait 10 'Context +\(4\)'
e2e_wait 5 '^\* alpha'
e2e_has '^  beta' || fail "beta not listed"
e2e_keys j Enter
e2e_wait 30 '^beta-db '
e2e_lacks '^alpha-web ' || fail "alpha's pod still shown in beta"
e2e_wait 10 ' beta \(cluster cluster-b, user bob\) \| default \| 1 pod \| read-only \| live'
pass "N picks another context: its pods and its name"
# beta is read-only: ctrl-d asks nothing. A modal delete dialog would
# take the next key, so k reaching the pod list proves there is none.
ups=$(grep -c 'action cursor.up' "$KPOD_LOG" || true)
e2e_keys C-d k
wait_for 10 bash -c "[ \$(grep -c 'action cursor.up' '$KPOD_LOG') -gt $ups ]" ||
	fail "k after ctrl-d did not reach the list (a dialog took it?)"
! grep -q 'action pod.delete' "$KPOD_LOG" || fail "delete ran in a read-only context"
e2e_lacks 'Delete pod' || fail "delete offered in a read-only context"
pass "a context the config makes read-only has no delete"

# The other cluster changes: the list follows the new one only.
api "$B_URL" /api/v1/namespaces/default/pods "$(pod beta-new)"
api "$A_URL" /api/v1/namespaces/default/pods "$(pod alpha-new)"
e2e_wait 30 '^beta-new '
e2e_lacks '^alpha-new ' || fail "alpha's new pod shown in beta"
pass "watching the new context only"

# n: the cluster's namespaces; typing narrows, Enter picks.
e2e_keys n
e2e_wait 10 'Namespace +\('
e2e_wait 10 '^  all namespaces'
e2e_wait 10 '^\* default'
e2e_has '^  team-b' || fail "team-b not in the namespace picker"
e2e_keys t e a m
e2e_wait 5 '/team_'
e2e_lacks '^  kube-system' || fail "the filter did not narrow"
e2e_keys Enter
e2e_wait 30 '^beta-team '
e2e_lacks '^beta-db ' || fail "default's pod shown in team-b"
e2e_wait 10 ' beta \(cluster cluster-b, user bob\) \| team-b \| 1 pod'
pass "n picks a namespace: only its pods"

e2e_type ":ns -A"
e2e_wait 30 '^NAMESPACE +NAME'
e2e_wait 30 '^team-b +beta-team '
e2e_wait 30 '^default +beta-db '
e2e_wait 10 '\| all namespaces \| 3 pods'
pass ":ns -A shows every namespace with a NAMESPACE column"

# Esc cancels a picker: nothing changes.
e2e_keys N
e2e_wait 10 'Context +\(4\)'
e2e_keys Escape
e2e_wait_gone 10 'Context +\(4\)'
e2e_has '\| all namespaces \| 3 pods' || fail "Esc changed something"

# A context with a wrong token: the server's 401 in the status bar.
e2e_keys N
e2e_wait 10 '^\* beta'
e2e_keys l o c k Enter
e2e_wait 30 ' locked \(cluster cluster-l, user mallory\) \| default \| 0 pods'
e2e_wait 30 'Unauthorized'
pass "a wrong token shows Unauthorized in the status bar"

# A missing exec plugin: its installHint.
e2e_type ":ctx no-plugin"
# (the reason is long: the bar keeps it and drops cluster and user)
e2e_wait 30 ' no-plugin \| default \| 0 pods \| '
e2e_wait 30 'install kpod-test-no-such-login from example.com'
pass "a missing exec plugin shows its installHint"

# And back: alpha's pods (including the one made meanwhile).
e2e_type ":ctx alpha"
e2e_wait 30 '^alpha-new '
e2e_wait 10 '^alpha-web '
e2e_wait 10 ' alpha \(cluster cluster-a, user alice\) \| default \| 2 pods \| live'
pass "switching back from a broken context works"
# alpha is not read-only: ctrl-d asks again; n cancels.
e2e_keys C-d
e2e_wait 10 'Delete pod default/alpha-'
e2e_keys n
e2e_wait 10 'delete cancelled'
pass "back in a writable context, delete is there again"

e2e_type ":ctx nope"
e2e_wait 10 'context "nope" does not exist'
e2e_has ' alpha \(cluster cluster-a' || fail "a refused switch left alpha"
e2e_has '^alpha-web ' || fail "a refused switch emptied the list"
pass "an unknown context is refused, the current one stays"

# The switch tore the old watches down: kpod still quits cleanly.
kill -0 "$A_PID" || fail "sim alpha died"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
pass "quit after switching: exit 0, every handle closed"
