# SPDX-License-Identifier: GPL-2.0
#
# Runs in L1 beside the guest "bal" of tests/lab/control.t (sourced in the
# background by its pre script, with tap.sh sourced): lkvm stat and lkvm
# balloon against a guest that runs Linux's virtio_balloon driver.  The
# guest first fills and frees most of its memory, so that the pages it
# gives to the balloon are resident on the host and lkvm's RSS can show
# them go; then it prints "avail KB" (MemAvailable) twice a second.

name=bal
mib=64

# Waits up to $2 seconds for a console line matching $1.
wait_console()
{
	local i=0

	while [ $i -lt $(($2 * 5)) ]; do
		grep -q "$1" console && return 0
		sleep 0.2
		i=$((i + 1))
	done
	return 1
}

last_avail()
{
	grep '^avail ' console | tail -1 | tr -d '\r' | cut -d' ' -f2
}

# kB of lkvm's resident memory.
rss()
{
	grep '^VmRSS:' /proc/$pid/status | tr -s ' ' | cut -d' ' -f2
}

# Waits up to 90 s until the guest has given $1 MiB to the balloon.
wait_given()
{
	local i=0

	while [ $i -lt 180 ]; do
		"$lkvm" balloon $name >given.out 2>&1
		grep -q "has given $1 MiB" given.out && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

if ! wait_console '^avail ' 120; then
	ok 1 "the guest filled its memory and reports it"
	"$lkvm" stop $name
	return 0 2>/dev/null || exit 0
fi
pid=$("$lkvm" list | grep " $name " | tr -s ' ' | sed 's/^ //' | cut -d' ' -f1)

"$lkvm" stat $name --memory >stat.out 2>&1
ok $? "lkvm stat $name --memory" || sed 's/^/# /' stat.out
total=$(grep '^  MemTotal' stat.out | tr -s ' ' | cut -d' ' -f3)
guest_total=$(grep '^meminfo-total ' console | tr -d '\r' | cut -d' ' -f2)
is "$total" "$guest_total" "its MemTotal is the guest's /proc/meminfo MemTotal (kB)"
free=$(grep '^  MemFree' stat.out | tr -s ' ' | cut -d' ' -f3)
[ -n "$free" ] && [ "$free" -gt 0 ] && [ "$free" -le "$total" ]
ok $? "its MemFree ($free kB) is within MemTotal"

avail0=$(last_avail)
rss0=$(rss)
"$lkvm" balloon $name --inflate $mib >inflate.out 2>&1
ok $? "lkvm balloon $name --inflate $mib" || sed 's/^/# /' inflate.out
wait_given $mib
ok $? "the guest gives $mib MiB to the balloon" || sed 's/^/# /' given.out
sleep 2
avail1=$(last_avail)
rss1=$(rss)
[ $((avail0 - avail1)) -ge $((mib * 1024 * 3 / 4)) ]
ok $? "what the guest can use dropped by about $mib MiB (MemAvailable $avail0 -> $avail1 kB)"
[ $((rss0 - rss1)) -ge $((mib * 1024 * 3 / 4)) ]
ok $? "lkvm's RSS dropped by about $mib MiB ($rss0 -> $rss1 kB)"

"$lkvm" balloon $name --deflate $mib >deflate.out 2>&1
ok $? "lkvm balloon $name --deflate $mib" || sed 's/^/# /' deflate.out
wait_given 0
ok $? "the guest takes its memory back" || sed 's/^/# /' given.out

"$lkvm" balloon $name --inflate 100000 >big.out 2>&1
[ $? != 0 ] && grep -q "more than the guest's memory" big.out
ok $? "a balloon larger than the guest is refused" || sed 's/^/# /' big.out
"$lkvm" stat ctl-none --memory >none.out 2>&1
[ $? != 0 ] && grep -q "no guest named" none.out
ok $? "lkvm stat of a guest that does not run fails" || sed 's/^/# /' none.out

"$lkvm" stop $name >stop.out 2>&1
ok $? "lkvm stop $name" || sed 's/^/# /' stop.out
