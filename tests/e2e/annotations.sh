# e2e: the annotations pane (a). Add (a: key, then value) with a Korean
# value, see it in the pane, in describe and on the server; edit (e: the
# input line is pre-filled with the current value); remove (ctrl-d, confirmed);
# a key the API would reject is refused before sending with the API's
# message and nothing changes on the server; one the server rejects (the
# simulator's admission webhook) shows the server's message, changes nothing.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

e2e_start 140 30
e2e_demo
e2e_wait 60 '^http-go +1/1 +Running'
ann() { curl -sf "$DEMO_URL/api/v1/namespaces/default/pods/http-go" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["metadata"].get("annotations",{}), ensure_ascii=False, sort_keys=True))'; }
before=$(ann)

e2e_keys d
title() { e2e_capture | sed -n 's/.* \(Describe\|Annotations\): default\/\([a-z0-9.-]*\) .*/\2/p' | head -n1; }
e2e_wait 10 ' Describe: default/'
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = http-go ] && break
	e2e_keys j
	moved() { [ "$(title)" != "$cur" ]; }
	wait_for 10 moved || fail "selection did not move from $cur"
done
[ "$(title)" = http-go ] || fail "could not select http-go"

e2e_keys a
e2e_wait 10 ' Annotations: default/http-go '

# (the keys are keymaps/default.yaml's: a adds, e edits, ctrl-d removes)
# a key the API rejects: refused locally with the API's words
e2e_keys a
e2e_wait 5 'New annotation key: _'
e2e_tmux send-keys -t e2e -l 'bad key!'
e2e_keys Enter
e2e_wait 10 'not sent: metadata.annotations: Invalid value: "bad key!": name part must con'
grep -q "not sent: metadata.annotations: Invalid value: \"bad key!\": name part must consist of alphanumeric characters" "$KPOD_LOG" ||
	fail "the whole message is not in the log"
[ "$(ann)" = "$before" ] || fail "annotations changed after a refused key: $(ann)"
pass "an invalid key is refused before sending, with the API's message"

# add, with a UTF-8 (Korean) value
e2e_keys a
e2e_wait 5 'New annotation key: _'
e2e_tmux send-keys -t e2e -l 'example.com/owner'
e2e_keys Enter
e2e_wait 5 'example.com/owner= _'
e2e_tmux send-keys -t e2e -l '팀 한국어'
e2e_keys Enter
e2e_wait 10 'pod/http-go annotated'
e2e_wait 10 '^example.com/owner: 팀 한국어$'
ann | grep -q '"example.com/owner": "팀 한국어"' || fail "not on the server: $(ann)"
pass "added an annotation with a Korean value"

# edit: pre-filled with the current value
for _ in $(seq 1 10); do
	e2e_keys e
	if wait_for 5 e2e_has 'example.com/owner= 팀 한국어_'; then break; fi
	e2e_keys Escape j
done
e2e_wait 5 'example.com/owner= 팀 한국어_'
e2e_keys C-u
e2e_tmux send-keys -t e2e -l 'v2'
e2e_keys Enter
e2e_wait 10 '^example.com/owner: v2$'
ann | grep -q '"example.com/owner": "v2"' || fail "edit not on the server: $(ann)"
e2e_keys Tab # the focus back to the list, where d describes
e2e_wait_gone 5 '\[focus\]'
e2e_keys d
e2e_wait 10 '^Annotations: +example.com/owner: v2$'
pass "edited (pre-filled) and seen in describe"

# remove, confirmed
e2e_keys a
e2e_wait 10 ' Annotations: default/http-go '
e2e_wait 10 '^example.com/owner: v2$'
for _ in $(seq 1 10); do
	e2e_keys C-d
	if wait_for 5 e2e_has 'Remove annotation example.com/owner\?'; then break; fi
	e2e_keys n j
done
e2e_keys n
e2e_wait 5 'remove cancelled'
ann | grep -q '"example.com/owner"' || fail "removed after n"
e2e_keys C-d
e2e_wait 5 'Remove annotation example.com/owner\?'
e2e_keys y
e2e_wait_gone 10 '^example.com/owner: '
[ "$(ann)" = "$before" ] || fail "not removed on the server: $(ann)"
pass "removed after confirming"

# the server rejects what the client accepts: kpod-sim's scripted admission
# webhook (kpod-sim/deny-annotation-prefix) denies example.com/ keys; the
# server's message shows and nothing changes
curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
	-d '{"metadata":{"annotations":{"kpod-sim/deny-annotation-prefix":"example.com/"}}}' \
	"$DEMO_URL/api/v1/namespaces/default/pods/http-go" >/dev/null || fail "could not set the deny rule"
e2e_wait 10 '^kpod-sim/deny-annotation-prefix: example.com/$'
denied_before=$(ann)
for _ in $(seq 1 10); do
	e2e_keys a
	if wait_for 5 e2e_has 'New annotation key: _'; then break; fi
done
e2e_wait 5 'New annotation key: _'
e2e_tmux send-keys -t e2e -l 'example.com/x'
e2e_keys Enter
e2e_wait 5 'example.com/x= _'
e2e_tmux send-keys -t e2e -l 'y'
e2e_keys Enter
e2e_wait 10 'Error from server: admission webhook "deny.kpod-sim.dev" denied the request:'
grep -q 'admission webhook "deny.kpod-sim.dev" denied the request: annotation example.com/x is not allowed' "$KPOD_LOG" ||
	fail "the server's whole message is not in the log"
if e2e_has '^example.com/x: '; then fail "the denied annotation shows in the pane"; fi
[ "$(ann)" = "$denied_before" ] || fail "annotations changed after the server denied: $(ann)"
pass "a server-rejected annotation shows the server's message and changes nothing"

e2e_keys Escape q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
