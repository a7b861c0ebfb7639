# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): a flood of 9p requests from many processes,
# as a hostile or just busy guest sends them: 32 processes reading,
# listing and stat'ing the share at once (what counts is how many
# requests are in flight, not how many bytes), then 16 readers of a large file
# killed in the middle of their reads (each kill flushes a request).  The
# "@flood start/end" lines tell L1's sampler (9p.t) when to look.
mkdir -p /mnt/f
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lkvmflood /mnt/f
ok $? "mount the share"
cd /mnt/f || exit 1

busy()
{
	local k

	# The big file once: 32 of them are 128 MiB through nested TCG.
	cat big >/dev/null || return 1
	for k in 1 2 3 4 5 6; do
		cat "small/f$(($1 % 50))" >/dev/null || return 1
		ls -l small >/dev/null || return 1
		stat small/f$((k * 7)) >/dev/null || return 1
	done
}

echo "@flood start"
pids=
for i in $(seq 1 32); do
	busy $i & pids="$pids $!"
done
fail=0
for p in $pids; do
	wait $p || fail=$((fail + 1))
done
is $fail 0 "32 processes at once: every one ends well"

# Each reader is the cat itself, so that the kill lands in its read.
pids=
for i in $(seq 1 16); do
	cat big big big big big big big big >/dev/null & pids="$pids $!"
done
sleep 3
kill -9 $pids
for p in $pids; do
	wait $p
done
echo "@flood end"

# The share still answers, and with the right data.
is "$(md5sum <big | cut -d' ' -f1)" "$(cat big.md5)" "the share still reads right"
cd /
umount /mnt/f
ok $? "unmount"
