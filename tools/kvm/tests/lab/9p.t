#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-9p with Linux's v9fs client, lkvm setup/run without a disk, and
# lkvm sandbox, in the lab.
#
# 9p-virtio: the guest mounts a read-write and a read-only share (two
# directories in the case directory, which comes back to the host) and
# runs 9p/guest-tests.sh; both are security=mapped, the default.  The
# post script looks at the guest's attributes in the xattrs (in L1: they
# do not come back), check_9p at the rest from the host.
#
# 9p-security: a root guest's mknod, chmod 4755 and chown on a mapped
# and on a passthrough share; the post script checks that the mapped
# share got plain files of the lkvm user (root in L1), the passthrough
# one what the help text warns about.
#
# The other two cases run lkvm again from their post script in L1, whose
# userspace is "the host" there: 'lkvm sandbox' must exit with the
# command's status and carry its output; 'lkvm run' without -d or -i
# must boot the default 9p root file system into a shell.

. "$(dirname "$0")/lib.sh"

tmp=$lab_work/9p-t
mkdir -p "$tmp"
"$LAB_CC" -static -O2 -o "$tmp/9p-tool" "$LAB_DIR/9p/tool.c" ||
	lab_die "cannot build 9p/9p-tool (static libc?)"
tar -cf "$tmp/src.tar" -C "$LAB_TREE/tools" --exclude='*.[od]' \
	include lib kvm/include kvm/virtio kvm/guest/init.c
mkdir -p "$tmp/src" && tar -xf "$tmp/src.tar" -C "$tmp/src"

check_9p()
{
	local d=$1

	diff -r "$tmp/src" "$d/rw/untar" >/dev/null
	ok $? "9p host: the untarred tree equals the original"
	[ "$(stat -c %i "$d/rw/h1")" = "$(stat -c %i "$d/rw/h2")" ]
	ok $? "9p host: a real hard link"
	[ -f "$d/rw/sl" ] && [ "$(cat "$d/rw/sl")" = some/target ] &&
		[ -f "$d/rw/fifo" ] && [ -f "$d/rw/disk" ]
	ok $? "9p host: the guest's symlink, FIFO and device are plain files"
	[ -z "$(find "$d/rw" -type b -o -type c -o -type p -o -type s -o \
		-type l -o -perm /6002)" ]
	ok $? "9p host: no special file, symlink, setuid or world-writable file"
	[ -d "$d/outside" ] && [ -z "$(ls -A "$d/outside")" ] &&
		[ ! -e "$d/lkvm-9p-pwned" ] && [ ! -e "$d/rw/esc/lkvm-9p-pwned" ]
	ok $? "9p host: nothing written outside the share"
	[ "$(ls -A "$d/ro")" = file ] && [ "$(cat "$d/ro/file")" = readonly ]
	ok $? "9p host: the read-only share is unchanged"
}

# In L1, where the xattrs are: what the guest set, and the host's own.
post_9p='
is "$(./9p-tool meta rw/h1)" 1234:567:100751 "9p L1: chown and chmod in the xattrs"
is "$(./9p-tool meta rw/disk)" 1234:5678:60666:8,0 "9p L1: the block device in the xattrs"
is "$(./9p-tool meta rw/suid)" 0:0:104755 "9p L1: setuid in the xattrs"
is "$(stat -c %u:%a rw/h1) $(stat -c %u:%a rw/disk) $(stat -c %u:%a rw/suid)" \
	"0:700 0:600 0:700" "9p L1: the files are root'"'"'s alone"
'

lab_case 9p-virtio --guest 9p/guest-virtio.sh \
	--guest-file "$tmp/9p-tool:bin/9p-tool" \
	--guest-file "$LAB_DIR/9p/guest-tests.sh:lab/9p-tests.sh" \
	--file "$tmp/src.tar" --file "$tmp/9p-tool" \
	--pre "mkdir -p rw ro outside && mv src.tar rw/ && echo readonly >ro/file" \
	--opts "-m 256 --9p rw,lkvmrw --9p ro,lkvmro,ro" \
	--timeout 600 --post "$post_9p" --check check_9p

# lkvm runs as root in L1: "the lkvm user's" is root's.  What passthrough
# made is removed before the case directory goes back to the host.
post_security='
for f in disk suid owned; do
	diag "m/$f: $(stat -c "%F %u:%g %a" m/$f), xattrs $(./9p-tool meta m/$f)"
done
[ -f m/disk ] && [ ! -s m/disk ] && [ -f m/suid ] && [ -f m/owned ]
ok $? "mapped: the host has plain files"
is "$(stat -c %u:%g:%a m/disk) $(stat -c %u:%a m/suid) $(stat -c %u:%g m/owned)" \
	"0:0:600 0:700 0:0" "mapped: root'"'"'s alone, no setuid, no chown"
is "$(./9p-tool meta m/disk)" 0:0:60666:8,0 "mapped: the device node in the xattrs"
is "$(./9p-tool meta m/suid)" 0:0:104755 "mapped: setuid in the xattrs"
is "$(./9p-tool meta m/owned)" 1234:5678:100644 "mapped: the owner in the xattrs"
[ -b p/disk ] && [ "$(stat -c %t:%T:%a p/disk)" = 8:0:666 ] && [ -u p/suid ] &&
	[ "$(stat -c %u:%g p/owned)" = 1234:5678 ]
ok $? "passthrough: a host block device, a setuid file, a chown"
rm -f p/disk p/suid
'

lab_case 9p-security --guest 9p/guest-security.sh \
	--file "$tmp/9p-tool" --pre "mkdir -p m p" \
	--opts "-m 256 --9p m,mapped --9p p,pass,security=passthrough" \
	--timeout 120 --post "$post_security"

# 9p-parallel: guest processes read, walk and write one share at once
# (9p/guest-parallel.sh), served by a pool of 4 threads; in L1 the
# post script compares what they saw and wrote with its own view.
post_parallel='
cd par
find tree -type f | sort | xargs md5sum >l1.sum
cmp -s l1.sum r1.sum && cmp -s l1.sum r2.sum
ok $? "9p-parallel L1: both readers read the tree L1 has"
find tree | sort >l1.walk
bad=0
for w in walk*.*; do
	cmp -s l1.walk "$w" || bad=$((bad + 1))
done
is "$bad:$(ls walk*.* | wc -l)" 0:6 "9p-parallel L1: every walk found what L1 finds"
find w1 w2 w3 w4 -type f | sort | xargs md5sum >l1.final
cmp -s l1.final final.sum
ok $? "9p-parallel L1: the files written are what the guest read back"
bad=0
for i in 1 2 3 4; do
	for j in $(seq 1 40); do
		seq $i $j 3000 | cmp -s - w$i/f$j || bad=$((bad + 1))
	done
done
is $bad 0 "9p-parallel L1: and what the writers wrote"
cd ..
rm -rf par
'

lab_case 9p-parallel --guest 9p/guest-parallel.sh \
	--file "$tmp/src.tar" \
	--pre "mkdir -p par/tree && tar -xf src.tar -C par/tree && rm src.tar" \
	--opts "-m 256 -c 2 --9p par,lkvmpar,threads=4" \
	--timeout 300 --post "$post_parallel"

# 9p-flood: many guest processes at once, then readers killed mid-read
# (9p/guest-flood.sh), against a pool of 4 threads.  In L1 a sampler
# reads lkvm's thread count and its memory outside guest RAM (the RSS of
# every mapping but the 256 MiB of guest RAM, from smaps) once a second;
# during the flood neither may grow past the pool's bounds.  The sampler
# shares L1's one CPU with the guest, which under nested TCG makes the
# case take minutes: hence its time limit.
pre_flood='
mkdir -p flood/small
for i in $(seq 0 49); do seq $i 500 >flood/small/f$i; done
head -c 4194304 /dev/urandom >flood/big
md5sum <flood/big | cut -d" " -f1 >flood/big.md5
# The sampler gives up rather than outlive the case: no lkvm within a
# minute, or ten minutes of samples.
(
	i=0
	p=
	while [ -z "$p" ] && [ $i -lt 600 ]; do
		sleep 0.1
		p=$(pidof lkvm | cut -d" " -f1)
		i=$((i + 1))
	done
	[ -n "$p" ] || exit 0
	i=0
	while [ -d /proc/$p ] && [ $i -lt 600 ]; do
		i=$((i + 1))
		phase=$(grep -c "^@flood" console)
		t=$(sed -n "s/^Threads:[[:space:]]*//p" /proc/$p/status)
		awk -v ph="$phase" -v t="$t" "
			/^Size:/ { size = \$2 }
			/^Rss:/ { if (size >= 262144) guest += \$2; else rest += \$2 }
			END { if (t != \"\") print ph, t, rest }" /proc/$p/smaps \
			>>samples 2>/dev/null
		sleep 1
	done
) >/dev/null 2>&1 &
'
post_flood='
# PHASE THREADS KiB: phase 0 before the flood, 1 during it, 2 after.
diag "samples (phase, threads, KiB outside guest RAM): $(awk "{ print \$1 \":\" \$2 \":\" \$3 }" samples | tr "\n" " ")"
set -- $(awk "\$1 == 0 { t0 = \$2; k0 = \$3 }
	\$1 == 1 { n++; if (\$2 > t1) t1 = \$2; if (\$3 > k1) k1 = \$3 }
	END { print n + 0, t0 + 0, t1 + 0, k0 + 0, k1 + 0 }" samples)
ok $(($1 < 5)) "9p-flood L1: $1 samples during the flood"
is "$3" "$2" "9p-flood L1: no thread is added during the flood"
ok $(($5 - $4 > 16384)) "9p-flood L1: memory outside guest RAM grew by $(($5 - $4)) KiB, at most 16 MiB"
rm -rf flood
'

lab_case 9p-flood --guest 9p/guest-flood.sh \
	--pre "$pre_flood" --post "$post_flood" \
	--opts "-m 256 -c 2 --9p flood,lkvmflood,threads=4" --timeout 600

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
