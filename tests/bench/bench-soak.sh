#!/usr/bin/env bash
# Soak (issue 10): hours of a busy cluster compressed into minutes, and
# whether kpod's memory and open files stay flat. One kpod-sim with PODS
# pods changes CHURN statuses per second, writes EVENTS events per second
# and LOG_RATE log lines per second per container, ends every watch every
# DROP seconds and expires its history (410, relist) every EXPIRE seconds;
# a pod is created and another deleted every second. Against it, for SECS
# seconds: kpod -A in tmux with the pod list and a detail pane (describe,
# following a selection that moves every second; log panes too when the UI
# has them), and beside it `kpod logs -f` of two pods, one printing to
# /dev/null and one into a pane's ring buffer (--into-buffer). Every
# second the RSS (/proc/PID/status VmRSS) and the open descriptors
# (/proc/PID/fd) of each kpod are sampled; after WARMUP seconds the
# least-squares slope (KB/min, fds/min) and the maxima are printed. Fails
# only on a broken run (a kpod died, a log stream ended, no pods on
# screen), never on a number. Usage: bench-soak.sh [BUILD_DIR]; env PODS
# CHURN EVENTS LOG_RATE DROP EXPIRE SECS WARMUP; SAMPLES=FILE keeps the
# samples (CSV: second,process,rss_kb,fds).
set -euo pipefail
BUILD=${1:-build}
KPOD=${KPOD:-$BUILD/kpod}
KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
PODS=${PODS:-2000}
CHURN=${CHURN:-500}
EVENTS=${EVENTS:-50}
LOG_RATE=${LOG_RATE:-2000}
DROP=${DROP:-20}
EXPIRE=${EXPIRE:-60}
SECS=${SECS:-600}
WARMUP=${WARMUP:-120}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTLIB=${TESTLIB:-$HERE/../lib/testlib.sh}
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
isolated_home
KPOD=$(readlink -f "$KPOD")
[ "$WARMUP" -lt "$SECS" ] || fail "WARMUP ($WARMUP) must be shorter than SECS ($SECS)"

start_sim soak --pods "$PODS" --namespaces 10 --churn "$CHURN" \
	--event-rate "$EVENTS" --log-rate "$LOG_RATE" --drop-watch-every "$DROP" \
	--expire-every "$EXPIRE" --seed 3
# Two pods to follow: namespace and name of the first two listed.
read -r -a FOLLOW < <(curl -sf "$SIM_URL/api/v1/pods?limit=2" | /usr/bin/python3 -c '
import json, sys
print(" ".join(p["metadata"]["namespace"] + "/" + p["metadata"]["name"]
               for p in json.load(sys.stdin)["items"]))')
[ "${#FOLLOW[@]}" -eq 2 ] || fail "the simulator has no pods to follow"

S="$TEST_TMP/stats"
# kpod's stderr (a crash message) into a file the failure report shows;
# glibc writes its heap-corruption aborts to the terminal unless told.
cat >"$TEST_TMP/kpod-wrap" <<EOF
#!/bin/sh
LIBC_FATAL_STDERR_=1 exec $KPOD "\$@" 2>>$TEST_TMP/kpod-stderr.log
EOF
chmod +x "$TEST_TMP/kpod-wrap"
KPOD_REAL=$KPOD KPOD=$TEST_TMP/kpod-wrap
kpod_start 200 50 "$S" -A --kubeconfig "$SIM_KUBECONFIG" --log "$TEST_TMP/kpod.log"
KPOD=$KPOD_REAL
wait_for 300 first_frame_in "$S" || fail "kpod showed no list"
bt send-keys -t bench d # the detail pane (describe), following the selection
# Log panes, once the UI has them (the layout engineer's `l`).
if grep -qs '"pod.logs"' "$HERE"/../../ui/*.c; then
	bt send-keys -t bench l
	bt send-keys -t bench j l
fi
"$KPOD" logs -f --kubeconfig "$SIM_KUBECONFIG" -n "${FOLLOW[0]%%/*}" \
	"${FOLLOW[0]#*/}" >/dev/null 2>"$TEST_TMP/logs1.err" &
L1=$!
TEST_PIDS+=("$L1")
"$KPOD" logs -f --into-buffer --kubeconfig "$SIM_KUBECONFIG" -n "${FOLLOW[1]%%/*}" \
	"${FOLLOW[1]#*/}" >/dev/null 2>"$TEST_TMP/logs2.err" &
L2=$!
TEST_PIDS+=("$L2")

# Pods come and go: one created and one deleted per second.
churn_pods() {
	local i=0
	while :; do
		curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
			--data "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"soak-$i\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"example.com/soak:1\"}]}}" \
			"$SIM_URL/api/v1/namespaces/default/pods" || true
		if [ "$i" -ge 5 ]; then
			curl -sf -o /dev/null -X DELETE \
				"$SIM_URL/api/v1/namespaces/default/pods/soak-$((i - 5))?gracePeriodSeconds=0" || true
		fi
		i=$((i + 1))
		sleep 1 # the creation rate, not a synchronisation
	done
}
churn_pods &
TEST_PIDS+=("$!")

CSV=${SAMPLES:-$TEST_TMP/samples.csv}
: >"$CSV"
alive() { kill -0 "$1" 2>/dev/null; }
sample() { # sample T NAME PID
	local rss fds
	rss=$(rss_kb "$3" VmRSS 2>/dev/null) || return 1
	fds=$(find "/proc/$3/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ -n "$rss" ] || return 1 # a zombie has no VmRSS
	echo "$1,$2,$rss,$fds" >>"$CSV"
}
t0=$SECONDS
next=$t0
while [ $((SECONDS - t0)) -lt "$SECS" ]; do
	t=$((SECONDS - t0))
	for p in "kpod:$KPOD_PID" "logs:$L1" "logs-buffer:$L2"; do
		if ! alive "${p#*:}" || ! sample "$t" "${p%%:*}" "${p#*:}"; then
			cat "$TEST_TMP"/logs*.err "$TEST_TMP/kpod-stderr.log" 2>/dev/null | tail -n 5 >&2
			fail "${p%%:*} (pid ${p#*:}) exited at ${t} s"
		fi
	done
	# The selection moves, so the detail pane follows a new pod.
	if ((t % 2)); then bt send-keys -t bench j; else bt send-keys -t bench k; fi
	next=$((next + 1))
	while [ "$SECONDS" -lt "$next" ]; do sleep 0.05; done # the sampling period
done
screen=$(bt capture-pane -p -t bench)
echo "$screen" | grep -q "${FOLLOW[0]#*/}\|load-" || fail "no pods on kpod's screen"
# q closes the panes one by one, then quits.
for _ in 1 2 3 4 5; do
	bt send-keys -t bench q 2>/dev/null || break
	wait_for 5 bash -c "! kill -0 $KPOD_PID" && break
done
kill -0 "$KPOD_PID" 2>/dev/null && fail "kpod did not quit"
bt kill-server 2>/dev/null || true
kill "$L1" "$L2" 2>/dev/null || true

printf 'soak: %d pods, churn %s/s, events %s/s, logs %s lines/s, watches dropped every %s s, 410 every %s s, a pod created and one deleted per second; %d s (warm-up %d s); load %s\n' \
	"$PODS" "$CHURN" "$EVENTS" "$LOG_RATE" "$DROP" "$EXPIRE" "$SECS" "$WARMUP" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %11s %11s %16s %8s %8s %12s\n' process "RSS start" "RSS max" \
	"RSS slope KB/min" "fds max" "fds end" "fds slope/min"
for name in kpod logs logs-buffer; do
	awk -F, -v n="$name" -v w="$WARMUP" '
	$2 == n {
		if (first == "") first = $3
		if ($3 > maxr) maxr = $3
		if ($4 > maxf) maxf = $4
		lastf = $4
		if ($1 >= w) {
			k++; sx += $1; sy += $3; sxx += $1 * $1; sxy += $1 * $3
			sf += $4; sxf += $1 * $4
		}
	}
	END {
		if (k < 2) { printf "%-28s too few samples after the warm-up\n", n; exit 1 }
		d = k * sxx - sx * sx
		sr = d ? (k * sxy - sx * sy) / d * 60 : 0
		sfd = d ? (k * sxf - sx * sf) / d * 60 : 0
		label = n == "kpod" ? "kpod (list + describe)" : n == "logs" ? "kpod logs -f > /dev/null" : "kpod logs -f --into-buffer"
		printf "%-28s %8.1f MB %8.1f MB %16.1f %8d %8d %12.2f\n", label, first / 1024, maxr / 1024, sr, maxf, lastf, sfd
	}' "$CSV" || fail "no samples for $name"
done
echo "(slopes: least squares over the samples after the warm-up, one a second)"
printf 'kpod: %d watch restarts after an error, %d lists in one piece (continue token expired)\n' \
	"$(grep -c 'retrying in' "$TEST_TMP/kpod.log" || true)" \
	"$(grep -c 'listing in one piece' "$TEST_TMP/kpod.log" || true)"
