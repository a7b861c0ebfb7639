# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): what a root guest does with its own files
# on a mapped share and on a passthrough one.  The guest sees what it
# set on both; 9p.t's post script checks what the host got.
mkdir -p /mnt/m /mnt/p
opts=trans=virtio,version=9p2000.L
run "mount the mapped share" mount -t 9p -o $opts mapped /mnt/m
run "mount the passthrough share" mount -t 9p -o $opts pass /mnt/p
for s in m p; do
	d=/mnt/$s
	mknod $d/disk b 8 0 && chmod 666 $d/disk &&
		echo x >$d/suid && chmod 4755 $d/suid &&
		echo y >$d/owned && chown 1234:5678 $d/owned
	ok $? "$s: mknod b 8 0, chmod 666, chmod 4755, chown 1234:5678"
	ls -ln $d | while read -r line; do diag "$s: $line"; done
	set -- $(ls -ln $d/disk)
	is "$1 $3 $4 $5 $6" "brw-rw-rw- 0 0 8, 0" "$s: a block device 8:0, 0666"
	set -- $(ls -ln $d/suid)
	is "$1" -rwsr-xr-x "$s: a setuid file"
	is "$(stat -c %u:%g $d/owned)" 1234:5678 "$s: a file of 1234:5678"
done
umount /mnt/m /mnt/p
ok $? "unmount"
