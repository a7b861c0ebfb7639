# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): untar a tree on the 9p share tagged "bench",
# find it, grep it with 4 processes at once (as make -j would read it) and
# remove it, each phase timed with /proc/uptime; the host computes the
# ratios.
mkdir -p /mnt/b
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 bench /mnt/b
ok $? "mount the bench share"
mkdir /mnt/b/x
read -r start _ </proc/uptime
tar -xf /mnt/b/tree.tar -C /mnt/b/x
untarred=$?
read -r t_untar _ </proc/uptime
files=$(find /mnt/b/x | wc -l)
read -r t_find _ </proc/uptime
find /mnt/b/x -type f >/tmp/files
pids=
for k in 0 1 2 3; do
	awk "NR % 4 == $k" /tmp/files | xargs grep -l lkvm-no-such-word \
		>/dev/null & pids="$pids $!"
done
for p in $pids; do
	wait $p
done
read -r t_grep _ </proc/uptime
rm -rf /mnt/b/x
removed=$?
read -r end _ </proc/uptime
ok $((untarred + removed)) "untar, find ($files entries), grep and rm"
echo "@T bench-9p $start $t_untar $t_find $t_grep $end $files"
umount /mnt/b
