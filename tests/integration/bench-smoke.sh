#!/usr/bin/env bash
# Keeps the benchmark scripts from rotting: tests/bench/run-all.sh in its
# tiny mode (100 pods, one repetition, 2 s of churn) against this build,
# then bench-soak.sh for 8 s.
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
# The soak in a tiny mode (bench-soak.sh is not part of run-all.sh: it
# runs for minutes).
PODS=50 CHURN=20 EVENTS=5 LOG_RATE=200 DROP=3 EXPIRE=5 SECS=8 WARMUP=3 \
	bash "$KPOD_SOURCE_DIR/tests/bench/bench-soak.sh" "$(dirname "$KPOD")" \
	>"$out.soak" 2>&1 || { cat "$out.soak"; fail "bench-soak.sh failed"; }
cat "$out.soak"
for want in 'kpod \(list \+ describe\) +[0-9.]+ MB' \
	'kpod logs -f > /dev/null +[0-9.]+ MB' 'kpod logs -f --into-buffer +[0-9.]+ MB'; do
	grep -Eq "$want" "$out.soak" || fail "no '$want' in the soak output"
done
pass "every benchmark ran"
