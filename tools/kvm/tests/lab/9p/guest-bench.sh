# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): untar, find and rm a tree on the 9p share
# tagged "bench", timed with /proc/uptime; the host computes the ratio.
mkdir -p /mnt/b
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 bench /mnt/b
ok $? "mount the bench share"
mkdir /mnt/b/x
read -r start _ </proc/uptime
tar -xf /mnt/b/tree.tar -C /mnt/b/x
untarred=$?
files=$(find /mnt/b/x | wc -l)
rm -rf /mnt/b/x
removed=$?
read -r end _ </proc/uptime
ok $((untarred + removed)) "untar, find ($files entries) and rm"
echo "@T bench-9p $start $end $files"
umount /mnt/b
