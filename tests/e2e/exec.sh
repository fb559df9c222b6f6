# e2e: x on http-go asks for a command and streams its output into a new
# pane that ends with the exit code (echo hi -> "hi", "exit 0";
# sh -c 'exit 7' -> "exit 7"); s opens an interactive shell on the whole
# terminal (the dashboard is gone meanwhile), `echo hi` answers hi, and
# after `exit` the dashboard is back as it was; on a two-container pod x
# first asks which container (a picker); --readonly has neither x nor s.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

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

e2e_keys x
e2e_wait 30 'exec in http-go'
e2e_type "echo hi there"
e2e_wait 30 '(^|│)http-go: echo hi there'
e2e_wait 30 '(^|│)hi there *$'
e2e_wait 30 '(^|│)exit 0 *$'
pass "x runs echo and shows its output and exit 0"

e2e_keys q
e2e_wait_gone 30 '(^|│)http-go: echo hi there'
e2e_keys x
e2e_wait 30 'exec in http-go'
e2e_type "sh -c 'echo to stderr >&2; exit 7'"
e2e_wait 30 '(^|│)to stderr *$'
e2e_wait 30 '(^|│)exit 7 *$'
pass "x shows stderr and a non-zero exit code (exit 7)"
e2e_keys q
e2e_wait_gone 30 "(^|│)http-go: sh -c"

# NAME READY STATUS RESTARTS of the header and http-go (column widths
# follow other pods, AGE ticks)
rows() { e2e_capture | awk '/^(NAME|http-go) /{print $1, $2, $3, $4}'; }
before=$(rows)
e2e_keys s
e2e_wait_gone 30 '^http-go +1/1 +Running'
e2e_type "echo hi from the shell"
e2e_wait 30 '^hi from the shell'
pass "s opens a shell on the terminal; echo answers"
e2e_type "exit"
e2e_wait 30 '^http-go +1/1 +Running'
e2e_wait 30 'shell in http-go.* ended \(exit 0\)'
after=$(rows)
[ -n "$before" ] && [ "$before" = "$after" ] ||
	fail "dashboard differs after the shell: before=$before after=$after"
e2e_lacks 'hi from the shell' || fail "shell output left on the dashboard"
pass "exit brings the dashboard back as it was"

# a pod with two containers: x asks which one first (a picker)
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"duo"},
 "spec":{"containers":[{"name":"first","image":"busybox:1.36"},
  {"name":"second","image":"busybox:1.36"}]}}' \
	"$DEMO_URL/api/v1/namespaces/default/pods" || fail "cannot create duo"
e2e_wait 60 '^duo +2/2 +Running'
e2e_keys d
e2e_wait 30 ' Describe: default/'
for _ in $(seq 1 20); do
	cur=$(title)
	[ "$cur" = duo ] && break
	e2e_keys k
	moved() { [ "$(title)" != "$cur" ]; }
	wait_for 30 moved || fail "selection did not move from $cur"
done
[ "$(title)" = duo ] || fail "could not select duo"
e2e_keys Escape
e2e_wait_gone 30 ' Describe: default/'
e2e_keys x
e2e_wait 30 'exec in which container of duo\?'
e2e_wait 30 'second'
e2e_keys j Enter
e2e_wait 30 'exec in duo/second'
e2e_type "echo from the second"
e2e_wait 30 '(^|│)duo/second: echo from the second'
e2e_wait 30 '(^|│)from the second *$'
e2e_wait 30 '(^|│)exit 0 *$'
pass "x on a two-container pod asks which container and runs there"

e2e_keys C-c
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"

# --readonly: neither x nor s does anything
e2e_demo --readonly
e2e_wait 60 '^http-go +1/1 +Running'
e2e_keys x
e2e_keys s
e2e_wait 30 '^http-go +1/1 +Running'
e2e_lacks 'exec in' || fail "--readonly still offers exec"
e2e_keys C-c
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
pass "--readonly drops x and s"
