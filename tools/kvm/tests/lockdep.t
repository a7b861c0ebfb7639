#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/lib/lockdep: build its test programs, run each (the pthread ones
# under the lockdep wrapper, the api-* ones linked with liblockdep.a) and
# check that exactly the expected problems are reported, naming the right
# locks, and that correct programs report nothing.

TREE=${LKVM_TREE:-$(cd "$(dirname "$0")/../../.." && pwd)}
SRC=$TREE/tools/lib/lockdep
OUT=${LKVM_OUTPUT:-$TREE/tools/kvm/}
OUT=${OUT%/}/lockdep-tests
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The programs' reports are expected: keep them out of a lockdep CI log.
unset LOCKDEP_LOG LOCKDEP_FATAL LD_PRELOAD

. "$TREE/tools/kvm/tests/tap.sh"

if ! make -s -C "$SRC" O="$OUT" tests >"$WORK/build" 2>&1; then
	sed 's/^/# /' "$WORK/build"
	ok 1 "lockdep test programs build"
	tap_done
fi

# run_prog NAME: run one test program, stderr in $WORK/NAME.err
run_prog() {
	local name=$1 prog=$OUT/tests/$1

	if [[ $name == api-* ]]; then
		timeout 120 "$prog" >"$WORK/$name.out" 2>"$WORK/$name.err"
	else
		timeout 120 "$OUT/lockdep" "$prog" >"$WORK/$name.out" \
			2>"$WORK/$name.err"
	fi
	rc=$?
	if [ $rc != 0 ] || ! grep -q '^done' "$WORK/$name.out"; then
		ok 1 "$name runs to the end (exit $rc)"
		sed 's/^/# /' "$WORK/$name.err" | head -40
		return 1
	fi
	ok 0 "$name runs to the end"
}

# Without libdw the reports name functions and variables from the ELF
# symbol table (libelf) but cannot give file:line.
dwarf=$(sed -n 's/^libdw: //p' "$OUT/features")
elf=$(sed -n 's/^libelf: //p' "$OUT/features")

# expect NAME COUNT [TITLE-REGEX [LOCK-REGEX...]]: COUNT reports in all,
# COUNT of them matching TITLE, and each LOCK named in the output.  A
# LOCK written "dwarf:REGEX" needs debug info: skipped without libdw; all
# but the __FILE__ names of the api-* tests need libdw or libelf.
expect() {
	local name=$1 count=$2 title=$3 got lock
	shift 3

	run_prog "$name" || { ok 1 "$name reports"; return; }
	got=$(grep -c '^LOCKDEP: ' "$WORK/$name.err")
	if [ -n "$title" ]; then
		matching=$(grep -cE "^LOCKDEP: .*$title" "$WORK/$name.err")
	else
		matching=$got
	fi
	[ "$got" = "$count" ] && [ "$matching" = "$count" ]
	ok $? "$name: $count report(s)${title:+ of '$title'}"
	if [ "$got" != "$count" ] || [ "$matching" != "$count" ]; then
		echo "# got $got report(s), $matching matching:"
		sed 's/^/# /' "$WORK/$name.err" | head -60
	fi
	for lock in "$@"; do
		if [[ $lock == dwarf:* ]]; then
			lock=${lock#dwarf:}
			[ "$dwarf" = on ] || { skip 1 "$name: $lock needs libdw"; continue; }
		elif [[ $name != api-* ]] && [ "$dwarf" != on ] && [ "$elf" != on ]; then
			skip 1 "$name: $lock needs libdw or libelf"
			continue
		fi
		grep -qE -- "$lock" "$WORK/$name.err"
		ok $? "$name: names $lock"
	done
}

expect abba 1 'AB-BA inversion' \
	'trying to take "lock_a"' 'while holding "lock_b"' \
	'dwarf:abba.c:16' 'dwarf:abba.c:25'
expect cycle3 1 'cycle of 3 locks' \
	'trying to take lock \(initialised at init_lock_x' \
	'while holding lock \(initialised at init_lock_z' 'init_lock_y'
expect recursion 1 'recursive locking' 'take "rec_lock"'
expect bad-unlock 1 'does not hold' 'releases "unheld_lock"'
expect exit-held 1 'thread exiting with locks held' '"leaked_lock"' \
	'dwarf:"leaked_lock".*exit-held.c:10'
expect rw-misuse 1 'read-locking a lock this thread holds for writing' \
	'"table_rwlock"'
expect rw-cycle 1 'AB-BA inversion' \
	'trying to take "rw_one"' 'while holding "mix_lock"' 'dwarf:rw-cycle.c:56'
expect destroy-held 2 '' 'destroying a held lock' \
	'destroys lock \(initialised at init_doomed_lock' \
	'freeing memory that contains a held lock' \
	'frees lock \(initialised at init_object_lock'
expect good-threads 0 ''
expect api-abba 1 'AB-BA inversion' \
	'trying to take "&d->alpha_lock" \(initialised at tools/lib/lockdep/tests/api-abba.c:43\)' \
	'while holding "&d->beta_lock"'
expect api-misuse 3 '' 'read-unlocking a lock held for writing' \
	'a lock that must be held is not held' 'lock "&obj->obj_lock"' \
	'frees "&obj->obj_lock"'
expect api-good 0 ''

# LOCKDEP_LOG collects the reports; LOCKDEP_FATAL stops at the first.
rm -f "$WORK/log"
LOCKDEP_LOG=$WORK/log "$OUT/lockdep" "$OUT/tests/abba" >/dev/null 2>&1
[ "$(grep -c '^LOCKDEP: ' "$WORK/log" 2>/dev/null)" = 1 ]
ok $? "LOCKDEP_LOG receives the report"
rc=$( { LOCKDEP_FATAL=1 "$OUT/lockdep" "$OUT/tests/abba" >/dev/null 2>&1
	echo $?; } 2>/dev/null)
[ "$rc" -ge 128 ]
ok $? "LOCKDEP_FATAL=1 aborts at the report"

tap_done
