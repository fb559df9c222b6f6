#!/bin/bash
# How many watch events per second kpod-sim delivers, and what it costs:
# for each --churn rate, one watcher on /api/v1/pods for ~5 s against
# --pods 5000; prints events/s, MB/s and the sim's CPU (share of one core).
# Not a timed test: run it by hand (bash tests/bench/sim-rate.sh BUILD_DIR).
set -euo pipefail
BUILD=${1:-build}
SIM="$BUILD/kpod-sim"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
hz=$(getconf CLK_TCK)
for rate in ${RATES:-1000 2000 4000}; do
	rm -f "$TMP/kc"
	"$SIM" --port 0 --pods 5000 --namespaces 20 --churn "$rate" \
		--kubeconfig-out "$TMP/kc" >"$TMP/log" 2>&1 &
	pid=$!
	while [ ! -s "$TMP/kc" ]; do sleep 0.05; done
	url=$(sed -n 's/^ *server: *//p' "$TMP/kc")
	rv=$(curl -s "$url/api/v1/pods?limit=1" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
	t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	w0=$(date +%s.%N)
	curl -sN "$url/api/v1/pods?watch=1&resourceVersion=$rv&timeoutSeconds=5" >"$TMP/w"
	t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
	w1=$(date +%s.%N)
	kill "$pid"
	wait "$pid" || true
	ev=$(grep -c '"type":"MODIFIED"' "$TMP/w" || true)
	bytes=$(stat -c %s "$TMP/w")
	awk -v r="$rate" -v e="$ev" -v b="$bytes" -v c=$((t1 - t0)) -v hz="$hz" \
		-v w0="$w0" -v w1="$w1" 'BEGIN { w = w1 - w0;
		printf "churn=%d events/s=%d MB/s=%.1f sim-cpu=%.0f%% (%.1f s)\n",
		    r, e / w, b / w / 1e6, 100 * c / hz / w, w }'
done
