#!/usr/bin/env bash
# Log ingest rate: kpod vs kubectl on the same kpod-sim log stream, in the
# same run. A pod's container logs LINES lines (a high --log-rate, then it
# exits, restartPolicy Never), so `logs -f` reads the whole backlog and
# ends when the kubelet does. Measured, REPS times each, median wall time:
#   kubectl logs -f POD > /dev/null
#   kpod logs -f POD > /dev/null             (the print mode)
#   kpod logs -f --into-buffer POD           (into a pane's ring buffer)
#   curl .../log?follow=true > /dev/null     (the floor: how fast the
#                                             simulator serves the stream)
# Prints lines/s per wall second and per CPU second of the reader, and the
# ratios to kubectl. Not a test: nothing fails on a
# number. Usage: tests/bench/bench-logs.sh [BUILD_DIR] (default ./build).
set -euo pipefail

BUILD=${1:-build}
KPOD=${KPOD:-$BUILD/kpod}
KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
REPS=${REPS:-7}
RATE=${RATE:-100000}
SECS=${SECS:-2}
TESTLIB=${TESTLIB:-$(dirname "$0")/../lib/testlib.sh}
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
isolated_home

start_sim bench
cat >"$TEST_TMP/pod.json" <<JSON
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"chatty",
 "annotations":{"kpod-sim/log-rate":"$RATE","kpod-sim/crash-after":"$SECS",
  "kpod-sim/exit-code":"0"}},
 "spec":{"restartPolicy":"Never",
  "containers":[{"name":"app","image":"example.com/chatty:1"}]}}
JSON
curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' \
	--data-binary @"$TEST_TMP/pod.json" \
	"$SIM_URL/api/v1/namespaces/default/pods" || fail "cannot create the pod"
terminated() {
	kc get pod chatty -o jsonpath='{.status.containerStatuses[0].state.terminated.reason}' |
		grep -q .
}
wait_for 60 terminated || fail "the chatty container did not finish"
LINES=$(kc logs chatty | wc -l)
echo "stream: $LINES lines ($(kc logs chatty | wc -c) bytes)"

# run_timed CMD...: "wall cpu" seconds of one run (cpu = user + sys of
# the reader alone), output discarded.
run_timed() {
	/usr/bin/time -f '%e %U %S %M' -o "$TEST_TMP/time" "$@" >/dev/null 2>&1
	awk '{ printf "%s %.3f %d\n", $1, $2 + $3, $4 }' "$TEST_TMP/time"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A WALL CPU RSS
for ((r = 1; r <= REPS; r++)); do
	for k in kubectl kpod buffer curl; do
		case $k in
		kubectl) set -- /usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" logs -f chatty ;;
		kpod) set -- "$KPOD" logs -f --kubeconfig "$SIM_KUBECONFIG" chatty ;;
		buffer) set -- "$KPOD" logs -f --into-buffer --kubeconfig "$SIM_KUBECONFIG" chatty ;;
		curl) set -- curl -sf -o /dev/null "$SIM_URL/api/v1/namespaces/default/pods/chatty/log?follow=true" ;;
		esac
		read -r w c m < <(run_timed "$@")
		WALL[$k]+="$w "
		CPU[$k]+="$c "
		RSS[$k]+="$m "
	done
done

# Sanity: kpod printed the same number of lines.
got=$("$KPOD" logs -f --kubeconfig "$SIM_KUBECONFIG" chatty | wc -l)
[ "$got" -eq "$LINES" ] || fail "kpod logs -f printed $got lines, want $LINES"

med() { echo "$1" | tr ' ' '\n' | grep . | median; }
printf '%-30s %9s %11s %7s %9s %13s %7s %9s\n' "reader" "wall s" "lines/s" \
	"ratio" "cpu s" "lines/cpu-s" "ratio" "maxrss MB"
bw=$(med "${WALL[kubectl]}")
bc_=$(med "${CPU[kubectl]}")
for k in kubectl kpod buffer curl; do
	w=$(med "${WALL[$k]}")
	c=$(med "${CPU[$k]}")
	# CPU times are in 10 ms steps: count at least one step.
	c=$(echo "if ($c < 0.01) 0.01 else $c" | bc -l)
	cb=$(echo "if ($bc_ < 0.01) 0.01 else $bc_" | bc -l)
	case $k in
	kubectl) name="kubectl logs -f > /dev/null" ;;
	kpod) name="kpod logs -f > /dev/null" ;;
	buffer) name="kpod logs -f into a logbuf" ;;
	curl) name="floor: curl > /dev/null" ;;
	esac
	printf '%-30s %9.3f %11.0f %7.2f %9.3f %13.0f %7.2f %9.1f\n' "$name" "$w" \
		"$(echo "$LINES / $w" | bc -l)" "$(echo "$bw / $w" | bc -l)" "$c" \
		"$(echo "$LINES / $c" | bc -l)" "$(echo "$cb / $c" | bc -l)" \
		"$(echo "$(med "${RSS[$k]}") / 1024" | bc -l)"
done
echo "(ratio > 1: better than kubectl; median of $REPS runs each. Wall time"
echo " includes the simulator producing the stream, the same for every reader.)"
