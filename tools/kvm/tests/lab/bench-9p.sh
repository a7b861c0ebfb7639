#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a timed test): untar + find + rm of a tree of a few
# thousand files over virtio-9p, lkvm's server against QEMU's -virtfs
# backend, both in the same lab run (the same L1, kernel and guest).
# Prints TAP for the runs, then both times and the ratio.
#
#   bench-9p.sh [NFILES]   (make bench-9p; default 1000 files: under the
#                          nested TCG lab each 9p operation costs ~10 ms)

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
	lab_ok $? "$(basename "$d"): reported a time" || return
	echo "$(basename "$d") $line" >>"$result"
}

for vmm in lkvm qemu; do
	if [ $vmm = lkvm ]; then
		opts="-m 256 --9p share,bench"
	else
		opts="-m 256 -fsdev local,id=fs0,path=share,security_model=passthrough -device virtio-9p-device,fsdev=fs0,mount_tag=bench"
	fi
	lab_case "bench-9p-$vmm" --vmm $vmm --guest 9p/guest-bench.sh \
		--file "$tmp/tree.tar" --pre "mkdir -p share && mv tree.tar share/" \
		--opts "$opts" --timeout 1200 --check bench_check
done

lab_run
if [ -f "$result" ]; then
	awk '{ t = $5 - $4; name = $1; sub(/^[0-9]*-bench-9p-/, "", name);
	       time[name] = t; printf "# %-5s %8.2f s for %d entries (untar + find + rm)\n", name, t, $6 }
	     END { if (time["lkvm"] > 0 && time["qemu"] > 0)
			printf "# ratio lkvm/qemu: %.2f (below 1: lkvm is faster)\n", time["lkvm"] / time["qemu"] }' "$result"
fi
