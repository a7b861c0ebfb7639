#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# arm64 on a host whose KVM can only emulate a GICv2: L1 gets a GICv2
# with its virtualization extensions (LAB_L1_GIC=2), so creating a vGICv3
# fails there and lkvm must fall back.  The guest must then see a GICv2
# (Linux names it GIC-0 in /proc/interrupts), its device tree must
# describe one (arm,cortex-a15-gic, the timer's PPIs with a CPU mask, no
# ITS), its secondaries must come up, and with no ITS for MSIs the PCI
# devices must work on INTx.  More than 8 vCPUs is refused, as a GICv2
# has no room for them (KVM says so first).

export LAB_L1_GIC=2
. "$(dirname "$0")/lib.sh"

[ "$LAB_ARCH" = arm64 ] || lab_skip_all "arm64 only: the GICv2 fallback"
[ "$lab_mode" = nested ] ||
	lab_skip_all "needs the nested lab: this host's own GIC is what KVM emulates"
command -v dtc >/dev/null || lab_skip_all "no dtc (device-tree-compiler)"

tmp=$lab_work/gicv2-t
mkdir -p "$tmp"
head -c 2097152 /dev/urandom >"$tmp/data.img"
sha=$(sha256sum <"$tmp/data.img" | cut -d' ' -f1)

check_dtb()
{
	local d=$1 dts=$1/guest.dts

	dtc -I dtb -O dts -o "$dts" "$d/guest.dtb" 2>/dev/null
	ok $? "dtb: dtc decompiles the GICv2 machine's device tree" || return 0
	grep -q 'compatible = "arm,cortex-a15-gic"' "$dts"
	ok $? "dtb: the interrupt controller is a GICv2 (arm,cortex-a15-gic)"
	! grep -qE 'arm,gic-v3|msi-parent' "$dts"
	ok $? "dtb: no GICv3, no ITS, no msi-parent"
	# Two vCPUs: the PPIs' flags carry a CPU mask of 0x3 (bits 8-9).
	grep -A 3 'arm,armv8-timer' "$dts" | grep -qE 'interrupts = <0x01 0x0d 0x3[0-9a-f]{2}'
	ok $? "dtb: the timer's PPIs name both CPUs in their mask" ||
		grep -A 3 'arm,armv8-timer' "$dts" | sed 's/^/# /'
}

check_fallback()
{
	grep -aq 'GICv2' "$1/stderr"
	ok $? "lkvm says it fell back to a GICv2" ||
		tail -n 3 "$1/stderr" | sed 's/^/# /'
}

# KVM itself says 8 (KVM_CAP_MAX_VCPUS) once it has only a vGICv2.
check_too_many()
{
	grep -aq 'at most 8 vCPUs' "$1/stderr"
	ok $? "-c 9: refused, at most 8 vCPUs with a GICv2" ||
		tail -n 3 "$1/stderr" | sed 's/^/# /'
}

guest_gic='run "the guest has a GICv2 (GIC-0 in /proc/interrupts)" grep -q GIC-0 /proc/interrupts
run "no GICv3 in the guest" sh -c "! grep -q GICv3 /proc/interrupts"'

guest_pci='i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
is "$(sha256sum </dev/vda | cut -d" " -f1)" "$WANT_SHA" "virtio-blk over PCI reads the host image"
is "$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c)" 32 "virtio-rng over PCI gives data"
run "the virtio interrupts are the GIC'"'"'s lines (INTx), not MSIs" sh -c "grep virtio /proc/interrupts | grep -q GIC-0 && ! grep -q MSI /proc/interrupts"'

lab_case smp-1 --guest-sh "$guest_gic
$(cat "$LAB_DIR/guest/smp.sh")" --opts "-c 1" --env CPUS=1 --check check_fallback
lab_case smp-2 --guest-sh "$guest_gic
$(cat "$LAB_DIR/guest/smp.sh")" --opts "-c 2" --env CPUS=2
lab_case dtb --opts "-c 2 --dump-dtb guest.dtb" --no-end --check check_dtb
lab_case pci-intx --guest-sh "$guest_pci" --file "$tmp/data.img" \
	--opts "-c 2 -d data.img,ro --rng --virtio-transport pci" --env "WANT_SHA=$sha"
lab_case too-many-vcpus --opts "-c 9" --rc nonzero --no-end --check check_too_many
lab_case debian --kernel debian --guest-sh "$guest_gic
$(cat "$LAB_DIR/guest/smp.sh")" --opts "-m 256 -c 2" --env CPUS=2 --timeout 120

lab_run
