#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# L1's side of tests/lab/net.t (busybox sh), run in the case's directory,
# where lkvm writes the guest's console (./console) and the driver its
# exit status (./rc) once it is gone:
#
#   peer.sh start MODE   before lkvm: the servers the guest talks to
#   peer.sh run MODE     beside lkvm, in the background: what L1 checks
#                        while the guest runs, as TAP ("@T ok - ...")
#   peer.sh stop         after lkvm: ends the servers, drops the data
#
# MODE user: the guest reaches L1 through libslirp, whose 10.0.2.2 is
# L1's 127.0.0.1.  MODE tap: L1 is 192.168.100.1 on the tap (tap-up),
# the guest 192.168.100.2.  Servers: busybox httpd on port 8080 serving
# www/ (down, down.sha256 and the flags the guest waits for), nc on 5001
# writing the guest's upload to up.recv, and with NET_DNS=1 dnsd on
# 127.0.0.1:53, which L1's /etc/resolv.conf then names: L1 has no DNS of
# its own, and libslirp forwards the guest's queries to the resolver of
# the host it runs on.
#
# The servers and clients are busybox's, in L1 and on a host (the direct
# lab) alike.
#
# Environment: NET_SIZE (bytes each way), NET_DNS=1, NET_FWD=PORT (fetch
# the guest's /fwd through hostfwd at 127.0.0.1:PORT), NET_VHOST=on|off
# (tap: whether vhost-net must be running), NET_MQ (queue pairs),
# NET_TIME (how long to wait for the guest, default 150 s).

here=$(cd "$(dirname "$0")" && pwd)
pids=/tmp/net-peer.pids
TAP_PREFIX="@T "
. "$here/../tap.sh"
NET_TIME=${NET_TIME:-150}

# The value of the guest's last "@T KEY VALUE" console line.
console_value()
{
	tr -d '\r' <console 2>/dev/null | sed -n "s/^@T $1 //p" | tail -n 1
}

# wait_for SECS TEST...: until TEST succeeds, for at most SECS, or
# until lkvm is gone (./rc exists), when it gets one more try.
wait_for()
{
	local i=0 n=$(($1 * 5))

	shift
	while [ $i -lt $n ]; do
		"$@" && return 0
		[ -f rc ] && break
		sleep 0.2
		i=$((i + 1))
	done
	"$@"
}

console_has()
{
	tr -d '\r' <console 2>/dev/null | grep -q "^@T $1\$"
}

sha()
{
	sha256sum <"$1" | cut -d' ' -f1
}

stop()
{
	[ ! -f $pids ] || kill $(cat $pids) 2>/dev/null
	rm -f $pids
	rm -rf www up.recv fwd.recv hold
	[ ! -f /etc/resolv.conf.net-peer ] || rm -f /etc/resolv.conf /etc/resolv.conf.net-peer
}

start()
{
	# A case run again must not meet the servers of its first run.
	stop
	mkdir -p www
	head -c "$NET_SIZE" /dev/urandom >www/down
	sha www/down >www/down.sha256
	busybox httpd -f -p 8080 -h "$PWD/www" &
	echo $! >>$pids
	# nc's stdin: a fifo it holds open itself, so that it never sends
	# a FIN of its own before the guest's data has all come.
	mkfifo hold
	(
		busybox nc -l -p 5001 <>hold >up.recv &
		echo $! >>$pids
		wait $!
		echo $? >up.rc
	) &
	if [ -n "$NET_DNS" ]; then
		mkdir -p /etc
		echo "nameserver 127.0.0.1" >/etc/resolv.conf
		touch /etc/resolv.conf.net-peer
		"$here/dnsd" 127.0.0.1 53 lkvm-lab.test=192.0.2.42 >dns.log 2>&1 &
		echo $! >>$pids
	fi
	# Up before the guest can ask: both servers listen at once.
	sleep 0.2
}

check_upload()
{
	local want

	wait_for "$NET_TIME" [ -f up.rc ]
	ok $? "$1: the guest's upload came to an end" || return
	want=$(console_value up-sha256)
	is "$(sha up.recv)" "${want:-none}" \
		"$1: L1 received the guest's $(wc -c <up.recv) bytes intact (sha256)"
}

run_user()
{
	local want i

	if [ -n "$NET_FWD" ]; then
		wait_for "$NET_TIME" console_has net-fwd-ready
		if ok $? "hostfwd: the guest's server is up"; then
			want=$(console_value fwd-sha256)
			i=0
			until timeout 120 busybox wget -q -O fwd.recv \
					"http://127.0.0.1:$NET_FWD/fwd" || [ $i -ge 5 ]; do
				sleep 1
				i=$((i + 1))
			done
			is "$(sha fwd.recv 2>/dev/null)" "${want:-none}" \
				"hostfwd: L1's wget of 127.0.0.1:$NET_FWD/fwd got the guest's file intact"
		fi
		echo done >www/l1-done
	fi
	if [ -n "$NET_NAT" ]; then
		check_upload NAT
	fi
	if [ -n "$NET_DNS" ]; then
		grep -q '^query lkvm-lab.test 1$' dns.log
		ok $? "DNS: the guest's query reached L1's nameserver through libslirp" ||
			sed 's/^/@T # /' dns.log
	fi
}

run_tap()
{
	local n

	wait_for "$NET_TIME" console_has net-up
	if ok $? "the guest has its address"; then
		ping -c 3 -W 5 192.168.100.2 >ping.log 2>&1
		ok $? "L1 pings the guest at 192.168.100.2" || sed 's/^/@T # /' ping.log
		# vhost-net's kernel threads are vhost-PID (Linux 6.1).
		n=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^vhost-')
		case "$NET_VHOST" in
		on)	is "$n" "${NET_MQ:-1}" "vhost-net: one kernel thread per queue pair" ;;
		off)	is "$n" 0 "vhost=off: no vhost-net kernel thread" ;;
		esac
	fi
	echo done >www/l1-pinged
	check_upload tap
}

case "$1" in
start)	start ;;
run)	run_$2 ;;
stop)	stop ;;
*)	echo "usage: peer.sh start|run MODE|stop" >&2; exit 2 ;;
esac
