#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/install-deps: its list (--print) has the native build's
# libraries and, on amd64, the arm64 port's cross compiler, multiarch
# libraries, QEMU and dtc; and where both compilers are installed, each
# links lkvm's libfdt (libfdt-dev:arm64 would have replaced the native
# libfdt-dev, so install-deps takes the native one and links the arm64
# runtime library for the cross build).

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
. "$srcdir/tests/tap.sh"
tmp=$(mktemp -d /tmp/lkvm-install-deps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

native=$(dpkg --print-architecture 2>/dev/null) || { echo "1..0 # SKIP no dpkg"; exit 0; }
"$srcdir/scripts/install-deps" --print >"$tmp/list"
ok $? "install-deps --print"
grep -qx "libfdt-dev:$native" "$tmp/list" && ! grep -qx 'libfdt-dev:arm64' "$tmp/list"
ok $? "libfdt-dev is the native one ($native), never :arm64"
if [ "$native" = amd64 ]; then
	for p in gcc-aarch64-linux-gnu qemu-system-arm qemu-user device-tree-compiler \
		 libfdt1:arm64 libelf-dev:arm64 libdw-dev:arm64 liburing-dev:arm64 \
		 libseccomp-dev:arm64 libslirp-dev:arm64 zlib1g-dev:arm64; do
		grep -qx "$p" "$tmp/list" || echo "# missing $p"
	done >"$tmp/missing"
	! [ -s "$tmp/missing" ]
	ok $? "the arm64 port's packages are listed" || cat "$tmp/missing"
else
	skip 1 "not an amd64 machine: no arm64 cross packages"
fi

printf '#include <libfdt.h>\nint main(void) { return fdt_check_header((void *)0); }\n' >"$tmp/fdt.c"
for cc in cc aarch64-linux-gnu-gcc; do
	if ! command -v $cc >/dev/null || ! [ -f /usr/include/libfdt.h ]; then
		skip 1 "$cc links -lfdt: no $cc or no libfdt.h (install-deps)"
		continue
	fi
	$cc -o "$tmp/fdt" "$tmp/fdt.c" -lfdt 2>"$tmp/err"
	ok $? "$cc links -lfdt" || sed 's/^/# /' "$tmp/err"
done
tap_done
