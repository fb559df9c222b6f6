# e2e: the pod pane shows what kubectl showed. kpod-sim serves the real
# pods of fixtures/real-pods verbatim (--load); kpod -A runs in a wide
# tmux window; for every case whose published `kubectl get` output has a
# row for that pod (unless source.txt says the row is from another moment,
# or two cases are the same pod), the pane's READY, STATUS and RESTARTS
# cells (and IP and NODE where published with -o wide) must equal
# kubectl's. AGE and the "(Xs ago)" of RESTARTS depend on "now" and are not
# compared.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

fx="$KPOD_SHARED/fixtures/real-pods"
[ -d "$fx" ] || fail "no fixtures at $fx"
files=$(ls "$fx"/case*/pod.yaml "$fx"/case*/pod.json 2>/dev/null)
[ -n "$files" ] || fail "no pod files in $fx"
# shellcheck disable=SC2086
start_sim rp --load $files
e2e_start 200 45
e2e_run --kubeconfig "$SIM_KUBECONFIG" -A
e2e_wait 30 '\| [0-9]+ pods \| live'
e2e_wait 10 '^default +pod +1/1 +Running'
e2e_capture >"$TEST_TMP/screen.txt"

/usr/bin/python3 - "$fx" "$TEST_TMP/screen.txt" <<'PY' || fail "pane differs from kubectl"
import json, os, re, sys
import yaml

fx, screen = sys.argv[1], sys.argv[2]
split = lambda line: re.split(r"\s{2,}", line.strip())
lines = open(screen, encoding="utf-8").read().splitlines()
head = split(lines[0])
assert head[:4] == ["NAMESPACE", "NAME", "READY", "STATUS"], head
pane = {}
for line in lines[1:]:
    cells = split(line)
    if len(cells) == len(head):
        pane[(cells[0], cells[1])] = dict(zip(head, cells))

def restarts(v):  # "3 (427d ago)" -> "3"
    return v.split(" ", 1)[0]

def load(d):
    for name in ("pod.yaml", "pod.json"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return yaml.safe_load(open(p, encoding="utf-8"))
    return None

def key(obj):
    return (obj["metadata"].get("namespace", "default"), obj["metadata"]["name"])

# Some cases are the same pod at different moments (same namespace and
# name): the sim keeps one of them, so those are ambiguous and skipped.
cases = [c for c in sorted(os.listdir(fx)) if load(os.path.join(fx, c))]
keys = [key(load(os.path.join(fx, c))) for c in cases]
checked = 0
bad = []
for case in cases:
    d = os.path.join(fx, case)
    get = os.path.join(d, "expected-get.txt")
    obj = load(d)
    if not os.path.exists(get) or keys.count(key(obj)) > 1:
        continue
    # source.txt says when the published row is from another moment.
    src = open(os.path.join(d, "source.txt"), encoding="utf-8").read()
    usable = re.search(r"Exact-match usable:([^\n]*)", src)
    if usable and re.search(r"usable: no\b|get no\b", usable.group(0)):
        continue
    ns, name = key(obj)
    rows = open(get, encoding="utf-8").read().splitlines()
    ghead = split(rows[0])
    want = None
    for r in rows[1:]:
        cells = dict(zip(ghead, split(r)))
        if cells.get("NAME") == name and cells.get("NAMESPACE", ns) == ns:
            want = cells
    if want is None:
        continue
    got = pane.get((ns, name))
    if got is None:
        bad.append(f"{case}: {ns}/{name} not on screen")
        continue
    for col in ("READY", "STATUS", "RESTARTS", "IP", "NODE"):
        if col not in want:
            continue
        w, g = want[col], got.get(col)
        if col == "RESTARTS":
            w, g = restarts(w), restarts(g or "")
        if w != g:
            bad.append(f"{case}: {col} kubectl {w!r} pane {g!r}")
    checked += 1
print(f"checked {checked} pods against kubectl's rows")
for b in bad:
    print("MISMATCH", b)
# Most cases publish a row for their own pod; demand that most got checked.
sys.exit(1 if bad or checked < 8 else 0)
PY
pass "pane rows equal kubectl's published rows"
e2e_keys q
[ "$(e2e_exit_status)" = 0 ] || fail "kpod exit status not 0"
