#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control plane with a real guest: lkvm list, pause, resume and stop
# against a running lkvm, its control socket against another user and
# against garbage, name clashes and the stale socket of a killed lkvm;
# then lkvm balloon and lkvm stat against Linux's virtio_balloon driver.
# control/controller.sh does it from L1 while the guest runs; the guest
# ticks on its console, so that the controller can see it move or not.

. "$(dirname "$0")/lib.sh"

tmp=$lab_work/control-t
mkdir -p "$tmp"
"$LAB_CC" -static -O2 -Wall -D_GNU_SOURCE -I"$LAB_TREE/tools/include" -o "$tmp/ctl-tool" "$LAB_DIR/control/ctl-tool.c" ||
	lab_die "cannot build control/ctl-tool (static libc?)"

# The guest ticks for about a minute of its own time; lkvm stop ends it.
lab_case control --guest-sh '
i=0
while [ $i -lt 600 ]; do
	i=$((i + 1))
	read up _ </proc/uptime
	echo "tick $i $up"
	sleep 0.1
done' --no-end \
	--file "$tmp/ctl-tool" --file "$LAB_DIR/control/controller.sh" \
	--pre "export HOME=\$PWD/home; mkdir -p \$HOME; chmod +x ctl-tool
# A retried case must not meet the controller of its first run.
[ -f /tmp/control-controller.pid ] && kill \$(cat /tmp/control-controller.pid)
(TAP_PREFIX='@T '; . $lab_l1root/tap.sh; . ./controller.sh) >controller.tap 2>controller.err &
echo \$! >/tmp/control-controller.pid" \
	--post '
wait
cat controller.tap
[ ! -e "$HOME/.lkvm/ctl1.sock" ] && [ ! -e "$HOME/.lkvm/.ctl1.lock" ]
ok $? "its socket and lock are gone"' \
	--opts "-m 256 --name ctl1" --timeout 240

# The guest touches most of its memory once (dd's buffer), so that the
# pages its balloon driver gives back are resident on the host, then
# prints MemAvailable twice a second; balloon-controller.sh does the rest.
lab_case balloon --guest-sh '
while read k v _; do
	[ "$k" = MemTotal: ] && echo "meminfo-total $v"
	[ "$k" = MemFree: ] && fill=$((v / 1024 - 24))
done </proc/meminfo
dd if=/dev/zero of=/dev/null bs=${fill}M count=1 2>/dev/null
i=0
while [ $i -lt 1200 ]; do
	i=$((i + 1))
	while read k v _; do
		[ "$k" = MemAvailable: ] && echo "avail $v"
	done </proc/meminfo
	sleep 0.5
done' --no-end \
	--file "$LAB_DIR/control/balloon-controller.sh" \
	--pre "export HOME=\$PWD/home; mkdir -p \$HOME
[ -f /tmp/balloon-controller.pid ] && kill \$(cat /tmp/balloon-controller.pid)
(TAP_PREFIX='@T '; . $lab_l1root/tap.sh; . ./balloon-controller.sh) >controller.tap 2>controller.err &
echo \$! >/tmp/balloon-controller.pid" \
	--post '
wait
cat controller.tap' \
	--opts "-m 192 --name bal --balloon" --timeout 300

lab_run
