#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the lab's L1 for virtio.t: loads KVM, runs lkvm once per
# transport on the tiny kernel, and checks the disk images once each guest
# is gone, as only lkvm's host can.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp

check()
{
	d=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		echo "@@ ok host: $d"
	else
		echo "@@ not ok host: $d"
		head -5 /tmp/check.out | sed 's/^/# /'
	fi
}

for m in irqbypass ccp kvm kvm-amd; do
	insmod /$m.ko 2>/dev/null
done
check "/dev/kvm" test -c /dev/kvm

cp /img/data.img /tmp/data.img
mkimg()
{
	dd if=/dev/zero of="$1" bs=1048576 count="$2" 2>/dev/null
}

# lkvm [args...]: one guest; its status must be 0.
guest()
{
	name=$1
	shift
	timeout 300 lkvm run -k /bzImage -i /l2.cpio.gz -m 256 -c 2 "$@"
	check "$name: lkvm exits with status 0" test $? = 0
}

# Modern PCI (the default), with a file system and discard.
mkimg /tmp/scratch.img 32
dd if=/dev/zero of=/tmp/fs.img bs=1048576 seek=63 count=1 2>/dev/null
guest pci -d /tmp/data.img,ro -d /tmp/scratch.img -d /tmp/fs.img --rng \
	-p lkvmtest=pci
check "pci: read-only image unchanged" \
	test "$(sha256sum < /tmp/data.img | cut -d' ' -f1)" = "$(cat /data.sha256)"
check "pci: guest writes are in the image, byte for byte" \
	cmp -n 1048576 /pattern /tmp/scratch.img
check "pci: discard punched a hole in the image" \
	test "$(du -k /tmp/scratch.img | cut -f1)" -le $((32768 - 8192))
check "pci: e2fsck -fn is clean on the guest's file system" \
	e2fsck -fn /tmp/fs.img

# Transitional device driven by the legacy driver.
mkimg /tmp/scratch2.img 8
guest legacy -d /tmp/data.img,ro -d /tmp/scratch2.img --rng \
	--virtio-transport pci-legacy -p "virtio_pci.force_legacy=1 lkvmtest=legacy"
check "legacy: guest writes are in the image" cmp -n 1048576 /pattern /tmp/scratch2.img

# virtio-mmio, with hvc0 as the console.
mkimg /tmp/scratch3.img 8
guest mmio -d /tmp/data.img,ro -d /tmp/scratch3.img --rng \
	--virtio-transport mmio --console virtio -p lkvmtest=mmio
check "mmio: guest writes are in the image" cmp -n 1048576 /pattern /tmp/scratch3.img

# Debian's stock kernel, modern PCI.
mkimg /tmp/scratch4.img 8
guest debian -k /vmlinuz-debian -i /l2-debian.cpio.gz -d /tmp/data.img,ro \
	-d /tmp/scratch4.img --rng -p lkvmtest=debian
check "debian: guest writes are in the image" cmp -n 1048576 /pattern /tmp/scratch4.img

# A locked image is refused with a clear message.
lkvm run -k /bzImage -i /l2.cpio.gz -d /tmp/scratch.img -d /tmp/scratch.img \
	-p lkvmtest=none > /tmp/lock.out 2>&1
check "an image in use is refused" grep -q 'in use' /tmp/lock.out

echo "@@ all done"
poweroff -f
