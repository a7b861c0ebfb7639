# SPDX-License-Identifier: GPL-2.0
#
# The lab harness: boots real Linux kernels under lkvm and turns what the
# guests saw into one TAP stream for prove.  A lab test file (*.t) is a
# bash script that sources this file, declares cases and calls lab_run:
#
#   . "$(dirname "$0")/lib.sh"
#   lab_case smp-2 --guest guest/smp.sh --opts "-c 2" --env CPUS=2
#   lab_run
#
# lab_case NAME [options] declares one guest boot:
#   --kernel tiny|tiny-pvh|tiny-dwarf|debian  guest kernel (default tiny):
#                       the cached kvmconfig --tiny build as bzImage (arm64:
#                       Image), the same kernel's vmlinux (PVH entry, x86
#                       only), that kernel built with DWARF line tables (its
#                       vmlinux, PVH, x86 only), or Debian's stock kernel
#                       with its virtio/9p/ext4 modules loaded by the
#                       guest's /init
#   --guest FILE        guest test script (relative to this directory), run
#                       by the guest's /init; prints TAP with tests/tap.sh's
#                       ok/is/run/diag/skip
#   --guest-sh TEXT     the guest test script, inline
#   --opts "ARGS"       extra lkvm (or QEMU) arguments, split on spaces
#   --cmdline TEXT      kernel command line given with -p
#                       (default "console=ttyS0 quiet panic=-1")
#   --env VAR=VALUE     a variable the guest script sees (repeatable)
#   --guest-file SRC:PATH  put SRC at PATH in the guest's initramfs
#   --guest-prog SRC:PATH  the same for a host program, with the shared
#                       libraries it needs
#   --file SRC[:NAME]   copy SRC into the case's directory, the VMM's working
#                       directory, whose content comes back to the host
#   --pre TEXT          sh run (in L1) before the VMM, in that directory
#   --post TEXT         sh run (in L1) after it (./rc holds the VMM's exit
#                       status, which --rc checks); may print TAP
#                       with ok/is/run (tests/tap.sh is sourced)
#   --check FUNC        host function run after the lab, as FUNC CASEDIR, with
#                       CASEDIR holding console, stderr, rc, wall and the
#                       case's files; reports with ok/is/diag
#   --rc 0|nonzero|N    expected VMM exit status (default 0)
#   --no-end            the guest script is not expected to finish
#   --timeout SECS      per-boot limit (default 30, times LAB_TIMEOUT_SCALE
#                       on slow or busy machines); the VMM is killed after
#   --vmm lkvm|qemu     run QEMU -M microvm instead (benchmark)
#   --needs FEATURE     the case needs an lkvm built with FEATURE (libelf,
#                       liburing, ...: lkvm version --build-options); it is
#                       reported as skipped, with the reason, without it
#   --x86-only WHY      the case tests something only x86 has (PVH, the
#                       i8042, port I/O...): with LAB_ARCH=arm64 it is
#                       reported as skipped, saying WHY
#
# lab_l1_prog PROG [NAME] puts a host program (with its shared libraries)
# into L1 as /bin/NAME (default: its own name), for --pre and --post: the
# peers of a test, such as iperf3.  In direct mode the host's is used.
#
# lab_skip_all WHY: the whole file does not apply to LAB_ARCH (TAP skip).
#
# All cases of one lab_run share one L1 boot.  LKVM_LAB=direct|nested
# forces the mode (default: direct when the host's KVM is VMX/SVM based),
# LAB_KEEP=1 keeps the work directory, LAB_VERBOSE=1 shows the L1 console.
#
# LAB_ARCH=arm64 (default x86) runs the same cases on arm64: L1 is
# qemu-system-aarch64 -M virt with EL2 (Debian's arm64 kernel, KVM built
# in), LKVM must be an arm64 lkvm (make check-lab-arm64 cross-builds one),
# the guests are the arm64 builds of the same kernels, busybox is
# Debian's busybox-static:arm64, and programs built for the guests or L1
# are compiled with $LAB_CC (aarch64-linux-gnu-gcc).

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$LAB_DIR/kernels.sh"
. "$LAB_DIR/../tap.sh"

LKVM=${LKVM:-$LAB_TREE/tools/kvm/lkvm}
# The peer QEMU (benchmarks, --vmm qemu) and, on x86, L1's.
LAB_QEMU=${LAB_QEMU:-qemu-system-x86_64}
LAB_CMDLINE_DEFAULT="console=ttyS0 quiet panic=-1"
# One L1 CPU: the freezes of L1 (see README) came with two, whose vCPU
# threads then fought over QEMU's global lock.  The lab tests take about a
# third longer with one (8 min instead of 6 here).  The benchmarks give L1
# two, for the VMMs' threads.
LAB_L1_CPUS=${LAB_L1_CPUS:-1}
# L1's console shows warnings (a soft lockup's backtrace, on every CPU)
# but not the boot chatter.
LAB_L1_APPEND=${LAB_L1_APPEND-quiet loglevel=5 softlockup_all_cpu_backtrace=1}

# Per architecture: L1's QEMU, machine and console, its modules and the
# Debian guest kernel's, the compiler of the programs the lab puts into
# L1 and the guests, and where their shared libraries live.
# L1's modules: KVM (x86; built in on arm64), virtio-blk for the results
# disk, and tun + vhost_net for the guests' taps (virtio-net's tap and
# vhost-net backends).  Debian's arm64 kernel has no pvpanic driver.
case "$LAB_ARCH" in
x86)
	LAB_L1_QEMU=${LAB_L1_QEMU:-$LAB_QEMU}
	lab_l1_machine="-cpu EPYC,+svm,+npt"
	lab_l1_console=ttyS0
	lab_l1_kvm="nested SVM"
	# See lab_kick_l1.
	lab_l1_kick="sendkey shift"
	LAB_L1_MODULES="irqbypass ccp kvm kvm_amd virtio_pci virtio_blk tun vhost_net"
	LAB_L2_MODULES="virtio_pci virtio_blk virtio_net virtio_console virtio_rng
		virtio_balloon vmw_vsock_virtio_transport 9pnet_virtio 9p ext4 pvpanic_pci"
	LAB_CC=${LAB_CC:-cc}
	lab_readelf=readelf
	lab_strip=strip
	lab_multiarch=x86_64-linux-gnu
	;;
arm64)
	LAB_L1_QEMU=${LAB_L1_QEMU:-qemu-system-aarch64}
	# LAB_L1_GIC=2 gives L1 a GICv2 (with its virtualization
	# extensions), so that L1's KVM can only emulate a GICv2.
	lab_l1_machine="-M virt,virtualization=on,gic-version=${LAB_L1_GIC:-3} -cpu max,sve=off,pauth=off"
	lab_l1_console=ttyAMA0
	lab_l1_kvm="EL2, KVM built in"
	LAB_L1_MODULES="virtio_pci virtio_blk tun vhost_net"
	LAB_L2_MODULES="virtio_mmio virtio_pci virtio_blk virtio_net virtio_console
		virtio_rng virtio_balloon vmw_vsock_virtio_transport 9pnet_virtio 9p ext4"
	LAB_CC=${LAB_CC:-${LAB_CROSS_COMPILE}gcc}
	lab_readelf=${LAB_CROSS_COMPILE}readelf
	lab_strip=${LAB_CROSS_COMPILE}strip
	lab_multiarch=aarch64-linux-gnu
	# Guests boot slower in the arm64 L1 (the tiny kernel reaches init
	# after 6 to 22 s on a busy machine, 4 vCPUs take longer than 30 s).
	LAB_TIMEOUT_SCALE=${LAB_TIMEOUT_SCALE:-3}
	# The lkvm on this host (lkvm_has, lkvm version) is an arm64 one.
	command -v qemu-aarch64 >/dev/null && LKVM_EXEC=${LKVM_EXEC:-qemu-aarch64}
	;;
esac
export LAB_CC

lab_cases=()
lab_skipped=()
lab_l1_progs=()
lab_need=" "
lab_lockdep=

lab_die()
{
	echo "Bail out! $*"
	exit 1
}

# --- case declaration -----------------------------------------------------

# Quote a value for sh (the guest's and L1's busybox sh): 'it'\''s'.
lab_sq()
{
	local q="'\\''"

	printf "'%s'" "${1//\'/$q}"
}

lab_case()
{
	local name=$1 dir k=tiny guest="" opts="" cmdline=$LAB_CMDLINE_DEFAULT
	local env="" rc=0 timeout=30 vmm=lkvm end=1 check="" f kfile initrds needs=""
	local x86only=""

	# Every guest script may ask which architecture it runs on.
	env="export LAB_ARCH=$LAB_ARCH"$'\n'

	shift
	[[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || lab_die "bad case name '$name'"
	dir=$lab_root/cases/$(printf '%02d' ${#lab_cases[@]})-$name
	mkdir -p "$dir/overlay/lab" "$dir/files"
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel)	k=$2 ;;
		--guest)	guest=$(cat "$LAB_DIR/$2") || lab_die "no guest script $2" ;;
		--guest-sh)	guest=$2 ;;
		--opts)		opts=$2 ;;
		--cmdline)	cmdline=$2 ;;
		--env)		env+="export ${2%%=*}=$(lab_sq "${2#*=}")"$'\n' ;;
		--guest-file)	install -D "${2%%:*}" "$dir/overlay/${2#*:}" ||
					lab_die "cannot copy ${2%%:*}" ;;
		--guest-prog)	lab_copy_prog "${2%%:*}" "$dir/overlay" "${2#*:}" ||
					lab_die "cannot copy ${2%%:*}" ;;
		--file)		f=${2%%:*}
				cp "$f" "$dir/files/$([ "$f" = "$2" ] && basename "$f" || echo "${2#*:}")" ||
					lab_die "cannot copy $f" ;;
		--pre)		echo "$2" >"$dir/pre.sh" ;;
		--post)		printf 'TAP_PREFIX="@T "\n. %s/tap.sh\n%s\n' "$lab_l1root" "$2" >"$dir/post.sh" ;;
		--check)	check=$2 ;;
		--rc)		rc=$2 ;;
		--timeout)	timeout=$2 ;;
		--vmm)		vmm=$2 ;;
		--needs)	needs+=" $2" ;;
		--x86-only)	x86only=$2 ;;
		--no-end)	end= ; shift; continue ;;
		*)		lab_die "lab_case $name: unknown option $1" ;;
		esac
		shift 2
	done

	# On arm64: what is x86's only, and QEMU as a peer (not in the arm64
	# lab yet).
	if [ "$LAB_ARCH" != x86 ] && [ -n "$x86only" ]; then
		lab_skip_case "$dir" "$name: x86 only: $x86only"
		return 0
	fi
	if [ "$LAB_ARCH" != x86 ] && [ "$vmm" = qemu ]; then
		lab_skip_case "$dir" "$name: no QEMU peer in the $LAB_ARCH lab"
		return 0
	fi
	if [ "$LAB_ARCH" != x86 ] && [ "$k" = tiny-pvh ]; then
		lab_skip_case "$dir" "$name: x86 only: PVH boot"
		return 0
	fi
	if [ "$LAB_ARCH" != x86 ] && [ "$k" = tiny-dwarf ]; then
		lab_skip_case "$dir" "$name: x86 only: the tiny kernel with DWARF is built for x86"
		return 0
	fi
	for f in $needs; do
		lkvm_has "$f" && continue
		lab_skip_case "$dir" "$name: lkvm was built without $f"
		return 0
	done

	case "$k" in
	tiny)		kfile=k/tiny-$lab_kimage; initrds="i/base.cpio.gz" ;;
	tiny-pvh)	kfile=k/tiny-vmlinux; initrds="i/base.cpio.gz" ;;
	tiny-dwarf)	kfile=k/tiny-dwarf-vmlinux; initrds="i/base.cpio.gz" ;;
	debian)		kfile=k/debian-vmlinuz; initrds="i/base.cpio.gz i/debian-mods.cpio.gz" ;;
	*)		lab_die "lab_case $name: unknown kernel $k" ;;
	esac
	lab_need+="$k $vmm "
	echo "$guest" >"$dir/overlay/lab/test.sh"
	echo "$env" >"$dir/overlay/lab/env"
	lab_cpio "$dir/overlay" "$dir/overlay.cpio.gz"
	rm -rf "$dir/overlay"
	initrds+=" cases/$(basename "$dir")/overlay.cpio.gz"
	cat >"$dir/case.env" <<-EOF
	KERNEL=$(lab_sq "$kfile")
	INITRDS=$(lab_sq "$initrds")
	OPTS=$(lab_sq "$opts")
	CMDLINE=$(lab_sq "$cmdline")
	TIMEOUT=$((timeout * ${LAB_TIMEOUT_SCALE:-1}))
	VMM=$(lab_sq "$vmm")
	EOF
	lab_cases+=("$name|$(basename "$dir")|$rc|$end|$check")
}

lab_skip_case()
{
	rm -rf "$1"
	lab_skip "$2"
}

# lab_skip WHY: one skipped test, reported with the cases'.
lab_skip()
{
	lab_skipped+=("$1")
}

# lab_skip_all WHY: see the header.
lab_skip_all()
{
	echo "1..0 # SKIP $1"
	exit 0
}

# lab_l1_prog PROG [NAME]: see the header.  Only the host's programs:
# x86's.
lab_l1_prog()
{
	local p

	[ "$LAB_ARCH" = x86 ] || lab_die "lab_l1_prog $1: no $LAB_ARCH programs for L1 yet"
	p=$(command -v "$1") || lab_die "no program $1 (tools/kvm/scripts/install-deps)"
	lab_l1_progs+=("$p:${2:-$(basename "$p")}")
}

# --- building the images --------------------------------------------------

# lab_cpio DIR OUT: a newc archive of DIR owned by root, gzip'ed when OUT
# ends in .gz.
lab_cpio()
{
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		if [[ "$2" == *.gz ]]; then gzip >"$2"; else cat >"$2"; fi
}

# A busybox root: the static binary and /bin/sh; the /init scripts install
# the other applet links themselves, which is faster than packing them.
lab_busybox_root()
{
	mkdir -p "$1/bin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp"
	cp "$lab_busybox_bin" "$1/bin/busybox"
	ln -sf busybox "$1/bin/sh"
}

# lab_mod_order MODDIR NAME...: module paths (relative to MODDIR) in an
# order insmod accepts, dependencies first, from "modinfo -F depends".
lab_mod_order()
{
	local moddir=$1 f n
	local -A path=() seen=()

	shift
	while read -r f; do
		n=${f##*/}
		n=${n%.ko}
		path[${n//-/_}]=${f#"$moddir"/}
	done < <(find "$moddir" -name '*.ko')
	for n in "$@"; do
		lab_mod_visit "${n//-/_}"
	done
}

lab_mod_visit()
{
	local n=$1 d

	[ -z "${seen[$n]}" ] || return 0
	seen[$n]=1
	[ -n "${path[$n]}" ] || { echo "lab: no module $n" >&2; return 0; }
	for d in $(modinfo -F depends "$moddir/${path[$n]}" | tr , ' '); do
		lab_mod_visit "${d//-/_}"
	done
	echo "${path[$n]}"
}

# lab_mods_into MODDIR DEST NAME...: copy modules with lab.order.
lab_mods_into()
{
	local moddir=$1 dest=$2 m

	shift 2
	mkdir -p "$dest"
	lab_mod_order "$moddir" "$@" >"$dest/lab.order"
	while read -r m; do
		mkdir -p "$dest/$(dirname "$m")"
		cp "$moddir/$m" "$dest/$m"
	done <"$dest/lab.order"
}

# lab_find_lib SONAME: the host's library of LAB_ARCH with that name.
# The arm64 ones are Debian's multiarch packages (libfoo:arm64) or the
# cross toolchain's.
lab_find_lib()
{
	local d

	if [ "$LAB_ARCH" = x86 ]; then
		ldconfig -p | sed -n "s/.*$1 (libc6,x86-64) => //p" | head -n 1
		return
	fi
	for d in /lib/$lab_multiarch /usr/lib/$lab_multiarch /usr/$lab_multiarch/lib; do
		[ ! -e "$d/$1" ] || { echo "$d/$1"; return; }
	done
}

# lab_libs FILE: the shared libraries FILE needs, one path a line, and
# their own, and its program interpreter.  ldd runs the program's loader,
# so it can only read the host's own binaries: a foreign one's are found
# by walking DT_NEEDED with its architecture's readelf.
lab_libs()
{
	local -A seen=()

	if [ "$LAB_ARCH" = x86 ]; then
		ldd "$1" 2>/dev/null | grep -o '/[^ ]*'
		return
	fi
	"$lab_readelf" -l "$1" 2>/dev/null |
		sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p'
	lab_libs_needed "$1"
}

lab_libs_needed()
{
	local n p

	for n in $("$lab_readelf" -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		[ -z "${seen[$n]}" ] || continue
		seen[$n]=1
		p=$(lab_find_lib "$n")
		[ -n "$p" ] || { echo "lab: no $LAB_ARCH library $n (for $1)" >&2; continue; }
		echo "$p"
		lab_libs_needed "$p"
	done
}

# lab_copy_lib PATH ROOT: PATH's file at PATH in ROOT (a foreign
# library, which the host has in its multiarch directory, lands in the
# directory the guest's loader searches, /lib/MULTIARCH).
lab_copy_lib()
{
	local src=$1 dest=$1

	case "$1" in
	/usr/$lab_multiarch/lib/*)	dest=/lib/$lab_multiarch/${1##*/} ;;
	esac
	# The loader, where only the cross toolchain has it.
	[ -e "$src" ] || src=$(lab_find_lib "${1##*/}")
	[ -e "$2/$dest" ] || install -D "$(readlink -f "$src")" "$2/$dest"
}

# lab_copy_prog BIN ROOT DEST: the program and the shared libraries it
# needs, plus libgcc_s.so.1 that glibc dlopens for pthread_cancel.
lab_copy_prog()
{
	local lib

	install -D -m 755 "$1" "$2/$3"
	# Debug info only slows down unpacking the L1 initramfs under TCG.
	"$lab_strip" --strip-debug "$2/$3"
	"$lab_readelf" -d "$1" 2>/dev/null | grep -q '(NEEDED)' || return 0
	for lib in $(lab_libs "$1") $(lab_find_lib libgcc_s.so.1); do
		lab_copy_lib "$lib" "$2"
	done
}

# lab_copy_dlopened SONAME ROOT: a library a program dlopens rather than
# links (lkvm's libslirp), with the libraries it needs, where the host has
# them; nothing if the host has none.
lab_copy_dlopened()
{
	local so lib

	so=$(lab_find_lib "$1")
	[ -n "$so" ] || return 0
	for lib in "$so" $(lab_libs "$so"); do
		lab_copy_lib "$lib" "$2"
	done
}

lab_mode()
{
	case "${LKVM_LAB:-auto}" in
	direct|nested)
		echo "$LKVM_LAB" ;;
	auto)
		if [ "$LAB_ARCH" = arm64 ]; then
			# Direct on an arm64 host with KVM only.
			if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
				echo direct
			else
				echo nested
			fi
		elif { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; } &&
		   [ -w /dev/kvm ]; then
			echo direct
		else
			echo nested
		fi ;;
	*)
		lab_die "LKVM_LAB must be direct or nested" ;;
	esac
}

# Fill ROOT (the lab directory the driver sees) with the kernels and
# images the declared cases need.
lab_populate()
{
	local root=$1 tiny deb

	mkdir -p "$root/k" "$root/i" "$root/bin"
	cp "$LAB_DIR/driver.sh" "$LAB_DIR/../tap.sh" "$root/"
	lab_busybox_bin=$(lab_busybox) || lab_die "no $LAB_ARCH busybox"
	if [[ "$lab_need" == *" tiny-dwarf "* ]]; then
		tiny=$(lab_kernel_tiny_dwarf) || lab_die "no tiny guest kernel with DWARF"
		cp "$tiny/vmlinux" "$root/k/tiny-dwarf-vmlinux"
	fi
	if [[ "$lab_need" == *" tiny "* ]] || [[ "$lab_need" == *" tiny-pvh "* ]]; then
		tiny=$(lab_kernel_tiny) || lab_die "no tiny guest kernel"
		cp "$tiny/$lab_kimage" "$root/k/tiny-$lab_kimage"
		[[ "$lab_need" != *" tiny-pvh "* ]] || cp "$tiny/vmlinux" "$root/k/tiny-vmlinux"
	fi
	if [[ "$lab_need" == *" debian "* ]] || [ "$lab_mode" = nested ]; then
		deb=$(lab_kernel_debian) || lab_die "no Debian kernel"
		lab_deb_moddir=$(echo "$deb"/lib/modules/*)
		lab_deb_vmlinuz=$deb/vmlinuz
	fi
	if [[ "$lab_need" == *" debian "* ]]; then
		cp "$deb/vmlinuz" "$root/k/debian-vmlinuz"
		rm -rf "$lab_work/mods"
		# shellcheck disable=SC2086
		lab_mods_into "$lab_deb_moddir" "$lab_work/mods/lib/modules" $LAB_L2_MODULES
		lab_cpio "$lab_work/mods" "$root/i/debian-mods.cpio.gz"
	fi

	rm -rf "$lab_work/base"
	lab_busybox_root "$lab_work/base"
	install -D -m 755 "$LAB_DIR/l2-init" "$lab_work/base/init"
	install -D "$LAB_DIR/../tap.sh" "$lab_work/base/lab/tap.sh"
	lab_cpio "$lab_work/base" "$root/i/base.cpio.gz"
}

# The L1 initramfs: busybox, /init, KVM, virtio-blk and tap modules, lkvm
# and its libraries, QEMU when the benchmark needs it, the programs of
# lab_l1_prog, and the lab directory.
lab_build_l1()
{
	local l1=$1 p

	lab_busybox_root "$l1"
	install -m 755 "$LAB_DIR/l1-init" "$l1/init"
	# shellcheck disable=SC2086
	lab_mods_into "$lab_deb_moddir" "$l1/lib/modules" $LAB_L1_MODULES
	lab_copy_prog "$LKVM" "$l1" lab/bin/lkvm
	# User mode networking, which lkvm loads when a guest uses it.
	lab_copy_dlopened libslirp.so.0 "$l1"
	if [[ "$lab_need" == *" qemu "* ]]; then
		lab_copy_prog "$(command -v "$LAB_QEMU")" "$l1" lab/bin/qemu-system-x86_64
		mkdir -p "$l1/lab/share/qemu"
		# microvm's qboot, and SeaBIOS for -M pc (benchmarks over PCI)
		cp -L /usr/share/qemu/bios-microvm.bin /usr/share/qemu/linuxboot_dma.bin \
			/usr/share/qemu/kvmvapic.bin /usr/share/seabios/bios-256k.bin \
			"$l1/lab/share/qemu/"
	fi
	for p in "${lab_l1_progs[@]}"; do
		lab_copy_prog "${p%%:*}" "$l1" "bin/${p#*:}"
	done
	lab_cpio "$l1" "$lab_work/l1.cpio"
}

# Every case's limit, plus one retry of the longest after a hang (see
# driver.sh): the bound of one L1 boot, should the watch below miss.
lab_l1_timeout()
{
	local t=60 c ct max=0

	for c in "$lab_root"/cases/*/case.env; do
		ct=$(. "$c"; echo "$TIMEOUT")
		t=$((t + 5 + ct))
		[ "$ct" -le "$max" ] || max=$ct
	done
	echo $((t + 2 * max + 60))
}

# lab_kill_l1 PID LOG RC [WHY]: ends the L1 QEMU PID, saying WHY in LOG.
lab_kill_l1()
{
	[ -z "$4" ] || echo "lab: $4: frozen, killed" >>"$2"
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return "$3"
}

# lab_kick_l1: wakes an x86 L1 that sleeps through its own timer.  QEMU
# 7.2's TCG now and then leaves L1's CPU in HLT, interrupts enabled, with
# the LAPIC timer's vector pending in IRR: L1 waits for ever, every task
# asleep on a timer that has fired (seen with 'info lapic' on QEMU's
# monitor; an NMI does not wake it).  Any new interrupt makes QEMU look at
# the APIC again: a key press on L1's i8042, which nothing in L1 reads.
lab_kick_l1()
{
	# Read-write: never blocks, even if QEMU has not opened it yet.
	echo "$lab_l1_kick" 1<>"$lab_work/l1mon.in"
}

# lab_watch_l1 PID LOG FROM TOTAL: waits for the L1 QEMU PID, for at most
# TOTAL seconds; this boot's console starts at byte FROM of LOG.  Returns
# its exit status; kills it and returns 137 at TOTAL, and 200 when L1
# stops talking: no heartbeat for LAB_L1_SILENCE seconds, or no progress
# for longer than its current step may take.  The driver prints "lab: case
# NAME: start" and "lab: case NAME: exit ..." on L1's console.  Under
# nested TCG, L1's own kernel has been seen to freeze now and then (a
# lockup with every CPU busy): its cases are not to blame and run again
# in a new L1 (lab_run_l1).  An x86 L1 silent for LAB_L1_KICK seconds
# (12) is kicked first, and again every LAB_L1_KICK seconds; the kicks
# are counted in lab_l1_kicks.
lab_watch_l1()
{
	local pid=$1 log=$2 from=$3 total=$4 line last="" since=$SECONDS name
	local start=$SECONDS grace=${LAB_HANG_GRACE:-30} margin=${LAB_FREEZE_MARGIN:-120}
	local limit=$((2 * margin + 60)) size=0 now grew=$SECONDS
	local silence=${LAB_L1_SILENCE:-60} kick=${LAB_L1_KICK:-12} kicked=0

	lab_l1_kicks=0
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		# L1 prints a heartbeat every 10 s once its driver runs.
		now=$(stat -c %s "$log")
		if [ "$now" != "$size" ]; then
			size=$now
			grew=$SECONDS
		fi
		[ "$kicked" -ge "$grew" ] || kicked=$grew
		if [ -n "$lab_l1_kick" ] && [ $((SECONDS - kicked)) -ge "$kick" ]; then
			lab_kick_l1
			kicked=$SECONDS
			lab_l1_kicks=$((lab_l1_kicks + 1))
		fi
		if [ -n "$last" ] && [ $((SECONDS - grew)) -gt "$silence" ]; then
			lab_kill_l1 "$pid" "$log" 200 "L1 silent for ${silence}s"
			return
		fi
		# This boot's lines only: the log goes on from earlier boots.
		line=$(tail -c +"$from" "$log" | tr -d '\r' | grep -a '^lab: case ' | tail -n 1)
		if [ "$line" != "$last" ]; then
			last=$line
			since=$SECONDS
			name=${line#lab: case }
			name=${name%%: *}
			# A case's own limit, its VMM's grace to die and a retry
			# (driver.sh), its pre/post scripts; or between cases.
			case "$line" in
			*": start")
				limit=$(. "$lab_root/cases/$name/case.env"; echo "$TIMEOUT")
				limit=$((2 * (limit + grace) + margin)) ;;
			*)	limit=$((2 * margin + 60)) ;;
			esac
		fi
		if [ $((SECONDS - start)) -gt "$total" ]; then
			lab_kill_l1 "$pid" "$log" 137
			return
		fi
		if [ $((SECONDS - since)) -gt "$limit" ]; then
			lab_kill_l1 "$pid" "$log" 200 "L1 said nothing for ${limit}s"
			return
		fi
	done
	wait "$pid"
}

# lab_boot_l1 LOG FROM: one L1 boot over the cases in $lab_root/cases,
# its console appended to LOG from byte FROM on; their results land in
# $lab_work/out.  Returns 200 if L1 froze, 201 if it ended before its
# driver did (a crash of L1's kernel ends QEMU too).
lab_boot_l1()
{
	local img=$lab_work/results.img log=$1 from=$2 rc=0 blocks qemu drain
	local mon=$lab_work/l1mon

	lab_build_l1 "$lab_work/l1"
	rm -f "$img" "$mon.in" "$mon.out"
	truncate -s 2G "$img"
	# QEMU's monitor, for lab_kick_l1; what it says is thrown away.
	mkfifo "$mon.in" "$mon.out"
	cat 0<>"$mon.out" >/dev/null &
	drain=$!
	# shellcheck disable=SC2086
	"$LAB_L1_QEMU" $lab_l1_machine -accel tcg,thread=multi -m 4096 -smp "$LAB_L1_CPUS" \
		-nodefaults -no-user-config -nographic -serial stdio -no-reboot \
		-chardev pipe,id=labmon,path="$mon" -mon chardev=labmon,mode=readline \
		-kernel "$lab_deb_vmlinuz" -initrd "$lab_work/l1.cpio" \
		-append "console=$lab_l1_console panic=-1 $LAB_L1_APPEND" \
		-drive file="$img",format=raw,if=virtio </dev/null >>"$log" 2>&1 &
	qemu=$!
	[ -z "$LAB_VERBOSE" ] || tail -n 0 -f "$log" --pid=$qemu >&2 &
	lab_watch_l1 $qemu "$log" "$from" "$(lab_l1_timeout)" || rc=$?
	kill "$drain" 2>/dev/null
	wait "$drain" 2>/dev/null
	rm -f "$mon.in" "$mon.out"
	[ "$lab_l1_kicks" = 0 ] ||
		echo "lab: L1 was silent and got kicked $lab_l1_kicks times (lab_kick_l1)" >>"$log"
	if [ "$rc" = 0 ] && ! tail -c +"$from" "$log" | grep -aq '^lab: driver done'; then
		echo "lab: L1 ended before its driver did: crashed" >>"$log"
		rc=201
	fi
	[ "$rc" = 0 ] ||
		echo "lab: L1 QEMU ended with $rc (137: timed out, 200: froze, 201: crashed)" >>"$log"
	mkdir -p "$lab_work/out"
	read -r _ blocks < <(head -c 512 "$img" | tr -d '\0')
	[ -z "$blocks" ] ||
		dd if="$img" bs=512 skip=1 count="$blocks" 2>/dev/null |
		tar -C "$lab_work/out" -xi 2>/dev/null
	rm -f "$img"
	return $rc
}

# lab_run_l1: boots L1 until every case has run.  After a freeze or a
# crash, the cases that came back are set aside and the rest run in a new
# L1; the one that was running gets one more chance.
lab_run_l1()
{
	local log=$lab_work/l1.log boot c name frozen from
	local -A tried=()

	mkdir -p "$lab_work/done"
	for boot in 1 2 3 4; do
		echo "==== L1 boot $boot" >>"$log"
		from=$(($(stat -c %s "$log") + 1))
		lab_boot_l1 "$log" "$from"
		case $? in
		200|201) ;;
		*)	break ;;
		esac
		# The case this boot was running, if any.
		frozen=$(tail -c +"$from" "$log" | tr -d '\r' |
			 sed -n 's/^lab: case \(.*\): start$/\1/p' | tail -n 1)
		for c in "$lab_root"/cases/*/; do
			name=$(basename "$c")
			[ ! -f "$lab_work/out/$name/rc" ] || mv "$c" "$lab_work/done/"
		done
		if [ -n "$frozen" ] && [ -d "$lab_root/cases/$frozen" ]; then
			# Froze twice: it gets no result; the others go on.
			[ -z "${tried[$frozen]}" ] || mv "$lab_root/cases/$frozen" "$lab_work/done/"
			tried[$frozen]=1
		fi
		[ -n "$(ls "$lab_root/cases")" ] || break
	done
	for name in "${!tried[@]}"; do
		[ ! -f "$lab_work/out/$name/rc" ] ||
			echo "L1 froze or crashed during its first run (see l1.log)" \
				>"$lab_work/out/$name/retried"
	done
}

# --- reporting ------------------------------------------------------------

lab_show()
{
	local f

	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "---- $f" >&2
		tail -n 40 "$f" | tr -d '\r' >&2
	done
}

# Guest (or post.sh) TAP lines ("@T ok - x") become numbered host tests.
lab_report_tap()
{
	local prefix=$1 file=$2 line failed=0

	while IFS= read -r line; do
		line=${line%$'\r'}
		line=${line#*@T }
		case "$line" in
		"ok - "*)	ok 0 "$prefix${line#ok - }" ;;
		"not ok - "*)	ok 1 "$prefix${line#not ok - }"; failed=1 ;;
		"# "*)		diag "${line#\# }" ;;
		esac
	done < <(grep -a '@T \(ok\|not ok\|#\) ' "$file" 2>/dev/null)
	return $failed
}

lab_report_case()
{
	local name=$1 d=$lab_work/out/$2 want=$3 end=$4 check=$5 rc failed=0

	if [ ! -f "$d/rc" ]; then
		ok 1 "$name: ran (no result came back)"
		return
	fi
	rc=$(cat "$d/rc")
	case "$want" in
	nonzero)	[ "$rc" != 0 ] && [ "$rc" != 137 ] ;;
	*)		[ "$rc" = "$want" ] ;;
	esac
	ok $? "$name: exit status $rc (want $want)" || failed=1
	if [ -n "$lab_lockdep" ]; then
		! grep -aq '^LOCKDEP:' "$d/stderr"
		ok $? "$name: lockdep reported nothing" || failed=1
	fi
	[ "$rc" != 137 ] || diag "$name: killed after its timeout"
	[ ! -f "$d/retried" ] || diag "$name: retried: $(cat "$d/retried")"
	lab_report_tap "$name: " "$d/console" || failed=1
	if [ -n "$end" ]; then
		grep -aq '^@T end' "$d/console"
		ok $? "$name: guest test script ran to the end" || failed=1
	fi
	lab_report_tap "$name: (L1) " "$d/post.tap" || failed=1
	if [ -n "$check" ]; then
		local before=$tap_n out

		out=$("$check" "$d")
		echo "$out"
		# The check ran in a subshell: count what it reported.
		tap_n=$((before + $(echo "$out" | grep -c '^\(not \)\?ok ')))
		tap_failed=$((tap_failed + $(echo "$out" | grep -c '^not ok ')))
		! echo "$out" | grep -q '^not ok ' || failed=1
	fi
	[ $failed = 0 ] || lab_show "$d/stderr" "$d/console" "$d/pre.log"
}

# lab_run: build everything, boot (L1 or direct), print the TAP stream;
# fails when a test did.
lab_run()
{
	local c name dir want end check l1ok

	[ -x "$LKVM" ] || lab_die "no lkvm binary at $LKVM (make -C tools/kvm)"
	[ "$LAB_ARCH" = x86 ] || "$lab_readelf" -h "$LKVM" 2>/dev/null | grep -q 'Machine:.*AArch64' ||
		lab_die "LKVM=$LKVM is not an arm64 lkvm (make -C tools/kvm check-lab-arm64 builds one)"
	# An lkvm built with LOCKDEP=1 must get through every boot silently.
	lkvm_has lockdep && lab_lockdep=y
	lab_populate "$lab_root"
	if [ "$lab_mode" = nested ]; then
		lab_run_l1
		[ -f "$lab_work/out/lab/version.rc" ]
		ok $? "lab: L1 booted under QEMU TCG and its results came back" ||
			lab_show "$lab_work/l1.log"
		[ -f "$lab_work/out/lab/kvm" ]
		ok $? "lab: /dev/kvm is usable in L1 ($lab_l1_kvm)"
		grep -a '^lab: L1 was silent' "$lab_work/l1.log" | while read -r l; do
			diag "${l#lab: }"
		done
	else
		mkdir -p "$lab_work/out"
		TMPDIR=$lab_work LKVM=$LKVM QEMU=$(command -v "$LAB_QEMU") \
			QEMU_DATA=/usr/share/qemu sh "$lab_root/driver.sh" "$lab_root" \
			"$lab_work/out" >"$lab_work/driver.log" 2>&1
		[ -f "$lab_work/out/lab/kvm" ]
		ok $? "lab: /dev/kvm is usable (direct mode)"
	fi
	[ "$(cat "$lab_work/out/lab/version.rc" 2>/dev/null)" = 0 ] &&
		grep -q . "$lab_work/out/lab/version"
	ok $? "lab: lkvm version runs ($lab_mode)" &&
		diag "$(head -n 1 "$lab_work/out/lab/version")"

	for c in "${lab_cases[@]}"; do
		IFS='|' read -r name dir want end check <<<"$c"
		lab_report_case "$name" "$dir" "$want" "$end" "$check"
	done
	for c in "${lab_skipped[@]}"; do
		skip 1 "$c"
	done
	# The plan, and a status for the benchmarks that go on after it.
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

lab_cleanup()
{
	if [ -n "$LAB_KEEP" ]; then
		echo "lab: work directory kept: $lab_work" >&2
	else
		rm -rf "$lab_work"
	fi
}

lab_mode=$(lab_mode)
lab_work=$(mktemp -d "${TMPDIR:-/tmp}/lkvm-lab.XXXXXX")
trap lab_cleanup EXIT
# lab_root is the lab directory on the host; the driver sees it as
# lab_l1root (/lab inside the L1 initramfs, which is built around it).
if [ "$lab_mode" = nested ]; then
	lab_root=$lab_work/l1/lab
	lab_l1root=/lab
else
	lab_root=$lab_work/root
	lab_l1root=$lab_root
fi
