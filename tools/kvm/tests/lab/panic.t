#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A guest kernel panic fails lkvm: Linux's pvpanic-pci driver (on arm64
# pvpanic-mmio, the device is in the device tree) reports it to lkvm's
# pvpanic device, lkvm says so on stderr and exits with 2 once
# the guest has rebooted (panic=-1) or, if it stays down (panic=0), after
# a grace period.  "echo c >/proc/sysrq-trigger" crashes the guest kernel
# for real.  A clean "reboot -f" ending with 0 is boot.t's reboot case.

. "$(dirname "$0")/lib.sh"

# The guest's last TAP lines must be out of the UART before the crash:
# with two CPUs, the tty's interrupt-driven output and the panic's
# console writes interleave in pieces (seen under lockdep in CI).
if [ "$LAB_ARCH" = x86 ]; then
	drv=/sys/bus/pci/drivers/pvpanic-pci
else
	drv=/sys/bus/platform/drivers/pvpanic-mmio
fi
crash='is "$(cat '$drv'/*/capability 2>&1)" 3 \
	"'${drv##*/}' bound to our device, offers PANICKED and CRASH_LOADED"
is "$(dmesg | grep -c "earlyprintk.*already used")" 0 \
	"no earlyprintk error at boot"
sleep 1
echo c >/proc/sysrq-trigger'

# A bound device is a link in the driver's directory, named by its PCI
# address (x86) or its device tree node (arm64: ADDRESS.pvpanic...).
nocrash='is "$(ls '$drv' | grep -c "[:.]")" 0 \
	"--no-pvpanic: no device for '${drv##*/}'"
sleep 1
echo c >/proc/sysrq-trigger'

# check_panic CASEDIR: lkvm's message, after the guest's own report.
check_panic()
{
	local name=${1##*/}

	name=${name#*-}
	grep -aq 'guest kernel panicked' "$1/stderr"
	ok $? "$name: lkvm says the guest kernel panicked"
	grep -aq 'Kernel panic - not syncing' "$1/console"
	ok $? "$name: the guest's panic report is on the console"
}

# A guest that halts after its panic: lkvm waits out the grace period
# (2 s), long enough for the end of the guest's report.
check_panic_halt()
{
	check_panic "$1"
	grep -aq 'end Kernel panic' "$1/console"
	ok $? "panic-halt: the guest's report came out to its end"
	[ "$(cat "$1/wall")" -ge 200 ]
	ok $? "panic-halt: lkvm waited for the grace period ($(cat "$1/wall")0 ms)"
}

check_no_pvpanic()
{
	! grep -aq 'panicked' "$1/stderr"
	ok $? "no-pvpanic: lkvm knows nothing of the panic"
}

lab_case panic --guest-sh "$crash" --no-end --rc 2 --check check_panic
lab_case panic-halt --guest-sh "$crash" --no-end --rc 2 \
	--cmdline "$LAB_CMDLINE_DEFAULT panic=0" --check check_panic_halt
lab_case panic-smp --guest-sh "$crash" --no-end --rc 2 --opts "-c 2" \
	--check check_panic
# Without the device the panic is only a reboot, as it was before pvpanic.
lab_case no-pvpanic --guest-sh "$nocrash" --no-end --opts "--no-pvpanic" \
	--check check_no_pvpanic

lab_run
