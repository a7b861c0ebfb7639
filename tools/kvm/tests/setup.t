#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkvm setup and the host side of lkvm sandbox (no guest is booted).

LKVM=${LKVM:-./lkvm}
HOME=$(mktemp -d /tmp/lkvm-setup-test.XXXXXX) || exit 1
export HOME
trap 'rm -rf "$HOME"' EXIT
. "$(dirname "$0")/tap.sh"

echo "1..16"
"$LKVM" setup test1 >/dev/null 2>&1
ok $? "lkvm setup NAME"
root=$HOME/.lkvm/test1
[ -d "$root/proc" ] && [ -d "$root/host" ] && [ -d "$root/virt" ]
ok $? "own directories"
[ "$(readlink "$root/usr")" = /host/usr ]
ok $? "usr points into /host"
grep -q '^root:x:0:0:' "$root/etc/passwd"
ok $? "etc/passwd"
[ -x "$root/virt/init" ] && [ "$(head -c 4 "$root/virt/init" | od -An -c | tr -d ' ')" = '177ELF' ]
ok $? "virt/init is an executable ELF"
if command -v readelf >/dev/null; then
	! readelf -l "$root/virt/init" | grep -q 'interpreter'
	ok $? "virt/init is static"
else
	skip 1 "no readelf"
fi
"$LKVM" setup test1 >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "setup refuses an existing name"
"$LKVM" setup ../escape >/dev/null 2>&1
[ $? -ne 0 ] && [ ! -e "$HOME/escape" ]
ok $? "setup refuses a name with a slash"
"$LKVM" setup >/dev/null 2>&1
[ -x "$HOME/.lkvm/default/virt/init" ]
ok $? "setup without a name creates 'default'"
echo "# edited" >> "$root/etc/hostname"
rm "$root/virt/init"
"$LKVM" sandbox --name test1 -k /nonexistent -- true >/dev/null 2>&1
[ -x "$root/virt/init" ] && grep -q edited "$root/etc/hostname"
ok $? "an existing rootfs gets its init back, keeps its edits"
# Same size, one byte off deep inside: compared past the first piece.
cp "$root/virt/init" "$HOME/init.good"
ino=$(stat -c %i "$root/virt/init")
"$LKVM" sandbox --name test1 -k /nonexistent -- true >/dev/null 2>&1
[ "$(stat -c %i "$root/virt/init")" = "$ino" ]
ok $? "an init that is this lkvm's is left alone"
printf X | dd of="$root/virt/init" bs=1 seek=300000 conv=notrunc 2>/dev/null
"$LKVM" sandbox --name test1 -k /nonexistent -- true >/dev/null 2>&1
cmp -s "$root/virt/init" "$HOME/init.good"
ok $? "an init with a byte changed is written again"
ls "$root/virt" | grep -q sandbox-
[ $? -ne 0 ]
ok $? "sandbox cleans up its script"
"$LKVM" sandbox >/dev/null 2>&1
ok $(($? != 129)) "sandbox without a command: usage, 129"
"$LKVM" sandbox -d /dev/null -- true >/dev/null 2>&1
ok $(($? != 129)) "sandbox refuses -d"
"$LKVM" sandbox -k /nonexistent -- true >/dev/null 2>&1
ok $(($? == 0)) "sandbox fails when the guest cannot boot"
tap_done planned
