#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a timed test): untar a tree over virtio-9p, find it, grep
# it with 4 processes at once and remove it (9p/guest-bench.sh), lkvm's
# server against QEMU's -virtfs backend, both in the same lab run (the
# same L1, kernel and guest), with 1 and 4 guest vCPUs, over virtio-mmio
# and virtio-pci.  Prints TAP for the runs, then the times of each phase
# and the ratios (the goal: lkvm at most 0.8x QEMU's time on every line).
#
#   bench-9p.sh [NFILES]   (make bench-9p)
#
# The tree (BENCH_9P_TREE): "uapi" (default) is linux-source's
# include/uapi/linux, about 800 entries and 6.5 MB of real kernel sources;
# "kernel" is the whole of include/ and tools/ (13000 entries: hours under
# the nested TCG lab, where each 9p operation costs ~10 ms, but minutes on
# real hardware); "small" is NFILES (default 1000) small files.
# BENCH_9P_CPUS="1 4" and BENCH_9P_TRANSPORTS=pci (lkvm's default; "mmio
# pci" for both) by default.

# Two L1 CPUs, for the VMMs' threads (lib.sh).
LAB_L1_CPUS=${LAB_L1_CPUS:-2}
. "$(dirname "$0")/lib.sh"

nfiles=${1:-${BENCH_9P_FILES:-1000}}
tree=${BENCH_9P_TREE:-uapi}
tmp=$lab_work/bench-9p
mkdir -p "$tmp/tree"
case $tree in
uapi|kernel)
	ksrc=$(lab_ksrc) || lab_die "no linux-source tree for BENCH_9P_TREE=$tree"
	if [ "$tree" = uapi ]; then
		dirs=include/uapi/linux
	else
		dirs="include tools"
	fi
	tar -cf "$tmp/tree.tar" -C "$ksrc" $dirs ;;
small)
	for ((i = 0; i < nfiles; i++)); do
		d=$tmp/tree/d$((i / 100))
		[ -d "$d" ] || mkdir "$d"
		seq $((i * 37 % 700)) >"$d/f$i"
	done
	tar -cf "$tmp/tree.tar" -C "$tmp/tree" . ;;
*)
	lab_die "BENCH_9P_TREE=$tree: not uapi, kernel or small" ;;
esac
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
for t in ${BENCH_9P_TRANSPORTS:-pci}; do
for c in ${BENCH_9P_CPUS:-1 4}; do
	for vmm in lkvm qemu; do
		cmdline=$LAB_CMDLINE_DEFAULT
		case $vmm-$t in
		lkvm-*)	opts="-m 256 -c $c --9p share,bench,security=passthrough --virtio-transport $t" ;;
		qemu-mmio)
			# As in bench-blk.sh: devices on the command line, and
			# no i8042 to reboot through.
			opts="-M microvm,acpi=off -bios bios-microvm.bin -m 256 -smp $c $fsdev -device virtio-9p-device,fsdev=fs0,mount_tag=bench"
			cmdline="$cmdline reboot=t" ;;
		qemu-pci)
			opts="-M pc -m 256 -smp $c $fsdev -device virtio-9p-pci,fsdev=fs0,mount_tag=bench,disable-legacy=on" ;;
		esac
		lab_case "bench-9p-$t-c$c-$vmm" --vmm $vmm --guest 9p/guest-bench.sh \
			--file "$tmp/tree.tar" --pre "mkdir -p share && mv tree.tar share/" \
			--opts "$opts" --cmdline "$cmdline" --timeout 1200 \
			--check bench_check
	done
done
done

lab_run
if [ -f "$result" ]; then
	# NAME @T bench-9p START UNTAR FIND GREP END ENTRIES
	awk '{ name = $1; sub(/^[0-9]*-bench-9p-/, "", name)
	       split(name, p, "-"); key = p[1] "-" p[2]; seen[key] = 1
	       t[key, p[3], 1] = $5 - $4; t[key, p[3], 2] = $6 - $5
	       t[key, p[3], 3] = $7 - $6; t[key, p[3], 4] = $8 - $7
	       t[key, p[3], 5] = $8 - $4
	       printf "# %-15s untar %7.2f  find %6.2f  grep -P4 %6.2f  rm %7.2f  total %7.2f s (%d entries)\n",
		      name, $5 - $4, $6 - $5, $7 - $6, $8 - $7, $8 - $4, $9 }
	     END { split("untar find grep rm total", ph, " ")
		   for (k in seen) {
			line = ""
			for (i = 1; i <= 5; i++)
				if (t[k, "lkvm", i] > 0 && t[k, "qemu", i] > 0)
					line = line sprintf("  %s %.2f", ph[i],
						t[k, "lkvm", i] / t[k, "qemu", i])
			if (line != "")
				printf "# %-8s lkvm/qemu:%s (goal: at most 0.8)\n", k, line
		   } }' "$result"
fi
