#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest (and L1) kernels for the lab, cached outside the repository in
# ${XDG_CACHE_HOME:-~/.cache}/lkvm-lab:
#
#   kernels.sh tiny [--rebuild]   build the L2 test kernel: Debian's
#                                 linux-source-6.1 + scripts/kvmconfig --tiny;
#                                 prints the directory holding bzImage, vmlinux
#                                 (arm64: Image, vmlinux)
#   kernels.sh tiny-dwarf         the same kernel with DWARF line
#                                 tables (for lkvm debug --dump's file:line),
#                                 built in a tree of its own (x86)
#   kernels.sh debian             fetch Debian's stock linux-image-amd64
#                                 (arm64: linux-image-arm64:arm64) and
#                                 unpack it; prints the directory holding
#                                 vmlinuz, config and lib/modules/
#   kernels.sh busybox            the guests' static busybox (arm64: fetch
#                                 Debian's busybox-static:arm64); prints it
#
# LAB_ARCH=x86 (default) or arm64 picks the guests' architecture; arm64
# kernels are cross-built with $LAB_CROSS_COMPILE (aarch64-linux-gnu-).
# The tiny kernel is kept per architecture, source package version and
# resulting .config, and built incrementally (see lab_kernel_tiny), at
# nice 19.  LAB_TINY=DIR uses DIR's images instead.
# Sourced by lib.sh, which uses lab_kernel_tiny and lab_kernel_debian.

LAB_CACHE=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkvm-lab}
LAB_TREE=${LAB_TREE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)}
LAB_KSRC_TAR=${LAB_KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
LAB_KSRC_PKG=${LAB_KSRC_PKG:-linux-source-6.1}
LAB_JOBS=${LAB_JOBS:-2}
LAB_ARCH=${LAB_ARCH:-x86}
LAB_CROSS_COMPILE=${LAB_CROSS_COMPILE-aarch64-linux-gnu-}

# Per architecture: kbuild's ARCH and CROSS_COMPILE, the tiny kernel's
# image (make target and path in the build tree), the cache names' prefix
# and Debian's kernel package (with its dpkg architecture).
case "$LAB_ARCH" in
x86|x86_64|amd64)
	LAB_ARCH=x86
	lab_karch=x86_64
	lab_cross=
	lab_kimage=bzImage
	lab_kimage_path=arch/x86/boot/bzImage
	lab_kprefix=
	lab_debian_meta=linux-image-amd64
	;;
arm64|aarch64)
	LAB_ARCH=arm64
	lab_karch=arm64
	lab_cross=$LAB_CROSS_COMPILE
	lab_kimage=Image
	lab_kimage_path=arch/arm64/boot/Image
	lab_kprefix=arm64-
	lab_debian_meta=linux-image-arm64:arm64
	;;
*)
	echo "lab: LAB_ARCH=$LAB_ARCH: x86 or arm64" >&2
	return 2 2>/dev/null || exit 2
	;;
esac

lab_msg()
{
	echo "lab: $*" >&2
}

# Serialize updates of one cache entry between lab runs started in parallel.
lab_lock()
{
	mkdir -p "$LAB_CACHE"
	exec 9>"$LAB_CACHE/.lock-$1"
	flock 9
}

lab_unlock()
{
	exec 9>&-
}

lab_ksrc_version()
{
	dpkg-query -W -f='${Version}' "$LAB_KSRC_PKG" 2>/dev/null || echo unknown
}

# Extract the source tarball once per package version; print the tree.
lab_ksrc()
{
	local dir

	dir=$LAB_CACHE/src/$(lab_ksrc_version)
	if [ ! -f "$dir/.extracted" ]; then
		[ -f "$LAB_KSRC_TAR" ] ||
			{ lab_msg "$LAB_KSRC_TAR missing (apt-get install $LAB_KSRC_PKG)"; return 1; }
		lab_msg "extracting $LAB_KSRC_TAR"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" -xJf "$LAB_KSRC_TAR" || return 1
		touch "$dir/.extracted"
	fi
	echo "$dir"/linux-source-*
}

# The tree lab_ksrc extracted, if it has: no extracting here.
lab_ksrc_cached()
{
	local dir

	dir=$LAB_CACHE/src/$(lab_ksrc_version)
	[ -f "$dir/.extracted" ] || return 1
	echo "$dir"/linux-source-*
}

# The inputs of kvmconfig: the script and the fragments it merges (the
# .config files and the kvmconfig lines of the sources).
lab_config_hash()
{
	{
		cat "$LAB_TREE/scripts/kvmconfig"
		"$LAB_TREE/scripts/kvmconfig" --fragments --arch "$lab_karch"
	} | sha256sum | cut -c1-12
}

# The tiny guest kernel.  Its images are kept per configuration, in
# tiny-[arm64-]VERSION-HASH with HASH of the .config that kvmconfig
# produced, so a change to kvmconfig or its fragments that leaves the
# configuration alone costs one kvmconfig run, not a kernel build.  The build itself happens in
# one persistent tree per source version, so a changed configuration
# rebuilds only what it touches.  tiny-inputs/ remembers which images the
# current inputs gave, so that unchanged inputs cost nothing at all.
lab_kernel_tiny()
{
	# A kernel of one's own: a directory with bzImage (arm64: Image) and
	# vmlinux.
	if [ -n "$LAB_TINY" ]; then
		echo "$LAB_TINY"
		return 0
	fi
	lab_tiny_build tiny "" "$1" : "$lab_kimage_path" vmlinux
}

# The tiny kernel with debug information (reduced: functions and line
# tables), for the symbolized dumps of lkvm debug.  Its own build tree,
# so that the plain tiny kernel's incremental builds are left alone.
lab_kernel_tiny_dwarf()
{
	lab_tiny_build tiny-dwarf dwarf- "" lab_config_dwarf vmlinux
}

# lab_config_dwarf SRC BUILD: the tiny .config in BUILD, with DWARF.
lab_config_dwarf()
{
	"$1/scripts/config" --file "$2/.config" --enable DEBUG_KERNEL \
		--disable DEBUG_INFO_NONE --enable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
		--enable DEBUG_INFO_REDUCED &&
		make -s -C "$1" O="$2" ARCH="$lab_karch" olddefconfig >&2
}

# lab_tiny_build NAME TAG REBUILD CONFIGURE FILE...: the kernel NAME
# (tiny or a variant of it), configured by kvmconfig --tiny and then
# CONFIGURE SRC BUILD, built and its FILEs (paths in the build tree)
# copied to NAME-[arm64-]VERSION-HASH with the .config; tiny-inputs/
# TAG[arm64-]VERSION-INPUTS remembers it.  REBUILD forces the build.
# Prints the directory.
lab_tiny_build()
{
	local name=$1 tag=$2 rebuild=$3 configure=$4 src ver key build cfg out f

	shift 4
	lab_lock "$lab_kprefix$name"
	src=$(lab_ksrc) || { lab_unlock; return 1; }
	ver=$lab_kprefix$(lab_ksrc_version)
	key=$LAB_CACHE/tiny-inputs/$tag$ver-$(lab_config_hash)
	if [ -z "$rebuild" ] && out=$(cat "$key" 2>/dev/null) && [ -f "$out/.built" ]; then
		lab_unlock
		echo "$out"
		return 0
	fi

	build=$LAB_CACHE/$name-build-$ver
	mkdir -p "$build"
	# kvmconfig keeps an existing .config: start from tinyconfig each time,
	# so that the result depends on the inputs only.
	rm -f "$build/.config"
	if ! CROSS_COMPILE=$lab_cross \
	     "$LAB_TREE/scripts/kvmconfig" --tiny --arch "$lab_karch" -O "$build" "$src" >&2 ||
	   ! "$configure" "$src" "$build"; then
		lab_msg "cannot configure the $name guest kernel"
		lab_unlock
		return 1
	fi
	cfg=$(grep -v '^#' "$build/.config" | sha256sum | cut -c1-12)
	out=$LAB_CACHE/$name-$ver-$cfg
	if [ -n "$rebuild" ] || [ ! -f "$out/.built" ]; then
		lab_msg "building the $name guest kernel in $build (-j$LAB_JOBS, minutes)"
		rm -rf "$out"
		mkdir -p "$out"
		if ! nice -n 19 make -s -C "$src" O="$build" ARCH="$lab_karch" \
				CROSS_COMPILE="$lab_cross" -j"$LAB_JOBS" \
				"${@##*/}" >"$out/build.log" 2>&1; then
			tail -n 30 "$out/build.log" >&2
			lab_msg "$name kernel build failed, log: $out/build.log"
			lab_unlock
			return 1
		fi
		for f in "$@"; do
			cp "$build/$f" "$out/${f##*/}"
		done
		cp "$build/.config" "$out/config"
		touch "$out/.built"
	fi
	mkdir -p "$(dirname "$key")"
	echo "$out" >"$key"
	lab_unlock
	echo "$out"
}

# The versioned package linux-image-amd64 points at, e.g.
# linux-image-6.1.0-56-amd64 (arm64: linux-image-6.1.0-56-arm64:arm64).
lab_debian_pkg()
{
	apt-cache depends "$lab_debian_meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1
}

# Fetch and unpack Debian's stock kernel; modules are decompressed so that
# busybox insmod can load them.
lab_kernel_debian()
{
	local pkg out deb

	pkg=$(lab_debian_pkg)
	[ -n "$pkg" ] || { lab_msg "cannot resolve $lab_debian_meta (apt-get update?)"; return 1; }
	out=$LAB_CACHE/${pkg%:*}
	lab_lock "${lab_kprefix}debian"
	if [ ! -f "$out/.unpacked" ]; then
		lab_msg "fetching $pkg"
		rm -rf "$out"
		mkdir -p "$out/deb"
		if ! (cd "$out/deb" && apt-get download -qq "$pkg" >&2) ||
		   ! deb=$(ls "$out"/deb/*.deb) || ! dpkg -x "$deb" "$out/root"; then
			lab_msg "could not fetch $pkg"
			lab_unlock
			return 1
		fi
		find "$out/root/lib/modules" -name '*.ko.xz' -exec xz -d {} +
		cp "$out"/root/boot/vmlinuz-* "$out/vmlinuz"
		cp "$out"/root/boot/config-* "$out/config"
		ln -s root/lib "$out/lib"
		rm -rf "$out/deb"
		touch "$out/.unpacked"
	fi
	lab_unlock
	echo "$out"
}

# The static busybox of the guests and L1: the host's on x86, Debian's
# busybox-static:arm64 (fetched and unpacked once per version) on arm64;
# LAB_BUSYBOX=FILE uses FILE.  Prints its path.
lab_busybox()
{
	local ver out deb

	if [ -n "$LAB_BUSYBOX" ] || [ "$LAB_ARCH" = x86 ]; then
		echo "${LAB_BUSYBOX:-/bin/busybox}"
		return 0
	fi
	ver=$(apt-cache policy busybox-static:arm64 2>/dev/null |
		sed -n 's/^ *Candidate: \(.*\)$/\1/p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		{ lab_msg "cannot resolve busybox-static:arm64 (dpkg --add-architecture arm64; apt-get update)"; return 1; }
	out=$LAB_CACHE/busybox-static-arm64-${ver//[:\/]/_}
	lab_lock arm64-busybox
	if [ ! -f "$out/.unpacked" ]; then
		lab_msg "fetching busybox-static:arm64 $ver"
		rm -rf "$out"
		mkdir -p "$out/deb"
		if ! (cd "$out/deb" && apt-get download -qq "busybox-static:arm64=$ver" >&2) ||
		   ! deb=$(ls "$out"/deb/*.deb) || ! dpkg -x "$deb" "$out/root" ||
		   [ ! -x "$out/root/bin/busybox" ]; then
			lab_msg "could not fetch busybox-static:arm64"
			lab_unlock
			return 1
		fi
		rm -rf "$out/deb"
		touch "$out/.unpacked"
	fi
	lab_unlock
	echo "$out/root/bin/busybox"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -e
	case "$1" in
	tiny)	lab_kernel_tiny "$([ "$2" = --rebuild ] && echo 1)" ;;
	tiny-dwarf) lab_kernel_tiny_dwarf ;;
	debian)	lab_kernel_debian ;;
	busybox) lab_busybox ;;
	*)	echo "usage: [LAB_ARCH=x86|arm64] $0 tiny [--rebuild] | tiny-dwarf | debian | busybox" >&2
		exit 2 ;;
	esac
fi
