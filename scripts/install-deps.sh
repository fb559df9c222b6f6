#!/bin/sh
# Installs, with apt-get, exactly the Debian 12 packages kpod needs to build
# and test that are not installed yet. Works as root or through sudo; does
# nothing (and needs neither) when everything is present.
# `install-deps.sh screenshots` adds what scripts/screenshots needs (aha,
# headless chromium, a monospace font); `make test` does not need them.
set -eu

PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
libuv1-dev libcurl4-openssl-dev libyaml-dev libcjson-dev libncursesw5-dev
libwslay-dev libhttp-parser-dev libcmocka-dev
tmux curl stunnel4 tinyproxy openssl python3 python3-kubernetes python3-yaml tzdata
help2man dpkg-dev file valgrind iproute2"
if [ "${1:-}" = screenshots ]; then
	PKGS="$PKGS aha chromium fonts-dejavu-core"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
