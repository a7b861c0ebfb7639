# SPDX-License-Identifier: GPL-2.0
#
# For the host tests that boot the lab's tiny kernel (tests/lab/kernels.sh
# tiny, cached in ~/.cache/lkvm-lab) on this host's own /dev/kvm, sourced
# after tap.sh:
#
#   tiny_vm_start NAME NEEDS [COMMAND...]
#                       skips the whole file (TAP "1..0 # SKIP") unless
#                       /dev/kvm is writable, the tiny kernel's vmlinux is
#                       cached and every COMMAND and every lkvm feature in
#                       NEEDS ("libelf libdw") is there; then sets
#                       $vmlinux, makes $tmp (removed at exit, with $HOME
#                       inside it, so that the guests' control sockets stay
#                       there) and kills $lkvm_pid at exit when it is set
#
# The cache holds tiny-VERSION-KEY/ (x86), tiny-dwarf-*/ and arm64-*/:
# only the first is this host's.

tiny_vm_start()
{
	local name=$1 needs=$2 f missing= cache

	shift 2
	cache=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkvm-lab}
	vmlinux=$(ls -t "$cache"/tiny-[0-9]*/vmlinux 2>/dev/null | head -n 1)
	[ -w /dev/kvm ] || missing+=" /dev/kvm"
	[ -n "$vmlinux" ] || missing+=" the lab's tiny kernel (tests/lab/kernels.sh tiny)"
	for f in "$@"; do
		command -v "$f" >/dev/null || missing+=" $f"
	done
	for f in $needs; do
		lkvm_has "$f" || missing+=" an lkvm with $f"
	done
	if [ -n "$missing" ]; then
		echo "1..0 # SKIP needs:$missing"
		exit 0
	fi

	tmp=$(mktemp -d "/tmp/lkvm-$name-t.XXXXXX")
	export HOME=$tmp/home
	mkdir -p "$HOME"
	lkvm_pid=
	trap tiny_vm_cleanup EXIT
}

tiny_vm_cleanup()
{
	[ -z "$lkvm_pid" ] || kill "$lkvm_pid" 2>/dev/null
	rm -rf "$tmp"
}
