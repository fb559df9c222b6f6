#!/usr/bin/env bash
# Runs every benchmark against kpod-sim and prints their tables, with the
# machine, the date and the load. Usage: tests/bench/run-all.sh
# [BUILD_DIR] (default ./build; a Release build measures what users get).
# SMOKE=1 runs each in a tiny mode (100 pods, one repetition) so the
# scripts are exercised by ctest (tests/integration/bench-smoke.sh).
set -euo pipefail
BUILD=$(readlink -f "${1:-build}")
HERE=$(cd "$(dirname "$0")" && pwd)
export KPOD=${KPOD:-$BUILD/kpod} KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
export TESTLIB=${TESTLIB:-$HERE/../lib/testlib.sh}
smoke=${SMOKE:-0}
small() { [ "$smoke" = 1 ] && echo "$1" || echo "$2"; }
echo "# kpod benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)," \
	"$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
	"kernel $(uname -r); load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "kpod $("$KPOD" --version | cut -d' ' -f2) ($BUILD), kubectl" \
	"$(/usr/bin/kubectl version --client 2>/dev/null | sed -n 's/Client Version: //p')"

echo
echo "## 1+2. Launch -> full pod list on screen; memory"
SIZES=$(small 100 "1000 10000 50000") REPS=$(small 1 3) \
	bash "$HERE/bench-list.sh" "$BUILD"
echo
echo "## 3+4. Watch churn: CPU per event, catch-up; key -> screen latency"
PODS=$(small 100 10000) RATE=$(small 100 2000) SECS=$(small 2 30) \
	bash "$HERE/bench-churn.sh" "$BUILD"
echo
echo "## 5. Log ingest"
REPS=$(small 1 5) RATE=$(small 2000 100000) SECS=$(small 1 3) \
	bash "$HERE/bench-logs.sh" "$BUILD"
echo
echo "## 6. Port-forward throughput"
MB=$(small 2 200) REPS=$(small 1 3) bash "$HERE/bench-forward.sh" "$BUILD"
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
