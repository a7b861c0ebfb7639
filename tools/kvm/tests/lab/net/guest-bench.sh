# SPDX-License-Identifier: GPL-2.0
#
# Guest of bench-net.sh (sourced by l2-init): iperf3 against the server
# L1 runs, guest to L1 and L1 to guest (-R), over a tap (L1 is
# 192.168.100.1, as net/tap-up makes it) or user mode (L1 is 10.0.2.2,
# the address comes by DHCP).  One "@T bench-net DIRECTION GBITS" line
# each, from iperf3's receiver figure.
#
# Environment: BENCH_MODE=tap|user, BENCH_TIME (seconds per run).

. /lab/net-lib.sh

if [ "$BENCH_MODE" = user ]; then
	server=10.0.2.2
	udhcpc -i eth0 -n -q -t 5 -T 2 >/tmp/udhcpc.log 2>&1
	ok $? "udhcpc got a lease" || net_diag_file /tmp/udhcpc.log
else
	server=192.168.100.1
	ip addr add 192.168.100.2/24 dev eth0
	ip link set eth0 up
fi
net_wait_ping $server 60
ok $? "L1 ($server) answers"
# iperf3's server comes up in L1 at the same time as the guest.
for dir in guest-to-L1 L1-to-guest; do
	rev=
	[ $dir = guest-to-L1 ] || rev=-R
	i=0
	until timeout $((BENCH_TIME + 60)) iperf3 -c $server -t "$BENCH_TIME" -f m $rev \
			>/tmp/iperf.log 2>&1 || [ $i -ge 5 ]; do
		sleep 1
		i=$((i + 1))
	done
	# In Mbit/s for the precision, printed in Gbit/s.
	g=$(awk '/receiver/ { for (i = 2; i <= NF; i++)
		if ($i == "Mbits/sec") printf "%.3f\n", $(i - 1) / 1000 }' /tmp/iperf.log)
	[ -n "$g" ]
	ok $? "iperf3 $dir ($g Gbit/s)" || net_diag_file /tmp/iperf.log
	echo "@T bench-net $dir ${g:--}"
done
