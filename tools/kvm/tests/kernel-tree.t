#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm builds from inside a kernel tree against that tree's uapi headers:
# unpack Debian's linux-source, copy this repository's files over it, and
# build tools/kvm there.  A marker added to the tree's uapi kvm.h must reach
# the installed headers lkvm compiles against.

# Build as a user would in that tree, not with the outer make's O=, V= etc.
# (make exports its command-line variables to the environment).
unset MAKEFLAGS MAKELEVEL MAKEOVERRIDES MFLAGS O V LOCKDEP LKVM_FEATURES_SHOWN

src_tar=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1)
if [ -z "$src_tar" ]; then
	echo "1..0 # SKIP no linux-source package (tools/kvm/scripts/install-deps installs it)"
	exit 0
fi

repo=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "1..11"

# The lab keeps the source unpacked in its cache (unpacking the tarball
# is most of this test's time): copy that.
. "$repo/tools/kvm/tests/lab/kernels.sh"
cached=$(lab_ksrc 2>/dev/null) && cp -a "$cached" "$work/" ||
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

# Our tools/include/linux headers and tools/lib/rbtree.c replace the
# kernel's in this tree, and the kernel build needs tools/objtool (x86-64)
# to build and work with them.
if [ "$(uname -m)" != x86_64 ]; then
	for n in 7 8 9 10 11; do
		echo "ok $n # SKIP the kernel's tools are checked on x86-64 hosts"
	done
	exit 0
fi

log=$work/objtool.log
objtool=$tree/tools/objtool/objtool
if make -C "$tree/tools/objtool" -j2 > "$log" 2>&1 && [ -x "$objtool" ]; then
	echo "ok 7 - make -C tools/objtool builds in the kernel tree"
else
	echo "not ok 7 - make -C tools/objtool builds in the kernel tree"
	grep -E 'error|Error' "$log" | head -20 | sed 's/^/# /'
fi

# Generating ORC data walks every instruction of an object and exercises
# objtool's symbol interval tree (our rbtree.c under the kernel's inlines).
cat > "$work/orc.c" <<'EOC'
extern int g(int);
int f(int x);
int f(int x)
{
	return g(x) + g(x + 1);
}
EOC
if gcc -O2 -c -o "$work/orc.o" "$work/orc.c" &&
   "$objtool" --orc "$work/orc.o" > "$work/orc.log" 2>&1 &&
   readelf -S "$work/orc.o" | grep -q '\.orc_unwind_ip'; then
	echo "ok 8 - the in-tree objtool writes ORC data into an object file"
else
	echo "not ok 8 - the in-tree objtool writes ORC data into an object file"
	sed 's/^/# /' "$work/orc.log" 2>/dev/null | head -10
fi

# The kernel's interval tree template on our rbtree.c, as objtool uses it.
src=$repo/tools/kvm/tests/kernel-tree/interval-tree.c
if gcc -O2 -Wall -Wextra -Werror -Wundef -Wshadow -I"$tree/tools/include" \
	-o "$work/interval-tree" "$src" "$tree/tools/lib/rbtree.c" > "$work/it.log" 2>&1 &&
   "$work/interval-tree" >> "$work/it.log" 2>&1; then
	echo "ok 9 - the kernel's interval_tree_generic.h works on our lib/rbtree.c"
else
	echo "not ok 9 - the kernel's interval_tree_generic.h works on our lib/rbtree.c"
	head -20 "$work/it.log" | sed 's/^/# /'
fi

# resolve_btfids builds libbpf and libsubcmd against our headers as well.
log=$work/btfids.log
if make -C "$tree/tools/bpf/resolve_btfids" -j2 > "$log" 2>&1; then
	echo "ok 10 - make -C tools/bpf/resolve_btfids builds in the kernel tree"
else
	echo "not ok 10 - make -C tools/bpf/resolve_btfids builds in the kernel tree"
	grep -E 'error|Error' "$log" | head -20 | sed 's/^/# /'
fi

# Host programs 'make bzImage' builds with -I tools/include (flags as in
# their Makefiles; -Werror on top, they compile cleanly in a pristine tree).
log=$work/hostprogs.log
flags="-Wall -Wmissing-prototypes -Wstrict-prototypes -O2 -std=gnu11 -Werror
       -fsyntax-only -I$tree/tools/include"
if (cd "$tree" &&
    gcc $flags -Iinclude/uapi -Iarch/x86/include/uapi arch/x86/entry/vdso/vdso2c.c &&
    gcc $flags arch/x86/boot/compressed/mkpiggy.c &&
    gcc $flags -D__EXPORTED_HEADERS__ arch/x86/boot/tools/build.c &&
    gcc $flags scripts/sorttable.c &&
    gcc $flags arch/x86/tools/relocs_common.c arch/x86/tools/relocs_64.c \
	arch/x86/tools/relocs_32.c) > "$log" 2>&1; then
	echo "ok 11 - the host programs of make bzImage compile with our headers"
else
	echo "not ok 11 - the host programs of make bzImage compile with our headers"
	grep -E 'error' "$log" | head -20 | sed 's/^/# /'
fi
