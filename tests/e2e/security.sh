# e2e: what kpod promises about secrets, mutations and the terminal.
#  1. --readonly has no path to a mutating request: every key of the
#     keymap, in the pod list and in each detail pane, each followed by
#     Enter and y (accept any prompt, confirm any dialog), and the sim's
#     request log shows only GETs, no upgrade (exec, port-forward); the
#     same keys without --readonly do reach the server (the check works).
#  2. Escape sequences in a pod's image and annotation (clear screen, OSC 52
#     clipboard) are shown made visible, never obeyed.
#  3. Secrets never reach the debug log: bearer token (UI session), basic
#     auth, exec-plugin token, client key over TLS (stunnel verifying the
#     client certificate); the log is created 0600.
#  4. insecure-skip-tls-verify is said in the status bar.
#  5. port-forward listens on 127.0.0.1 only by default.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

isolated_home
TOKEN="kpod-secret-token-$$-$RANDOM"
start_sim sec --scenario demo --token "$TOKEN" --log "$TEST_TMP/requests.log"
REQ="$TEST_TMP/requests.log"

# A pod whose image and annotation carry escape sequences: ESC[2J (clear
# the screen) and OSC 52 (set the clipboard to "evil").
EVIL='esc\u001b[2Jimg\u001b]52;c;ZXZpbA==\u0007end'
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"aaa-evil\",
\"annotations\":{\"kpod.test/evil\":\"$EVIL\"}},\"spec\":{\"containers\":
[{\"name\":\"c\",\"image\":\"$EVIL\"}]}}" \
	"$SIM_URL/api/v1/namespaces/default/pods" >/dev/null || fail "could not create the pod"

e2e_start 160 40
# With set-clipboard on, an OSC 52 that reached tmux would become a buffer.
e2e_tmux set-option -g set-clipboard on >/dev/null
e2e_run --readonly --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 60 '^aaa-evil '
e2e_wait 60 '^http-go +1/1 +Running'

# --- 2. escapes are shown, not obeyed ---------------------------------
# aaa-evil sorts first, so it is selected at start. Shown: each control
# character made visible (^[ or a replacement), the rest as text.
SHOWN='esc(\^\[|.)\[2Jimg(\^\[|.)\]52;c;ZXZpbA==(\^G|.)end'
no_raw_escapes() {
	local raw
	raw=$(e2e_tmux capture-pane -p -e -t e2e)
	! grep -q $'\e\\[2J\|\e\\]52' <<<"$raw"
}
e2e_keys d
e2e_wait 10 ' Describe: default/aaa-evil '
e2e_wait 10 "Image: +$SHOWN"
no_raw_escapes || fail "describe: a raw escape sequence reached the terminal"
e2e_keys a
e2e_wait 10 ' Annotations: default/aaa-evil '
e2e_wait 10 "kpod.test/evil: $SHOWN"
no_raw_escapes || fail "annotations: a raw escape sequence reached the terminal"
e2e_keys y
e2e_wait 10 "$SHOWN"
no_raw_escapes || fail "yaml: a raw escape sequence reached the terminal"
e2e_has '^NAME +READY +STATUS' || fail "the screen was cleared"
[ -z "$(e2e_tmux list-buffers 2>/dev/null)" ] ||
	fail "an OSC 52 reached tmux's clipboard: $(e2e_tmux list-buffers)"
pass "escape sequences in image, annotation and YAML are shown, not obeyed"
e2e_keys Escape Escape

# --- 1. --readonly sends nothing that mutates ---------------------------
# Every key bound in any context of the default keymap, as tmux key names.
KEYS=$(/usr/bin/python3 - "$KPOD_SOURCE_DIR/keymaps/default.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
names = {"enter": "Enter", "esc": "Escape", "tab": "Tab", "shift-tab": "BTab",
         "up": "Up", "down": "Down", "left": "Left", "right": "Right",
         "pgup": "PPage", "pgdn": "NPage", "home": "Home", "end": "End",
         "space": "Space", "backspace": "BSpace", "delete": "DC"}
keys = set()
for ctx, acts in (doc.get("bindings") or {}).items():
    for act, k in (acts or {}).items():
        for key in (k if isinstance(k, list) else [k]):
            if key is None:
                continue
            key = str(key)
            if key.startswith("ctrl-"):
                key = "C-" + key[5:]
            elif key.startswith("alt-"):
                key = "M-" + key[4:]
            keys.add(names.get(key, key))
# Quitting ends the session under test; esc/tab are pressed between panes.
for k in ("C-c", "q", "Escape", "Tab", "BTab"):
    keys.discard(k)
print(" ".join(sorted(keys)))
PY
) || fail "could not read the keymap"
[ "$(wc -w <<<"$KEYS")" -ge 30 ] || fail "too few keys from the keymap: $KEYS"

mark=$(wc -l <"$REQ")
# Esc alone: kpod tells a lone Esc from an Alt- prefix by a ~25 ms gap
# before the next byte, so a gap follows each (pacing the typing, not
# waiting for kpod).
esc() { e2e_keys Escape; sleep 0.1; }
press_everything() { # each key of $KEYS in the list and in each pane
	local open k
	for open in "" d E a y; do
		for k in $KEYS; do
			esc
			esc
			if [ -n "$open" ]; then
				e2e_keys "$open" Tab
			fi
			e2e_keys "$k"
			e2e_keys Enter
			e2e_tmux send-keys -t e2e -l y
		done
	done
	esc
	esc
	esc
}
press_everything
kill -0 "$KPOD_PID" 2>/dev/null || fail "kpod died under the key storm"
# The UI still answers keys: the list is back and describe opens.
e2e_wait 30 '^NAME +READY +STATUS'
e2e_keys d
e2e_wait 30 ' Describe: '
e2e_keys Escape
sent_after() { tail -n +"$((mark + 1))" "$REQ"; }
mutating=$(sent_after | grep -Ev '^GET ' || true)
[ -z "$mutating" ] || fail "--readonly sent mutating requests: $mutating"
upgrades=$(sent_after | grep -E 'upgrade=|/exec|/portforward|/attach' || true)
[ -z "$upgrades" ] || fail "--readonly opened streams: $upgrades"
# The storm really drove the UI: many actions ran, in several contexts.
actions=$(grep -c 'ui_dispatch: action ' "$KPOD_LOG" || true)
[ "$actions" -ge 500 ] || fail "only $actions actions ran during the key storm"
pass "--readonly: $(wc -w <<<"$KEYS") keys in 5 contexts, $actions actions, $(sent_after | wc -l) requests, all GET"

# --- 3a. the token of this session is not in the debug log ---------------
e2e_keys C-c
e2e_exit_status >/dev/null
grep -q 'server http://127.0.0.1' "$KPOD_LOG" || fail "the debug log is empty"
! grep -qF "$TOKEN" "$KPOD_LOG" || fail "the bearer token is in the debug log"
[ "$(stat -c %a "$KPOD_LOG")" = 600 ] || fail "debug log mode $(stat -c %a "$KPOD_LOG")"
pass "bearer token not in the debug log; the log is 0600"

# The check above can fail: without --readonly the same kind of keys do
# reach the server (ctrl-d, y deletes the selected pod).
mark=$(wc -l <"$REQ")
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 60 '^aaa-evil '
e2e_keys C-d
e2e_wait 10 'Delete pod default/aaa-evil\?'
e2e_tmux send-keys -t e2e -l y
deleted() { sent_after | grep -q '^DELETE /api/v1/namespaces/default/pods/aaa-evil'; }
wait_for 30 deleted ||
	fail "without --readonly, ctrl-d y sent no DELETE: $(sent_after | grep -v '^GET' || true)"
pass "without --readonly the same keys do send (DELETE seen)"

# Files kpod writes (a saved log, the command history) are its user's
# alone: 0600 in 0700 directories.
e2e_keys /
e2e_tmux send-keys -t e2e -l http-go
e2e_keys Enter
e2e_wait 30 '^http-go +1/1 +Running'
e2e_wait_gone 30 '^nginx '
e2e_keys l
e2e_wait 30 ' default/http-go \[focus\]'
e2e_wait 30 '(Listening on :8080|\] "GET /|[0-9] (GET|POST) /)'
e2e_keys C-s
e2e_wait 30 'saved [0-9]+ lines to /'
e2e_keys Tab
e2e_keys :
e2e_tmux send-keys -t e2e -l 'ns default'
e2e_keys Enter
e2e_keys C-c
e2e_exit_status >/dev/null
files=$(find "$TEST_TMP/home" -type f)
[ "$(wc -l <<<"$files")" -ge 2 ] || fail "expected a saved log and a history file, found: $files"
for f in $files; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is mode $(stat -c %a "$f")"
done
for d in $(find "$TEST_TMP/home" -mindepth 1 -type d); do
	[ "$(stat -c %a "$d")" = 700 ] || fail "directory $d is mode $(stat -c %a "$d")"
done
pass "files kpod wrote are 0600 in 0700 directories: $(echo $files | sed "s|$TEST_TMP/home/||g")"

# --- 3b. basic auth and an exec plugin ---------------------------------
secret_free() { # LOG WHAT SECRET...
	local log=$1 what=$2 s
	shift 2
	[ -s "$log" ] || fail "$what: no debug log"
	for s in "$@"; do
		! grep -qF -- "$s" "$log" || fail "$what: a secret is in the debug log: $s"
	done
	[ "$(stat -c %a "$log")" = 600 ] || fail "$what: log mode $(stat -c %a "$log")"
}
PASSWORD="pw-$RANDOM-$$-secret"
cat >"$TEST_TMP/basic.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "$SIM_URL"}}]
users: [{name: u, user: {username: admin, password: "$PASSWORD"}}]
contexts: [{name: c, context: {cluster: s, user: u, namespace: default}}]
current-context: c
KC
e2e_run --kubeconfig "$TEST_TMP/basic.kubeconfig"
e2e_wait 60 'Unauthorized'
e2e_keys C-c
e2e_exit_status >/dev/null
secret_free "$KPOD_LOG" "basic auth" "$PASSWORD" \
	"$(printf 'admin:%s' "$PASSWORD" | base64 -w0)"
pass "basic auth: password not in the debug log"

cat >"$TEST_TMP/plugin.sh" <<PLUGIN
#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "\$PLUGIN_TOKEN"
PLUGIN
chmod +x "$TEST_TMP/plugin.sh"
cat >"$TEST_TMP/exec.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "$SIM_URL"}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: $TEST_TMP/plugin.sh
      env: [{name: PLUGIN_TOKEN, value: "$TOKEN"}]
      interactiveMode: Never
contexts: [{name: c, context: {cluster: s, user: u, namespace: default}}]
current-context: c
KC
e2e_run --kubeconfig "$TEST_TMP/exec.kubeconfig"
e2e_wait 60 '^http-go +1/1 +Running'
e2e_keys C-c
e2e_exit_status >/dev/null
secret_free "$KPOD_LOG" "exec plugin" "$TOKEN"
pass "exec plugin token: authenticated, not in the debug log"

# --- 3c. client certificate and key over TLS; 4. insecure warning -------
start_sim tls --scenario demo
cd "$TEST_TMP"
printf 'subjectAltName=IP:127.0.0.1\n' >san.ext
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-days 2 -subj /CN=kpod-test-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
	-subj /CN=127.0.0.1 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out server.pem -days 2 -extfile san.ext 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
	-subj /CN=kpod-user 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out client.pem -days 2 2>/dev/null
[ -s client.pem ] && [ -s server.pem ] || fail "openssl made no certificates"
TLS_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >stunnel.conf <<CONF
foreground = yes
pid =
debug = 4
output = $TEST_TMP/stunnel.log
[api]
accept = 127.0.0.1:$TLS_PORT
connect = 127.0.0.1:$SIM_PORT
cert = $TEST_TMP/server.pem
key = $TEST_TMP/server.key
verify = 2
CAfile = $TEST_TMP/ca.pem
CONF
stunnel stunnel.conf &
TEST_PIDS+=("$!")
tls_up() { curl -s -o /dev/null --cacert ca.pem --cert client.pem --key client.key "https://127.0.0.1:$TLS_PORT/version"; }
wait_for 30 tls_up || fail "stunnel did not come up on $TLS_PORT"

tls_kubeconfig() { # FILE CLUSTER-EXTRA
	cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: tls
  cluster:
    server: https://127.0.0.1:$TLS_PORT
$2
users:
- name: u
  user:
    client-certificate-data: $(base64 -w0 client.pem)
    client-key-data: $(base64 -w0 client.key)
contexts:
- name: tls-ctx
  context: {cluster: tls, user: u, namespace: default}
current-context: tls-ctx
KC
}
tls_kubeconfig cert.kubeconfig "    certificate-authority-data: $(base64 -w0 ca.pem)"
e2e_run --kubeconfig "$TEST_TMP/cert.kubeconfig"
e2e_wait 60 '^http-go +1/1 +Running'
e2e_lacks 'TLS verification off' || fail "warning shown with verification on"
e2e_keys C-c
e2e_exit_status >/dev/null
# any line of the key's PEM body, and the -data value
keyline=$(sed -n 2p client.key)
secret_free "$KPOD_LOG" "client key" "$keyline" "$(base64 -w0 client.key | cut -c1-60)"
pass "client certificate over TLS: authenticated, key not in the debug log"

tls_kubeconfig insecure.kubeconfig "    insecure-skip-tls-verify: true"
e2e_run --kubeconfig "$TEST_TMP/insecure.kubeconfig"
e2e_wait 60 '^http-go +1/1 +Running'
e2e_wait 10 'TLS verification off'
e2e_keys C-c
e2e_exit_status >/dev/null
pass "insecure-skip-tls-verify is said in the status bar (and only then)"

# --- 5. forwards bind loopback ------------------------------------------
"$KPOD" --kubeconfig cert.kubeconfig port-forward http-go :8080 >pf.log 2>&1 &
TEST_PIDS+=("$!")
wait_for 30 grep -q '^Forwarding from 127.0.0.1:[0-9]* -> 8080$' pf.log ||
	fail "no Forwarding line: $(cat pf.log)"
port=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) -> 8080$/\1/p' pf.log)
out=$(curl -s --max-time 20 "http://127.0.0.1:$port/") || fail "curl through the forward"
[ "$out" = "Welcome! http-go" ] || fail "through the forward: $out"
! curl -s --max-time 5 -o /dev/null "http://127.0.0.2:$port/" ||
	fail "the forward answers on 127.0.0.2: it is not bound to 127.0.0.1 only"
listen=$(ss -Hltn "sport = :$port" | awk '{print $4}' | sort -u | tr '\n' ' ')
case "$listen" in
*0.0.0.0:* | *'*:'* | *'[::]:'*) fail "the forward listens on every address: $listen" ;;
esac
pass "port-forward listens on loopback only ($listen)"
