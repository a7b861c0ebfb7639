# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for every shell test, sourced: the host-side tests, the lab
# harness and its .t files on the host, and the guest scripts and L1 post
# scripts of the lab (busybox sh).  tap.h is the same for the C tests.
#
#   ok STATUS DESC      "ok N - DESC" when STATUS is 0, "not ok N - DESC"
#                       otherwise (named on stderr too, which prove shows);
#                       fails with it, so that a test can add diagnostics
#                       with "ok $? DESC || ..."
#   is GOT WANT DESC    ok when GOT = WANT, else says what it got
#   run DESC CMD...     ok when CMD succeeds
#   diag TEXT           a "# TEXT" diagnostic line
#   skip COUNT REASON   COUNT tests passed as "ok N # SKIP REASON"
#   lkvm_has FEATURE    true when $LKVM was built with FEATURE (libelf,
#                       libdw, liburing, libfdt, lockdep), as its
#                       "version --build-options" says (run through
#                       $LKVM_EXEC when set: qemu-aarch64 for an arm64 one)
#   tap_done            prints the plan "1..N" (unless the test printed
#                       its own) and exits 1 when any test failed, else 0
#
# Inside a lab guest (and in L1's post scripts) TAP_PREFIX is "@T ": the
# lines carry it, so that the host can pick them out of a console that
# also carries kernel messages, and no number, since the host numbers
# them as it turns them into its own tests.

tap_n=0
tap_failed=0

ok()
{
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		if [ -n "$TAP_PREFIX" ]; then
			echo "${TAP_PREFIX}ok - $2"
		else
			echo "ok $tap_n - $2"
		fi
		return 0
	fi
	tap_failed=$((tap_failed + 1))
	if [ -n "$TAP_PREFIX" ]; then
		echo "${TAP_PREFIX}not ok - $2"
		return 1
	fi
	echo "not ok $tap_n - $2"
	echo "#   Failed test $tap_n - $2" >&2
	return 1
}

is()
{
	[ "$1" = "$2" ] && ok 0 "$3" && return 0
	ok 1 "$3"
	diag "got '$1', want '$2'"
	return 1
}

run()
{
	local desc=$1

	shift
	"$@"
	ok $? "$desc"
}

diag()
{
	echo "${TAP_PREFIX}# $*"
}

skip()
{
	local i=0

	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		tap_n=$((tap_n + 1))
		if [ -n "$TAP_PREFIX" ]; then
			echo "${TAP_PREFIX}ok - # SKIP $2"
		else
			echo "ok $tap_n # SKIP $2"
		fi
	done
}

lkvm_has()
{
	# shellcheck disable=SC2086
	$LKVM_EXEC "$LKVM" version --build-options 2>/dev/null |
		grep -q "^ *built with:.* $1\\( \\|\$\\)"
}

# tap_done [planned]: "planned" when the plan was printed up front.
tap_done()
{
	[ "$1" = planned ] || echo "1..$tap_n"
	[ "$tap_failed" = 0 ] || exit 1
	exit 0
}
