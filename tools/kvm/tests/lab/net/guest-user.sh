# SPDX-License-Identifier: GPL-2.0
#
# Guest of net.t's user mode cases: lkvm's libslirp network, where L1
# (peer.sh) is the host behind the NAT.  DHCP with busybox udhcpc, the
# gateway, DNS through libslirp's forwarder, a download from and an upload
# to servers on L1's loopback at 10.0.2.2, and a server of the guest's
# own that L1 reaches through hostfwd.
#
# Environment: NET_SIZE (bytes each way), NET_MAC (the NIC to use, by
# address; default eth0), NET_MAC2 (a second NIC that must be there),
# NET_DNS=1 (L1 answers lkvm-lab.test), NET_NAT=1 (the download and the
# upload), NET_FWD_GUEST=PORT (serve /fwd on PORT, which L1 fetches
# through hostfwd).

. /lab/net-lib.sh

if=eth0
[ -z "$NET_MAC" ] || if=$(net_if_of "$NET_MAC")
[ -n "$if" ] && [ -e "/sys/class/net/$if" ]
if ! ok $? "a network interface (${NET_MAC:-eth0})"; then
	diag "interfaces: $(ls /sys/class/net)"
	return
fi
drv=$(readlink "/sys/class/net/$if/device/driver")
is "${drv##*/}" virtio_net "$if is virtio_net's"
if [ -n "$NET_MAC" ]; then
	is "$(cat "/sys/class/net/$if/address")" "$NET_MAC" "$if has the MAC address of mac="
fi
if [ -n "$NET_MAC2" ]; then
	if2=$(net_if_of "$NET_MAC2")
	ok $? "a second NIC, with $NET_MAC2 (${if2:-none})" ||
		diag "interfaces: $(ls /sys/class/net)"
fi

# DHCP from libslirp, as QEMU's user mode gives it.
ip link set lo up
udhcpc -i "$if" -n -q -t 5 -T 2 >/tmp/udhcpc.log 2>&1
if ! ok $? "udhcpc got a lease on $if"; then
	net_diag_file /tmp/udhcpc.log
	return
fi
. "/tmp/udhcpc.$if"
is "$ip/$mask" 10.0.2.15/24 "DHCP: address 10.0.2.15/24"
is "$router" 10.0.2.2 "DHCP: router 10.0.2.2"
is "$dns" 10.0.2.3 "DHCP: DNS server 10.0.2.3"
ip -4 addr show dev "$if" | grep -q 'inet 10\.0\.2\.15/24'
ok $? "$if has 10.0.2.15/24"
ip route | grep -q "^default via 10\.0\.2\.2 dev $if"
ok $? "default route via 10.0.2.2"
ping -c 2 -W 5 10.0.2.2 >/tmp/ping.log 2>&1
ok $? "ping 10.0.2.2 (libslirp answers for the host)" || net_diag_file /tmp/ping.log

if [ -n "$NET_DNS" ]; then
	# resolv.conf names 10.0.2.3, from the lease.
	nslookup lkvm-lab.test >/tmp/ns.log 2>&1
	ok $? "DNS: nslookup lkvm-lab.test through 10.0.2.3" || net_diag_file /tmp/ns.log
	grep -q '^Address: 192\.0\.2\.42$' /tmp/ns.log
	ok $? "DNS: lkvm-lab.test is 192.0.2.42, as L1's nameserver says" ||
		net_diag_file /tmp/ns.log
	! nslookup nosuch.test >/tmp/ns.log 2>&1 && grep -q NXDOMAIN /tmp/ns.log
	ok $? "DNS: nosuch.test does not resolve (NXDOMAIN)" || net_diag_file /tmp/ns.log
fi

if [ -n "$NET_NAT" ]; then
	net_download http://10.0.2.2:8080/down "NAT (L1 to guest)"
	net_upload 10.0.2.2 5001 "NAT (guest to L1)"
fi

if [ -n "$NET_FWD_GUEST" ]; then
	mkdir -p /tmp/www
	head -c "$NET_SIZE" /dev/urandom >/tmp/www/fwd
	echo "@T fwd-sha256 $(net_sha /tmp/www/fwd)"
	httpd -p "$NET_FWD_GUEST" -h /tmp/www
	ok $? "httpd serves /fwd on port $NET_FWD_GUEST"
	echo "@T net-fwd-ready"
	# L1 fetches it through hostfwd and checks it (peer.sh).
	net_wait_url http://10.0.2.2:8080/l1-done 120
	ok $? "L1 is done with its hostfwd download"
fi
