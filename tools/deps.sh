#!/bin/bash
# Installs the Debian 12 packages tafel needs to build, run and test.
# The Makefile calls it before every "make run" and "make test", so the case
# where everything is present must stay quick: one dpkg-query, no apt.
#
# usage: tools/deps.sh [build|run|test|all]   (default: all)
set -eu

build_pkgs="build-essential pkg-config libdirectfb-dev libdirectfb-extra
libjson-c-dev libsystemd-dev libpng-dev libcurl4-openssl-dev
libmicrohttpd-dev libgpiod-dev libxml2-dev libfreetype-dev"
# systemd brings systemd-analyze for tests/systemd/check.sh.
# chromium renders the preview page in tests; prometheus ships promtool.
test_pkgs="libcmocka-dev python3 systemd clang-format clang-tidy chromium openssl
prometheus"

what=${1:-all}
case $what in
build | run)
	pkgs=$build_pkgs
	;;
test | all)
	pkgs="$build_pkgs $test_pkgs"
	;;
*)
	echo "usage: $0 [build|run|test|all]" >&2
	exit 2
	;;
esac
# shellcheck disable=SC2086 # word splitting of the lists is intended
set -- $pkgs

# dpkg-query exits non-zero when a package was never known to dpkg; its
# output still lists the others, so only the output counts.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null || true)
missing=
for p in "$@"; do
	case $'\n'$installed$'\n' in
	*$'\n'"$p install ok installed"$'\n'*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: $what: all $# packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: $what: missing:$missing; run:" >&2
	echo "sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: $what: installing$missing"
apt-get update
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    $missing
