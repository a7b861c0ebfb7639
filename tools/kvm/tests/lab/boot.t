#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot tests: real kernels under lkvm, checked from what the guest saw.
#
# The triple fault is real and needs no special image: "reboot=t" makes
# the guest kernel reboot by loading an empty IDT and raising int3, which
# the CPU escalates to a triple fault (shutdown).  lkvm must report that
# as a failure, while a normal "reboot -f" (through the i8042 reset line;
# on arm64 a PSCI SYSTEM_RESET) must end it with status 0.
#
# With LAB_ARCH=arm64 the same cases run on arm64, but PVH, the triple
# fault and the port I/O exit counts, which are x86's.

. "$(dirname "$0")/lib.sh"

tmp=$lab_work/boot-t
mkdir -p "$tmp"

lab_case "$([ "$LAB_ARCH" = x86 ] && echo bzimage || echo image)" --kernel tiny \
	--guest guest/boot.sh
lab_case pvh-vmlinux --kernel tiny-pvh --guest guest/boot.sh --needs libelf
# Debian's stock kernel, with 2 vCPUs and with 1.
boot_smp=$(cat "$LAB_DIR/guest/boot.sh" "$LAB_DIR/guest/smp.sh")
lab_case debian-stock --kernel debian --guest-sh "$boot_smp" --opts "-m 256 -c 2" \
	--env CPUS=2 --timeout 120
lab_case debian-smp-1 --kernel debian --guest-sh "$boot_smp" --opts "-m 256 -c 1" \
	--env CPUS=1 --timeout 120

for n in 1 2 4; do
	lab_case "smp-$n" --guest guest/smp.sh --opts "-c $n" --env CPUS=$n
done
# The memory map of a 4 GiB guest takes a while to set up under TCG.
for m in 128 512 4096; do
	lab_case "mem-$m" --guest guest/mem.sh --opts "-m $m" --env MEM_MB=$m --timeout 90
done

# A long command line with characters worth mangling, and a random initrd
# payload whose checksum rides on the command line.
head -c 3000000 /dev/urandom >"$tmp/payload"
sha=$(sha256sum "$tmp/payload" | cut -d' ' -f1)
extra=""
for i in $(seq 1 40); do
	extra+=" lab.p$i=v${i}_-,.:/+%@x"
done
cmdline="$LAB_CMDLINE_DEFAULT lab.initrd_sha256=$sha lab.quoted=\"a b\"$extra"
lab_case cmdline-initrd --guest guest/cmdline-initrd.sh --cmdline "$cmdline" \
	--guest-file "$tmp/payload:lab/payload" --env "WANT_CMDLINE=$cmdline"

# Every printable ASCII character, lines up to 160 bytes, ~3 KiB in all:
# each byte is a port I/O exit, which costs much under the nested lab.
for i in $(seq 1 24); do
	printf 'line %03d ' "$i"
	printf '%*s' $((i * 2)) '' | tr ' ' "$(echo {A..Z} | cut -d' ' -f$((i % 26 + 1)))"
	echo ' !"#$%&'\''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
done >"$tmp/serial.txt"

check_serial()
{
	sed -n '/^@T serial-begin/,/^@T serial-end/p' "$1/console" | tr -d '\r' |
		sed '1d;$d' >"$1/serial.got"
	cmp -s "$1/serial.got" "$tmp/serial.txt"
	ok $? "serial: $(wc -c <"$tmp/serial.txt") bytes arrived intact" ||
		diff "$tmp/serial.txt" "$1/serial.got" | head -n 5 | sed 's/^/# /'
}
lab_case serial --guest guest/serial.sh --guest-file "$tmp/serial.txt:lab/serial.txt" \
	--check check_serial --timeout 60

# --debug-exits and --debug-startup: the guest prints a known 2000 bytes,
# each a write to the UART's data port, which the counts must show with
# the PCI probes through 0xcfc (the writes to 0xcf8 may be coalesced); the
# start-up phases end at the first KVM_RUN.
check_debug()
{
	local err=$1/stderr w

	w=$(tr -d '\r' <"$err" | awk '$2 == "pio" && $3 == "0x3f8" { print $5 }')
	[ "${w:-0}" -ge 2000 ]
	ok $? "debug-exits: the guest's 2000 bytes are writes to 0x3f8 (${w:-none})"
	grep -aq '^exits: pio  0xcfc ' "$err"
	ok $? "debug-exits: the PCI config data port 0xcfc is among the busiest"
	grep -aqE '^exits: io +[0-9]+ ' "$err"
	ok $? "debug-exits: port I/O exits are counted by reason"
	grep -aqE '^startup: first KVM_RUN after [0-9.]+ ms, [0-9.]+ ms of CPU since exec' "$err"
	ok $? "debug-startup: the time to the first KVM_RUN is shown"
	grep -aq '^startup: load the kernel and initrd ' "$err"
	ok $? "debug-startup: so are lkvm's start-up phases"
}
lab_case debug-exits --opts "--debug-exits --debug-startup" \
	--guest-sh 'head -c 2000 /dev/zero | tr "\\0" x; echo' --check check_debug \
	--x86-only "the counts of port I/O exits (0x3f8, 0xcfc)"

# The exit status is what these two check: the guest has nothing to say.
lab_case reboot
lab_case triple-fault \
	--cmdline "$LAB_CMDLINE_DEFAULT reboot=t" --rc nonzero \
	--x86-only "a triple fault (reboot=t)"

lab_run
