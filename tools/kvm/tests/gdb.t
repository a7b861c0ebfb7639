#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gdb stub on this host's KVM with Debian's gdb, as far as any KVM
# takes a Linux kernel (a PVM host's emulator runs it to start_kernel
# and beyond): lkvm run --gdb-wait on a UNIX socket with the lab's tiny
# vmlinux, two vCPUs as threads, the registers at the PVH entry, a
# hardware breakpoint in start_kernel, linux_banner read through the
# kernel's page tables, stepi, the SSE and control registers, and
# gdb's kill ending lkvm with status 0; then lkvm debug NAME --gdb in
# a guest that runs without a stub; then a raw client on TCP with
# malformed packets, continue and Ctrl-C.  Software breakpoints,
# watchpoints and detaching into a full boot are the lab's
# (tests/lab/gdb.t).  Skipped without /dev/kvm, gdb or the lab's cached
# tiny kernel (tests/lab/kernels.sh tiny builds it).

LKVM=${LKVM:-$(dirname "$0")/../lkvm}
. "$(dirname "$0")/tap.sh"
. "$(dirname "$0")/gdb-pkt.sh"

. "$(dirname "$0")/tiny-vm.sh"
tiny_vm_start gdb libelf gdb

timeout 120 "$LKVM" run -k "$vmlinux" -m 128 -c 2 --name "gdb-t-$$" \
	--gdb "$tmp/gdb.sock" --gdb-wait -p "console=ttyS0" \
	</dev/null >"$tmp/console" 2>"$tmp/err" &
lkvm_pid=$!
for i in $(seq 100); do
	[ -S "$tmp/gdb.sock" ] && break
	sleep 0.1
done

timeout 90 gdb -q -nx -batch "$vmlinux" \
	-ex "set pagination off" \
	-ex "target remote $tmp/gdb.sock" \
	-ex "echo @@ threads\n" -ex "info threads" \
	-ex "echo @@ entry\n" -ex "p/x \$pc" \
	-ex "hbreak start_kernel" -ex "continue" \
	-ex "echo @@ hbreak\n" -ex "info symbol \$pc" \
	-ex "echo @@ banner\n" -ex "x/s &linux_banner" \
	-ex "delete" -ex "set \$before = \$pc" -ex "stepi" \
	-ex "printf \"@@ moved %d\\n\", \$pc == \$before + 2" \
	-ex "echo @@ regs\n" -ex "info registers cr0 cr4 efer mxcsr" -ex "p \$xmm0.uint128" \
	-ex "kill" >"$tmp/gdb.out" 2>&1
wait "$lkvm_pid"
rc=$?
lkvm_pid=

after() { sed -n "/^@@ $1/,/^@@/p" "$tmp/gdb.out"; }
show() { sed 's/^/# /' "$tmp/gdb.out" "$tmp/err"; }

after threads | grep -q "Thread 2 (vCPU 1)"
ok $? "gdb attached to the waiting guest; each vCPU is a thread" || show
entry=$(sed -n 's/.*through its PVH entry (\(0x[0-9a-f]*\)).*/\1/p' "$tmp/err")
after entry | grep -qx "\$1 = $entry"
ok $? "it stopped at the PVH entry ($entry), the first instruction" || show
after hbreak | grep -q "^start_kernel in section"
ok $? "a hardware breakpoint stops the guest in start_kernel" || show
after banner | grep -q "<linux_banner>:.*\"Linux version "
ok $? "x/s reads linux_banner through the kernel's page tables" || show
grep -q "^@@ moved 1" "$tmp/gdb.out"
ok $? "stepi moves RIP over start_kernel's first instruction (push %r14)" || show
reg() { after regs | sed -n "s/^$1 *\(0x[0-9a-f]*\) .*/\1/p"; }
cr0=$(reg cr0) efer=$(reg efer)
[ -n "$cr0" ] && (( cr0 & 0x80000000 ))
ok $? "cr0 ($cr0) has paging on" || show
[ -n "$efer" ] && (( efer & 0x400 ))
ok $? "efer ($efer) has long mode active" || show
after regs | grep -q "^mxcsr "
ok $? "SSE state is there" || show
is "$rc" 0 "gdb's kill ends lkvm with status 0"
grep -q "gdb: the client killed the guest" "$tmp/err"
ok $? "and lkvm says so" || show

# lkvm debug NAME --gdb: the stub comes up in a guest that runs (in the
# kernel's early boot; a PVM host's emulator gives up after some seconds).
name=gdb-t2-$$
timeout 120 "$LKVM" run -k "$vmlinux" -m 128 --name "$name" -p "console=ttyS0" \
	</dev/null >"$tmp/console2" 2>"$tmp/err2" &
lkvm_pid=$!
for i in $(seq 50); do
	"$LKVM" list 2>/dev/null | grep -qw "$name" && break
	sleep 0.1
done
"$LKVM" debug "$name" --gdb "$tmp/attach.sock" >"$tmp/debug.out" 2>&1
ok $? "lkvm debug --gdb in the running guest" || sed 's/^/# /' "$tmp/debug.out" "$tmp/err2"
grep -q "listens on $tmp/attach.sock" "$tmp/debug.out"
ok $? "says where the stub listens" || sed 's/^/# /' "$tmp/debug.out"
"$LKVM" debug "$name" --gdb "$tmp/other.sock" >"$tmp/debug2.out" 2>&1
grep -q "listens on $tmp/attach.sock already" "$tmp/debug2.out"
ok $? "a second lkvm debug --gdb is told where the first listens" ||
	sed 's/^/# /' "$tmp/debug2.out"
timeout 60 gdb -q -nx -batch "$vmlinux" -ex "target remote $tmp/attach.sock" \
	-ex "echo @@ pc\n" -ex "info symbol \$pc" -ex "kill" >"$tmp/gdb2.out" 2>&1
wait "$lkvm_pid"
rc=$?
lkvm_pid=
sed -n "/^@@ pc/,\$p" "$tmp/gdb2.out" | grep -q " in section "
ok $? "gdb attached and stopped the guest in a kernel function" ||
	sed 's/^/# /' "$tmp/gdb2.out" "$tmp/err2"
is "$rc" 0 "and its kill ended lkvm with status 0"

# A raw client on TCP: garbage gets errors, continue and Ctrl-C work.
# What came back on fd 3 within a second.
replies() { timeout 1 cat <&3 >>"$tmp/raw.out"; }

timeout 120 "$LKVM" run -k "$vmlinux" -m 128 --name "gdb-t3-$$" \
	--gdb 127.0.0.1:0 --gdb-wait -p "console=ttyS0" \
	</dev/null >"$tmp/console3" 2>"$tmp/err3" &
lkvm_pid=$!
for i in $(seq 50); do
	port=$(sed -n 's/.*gdb: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/err3")
	[ -n "$port" ] && break
	sleep 0.1
done
if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
	{
		printf '$g#00'
		pkt qSupported
		pkt 'm0,zz'
		pkt 'p999'
		printf '$m0,4'
		pkt 'Hg9'
		pkt 'qC'
	} >&3
	replies
	grep -q "^+*-" "$tmp/raw.out" && grep -q "PacketSize=" "$tmp/raw.out"
	ok $? "a bad checksum gets a NAK, the next packet its answer" || sed 's/^/# /' "$tmp/raw.out"
	[ "$(tr '$' '\n' <"$tmp/raw.out" | grep -c '^E16#')" = 3 ]
	ok $? "three malformed packets, three E16" || sed 's/^/# /' "$tmp/raw.out"
	tr '$' '\n' <"$tmp/raw.out" | grep -q '^QC1#'
	ok $? "and the stub answers on" || sed 's/^/# /' "$tmp/raw.out"
	: >"$tmp/raw.out"
	pkt c >&3
	sleep 0.5
	printf '\003' >&3
	replies
	tr '$' '\n' <"$tmp/raw.out" | grep -q '^T02thread:1;'
	ok $? "continue, then Ctrl-C stops the guest (SIGINT)" || sed 's/^/# /' "$tmp/raw.out" "$tmp/err3"
	pkt k >&3
	exec 3>&-
else
	skip 4 "cannot connect to the stub's port"
fi
wait "$lkvm_pid"
rc=$?
lkvm_pid=
is "$rc" 0 "k ended lkvm with status 0"
tap_done
