#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz-smoke as a test: every libFuzzer harness of tests/fuzz/ is
# built (clang, ASan, UBSan) and runs for a few seconds from its seeds
# and regression inputs in tests/fuzz/corpus/; one test per harness,
# failing on any crash, sanitizer report or broken oracle.  Skipped
# where there is no clang with libFuzzer (install-deps installs it).

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${LKVM_OUTPUT:-$srcdir/}
OUT=${OUT%/}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"

# Only this test's make runs, not the outer one's flags.
unset MAKEFLAGS MFLAGS MAKELEVEL

if ! make -s -C "$srcdir" O="$OUT" fuzz-check >/dev/null 2>&1; then
	echo "1..0 # SKIP no clang with libFuzzer (tools/kvm/scripts/install-deps installs clang, libfuzzer-14-dev and libclang-rt-14-dev)"
	exit 0
fi

make -s -C "$srcdir" O="$OUT" -j2 fuzz-build >"$tmp/build" 2>&1
ok $? "the fuzz harnesses build" || { sed 's/^/# /' "$tmp/build" | tail -n 30; tap_done; }

make -s -C "$srcdir" O="$OUT" fuzz-smoke >"$tmp/smoke" 2>&1
while read -r tag name rest; do
	[ "$tag" = FUZZ ] || continue
	case $rest in
	FAILED*)
		ok 1 "fuzz-$name: $rest"
		sed -n "/^  FUZZ    $name /,/^  FUZZ/p" "$tmp/smoke" | sed '1d;$d;s/^/# /'
		;;
	*)
		ok 0 "fuzz-$name: $rest"
		;;
	esac
done <"$tmp/smoke"
grep -q '^  FUZZ' "$tmp/smoke"
ok $? "fuzz-smoke ran the harnesses" || sed 's/^/# /' "$tmp/smoke" | tail -n 20
tap_done
