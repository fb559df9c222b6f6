# e2e: UTF-8 in the pod list. kpod-sim serves (verbatim, --load) pods whose
# names and statuses hold Korean (two cells a character), an accented name
# and a control character. The columns after them must line up in display
# cells, a cut must not split a character, and the control character must
# not reach the terminal.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

pod() { # name status
	printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s",' "$1"
	printf '"namespace":"default","uid":"uid-%s",' "$RANDOM$RANDOM"
	printf '"creationTimestamp":"2024-01-01T00:00:00Z"},'
	printf '"spec":{"nodeName":"node-1","containers":[{"name":"c"}]},'
	printf '"status":{"phase":"Running","podIP":"10.0.0.1",'
	printf '"containerStatuses":[{"name":"c","ready":true,"restartCount":0,'
	printf '"state":{"waiting":{"reason":"%s"}}}]}}\n' "$2"
}
{
	echo '{"apiVersion":"v1","kind":"List","items":['
	pod "alpha" "Running"
	echo ','
	pod "파드-한국어" "대기중"
	echo ','
	pod "café-ünïcode" "Running"
	echo ','
	pod "zz-ctl" $'Bad\\u001b[2JStatus'
	echo ']}'
} >"$TEST_TMP/pods.json"
start_sim wide --load "$TEST_TMP/pods.json"

e2e_start 120 20
e2e_run --kubeconfig "$SIM_KUBECONFIG"
e2e_wait 30 '^파드-한국어 '
e2e_wait 10 '^café-ünïcode '
e2e_capture >"$TEST_TMP/wide.txt"

check() { # width of the window, file
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sys, unicodedata
width, path = int(sys.argv[1]), sys.argv[2]
def cells(s):
    n = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return n
lines = [l for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
head = lines[0]
col = cells(head[: head.index("READY")])
rows = [l for l in lines[1:-1] if l.split()]
assert len(rows) == 4, rows
for l in rows:
    assert cells(l) <= width, (l, cells(l))
    assert "\x1b" not in l, repr(l)
    # READY ("1/1" or "0/1") starts at the header's READY column, in cells.
    at = next(i for i in range(len(l)) if l[i:i + 2] in ("1/", "0/"))
    assert cells(l[:at]) == col, (l, cells(l[:at]), col)
print("aligned:", [l.split()[0] for l in rows])
PY
}
check 120 "$TEST_TMP/wide.txt" || fail "columns not aligned at 120"
pass "wide characters keep the columns aligned"
e2e_has 'Bad\?\[2JStatus' || fail "control character not replaced by ?"
pass "a control character shows as ?"

# Narrow: NAME is cut; the cut ends in "…" and never in half a character.
e2e_tmux resize-window -t e2e -x 30 -y 10
e2e_wait 10 '^파드[^ ]*… '
e2e_capture >"$TEST_TMP/narrow.txt"
check 30 "$TEST_TMP/narrow.txt" || fail "columns not aligned at 30"
pass "cut wide names stay aligned at 30 columns"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
