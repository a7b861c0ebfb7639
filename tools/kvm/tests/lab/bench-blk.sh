#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Block I/O benchmark (make bench-blk; not a test): sequential throughput
# (1 MiB, O_DIRECT) and random IOPS (4 KiB, 4 threads) inside the tiny
# lab guest on virtio-blk, under lkvm and under QEMU (-M microvm) on the
# same kind of image in the same lab run; prints TAP for the runs, then
# both results and the ratio.  Both VMMs use the virtio-mmio transport,
# the one microvm offers.

. "$(dirname "$0")/lib.sh"

tmp=$lab_work/bench-blk
mkdir -p "$tmp"
cc -static -O2 -pthread -o "$tmp/blkbench" "$LAB_DIR/virtio/blkbench.c" ||
	lab_die "cannot build virtio/blkbench (static libc?)"

result=$tmp/result
bench_check()
{
	local d=$1 vmm

	vmm=${d##*-}
	tr -d '\r' <"$d/console" | sed -n "s/^@T bench-blk /$vmm /p" >>"$result"
	grep -aq '^@T bench-blk ' "$d/console"
	lab_ok $? "bench-blk-$vmm: reported results"
}

for vmm in lkvm qemu; do
	if [ $vmm = lkvm ]; then
		opts="-m 256 -c 2 -d bench.img --virtio-transport mmio"
		cmdline=$LAB_CMDLINE_DEFAULT
	else
		# Without ACPI, microvm names its virtio-mmio devices on the
		# kernel command line, as lkvm does (and wants qboot unless
		# told which BIOS).
		opts="-M acpi=off -bios bios-microvm.bin -m 256 -smp 2 -drive file=bench.img,if=none,id=d0,format=raw -device virtio-blk-device,drive=d0"
		# microvm has no i8042 to reboot through (see bench-boot).
		cmdline="$LAB_CMDLINE_DEFAULT reboot=t"
	fi
	lab_case "bench-blk-$vmm" --vmm $vmm --guest virtio/guest-bench.sh \
		--guest-file "$tmp/blkbench:bin/blkbench" --cmdline "$cmdline" \
		--pre "dd if=/dev/urandom of=bench.img bs=1048576 count=256" \
		--post "rm -f bench.img" --opts "$opts" --timeout 600 \
		--check bench_check
done

echo "bench-blk: running the lab (a few minutes)..." >&2
lab_run
[ -s "$result" ] || { echo "# bench-blk: no results"; exit 1; }
awk '
{
	key = $2 " " $3
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
	mbs[$1, key] = $4; iops[$1, key] = $6
}
END {
	printf "# %-22s %12s %12s %8s\n", "virtio-blk (in guest)", "lkvm", "qemu", "ratio"
	for (i = 0; i < n; i++) {
		k = order[i]
		split(k, p, " ")
		if (p[1] ~ /^seq/) { a = mbs["lkvm", k]; b = mbs["qemu", k]; u = "MB/s" }
		else { a = iops["lkvm", k]; b = iops["qemu", k]; u = "IOPS" }
		printf "# %-22s %7s %-4s %7s %-4s %8s\n", p[1] " " p[2], a, u, b, u,
		       (b > 0 ? sprintf("%.2f", a / b) : "-")
	}
}' "$result"
