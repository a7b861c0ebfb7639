#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm in a kernel tree, for each of Debian's linux-source-6.1 and
# linux-source-6.12: tools/kvm/scripts/install-tree adds lkvm to a pristine
# tree as new files only, lists exactly those, and refuses a second time;
# make -C tools/kvm then builds there with the tree's own uapi headers
# (headers_install), tools/include, tools/lib/rbtree.c and libsubcmd,
# writing only new files; the in-tree lkvm runs and its unit tests pass.
#
# Nothing of the kernel tree is replaced any more, so the kernel's own
# tools (objtool and its ORC and interval-tree code, resolve_btfids, the
# host programs of make bzImage) see exactly the files of a pristine tree:
# the checks of them this test made while lkvm was copied over the tree
# are unnecessary and gone.

# Build as a user would in that tree, not with the outer make's O=, V= etc.
# (make exports its command-line variables to the environment).
unset MAKEFLAGS MAKELEVEL MAKEOVERRIDES MFLAGS O V LOCKDEP LKVM_FEATURES_SHOWN

repo=$(cd "$(dirname "$0")/../../.." && pwd)
install_tree=$repo/tools/kvm/scripts/install-tree
. "$repo/tools/kvm/tests/tap.sh"
. "$repo/tools/kvm/tests/lab/kernels.sh"

# Scratch space, never inside this repository: the build log must not
# name a path of it.  KERNEL_TREE_KEEP=1 keeps it, trees and logs, to look
# at (some GB).
work=$(mktemp -d)
case $work/ in
"$repo"/*) rm -rf "$work"; work=$(mktemp -d -p /tmp) ;;
esac
if [ -n "$KERNEL_TREE_KEEP" ]; then
	trap 'echo "# kept $work"' EXIT
else
	trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT
trap 'exit 143' TERM

# listing TREE OUT: every file and symlink of TREE, one per line: path,
# type, size, mtime (ns), mode, link target.  A file written to, replaced,
# removed or chmod-ed shows up in a diff of two listings.
listing()
{
	(cd "$1" && find . \( -type f -o -type l \) -printf '%P\t%y\t%s\t%T@\t%m\t%l\n') |
		LC_ALL=C sort >"$2"
}

# changed BEFORE AFTER: the paths of BEFORE that AFTER lacks or has changed.
changed()
{
	LC_ALL=C comm -23 "$1" "$2" | cut -f1
}

# added BEFORE AFTER: the paths of AFTER that BEFORE lacks.
added()
{
	LC_ALL=C comm -13 <(cut -f1 "$1" | LC_ALL=C sort) <(cut -f1 "$2" | LC_ALL=C sort)
}

# diag_file FILE [N]: the first N (20) lines of FILE as diagnostics.
diag_file()
{
	head -n "${2:-20}" "$1" | sed 's/^/# /'
}

# diag_text TEXT: the first 20 lines of TEXT as diagnostics.
diag_text()
{
	printf '%s\n' "$1" | head -n 20 | sed 's/^/# /'
}

# install-tree's own checks, on a stand-in tree that passes for a kernel.
fake=$work/fake
mkdir -p "$fake/include/uapi/linux" "$fake/tools/lib/subcmd" "$fake/tools/lib/lockdep"
echo 'VERSION = 6' >"$fake/Makefile"
touch "$fake/include/uapi/linux/kvm.h" "$fake/tools/lib/subcmd/parse-options.h" \
	"$fake/tools/lib/lockdep/lockdep.c"

mkdir "$work/empty"
"$install_tree" "$work/empty" >"$work/out" 2>"$work/err"
rc=$?
[ $rc != 0 ] && [ ! -s "$work/out" ] && grep -q 'not a kernel source tree' "$work/err" &&
	grep -q 'include/uapi/linux/kvm.h' "$work/err" && [ -z "$(ls -A "$work/empty")" ]
ok $? "install-tree refuses a directory that is not a kernel tree, naming what it lacks" ||
	diag_file "$work/err"

find "$fake" -printf '%P %y %s %T@\n' | LC_ALL=C sort >"$work/fake.before"
"$install_tree" "$fake" >"$work/out" 2>"$work/err"
rc=$?
find "$fake" -printf '%P %y %s %T@\n' | LC_ALL=C sort >"$work/fake.after"
[ $rc != 0 ] && [ ! -s "$work/out" ] && grep -q 'tools/lib/lockdep exists' "$work/err" &&
	grep -q 'nothing was changed' "$work/err" && cmp -s "$work/fake.before" "$work/fake.after"
ok $? "install-tree refuses a tree with a tools/lib/lockdep of its own, changing nothing" ||
	diag_file "$work/err"
rm -rf "$fake" "$work/empty"

# unpacked TAR: sets $unpacked to an unpacked, pristine tree of TAR in the
# cache (never to be written to), unpacking it there if need be.  The
# entry is keyed by the tarball's name, size and mtime, so that a new
# package gets a new one (and the old one goes); it counts only once its
# stamp is written, so an interrupted unpack is redone.
unpacked()
{
	local tar=$1 name key top dir old

	name=$(basename "$tar" .tar.xz)
	key=$name-$(stat -c '%s-%Y' "$tar") || return 1
	top=$LAB_CACHE/kernel-tree
	dir=$top/$key
	lab_lock kernel-tree
	if [ ! -f "$dir/.unpacked" ] || [ ! -f "$dir/$name/include/uapi/linux/kvm.h" ]; then
		diag "unpacking $tar into $dir (once per tarball)"
		rm -rf "$dir"
		mkdir -p "$dir"
		if ! tar -C "$dir" -xJf "$tar" || [ ! -d "$dir/$name" ]; then
			rm -rf "$dir"
			lab_unlock
			return 1
		fi
		touch "$dir/.unpacked"
	fi
	for old in "$top/$name"-*; do
		[ "$old" = "$dir" ] || rm -rf "$old"
	done
	lab_unlock
	unpacked=$dir/$name
}

# The lkvm files install-tree is to add: what git tracks of them here.
(cd "$repo" && git ls-files -- tools/kvm/ tools/lib/lockdep/ scripts/kvmconfig) |
	LC_ALL=C sort >"$work/expected"

PER_VERSION=17

# tree_test VERSION: the tests of one kernel tree, $PER_VERSION of them.
tree_test()
{
	local v=$1 tar=/usr/src/linux-source-$1.tar.xz t=$work/$1 first=$tap_n
	local tree src rc log re diffs f c progs missing

	if [ ! -f "$tar" ]; then
		skip $PER_VERSION "$v: no $tar (tools/kvm/scripts/install-deps installs linux-source-$v)"
		return
	fi
	mkdir -p "$t"

	# A pristine copy: of 6.1, the one in the lab's cache if the lab has
	# unpacked it for its guest kernel, else (and for other versions) the
	# one in this test's cache.
	src=
	if [ "$v" = 6.1 ]; then
		src=$(LAB_KSRC_PKG=linux-source-$v lab_ksrc_cached) || src=
	fi
	if [ -z "$src" ] && unpacked "$tar"; then
		src=$unpacked
	fi
	tree=$t/linux-source-$v
	[ -n "$src" ] && [ -d "$src" ] && cp -a "$src" "$tree" &&
		[ -f "$tree/include/uapi/linux/kvm.h" ]
	if ! ok $? "$v: unpacked $(basename "$tar")"; then
		skip $((first + PER_VERSION - tap_n)) "$v: no kernel tree"
		[ -n "$KERNEL_TREE_KEEP" ] || rm -rf "$t"
		return
	fi

	# The marker must reach the uapi headers lkvm compiles against.
	echo '#define LKVM_KERNEL_TREE_MARKER 1' >>"$tree/include/uapi/linux/kvm.h"
	listing "$tree" "$t/pristine"

	"$install_tree" "$tree" >"$t/installed" 2>"$t/install.err"
	rc=$?
	listing "$tree" "$t/after-install"
	[ $rc = 0 ] && [ -s "$t/installed" ]
	if ! ok $? "$v: install-tree adds lkvm to the tree"; then
		diag_file "$t/install.err"
		skip $((first + PER_VERSION - tap_n)) "$v: install-tree failed"
		[ -n "$KERNEL_TREE_KEEP" ] || rm -rf "$t"
		return
	fi

	LC_ALL=C sort "$t/installed" >"$t/installed.sorted"
	diffs=$(diff "$work/expected" "$t/installed.sorted")
	while read -r f; do
		cmp -s "$repo/$f" "$tree/$f" || diffs+=$'\n'"content differs: $f"
	done <"$t/installed.sorted"
	[ -z "$diffs" ]
	ok $? "$v: it added tools/kvm/, tools/lib/lockdep/ and scripts/kvmconfig as git has them here, nothing else" ||
		diag_text "$diffs"

	changed "$t/pristine" "$t/after-install" >"$t/changed"
	[ ! -s "$t/changed" ]
	ok $? "$v: install-tree changed no file of the tree" || diag_file "$t/changed"

	added "$t/pristine" "$t/after-install" >"$t/added"
	cmp -s "$t/added" "$t/installed.sorted"
	ok $? "$v: the files new in the tree are exactly those install-tree listed" ||
		diag_text "$(diff "$t/installed.sorted" "$t/added")"

	"$install_tree" "$tree" >"$t/out2" 2>"$t/err2"
	rc=$?
	[ $rc != 0 ] && [ ! -s "$t/out2" ] && grep -q 'tools/kvm/Makefile' "$t/err2" &&
		grep -q 'scripts/kvmconfig' "$t/err2" && grep -q 'nothing was changed' "$t/err2"
	ok $? "$v: a second install-tree refuses, naming the files that exist" ||
		diag_file "$t/err2"

	listing "$tree" "$t/after-second"
	cmp -s "$t/after-install" "$t/after-second"
	ok $? "$v: ... and changes nothing" ||
		diag_text "$(diff "$t/after-install" "$t/after-second")"

	log=$t/build.log
	(cd "$tree" && make -C tools/kvm -j2 V=1) >"$log" 2>&1
	rc=$?
	[ $rc = 0 ] && [ -x "$tree/tools/kvm/lkvm" ]
	ok $? "$v: make -C tools/kvm builds inside the kernel tree" ||
		grep -vE '^[[:space:]]*(gcc|cc|clang)[[:space:]]' "$log" | tail -n 30 | sed 's/^/# /'

	grep -q 'uapi headers: kernel tree' "$log"
	ok $? "$v: the build detected the kernel tree"

	grep -qs LKVM_KERNEL_TREE_MARKER "$tree/tools/kvm/usr/include/linux/kvm.h"
	ok $? "$v: the tree's uapi headers were installed with headers_install"

	grep -qF -- "-I$tree/tools/kvm/usr/include" "$log"
	ok $? "$v: objects are compiled against the installed uapi headers"

	# lkvm's compile commands: those of objects in tools/kvm, except
	# libsubcmd's (built by the kernel's own Makefile).
	re=$(printf '%s' "$tree" | sed 's/[][\.*^$+?(){}|]/\\&/g')
	grep -E '(^|[[:space:]/])(gcc|cc|clang)[[:space:]].*[[:space:]]-c([[:space:]]|$)' "$log" |
		grep -F -- "$tree/tools/kvm/" | grep -v -e 'libsubcmd/' -e fixdep >"$t/cc"
	grep -vE -- "-I$re/tools/include/?([[:space:]]|$)" "$t/cc" >"$t/cc-bad"
	grep -F -- "$repo/" "$log" >>"$t/cc-bad"
	[ "$(wc -l <"$t/cc")" -ge 10 ] && [ ! -s "$t/cc-bad" ]
	ok $? "$v: objects are compiled with -I<tree>/tools/include, and no path of this repository is used" ||
		{ diag "$(wc -l <"$t/cc") lkvm compile commands in the log (want 10 or more);" \
		       "$(wc -l <"$t/cc-bad") lines without -I$tree/tools/include or naming $repo/:"
		  diag_file "$t/cc-bad" 10; }

	grep -E '[[:space:]]-c([[:space:]]|$)' "$log" |
		grep -qE -- "[[:space:]]$re/tools/lib/rbtree\\.c([[:space:]]|$)"
	ok $? "$v: the tree's tools/lib/rbtree.c is compiled"

	grep -qE -- "(make.*[[:space:]]-C[[:space:]]*$re/tools/lib/subcmd/?([[:space:]]|$)|Entering directory '$re/tools/lib/subcmd/?')" "$log" &&
		[ -n "$(find "$tree/tools/kvm" -name libsubcmd.a)" ]
	ok $? "$v: libsubcmd is built by make -C <tree>/tools/lib/subcmd"

	"$tree/tools/kvm/lkvm" version 2>&1 | grep -q '^lkvm version '
	ok $? "$v: the in-tree lkvm runs"

	# The in-tree unit tests, as make check-unit runs them: one TAP line.
	log=$t/unit.log
	(cd "$tree" && make -C tools/kvm -j2 unit-tests) >"$log" 2>&1
	rc=$?
	progs=()
	missing=()
	for c in "$tree"/tools/kvm/tests/unit/test-*.c; do
		if [ -x "${c%.c}" ]; then
			progs+=("${c%.c}")
		else
			missing+=("$(basename "${c%.c}")")
		fi
	done
	[ ${#missing[@]} = 0 ] || rc=1
	if [ $rc = 0 ]; then
		(cd "$t" && LKVM=$tree/tools/kvm/lkvm LKVM_SRCDIR=$tree/tools/kvm \
			LKVM_OUTPUT=$tree/tools/kvm/ LKVM_TREE=$tree \
			prove --exec '' "${progs[@]}") >"$t/prove.log" 2>&1
		# On stderr too: a CI log from a plain prove shows only that.
		ok $? "$v: the in-tree unit tests pass (${#progs[@]} programs)" ||
			sed "s|$tree/||; s/^/# /" "$t/prove.log" | tee /dev/stderr
	else
		ok 1 "$v: the in-tree unit tests pass"
		tail -n 15 "$log" | sed 's/^/# /'
		[ ${#missing[@]} = 0 ] ||
			diag "${#missing[@]} unit test programs not built: ${missing[*]}"
	fi

	# The build and the tests add files: they change none of the tree's
	# (nor the ones install-tree added).
	listing "$tree" "$t/after-build"
	changed "$t/after-install" "$t/after-build" >"$t/changed"
	[ ! -s "$t/changed" ]
	ok $? "$v: building and testing lkvm changed no file of the tree, only added" ||
		diag_file "$t/changed"

	[ -n "$KERNEL_TREE_KEEP" ] || rm -rf "$t"
}

tree_test 6.1
tree_test 6.12

tap_done
