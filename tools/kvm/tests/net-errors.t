#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm run with bad --network options: each must fail with a message that
# names the bad part and a non-zero status, and boot nothing.  Most are
# refused while the options are parsed; the hostfwd rules are libslirp's
# business and checked when the NIC is set up, which takes a VM (and so
# /dev/kvm and a kernel, the lab's tiny one) but still boots nothing.

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
LKVM=${LKVM:-$srcdir/lkvm}
. "$srcdir/tests/tap.sh"

skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

[ -x "$LKVM" ] || skip_all "no lkvm binary at $LKVM"
"$LKVM" run --help 2>&1 | grep -q -- '--network' || skip_all "lkvm has no --network"

tmp=$(mktemp -d /tmp/lkvm-net-errors.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS PATTERN DESCRIPTION -- lkvm run ARGS...
expect()
{
	local want=$1 pattern=$2 what=$3 rc

	shift 4
	HOME=$tmp timeout 60 "$LKVM" run "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$want" = nonzero ]; then
		[ "$rc" != 0 ] && [ "$rc" != 124 ]
	else
		[ "$rc" = "$want" ]
	fi
	ok $? "$what: status $rc" || sed 's/^/# /' "$tmp/err"
	grep -q -e "$pattern" "$tmp/err"
	ok $? "$what: says '$pattern'" || sed 's/^/# /' "$tmp/err"
	! grep -qE "booting (a|an) " "$tmp/err" && ! grep -q . "$tmp/out"
	ok $? "$what: nothing was booted"
}

"$LKVM" run -h >"$tmp/help" 2>&1
grep -q -e "-n, --network <mode=user|tap|none" "$tmp/help"
ok $? "run -h shows -n, --network" || sed 's/^/# /' "$tmp/help"

# Refused by the option parser: the usage's status, 129.
expect 129 "mode=bogus: give user, tap or none" "mode=bogus" -- -n mode=bogus
expect 129 "unknown option 'foo'" "an unknown key" -- -n mode=user,foo=bar
expect 129 "mac=zz: give six hex bytes" "a malformed mac=" -- -n mode=user,mac=zz
expect 129 "mac=01:00:00:00:00:01 is a multicast address" "a multicast mac=" \
	-- -n mode=user,mac=01:00:00:00:00:01
expect 129 "mq=0: give a number from 1 to" "mq=0" -- -n mode=tap,mq=0
expect 129 "mq=100: give a number from 1 to" "mq=100" -- -n mode=tap,mq=100
expect 129 "mtu=10: give a number from" "mtu=10" -- -n mode=tap,mtu=10
expect 129 "vhost=maybe: give on, off or auto" "vhost=maybe" -- -n mode=tap,vhost=maybe
expect 129 "offload=maybe: give on or off" "offload=maybe" -- -n mode=tap,offload=maybe
expect 129 "at most 15 characters" "a tapif= longer than IFNAMSIZ" \
	-- -n mode=tap,tapif=abcdefghijklmnop
expect 129 "hostfwd is for mode=user" "hostfwd= on a tap" -- -n mode=tap,hostfwd=tcp::1-:2
expect 129 "are for mode=tap" "vhost= in user mode" -- -n mode=user,vhost=on

# Refused when the NIC is set up: a VM, but no guest.
kdir=
if [ -e /dev/kvm ]; then
	. "$srcdir/tests/lab/kernels.sh"
	kdir=$(lab_kernel_tiny 2>/dev/null)
fi
if [ -z "$kdir" ] || [ ! -f "$kdir/bzImage" ]; then
	skip 9 "hostfwd rules: no /dev/kvm or no lab kernel (tests/lab/kernels.sh tiny)"
elif ! lkvm_has libslirp; then
	skip 9 "hostfwd rules: lkvm was built without libslirp"
else
	k=$kdir/bzImage
	expect nonzero "hostfwd=garbage: expected" "hostfwd=garbage" \
		-- -k "$k" -m 64 -n mode=user,hostfwd=garbage
	expect nonzero "port '99999' is not a number" "hostfwd to port 99999" \
		-- -k "$k" -m 64 -n mode=user,hostfwd=tcp::99999-:80
	expect nonzero "guest address 10.0.3.1 is not a guest's" "hostfwd outside the guest's net" \
		-- -k "$k" -m 64 -n mode=user,hostfwd=tcp::5555-10.0.3.1:80
fi

tap_done
