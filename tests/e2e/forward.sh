# e2e: F on http-go opens the port-forward dialog (container port from the
# spec, local port, bind address); curl through the local port gets
# "Welcome! http-go"; :pf lists the forward with kubectl's messages
# ("Handling connection for ..."); the same local port again is refused
# with a clear message and changes nothing; d in the pane stops it and
# the port closes; kpod quits cleanly.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

e2e_start 160 40
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'

# select http-go: the describe pane's title says which pod is selected
e2e_keys d
title() { e2e_capture | sed -n 's/.* Describe: default\/\([a-z0-9.-]*\) .*/\1/p' | head -n1; }
e2e_wait 30 ' Describe: default/'
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = http-go ] && break
	e2e_keys j
	moved() { [ "$(title)" != "$cur" ]; }
	wait_for 30 moved || fail "selection did not move from $cur"
done
[ "$(title)" = http-go ] || fail "could not select http-go"
e2e_keys Escape
e2e_wait_gone 5 ' Describe: default/'

# forward_dialog PORT: F, pick the spec's container port, type the local port,
# accept 127.0.0.1 (and do not follow, if asked).
forward_dialog() {
	e2e_keys F
	e2e_wait 30 'forward http-go: container port'
	e2e_wait 30 '8080.*\(container http-go\)'
	e2e_keys Enter
	e2e_wait 30 'local port \(0 = any free\)'
	e2e_keys BSpace BSpace BSpace BSpace BSpace
	e2e_tmux send-keys -t e2e -l "$1"
	e2e_keys Enter
	e2e_wait 30 'bind address'
	e2e_has 'bind address.*127\.0\.0\.1' || fail "bind address default is not 127.0.0.1"
	e2e_keys Enter
	if e2e_has 'follow the workload'; then e2e_keys Enter; fi
}

LPORT=$(free_port)
forward_dialog "$LPORT"
e2e_wait 30 "Forwarding from 127\.0\.0\.1:$LPORT -> 8080"
body=$(curl -s --max-time 30 "http://127.0.0.1:$LPORT/") || fail "curl through the forward failed"
grep -q 'Welcome! http-go' <<<"$body" || fail "curl got: $body"
pass "the dialog forwards $LPORT -> 8080 and curl gets Welcome! http-go"

e2e_type ":pf"
e2e_wait 30 "^http-go +$LPORT -> 8080 +127\.0\.0\.1 +listening +1 "
e2e_wait 30 "Forwarding from 127\.0\.0\.1:$LPORT -> 8080"
e2e_wait 30 "Handling connection for $LPORT"
pass ":pf lists the forward with its state, connections and messages"

# the same local port again: a clear refusal, nothing else changes
e2e_keys Tab
forward_dialog "$LPORT"
e2e_wait 30 "unable to listen on port $LPORT.*address already in use"
n=$(e2e_capture | grep -cE "^http-go +$LPORT -> 8080")
[ "$n" = 1 ] || fail "$n forwards listed after the refused one"
curl -s --max-time 30 "http://127.0.0.1:$LPORT/" | grep -q 'Welcome! http-go' ||
	fail "the forward broke after the refused one"
pass "a local port in use is refused clearly and changes nothing"

# stop it from the pane: the port closes
e2e_type ":pf"
e2e_wait 30 "^http-go +$LPORT -> 8080"
e2e_keys d
e2e_wait 30 "stopped forwarding 127\.0\.0\.1:$LPORT -> 8080"
e2e_wait 30 "no port-forwards"
closed() { ! curl -s --max-time 5 "http://127.0.0.1:$LPORT/" >/dev/null; }
wait_for 30 closed || fail "port $LPORT still answers after stop"
pass "d in the forwards pane stops the forward and closes the port"

# one more left running: quitting closes it and the loop
LPORT2=$(free_port)
e2e_keys Escape
forward_dialog "$LPORT2"
e2e_wait 30 "Forwarding from 127\.0\.0\.1:$LPORT2 -> 8080"
e2e_keys C-c
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
closed2() { ! curl -s --max-time 5 "http://127.0.0.1:$LPORT2/" >/dev/null; }
wait_for 30 closed2 || fail "port $LPORT2 still open after quit"
pass "quit stops the forwards and closes cleanly"
