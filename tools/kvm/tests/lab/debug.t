#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm debug against a running guest: --dump of the tiny kernel built
# with DWARF (booted as its vmlinux, which is also what lkvm symbolizes
# with), whose vCPUs idle, names the idle function and its file:line
# and walks to do_idle; a wrong or missing vmlinux names nothing; --nmi
# makes Linux print its unknown-NMI lines on each CPU, --sysrq t its
# task list.  debug/debugger.sh does it from L1 while the guest ticks.

. "$(dirname "$0")/lib.sh"

# loglevel=7: SysRq t prints its task lines at KERN_INFO.
lab_case debug --kernel tiny-dwarf --guest-sh '
i=0
while [ $i -lt 240 ]; do
	i=$((i + 1))
	echo "tick $i"
	sleep 1
done' --no-end \
	--file "$LAB_DIR/debug/debugger.sh" \
	--pre "export HOME=\$PWD/home; mkdir -p \$HOME
[ -f /tmp/debug-debugger.pid ] && kill \$(cat /tmp/debug-debugger.pid)
(TAP_PREFIX='@T '; . $lab_l1root/tap.sh; . ./debugger.sh) >debugger.tap 2>debugger.err &
echo \$! >/tmp/debug-debugger.pid" \
	--post '
wait
cat debugger.tap' \
	--opts "-c 2 -m 192 --name dbg" \
	--cmdline "console=ttyS0 panic=-1 loglevel=7" --timeout 300

lab_run
