#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-blk, virtio-rng and virtio-console against Linux's real drivers,
# over each transport (modern PCI, transitional PCI driven by the legacy
# driver, virtio-mmio), in the nested lab: QEMU (TCG, nested SVM) boots
# Debian's kernel as L1, which loads KVM and runs lkvm on the lab's tiny
# kernel (L2).  L1 is lkvm's host: it prepares the images, checks them
# after each guest has gone (byte for byte, e2fsck -fn, holes), and
# reports.  Both levels print "@@ ok ..." / "@@ not ok ..." lines that
# become this script's TAP output.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${LKVM_SRCDIR:-$(cd "$here/../.." && pwd)}
out=${LKVM_OUTPUT:-$srcdir/}
lkvm=${LKVM:-$out/lkvm}
. "$here/kernels.sh"

. "$here/virtio/lib.sh"
lab_check_tools
for t in mkfs.ext4 e2fsck; do
	command -v $t >/dev/null || skip "no $t (e2fsprogs)"
done

work=$(mktemp -d /tmp/lkvm-virtio-lab.XXXXXX)
trap 'rm -rf "$work"' EXIT

# ---- L2: the guest of lkvm ------------------------------------------------
l2=$work/l2
mkroot "$l2"
copy_prog "$(command -v mkfs.ext4)" "$l2"
head -c 1048576 /dev/urandom > "$l2/pattern"
head -c 4194304 /dev/urandom > "$work/data.img"
sha256sum < "$work/data.img" | cut -d' ' -f1 > "$l2/data.sha256"
cp "$here/virtio/guest.sh" "$l2/init"
chmod +x "$l2/init"

# The same guest on Debian's stock kernel, whose virtio drivers are modules.
l2d=$work/l2-debian
cp -a "$l2" "$l2d"
mkdir -p "$l2d/modules"
mods=$ddir/lib/modules/$(ls "$ddir/lib/modules" | head -1)/kernel
for m in virtio/virtio_ring virtio/virtio virtio/virtio_pci_legacy_dev \
	 virtio/virtio_pci_modern_dev virtio/virtio_pci; do
	cp "$mods/drivers/$m.ko" "$l2d/modules/"
	echo "${m#*/}" >> "$l2d/modules.order"
done
cp "$mods/drivers/block/virtio_blk.ko" "$mods/drivers/char/hw_random/virtio-rng.ko" \
	"$l2d/modules/"
printf 'virtio_blk\nvirtio-rng\n' >> "$l2d/modules.order"

# ---- L1: lkvm's host -------------------------------------------------------
l1=$work/l1
lab_l1_base "$l1"
copy_prog "$(command -v e2fsck)" "$l1"
cp "$l2/pattern" "$l2/data.sha256" "$l1/"
cp "$work/data.img" "$l1/img/data.img"
mkcpio "$l2" "$l1/l2.cpio.gz"
mkcpio "$l2d" "$l1/l2-debian.cpio.gz"
cp "$ddir/vmlinuz" "$l1/vmlinuz-debian"
cp "$here/virtio/host.sh" "$l1/init"
chmod +x "$l1/init"
mkcpio "$l1" "$work/l1.cpio.gz"
lab_run_l1 "$work/l1.cpio.gz" "$work/log"

# Result lines may come with a carriage return from the guest's tty.
n=0
while IFS= read -r line; do
	line=${line%$'\r'}
	case $line in
	*"@@ ok "*|*"@@ not ok "*)
		n=$((n + 1))
		r=${line#*@@ }
		case $r in
		"not ok "*) echo "not ok $n - ${r#not ok }" ;;
		*) echo "ok $n - ${r#ok }" ;;
		esac
		;;
	esac
done < "$work/log"
n=$((n + 1))
if grep -q '@@ all done' "$work/log"; then
	echo "ok $n - the lab ran to the end"
else
	echo "not ok $n - the lab ran to the end"
	sed 's/^/# /' "$work/log" | tail -60
fi
echo "1..$n"
[ -n "$LAB_KEEP_LOG" ] && cp "$work/log" "$LAB_KEEP_LOG"
exit 0
