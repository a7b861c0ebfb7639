#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lockdep [-f] [-o LOG] PROGRAM [ARGS...]
#
# Run PROGRAM with its pthread mutexes, rwlocks and condition variable
# waits validated by liblockdep.so (LD_PRELOAD).  Reports go to stderr.
#   -f      abort at the first report (LOCKDEP_FATAL=1)
#   -o LOG  also append the reports to LOG (LOCKDEP_LOG)
# The library is looked for in $LOCKDEP_LIB, next to this script, then in
# ../lib relative to it.

usage() {
	echo "usage: lockdep [-f] [-o LOG] PROGRAM [ARGS...]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-f)	LOCKDEP_FATAL=1; export LOCKDEP_FATAL; shift ;;
	-o)	[ $# -ge 2 ] || usage
		LOCKDEP_LOG=$2; export LOCKDEP_LOG; shift 2 ;;
	-h|--help) usage ;;
	--)	shift; break ;;
	-*)	usage ;;
	*)	break ;;
	esac
done
[ $# -gt 0 ] || usage

dir=$(dirname "$(readlink -f "$0")")
lib=${LOCKDEP_LIB:-}
if [ -z "$lib" ]; then
	for lib in "$dir/liblockdep.so" "$dir/../lib/liblockdep.so"; do
		[ -f "$lib" ] && break
	done
fi
if [ ! -f "$lib" ]; then
	echo "lockdep: cannot find liblockdep.so (set LOCKDEP_LIB)" >&2
	exit 127
fi

LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" exec "$@"
