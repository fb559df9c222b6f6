# kpod's command line: --version, a --help that lists every flag, the
# kubectl flag forms (--flag V, --flag=V, -n V, -nV, -n=V, -A) reaching the
# dashboard's set-up (read back from the debug log), bad flags, and
# `kpod [flags] get ...` reaching print mode.
. "${TESTLIB:?run through ctest (TESTLIB is not set)}"
. "$(dirname "$TESTLIB")/e2e.sh"

isolated_home
out=$("$KPOD" --version)
case $out in
"kpod "[0-9]*.[0-9]*) ;;
*) fail "--version printed: $out" ;;
esac
help=$("$KPOD" --help)
for flag in --kubeconfig --context -n, --namespace -A, --all-namespaces \
	--demo --demo-port --demo-url-file --log -h, --help --version; do
	grep -q -- "$flag" <<<"$help" || fail "--help lacks $flag"
done
[ "$("$KPOD" -h)" = "$help" ] || fail "-h differs from --help"
# Every flag --help lists is also in the README's flag table.
for flag in $(printf '%s\n' "$help" | grep -Eo -- '--[a-z][a-z-]+' | sort -u); do
	grep -q -- "\`$flag" "$KPOD_SOURCE_DIR/README.md" ||
		fail "README does not document $flag"
done
pass "--version, --help and the README agree"

cfg="$TEST_TMP/refused.kubeconfig"
e2e_refused_kubeconfig "$cfg"
# Not a terminal: kpod stops after resolving the context, having logged it.
try_ns() {
	local want=$1; shift
	local log="$TEST_TMP/ns.log"
	rm -f "$log"
	set +e
	"$KPOD" --log "$log" "$@" </dev/null >"$TEST_TMP/out" 2>&1
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "kpod $*: exit $rc without a terminal"
	grep -q 'must be a terminal' "$TEST_TMP/out" || fail "kpod $*: $(cat "$TEST_TMP/out")"
	grep -q "namespace $want\$" "$log" ||
		fail "kpod $*: want namespace $want, log: $(grep namespace "$log")"
}
try_ns team-a --kubeconfig "$cfg"
try_ns x1 --kubeconfig "$cfg" -n x1
try_ns x2 --kubeconfig="$cfg" -nx2
try_ns x3 --kubeconfig "$cfg" -n=x3
try_ns x4 --namespace x4 --kubeconfig "$cfg"
try_ns x5 --namespace=x5 --kubeconfig "$cfg"
try_ns 'team-a (all)' --kubeconfig "$cfg" -A
try_ns 'team-a (all)' --kubeconfig "$cfg" --all-namespaces=true
try_ns team-a --kubeconfig "$cfg" -A --all-namespaces=false
pass "kubectl flag forms"

for args in "--nope" "-n" "--kubeconfig" "--demo-port=70000" "-Ax" "pods"; do
	set +e
	# shellcheck disable=SC2086
	out=$("$KPOD" $args 2>&1 </dev/null)
	rc=$?
	set -e
	[ "$rc" = 1 ] || fail "kpod $args: exit $rc, want 1"
	case $out in *"kpod --help"*) ;; *) fail "kpod $args: $out" ;; esac
done
pass "bad flags: exit 1 and a pointer to --help"

# Flags before the subcommand go along to print mode: the refused server's
# error shows, and it names the namespace given before `get`.
set +e
out=$("$KPOD" --kubeconfig "$cfg" -n before get pods 2>&1 </dev/null)
rc=$?
set -e
[ "$rc" != 0 ] || fail "get against a refused server exited 0"
case $out in *"127.0.0.1:$REFUSED_PORT"*before*) ;; *) fail "get: $out" ;; esac
pass "kpod [flags] get pods reaches print mode: $out"
