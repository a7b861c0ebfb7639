#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a timed test): untar + find + rm of a tree of a few
# thousand files over virtio-9p, lkvm's server against QEMU's -virtfs
# backend, both in the same lab run (the same L1, kernel and guest), over
# virtio-mmio and virtio-pci.  Prints TAP for the runs, then the times
# and the ratios.
#
#   bench-9p.sh [NFILES]   (make bench-9p; default 1000 files: under the
#                          nested TCG lab each 9p operation costs ~10 ms;
#                          BENCH_9P_TRANSPORTS="mmio pci" by default)

# Two L1 CPUs, for the VMMs' threads (lib.sh).
LAB_L1_CPUS=${LAB_L1_CPUS:-2}
. "$(dirname "$0")/lib.sh"

nfiles=${1:-${BENCH_9P_FILES:-1000}}
tmp=$lab_work/bench-9p
mkdir -p "$tmp/tree"
for ((i = 0; i < nfiles; i++)); do
	d=$tmp/tree/d$((i / 100))
	[ -d "$d" ] || mkdir "$d"
	head -c $((i * 37 % 4096)) /dev/zero >"$d/f$i"
done
tar -cf "$tmp/tree.tar" -C "$tmp/tree" .
rm -rf "$tmp/tree"

result=$tmp/result
bench_check()
{
	local d=$1 line

	line=$(tr -d '\r' <"$d/console" | grep -a '^@T bench-9p ' | tail -n 1)
	[ -n "$line" ]
	ok $? "$(basename "$d"): reported a time" || return
	echo "$(basename "$d") $line" >>"$result"
}

# Both transports: virtio-mmio (QEMU -M microvm) and modern virtio-pci
# (QEMU -M pc).  Both share passthrough, like with like: QEMU's
# mapped-xattr needs user xattrs, which the tmpfs of the lab's L1 has not.
fsdev="-fsdev local,id=fs0,path=share,security_model=passthrough"
for t in ${BENCH_9P_TRANSPORTS:-mmio pci}; do
	for vmm in lkvm qemu; do
		cmdline=$LAB_CMDLINE_DEFAULT
		case $vmm-$t in
		lkvm-*)	opts="-m 256 --9p share,bench,security=passthrough --virtio-transport $t" ;;
		qemu-mmio)
			# As in bench-blk.sh: devices on the command line, and
			# no i8042 to reboot through.
			opts="-M microvm,acpi=off -bios bios-microvm.bin -m 256 $fsdev -device virtio-9p-device,fsdev=fs0,mount_tag=bench"
			cmdline="$cmdline reboot=t" ;;
		qemu-pci)
			opts="-M pc -m 256 $fsdev -device virtio-9p-pci,fsdev=fs0,mount_tag=bench,disable-legacy=on" ;;
		esac
		lab_case "bench-9p-$t-$vmm" --vmm $vmm --guest 9p/guest-bench.sh \
			--file "$tmp/tree.tar" --pre "mkdir -p share && mv tree.tar share/" \
			--opts "$opts" --cmdline "$cmdline" --timeout 1200 \
			--check bench_check
	done
done

lab_run
if [ -f "$result" ]; then
	awk '{ t = $5 - $4; name = $1; sub(/^[0-9]*-bench-9p-/, "", name);
	       split(name, p, "-"); time[p[1], p[2]] = t; seen[p[1]] = 1
	       printf "# %-10s %8.2f s for %d entries (untar + find + rm)\n", name, t, $6 }
	     END { for (tr in seen)
			if (time[tr, "lkvm"] > 0 && time[tr, "qemu"] > 0)
				printf "# %-4s ratio lkvm/qemu: %.2f (below 1: lkvm is faster)\n",
				       tr, time[tr, "lkvm"] / time[tr, "qemu"] }' "$result"
fi
