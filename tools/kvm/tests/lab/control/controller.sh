# SPDX-License-Identifier: GPL-2.0
#
# Runs in L1 (busybox sh) beside the guest "ctl1" of tests/lab/control.t,
# sourced by its pre script in the background, with tap.sh sourced and
# TAP_PREFIX set; drives lkvm list/pause/resume/stop against the running
# guest and reports in TAP.  The guest prints "tick N UPTIME" about ten
# times a second on its console (./console).  Ends the guest with lkvm
# stop, whatever happened before.

name=ctl1
sock=$HOME/.lkvm/$name.sock

# The last "tick N UPTIME" line of the console, as "N UPTIME".
last_tick()
{
	grep '^tick ' console | tail -1 | tr -d '\r' | cut -d' ' -f2-3
}

tick_no()
{
	last_tick | cut -d' ' -f1
}

# Waits up to $2 seconds for tick number $1 (or later).
wait_tick()
{
	local i=0 n

	while [ $i -lt $(($2 * 5)) ]; do
		n=$(tick_no)
		[ -n "$n" ] && [ "$n" -ge "$1" ] && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

# The uptime (in centiseconds) of tick $1.
tick_cs()
{
	grep "^tick $1 " console | head -1 | cut -d' ' -f3 | tr -d '.\r'
}

if ! wait_tick 5 120; then
	ok 1 "the guest ticks"
	"$lkvm" stop $name
	return 0 2>/dev/null || exit 0
fi

"$lkvm" list >list1.out 2>&1
grep -q "^ *[0-9][0-9]* $name *running$" list1.out
ok $? "lkvm list shows $name running" || sed 's/^/# /' list1.out

"$lkvm" pause $name >pause.out 2>&1
ok $? "lkvm pause $name" || sed 's/^/# /' pause.out
"$lkvm" list >list2.out 2>&1
grep -q "^ *[0-9][0-9]* $name *paused$" list2.out
ok $? "lkvm list shows it paused" || sed 's/^/# /' list2.out

t1=$(tick_no)
sleep 5
t2=$(tick_no)
is "$t2" "$t1" "no tick while paused (5 s)"

"$lkvm" pause $name >/dev/null 2>&1
ok $? "pausing a paused guest is harmless"

"$lkvm" resume $name >resume.out 2>&1
ok $? "lkvm resume $name" || sed 's/^/# /' resume.out
wait_tick $((t2 + 3)) 60
ok $? "the guest ticks again after resume"
# Guest time stopped with the guest: the tick after the pause comes a
# tick's time after the one before it, not 5 s later.
u1=$(tick_cs "$t2")
u2=$(tick_cs $((t2 + 1)))
[ -n "$u1" ] && [ -n "$u2" ] && [ $((u2 - u1)) -lt 200 ]
ok $? "guest time did not jump over the pause (uptime $u1 -> $u2 cs)"

# Another user: neither the socket nor the commands are theirs.
./ctl-tool as 65534 "$lkvm" pause $name >other.out 2>&1
rc=$?
[ $rc != 0 ] && grep -q "belongs to another user\|not running\|cannot" other.out
ok $? "another user cannot pause the guest (exit $rc)" || sed 's/^/# /' other.out

./ctl-tool garbage "$sock" >garbage.out 2>&1
ok $? "garbage, truncated, lying and oversized requests get error replies" ||
	sed 's/^/# /' garbage.out
n=$(tick_no)
wait_tick $((n + 3)) 60
ok $? "and the guest keeps running"

# A second lkvm with the same name is refused; one killed with SIGKILL
# leaves a stale socket that lkvm list removes.
"$lkvm" run -k "$root/$KERNEL" -i "$initrd" --name $name >clash.out 2>&1
rc=$?
[ $rc = 1 ] && grep -q "guest of that name is running" clash.out
ok $? "a second guest named $name is refused (exit $rc)" || sed 's/^/# /' clash.out

"$lkvm" run -k "$root/$KERNEL" -i "$initrd" --name ctl2 -m 64 >ctl2.out 2>&1 &
pid2=$!
i=0
while [ ! -S "$HOME/.lkvm/ctl2.sock" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL $pid2
wait $pid2
[ -S "$HOME/.lkvm/ctl2.sock" ]
ok $? "a SIGKILLed lkvm leaves its socket behind"
"$lkvm" list >list3.out 2>&1
! grep -q ctl2 list3.out && [ ! -e "$HOME/.lkvm/ctl2.sock" ] &&
	grep -q "$name" list3.out
ok $? "lkvm list skips and removes the stale socket" || sed 's/^/# /' list3.out
"$lkvm" pause ctl2 >stale.out 2>&1
[ $? != 0 ] && grep -q "no guest named 'ctl2'" stale.out
ok $? "a command for the dead guest says it does not run" || sed 's/^/# /' stale.out

"$lkvm" balloon $name --inflate 1 >noballoon.out 2>&1
[ $? != 0 ] && grep -q "has no balloon" noballoon.out
ok $? "lkvm balloon of a guest without --balloon says so" || sed 's/^/# /' noballoon.out
"$lkvm" stat $name --memory >nostat.out 2>&1
[ $? != 0 ] && grep -q "no balloon" nostat.out
ok $? "and so does lkvm stat" || sed 's/^/# /' nostat.out

"$lkvm" stop $name >stop.out 2>&1
ok $? "lkvm stop $name" || sed 's/^/# /' stop.out
