#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lab harness (tests/lab/lib.sh) when L1 freezes or crashes: under
# nested TCG, L1's kernel now and then locks up with every CPU busy.  The
# cases that finished must come back, the one that was running must get
# one more chance in a new L1, and the rest must run there.
#
# No guest runs: a stand-in QEMU unpacks the L1 initramfs and runs its lab
# driver, and a stand-in lkvm freezes that "L1" (stops the driver) the
# first time it runs the case named 01-freezes, and kills it the first
# time it runs 03-crashes; the second "L1" dies before its driver starts.
# 05-sleeps stops it the same way, as an L1 that sleeps through its timer,
# but that one wakes up at the first key QEMU's monitor is told to send.

. "$(dirname "$0")/tap.sh"

src=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d)
pgids=$tmp/pgids
cleanup()
{
	local g

	# Frozen "L1"s: stopped process groups.
	[ ! -f "$pgids" ] || while read -r g; do
		kill -KILL -- "-$g" 2>/dev/null
	done <"$pgids"
	rm -rf "$tmp"
}
trap cleanup EXIT

cat >"$tmp/lkvm" <<'EOF'
#!/bin/sh
case=$(basename "$PWD")
if [ "$1" = run ] && [ "$case" = 01-freezes ] && [ ! -e "$FAKE_STATE/froze" ]; then
	touch "$FAKE_STATE/froze"
	kill -STOP "-$FAKE_L1_PGID"
	exec sleep 600
fi
if [ "$1" = run ] && [ "$case" = 05-sleeps ] && [ ! -e "$FAKE_STATE/slept" ]; then
	touch "$FAKE_STATE/slept" "$FAKE_STATE/asleep"
	kill -STOP "-$FAKE_L1_PGID"
fi
if [ "$1" = run ] && [ "$case" = 03-crashes ] && [ ! -e "$FAKE_STATE/crashed" ]; then
	touch "$FAKE_STATE/crashed"
	kill -KILL "-$FAKE_L1_PGID"
fi
echo "lkvm $*"
echo "@T end"
EOF

# QEMU: "boots" the L1 initramfs: its driver writes the results disk.
cat >"$tmp/qemu" <<'EOF'
#!/bin/bash
while [ $# -gt 0 ]; do
	case "$1" in
	-initrd) initrd=$2; shift ;;
	-drive) img=${2#file=}; img=${img%%,*}; shift ;;
	-chardev) mon=${2#*path=}; shift ;;
	esac
	shift
done
# The monitor: a key wakes a sleeping "L1".  It ends with QEMU, even a
# killed one.
exec 3<>"$mon.in"
qemu=$$
while kill -0 $qemu 2>/dev/null; do
	read -r -t 1 cmd <&3 || continue
	echo "$cmd" >>"$FAKE_STATE/monitor"
	case "$cmd" in
	sendkey*) rm "$FAKE_STATE/asleep" 2>/dev/null &&
		kill -CONT -- "-$(tail -n 1 "$FAKE_STATE/pgids")" ;;
	esac
done &
boot=$(($(cat "$FAKE_STATE/boots" 2>/dev/null || echo 0) + 1))
echo $boot >"$FAKE_STATE/boots"
root=$FAKE_STATE/l1-$boot
mkdir -p "$root/tmp" && (cd "$root" && cpio -id --quiet <"$initrd") || exit 1
echo "fake L1 boot $boot"
# The second L1 dies before its driver even starts.
[ $boot != 2 ] || exit 0
RESULTS_DEV=$img setsid sh -c 'echo $$ >>"$FAKE_STATE/pgids"; export FAKE_L1_PGID=$$
	exec sh "$1/lab/driver.sh" "$1/lab" "$1/out"' sh "$root" &
# QEMU exits 0 whichever way its guest ends.
wait $! || :
EOF
chmod +x "$tmp/lkvm" "$tmp/qemu"
mkdir -p "$tmp/k" "$tmp/deb/lib/modules/0"
touch "$tmp/k/bzImage" "$tmp/k/vmlinux" "$tmp/deb/vmlinuz"

(
	export LKVM_LAB=nested LKVM=$tmp/lkvm LAB_QEMU=$tmp/qemu
	export FAKE_STATE=$tmp HANG_GRACE=1 LAB_HANG_GRACE=1 LAB_FREEZE_MARGIN=3
	export LAB_L1_KICK=1
	export LAB_L1_MODULES="" LAB_KEEP=1 TMPDIR=$tmp
	. "$src/tests/lab/lib.sh"
	# No kernels to build or unpack.
	lab_kernel_tiny() { echo "$tmp/k"; }
	lab_kernel_debian() { echo "$tmp/deb"; }
	for c in 00-before 01-freezes 02-after 03-crashes 04-last 05-sleeps; do
		lab_case "${c#*-}" --guest-sh : --timeout 1
	done
	lab_run
	echo "$lab_work" >"$tmp/work"
) >"$tmp/tap" 2>"$tmp/log"
ok $? "the lab run finished" || cat "$tmp/log" >&2
work=$(cat "$tmp/work" 2>/dev/null)
out=$work/out
[ "$(cat "$tmp/boots" 2>/dev/null)" = 4 ]
ok $? "L1 was booted again after the freeze and after each crash"
grep -q "frozen, killed" "$work/l1.log" 2>/dev/null
ok $? "the L1 log says L1 froze and was killed"
grep -q "ended before its driver did: crashed" "$work/l1.log" 2>/dev/null
ok $? "the L1 log says L1 crashed"
for c in 00-before 01-freezes 02-after 03-crashes 04-last 05-sleeps; do
	[ "$(cat "$out/$c/rc" 2>/dev/null)" = 0 ]
	ok $? "$c: its result came back"
done
grep -q "froze" "$out/01-freezes/retried" 2>/dev/null &&
	grep -q "crashed" "$out/03-crashes/retried" 2>/dev/null
ok $? "01-freezes and 03-crashes: marked as retried"
[ ! -e "$out/00-before/retried" ] && [ ! -e "$out/02-after/retried" ] &&
	[ ! -e "$out/04-last/retried" ] && [ ! -e "$out/05-sleeps/retried" ]
ok $? "the other cases were not retried"
[ -e "$tmp/slept" ] && [ ! -e "$tmp/asleep" ] &&
	grep -q "^sendkey " "$tmp/monitor" 2>/dev/null &&
	grep -q "silent and got kicked" "$work/l1.log" 2>/dev/null
ok $? "an L1 asleep with its timer lost is woken with a key, and the log says so"
[ -d "$tmp/l1-3/lab/cases/01-freezes" ] && [ -d "$tmp/l1-3/lab/cases/04-last" ] &&
	[ ! -d "$tmp/l1-3/lab/cases/00-before" ] &&
	[ "$(ls "$tmp/l1-4/lab/cases")" = "$(printf '03-crashes\n04-last\n05-sleeps')" ]
ok $? "each new L1 ran only the cases without a result"
[ -f "$out/01-freezes/rc" ]
ok $? "an L1 that died before any case blamed no case"
grep -q "^# freezes: retried: L1 froze" "$tmp/tap" &&
	! grep -q "^not ok" "$tmp/tap"
ok $? "the lab's TAP passes and reports the retries" || cat "$tmp/tap" >&2

tap_done
