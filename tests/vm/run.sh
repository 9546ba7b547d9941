#!/bin/bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the tafel authors
#
# GPIO tests on a real kernel GPIO chip: boots a tiny Linux with gpio-sim in
# qemu (no KVM) and runs the real tafeld against simulated lines.
#
#     tests/vm/run.sh [path/to/tafeld]        (default build/tafeld)
#
# 1. Installs the Debian packages in tests/vm/PACKAGES when missing (as
#    root; otherwise prints the apt-get line and fails).
# 2. Builds a kernel from Debian's linux-source-6.1: `make tinyconfig` plus
#    tests/vm/kernel.config.  Cached as build/vm/bzImage-HASH, HASH covering
#    kernel.config and the linux-source package version, so editing the
#    fragment rebuilds; the source tree stays in build/vm/linux so that a
#    rebuild after a config change takes seconds, not minutes.
# 3. Packs an initramfs (build/vm/initramfs.cpio.gz): busybox-static, tafeld
#    and every shared library it and DirectFB's plugins load (from ldd),
#    libgpiod's tools and jq for the checks, the repo's fonts, and
#    tests/vm/init + tests/vm/checks.sh.
# 4. Boots it; /init sets up gpio-sim through configfs and runs the checks,
#    which print "PASS name: why" or "FAIL name: why" on the serial console
#    and end with a marker line.  The console is kept in build/vm/console.log.
#
# The last line is "N passed, N failed"; the exit code is 1 when anything
# failed, including a VM that did not reach the end marker in time, and
# any command of the setup that fails (an ERR trap turns it into "FAIL
# vm-setup: line N: COMMAND exited RC" and "0 passed, 1 failed").
#
# Environment: VM_JOBS (kernel make -j, default 2), VM_TIMEOUT (seconds for
# the whole VM run, default 300), VM_DIR (default build/vm).
set -Eeuo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

TAFELD=${1:-build/tafeld}
VM=${VM_DIR:-build/vm}
JOBS=${VM_JOBS:-2}
VM_TIMEOUT=${VM_TIMEOUT:-300}
TARBALL=/usr/src/linux-source-6.1.tar.xz
DFB_PLUGINS=/usr/lib/x86_64-linux-gnu/directfb-1.7-7
END_MARKER="tafel-vm: checks done"

say() { echo "vm: $*"; }

TOP=$BASHPID

# A failure before the VM ran: one failed check, the closing line, exit 1.
# In a subshell (a command substitution, a pipeline) only the reason, on
# stderr: the main shell's trap then prints the closing line once.
die() {
	if [ "$BASHPID" != "$TOP" ]; then
		echo "vm: $*" >&2
		exit 1
	fi
	echo "FAIL vm-setup: $*"
	echo "0 passed, 1 failed"
	exit 1
}
trap 'die "line $LINENO: \"$BASH_COMMAND\" exited $?"' ERR

packages() {
	local pkgs missing='' installed p
	mapfile -t pkgs < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' \
		"$here/PACKAGES")
	installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" \
		2>/dev/null || true)
	for p in "${pkgs[@]}"; do
		case $'\n'$installed$'\n' in
		*$'\n'"$p install ok installed"$'\n'*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "vm: missing Debian packages:$missing; run:" >&2
		echo "sudo apt-get install -y --no-install-recommends$missing" >&2
		die "missing packages:$missing"
	fi
	say "installing$missing"
	apt-get update >/dev/null
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

# The options of kernel.config as CONFIG_X=y lines, without comments.
fragment() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/kernel.config"
}

# Make for the kernel tree, without the variables of a calling make
# (`make test-vm B=...` would otherwise reach the kernel's Makefile).
kmake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS \
		-u CPPFLAGS -u CC -u B make -C "$VM/linux" "$@"
}

kernel() {
	local ver key src=$VM/linux t0 opt
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	key=$({ fragment; echo "linux-source-6.1 $ver"; } | sha256sum |
		cut -c1-16)
	KERNEL=$VM/bzImage-$key
	if [ -f "$KERNEL" ]; then
		say "kernel: cached $KERNEL"
		return
	fi
	[ -f "$TARBALL" ] || die "$TARBALL missing (package linux-source-6.1)"
	t0=$(date +%s)
	if [ "$(cat "$src/.tafel-source" 2>/dev/null)" != "$ver" ]; then
		say "kernel: extracting $TARBALL into $src"
		rm -rf "$src"
		mkdir -p "$src"
		# Only what an x86 build reads: no documentation but its
		# Kconfig, no other architecture but the crypto Kconfig files
		# that crypto/Kconfig sources, no amdgpu register headers
		# (390 MB), no perf or selftests.
		tar -xJf "$TARBALL" -C "$src" --strip-components=1 \
			--no-wildcards-match-slash \
			--exclude='linux-source-6.1/Documentation/[!K]*' \
			--exclude='linux-source-6.1/arch/[!xK.]*/[!c]*' \
			--exclude='linux-source-6.1/arch/[!xK.]*/c[!r]*' \
			--exclude='linux-source-6.1/arch/[!xK.]*/crypto/[!K]*' \
			--exclude='linux-source-6.1/arch/xtensa' \
			--exclude='linux-source-6.1/drivers/gpu/drm/amd/include/asic_reg' \
			--exclude='linux-source-6.1/tools/perf' \
			--exclude='linux-source-6.1/tools/testing' ||
			die "extracting $TARBALL failed"
		echo "$ver" >"$src/.tafel-source"
	fi
	say "kernel: tinyconfig + tests/vm/kernel.config, make -j$JOBS bzImage"
	{
		kmake tinyconfig &&
			fragment >>"$src/.config" &&
			kmake olddefconfig
	} >"$VM/kernel-config.log" 2>&1 ||
		die "kernel config failed: $VM/kernel-config.log"
	# An option whose dependencies are missing is dropped silently by
	# olddefconfig: refuse to build a kernel that lacks one.
	while read -r opt; do
		grep -qx "$opt" "$src/.config" ||
			die "kernel: $opt did not survive olddefconfig" \
				"(a dependency is missing from kernel.config)"
	done < <(fragment)
	kmake -j"$JOBS" bzImage >"$VM/kernel-build.log" 2>&1 || {
		tail -20 "$VM/kernel-build.log"
		die "kernel build failed: $VM/kernel-build.log"
	}
	# The tafel Makefile includes every *.d under build/; kbuild leaves
	# a few of its own (make syntax for another tree): drop them.
	find "$src" -name '*.d' -delete
	cp "$src/arch/x86/boot/bzImage" "$KERNEL.part"
	mv "$KERNEL.part" "$KERNEL"
	cp "$src/.config" "$KERNEL.config"
	# Kernels of other fragments are not kept: the tree rebuilds them
	# incrementally.
	find "$VM" -maxdepth 1 -name 'bzImage-*' ! -name "${KERNEL##*/}" \
		! -name "${KERNEL##*/}.config" -delete
	say "kernel: built $KERNEL in $(($(date +%s) - t0)) s"
}

# Copy files into the initramfs root at the same paths, following links.
put() {
	local f
	for f in "$@"; do
		mkdir -p "$ROOT$(dirname "$f")"
		cp -L "$f" "$ROOT$f"
	done
}

# The shared libraries (and the dynamic loader) of ELF files, from ldd.
libs_of() {
	ldd "$@" 2>/dev/null | awk '
		NF == 1 && /:$/ { next }
		/not found/ { print "MISSING " $1; next }
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' | sort -u
}

initramfs() {
	local libs t0 plugins
	t0=$(date +%s)
	ROOT=$VM/initramfs
	rm -rf "$ROOT"
	mkdir -p "$ROOT"/{bin,dev,etc,proc,sys,tmp,run,usr/bin,sbin} \
		"$ROOT/tafel"
	cp /bin/busybox "$ROOT/bin/busybox"
	ln -s busybox "$ROOT/bin/sh"
	put "$TAFELD_ABS"
	mv "$ROOT$TAFELD_ABS" "$ROOT/usr/bin/tafeld"
	put /usr/bin/gpiodetect /usr/bin/gpioinfo /usr/bin/gpioget \
		/usr/bin/gpioset /usr/bin/jq
	mkdir -p "$ROOT$DFB_PLUGINS"
	cp -a "$DFB_PLUGINS/." "$ROOT$DFB_PLUGINS/"
	# glibc loads libgcc_s when a thread exits through pthread_exit/cancel.
	mapfile -t plugins < <(find "$DFB_PLUGINS" -name '*.so')
	libs=$(libs_of "$TAFELD_ABS" /usr/bin/gpioinfo /usr/bin/jq \
		"${plugins[@]}" /lib/x86_64-linux-gnu/libgcc_s.so.1)
	if grep -q '^MISSING' <<<"$libs"; then
		die "unresolved libraries: $(grep '^MISSING' <<<"$libs" |
			tr '\n' ' ')"
	fi
	# shellcheck disable=SC2086 # one path per word
	put $libs
	put /usr/share/zoneinfo/UTC
	mkdir -p "$ROOT/tafel/fonts"
	cp fonts/*.bdf "$ROOT/tafel/fonts/"
	cp "$here/layout.json" "$ROOT/tafel/layout.json"
	install -m 755 "$here/init" "$ROOT/init"
	install -m 644 "$here/checks.sh" "$ROOT/tafel/checks.sh"
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$ROOT/etc/passwd"
	printf 'root:x:0:\n' >"$ROOT/etc/group"
	printf '127.0.0.1 localhost\n' >"$ROOT/etc/hosts"
	INITRD=$VM/initramfs.cpio.gz
	(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -1 >"$INITRD.part"
	mv "$INITRD.part" "$INITRD"
	rm -rf "$ROOT"
	say "initramfs: $INITRD, $(du -k "$INITRD" | cut -f1) KiB," \
		"$(($(date +%s) - t0)) s"
}

boot() {
	local t0
	LOG=$VM/console.log
	say "booting (qemu, no KVM, timeout ${VM_TIMEOUT} s)"
	t0=$(date +%s)
	rm -f "$VM/qemu.rc"
	{
		rc=0
		timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -m 512 \
			-nographic -nic none -no-reboot -kernel "$KERNEL" \
			-initrd "$INITRD" -append "console=ttyS0 quiet panic=-1" \
			</dev/null 2>&1 || rc=$?
		echo "$rc" >"$VM/qemu.rc"
	} | sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' \
		-e 's/\x1bc//g' | tee "$LOG"
	QEMU_RC=$(cat "$VM/qemu.rc")
	say "qemu exited $QEMU_RC after $(($(date +%s) - t0)) s; console in $LOG"
}

main() {
	local passed failed
	packages
	[ -x "$TAFELD" ] || die "$TAFELD: no such program (make first)"
	TAFELD_ABS=$(realpath "$TAFELD")
	mkdir -p "$VM"
	# One run at a time per build folder: they share the kernel tree.
	exec 9>"$VM/lock"
	flock 9
	kernel
	initramfs
	boot
	passed=$(grep -c '^PASS ' "$LOG" || true)
	failed=$(grep -c '^FAIL ' "$LOG" || true)
	if ! grep -qx "$END_MARKER" "$LOG"; then
		echo "FAIL vm: no \"$END_MARKER\" on the console (qemu exit" \
			"$QEMU_RC; timeout, kernel panic or a hung check?)"
		failed=$((failed + 1))
	elif [ "$QEMU_RC" -ne 0 ]; then
		echo "FAIL vm: qemu exited $QEMU_RC"
		failed=$((failed + 1))
	elif [ "$passed" -eq 0 ]; then
		echo "FAIL vm: no check ran"
		failed=$((failed + 1))
	fi
	if [ "$failed" -ne 0 ]; then
		echo "vm: failed checks:"
		grep '^FAIL ' "$LOG" || true
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] || exit 1
}

main
