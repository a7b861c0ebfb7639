#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm builds from inside a kernel tree against that tree's uapi headers:
# unpack Debian's linux-source, copy this repository's files over it, and
# build tools/kvm there.  A marker added to the tree's uapi kvm.h must reach
# the installed headers lkvm compiles against.

# Build as a user would in that tree, not with the outer make's O=, V= etc.
unset MAKEFLAGS MAKELEVEL MAKEOVERRIDES MFLAGS

src_tar=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
if [ -z "$src_tar" ]; then
	echo "1..0 # SKIP no linux-source package (tools/kvm/scripts/install-deps installs it)"
	exit 0
fi

repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "1..6"

tar -C "$work" -xf "$src_tar" 2>/dev/null
tree=$(echo "$work"/linux-source-*)
[ -f "$tree/include/uapi/linux/kvm.h" ]
echo "$( [ $? = 0 ] && echo ok || echo not ok ) 1 - unpacked $(basename "$src_tar")"

# Copy the parts of the repository that belong in a kernel tree (tools/
# and scripts/, not the top-level Makefile or README), without build output.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard -- tools scripts) |
	(cd "$repo" && xargs -0 cp --parents -t "$tree")
echo '#define LKVM_KERNEL_TREE_MARKER 1' >> "$tree/include/uapi/linux/kvm.h"

log=$work/build.log
make -C "$tree/tools/kvm" -j2 V=1 > "$log" 2>&1
status=$?
if [ $status = 0 ] && [ -x "$tree/tools/kvm/lkvm" ]; then
	echo "ok 2 - make -C tools/kvm builds inside the kernel tree"
else
	echo "not ok 2 - make -C tools/kvm builds inside the kernel tree"
	tail -30 "$log" | sed 's/^/# /'
fi

if grep -q 'uapi headers: kernel tree' "$log"; then
	echo "ok 3 - the build detected the kernel tree"
else
	echo "not ok 3 - the build detected the kernel tree"
fi

hdr=$tree/tools/kvm/usr/include/linux/kvm.h
if grep -q LKVM_KERNEL_TREE_MARKER "$hdr" 2>/dev/null; then
	echo "ok 4 - the tree's uapi headers were installed with headers_install"
else
	echo "not ok 4 - the tree's uapi headers were installed with headers_install"
fi

if grep -q -- "-I$tree/tools/kvm/usr/include" "$log"; then
	echo "ok 5 - objects are compiled against the installed uapi headers"
else
	echo "not ok 5 - objects are compiled against the installed uapi headers"
fi

if "$tree/tools/kvm/lkvm" version | grep -q '^lkvm version '; then
	echo "ok 6 - the in-tree lkvm runs"
else
	echo "not ok 6 - the in-tree lkvm runs"
fi
