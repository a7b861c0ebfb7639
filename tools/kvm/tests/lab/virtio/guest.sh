#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the lab's L2 guest for virtio.t: exercises the virtio devices
# with Linux's drivers and prints "@@ ok"/"@@ not ok" lines.  The test
# set comes from lkvmtest= on the kernel command line.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

# Debian's kernel: the drivers are modules, loaded in dependency order.
if [ -f /modules.order ]; then
	for m in $(cat /modules.order); do
		insmod /modules/$m.ko || echo "@@ not ok insmod $m"
	done
	sleep 1
fi

t=$(sed -n 's/.*lkvmtest=\([a-z]*\).*/\1/p' /proc/cmdline)

# bench-blk.sh: throughput and IOPS of vda, nothing else.
if [ "$t" = bench ]; then
	for m in seqread seqwrite; do
		echo "@@ bench result $(blkbench /dev/vda $m 1048576 1 5)"
	done
	for m in randread randwrite; do
		echo "@@ bench result $(blkbench /dev/vda $m 4096 4 5)"
	done
	reboot -f
fi

check()
{
	d=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		echo "@@ ok $t: $d"
	else
		echo "@@ not ok $t: $d"
		head -5 /tmp/check.out | sed 's/^/# /'
	fi
}

sum()
{
	sha256sum < "$1" | cut -d' ' -f1
}

# The first feature bit past 31 is VERSION_1.
version_1()
{
	[ "$(cut -c33 /sys/block/vda/device/features)" = "$1" ]
}

check "vda reads match the host's image" \
	test "$(sum /dev/vda)" = "$(cat /data.sha256)"
check "vda is read-only" test "$(cat /sys/block/vda/ro)" = 1
check "writes to vda are refused" \
	sh -c '! dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync'
check "write to vdb" dd if=/pattern of=/dev/vdb bs=65536 conv=fsync
echo 3 > /proc/sys/vm/drop_caches
check "vdb reads back what was written" \
	sh -c 'head -c 1048576 /dev/vdb | cmp - /pattern'
check "vdb has its serial" grep -q lkvm-disk1 /sys/block/vdb/serial
check "hwrng is virtio" grep -q virtio /sys/class/misc/hw_random/rng_current
check "hwrng gives data" \
	test "$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c)" = 32
check "two hwrng reads differ" \
	test "$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -x)" != \
	     "$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -x)"

case $t in
debian)
	check "modern interface (VERSION_1 negotiated)" version_1 1
	check "MSI-X vectors in use" grep -q 'MSI.*virtio' /proc/interrupts
	;;
pci)
	check "modern interface (VERSION_1 negotiated)" version_1 1
	check "MSI-X vectors in use" grep -q 'MSI.*virtio' /proc/interrupts
	check "one request queue per vCPU" \
		test "$(ls /sys/block/vdb/mq | wc -l)" = 2
	check "discard on vdb" blkdiscard -o 8388608 -l 8388608 /dev/vdb
	check "mkfs.ext4 on vdc" mkfs.ext4 -q -F /dev/vdc
	check "mount ext4" mount -t ext4 /dev/vdc /mnt
	mkdir -p /mnt/d
	check "file workload" sh -c 'for i in $(seq 1 40); do
		dd if=/pattern of=/mnt/d/f$i bs=4096 count=$i || exit 1
	done; cp /pattern /mnt/big && cp -r /bin /mnt/bin && rm /mnt/d/f1* && sync'
	check "umount" umount /mnt
	mount -t ext4 /dev/vdc /mnt
	check "files survive a remount" cmp /mnt/big /pattern
	check "sizes survive a remount" \
		test "$(wc -c < /mnt/d/f40)" = $((40 * 4096))
	umount /mnt
	;;
legacy)
	check "transitional device id" grep -q 0x1001 /sys/bus/pci/devices/*/device
	check "legacy interface (no VERSION_1)" version_1 0
	;;
mmio)
	check "virtio-mmio platform devices" \
		sh -c 'ls /sys/bus/platform/devices | grep -q virtio-mmio'
	check "modern interface (VERSION_1 negotiated)" version_1 1
	check "console is hvc0" grep -q hvc0 /sys/class/tty/console/active
	;;
esac

sync
echo "@@ guest $t done"
reboot -f
