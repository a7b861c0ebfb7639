# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for the host-side shell tests (sourced, POSIX sh), as tap.h
# is for the C ones.  The tests are numbered as they run:
#
#   ok STATUS DESC      "ok N - DESC" when STATUS is 0, "not ok N - DESC"
#                       otherwise (named on stderr too, which prove shows);
#                       fails with it, so that a test can add diagnostics
#                       with "ok $? DESC || ..."
#   skip COUNT REASON   COUNT tests passed as "ok N # SKIP REASON"
#   lkvm_has FEATURE    true when $LKVM was built with FEATURE (libelf,
#                       libdw, liburing, libfdt, lockdep), as its
#                       "version --build-options" says
#   tap_done            prints the plan "1..N" (unless the test printed
#                       its own) and exits 1 when any test failed, else 0

tap_n=0
tap_failed=0

ok()
{
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
		return 0
	fi
	echo "not ok $tap_n - $2"
	echo "#   Failed test $tap_n - $2" >&2
	tap_failed=$((tap_failed + 1))
	return 1
}

skip()
{
	local i=0

	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $2"
	done
}

lkvm_has()
{
	"$LKVM" version --build-options 2>/dev/null |
		grep -q "^ *built with:.* $1\( \|\$\)"
}

# tap_done [planned]: "planned" when the plan was printed up front.
tap_done()
{
	[ "$1" = planned ] || echo "1..$tap_n"
	[ "$tap_failed" = 0 ] || exit 1
	exit 0
}
