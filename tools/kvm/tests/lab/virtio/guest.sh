# SPDX-License-Identifier: GPL-2.0
#
# Guest test of virtio.t: the virtio devices seen through Linux's drivers.
# T (from the case's --env) names the case: pci, legacy, mmio or debian.
# vda is a read-only image whose SHA-256 is /data.sha256, vdb a scratch
# disk, vdc (pci only) an empty disk for a file system.

# check DESC CMD...: like run, with the first lines of CMD's output as
# diagnostics when it fails.
check()
{
	local desc=$1

	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		head -5 /tmp/check.out | while read -r l; do diag "$l"; done
	fi
}

sum()
{
	sha256sum <"$1" | cut -d' ' -f1
}

# The first feature bit past 31 is VERSION_1.
version_1()
{
	[ "$(cut -c33 /sys/block/vda/device/features)" = "$1" ]
}

# Modules (Debian's kernel) may still be probing their devices.
i=0
while [ ! -b /dev/vdb ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

check "vda reads match the host's image" \
	test "$(sum /dev/vda)" = "$(cat /data.sha256)"
check "vda is read-only" test "$(cat /sys/block/vda/ro)" = 1
check "writes to vda are refused" \
	sh -c '! dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync'
check "write to vdb" dd if=/pattern of=/dev/vdb bs=65536 conv=fsync
echo 3 >/proc/sys/vm/drop_caches
check "vdb reads back what was written" \
	sh -c 'head -c 1048576 /dev/vdb | cmp - /pattern'
check "vdb has its serial" grep -q lkvm-disk1 /sys/block/vdb/serial
check "hwrng is virtio" grep -q virtio /sys/class/misc/hw_random/rng_current
check "hwrng gives data" \
	test "$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | wc -c)" = 32
check "two hwrng reads differ" \
	test "$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -x)" != \
	     "$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -x)"

case $T in
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
	# The host's mkfs.ext4 on x86; busybox's mke2fs on arm64 (ext2,
	# which the ext4 driver mounts).
	if command -v mkfs.ext4 >/dev/null; then
		check "mkfs.ext4 on vdc" mkfs.ext4 -q -F /dev/vdc
	else
		check "mke2fs on vdc" mke2fs -F /dev/vdc
	fi
	mkdir -p /mnt
	check "mount ext4" mount -t ext4 /dev/vdc /mnt
	mkdir -p /mnt/d
	check "file workload" sh -c 'for i in $(seq 1 40); do
		dd if=/pattern of=/mnt/d/f$i bs=4096 count=$i || exit 1
	done; cp /pattern /mnt/big && cp -r /bin /mnt/bin && rm /mnt/d/f1* && sync'
	check "umount" umount /mnt
	mount -t ext4 /dev/vdc /mnt
	check "files survive a remount" cmp /mnt/big /pattern
	check "sizes survive a remount" \
		test "$(wc -c </mnt/d/f40)" = $((40 * 4096))
	umount /mnt
	;;
legacy)
	check "transitional device id" grep -q 0x1001 /sys/bus/pci/devices/*/device
	check "legacy interface (no VERSION_1)" version_1 0
	;;
mmio)
	# virtio-mmio.N from the command line (x86), ADDR.virtio_mmio from
	# the device tree (arm64)
	check "virtio-mmio platform devices" \
		sh -c 'ls /sys/bus/platform/devices | grep -q "virtio[-_]mmio"'
	check "modern interface (VERSION_1 negotiated)" version_1 1
	check "console is hvc0" grep -q hvc0 /sys/class/tty/console/active
	;;
esac
sync
