#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The gdb stub with Debian's gdb against the tiny kernel's vmlinux (no
# DWARF: its symbols do).  gdb attaches to a running guest (it stops),
# sees its vCPUs as threads, reads linux_banner by its virtual address
# and the control registers, stepi moves RIP, and after detach the
# guest runs to its end.  On a host with VT-x/AMD-V (direct mode) also:
# a software breakpoint in bprm_execve, which the guest's execs reach,
# bt naming its caller, and from the first instruction (--gdb-wait) a
# hardware breakpoint in start_kernel and a watchpoint on jiffies; the
# nested lab skips them (see below).  Then a raw client sends
# malformed, truncated and overlong packets and bad addresses: it gets
# errors, a second client still gets answers, and the guest finishes.
# Last, lkvm debug NAME --gdb starts the stub in a running guest.

. "$(dirname "$0")/lib.sh"
. "$LAB_DIR/../gdb-pkt.sh"

tmp=$lab_work/gdb-t
mkdir -p "$tmp"
[ "$LAB_ARCH" = x86 ] || lab_skip_all "lkvm's gdb stub is x86's only (x86/gdb.c), not arm64's yet"
lab_l1_prog gdb

# Debian's gdb embeds Python and will not start without its standard
# library (see shared/LAB.md): the part it needs, and gdb's own data.
py=/usr/lib/python3.11
(cd / && tar cf "$tmp/gdb-data.tar" usr/share/gdb ${py#/}/*.py ${py#/}/encodings \
	${py#/}/collections ${py#/}/importlib ${py#/}/re ${py#/}/json \
	${py#/}/lib-dynload 2>/dev/null) || lab_die "cannot pack gdb's data (install-deps: gdb)"

# The pre script of a gdb case: gdb runs SCRIPT in the background.
gdb_pre()
{
	echo "tar -C / -xf gdb-data.tar && rm gdb-data.tar
gdb -q -nx -batch -x $1 $lab_l1root/k/tiny-vmlinux </dev/null >gdb.out 2>&1 &
echo \$! >gdb.pid"
}

# The start of its post script: gdb quits after detaching (it must not
# be stuck); its output goes to TAP as comments, and after SECTION
# prints what gdb printed from the "@@ SECTION" mark on.
post_gdb='
i=0
while kill -0 $(cat gdb.pid) 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
kill $(cat gdb.pid) 2>/dev/null
sed "s/^/# /" gdb.out
after() { sed -n "/^@@ $1/,/^@@/p" gdb.out; }
'

# gdb attaches to the running guest (which stops), in its script:
# threads, registers, linux_banner through the page tables, stepi, and
# detach, after which the guest runs on to its end.
cat >"$tmp/run.gdb" <<'EOF'
set pagination off
set confirm off
set tcp connect-timeout 60
shell sleep 6
target remote 127.0.0.1:1238
echo @@ attached\n
info threads
echo @@ banner\n
x/s &linux_banner
echo @@ regs\n
info registers cr0 efer
echo @@ stepi\n
set $before = $pc
stepi
printf "@@ moved %d from %#lx to %#lx\n", $pc != $before, $before, $pc
detach
echo @@ detached\n
EOF

lab_case gdb --kernel tiny-pvh --guest-sh '
i=0
while [ $i -lt 60 ]; do
	i=$((i + 1))
	cat /proc/uptime >/dev/null
	sleep 0.25
done
ok 0 "the guest ran on after gdb detached"' \
	--file "$tmp/gdb-data.tar" --file "$tmp/run.gdb" \
	--pre "$(gdb_pre run.gdb)" --post "$post_gdb"'
after attached | grep -q "Thread 2 (vCPU 1)"
ok $? "gdb attached to the running guest; each vCPU is a thread"
after banner | grep -q "<linux_banner>:.*\"Linux version 6\."
ok $? "x/s reads linux_banner through the page tables"
after regs | grep -q "^efer "
ok $? "the control registers are there"
grep -q "^@@ moved 1 from" gdb.out
ok $? "stepi moves RIP"
grep -q "^@@ detached" gdb.out
ok $? "gdb detached"' \
	--opts "-c 2 -m 192 --gdb 127.0.0.1:1238" --timeout 240

# Breakpoints and watchpoints need a real VT-x/AMD-V host: under QEMU
# TCG's nested SVM, L2's int3 and debug-register hits reach L2 itself,
# never KVM (the first runs saw the guest oops on gdb's int3, and the
# hardware breakpoint never fire).  tests/gdb.t checks hardware
# breakpoints on any KVM, PVM included.
if [ "$lab_mode" = nested ]; then
	lab_skipped+=("gdb-bp, gdb-hw: software and hardware breakpoints and watchpoints: nested TCG SVM does not deliver them to KVM")
else
# gdb attaches to the running guest (which stops) once it is in its
# script, which execs a program four times a second.
cat >"$tmp/cmds.gdb" <<'EOF'
set pagination off
set confirm off
set tcp connect-timeout 60
shell sleep 6
target remote 127.0.0.1:1234
echo @@ attached\n
info threads
break bprm_execve
continue
echo @@ break\n
info symbol $pc
bt 2
echo @@ stepi\n
set $before = $pc
stepi
printf "@@ moved %d from %#lx to %#lx\n", $pc != $before, $before, $pc
echo @@ banner\n
x/s &linux_banner
delete
detach
echo @@ detached\n
EOF

lab_case gdb-bp --kernel tiny-pvh --guest-sh '
i=0
while [ $i -lt 60 ]; do
	i=$((i + 1))
	cat /proc/uptime >/dev/null
	sleep 0.25
done
ok 0 "the guest ran on after gdb detached"
is "$(grep -c ^processor /proc/cpuinfo)" 2 "both vCPUs are up"' \
	--file "$tmp/gdb-data.tar" --file "$tmp/cmds.gdb" \
	--pre "$(gdb_pre cmds.gdb)" --post "$post_gdb"'
after attached | grep -q "Thread 2 (vCPU 1)"
ok $? "gdb attached to the running guest; each vCPU is a thread"
after break | grep -q "^bprm_execve in section"
ok $? "a software breakpoint stops it in bprm_execve"
after break | grep -q "^#1 .* in do_execveat_common "
ok $? "bt names the caller, do_execveat_common"
grep -q "^@@ moved 1 from" gdb.out
ok $? "stepi moves RIP"
after banner | grep -q "<linux_banner>:.*\"Linux version 6\."
ok $? "x/s reads linux_banner through the page tables"
grep -q "^@@ detached" gdb.out
ok $? "gdb detached"
grep -q "gdb: detached" stderr
ok $? "lkvm saw the detach"' \
	--opts "-c 2 -m 192 --gdb 127.0.0.1:1234" --timeout 240

# The debug registers: from the first instruction (--gdb-wait), a
# hardware breakpoint in start_kernel, then a watchpoint on jiffies.
cat >"$tmp/hw.gdb" <<'EOF'
set pagination off
set confirm off
set tcp connect-timeout 60
target remote 127.0.0.1:1237
echo @@ attached\n
hbreak start_kernel
continue
echo @@ hbreak\n
info symbol $pc
delete
watch *(long *)&jiffies
continue
echo @@ watched\n
delete
detach
echo @@ detached\n
EOF

lab_case gdb-hw --kernel tiny-pvh --guest-sh '
ok 0 "the guest ran /init after gdb detached"' \
	--file "$tmp/gdb-data.tar" --file "$tmp/hw.gdb" \
	--pre "$(gdb_pre hw.gdb)" --post "$post_gdb"'
after hbreak | grep -q "^start_kernel in section"
ok $? "a hardware breakpoint stops the guest in start_kernel"
after hbreak | grep -q "Hardware watchpoint 2" && after hbreak | grep -q "^New value = "
ok $? "a hardware watchpoint fires on a write to jiffies"
grep -q "^@@ detached" gdb.out
ok $? "gdb detached"' \
	--opts "-m 192 --gdb 127.0.0.1:1237 --gdb-wait" --timeout 240
fi

# A raw client's input: pkt (tests/gdb-pkt.sh) frames a packet.
{
	printf '$g#00'				# a bad checksum: '-'
	pkt qSupported				# then a good packet
	pkt 'm10,8'				# page 0: unmapped once Linux runs
	pkt 'mzz,8'				# malformed: E
	pkt 'm'					# truncated arguments: E
	printf '$m0,4'				# cut short by the next '$'
	pkt '?'
	pkt 'Z0,10,1'				# a breakpoint there
	pkt 'Z2,ffffffff81000001,8'		# a misaligned watchpoint
	pkt 'p999'				# no such register
	pkt 'P0=12'				# a short value
	pkt 'G00'				# a short register block
	pkt 'Hg99'				# no such thread
	pkt 'X10,4:ab'				# length and data disagree
	pkt 'vCont;q'				# no such action
	pkt 'qXfer:features:read:nothing.xml:0,100'
	pkt 'qXfer:features:read:target.xml:ffffff,10'
	printf '\003'				# Ctrl-C while stopped: ignored
	printf '$%s#00' "$(head -c 17000 /dev/zero | tr '\0' a)"	# overlong, and bad
	printf '$%s#' "$(head -c 17000 /dev/zero | tr '\0' a)"
	printf '%02x' $(((17000 * 0x61) & 255))		# overlong: E
	pkt 'qC'				# still answering
} >"$tmp/garbage.in"
{
	pkt '?'
	pkt 'D'
} >"$tmp/second.in"

# A guest that keeps printing for 10 s while a client talks to the stub.
ticking_guest='i=0
while [ $i -lt 40 ]; do
	i=$((i + 1))
	echo "tick $i"
	sleep 0.25
done'

lab_case gdb-garbage --guest-sh "$ticking_guest
ok 0 'the guest ran on after the garbage'" \
	--file "$tmp/garbage.in" --file "$tmp/second.in" \
	--pre "(sleep 4; timeout 6 nc 127.0.0.1 1235 <garbage.in >garbage.out
sleep 1; timeout 4 nc 127.0.0.1 1235 <second.in >second.out) >client.log 2>&1 &
echo \$! >client.pid" \
	--post '
wait $(cat client.pid) 2>/dev/null
tr "\$" "\n" <garbage.out | cut -c 1-60 | sed "s/^/# /"
grep -q "^-" garbage.out
ok $? "a bad checksum gets a NAK"
grep -q "PacketSize=" garbage.out
ok $? "the next good packet gets its answer"
n=$(tr "\$" "\n" <garbage.out | grep -c "^E")
[ "$n" -ge 12 ]
ok $? "malformed packets and bad addresses get errors ($n)"
tr "\$" "\n" <garbage.out | grep -q "^E5a"
ok $? "an overlong packet gets EMSGSIZE"
tr "\$" "\n" <garbage.out | grep -q "^QC1"
ok $? "and the stub still answers after all that"
grep -q "T05thread" second.out
ok $? "a second client gets the stop reply"
grep -q "OK" second.out
ok $? "and detaches"' \
	--opts "-m 128 --gdb 127.0.0.1:1235" --timeout 120

# lkvm debug NAME --gdb starts the stub in a guest that runs without it.
lab_case gdb-attach --guest-sh "$ticking_guest
ok 0 'the guest ran on after lkvm debug --gdb and a detach'" \
	--file "$tmp/second.in" \
	--pre "export HOME=\$PWD/home; mkdir -p \$HOME
(sleep 4; $lab_l1root/bin/lkvm debug dbg1 --gdb 127.0.0.1:1236 >debug.out 2>&1
echo \$? >debug.rc
timeout 4 nc 127.0.0.1 1236 <second.in >attach.out) >attach.log 2>&1 &
echo \$! >attach.pid" \
	--post '
wait $(cat attach.pid) 2>/dev/null
sed "s/^/# /" debug.out
is "$(cat debug.rc)" 0 "lkvm debug --gdb succeeds"
grep -q "listens on 127.0.0.1:1236" debug.out
ok $? "and says where the stub listens"
grep -q "T05thread" attach.out && grep -q "OK" attach.out
ok $? "a client attaches there and detaches"' \
	--opts "-m 128 --name dbg1" --timeout 120

lab_run
