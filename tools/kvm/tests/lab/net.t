#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# virtio-net against Linux's real virtio_net driver, on the tiny kernel and
# on Debian's stock one, with L1 as the host the guest talks to (the
# servers and checks of net/peer.sh; the guest's side is net/guest-*.sh).
#
# user: libslirp (the default NIC, and -n mode=user): DHCP gives
#   10.0.2.15, router 10.0.2.2, DNS 10.0.2.3; a download from and an
#   upload to servers on L1's loopback through the NAT at 10.0.2.2,
#   compared by sha256; DNS through libslirp's forwarder, which sends the
#   guest's queries to L1's resolv.conf nameserver: L1 has no DNS, so
#   net/dnsd answers there for lkvm-lab.test (192.0.2.42) and NXDOMAIN for
#   anything else; an L1 client reaching the guest's server through
#   hostfwd; two NICs, with their mac=; the default MAC follows --name.
# tap: lkvm creates the tap and runs script= (net/tap-up, which gives L1
#   192.168.100.1/24), the guest takes 192.168.100.2; pings both ways and
#   a transfer each way, compared by sha256; lkvm's own datapath
#   (vhost=off) and vhost-net (vhost=on, and the default with
#   /dev/vhost-net), checked by vhost-net's kernel threads in L1 and by
#   what lkvm says; offload=on and off as the negotiated features show
#   them; mtu=; mq=2 with -c 2 (and -c 2 alone): two queue pairs, and
#   both RX queues interrupt; a persistent tap of L1's, attached to and
#   left in place, without /dev/vhost-net (the fallback); the errors for
#   vhost=on without it and for a tapif= that is no tap.
# none: -n mode=none and --no-network give the guest no NIC at all.
#
# The tap cases and the DNS test change L1's network and resolver: in
# the direct lab (the host's own) they are skipped.  NET_TEST_SIZE sets
# the bytes of each transfer (default 4 MiB).

. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2086
if ! $LKVM_EXEC "$LKVM" run --help 2>&1 | grep -q -- '--network'; then
	echo "1..0 # SKIP lkvm has no --network (virtio-net)"
	exit 0
fi

size=${NET_TEST_SIZE:-4194304}
net=$lab_l1root/net
mkdir -p "$lab_root/net"
"$LAB_CC" -static -O2 -Wall -o "$lab_root/net/dnsd" "$LAB_DIR/net/dnsd.c" ||
	lab_die "cannot build net/dnsd (static libc?)"
install -m 755 "$LAB_DIR/net/peer.sh" "$LAB_DIR/net/tap-up" "$lab_root/net/"

dns=NET_DNS=1
[ "$lab_mode" = nested ] || dns=

# net_case NAME MODE KERNEL "LKVM OPTIONS" "VAR=VALUE..." [lab_case options]:
# a guest running net/guest-MODE.sh and L1 running net/peer.sh for MODE,
# both with the variables (and NET_SIZE).
net_case()
{
	local name=$1 mode=$2 kernel=$3 opts=$4 vars="NET_SIZE=$size $5" v envs=()

	shift 5
	for v in $vars; do
		envs+=(--env "$v")
	done
	lab_case "$name" --kernel "$kernel" --guest "net/guest-$mode.sh" \
		--guest-file "$LAB_DIR/net/guest-lib.sh:lab/net-lib.sh" \
		--guest-file "$LAB_DIR/net/udhcpc.script:etc/udhcpc/default.script" \
		"${envs[@]}" --opts "-m 256 $opts" --timeout 240 \
		--pre "$vars sh $net/peer.sh start $mode
($vars sh $net/peer.sh run $mode >peer.tap 2>peer.err) &" "$@"
}

# After lkvm: L1's results, what lkvm said about its NICs, the servers
# stopped.
net_post="wait
cat peer.tap
grep -i 'net' stderr | head -n 5 | sed 's/^/@T # lkvm: /'
sh $net/peer.sh stop"

# tap_post TAPIF|- DATAPATH: lkvm ran script= with its tap (named TAPIF),
# said it runs DATAPATH ("vhost-net" or "lkvm datapath"), and the tap is
# gone with lkvm.  (A subshell: post scripts run in the driver's shell.)
tap_post()
{
	echo "$net_post
(
tap=
read -r _ tap _ <tap-up.log
[ -n \"\$tap\" ]
ok \$? \"lkvm ran its script= with the tap (\$tap)\" || exit
[ '$1' = - ] || is \"\$tap\" '$1' 'the tap is named as tapif= says'
grep -q \"\$tap, $2\" stderr
ok \$? 'lkvm says it runs $2'
! ip link show \"\$tap\" >/dev/null 2>&1
ok \$? 'the tap is gone once lkvm is'
)"
}

# --- user mode ------------------------------------------------------------

net_case user user tiny "" "NET_NAT=1 $dns" --needs libslirp --post "$net_post"
net_case user-fwd user tiny \
	"-n mode=user,mac=52:54:00:12:34:56,hostfwd=tcp::5555-:80 -n mode=user,mac=52:54:00:12:34:57" \
	"NET_MAC=52:54:00:12:34:56 NET_MAC2=52:54:00:12:34:57 NET_FWD=5555 NET_FWD_GUEST=80" \
	--needs libslirp --post "$net_post"
net_case debian-user user debian "" "NET_NAT=1 $dns" --needs libslirp --post "$net_post"

# mode=none and --no-network: no virtio-net device (virtio device ID 1).
no_nic='
n=0
for f in /sys/bus/virtio/devices/*/device; do
	[ "$(cat "$f" 2>/dev/null)" = 0x0001 ] && n=$((n + 1))
done
is $n 0 "no virtio-net device"
n=0
for i in /sys/class/net/*; do
	[ -e "$i/device" ] && n=$((n + 1))
done
is $n 0 "no network interface of a device"'
lab_case none --opts "-m 128 -n mode=none" --guest-sh "$no_nic"
lab_case no-network --opts "-m 128 --no-network" --guest-sh "$no_nic"

# The default MAC comes from the guest's name: the same for the same name,
# another for another name, 52:54:00 (QEMU's prefix, locally assigned) and
# a hash.
mac_check()
{
	local a b c

	a=$(tr -d '\r' <"$lab_work"/out/*-mac-a/console | sed -n 's/^@T mac //p')
	b=$(tr -d '\r' <"$lab_work"/out/*-mac-b/console | sed -n 's/^@T mac //p')
	c=$(tr -d '\r' <"$1/console" | sed -n 's/^@T mac //p')
	[[ "$a" =~ ^52:54:00(:[0-9a-f]{2}){3}$ ]]
	ok $? "host: the default MAC is 52:54:00 and three bytes ($a)"
	[ -n "$a" ] && [ "$a" = "$b" ]
	ok $? "host: the same --name gives the same MAC ($a, $b)"
	[ -n "$c" ] && [ "$c" != "$a" ]
	ok $? "host: another --name gives another MAC ($c)"
}
mac='echo "@T mac $(cat /sys/class/net/eth0/address)"'
lab_case mac-a --opts "-m 128 --name lab-mac-1" --guest-sh "$mac" --needs libslirp
lab_case mac-b --opts "-m 128 --name lab-mac-1" --guest-sh "$mac" --needs libslirp
lab_case mac-c --opts "-m 128 --name lab-mac-2" --guest-sh "$mac" --needs libslirp \
	--check mac_check

# --- tap ------------------------------------------------------------------

if [ "$lab_mode" != nested ]; then
	lab_skipped+=("tap cases: they change the host's network (nested lab only)")
	lab_run
	exit
fi

tap="-n mode=tap,script=$net/tap-up"
net_case tap tap tiny "$tap,tapif=lkvmtap0,vhost=off,offload=on" \
	"NET_OFFLOAD=on NET_VHOST=off" --post "$(tap_post lkvmtap0 'lkvm datapath')"
net_case tap-vhost tap tiny "$tap,vhost=on" \
	"NET_OFFLOAD=on NET_VHOST=on" --post "$(tap_post - vhost-net)"
net_case tap-nooffload tap tiny "$tap,tapif=lkvmtap1,vhost=off,offload=off,mtu=1400" \
	"NET_OFFLOAD=off NET_VHOST=off NET_MTU=1400" --post "$(tap_post lkvmtap1 'lkvm datapath')"
net_case tap-mq tap tiny "-c 2 $tap,tapif=lkvmtap2,vhost=off,mq=2" \
	"NET_OFFLOAD=on NET_VHOST=off NET_MQ=2" --post "$(tap_post lkvmtap2 'lkvm datapath')"
net_case tap-mq-vhost tap tiny "-c 2 $tap,tapif=lkvmtap3,vhost=on,mq=2" \
	"NET_OFFLOAD=on NET_VHOST=on NET_MQ=2" --post "$(tap_post lkvmtap3 vhost-net)"
# Debian's kernel: vhost-net by default (vhost=auto), and a queue pair
# per vCPU by default.
net_case debian-tap tap debian "$tap,tapif=lkvmtap4" \
	"NET_OFFLOAD=on NET_VHOST=on" --post "$(tap_post lkvmtap4 vhost-net)"
net_case debian-tap-mq tap debian "-c 2 $tap,tapif=lkvmtap5,vhost=off" \
	"NET_OFFLOAD=on NET_VHOST=off NET_MQ=2" --post "$(tap_post lkvmtap5 'lkvm datapath')"

# A persistent tap that L1 set up (tunctl, no multi_queue), which lkvm
# attaches to and leaves in place; no /dev/vhost-net, so vhost=auto falls
# back to lkvm's datapath and says why.
net_case tap-attach tap tiny "-n mode=tap,tapif=lkvmtap6" "NET_OFFLOAD=on NET_VHOST=off" \
	--pre "tunctl -t lkvmtap6 && ip addr add 192.168.100.1/24 dev lkvmtap6 &&
ip link set lkvmtap6 up
mv /dev/vhost-net /dev/vhost-net.lab-off
NET_SIZE=$size NET_VHOST=off sh $net/peer.sh start tap
(NET_SIZE=$size NET_VHOST=off sh $net/peer.sh run tap >peer.tap 2>peer.err) &" \
	--post "mv /dev/vhost-net.lab-off /dev/vhost-net
$net_post
grep -q 'lkvmtap6, lkvm datapath (vhost-net: /dev/vhost-net' stderr
ok \$? 'without /dev/vhost-net, lkvm says it runs its own datapath, and why'
ip link show lkvmtap6 >/dev/null 2>&1
ok \$? 'lkvm left the persistent tap in place'
tunctl -d lkvmtap6 >/dev/null"

# Taps that cannot be: errors that name the reason, and no guest.
lab_case tap-vhost-missing --rc nonzero --no-end --guest-sh : \
	--opts "-m 128 -n mode=tap,tapif=lkvmtap7,vhost=on" \
	--pre "mv /dev/vhost-net /dev/vhost-net.lab-off" \
	--post "mv /dev/vhost-net.lab-off /dev/vhost-net
grep -q 'vhost=on: /dev/vhost-net' stderr
ok \$? 'vhost=on without /dev/vhost-net: an error that names it'
! grep -q 'Linux version' console
ok \$? 'vhost=on without /dev/vhost-net: no guest'"
lab_case tap-not-a-tap --rc nonzero --no-end --guest-sh : \
	--opts "-m 128 -n mode=tap,tapif=lo" \
	--post "grep -q 'tapif=lo: lo exists and is not a tap' stderr
ok \$? 'tapif=lo: an error that says lo is no tap'
ip link show lo | grep -q LOOPBACK
ok \$? 'tapif=lo: lo is left alone'"

lab_run
