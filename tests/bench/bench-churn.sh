#!/usr/bin/env bash
# Benchmarks 3 and 4: watch churn and key-to-screen latency. One kpod-sim
# with PODS pods changes RATE pod statuses per second (MODIFIED events).
# kpod -A (in tmux, list visible) and `kubectl get pods -A -w` watch the
# same stream at the same time, and a curl watcher counts the events. For
# SECS seconds a key (j/k alternately) is typed into kpod every 100 ms;
# then the simulator is stopped (SIGSTOP: the stream ends) and we measure
# how long after that kpod's last frame with a store change came (its
# --stats "change" lines): the time until the screen caught up with the
# server. Prints CPU per event for both clients, the ratio, key latency
# p50/p99 (read -> doupdate) and the catch-up time. Not a test.
# Usage: bench-churn.sh [BUILD_DIR]; env PODS RATE SECS.
set -euo pipefail
BUILD=${1:-build}
KPOD=${KPOD:-$BUILD/kpod}
KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
PODS=${PODS:-10000}
RATE=${RATE:-2000}
SECS=${SECS:-30}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTLIB=${TESTLIB:-$HERE/../lib/testlib.sh}
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
isolated_home
KPOD=$(readlink -f "$KPOD")

# A history window of 10M changes: at 2,000 changes/s the default (10,000)
# expires continue tokens before a 10k-pod list is through.
start_sim churn --pods "$PODS" --namespaces 20 --churn "$RATE" --seed 1 \
	--history 10000000
S="$TEST_TMP/stats"
kpod_start 200 50 "$S" -A --kubeconfig "$SIM_KUBECONFIG"
wait_for 300 first_frame_in "$S" || fail "kpod showed no list"
/usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" get pods -A -w \
	>"$TEST_TMP/kw" 2>"$TEST_TMP/kw.err" &
KC_PID=$!
TEST_PIDS+=("$KC_PID")
listed() { [ "$(wc -l <"$TEST_TMP/kw")" -gt "$PODS" ]; }
wait_for 300 listed || fail "kubectl -w did not list"

rv=$(curl -sf "$SIM_URL/api/v1/pods?limit=1" | sed -n 's/.*"resourceVersion":"\([0-9]*\)".*/\1/p' | head -n1)
curl -sN "$SIM_URL/api/v1/pods?watch=1&resourceVersion=$rv" >"$TEST_TMP/w" &
CURL_PID=$!
TEST_PIDS+=("$CURL_PID")
k0=$(cpu_s "$KPOD_PID") c0=$(cpu_s "$KC_PID")
keys0=$(json_field "$S" key latency_us | wc -l)
end=$((SECONDS + SECS)) i=0
while [ "$SECONDS" -lt "$end" ]; do
	if ((i++ % 2)); then bt send-keys -t bench k; else bt send-keys -t bench j; fi
	sleep 0.1 # pacing of the typist, not a synchronisation
done
k1=$(cpu_s "$KPOD_PID") c1=$(cpu_s "$KC_PID")
kill -STOP "$SIM_PID"
stop_ms=$(now_ms)
TEST_CLEANUPS+=("kill -CONT $SIM_PID")
# kpod has caught up once no store change reached its screen for 2 s.
quiet() {
	local last
	last=$(json_field "$S" change unix_ms | tail -n1)
	awk -v l="$last" -v n="$(now_ms)" 'BEGIN { exit !(n - l > 2000) }'
}
wait_for 120 quiet || fail "kpod never caught up"

last=$(json_field "$S" change unix_ms | tail -n1)
# The counting watch may have ended already (the simulator drops a
# watcher that falls far behind); what it counted still counts.
kill "$CURL_PID" 2>/dev/null || true
wait "$CURL_PID" 2>/dev/null || true
kill -CONT "$SIM_PID"
events=$(grep -c '"type":"MODIFIED"' "$TEST_TMP/w" || true)
[ "$events" -gt 0 ] || fail "no events in the window"
json_field "$S" key latency_us | tail -n +"$((keys0 + 1))" >"$TEST_TMP/keys"
nkeys=$(wc -l <"$TEST_TMP/keys")
[ "$nkeys" -gt 0 ] || fail "no key latencies recorded"
kpe=$(awk -v a="$k0" -v b="$k1" -v e="$events" 'BEGIN {printf "%.4f", (b - a) * 1000 / e}')
cpe=$(awk -v a="$c0" -v b="$c1" -v e="$events" 'BEGIN {printf "%.4f", (b - a) * 1000 / e}')
kill "$KC_PID"; wait "$KC_PID" 2>/dev/null || true
kpod_stop

printf 'stream: %d pods, --churn %s, %s s: %d MODIFIED events seen (%.0f/s)\n' \
	"$PODS" "$RATE" "$SECS" "$events" "$(fdiv "$events" "$SECS")"
printf '%-34s %12s %8s\n' "client" "CPU ms/event" ratio
printf '%-34s %12s %8s\n' "kpod -A (screen, typing)" "$kpe" "$(fdiv "$kpe" "$cpe")"
printf '%-34s %12s %8s\n' "kubectl get pods -A -w" "$cpe" 1.000
printf 'key -> doupdate latency (%d keys): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n' \
	"$nkeys" "$(fdiv "$(pct 50 <"$TEST_TMP/keys")" 1000)" \
	"$(fdiv "$(pct 99 <"$TEST_TMP/keys")" 1000)" "$(fdiv "$(pct 100 <"$TEST_TMP/keys")" 1000)"
awk -v l="$last" -v s="$stop_ms" 'BEGIN { d = l - s; if (d < 0) d = 0;
	printf "stream end -> screen current: %.0f ms\n", d }'
echo "(CPU of both over the same window; ratio < 1: less CPU than kubectl)"
