#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The device tree lkvm builds for an arm64 guest: "lkvm run --dump-dtb
# FILE" (in L1) writes it, the host's dtc decompiles it without errors,
# and it has what a guest kernel looks for: /cpus with one cpu node per
# vCPU, /memory, /psci, the architected timer, the GICv3 interrupt
# controller, the 8250 UART, virtio-mmio devices and /chosen with the
# command line.  Whether lkvm goes on to boot the guest after dumping
# or stops, it must end with status 0.

. "$(dirname "$0")/lib.sh"

[ "$LAB_ARCH" = arm64 ] || lab_skip_all "arm64 only: x86 guests have no device tree"
command -v dtc >/dev/null || lab_skip_all "no dtc (device-tree-compiler)"

# compat DTS STRING: a node of DTS is compatible with STRING (dtc shows a
# string list as "a", "b" or as "a\0b").
compat()
{
	grep -qE "compatible = .*(\"|\\\\0)$2(\"|\\\\0)" "$1"
}

check_dtb()
{
	local d=$1 name cpus=$2 dts=$1/guest.dts n

	name=${d##*/}
	name=${name#*-}
	[ -s "$d/guest.dtb" ]
	ok $? "$name: lkvm run --dump-dtb wrote the device tree" || return 0
	dtc -I dtb -O dts -o "$dts" "$d/guest.dtb" 2>"$d/dtc.err"
	ok $? "$name: dtc -I dtb -O dts decompiles it without errors" ||
		head -n 5 "$d/dtc.err" | sed 's/^/# /'
	[ ! -s "$d/dtc.err" ] ||
		diag "$name: dtc: $(wc -l <"$d/dtc.err") warning line(s), first: $(head -n 1 "$d/dtc.err")"
	[ -s "$dts" ] || return 0

	n=$(grep -cE '^		cpu@[0-9a-f]+ \{$' "$dts")
	grep -qE '^	cpus \{$' "$dts" && [ "$n" = "$cpus" ]
	ok $? "$name: /cpus with $cpus cpu node(s) (found $n)"
	grep -qE '^	memory(@[0-9a-f]+)? \{$' "$dts" &&
		grep -q 'device_type = "memory";' "$dts"
	ok $? "$name: /memory"
	grep -qE '^	psci \{$' "$dts" && compat "$dts" 'arm,psci(-[0-9.]+)?'
	ok $? "$name: /psci"
	compat "$dts" arm,armv8-timer
	ok $? "$name: the architected timer (arm,armv8-timer)"
	compat "$dts" arm,gic-v3 && grep -q 'interrupt-controller;' "$dts"
	ok $? "$name: a GICv3 interrupt-controller"
	compat "$dts" 'ns16550a?'
	ok $? "$name: the 8250 UART (ns16550a)"
	compat "$dts" virtio,mmio
	ok $? "$name: virtio_mmio devices (virtio,mmio)"
	grep -qE '^	chosen \{$' "$dts" && grep -q 'bootargs = ".*lab.dtb=1' "$dts"
	ok $? "$name: /chosen with the command line in bootargs"
	if compat "$dts" pci-host-ecam-generic; then
		diag "$name: a PCI ECAM host bridge is described"
	fi
}

check_dtb_1() { check_dtb "$1" 1; }
check_dtb_2() { check_dtb "$1" 2; }

opts="--rng --virtio-transport mmio --dump-dtb guest.dtb"
cmdline="$LAB_CMDLINE_DEFAULT lab.dtb=1"
lab_case dtb-1cpu --opts "-c 1 $opts" --cmdline "$cmdline" --no-end --check check_dtb_1
lab_case dtb-2cpu --opts "-c 2 $opts" --cmdline "$cmdline" --no-end --check check_dtb_2

lab_run
