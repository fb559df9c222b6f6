#!/usr/bin/env bash
# Keeps the benchmark scripts from rotting: tests/bench/run-all.sh in its
# tiny mode (100 pods, one repetition, 2 s of churn) against this build.
# Each benchmark fails on a broken run (kpod shows fewer pods than the
# server holds, no events, no key latencies, a short echo), never on a
# number.
set -euo pipefail
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
out="$TEST_TMP/out"
SMOKE=1 bash "$KPOD_SOURCE_DIR/tests/bench/run-all.sh" "$(dirname "$KPOD")" \
	>"$out" 2>&1 || { cat "$out"; fail "run-all.sh failed"; }
cat "$out"
for want in 'kpod -A \(screen\)' 'kubectl get pods -A ' 'floor \(curl\+cJSON\)' \
	'CPU ms/event' 'key -> doupdate latency' 'stream end -> screen current' \
	'kpod logs -f into a logbuf' 'kpod port-forward'; do
	grep -Eq "$want" "$out" || fail "no '$want' in the benchmark output"
done
pass "every benchmark ran"
