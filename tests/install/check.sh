#!/usr/bin/env bash
# make install, twice: into a DESTDIR (what a package build does: every file
# lands under it, nothing outside), and with PREFIX/SYSCONFDIR pointing into a
# temporary root (what a person does), where the installed tafeld must accept
# the installed example configuration with -n.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d /tmp/tafel-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

if make -s install DESTDIR="$tmp/dest" >"$tmp/log1" 2>&1; then
	missing=
	for f in usr/local/bin/tafeld usr/local/share/tafel/fonts/tafel-small.bdf \
		usr/local/share/tafel/fonts/README \
		usr/local/share/tafel/layouts/luzern-parking.json \
		usr/local/share/tafel/layouts/icons/parking.png \
		etc/tafel/tafel.json lib/systemd/system/tafeld.service \
		usr/lib/sysusers.d/tafel.conf; do
		[ -e "$tmp/dest/$f" ] || missing="$missing $f"
	done
	if [ -z "$missing" ]; then
		ok "make install DESTDIR: all files in place"
	else
		bad "make install DESTDIR: missing:$missing"
	fi
else
	bad "make install DESTDIR failed: $(tail -3 "$tmp/log1")"
fi

root="$tmp/root"
if make -s install PREFIX="$root/usr" SYSCONFDIR="$root/etc" \
	UNITDIR="$root/unit" SYSUSERSDIR="$root/sysusers" >"$tmp/log2" 2>&1; then
	out=$("$root/usr/bin/tafeld" -n -c "$root/etc/tafel/tafel.json" 2>&1)
	if [ "$out" = "configuration OK" ]; then
		ok "installed tafeld -n accepts the installed tafel.json"
	else
		bad "installed tafeld -n: $out"
	fi
	if grep -q "ExecStart=$root/usr/bin/tafeld" "$root/unit/tafeld.service"; then
		ok "installed unit points at PREFIX"
	else
		bad "installed unit does not name $root/usr/bin/tafeld"
	fi
else
	bad "make install PREFIX=... failed: $(tail -3 "$tmp/log2")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
