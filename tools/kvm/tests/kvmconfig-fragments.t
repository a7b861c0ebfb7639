#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fragments scripts/kvmconfig merges (--fragments, no kernel tree
# needed): tools/kvm/config/common.config, the "kvmconfig:" lines of
# each source the Makefile builds for the architecture, then the
# architecture's .config; a new device file plus its Makefile line
# brings its options along, and a malformed line is refused with its
# file and line.  Merging them into a kernel tree: tests/lab/kvmconfig.t.

# Only this test's make runs, not the outer one's flags.
unset MAKEFLAGS MAKELEVEL MAKEOVERRIDES MFLAGS O V

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
repo=$(cd "$srcdir/../.." && pwd)
kc=$repo/scripts/kvmconfig
tmp=$(mktemp -d /tmp/lkvm-kvmconfig.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"

# section FILE OUTPUT: the lines of FILE's fragment in OUTPUT.
section()
{
	awk -v h="# from $1" '$0 == h { on = 1; next } /^# from / { on = 0 } on' "$2"
}

# has FILE OUTPUT LINE...: FILE's fragment holds every LINE.
has()
{
	local file=$1 out=$2 line

	shift 2
	for line in "$@"; do
		section "$file" "$out" | grep -qx -e "$line" || return 1
	done
}

"$kc" --fragments --arch x86 >"$tmp/x86" 2>"$tmp/err"
ok $? "--fragments --arch x86" || sed 's/^/# /' "$tmp/err"
# From inside a make (the lab's kernel cache key is computed under make
# check), whose flags ask for "Entering directory" lines.
MAKEFLAGS="w -j2 --jobserver-auth=3,4 -- WERROR=1" MAKELEVEL=1 "$kc" --fragments --arch x86 \
	>"$tmp/x86-in-make" 2>"$tmp/err"
[ $? = 0 ] && cmp -s "$tmp/x86" "$tmp/x86-in-make"
ok $? "--fragments inside a make gives the same" || sed 's/^/# /' "$tmp/err"
froms=$(grep '^# from ' "$tmp/x86")
[ "$(echo "$froms" | head -n 1)" = "# from tools/kvm/config/common.config" ] &&
	[ "$(echo "$froms" | tail -n 1)" = "# from tools/kvm/config/x86.config" ]
ok $? "common.config first, x86.config last"
has tools/kvm/virtio/rng.c "$tmp/x86" CONFIG_HW_RANDOM=y CONFIG_HW_RANDOM_VIRTIO=y &&
	! section tools/kvm/virtio/rng.c "$tmp/x86" | grep -q optional
ok $? "virtio/rng.c brings its options, all required"
section tools/kvm/virtio/9p.c "$tmp/x86" |
	sed -n '/^CONFIG_9P_FS=y$/,/^CONFIG_9P_FS_POSIX_ACL=y$/p' | grep -q '^# \[optional\]$'
ok $? "virtio/9p.c: its optional options after the marker"
has tools/kvm/virtio/balloon.c "$tmp/x86" CONFIG_VIRTIO_BALLOON=y &&
	[ "$(grep -c '^CONFIG_VIRTIO_BALLOON=' "$tmp/x86")" = 1 ]
ok $? "virtio/balloon.c brings CONFIG_VIRTIO_BALLOON, common.config no longer"
has tools/kvm/x86/pvh.c "$tmp/x86" CONFIG_PVH=y
ok $? "x86/pvh.c, in the arch directory, brings CONFIG_PVH"
! grep -q '^# from tools/kvm/\(builtin-help\|iovec\)\.c$' "$tmp/x86"
ok $? "sources without kvmconfig lines have no fragment"

"$kc" --fragments --arch arm64 >"$tmp/arm64" 2>"$tmp/err"
ok $? "--fragments --arch arm64" || sed 's/^/# /' "$tmp/err"
! grep -q '^# from tools/kvm/x86/' "$tmp/arm64" &&
	has tools/kvm/virtio/rng.c "$tmp/arm64" CONFIG_HW_RANDOM_VIRTIO=y &&
	[ "$(grep '^# from ' "$tmp/arm64" | tail -n 1)" = "# from tools/kvm/config/arm64.config" ]
ok $? "arm64: the generic devices' options, none of x86/"
section tools/kvm/config/arm64.config "$tmp/arm64" | sed '/^# \[optional\]$/,$d' >"$tmp/arm64-req"
for o in CONFIG_SERIAL_OF_PLATFORM CONFIG_SERIAL_EARLYCON CONFIG_PCI_HOST_GENERIC \
	 CONFIG_ARM_GIC_V3 CONFIG_ARM_GIC_V3_ITS CONFIG_ARM_ARCH_TIMER CONFIG_ARM_PSCI_FW \
	 CONFIG_PVPANIC_MMIO; do
	grep -qx "$o=y" "$tmp/arm64-req" || { echo "# missing $o"; false; }
done >"$tmp/arm64-missing"
! [ -s "$tmp/arm64-missing" ]
ok $? "arm64.config requires the UART's DT probe, ECAM, GICv3+ITS, timer, PSCI, pvpanic-mmio" ||
	cat "$tmp/arm64-missing"
has tools/kvm/virtio/mmio.c "$tmp/arm64" CONFIG_VIRTIO_MMIO=y &&
	has tools/kvm/hw/serial.c "$tmp/arm64" CONFIG_SERIAL_8250_CONSOLE=y &&
	has tools/kvm/virtio/9p.c "$tmp/arm64" CONFIG_9P_FS=y
ok $? "arm64: virtio-mmio, the 8250 console and 9p come from their devices"
! grep -q '^CONFIG_\(RTC_DRV_CMOS\|SERIO_I8042\|PVH\|X86_[A-Z_]*\|KVM_GUEST\)=' "$tmp/arm64"
ok $? "arm64: no x86-only option (CMOS RTC, i8042, PVH, APICs, kvmclock)"
! grep -q '^CONFIG_\(ARM_[A-Z0-9_]*\|SERIAL_OF_PLATFORM\|PVPANIC_MMIO\)=' "$tmp/x86"
ok $? "x86: none of arm64.config's options"

# A copy with a new device: one file, then one Makefile line.
copy=$tmp/repo
mkdir -p "$copy/scripts" "$copy/tools/kvm/virtio"
cp "$kc" "$copy/scripts/"
(cd "$srcdir" && cp --parents -t "$copy/tools/kvm" Makefile config/*.config virtio/rng.c)
cat >"$copy/tools/kvm/virtio/foo.c" <<'EOF'
/*
 * virtio-foo: a new device.
 *
 * kvmconfig: CONFIG_VIRTIO_FOO=y
 * kvmconfig optional: CONFIG_VIRTIO_FOO_FAST=y
 */
EOF
"$copy/scripts/kvmconfig" --fragments --arch x86 >"$tmp/copy" 2>"$tmp/err"
[ $? = 0 ] && ! grep -q VIRTIO_FOO "$tmp/copy"
ok $? "a file the Makefile does not build brings nothing" || sed 's/^/# /' "$tmp/err"
sed -i 's|^OBJS += virtio/rng\.o$|&\nOBJS += virtio/foo.o|' "$copy/tools/kvm/Makefile"
"$copy/scripts/kvmconfig" --fragments --arch x86 >"$tmp/copy" 2>"$tmp/err"
[ $? = 0 ] && has tools/kvm/virtio/foo.c "$tmp/copy" CONFIG_VIRTIO_FOO=y '# \[optional\]' \
	CONFIG_VIRTIO_FOO_FAST=y
ok $? "with its Makefile line, it brings its options" || sed 's/^/# /' "$tmp/err"

sed -i 's/^ \* kvmconfig: CONFIG_VIRTIO_FOO=y$/ * kvmconfig: VIRTIO_FOO/' "$copy/tools/kvm/virtio/foo.c"
"$copy/scripts/kvmconfig" --fragments --arch x86 >"$tmp/copy" 2>"$tmp/err"
[ $? != 0 ] && grep -q 'tools/kvm/virtio/foo.c:4: .*"VIRTIO_FOO" is not CONFIG_NAME=VALUE' "$tmp/err"
ok $? "a malformed option is refused, naming its file and line" || sed 's/^/# /' "$tmp/err"
sed -i 's/^ \* kvmconfig: VIRTIO_FOO$/ * kvmconfig optinal: CONFIG_VIRTIO_FOO=y/' \
	"$copy/tools/kvm/virtio/foo.c"
"$copy/scripts/kvmconfig" --fragments --arch x86 >"$tmp/copy" 2>"$tmp/err"
[ $? != 0 ] && grep -q 'tools/kvm/virtio/foo.c:4: .*only "kvmconfig:" or "kvmconfig optional:"' "$tmp/err"
ok $? "so is a misspelled kind" || sed 's/^/# /' "$tmp/err"

tap_done
