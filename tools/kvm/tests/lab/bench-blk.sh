#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Block I/O benchmark (make bench-blk; not a test): sequential throughput
# (1 MiB, O_DIRECT) and random IOPS (4 KiB, 4 threads) inside the tiny
# lab guest on virtio-blk, under lkvm and under QEMU on the same image in
# the same nested lab run; prints both and the ratio.

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${LKVM_SRCDIR:-$(cd "$here/../.." && pwd)}
out=${LKVM_OUTPUT:-$srcdir/}
lkvm=${LKVM:-$out/lkvm}
. "$here/kernels.sh"
. "$here/virtio/lib.sh"
lab_check_tools

work=$(mktemp -d /tmp/lkvm-bench-blk.XXXXXX)
trap 'rm -rf "$work"' EXIT

l2=$work/l2
mkroot "$l2"
cc -static -O2 -pthread -o "$l2/bin/blkbench" "$here/virtio/blkbench.c" ||
	skip "cannot build blkbench (static libc?)"
cp "$here/virtio/guest.sh" "$l2/init"

l1=$work/l1
lab_l1_base "$l1"
copy_prog "$(command -v qemu-system-x86_64)" "$l1"
ln -sf "$(command -v qemu-system-x86_64)" "$l1/bin/qemu-system-x86_64"
mkdir -p "$l1/qemu"
for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
	cp -L "/usr/share/qemu/$f" "$l1/qemu/" 2>/dev/null ||
		cp -L "/usr/share/seabios/$f" "$l1/qemu/"
done
mkcpio "$l2" "$l1/l2.cpio.gz"
cp "$here/virtio/bench-host.sh" "$l1/init"
mkcpio "$l1" "$work/l1.cpio.gz"
echo "bench-blk: running the nested lab (a few minutes)..." >&2
lab_run_l1 "$work/l1.cpio.gz" "$work/log"

tr -d '\r' < "$work/log" | awk '
/@@ bench vmm / { vmm = $4 }
/@@ bench result / {
	key = $4 " " $5
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
	mbs[vmm, key] = $6; iops[vmm, key] = $8
}
END {
	if (!n) { print "bench-blk: no results"; exit 1 }
	printf "%-22s %12s %12s %8s\n", "virtio-blk (in guest)", "lkvm", "qemu", "ratio"
	for (i = 0; i < n; i++) {
		k = order[i]
		split(k, p, " ")
		if (p[1] ~ /^seq/) { a = mbs["lkvm", k]; b = mbs["qemu", k]; u = "MB/s" }
		else { a = iops["lkvm", k]; b = iops["qemu", k]; u = "IOPS" }
		printf "%-22s %7s %-4s %7s %-4s %8s\n", p[1] " " p[2], a, u, b, u,
		       (b > 0 ? sprintf("%.2f", a / b) : "-")
	}
}' || { tail -40 "$work/log"; exit 1; }
