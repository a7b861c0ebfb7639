# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the net.t guest scripts, sourced (busybox sh; the guest's
# /lab/net-lib.sh).  L1's side is peer.sh.

# How long one transfer may take before it counts as failed.
NET_XFER_TIME=${NET_XFER_TIME:-90}

# net_if_of MAC: the interface with that MAC address.
net_if_of()
{
	local f

	for f in /sys/class/net/*/address; do
		[ "$(cat "$f")" = "$1" ] || continue
		f=${f%/address}
		echo "${f##*/}"
		return 0
	done
	return 1
}

# net_feature IFACE BIT: 1 when the driver negotiated feature BIT of the
# virtio device behind IFACE, else 0.
net_feature()
{
	cut -c$(($2 + 1)) "/sys/class/net/$1/device/features"
}

# net_wait_ping ADDR SECS: until ADDR answers a ping, for about SECS.
net_wait_ping()
{
	local i=0

	while [ $i -lt "$2" ]; do
		ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

net_sha()
{
	sha256sum <"$1" | cut -d' ' -f1
}

# net_get URL FILE: one HTTP download (busybox wget), bounded in time
# by timeout: Debian's busybox 1.35 wget crashes with -T.
net_get()
{
	timeout "$NET_XFER_TIME" wget -q -O "$2" "$1"
}

# net_wait_url URL SECS: until URL can be fetched, for about SECS.
net_wait_url()
{
	local i=0

	while [ $i -lt "$2" ]; do
		timeout 5 wget -q -O /tmp/net-flag "$1" 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# net_download URL WHAT: fetches URL and compares it with URL.sha256.
net_download()
{
	rm -f /tmp/down /tmp/down.sha256
	net_get "$1" /tmp/down
	ok $? "$2: downloaded $1" || return 1
	net_get "$1.sha256" /tmp/down.sha256
	is "$(net_sha /tmp/down)" "$(cat /tmp/down.sha256 2>/dev/null)" \
		"$2: $(wc -c </tmp/down) bytes intact (sha256)"
}

# net_upload HOST PORT WHAT: sends NET_SIZE random bytes with nc; L1
# receives them and compares with the "@T up-sha256" line (peer.sh).
net_upload()
{
	head -c "$NET_SIZE" /dev/urandom >/tmp/up
	echo "@T up-sha256 $(net_sha /tmp/up)"
	timeout "$NET_XFER_TIME" nc "$1" "$2" </tmp/up
	ok $? "$3: sent $NET_SIZE bytes to $1:$2"
	rm -f /tmp/up
}

# net_irqs NAME: the interrupts so far of the one whose name ends in
# NAME (virtio0-input.1, say), summed over the CPUs.
net_irqs()
{
	awk -v n="$1" 'NR == 1 { ncpu = NF; next }
		$NF ~ n "$" { s = 0; for (i = 2; i <= ncpu + 1; i++) s += $i; print s; exit }' \
		/proc/interrupts
}

# net_diag_file FILE: FILE's lines as TAP diagnostics.
net_diag_file()
{
	local l

	while IFS= read -r l; do
		diag "$l"
	done <"$1"
}
