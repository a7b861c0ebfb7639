#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Block I/O benchmark (make bench-blk; not a test): sequential throughput
# (1 MiB, O_DIRECT) and random IOPS (4 KiB, 4 threads) inside the tiny
# lab guest on virtio-blk, under lkvm and under QEMU on the same kind of
# image in the same lab run; prints TAP for the runs, then both results
# and the ratio, for each transport: virtio-mmio (QEMU -M microvm, the
# only one it offers) and modern virtio-pci (QEMU -M pc).
#
#   bench-blk.sh [mmio] [pci]        (default: both)
# Two L1 CPUs, for the VMMs' threads (lib.sh).
LAB_L1_CPUS=${LAB_L1_CPUS:-2}
. "$(dirname "$0")/lib.sh"

tmp=$lab_work/bench-blk
mkdir -p "$tmp"
cc -static -O2 -pthread -o "$tmp/blkbench" "$LAB_DIR/virtio/blkbench.c" ||
	lab_die "cannot build virtio/blkbench (static libc?)"

result=$tmp/result
# Case directories are NN-bench-blk-TRANSPORT-VMM; result lines become
# "VMM TRANSPORT MODE BS MB/s IOPS".
bench_check()
{
	local d=$1 vmm t

	vmm=${d##*-}
	t=${d%-*}
	t=${t##*-}
	tr -d '\r' <"$d/console" | sed -n "s/^@T bench-blk /$vmm $t /p" >>"$result"
	grep -aq '^@T bench-blk ' "$d/console"
	ok $? "bench-blk-$t-$vmm: reported results"
}

transports=${*:-mmio pci}
img="-drive file=bench.img,if=none,id=d0,format=raw"
for t in $transports; do
	for vmm in lkvm qemu; do
		cmdline=$LAB_CMDLINE_DEFAULT
		case $vmm-$t in
		lkvm-mmio)
			opts="-m 256 -c 2 -d bench.img --virtio-transport mmio" ;;
		lkvm-pci)
			opts="-m 256 -c 2 -d bench.img --virtio-transport pci" ;;
		qemu-mmio)
			# Without ACPI, microvm names its virtio-mmio devices
			# on the kernel command line, as lkvm does.  It has no
			# i8042 to reboot through (see bench-boot).
			opts="-M microvm,acpi=off -bios bios-microvm.bin -m 256 -smp 2 $img -device virtio-blk-device,drive=d0"
			cmdline="$cmdline reboot=t" ;;
		qemu-pci)
			opts="-M pc -m 256 -smp 2 $img -device virtio-blk-pci,drive=d0,disable-legacy=on" ;;
		*)
			lab_die "bench-blk: unknown transport '$t' (mmio, pci)" ;;
		esac
		lab_case "bench-blk-$t-$vmm" --vmm $vmm --guest virtio/guest-bench.sh \
			--guest-file "$tmp/blkbench:bin/blkbench" --cmdline "$cmdline" \
			--pre "dd if=/dev/urandom of=bench.img bs=1048576 count=256" \
			--post "rm -f bench.img" --opts "$opts" --timeout 600 \
			--check bench_check
	done
done

echo "bench-blk: running the lab (a few minutes)..." >&2
lab_run
[ -s "$result" ] || { echo "# bench-blk: no results"; exit 1; }
awk '
{
	key = $2 " " $3 " " $4
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
	mbs[$1, key] = $5; iops[$1, key] = $7
}
END {
	printf "# %-27s %12s %12s %8s\n", "virtio-blk (in guest)", "lkvm", "qemu", "ratio"
	for (i = 0; i < n; i++) {
		k = order[i]
		split(k, p, " ")
		if (p[2] ~ /^seq/) { a = mbs["lkvm", k]; b = mbs["qemu", k]; u = "MB/s" }
		else { a = iops["lkvm", k]; b = iops["qemu", k]; u = "IOPS" }
		printf "# %-27s %7s %-4s %7s %-4s %8s\n", k, a, u, b, u,
		       (b > 0 ? sprintf("%.2f", a / b) : "-")
	}
}' "$result"
