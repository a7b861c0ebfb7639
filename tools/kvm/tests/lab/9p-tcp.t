#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm's 9P2000.L server against Linux's real v9fs client.  No nested KVM
# needed: plain QEMU (TCG) boots the lab's tiny kernel, whose busybox init
# mounts two shares with trans=tcp from tests/lab/9p/tcp-server (the
# server code of lkvm, fed from a socket instead of a virtqueue), runs
# 9p/guest-tests.sh, and the host then checks what only it can see: the
# shares are security=mapped, lkvm's default, so the host has plain files
# of its own and the guest's attributes in user.virtfs.* xattrs.
# The virtio transport itself is covered by 9p.t in the nested lab.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${LKVM_SRCDIR:-$(cd "$here/../.." && pwd)}
out=${LKVM_OUTPUT:-$srcdir/}
. "$here/kernels.sh"

. "$here/../tap.sh"

skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

# The server is the host's own build of lkvm's 9p code: x86's.  (9p.t
# tests the virtio transport on arm64.)
[ "$LAB_ARCH" = x86 ] || skip_all "x86 only: the server links the host's lkvm objects"
command -v qemu-system-x86_64 >/dev/null || skip_all "no qemu-system-x86_64"
command -v cpio >/dev/null || skip_all "no cpio"
busybox=$(command -v busybox) || skip_all "no busybox"
[ -f "$out/libkvm.a" ] || skip_all "lkvm is not built"
kdir=${LAB_TINY_DIR:-$(lab_kernel_tiny 2>/dev/null)} || skip_all "no lab kernel (tests/lab/kernels.sh tiny)"

work=$(mktemp -d /tmp/lkvm-9p-tcp.XXXXXX)
pids=
cleanup()
{
	[ -n "$pids" ] && kill $pids 2>/dev/null
	[ -n "$LAB_KEEP" ] || rm -rf "$work"
}
trap cleanup EXIT

# The server and the guest's xattr tool.  The server links lkvm's own
# objects, so it needs the libraries lkvm was linked with (liblockdep too,
# under LOCKDEP=1): the Makefile passes them as LKVM_LDLIBS.
cc -O2 -D_GNU_SOURCE -I"$srcdir/include" -I"$srcdir/../include" \
	-o "$work/tcp-server" "$here/9p/tcp-server.c" \
	"$out/libkvm.a" "$out/libtools/libtools.a" ${LKVM_LDLIBS:--lpthread} ||
	{ echo "Bail out! cannot build the 9p TCP server"; exit 1; }
cc -static -O2 -o "$work/9p-tool" "$here/9p/tool.c" ||
	{ echo "Bail out! cannot build the static 9p-tool"; exit 1; }

# The shares: rw, ro, and an "outside" next to them that must stay clean.
mkdir -p "$work/rw" "$work/ro" "$work/outside"
echo readonly > "$work/ro/file"
tar -cf "$work/rw/src.tar" -C "$srcdir/.." include kvm/include kvm/virtio kvm/guest
mkdir "$work/src" && tar -xf "$work/rw/src.tar" -C "$work/src"
ro_before=$(cd "$work/ro" && ls -lR --time-style=full-iso . | sha256sum)

port=$((20000 + RANDOM % 20000))
"$work/tcp-server" $port "$work/rw" 2>"$work/rw.log" &
pids="$pids $!"
"$work/tcp-server" -r $((port + 1)) "$work/ro" 2>"$work/ro.log" &
pids="$pids $!"

# The guest's initramfs.
ini=$work/initramfs
mkdir -p "$ini/bin" "$ini/proc" "$ini/sys" "$ini/dev" "$ini/tmp" "$ini/mnt/rw" "$ini/mnt/ro"
cp "$busybox" "$ini/bin/busybox"
cp "$work/9p-tool" "$ini/bin/9p-tool"
cp "$here/9p/guest-tests.sh" "$ini/guest-tests.sh"
cat > "$ini/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin TZ=UTC
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
ifconfig lo up
ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
opts=trans=tcp,version=9p2000.L,msize=262144
if mount -t 9p -o \$opts,port=$port 10.0.2.2 /mnt/rw &&
   mount -t 9p -o \$opts,port=$((port + 1)) 10.0.2.2 /mnt/ro; then
	sh /guest-tests.sh /mnt/rw /mnt/ro
	umount /mnt/rw /mnt/ro
else
	echo "9p-guest: mount failed"
fi
reboot -f
INIT
chmod +x "$ini/init"
(cd "$ini" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz"

timeout 900 qemu-system-x86_64 -M pc -accel tcg -cpu max -m 512 \
	-nodefaults -no-user-config -nographic -serial stdio -no-reboot \
	-kernel "$kdir/bzImage" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 panic=-1 quiet pci=conf1" \
	-netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
	</dev/null >"$work/console.log" 2>&1

# The guest's tests, numbered again among the host's.
while IFS= read -r line; do
	case "$line" in
	"ok "*)		ok 0 "${line#ok * - }" ;;
	"not ok "*)	ok 1 "${line#not ok * - }" ;;
	esac
done < <(sed -n 's/\r$//; s/^.*9p-guest: \(\(not \)\{0,1\}ok [0-9]* - .*\)$/\1/p' "$work/console.log")

grep -q '^9p-guest: done' "$work/console.log"
done=$?
ok $done "the guest ran every test"
[ $done = 0 ] || sed 's/^/# /' "$work/console.log" | tail -n 40
diff -r "$work/src" "$work/rw/untar" >/dev/null
ok $? "host: the untarred tree equals the original"
me=$(id -u)
is "$("$work/9p-tool" meta "$work/rw/h1")" 1234:567:100751 "host: chown and chmod in the xattrs"
is "$(stat -c %u:%a "$work/rw/h1")" $me:700 "host: the file is ours alone"
is "$("$work/9p-tool" meta "$work/rw/disk")" 1234:5678:60666:8,0 "host: the block device in the xattrs"
is "$("$work/9p-tool" meta "$work/rw/suid")" 0:0:104755 "host: setuid in the xattrs"
is "$(stat -c %u:%F:%a "$work/rw/disk") $(stat -c %u:%a "$work/rw/suid")" \
	"$me:regular empty file:600 $me:700" "host: the device and the setuid file are plain files"
[ "$(stat -c %i "$work/rw/h1")" = "$(stat -c %i "$work/rw/h2")" ]
ok $? "host: a real hard link"
[ -f "$work/rw/sl" ] && [ "$(cat "$work/rw/sl")" = some/target ] && [ -f "$work/rw/fifo" ] &&
	[ "$("$work/9p-tool" meta "$work/rw/fifo" | cut -d: -f3)" = 10644 ]
ok $? "host: the guest's symlink and fifo are plain files"
[ -z "$(find "$work/rw" -type b -o -type c -o -type p -o -type s -o -type l -o -perm /6002)" ]
ok $? "host: no special file, symlink, setuid or world-writable file in the share"
[ -z "$(ls -A "$work/outside")" ] && ! find "$work" /tmp -maxdepth 2 -name lkvm-9p-pwned 2>/dev/null | grep -q .
ok $? "host: nothing written outside the share"
[ "$(cd "$work/ro" && ls -lR --time-style=full-iso . | sha256sum)" = "$ro_before" ]
ok $? "host: the read-only share is unchanged"
! grep -q 'bad size' "$work/rw.log" "$work/ro.log"
ok $? "host: the server saw well-formed messages"
tap_done
