#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kvmconfig on the lab's kernel source (no guest is booted):
# tinyconfig + fragments sticks, for x86_64 and for arm64 (cross), a
# second run changes nothing, and a required option that cannot be set
# fails the run and is named.

. "$(dirname "$0")/kernels.sh"

n=0
t()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
	return "$1"
}

src=$(lab_ksrc) || { echo "1..0 # SKIP no kernel source ($LAB_KSRC_TAR)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kc=$LAB_TREE/scripts/kvmconfig

"$kc" --tiny -O "$tmp/o" "$src" >"$tmp/log1" 2>&1
t $? "kvmconfig --tiny succeeds on $(basename "$src")"
grep -q '^CONFIG_64BIT=y' "$tmp/o/.config" && grep -q '^CONFIG_PVH=y' "$tmp/o/.config" &&
	grep -q '^CONFIG_VIRTIO_BLK=y' "$tmp/o/.config" && ! grep -q '^CONFIG_MODULES=y' "$tmp/o/.config"
t $? "tiny x86_64 config has 64BIT, PVH, VIRTIO_BLK built in"

cp "$tmp/o/.config" "$tmp/config.1"
"$kc" --tiny -O "$tmp/o" "$src" >"$tmp/log2" 2>&1
t $? "second run succeeds"
cmp -s "$tmp/config.1" "$tmp/o/.config"
t $? "second run changes nothing"

# An arm64 tree: the same source, cross-configured.
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	"$kc" --tiny --arch arm64 -O "$tmp/a" "$src" >"$tmp/log-arm64" 2>&1
	t $? "kvmconfig --tiny --arch arm64 succeeds" || sed 's/^/# /' "$tmp/log-arm64"
	for o in ARM64 SERIAL_8250_CONSOLE SERIAL_OF_PLATFORM VIRTIO_MMIO PCI_HOST_GENERIC \
		 VIRTIO_PCI ARM_GIC_V3_ITS ARM_ARCH_TIMER ARM_PSCI_FW PVPANIC_MMIO 9P_FS \
		 DEVTMPFS RD_GZIP; do
		grep -q "^CONFIG_$o=y" "$tmp/a/.config" || echo "# CONFIG_$o missing"
	done >"$tmp/arm64-missing"
	grep -q '^CONFIG_MODULES=y' "$tmp/a/.config" && echo "# CONFIG_MODULES=y"
	! [ -s "$tmp/arm64-missing" ] && ! grep -q '^CONFIG_MODULES=y' "$tmp/a/.config"
	t $? "tiny arm64 config has the DT UART, virtio-mmio and -pci, GICv3 ITS, PSCI, pvpanic-mmio built in" ||
		cat "$tmp/arm64-missing"
else
	n=$((n + 2))
	echo "ok $((n - 1)) # SKIP no aarch64-linux-gnu-gcc (install-deps)"
	echo "ok $n # SKIP no aarch64-linux-gnu-gcc (install-deps)"
fi

# A copy of the script and of what it reads (the fragments, the Makefile
# and the sources it builds), whose fragments ask for options no kernel has.
mkdir -p "$tmp/repo/scripts" "$tmp/repo/tools/kvm"
cp "$kc" "$tmp/repo/scripts/"
# (Not with make check's make flags: their "Entering directory" lines
# would be taken for sources.)
(cd "$LAB_TREE/tools/kvm" && cp --parents -t "$tmp/repo/tools/kvm" Makefile config/*.config \
	$(MAKEFLAGS= MFLAGS= MAKELEVEL= make -s --no-print-directory ARCH=x86 O= \
	  kvmconfig-sources)) ||
	{ echo "Bail out! cannot copy lkvm's sources for the kvmconfig test"; exit 1; }
sed -i 's/^CONFIG_RTC_CLASS=y/&\nCONFIG_LAB_NO_SUCH_OPTION=y/' "$tmp/repo/tools/kvm/config/common.config"
echo "CONFIG_LAB_NO_SUCH_OPTIONAL=y" >>"$tmp/repo/tools/kvm/config/x86.config"
"$tmp/repo/scripts/kvmconfig" -O "$tmp/o" "$src" >"$tmp/log3" 2>&1
t $((! $?)) "a required option that does not stick fails the run"
grep -q 'required CONFIG_LAB_NO_SUCH_OPTION:' "$tmp/log3" &&
	grep -q 'optional CONFIG_LAB_NO_SUCH_OPTIONAL:' "$tmp/log3"
t $? "missing options are named, required and optional"

sed -i '/LAB_NO_SUCH_OPTION=/d' "$tmp/repo/tools/kvm/config/common.config"
"$tmp/repo/scripts/kvmconfig" -O "$tmp/o" "$src" >"$tmp/log4" 2>&1
t $? "a missing optional option alone does not fail the run"
echo "1..$n"
