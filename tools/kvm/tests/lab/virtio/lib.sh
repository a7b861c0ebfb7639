# SPDX-License-Identifier: GPL-2.0
#
# Shared by virtio.t and bench-blk.sh: builds the L2 (lkvm's guest) and L1
# (lkvm's host, under QEMU TCG with nested SVM) initramfs images and runs
# L1.  Expects $here, $lkvm, $kdir (tiny kernel) and $ddir (Debian kernel)
# and a scratch directory $work.

skip()
{
	echo "1..0 # SKIP $*"
	exit 0
}

lab_check_tools()
{
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
	command -v cpio >/dev/null || skip "no cpio"
	busybox=$(command -v busybox) || skip "no busybox"
	file -L "$busybox" | grep -q 'statically linked' || skip "busybox is not static"
	[ -x "$lkvm" ] || skip "lkvm is not built"
	kdir=${LAB_TINY_DIR:-$(lab_kernel_tiny 2>/dev/null)} ||
		skip "no lab kernel (tests/lab/kernels.sh tiny)"
	ddir=$(lab_kernel_debian 2>/dev/null) || skip "no Debian kernel for L1 (tests/lab/kernels.sh debian)"
	[ -f "$kdir/bzImage" ] || skip "no bzImage in $kdir"
}

# Copies a dynamically linked program and its libraries into a root.
copy_prog()
{
	local prog=$1 root=$2 lib

	mkdir -p "$root$(dirname "$prog")"
	cp -L "$prog" "$root$prog"
	for lib in $(ldd "$prog" | grep -o '/[^ ]*') \
		   $(ldconfig -p | grep -o '/[^ ]*libgcc_s.so.1' | head -1); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

mkroot()
{
	local c

	mkdir -p "$1"/bin "$1"/sbin "$1"/proc "$1"/sys "$1"/dev "$1"/tmp "$1"/mnt "$1"/img
	cp "$busybox" "$1/bin/busybox"
	for c in sh mount umount cat dd sha256sum cmp mkdir cp rm ls grep wc \
		 sync reboot poweroff insmod blkdiscard du stat sleep head tr \
		 seq cut echo test true false sed awk find xargs od timeout; do
		ln -sf busybox "$1/bin/$c"
	done
}

mkcpio()
{
	(cd "$1" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$2"
}

# lab_l1_base ROOT: adds KVM's modules, lkvm and the L2 kernel to L1's root.
lab_l1_base()
{
	local l1=$1 mods m

	mkroot "$l1"
	copy_prog "$(readlink -f "$lkvm")" "$l1"
	ln -sf "$(readlink -f "$lkvm")" "$l1/bin/lkvm"
	mods=$ddir/lib/modules/$(ls "$ddir/lib/modules" | head -1)/kernel
	for m in virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko \
		 arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko; do
		cp "$mods/$m" "$l1/"
	done
	cp "$kdir/bzImage" "$l1/bzImage"
}

# lab_run_l1 CPIO LOG: boots L1; its console goes to LOG.
lab_run_l1()
{
	timeout 1500 qemu-system-x86_64 -accel tcg,thread=multi \
		-cpu EPYC,+svm,+npt -m 3072 -smp 2 -nodefaults -no-user-config \
		-nographic -serial stdio -no-reboot -kernel "$ddir/vmlinuz" \
		-initrd "$1" -append "console=ttyS0 panic=-1 quiet" \
		< /dev/null > "$2" 2>&1
}
