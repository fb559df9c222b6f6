#!/usr/bin/env bash
# Benchmarks 1 and 2: launch -> the full pod list on screen, and memory.
# For each N in SIZES, one kpod-sim with N pods (realistic objects with
# managedFields) serves, in the same run, REPS times each:
#   kpod -A in a real terminal (tmux, 200x50): launch -> the first frame
#     after the list is complete (its --stats first_frame line); peak RSS
#     then (VmHWM) and RSS 2 s later (steady);
#   kubectl get pods -A > /dev/null: wall and peak RSS;
#   floor: the same pages (limit=500) fetched with curl, parsed by cJSON.
# Prints a table with medians, min-max and ratios, and each client's CPU
# time (user + sys; kpod's up to its first full frame), which a machine
# shared with other work stretches less than wall time. Not a test: nothing
# fails on a number. Usage: bench-list.sh [BUILD_DIR]; env SIZES, REPS.
set -euo pipefail
BUILD=${1:-build}
KPOD=${KPOD:-$BUILD/kpod}
KPOD_SIM=${KPOD_SIM:-$BUILD/kpod-sim}
SIZES=${SIZES:-1000 10000 50000}
REPS=${REPS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTLIB=${TESTLIB:-$HERE/../lib/testlib.sh}
# shellcheck source=../lib/testlib.sh
source "$TESTLIB"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
isolated_home
KPOD=$(readlink -f "$KPOD")

FLOOR=${FLOOR:-$TEST_TMP/floor}
[ -x "$FLOOR" ] || cc -O2 -o "$FLOOR" "$HERE/floor.c" -lcurl -lcjson ||
	fail "cannot build floor.c"

printf '%-7s %-22s %16s %8s %10s %10s %7s %7s\n' pods client "wall s (min-max)" \
	ratio "peak MB" "steady MB" "cpu s" ratio
for n in $SIZES; do
	start_sim "list$n" --pods "$n" --namespaces 20 --seed 1
	# Wait for the server to hold all pods.
	got=$("$FLOOR" "$SIM_URL" | awk '{print $1}')
	[ "$got" -eq "$n" ] || fail "sim serves $got pods, want $n"
	W_K="" W_C="" W_F="" P_K="" S_K="" P_C="" C_K="" C_C="" C_F=""
	for ((r = 1; r <= REPS; r++)); do
		# Into a file, then read: with a process substitution, time's -o
		# file could still be unwritten when awk read it (a loaded machine).
		/usr/bin/time -f '%U %S' -o "$TEST_TMP/ft" "$FLOOR" "$SIM_URL" \
			>"$TEST_TMP/fo"
		read -r _ f <"$TEST_TMP/fo"
		W_F+="$f " C_F+="$(awk '{printf "%.3f", $1 + $2}' "$TEST_TMP/ft") "
		timed "$TEST_TMP/kc" /usr/bin/kubectl --kubeconfig "$SIM_KUBECONFIG" \
			get pods -A
		read -r w c m <"$TEST_TMP/kc"
		W_C+="$w " P_C+="$((m / 1024)) " C_C+="$c "
		kpod_start 200 50 "$TEST_TMP/stats" -A --kubeconfig "$SIM_KUBECONFIG"
		wait_for 300 first_frame_in "$TEST_TMP/stats" ||
			fail "kpod showed no full list for $n pods"
		C_K+="$(cpu_s "$KPOD_PID") "
		peak=$(rss_kb "$KPOD_PID" VmHWM)
		rows=$(json_field "$TEST_TMP/stats" first_frame rows)
		[ "$rows" -eq "$n" ] || fail "kpod's first full frame had $rows pods, want $n"
		t1=$(json_field "$TEST_TMP/stats" first_frame unix_ms)
		W_K+="$(awk -v a="$t1" -v b="$KPOD_T0" 'BEGIN {printf "%.3f", (a - b) / 1000}') "
		# Steady: what it keeps once the list is shown (a measurement
		# window, not a synchronisation).
		sleep 2
		S_K+="$(($(rss_kb "$KPOD_PID" VmRSS) / 1024)) "
		P_K+="$(($(rss_kb "$KPOD_PID" VmHWM) / 1024)) "
		: "$peak"
		kpod_stop
	done
	kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
	mk=$(echo "$W_K" | tr ' ' '\n' | grep . | med)
	mc=$(echo "$W_C" | tr ' ' '\n' | grep . | med)
	mf=$(echo "$W_F" | tr ' ' '\n' | grep . | med)
	ck=$(echo "$C_K" | tr ' ' '\n' | grep . | med)
	cc=$(echo "$C_C" | tr ' ' '\n' | grep . | med)
	cf=$(echo "$C_F" | tr ' ' '\n' | grep . | med)
	printf '%-7s %-22s %7s (%s) %8s %10s %10s %7s %7s\n' "$n" "kpod -A (screen)" "$mk" \
		"$(echo "$W_K" | tr ' ' '\n' | grep . | spread)" "$(fdiv "$mk" "$mc")" \
		"$(echo "$P_K" | tr ' ' '\n' | grep . | med)" \
		"$(echo "$S_K" | tr ' ' '\n' | grep . | med)" "$ck" "$(fdiv "$ck" "$cc")"
	printf '%-7s %-22s %7s (%s) %8s %10s %10s %7s %7s\n' "$n" "kubectl get pods -A" "$mc" \
		"$(echo "$W_C" | tr ' ' '\n' | grep . | spread)" "1.000" \
		"$(echo "$P_C" | tr ' ' '\n' | grep . | med)" "-" "$cc" 1.000
	printf '%-7s %-22s %7s (%s) %8s %10s %10s %7s %7s\n' "$n" "floor (curl+cJSON)" "$mf" \
		"$(echo "$W_F" | tr ' ' '\n' | grep . | spread)" "$(fdiv "$mf" "$mc")" - - \
		"$cf" "$(fdiv "$cf" "$cc")"
	echo "        kpod / floor = $(fdiv "$mk" "$mf") (wall), $(fdiv "$ck" "$cf") (cpu)"
done
echo "(ratio = wall / kubectl's wall, < 1 is faster; median of $REPS runs, min-max in brackets;"
echo " cpu s = user + sys of that client alone, its ratio against kubectl's)"
