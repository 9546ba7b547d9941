#!/bin/bash
# Checks the tafeld unit file the way an installed system would see it:
# "systemd-analyze verify" for syntax, unknown options and missing
# executables, and "systemd-analyze security --offline" for the hardening
# score (overall exposure at most 2.5).
#
# verify insists that ExecStart= binaries exist, so the unit is rewritten the
# way "make install" does it (/usr/local -> PREFIX) with PREFIX pointing into
# a temporary tree that holds the freshly built binary.  verify --root= does
# not help: it then also wants sysinit.target and /bin/kill inside the root.
#
# usage: tests/systemd/check.sh UNITFILE BINARY
set -eu

max_exposure=2.5
passed=0
failed=0

pass() {
	printf 'PASS %s\n' "$1"
	passed=$((passed + 1))
}

fail() {
	printf 'FAIL %s\n' "$1"
	failed=$((failed + 1))
}

finish() {
	printf '%d passed, %d failed\n' "$passed" "$failed"
	if [ "$failed" -ne 0 ]; then
		exit 1
	fi
	exit 0
}

if [ $# -ne 2 ]; then
	echo "usage: $0 UNITFILE BINARY" >&2
	exit 2
fi
unit_src=$1
binary=$2
unit=${unit_src##*/}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	fail "systemd-analyze not found (run tools/deps.sh test)"
	finish
fi
if [ ! -r "$unit_src" ]; then
	fail "$unit_src: not readable"
	finish
fi
if [ ! -x "$binary" ]; then
	fail "$binary: not an executable (build tafeld first)"
	finish
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tafel-systemd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/usr/local
mkdir -p "$prefix/bin"
cp "$binary" "$prefix/bin/tafeld"
# Same rewrite as "make install"; the unit keeps its name because systemd
# derives the unit name from the file name.
sed "s|/usr/local|$prefix|g" "$unit_src" >"$tmp/$unit"

# verify: any output naming our unit is a finding, as is a non-zero exit.
# --recursive-errors=no keeps problems in the host's own units out of it.
out=$(systemd-analyze verify --man=no --recursive-errors=no "$tmp/$unit" 2>&1) &&
    rc=0 || rc=$?
ours=$(printf '%s\n' "$out" | grep -F -e "$unit" -e "$tmp" || true)
if [ "$rc" -eq 0 ] && [ -z "$ours" ]; then
	pass "systemd-analyze verify $unit_src: no warnings"
else
	fail "systemd-analyze verify $unit_src (exit $rc):"
	printf '%s\n' "${ours:-$out}" | sed "s|$tmp|<tmp>|g; s/^/    /"
fi

# security: --threshold= takes the exposure times ten.  The figure is parsed
# as well so that the result line can show it.
threshold=$(awk -v m="$max_exposure" 'BEGIN { printf "%d", m * 10 }')
out=$(systemd-analyze security --no-pager --offline=true \
    --threshold="$threshold" "$tmp/$unit" 2>&1) && rc=0 || rc=$?
level=$(printf '%s\n' "$out" |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' |
    tail -n 1)
if [ -z "$level" ]; then
	fail "systemd-analyze security $unit_src: no exposure level (exit $rc)"
	printf '%s\n' "$out" | sed "s|$tmp|<tmp>|g; s/^/    /" | tail -n 20
elif [ "$rc" -eq 0 ] &&
    awk -v l="$level" -v m="$max_exposure" 'BEGIN { exit !(l <= m) }'; then
	pass "systemd-analyze security $unit_src: exposure $level <= $max_exposure"
else
	fail "systemd-analyze security $unit_src: exposure $level > $max_exposure (exit $rc)"
	# Show what costs the most: the ten dearest unchecked settings.
	printf '%s\n' "$out" | grep '^✗' | sed 's/  */ /g' |
	    sort -t ' ' -k 2,2 -u | awk '{ print $NF "\t" $2 }' |
	    sort -rn | head -n 10 | sed 's/^/    /' || true
fi

finish
