# Helpers for the benchmarks (sourced after $TESTLIB): statistics, timed
# runs, and kpod in a real terminal (a private tmux server). Benchmarks
# are not tests: nothing here fails on a number, only on a broken run.

# med: median of the numbers on stdin; spread: "min-max".
med() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }
spread() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
# pct P: the P-th percentile (nearest rank) of the numbers on stdin.
pct() { sort -g | awk -v p="$1" '{a[NR]=$1} END {if (!NR) {print "nan"; exit} i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }
now_ms() { date +%s%3N; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f", a / b }'; }

# timed OUT CMD...: run CMD (output discarded), write "wall cpu maxrss_kb"
# to OUT.
timed() {
	local out=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$out.t" "$@" >/dev/null 2>"$out.err" ||
		{ cat "$out.err" >&2; fail "benchmark command failed: $*"; }
	awk '{ printf "%s %.3f %d\n", $1, $2 + $3, $4 }' "$out.t" >"$out"
}

# CPU seconds (user + sys) of a pid so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_kb() { awk '/^'"$2"':/ {print $2}' "/proc/$1/status"; }

BENCH_SOCK="kpod-bench-$$-$RANDOM"
bt() { tmux -L "$BENCH_SOCK" -f /dev/null "$@"; }

# kpod_start COLS ROWS STATS ARGS...: kpod (the dashboard) in a fresh
# tmux session of that size; sets KPOD_PID and KPOD_T0 (launch, unix ms).
kpod_start() {
	local cols=$1 rows=$2 stats=$3; shift 3
	TEST_CLEANUPS+=("tmux -L $BENCH_SOCK kill-server")
	rm -f "$stats" "$TEST_TMP/kpod.pid"
	KPOD_T0=$(now_ms)
	bt new-session -d -x "$cols" -y "$rows" -s bench \
		"env TERM=screen LANG=C.UTF-8 HOME=$HOME $KPOD --stats $stats $*"
	bt set-option -t bench -g status off >/dev/null 2>&1 || true
	KPOD_PID=$(bt display-message -p -t bench '#{pane_pid}')
}

first_frame_in() { grep -q '"first_frame"' "$1" 2>/dev/null; }

# kpod_stop: q, then wait for it to leave.
kpod_stop() {
	bt send-keys -t bench q
	wait_for 30 bash -c "! kill -0 $KPOD_PID" || fail "kpod did not quit"
	bt kill-server 2>/dev/null || true
}

# json_field FILE EVENT FIELD: that field of every line of that event.
json_field() {
	{ grep "\"event\":\"$2\"" "$1" || true; } | sed -n "s/.*\"$3\":\([0-9.]*\).*/\1/p"
}
