#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the lab's L1 for bench-blk.sh: the same guest and image, once
# under lkvm and once under QEMU, both on KVM.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
for m in irqbypass ccp kvm kvm-amd; do
	insmod /$m.ko 2>/dev/null
done

dd if=/dev/urandom of=/tmp/bench.img bs=1048576 count=256 2>/dev/null

echo "@@ bench vmm lkvm"
timeout 600 lkvm run -k /bzImage -i /l2.cpio.gz -m 256 -c 2 \
	-d /tmp/bench.img -p lkvmtest=bench

echo "@@ bench vmm qemu"
timeout 600 qemu-system-x86_64 -enable-kvm -cpu host -m 256 -smp 2 -M pc \
	-nodefaults -no-user-config -nographic -serial stdio -no-reboot \
	-L /qemu -kernel /bzImage -initrd /l2.cpio.gz \
	-append "console=ttyS0 reboot=k panic=-1 lkvmtest=bench" \
	-drive file=/tmp/bench.img,if=none,id=d0,format=raw \
	-device virtio-blk-pci,drive=d0

echo "@@ bench done"
poweroff -f
