#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-9p with Linux's v9fs client, lkvm setup/run without a disk, and
# lkvm sandbox, in the lab.
#
# 9p-virtio: the guest mounts a read-write and a read-only share (two
# directories in the case directory, which comes back to the host) and
# runs 9p/guest-tests.sh; check_9p then looks at the result from the host.
#
# The other two cases run lkvm again from their post script in L1, whose
# userspace is "the host" there: 'lkvm sandbox' must exit with the
# command's status and carry its output; 'lkvm run' without -d or -i
# must boot the default 9p root file system into a shell.

. "$(dirname "$0")/lib.sh"

tmp=$lab_work/9p-t
mkdir -p "$tmp"
cc -static -O2 -o "$tmp/9p-tool" "$LAB_DIR/9p/tool.c" ||
	lab_die "cannot build 9p/9p-tool (static libc?)"
tar -cf "$tmp/src.tar" -C "$LAB_TREE/tools" --exclude='*.[od]' \
	include lib kvm/include kvm/virtio kvm/guest/init.c
mkdir -p "$tmp/src" && tar -xf "$tmp/src.tar" -C "$tmp/src"

check_9p()
{
	local d=$1

	diff -r "$tmp/src" "$d/rw/untar" >/dev/null
	ok $? "9p host: the untarred tree equals the original"
	[ "$(stat -c %u:%g:%a "$d/rw/h1" 2>/dev/null)" = 1234:567:751 ]
	ok $? "9p host: chown and chmod reached the host"
	[ "$(stat -c %i "$d/rw/h1")" = "$(stat -c %i "$d/rw/h2")" ]
	ok $? "9p host: a real hard link"
	[ "$(readlink "$d/rw/sl")" = some/target ] && [ -p "$d/rw/fifo" ]
	ok $? "9p host: symlink and fifo"
	[ -d "$d/outside" ] && [ -z "$(ls -A "$d/outside")" ] &&
		[ ! -e "$d/lkvm-9p-pwned" ] && [ ! -e "$d/rw/esc/lkvm-9p-pwned" ]
	ok $? "9p host: nothing written outside the share"
	[ "$(ls -A "$d/ro")" = file ] && [ "$(cat "$d/ro/file")" = readonly ]
	ok $? "9p host: the read-only share is unchanged"
}

lab_case 9p-virtio --guest 9p/guest-virtio.sh \
	--guest-file "$tmp/9p-tool:bin/9p-tool" \
	--guest-file "$LAB_DIR/9p/guest-tests.sh:lab/9p-tests.sh" \
	--file "$tmp/src.tar" \
	--pre "mkdir -p rw ro outside && mv src.tar rw/ && echo readonly >ro/file" \
	--opts "-m 256 --9p rw,lkvmrw --9p ro,lkvmro,ro" \
	--timeout 600 --check check_9p

# The post scripts run in L1 with the driver's variables ($lkvm, $root,
# $KERNEL); HOME points into the case directory so that the rootfs comes
# back to the host too.
lab_case sandbox --post '
export HOME=$PWD/home
mkdir -p "$HOME"
timeout -s KILL 120 "$lkvm" sandbox -k "$root/$KERNEL" -- sh -c "exit 7" >sb1.out 2>sb1.err
is $? 7 "sandbox -- sh -c \"exit 7\" exits 7"
timeout -s KILL 120 "$lkvm" sandbox -k "$root/$KERNEL" -- sh -c "echo out-\$((6 * 7)); echo err-1 >&2" >sb2.out 2>sb2.err
is $? 0 "sandbox with a succeeding command exits 0"
grep -q "^out-42" sb2.out
ok $? "the command output reaches the host stdout"
grep -q "^err-1" sb2.out sb2.err
ok $? "and its stderr too"
timeout -s KILL 120 "$lkvm" sandbox -k "$root/$KERNEL" -- /bin/false-does-not-exist >sb3.out 2>sb3.err
is $? 127 "a missing command gives 127"
ok "$(ls home/.lkvm/default/virt | grep -c sandbox)" "sandbox scripts are cleaned up"
' --timeout 120

lab_case run-9p-root --post '
export HOME=$PWD/home
mkdir -p "$HOME"
cat >in.txt <<\IN
grep -q "^lkvm-root / 9p" /proc/mounts && echo ROOT-IS-$((3 * 3))P
echo SHELL-OK-$((6 * 7)) HOST-$(hostname)
exit
IN
# Type only once the guest init says the shell is coming.
rm -f in.fifo && mkfifo in.fifo
timeout -s KILL 120 "$lkvm" run -k "$root/$KERNEL" <in.fifo >run.out 2>run.err &
pid=$!
exec 3>in.fifo
i=0
while ! grep -q "ends the guest" run.out && [ $i -lt 200 ]; do
	sleep 0.5
	i=$((i + 1))
done
sleep 3
cat in.txt >&3
wait $pid
rc=$?
exec 3>&-
is $rc 0 "lkvm run without a disk ends when the shell exits"
grep -q "^ROOT-IS-9P" run.out
ok $? "the root file system is the 9p share"
grep -q "^SHELL-OK-42 HOST-lkvm" run.out
ok $? "a shell runs commands on the console, host name lkvm"
[ -x home/.lkvm/default/virt/init ] && [ -L home/.lkvm/default/bin ]
ok $? "lkvm setup ran implicitly"
' --timeout 120

lab_run
