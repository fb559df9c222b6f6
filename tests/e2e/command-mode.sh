# e2e: the : command line against kpod-sim serving the real core/v1
# OpenAPI document. Tab completes command names, file names after -f,
# explain paths, contexts and namespaces; :apply -f creates the pod (it appears in the list and the
# status bar says so as kubectl would); a malformed YAML names FILE:LINE
# and sends nothing; :explain opens the field tree, Enter expands and
# collapses, the description follows the cursor; history recalls a line
# with Up, also after a restart, from a 0600 file; :theme and :keymap
# switch live and name what they cannot find, a broken theme by FILE:LINE.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"
isolated_home
start_sim cmd --openapi "$KPOD_SHARED/fixtures/openapi/api-v1.json"

mkdir -p "$TEST_TMP/work" "$TEST_TMP/xdg/kpod/themes"
# a user theme with a bad colour on line 4: named as FILE:LINE, the rest
# applies
cat >"$TEST_TMP/xdg/kpod/themes/broken.yaml" <<'YAML'
name: broken
styles:
  table.header: {fg: 24, attrs: bold}
  pod.status.running: {fg: nosuchcolour}
YAML
cat >"$TEST_TMP/work/http-go.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: http-go
  labels:
    app: http-go
spec:
  containers:
  - name: http-go
    image: gasbugs/http-go
    ports:
    - containerPort: 8080
YAML
cat >"$TEST_TMP/work/broken.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: never-sent
---
apiVersion: v1
kind: Pod
metadata:
  name: [oops
YAML

e2e_start 120 40
# no .bash_history written into HOME while the cleanup removes it
e2e_type "unset HISTFILE; export XDG_CONFIG_HOME=$TEST_TMP/xdg; cd $TEST_TMP/work"
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 30 'No pods in this namespace'

# command name completion, then file completion after -f
e2e_keys :
e2e_wait 5 '^:_'
e2e_keys -l -- 'app'
e2e_keys Tab
e2e_wait 5 '^:apply _'
e2e_keys -l -- '-f ht'
e2e_keys Tab
e2e_wait 5 '^:apply -f http-go\.yaml _'
e2e_keys Enter
e2e_wait 20 'pod/http-go serverside-applied'
e2e_wait 30 '^http-go +[0-9]/1 '
kc get pod http-go >/dev/null || fail "kubectl does not see http-go"
pass ":apply -f (completed with Tab) created the pod"

# a broken second document: file:line in the status bar, nothing sent
e2e_keys :
e2e_keys -l -- 'create -f broken.yaml'
e2e_keys Enter
e2e_wait 10 ':create: nothing sent: broken\.yaml:[0-9]+:[0-9]+: '
if kc get pod never-sent >/dev/null 2>&1; then fail "a document of a broken file was sent"; fi
pass "malformed YAML: file:line shown, nothing sent"

# explain: complete the path piece by piece, open the tree
e2e_keys :
e2e_keys -l -- 'expl'
e2e_keys Tab
e2e_wait 5 '^:explain _'
e2e_keys -l -- 'pods.sp'
e2e_keys Tab
e2e_wait 10 '^:explain pods\.spec'
e2e_keys -l -- '.contai'
e2e_keys Tab
e2e_wait 5 '^:explain pods\.spec\.containers_'
e2e_keys Enter
e2e_wait 10 ' Explain pods\.spec\.containers '
e2e_wait 10 '^ +  args <\[\]string>'
e2e_wait 10 '^ +\+ livenessProbe <Probe>'
e2e_wait 10 '^ +  name <string> -required-'
e2e_wait 10 '^FIELD: pods\.spec\.containers\.args <\[\]string>'
# the description follows the cursor: down to livenessProbe
field() { e2e_capture | sed -n 's/^FIELD: \([^ ]*\) .*/\1/p' | head -n1; }
field_is_not() { [ "$(field)" != "$1" ]; }
for _ in $(seq 1 20); do
	cur=$(field)
	[ "$cur" = pods.spec.containers.livenessProbe ] && break
	e2e_keys j
	wait_for 10 field_is_not "$cur" || fail "the description stayed at $cur after j"
done
e2e_wait 5 '^FIELD: pods\.spec\.containers\.livenessProbe <Probe>'
e2e_wait 5 'Periodic probe of container liveness'
e2e_keys Enter
e2e_wait 10 '^ +- livenessProbe <Probe>'
e2e_wait 10 '^ +\+ exec <ExecAction>'
e2e_wait 10 '^ +  failureThreshold <integer>'
e2e_keys Enter
e2e_wait_gone 10 'failureThreshold <integer>'
e2e_wait 5 '^ +\+ livenessProbe <Probe>'
pass ":explain tree: expand, collapse, description at the cursor"
e2e_keys q
e2e_wait_gone 10 ' Explain pods'

# history: Up recalls the last line
e2e_keys :
e2e_wait 5 '^:_'
e2e_keys Up
e2e_wait 5 '^:explain pods\.spec\.containers_'
e2e_keys Up
e2e_wait 5 '^:create -f broken\.yaml_'
e2e_keys Down
e2e_wait 5 '^:explain pods\.spec\.containers_'
e2e_keys Escape
e2e_wait_gone 5 '^:explain'

# contexts and namespaces complete from the session
e2e_keys :
e2e_keys -l -- 'ctx kp'
e2e_keys Tab
e2e_wait 5 '^:ctx kpod-sim _'
e2e_keys C-u
e2e_keys -l -- 'ns defa'
e2e_keys Tab
e2e_wait 5 '^:ns default _'
e2e_keys Escape
e2e_wait_gone 5 '^:ns'
pass ":ctx and :ns complete"

# theme and keymap, live
e2e_keys :
e2e_keys -l -- 'theme light'
e2e_keys Enter
e2e_wait 5 'theme light'
e2e_keys :
e2e_keys -l -- 'theme no-such-theme'
e2e_keys Enter
e2e_wait 5 'theme no-such-theme: not found'
e2e_keys :
e2e_keys -l -- 'theme broken'
e2e_keys Enter
e2e_wait 5 'theme broken: .*broken\.yaml:4: '
# completion lists the user's theme with the shipped ones
e2e_keys :
e2e_keys -l -- 'theme bro'
e2e_keys Tab
e2e_wait 5 '^:theme broken _'
e2e_keys Escape
e2e_keys :
e2e_keys -l -- 'keymap vim'
e2e_keys Enter
e2e_wait 5 'keymap vim'
pass ":theme and :keymap"

e2e_keys C-c
wait_for 20 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not quit"
hist="$HOME/.local/state/kpod/history"
[ -f "$hist" ] || fail "no history file at $hist"
[ "$(stat -c %a "$hist")" = 600 ] || fail "history mode $(stat -c %a "$hist")"
grep -qx 'apply -f http-go.yaml' "$hist" || fail "history lacks the apply line: $(cat "$hist")"

# kept across runs
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 30 '^http-go '
e2e_keys :
e2e_wait 5 '^:_'
e2e_keys Up
e2e_wait 5 '^:keymap vim_'
e2e_keys Escape
pass "history kept across runs in a 0600 file"
e2e_keys C-c
wait_for 20 test -s "$TEST_TMP/kpod.exit" || fail "kpod did not quit"
