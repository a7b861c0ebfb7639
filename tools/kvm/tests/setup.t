#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkvm setup and the host side of lkvm sandbox (no guest is booted).

LKVM=${LKVM:-./lkvm}
HOME=$(mktemp -d /tmp/lkvm-setup-test.XXXXXX) || exit 1
export HOME
trap 'rm -rf "$HOME"' EXIT
n=0
fail=0

t()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

echo "1..14"
"$LKVM" setup test1 >/dev/null 2>&1
t $? "lkvm setup NAME"
root=$HOME/.lkvm/test1
[ -d "$root/proc" ] && [ -d "$root/host" ] && [ -d "$root/virt" ]
t $? "own directories"
[ "$(readlink "$root/usr")" = /host/usr ]
t $? "usr points into /host"
grep -q '^root:x:0:0:' "$root/etc/passwd"
t $? "etc/passwd"
[ -x "$root/virt/init" ] && [ "$(head -c 4 "$root/virt/init" | od -An -c | tr -d ' ')" = '177ELF' ]
t $? "virt/init is an executable ELF"
if command -v readelf >/dev/null; then
	! readelf -l "$root/virt/init" | grep -q 'interpreter'
	t $? "virt/init is static"
else
	t 0 "# SKIP no readelf"
fi
"$LKVM" setup test1 >/dev/null 2>&1
[ $? -ne 0 ]
t $? "setup refuses an existing name"
"$LKVM" setup ../escape >/dev/null 2>&1
[ $? -ne 0 ] && [ ! -e "$HOME/escape" ]
t $? "setup refuses a name with a slash"
"$LKVM" setup >/dev/null 2>&1
[ -x "$HOME/.lkvm/default/virt/init" ]
t $? "setup without a name creates 'default'"
echo "# edited" >> "$root/etc/hostname"
rm "$root/virt/init"
"$LKVM" sandbox --name test1 -k /nonexistent -- true >/dev/null 2>&1
[ -x "$root/virt/init" ] && grep -q edited "$root/etc/hostname"
t $? "an existing rootfs gets its init back, keeps its edits"
ls "$root/virt" | grep -q sandbox-
[ $? -ne 0 ]
t $? "sandbox cleans up its script"
"$LKVM" sandbox >/dev/null 2>&1
t $(($? != 129)) "sandbox without a command: usage, 129"
"$LKVM" sandbox -d /dev/null -- true >/dev/null 2>&1
t $(($? != 129)) "sandbox refuses -d"
"$LKVM" sandbox -k /nonexistent -- true >/dev/null 2>&1
t $(($? == 0)) "sandbox fails when the guest cannot boot"
exit $fail
