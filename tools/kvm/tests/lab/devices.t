#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Legacy devices and the PCI host bridge, seen from a real guest kernel:
# 8250 probe and IRQs, i8042 probe, the CMOS clock against the lab
# machine's clock, the host bridge in sysfs, and reboot through the i8042
# (on arm64: the 8250 on MMIO and the host bridge; see guest/devices.sh).

. "$(dirname "$0")/lib.sh"

# The guest's clock at /init (its "lab-time" line) against L1's just
# before the guest booted (pre.log) and just after lkvm ended: the guest
# took its time from the emulated RTC, so it lies between the two (a
# fixed bound failed on a busy machine, where a boot takes 30 s).
post='g=$(tr -d "\r" <console | sed -n "s/^lab-time \([0-9]*\)$/\1/p")
l=$(cat pre.log)
e=$(date +%s)
d=$(( ${g:-0} - ${l:-0} ))
ok $([ -n "$g" ] && [ $d -ge -2 ] && [ "$g" -le $((e + 2)) ]; echo $?) "guest date matches the host (${d}s after the start, run took $((e - l))s)"'

# arm64 guests have no RTC to take their time from.
clock=(--pre 'date +%s' --post "$post")
if [ "$LAB_ARCH" != x86 ]; then
	clock=()
	lab_skip "devices, devices-debian: guest date matches the host: x86 only (CMOS RTC)"
fi

lab_case devices --guest guest/devices.sh "${clock[@]}"
lab_case devices-debian --kernel debian --guest guest/devices.sh \
	--opts "-m 256" --timeout 60 "${clock[@]}"

lab_run
