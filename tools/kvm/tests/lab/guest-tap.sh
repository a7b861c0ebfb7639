# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for guest test scripts, sourced by the L2 /init (busybox sh).
# Lines carry an "@T " prefix so that the host can pick them out of a
# console that also carries kernel messages; the host numbers them.

t_ok()
{
	if [ "$1" = 0 ]; then
		echo "@T ok - $2"
	else
		echo "@T not ok - $2"
	fi
}

# t_run DESC CMD...: pass when CMD succeeds
t_run()
{
	local desc=$1

	shift
	"$@"
	t_ok $? "$desc"
}

# t_is GOT WANT DESC
t_is()
{
	if [ "$1" = "$2" ]; then
		t_ok 0 "$3"
	else
		t_ok 1 "$3"
		t_diag "got '$1', want '$2'"
	fi
}

t_diag()
{
	echo "@T # $*"
}
