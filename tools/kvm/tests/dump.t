#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vCPU dumps on this host's KVM with the lab's tiny vmlinux, as far
# as any KVM takes a Linux kernel (a PVM host's emulator runs it into
# setup_arch before it fails): lkvm debug NAME --dump names the kernel
# functions and walks to start_kernel after checking that the guest
# runs that vmlinux, kill -USR1 prints the same on stderr, --nmi and
# --sysrq are accepted, and where the guest dies (on PVM) the fatal
# exit's registers are followed by its symbolized call trace.  What the
# guest makes of NMIs and SysRq, and file:line from DWARF, are the
# lab's (tests/lab/debug.t).  Skipped without /dev/kvm, libdw or the
# lab's cached tiny kernel (tests/lab/kernels.sh tiny builds it).

LKVM=${LKVM:-$(dirname "$0")/../lkvm}
. "$(dirname "$0")/tap.sh"

. "$(dirname "$0")/tiny-vm.sh"
tiny_vm_start dump "libelf libdw"

name=dump-t-$$
timeout 120 "$LKVM" run -k "$vmlinux" -m 128 -c 2 --name "$name" \
	-p "console=ttyS0" </dev/null >"$tmp/console" 2>"$tmp/err" &
lkvm_pid=$!
for i in $(seq 50); do
	"$LKVM" list 2>/dev/null | grep -qw "$name" && break
	sleep 0.1
done
sleep 1

# Until the boot vCPU is past start_kernel's call (a busy host is slow).
for i in $(seq 60); do
	"$LKVM" debug "$name" --dump >"$tmp/dump" 2>&1
	rc=$?
	[ $rc != 0 ] || grep -q ' start_kernel+0x' "$tmp/dump" && break
	sleep 0.5
done
ok $rc "lkvm debug --dump" || sed 's/^/# /' "$tmp/dump" "$tmp/err"
grep -q "^symbols: $vmlinux (" "$tmp/dump"
ok $? "symbolized with the -k vmlinux by default"
grep -q '^kernel: at its link address' "$tmp/dump"
ok $? "after checking that the guest runs it"
grep -Eq '^  pc ffffffff8[0-9a-f]{7} [a-z_][a-z0-9_.]*\+0x[0-9a-f]+/0x[0-9a-f]+$' "$tmp/dump"
ok $? "the boot vCPU's pc as function+offset/size (no DWARF)" ||
	sed 's/^/# /' "$tmp/dump"
grep -Eq '^    \? ffffffff8[0-9a-f]{7} start_kernel\+0x' "$tmp/dump"
ok $? "its call trace reaches start_kernel"
grep -q '^vCPU 1:$' "$tmp/dump" && grep -q '^  code:' "$tmp/dump"
ok $? "every vCPU, with code bytes"

# lkvm itself, under timeout.
kill -USR1 "$(pgrep -P "$lkvm_pid" -x lkvm)"
sleep 2
grep -q '^lkvm dump: ' "$tmp/err" && grep -Eq '^  pc ffffffff8[0-9a-f]{7} [a-z_]' "$tmp/err"
ok $? "kill -USR1: the same dump on stderr"

"$LKVM" debug "$name" --nmi >"$tmp/nmi" 2>&1
ok $? "lkvm debug --nmi" || sed 's/^/# /' "$tmp/nmi"
"$LKVM" debug "$name" --sysrq t >"$tmp/sysrq" 2>&1
ok $? "lkvm debug --sysrq t" || sed 's/^/# /' "$tmp/sysrq"
"$LKVM" debug "$name" --sysrq '' >"$tmp/sysrq2" 2>&1
[ $? != 0 ] && grep -q 'give one SysRq key' "$tmp/sysrq2"
ok $? "--sysrq without a key is refused"
"$LKVM" debug "$name" --vmlinux "$vmlinux" >"$tmp/bad" 2>&1
[ $? != 0 ]
ok $? "--vmlinux alone says what to do"

# On PVM the guest dies at its first instruction the emulator lacks
# (xrstor, in fpu__init_system_xstate): let it, for the fatal exit.
if [ -d /sys/module/kvm_pvm ]; then
	for i in $(seq 90); do
		grep -q 'KVM internal error' "$tmp/err" && break
		sleep 1
	done
fi
"$LKVM" stop "$name" >/dev/null 2>&1
wait "$lkvm_pid"
rc=$?
lkvm_pid=
if grep -q 'KVM internal error' "$tmp/err"; then
	sed -n '/KVM internal error/,$p' "$tmp/err" >"$tmp/fatal"
	grep -A1 '^kernel: at its link address' "$tmp/fatal" | grep -q '^  pc ffffffff8' &&
		grep -q '^    ? ffffffff8[0-9a-f]* start_kernel+0x' "$tmp/fatal"
	ok $? "a fatal exit: the registers, then the pc and call trace, symbolized" ||
		sed 's/^/# /' "$tmp/fatal"
else
	is "$rc" 0 "lkvm stop ended the guest"
fi
tap_done
