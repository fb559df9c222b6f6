#!/usr/bin/env bash
# The Debian package: cpack builds it from this build tree; it is unpacked
# into a temporary root (not installed on the machine), its Depends must
# name the shared libraries kpod links, its man pages must be there, and
# the unpacked kpod must run: --version, and --demo showing live pods.
source "$TESTLIB"
source "$KPOD_SOURCE_DIR/tests/lib/e2e.sh"

cd "$TEST_TMP"
(cd "$KPOD_BUILD_DIR" && cpack -G DEB -B "$TEST_TMP/pkg") >cpack.log 2>&1 ||
	fail "cpack failed: $(tail -n 20 cpack.log)"
deb=$(ls "$TEST_TMP"/pkg/kpod_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no .deb made: $(ls "$TEST_TMP/pkg")"
pass "built $(basename "$deb")"

deps=$(dpkg-deb -f "$deb" Depends)
for lib in libuv1 libcurl4 libncursesw6 libyaml-0-2 libcjson1 libwslay1 \
	libhttp-parser2.9; do
	grep -q "$lib" <<<"$deps" || fail "Depends lacks $lib: $deps"
done
pass "Depends: $deps"

root="$TEST_TMP/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/kpod usr/bin/kpod-sim usr/share/man/man1/kpod.1.gz \
	usr/share/man/man1/kpod-sim.1.gz; do
	[ -e "$root/$f" ] || fail "package lacks /$f: $(dpkg-deb -c "$deb")"
done
zcat "$root/usr/share/man/man1/kpod.1.gz" | grep -q -- 'all\\-namespaces' ||
	fail "kpod.1 does not document --all-namespaces"
ver=$("$root/usr/bin/kpod" --version)
[ "$ver" = "$("$KPOD" --version)" ] || fail "unpacked kpod --version: $ver"
pass "unpacked kpod runs: $ver"

e2e_start 100 20
e2e_type "$root/usr/bin/kpod --demo"
e2e_wait 30 '^ *http-go +1/1 +Running'
e2e_keys q
wait_for 20 e2e_has 'e2e\$ *$' || fail "kpod from the package did not quit"
pass "unpacked kpod --demo shows the demo pods and quits"
