#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network benchmark (make bench-net; not a test): iperf3 guest to L1 and
# L1 to guest (-R), one stream, through lkvm's virtio-net and QEMU's on the
# same backends in the same lab run: a tap with the VMM's own datapath
# (vhost=off), a tap with vhost-net (vhost=on) and user mode (libslirp,
# in both: the guest connects to 10.0.2.2, L1's loopback).  The same tiny
# kernel and guest, modern virtio-pci (QEMU -M pc, as bench-blk.sh);
# BENCH_NET_TRANSPORTS="pci mmio" adds virtio-mmio (QEMU -M microvm).
# Prints TAP for the runs, QEMU's command lines, then Gbit/s per line and
# the lkvm/QEMU ratio (above 1: lkvm is faster).
#
#   bench-net.sh [tap] [vhost] [user]   (default: all three)
#
# BENCH_TIME: seconds per iperf3 run (default 10).

# Two L1 CPUs, for the VMMs' threads (lib.sh).
LAB_L1_CPUS=${LAB_L1_CPUS:-2}
. "$(dirname "$0")/lib.sh"

iperf=$(command -v iperf3) || lab_die "no iperf3 (tools/kvm/scripts/install-deps)"
lab_l1_prog iperf3
mkdir -p "$lab_root/net"
install -m 755 "$LAB_DIR/net/tap-up" "$lab_root/net/"
net=$lab_l1root/net
time=${BENCH_TIME:-10}

tmp=$lab_work/bench-net
mkdir -p "$tmp"
result=$tmp/result
# Case directories are NN-bench-net-TRANSPORT-BACKEND-VMM; result lines
# become "TRANSPORT BACKEND DIRECTION VMM GBITS".
bench_check()
{
	local d=$1 c vmm be t

	c=$(basename "$d")
	c=${c#*-bench-net-}
	IFS=- read -r t be vmm <<<"$c"
	tr -d '\r' <"$d/console" | sed -n "s/^@T bench-net \([^ ]*\) \(.*\)$/$t $be \1 $vmm \2/p" \
		>>"$result"
	[ "$vmm" = lkvm ] || echo "# $t $be qemu: $(cat "$d/cmdline" 2>/dev/null)" >>"$tmp/qemu-cmds"
	[ "$(grep -c "^$t $be [^ ]* $vmm [0-9]" "$result")" = 2 ]
	ok $? "bench-net-$c: iperf3 reported both directions"
}

backends=${*:-tap vhost user}
n=0
for t in ${BENCH_NET_TRANSPORTS:-pci}; do
	for be in $backends; do
		for vmm in lkvm qemu; do
			tapif=lkvmb$n
			n=$((n + 1))
			cmdline=$LAB_CMDLINE_DEFAULT
			case $be in
			tap|vhost)
				v=off
				[ $be = tap ] || v=on
				lnet="-n mode=tap,tapif=$tapif,script=$net/tap-up,vhost=$v"
				qnet="-netdev tap,id=n0,ifname=$tapif,script=$net/tap-up,downscript=no,vhost=$v"
				mode=tap ;;
			user)
				lnet="-n mode=user"
				qnet="-netdev user,id=n0"
				mode=user ;;
			*)	lab_die "bench-net: unknown backend '$be' (tap, vhost, user)" ;;
			esac
			case $vmm-$t in
			lkvm-*)
				opts="-m 256 -c 1 --virtio-transport $t $lnet" ;;
			qemu-pci)
				opts="-M pc -m 256 -smp 1 $qnet -device virtio-net-pci,netdev=n0,romfile=,disable-legacy=on" ;;
			qemu-mmio)
				# As in bench-blk.sh: no ACPI, devices on the
				# command line, no i8042 to reboot through.
				opts="-M microvm,acpi=off -bios bios-microvm.bin -m 256 -smp 1 $qnet -device virtio-net-device,netdev=n0"
				cmdline="$cmdline reboot=t" ;;
			*)	lab_die "bench-net: unknown transport '$t' (pci, mmio)" ;;
			esac
			lab_case "bench-net-$t-$be-$vmm" --vmm $vmm --guest net/guest-bench.sh \
				--guest-file "$LAB_DIR/net/guest-lib.sh:lab/net-lib.sh" \
				--guest-file "$LAB_DIR/net/udhcpc.script:etc/udhcpc/default.script" \
				--guest-prog "$iperf:bin/iperf3" \
				--env BENCH_MODE=$mode --env BENCH_TIME="$time" \
				--pre "iperf3 -s >iperf-server.log 2>&1 & echo \$! >/tmp/bench-net-iperf.pid" \
				--post "kill \$(cat /tmp/bench-net-iperf.pid); rm -f /tmp/bench-net-iperf.pid" \
				--opts "$opts" --cmdline "$cmdline" --timeout $((4 * time + 240)) \
				--check bench_check
		done
	done
done

echo "bench-net: running the lab (a few minutes)..." >&2
lab_run
[ -s "$result" ] || { echo "# bench-net: no results"; exit 1; }
cat "$tmp/qemu-cmds" 2>/dev/null
awk '
{
	key = $1 " " $2 " " $3
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
	g[$4, key] = $5
}
END {
	printf "# %-30s %10s %10s %8s\n", "virtio-net, iperf3 (Gbit/s)", "lkvm", "qemu", "ratio"
	for (i = 0; i < n; i++) {
		k = order[i]
		a = g["lkvm", k]; b = g["qemu", k]
		printf "# %-30s %10s %10s %8s\n", k, a, b,
		       (a != "" && a != "-" && b > 0 ? sprintf("%.2f", a / b) : "-")
	}
}' "$result"
