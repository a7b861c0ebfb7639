#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-blk, virtio-rng and virtio-console against Linux's real drivers,
# over each transport (modern PCI, transitional PCI driven by the legacy
# driver, virtio-mmio) and on Debian's stock kernel.  The guest checks
# what its drivers see (virtio/guest.sh); once it is gone, the images
# come back with the case directory and the host checks them byte for
# byte and with e2fsck -fn.  Holes do not survive the trip back, so
# discard is checked where lkvm ran (--post).

. "$(dirname "$0")/lib.sh"

for t in mkfs.ext4 e2fsck; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t (e2fsprogs)"; exit 0; }
done

tmp=$lab_work/virtio-t
mkdir -p "$tmp"
head -c 1048576 /dev/urandom >"$tmp/pattern"
head -c 4194304 /dev/urandom >"$tmp/data.img"
sha256sum <"$tmp/data.img" | cut -d' ' -f1 >"$tmp/data.sha256"

# virtio_case NAME SCRATCH_MIB [lab_case options]: a guest with the
# read-only data.img as vda and an empty scratch.img as vdb (plus --rng).
virtio_case()
{
	local name=$1 mib=$2

	shift 2
	lab_case "$name" --guest virtio/guest.sh --env T="$name" \
		--guest-file "$tmp/pattern:pattern" \
		--guest-file "$tmp/data.sha256:data.sha256" \
		--file "$tmp/data.img" \
		--pre "dd if=/dev/zero of=scratch.img bs=1048576 count=$mib" \
		--check check_virtio "$@"
}

# Every case: the read-only image is unchanged, the guest's writes are in
# the scratch image.
check_virtio()
{
	local d=$1 name

	name=$(basename "$d")
	name=${name#*-}
	[ "$(sha256sum <"$d/data.img" | cut -d' ' -f1)" = "$(cat "$tmp/data.sha256")" ]
	ok $? "host: $name: read-only image unchanged"
	cmp -n 1048576 "$tmp/pattern" "$d/scratch.img"
	ok $? "host: $name: guest writes are in the image, byte for byte"
	[ "$name" = pci ] || return 0
	e2fsck -fn "$d/fs.img" >"$tmp/e2fsck.out" 2>&1
	ok $? "host: pci: e2fsck -fn is clean on the guest's file system" ||
		head -5 "$tmp/e2fsck.out" | sed 's/^/# /'
	# Debian's L1 kernel has io_uring: with liburing it must be used.
	if lkvm_has liburing; then
		grep -q 'virtio-blk0: io_uring,' "$d/stderr"
		ok $? "host: pci: virtio-blk does its I/O through io_uring" ||
			grep 'virtio-blk' "$d/stderr" | sed 's/^/# /'
	else
		skip 1 "pci: lkvm was built without liburing"
	fi
}

check_locked()
{
	grep -q 'in use' "$1/stderr"
	ok $? "host: an image in use is refused"
}

# Modern PCI (the default), with a file system
# and discard.  The host's mkfs.ext4 is x86's: arm64 guests make theirs
# with busybox.
mkfs=()
[ "$LAB_ARCH" != x86 ] || mkfs=(--guest-prog "$(command -v mkfs.ext4):bin/mkfs.ext4")
virtio_case pci 32 --timeout 240 "${mkfs[@]}" \
	--pre "dd if=/dev/zero of=scratch.img bs=1048576 count=32
	       dd if=/dev/zero of=fs.img bs=1048576 seek=63 count=1" \
	--opts "-m 256 -c 2 -d data.img,ro -d scratch.img -d fs.img --rng --virtio-transport pci --loglevel debug" \
	--post 'run "discard punched a hole in the image" \
		test "$(du -k scratch.img | cut -f1)" -le $((32768 - 8192))'

# Transitional device driven by the legacy driver.  On arm64 Linux
# reassigns every BAR, so I/O BARs overlap for a while (hw/pci.c).
virtio_case legacy 8 --timeout 120 \
	--opts "-m 256 -c 2 -d data.img,ro -d scratch.img --rng --virtio-transport pci-legacy" \
	--cmdline "$LAB_CMDLINE_DEFAULT virtio_pci.force_legacy=1"

# virtio-mmio, with hvc0 as the console (lkvm's default command line).
virtio_case mmio 8 --timeout 120 \
	--opts "-m 256 -c 2 -d data.img,ro -d scratch.img --rng --virtio-transport mmio --console virtio" \
	--cmdline "quiet panic=-1"

# Debian's stock kernel, modern PCI.
virtio_case debian 8 --kernel debian --timeout 180 \
	--opts "-m 256 -c 2 -d data.img,ro -d scratch.img --rng --virtio-transport pci"

# A locked image is refused with a clear message.
lab_case locked --guest-sh "" --no-end --rc nonzero --check check_locked \
	--pre "dd if=/dev/zero of=scratch.img bs=1048576 count=1" \
	--opts "-d scratch.img -d scratch.img"

lab_run
