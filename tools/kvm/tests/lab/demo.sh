#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo boot behind tools/kvm/scripts/quickstart: one guest, the lab's
# tiny kernel with a busybox initramfs, 2 vCPUs and 512 MiB, that reports
# what it sees and reboots.  Prints TAP like any lab test; the guest's
# console, lkvm's stderr, its exit status and wall time are copied into
# DEMO_OUT (under the nested lab the guest runs inside QEMU, so its
# console cannot be shown live).

. "$(dirname "$0")/lib.sh"

: "${DEMO_OUT:?DEMO_OUT: where the guest console goes}"

save_demo()
{
	local f

	for f in console stderr rc wall; do
		[ ! -f "$1/$f" ] || tr -d '\r' <"$1/$f" >"$DEMO_OUT/$f"
	done
	grep -q 'Hello from an lkvm guest' "$1/console"
	ok $? "the guest said hello"
}

lab_case demo --opts "-c 2 -m 512" --check save_demo --cmdline "loglevel=4" \
	--guest-sh '
echo "Hello from an lkvm guest: $(uname -sr) on $(uname -m)"
echo "CPUs online: $(cat /sys/devices/system/cpu/online)"
echo "Memory: $(sed -n "s/MemTotal: *//p" /proc/meminfo)"
echo "Command line: $(cat /proc/cmdline)"
echo "Clock source: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "PCI devices:"
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] && echo "  ${d##*/} $(cat $d/vendor):$(cat $d/device) class $(cat $d/class)"
done
echo "Serial ports: $(grep -c "uart:16550A" /proc/tty/driver/serial 2>/dev/null)"
echo "Up for $(cut -d" " -f1 /proc/uptime) s; rebooting, which ends lkvm."
'

lab_run
