# SPDX-License-Identifier: GPL-2.0
#
# Guest of net.t's tap cases: L1 (peer.sh) is 192.168.100.1 on the tap
# lkvm created (tap-up, lkvm's script=), the guest 192.168.100.2.  The
# features virtio_net negotiated (offloads, MTU, multiqueue), pings, a
# download from L1 and an upload to it, compared by checksum, and with
# two queue pairs a download on each CPU, after which both RX queues
# must have interrupted.
#
# Environment: NET_SIZE (bytes each way), NET_OFFLOAD=on|off (what
# the features must say), NET_MTU (mtu=, if given), NET_MQ (queue pairs).

. /lab/net-lib.sh

if=eth0
peer=192.168.100.1
url=http://$peer:8080/down
if ! [ -e /sys/class/net/$if ]; then
	ok 1 "a network interface (eth0)"
	diag "interfaces: $(ls /sys/class/net)"
	return
fi
drv=$(readlink "/sys/class/net/$if/device/driver")
is "${drv##*/}" virtio_net "$if is virtio_net's"
diag "features $(cat /sys/class/net/$if/device/features)"

# VIRTIO_NET_F_*: bit number and name.
if [ "$NET_OFFLOAD" = on ]; then
	for f in 0:CSUM 1:GUEST_CSUM 7:GUEST_TSO4 11:HOST_TSO4 15:MRG_RXBUF; do
		is "$(net_feature $if ${f%%:*})" 1 "offload=on: VIRTIO_NET_F_${f#*:} negotiated"
	done
else
	for f in 0:CSUM 1:GUEST_CSUM 7:GUEST_TSO4 8:GUEST_TSO6 11:HOST_TSO4 12:HOST_TSO6; do
		is "$(net_feature $if ${f%%:*})" 0 "offload=off: no VIRTIO_NET_F_${f#*:}"
	done
fi
if [ -n "$NET_MTU" ]; then
	is "$(net_feature $if 3)" 1 "mtu=$NET_MTU: VIRTIO_NET_F_MTU negotiated"
	is "$(cat /sys/class/net/$if/mtu)" "$NET_MTU" "mtu=$NET_MTU: the guest's MTU"
fi
queues=$(ls /sys/class/net/$if/queues | tr '\n' ' ')
if [ "${NET_MQ:-1}" = 2 ]; then
	is "$(net_feature $if 22)" 1 "mq=2: VIRTIO_NET_F_MQ negotiated"
	is "$queues" "rx-0 rx-1 tx-0 tx-1 " "mq=2: two queue pairs in use"
else
	is "$queues" "rx-0 tx-0 " "one queue pair"
fi

ip link set lo up
ip addr add 192.168.100.2/24 dev $if
ip link set $if up
net_wait_ping $peer 60
if ! ok $? "the guest pings L1 at $peer"; then
	{ ip addr; ip route; } >/tmp/ip.log 2>&1
	net_diag_file /tmp/ip.log
fi
# L1 pings back and looks at its side now (peer.sh).
echo "@T net-up"

net_download $url "tap (L1 to guest)"
net_upload $peer 5001 "tap (guest to L1)"

if [ "${NET_MQ:-1}" = 2 ]; then
	# One download on each CPU: the connection's first packets leave
	# through that CPU's TX queue (XPS), the tap sends the replies of
	# a flow to the queue it came from, and so RX queue N gets them.
	a0=$(net_irqs input.0)
	a1=$(net_irqs input.1)
	taskset 1 timeout "$NET_XFER_TIME" wget -q -O /tmp/d0 $url &
	p0=$!
	taskset 2 timeout "$NET_XFER_TIME" wget -q -O /tmp/d1 $url &
	p1=$!
	wait $p0
	r0=$?
	wait $p1
	r1=$?
	want=$(cat /tmp/down.sha256 2>/dev/null)
	[ $r0 = 0 ] && [ $r1 = 0 ] && [ "$(net_sha /tmp/d0)" = "$want" ] &&
		[ "$(net_sha /tmp/d1)" = "$want" ]
	ok $? "mq=2: a download on each CPU at once, both intact"
	b0=$(net_irqs input.0)
	b1=$(net_irqs input.1)
	[ -n "$a0" ] && [ -n "$a1" ] && [ "$b0" -gt "$a0" ] && [ "$b1" -gt "$a1" ]
	ok $? "mq=2: both RX queues interrupted (input.0: $a0 to $b0, input.1: $a1 to $b1)" ||
		net_diag_file /proc/interrupts
	rm -f /tmp/d0 /tmp/d1
fi
rm -f /tmp/down

net_wait_url http://$peer:8080/l1-pinged 120
ok $? "L1 is done with its side"
