#!/usr/bin/env bash
# Benchmark 6: port-forward throughput. kpod-sim backs the container port
# of an echo pod with a real loopback TCP server; a client pushes MB
# megabytes through it and reads them back (both directions at once),
# once directly to the backend and once through `kpod port-forward`
# (WebSocket v4.channel.k8s.io via kpod-sim), REPS times each. Prints
# MB/s (echoed bytes / wall) and the ratio to direct. Not a test.
# Usage: bench-forward.sh [BUILD_DIR]; env MB, REPS.
set -euo pipefail
BUILD=${1:-build}
KPOD=${KPOD:-$BUILD/kpod}
KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
MB=${MB:-200}
REPS=${REPS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTLIB=${TESTLIB:-$HERE/../lib/testlib.sh}
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
isolated_home

start_sim fwd
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"echo"},
 "spec":{"containers":[{"name":"echo","image":"busybox:1.36",
  "ports":[{"containerPort":7000}]}]}}' \
	"$SIM_URL/api/v1/namespaces/default/pods" || fail "cannot create the pod"
# The backend is the simulator's one listening socket besides its API port.
backend() {
	ss -Hltnp | grep "pid=$SIM_PID," | awk '{print $4}' | sed 's/.*://' |
		grep -vx "$SIM_PORT" | head -n1 | grep .
}
running() { kc get pod echo -o jsonpath='{.status.phase}' | grep -q Running; }
wait_for 60 running || fail "echo pod not running"

"$KPOD" port-forward echo :7000 --kubeconfig "$SIM_KUBECONFIG" \
	>"$TEST_TMP/pf.out" 2>"$TEST_TMP/pf.log" &
PF_PID=$!
TEST_PIDS+=("$PF_PID")
fwd() { sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TEST_TMP/pf.out" | head -n1 | grep .; }
wait_for 30 fwd || fail "kpod port-forward did not listen"
FWD=$(fwd)

# echo_rate PORT: MB/s of MB megabytes echoed through PORT.
echo_rate() {
	/usr/bin/python3 - "$1" "$MB" <<'PY'
import socket, sys, threading, time
port, mb = int(sys.argv[1]), int(sys.argv[2])
total = mb * 1000000
chunk = bytes(range(256)) * 256
s = socket.create_connection(("127.0.0.1", port))
def send():
    left = total
    while left > 0:
        n = min(left, len(chunk))
        s.sendall(chunk[:n]); left -= n
t0 = time.monotonic()
th = threading.Thread(target=send); th.start()
got = 0
while got < total:
    d = s.recv(1 << 20)
    if not d:
        sys.exit("connection closed after %d of %d bytes" % (got, total))
    got += len(d)
th.join()
dt = time.monotonic() - t0
s.close()
print("%.1f" % (total / dt / 1e6))
PY
}
# The simulator opens the backend on the first forwarded connection.
MB=1 echo_rate "$FWD" >/dev/null
wait_for 60 backend || fail "no backend for the echo pod"
DIRECT=$(backend)
# cpu PID: user+system clock ticks the process has used so far.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
R_D="" R_F="" T_K=0 T_S=0
for ((r = 1; r <= REPS; r++)); do
	R_D+="$(echo_rate "$DIRECT") "
	k0=$(cpu "$PF_PID") s0=$(cpu "$SIM_PID")
	R_F+="$(echo_rate "$FWD") "
	T_K=$((T_K + $(cpu "$PF_PID") - k0)) T_S=$((T_S + $(cpu "$SIM_PID") - s0))
done
HZ=$(getconf CLK_TCK)
kill -INT "$PF_PID"; wait "$PF_PID" 2>/dev/null || true
md=$(echo "$R_D" | tr ' ' '\n' | grep . | med)
mf=$(echo "$R_F" | tr ' ' '\n' | grep . | med)
printf '%-34s %14s %8s\n' "path ($MB MB echoed)" "MB/s (min-max)" ratio
printf '%-34s %6s (%s) %8s\n' "direct loopback to the backend" "$md" \
	"$(echo "$R_D" | tr ' ' '\n' | grep . | spread)" 1.000
printf '%-34s %6s (%s) %8s\n' "kpod port-forward" "$mf" \
	"$(echo "$R_F" | tr ' ' '\n' | grep . | spread)" "$(fdiv "$mf" "$md")"
echo "(median of $REPS runs; ratio > 1 would be faster than direct)"
# Both ends of the WebSocket sit in the forwarded path: CPU per GB echoed
# (each byte crosses kpod and kpod-sim twice) says which costs what.
printf 'CPU per GB echoed through the forward: kpod %s s, kpod-sim %s s\n' \
	"$(fdiv "$T_K" "$((HZ * MB * REPS / 1000))")" \
	"$(fdiv "$T_S" "$((HZ * MB * REPS / 1000))")"
echo "(load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
