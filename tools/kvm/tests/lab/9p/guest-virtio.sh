# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): mount the two virtio-9p shares lkvm offers
# and run the common 9p tests, turning their output into lab TAP.  The
# read-only share is mounted read-write: lkvm must be the one refusing.
mkdir -p /mnt/rw /mnt/ro
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $opts lkvmrw /mnt/rw
ok $? "mount the read-write share"
mount -t 9p -o $opts lkvmro /mnt/ro
ok $? "mount the read-only share"
export TZ=UTC
sh /lab/9p-tests.sh /mnt/rw /mnt/ro |
	sed -n -e 's/^9p-guest: \(ok\|not ok\) [0-9]* - /@T \1 - /p' \
	       -e 's/^9p-guest: #/@T #/p'
umount /mnt/rw /mnt/ro
ok $? "unmount"
