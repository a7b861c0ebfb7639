# SPDX-License-Identifier: GPL-2.0
#
# Runs in L1 (busybox sh) beside the guest "dbg" of tests/lab/debug.t,
# sourced by its pre script in the background, with tap.sh sourced and
# TAP_PREFIX set: lkvm debug --dump, --nmi and --sysrq t against the
# running guest, checked in its output and on the guest's console
# (./console).  The guest ticks once a second and otherwise idles.
# Ends the guest with lkvm stop, whatever happened before.

name=dbg

# Waits up to $2 seconds for the extended regexp $1 on the console.
wait_console()
{
	local i=0

	while [ $i -lt $(($2 * 5)) ]; do
		tr -d '\r' <console | grep -Eq "$1" && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

ticks()
{
	grep -c '^tick ' console
}

if ! wait_console '^tick 3$' 180; then
	ok 1 "the guest ticks"
	"$lkvm" stop $name
	return 0 2>/dev/null || exit 0
fi

# --- --dump with the DWARF vmlinux (lkvm run's default: the -k ELF) ---
"$lkvm" debug $name --dump >dump.out 2>dump.err
ok $? "lkvm debug --dump"
sed 's/^/# /' dump.out dump.err
grep -q '^symbols: .*(with DWARF' dump.out
ok $? "the dump symbolizes with the -k vmlinux and its DWARF"
grep -q '^kernel: at its link address' dump.out
ok $? "after checking that the guest runs that kernel"
[ "$(grep -c '^vCPU [01]:$' dump.out)" = 2 ]
ok $? "both vCPUs are there"
grep -q '^  rip [0-9a-f]* rsp ' dump.out && grep -q '^  code:\( [0-9a-f][0-9a-f]\)\{16\}$' dump.out
ok $? "with their registers and code bytes"
idle='(default_idle|native_safe_halt|pv_native_safe_halt|arch_cpu_idle|default_idle_call|do_idle)'
grep -Eq "^  pc [0-9a-f]{16} $idle\+0x[0-9a-f]+/0x[0-9a-f]+ \([^ ]+\.[ch]:[0-9]+\)\$" dump.out
ok $? "an idle vCPU's pc: the idle function and its file:line"
grep -Eq '^    \? [0-9a-f]{16} (do_idle|cpu_startup_entry)\+0x[0-9a-f]+/0x[0-9a-f]+ \([^ ]*kernel/sched/idle\.c:[0-9]+\)$' dump.out
ok $? "its call trace: do_idle in kernel/sched/idle.c, marked '?'"
grep -q '^  call trace (stack scan of .*unreliable' dump.out
ok $? "the trace says it is a stack scan (no frame pointers here)"
before=$(ticks)
wait_console "^tick $((before + 2))\$" 30
ok $? "the guest runs on after the dump"

# --- a vmlinux that is not the guest's, and none at all ---
"$lkvm" debug $name --dump --vmlinux "$lkvm" >wrong.out 2>&1
ok $? "--dump --vmlinux with another ELF file (lkvm itself)"
! grep -Eq '^  pc [0-9a-f]{16} [a-z_]' wrong.out && ! grep -q '^    ' wrong.out
ok $? "names no function with it"
grep -Eq "^kernel: (the file has no _text|the running kernel is not this vmlinux)" wrong.out
ok $? "and says it could not match the kernel"
sed 's/^/# /' wrong.out | grep -E '^# (symbols|kernel|  pc)'
"$lkvm" debug $name --dump --vmlinux /nonexistent/vmlinux >none.out 2>&1
grep -q '^symbols: off: /nonexistent/vmlinux' none.out &&
	grep -q '^  stack words (no symbols' none.out
ok $? "without a vmlinux: symbols off, raw addresses and stack words"

# --- --nmi: what Linux 6.1 prints for an NMI nobody claims ---
"$lkvm" debug $name --nmi >nmi.out 2>&1
ok $? "lkvm debug --nmi"
wait_console 'Uhhuh\. NMI received for unknown reason [0-9a-f]+ on CPU 0\.' 60
ok $? "the guest: Uhhuh. NMI received for unknown reason .. on CPU 0."
wait_console 'Uhhuh\. NMI received for unknown reason [0-9a-f]+ on CPU 1\.' 30
ok $? "and on CPU 1"
wait_console 'Dazed and confused, but trying to continue' 10
ok $? "Dazed and confused, but trying to continue"
before=$(ticks)
wait_console "^tick $((before + 2))\$" 30
ok $? "the guest runs on after the NMIs"

# --- --sysrq t through the serial console ---
"$lkvm" debug $name --sysrq t >sysrq.out 2>&1
ok $? "lkvm debug --sysrq t"
wait_console 'sysrq: Show State' 60
ok $? "the guest: sysrq: Show State"
wait_console 'task:(sh|init|sleep) +state:' 60
ok $? "and its tasks (task:... state:...)"
"$lkvm" debug $name --sysrq tt >bad.out 2>&1
[ $? != 0 ] && grep -q 'give one SysRq key' bad.out
ok $? "--sysrq takes one key"
before=$(ticks)
wait_console "^tick $((before + 2))\$" 60
ok $? "the guest runs on after the SysRq"

"$lkvm" stop $name >/dev/null 2>&1
