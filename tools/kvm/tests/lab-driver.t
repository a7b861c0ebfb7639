#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lab driver (tests/lab/driver.sh) without any guest: a VMM that hangs
# where SIGKILL cannot reach it (stuck in the kernel, as nested TCG
# sometimes leaves one) must not hold up the cases after it, and its case
# runs once more; so does, in the nested lab (RETRY_TIMEOUTS), a case
# killed at its time limit.  A stand-in "timeout" plays the stuck or slow
# VMM: the driver's watchdog has to kill the stuck one.

. "$(dirname "$0")/tap.sh"

lab=${LKVM_SRCDIR:-$(dirname "$0")/..}/tests/lab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$tmp/out
mkdir -p "$tmp/bin" "$tmp/root/k" "$tmp/root/i" "$out"
touch "$tmp/root/k/kernel" "$tmp/root/i/initrd"
for c in 00-stuck 01-next 02-slow 03-always-slow; do
	mkdir -p "$tmp/root/cases/$c"
	cat >"$tmp/root/cases/$c/case.env" <<-EOF
	KERNEL=k/kernel
	INITRDS=i/initrd
	OPTS='-m 64'
	CMDLINE='console=ttyS0'
	TIMEOUT=1
	VMM=lkvm
	EOF
done

# The VMM: prints where it ran and its arguments.
cat >"$tmp/bin/lkvm" <<'EOF'
#!/bin/sh
echo "ran in $(basename "$PWD"): $*"
EOF
# timeout(1) stand-in: the first run of 00-stuck never ends, the first
# of 02-slow and every one of 03-always-slow hit the time limit (137).
cat >"$tmp/bin/timeout" <<EOF
#!/bin/sh
case=\$(basename "\$PWD")
if [ \$case = 00-stuck ] && [ ! -e "$tmp/stuck-once" ]; then
	touch "$tmp/stuck-once"
	exec sleep 600
fi
if [ \$case = 03-always-slow ] ||
   { [ \$case = 02-slow ] && [ ! -e "$tmp/slow-once" ]; }; then
	touch "$tmp/slow-once"
	exit 137
fi
shift 3
exec "\$@"
EOF
chmod +x "$tmp/bin/lkvm" "$tmp/bin/timeout"

# A broken watchdog would wait for the stand-in's sleep: bound the run.
# The driver gets a session of its own, to look for leftovers after it.
PATH=$tmp/bin:$PATH LKVM=$tmp/bin/lkvm TMPDIR=$tmp HANG_GRACE=1 RETRY_TIMEOUTS=1 \
	/usr/bin/timeout 120 sh -c 'echo $$ >"$1/sid"; exec setsid sh "$2" "$1/root" "$1/out"' \
	sh "$tmp" "$lab/driver.sh" >"$tmp/driver.log" 2>&1
ok $? "the driver finished" || cat "$tmp/driver.log" >&2

[ -f "$out/00-stuck.first/hung" ]
ok $? "the stuck run is recorded as hung"
[ "$(cat "$out/00-stuck.first/rc" 2>/dev/null)" = 137 ]
ok $? "the stuck run ends as killed (137)"
[ "$(cat "$out/00-stuck/rc" 2>/dev/null)" = 0 ]
ok $? "the stuck case ran again and passed"
grep -q "hung in the kernel" "$out/00-stuck/retried" 2>/dev/null
ok $? "the retry says why it happened"
grep -q "^ran in 00-stuck: run -k $tmp/root/k/kernel -i .* -m 64 -p console=ttyS0\$" \
	"$out/00-stuck/console"
ok $? "the retry ran the VMM with the case's arguments" ||
	cat "$out/00-stuck/console" >&2
[ "$(cat "$out/01-next/rc" 2>/dev/null)" = 0 ] &&
	grep -q "^ran in 01-next:" "$out/01-next/console"
ok $? "the case after it ran"
[ ! -e "$out/01-next/retried" ] && [ ! -e "$out/01-next.hung" ]
ok $? "a case that did not hang is not retried"
[ "$(cat "$out/02-slow/rc" 2>/dev/null)" = 0 ] &&
	grep -q "killed at its time limit" "$out/02-slow/retried" &&
	[ "$(cat "$out/02-slow.first/rc" 2>/dev/null)" = 137 ]
ok $? "a case killed at its time limit runs again (RETRY_TIMEOUTS)"
[ "$(cat "$out/03-always-slow/rc" 2>/dev/null)" = 137 ] &&
	[ -f "$out/03-always-slow/retried" ] && [ ! -e "$out/03-always-slow.first.first" ]
ok $? "only once"

sleep 0.5
left=$(pgrep -a -s "$(cat "$tmp/sid")")
[ -z "$left" ]
ok $? "no process of the driver's is left (watchdogs, the stuck VMM)" ||
	echo "# left: $left"

tap_done
