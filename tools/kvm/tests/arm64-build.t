#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm cross-builds for arm64 with every optional feature, and the arm64
# binary has none of the PC's devices in it: generic code that only
# builds (or only works) on x86 fails here.  Needs gcc-aarch64-linux-gnu
# and the :arm64 -dev packages; skipped without the cross compiler.
# The build is kept in the output directory (arm64-cross/), so a second
# run only rebuilds what changed.

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
out=${LKVM_OUTPUT:-$srcdir/}arm64-cross
cross=aarch64-linux-gnu-
. "$srcdir/tests/tap.sh"

skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

command -v ${cross}gcc >/dev/null || skip_all "no ${cross}gcc (gcc-aarch64-linux-gnu)"

echo "1..6"

log=$(mktemp /tmp/lkvm-arm64-build.XXXXXX)
trap 'rm -f "$log"' EXIT

make -s -C "$srcdir" ARCH=arm64 CROSS_COMPILE=$cross O="$out" WERROR=1 \
	-j"$(nproc)" >"$log" 2>&1
ok $? "make ARCH=arm64 CROSS_COMPILE=$cross WERROR=1" || sed 's/^/# /' "$log"

! grep -q '\[ off \]' "$log"
ok $? "every optional feature is on for arm64" ||
	grep -E '\[ off \]|Not found' "$log" | sed 's/^/# /'

lkvm=$out/lkvm
${cross}readelf -h "$lkvm" 2>/dev/null | grep -q 'Machine:.*AArch64'
ok $? "the binary is an AArch64 executable"

${cross}readelf -d "$lkvm" 2>/dev/null | grep -q 'libfdt'
ok $? "it links libfdt (the device tree)"

! ${cross}nm "$lkvm" 2>/dev/null | grep -qE ' (i8042__init|rtc__init|bzimage_load|mptable)'
ok $? "no PC devices or x86 boot code in it"

! grep -qa 'virtio_mmio.device=' "$lkvm"
ok $? "virtio-mmio devices are not put on the kernel command line"
