#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Disk images lkvm must refuse, with a clear message and a non-zero
# status, before the guest runs: missing, not a file, empty, unknown
# option, and an image locked by another lkvm.  Needs /dev/kvm and a
# bzImage (the lab's tiny kernel, or $LKVM_TEST_KERNEL); the guest is
# never started because device setup fails first.

LKVM=${LKVM:-$(dirname "$0")/../lkvm}
here=$(cd "$(dirname "$0")" && pwd)

kernel=$LKVM_TEST_KERNEL
if [ -z "$kernel" ]; then
	kernel=$(ls -d "${XDG_CACHE_HOME:-$HOME/.cache}"/lkvm-lab/tiny-*/bzImage 2>/dev/null | head -1)
fi
[ -f "$kernel" ] || { echo "1..0 # SKIP no bzImage (tests/lab/kernels.sh tiny)"; exit 0; }
[ -w /dev/kvm ] || { echo "1..0 # SKIP no /dev/kvm"; exit 0; }

tmp=$(mktemp -d /tmp/lkvm-disk-errors.XXXXXX)
pids=
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT

. "$here/tap.sh"

# refused PATTERN DESCRIPTION -- lkvm run ARGS...
refused()
{
	local pattern=$1 what=$2 rc
	shift 3

	timeout 20 "$LKVM" run -k "$kernel" --loglevel error "$@" </dev/null \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" != 0 ] && [ "$rc" != 124 ]
	ok $? "$what: non-zero status ($rc)"
	grep -q -- "$pattern" "$tmp/err"
	ok $? "$what: says why" || sed 's/^/# /' "$tmp/err"
}

truncate -s 1M "$tmp/disk.img"
: > "$tmp/empty.img"

refused 'cannot open disk image .*missing.img: No such file' "missing image" \
	-- -d "$tmp/missing.img"
refused 'Is a directory\|not a regular file' "a directory" -- -d "$tmp"
refused 'is empty' "an empty image" -- -d "$tmp/empty.img"
refused "unknown" "an unknown disk option" -- -d "$tmp/disk.img,bogus"
refused 'in use by another lkvm' "the same image twice" \
	-- -d "$tmp/disk.img" -d "$tmp/disk.img"

# Another process holds the lock (as a running lkvm does).
flock "$tmp/disk.img" sleep 30 &
pids=$!
sleep 0.3
refused 'in use by another lkvm' "an image locked elsewhere" -- -d "$tmp/disk.img"
refused 'in use by another lkvm' "read-only use of a locked image" \
	-- -d "$tmp/disk.img,ro"

tap_done
