#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lab driver: runs every case of a lab run with lkvm (or QEMU, for the
# benchmark) and stores what happened.  It runs inside the L1 guest
# (busybox sh) or directly on a host whose KVM boots standard kernels.
#
#   driver.sh ROOT OUT
#
# ROOT holds bin/lkvm, the kernels and initramfs pieces the cases name,
# and cases/NAME/case.env (+ files/, pre.sh, post.sh); see lib.sh.  For
# each case, OUT/NAME/ receives the case's files, the VMM's stdout
# (console) and stderr, its exit status (rc), the wall time in
# centiseconds (wall), and TAP from post.sh (post.tap).  OUT/lab/ says
# whether /dev/kvm exists and what "lkvm version" printed.

root=$1
out=$2
lkvm=${LKVM:-$root/bin/lkvm}
qemu=${QEMU:-$root/bin/qemu-system-x86_64}
tmp=${TMPDIR:-/tmp}

centisecs()
{
	local up

	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

mkdir -p "$out/lab"
[ -c /dev/kvm ] && [ -w /dev/kvm ] && echo yes >"$out/lab/kvm"
"$lkvm" version >"$out/lab/version" 2>&1
echo $? >"$out/lab/version.rc"

for c in "$root"/cases/*/; do
	name=$(basename "$c")
	d=$out/$name
	mkdir -p "$d"
	[ -d "$c/files" ] && cp -a "$c/files/." "$d/"

	# KERNEL, INITRDS (space-separated, concatenated in order), OPTS,
	# CMDLINE, TIMEOUT, VMM
	VMM=lkvm
	. "$c/case.env"
	initrd=$tmp/initrd-$name
	(cd "$root" && cat $INITRDS) >"$initrd"

	cd "$d" || continue
	[ -f "$c/pre.sh" ] && . "$c/pre.sh" >pre.log 2>&1
	start=$(centisecs)
	if [ "$VMM" = qemu ]; then
		timeout -s KILL "$TIMEOUT" "$qemu" -M microvm -enable-kvm -cpu host \
			-nodefaults -no-user-config -nographic -serial stdio \
			-no-reboot -L "${QEMU_DATA:-$root/share/qemu}" $OPTS \
			-kernel "$root/$KERNEL" -initrd "$initrd" \
			-append "$CMDLINE" >console 2>stderr </dev/null
	else
		timeout -s KILL "$TIMEOUT" "$lkvm" run -k "$root/$KERNEL" \
			-i "$initrd" $OPTS -p "$CMDLINE" >console 2>stderr </dev/null
	fi
	echo $? >rc
	echo $(($(centisecs) - start)) >wall
	[ -f "$c/post.sh" ] && . "$c/post.sh" >post.tap 2>&1
	rm -f "$initrd"
	cd - >/dev/null
	echo "lab: case $name: exit $(cat "$d/rc"), $(cat "$d/wall")0 ms"
done
