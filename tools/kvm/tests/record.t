#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The recorder (LKVM_RECORD, include/kvm/record.h) on this host: lkvm run
# with the lab's tiny vmlinux waiting for gdb, a raw gdb client on TCP,
# lkvm list and lkvm stop on the control socket, all recorded; then
# tests/fuzz/seed-from-record must make gdb and control seeds of it that
# hold those packets and requests, read back in the harnesses' encodings,
# and that the built harnesses (make fuzz-build) run without a crash.
# Without LKVM_RECORD nothing is written; with a directory it cannot
# write to, lkvm warns once and runs as ever.  The lab's record.t records
# real drivers.  Skipped without /dev/kvm, python3, an lkvm with libelf
# or the lab's cached tiny kernel.

LKVM=${LKVM:-$(dirname "$0")/../lkvm}
src=$(cd "$(dirname "$0")" && pwd)
. "$src/tap.sh"
. "$src/gdb-pkt.sh"

. "$src/tiny-vm.sh"
tiny_vm_start record libelf python3
mkdir -p "$tmp/rec"
fuzz_out=${LKVM_OUTPUT:-$src/../}fuzz

# run NAME DIR: lkvm run waiting for gdb on a TCP port, recording in DIR
# (none if empty); its port in $port.
run()
{
	env ${2:+LKVM_RECORD=$2} timeout 60 "$LKVM" run -k "$vmlinux" -m 64 \
		--name "$1" --gdb 127.0.0.1:0 --gdb-wait -p console=ttyS0 \
		</dev/null >"$tmp/console-$1" 2>"$tmp/err-$1" &
	lkvm_pid=$!
	port=
	for i in $(seq 50); do
		port=$(sed -n 's/.*gdb: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/err-$1")
		[ -n "$port" ] && break
		sleep 0.1
	done
}

# session NAME: a gdb client's packets and lkvm list, then lkvm stop.
session()
{
	if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
		{ pkt qSupported; pkt '?'; pkt g; pkt 'm0,10'; pkt qC; } >&3
		timeout 1 cat <&3 >"$tmp/gdb-$1.out"
		exec 3>&-
	fi
	"$LKVM" list >"$tmp/list-$1" 2>&1
	"$LKVM" stop "$1" >/dev/null 2>&1
	wait "$lkvm_pid"
	rc=$?
	lkvm_pid=
}

name=rec-t-$$
run "$name" "$tmp/rec"
session "$name"
is "$rc" 0 "a recorded lkvm run ends as ever (lkvm stop)" ||
	sed 's/^/# /' "$tmp/err-$name"
grep -q "recording guest traffic in $tmp/rec" "$tmp/err-$name"
ok $? "lkvm says where it records"
ls "$tmp/rec"/gdb-*.rec "$tmp/rec"/control-*.rec >/dev/null 2>&1
ok $? "a gdb and a control stream" || ls "$tmp/rec" | sed 's/^/# /'

"$src/fuzz/seed-from-record" --prefix rec-t "$tmp/seeds" "$tmp/rec" >"$tmp/conv.out" 2>&1
ok $? "seed-from-record takes the recording" || sed 's/^/# /' "$tmp/conv.out"
"$src/fuzz/seed-from-record" --describe "$tmp/seeds" >"$tmp/describe"
words() { sed -n "s/^$1: //p" "$tmp/describe" | tr ' ' '\n'; }
[ "$(words gdb | grep -cx 'pkt-q\|pkt-?\|pkt-g\|pkt-m')" = 4 ]
ok $? "the gdb seed is the client's stream: qSupported, ?, g, m" ||
	sed 's/^/# /' "$tmp/describe"
[ "$(words control | grep -cx 'ctl1\|ctl2')" = 2 ]
ok $? "the control seeds hold lkvm list's INFO and lkvm stop's STOP" ||
	sed 's/^/# /' "$tmp/describe"
python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
sys.exit(not (d[0] == 0 and d[1:].lstrip(b"+").startswith(b"$qSupported")))' \
	"$tmp/seeds/gdb/rec-t-gdb-0001" 2>/dev/null
ok $? "fuzz-gdb's encoding: op 0, then the stream from its first packet"

for h in gdb control; do
	if [ -x "$fuzz_out/fuzz-$h" ]; then
		"$fuzz_out/fuzz-$h" -runs=0 "$tmp/seeds/$h" >"$tmp/fuzz-$h.log" 2>&1
		ok $? "fuzz-$h runs the recorded seeds" ||
			grep -E 'ERROR|SUMMARY' "$tmp/fuzz-$h.log" | sed 's/^/# /'
	else
		skip 1 "fuzz-$h is not built (make fuzz-build)"
	fi
done

# Off, nothing; a directory it cannot write to, one warning.
name=rec-off-$$
run "$name" ""
session "$name"
is "$rc" 0 "without LKVM_RECORD, the same run"
! grep -qi "LKVM_RECORD\|recording" "$tmp/err-$name"
ok $? "and not a word about recording" || sed "s/^/# /" "$tmp/err-$name"
name=rec-bad-$$
run "$name" "$tmp/none/such"
session "$name"
is "$rc" 0 "with a directory that is not there, the same run"
[ "$(grep -c "LKVM_RECORD: cannot open" "$tmp/err-$name")" = 1 ]
ok $? "and one warning" || sed 's/^/# /' "$tmp/err-$name"
tap_done
