#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in a Linux guest (busybox) with two 9p shares mounted:
#   guest-tests.sh RW_MOUNT RO_MOUNT
# Prints one TAP line per check, prefixed with "9p-guest: " so that the
# host can pick them out of the console.  The host side checks what can
# only be seen from the host (see the .t scripts).

rw=$1
ro=$2
n=0

t()
{
	n=$((n + 1))
	if (eval "$2") >/tmp/t.out 2>&1; then
		echo "9p-guest: ok $n - $1"
	else
		echo "9p-guest: not ok $n - $1"
		sed 's/^/9p-guest: #   /' /tmp/t.out | head -n 5
	fi
}

t "create and read" 'echo hello > $rw/f && [ "$(cat $rw/f)" = hello ]'
t "append" 'printf abc > $rw/a && printf def >> $rw/a && [ "$(cat $rw/a)" = abcdef ]'
t "truncate with O_TRUNC" 'printf xy > $rw/a && [ "$(cat $rw/a)" = xy ]'
t "truncate(2)" 'truncate -s 1 $rw/a && [ "$(cat $rw/a)" = x ] && truncate -s 4096 $rw/a && [ "$(stat -c %s $rw/a)" = 4096 ]'
t "large file (3 MB) round trip" 'dd if=/dev/urandom of=/tmp/big bs=1024 count=3000 2>/dev/null && cp /tmp/big $rw/big && cmp /tmp/big $rw/big'
t "write at an offset" 'printf Z | dd of=$rw/big bs=1 seek=1000000 conv=notrunc 2>/dev/null && [ "$(dd if=$rw/big bs=1 skip=1000000 count=1 2>/dev/null)" = Z ]'
t "rename a file" 'mv $rw/f $rw/g && [ ! -e $rw/f ] && [ "$(cat $rw/g)" = hello ]'
t "rename a directory with contents" 'mkdir -p $rw/d1/sub && echo x > $rw/d1/sub/x && mv $rw/d1 $rw/d2 && [ "$(cat $rw/d2/sub/x)" = x ]'
t "rename over an existing file" 'echo new > $rw/n && mv $rw/n $rw/g && [ "$(cat $rw/g)" = new ]'
t "unlink" 'rm $rw/g && [ ! -e $rw/g ]'
t "mkdir and rmdir" 'mkdir $rw/dir && [ -d $rw/dir ] && rmdir $rw/dir && [ ! -e $rw/dir ]'
t "rmdir of a non-empty directory fails" '! rmdir $rw/d2'
t "symlink and readlink" 'ln -s some/target $rw/sl && [ "$(readlink $rw/sl)" = some/target ] && [ -L $rw/sl ]'
t "hard link" 'echo h > $rw/h1 && ln $rw/h1 $rw/h2 && [ "$(stat -c %h $rw/h1)" = 2 ] && [ "$(stat -c %i $rw/h1)" = "$(stat -c %i $rw/h2)" ]'
t "chmod" 'chmod 0751 $rw/h1 && [ "$(stat -c %a $rw/h1)" = 751 ]'
t "chown" 'chown 1234:567 $rw/h1 && [ "$(stat -c %u:%g $rw/h1)" = 1234:567 ]'
t "utimes" 'touch -d "2001-02-03 04:05:06" $rw/h1 && [ "$(stat -c %Y $rw/h1)" = "$(date -d "2001-02-03 04:05:06" +%s)" ]'
# user.* needs a host file system that has it (tmpfs before 6.6 does not).
if 9p-tool set $rw/h1 user.lkvm probe 2>/dev/null; then
	t "xattr set and get" '9p-tool set $rw/h1 user.lkvm hello && [ "$(9p-tool get $rw/h1 user.lkvm)" = hello ]'
	t "xattr list" '9p-tool list $rw/h1 | grep -qx user.lkvm'
	t "xattr remove" '9p-tool rm $rw/h1 user.lkvm && ! 9p-tool get $rw/h1 user.lkvm'
else
	echo "9p-guest: # no user.* xattrs on the host's file system"
fi
t "no trusted.* xattr set" '! 9p-tool set $rw/h1 trusted.lkvm x'
t "no security.* xattr set" '! 9p-tool set $rw/h1 security.lkvm x'
t "the server's own xattrs are no guest's" '! 9p-tool get $rw/h1 user.virtfs.uid && ! 9p-tool set $rw/h1 user.virtfs.uid x && ! 9p-tool list $rw/h1 | grep -q virtfs'
t "mkfifo" 'mkfifo $rw/fifo && [ -p $rw/fifo ]'
t "device node is the guest's" 'mknod $rw/null c 1 3 && [ -c $rw/null ] && echo x > $rw/null'
# What a root guest may do with its own files, whatever the host makes of it.
t "mknod b 8 0 and chmod 666" 'mknod $rw/disk b 8 0 && chmod 666 $rw/disk && [ -b $rw/disk ] && [ "$(stat -c %t:%T:%a $rw/disk)" = 8:0:666 ]'
t "chmod 4755" 'printf "#!/bin/sh\necho suid\n" > $rw/suid && chmod 4755 $rw/suid && [ -u $rw/suid ] && [ "$(stat -c %a $rw/suid)" = 4755 ] && [ "$($rw/suid)" = suid ]'
t "chown 1234:5678" 'chown 1234:5678 $rw/disk && [ "$(stat -c %u:%g $rw/disk)" = 1234:5678 ]'
t "ls -l shows them" 'set -- $(ls -ln $rw/disk) && [ "$1 $3 $4 $5 $6" = "brw-rw-rw- 1234 5678 8, 0" ] && set -- $(ls -ln $rw/suid) && [ "$1" = -rwsr-xr-x ]'
ls -ln $rw/disk $rw/suid $rw/fifo $rw/null | sed 's/^/9p-guest: # /'
t "statfs" 'df $rw | grep -q .'
t "POSIX lock seen by another process" '9p-tool lock $rw/h1'
t "300 files in a directory" 'mkdir $rw/many && for i in $(seq 1 300); do : > $rw/many/f$i; done && [ "$(ls $rw/many | wc -l)" = 300 ]'
t "rm -rf" 'rm -rf $rw/many && [ ! -e $rw/many ]'
t "escape through a symlink lands in the guest" 'ln -s ../../../../../../../tmp $rw/esc && echo pwned > $rw/esc/lkvm-9p-pwned && [ -e /tmp/lkvm-9p-pwned ]'
t "dot-dot of the mount is the guest's" 'cd $rw/.. && [ "$(pwd)" = "$(dirname $rw)" ]'
t "untar a tree" 'mkdir $rw/untar && tar -xf $rw/src.tar -C $rw/untar'
t "ro: read" '[ "$(cat $ro/file)" = readonly ]'
t "ro: no create" '! touch $ro/new && [ ! -e $ro/new ]'
t "ro: no write" '! sh -c "echo x >> $ro/file"'
t "ro: no mkdir" '! mkdir $ro/dir'
t "ro: no unlink" '! rm -f $ro/file && [ -e $ro/file ]'
t "ro: no chmod" '! chmod 777 $ro/file'
t "ro: no rename" '! mv $ro/file $ro/other'
sync
echo "9p-guest: done $n"
