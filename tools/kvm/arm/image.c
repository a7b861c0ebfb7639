// SPDX-License-Identifier: GPL-2.0
/*
 * Booting an arm64 Image (the kernel's Documentation/arch/arm64/booting.rst):
 * a 64-byte header with the "ARM\x64" magic at offset 56, text_offset
 * and image_size (which counts the BSS), and flags whose bit 0 says the
 * kernel is big-endian.  The Image goes text_offset bytes above a 2 MiB
 * aligned base (the start of RAM), the device tree into a 2 MiB region
 * of its own at the top of RAM, the initrd right below it; the boot
 * vCPU enters the Image's first byte with x0 = the DTB's address.
 *
 * A gzip-compressed Image (Image.gz) is decompressed first when lkvm
 * has zlib.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/arm.h"
#include "kvm/kvm.h"

#ifdef CONFIG_HAS_ZLIB
#include <zlib.h>
#endif

#define IMAGE_HDR_SIZE		64
#define IMAGE_TEXT_OFFSET	8
#define IMAGE_SIZE		16
#define IMAGE_FLAGS		24
#define IMAGE_MAGIC_OFFSET	56
#define IMAGE_MAGIC		0x644d5241	/* "ARM\x64" */
#define IMAGE_FLAG_BE		(1ULL << 0)
/* What a kernel before 3.17 (image_size 0) expects. */
#define IMAGE_OLD_TEXT_OFFSET	0x80000
#define IMAGE_MAX_SIZE		(512ULL << 20)

static u64 get_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static u32 get_le32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static bool is_gzip(const u8 *p, size_t size)
{
	return size >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

#ifdef CONFIG_HAS_ZLIB
/* Inflates the whole gzip file into a buffer of its own. */
static int gunzip_image(struct kvm *kvm, const void *in, size_t in_size)
{
	size_t cap = min_t(u64, IMAGE_MAX_SIZE, in_size * 4);
	z_stream zs = { 0 };
	u8 *out = NULL;
	int ret;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error("zlib: cannot start decompressing");
	zs.next_in = (void *)in;
	zs.avail_in = in_size;
	for (;;) {
		out = xrealloc(out, cap);
		zs.next_out = out + zs.total_out;
		zs.avail_out = cap - zs.total_out;
		ret = inflate(&zs, Z_FINISH);
		if ((ret != Z_OK && ret != Z_BUF_ERROR) || zs.avail_out ||
		    cap >= IMAGE_MAX_SIZE)
			break;
		/* Out of room: grow the buffer and go on. */
		cap = min_t(u64, IMAGE_MAX_SIZE, cap * 2);
	}
	inflateEnd(&zs);
	if (ret != Z_STREAM_END) {
		free(out);
		if (ret == Z_BUF_ERROR && !zs.avail_out)
			return error("the kernel %s decompresses to more than %llu MiB",
				     kvm->cfg.kernel_filename, IMAGE_MAX_SIZE >> 20);
		return error("the kernel %s is gzip-compressed but does not decompress: %s",
			     kvm->cfg.kernel_filename,
			     zs.msg ? zs.msg : "truncated or corrupt");
	}
	kvm->arch.image_buf = out;
	kvm->arch.image = out;
	kvm->arch.image_file_size = zs.total_out;
	return 0;
}
#else
static int gunzip_image(struct kvm *kvm, const void *in, size_t in_size)
{
	return error("the kernel %s is gzip-compressed, but this lkvm was built without zlib (install zlib1g-dev and rebuild, or gunzip the kernel)",
		     kvm->cfg.kernel_filename);
}
#endif

static int check_header(struct kvm *kvm)
{
	const char *path = kvm->cfg.kernel_filename;
	const u8 *hdr = kvm->arch.image;
	size_t size = kvm->arch.image_file_size;
	u64 flags;

	if (size < IMAGE_HDR_SIZE)
		return error("the kernel %s is too short for an arm64 Image (%zu bytes)",
			     path, size);
	if (!memcmp(hdr, "\177ELF", 4))
		return error("the kernel %s is an ELF file (a vmlinux?): lkvm boots the arm64 Image (arch/arm64/boot/Image or Image.gz)",
			     path);
	if (get_le32(hdr + IMAGE_MAGIC_OFFSET) != IMAGE_MAGIC)
		return error("the kernel %s is not an arm64 Image: no \"ARM\\x64\" magic at offset %d",
			     path, IMAGE_MAGIC_OFFSET);

	flags = get_le64(hdr + IMAGE_FLAGS);
	kvm->arch.text_offset = get_le64(hdr + IMAGE_TEXT_OFFSET);
	kvm->arch.image_size = get_le64(hdr + IMAGE_SIZE);
	if (!kvm->arch.image_size) {
		/* Before 3.17: the old fixed offset, and no BSS size known. */
		kvm->arch.text_offset = IMAGE_OLD_TEXT_OFFSET;
		kvm->arch.image_size = size;
		flags = 0;
	}
	if (flags & IMAGE_FLAG_BE)
		return error("the kernel %s is a big-endian arm64 kernel: lkvm boots little-endian kernels only",
			     path);
	if (kvm->arch.text_offset % SZ_4K ||
	    kvm->arch.text_offset >= ARM_KERNEL_ALIGN)
		return error("the kernel %s has a bad text_offset 0x%llx",
			     path, (unsigned long long)kvm->arch.text_offset);
	if (kvm->arch.image_size < size || kvm->arch.image_size > IMAGE_MAX_SIZE)
		return error("the kernel %s has a bad image_size 0x%llx (the file is %zu bytes)",
			     path, (unsigned long long)kvm->arch.image_size, size);
	return 0;
}

int arm_image__probe(struct kvm *kvm)
{
	kvm->arch.image = kvm->kernel_image;
	kvm->arch.image_file_size = kvm->kernel_size;
	if (is_gzip(kvm->kernel_image, kvm->kernel_size) &&
	    gunzip_image(kvm, kvm->kernel_image, kvm->kernel_size) < 0)
		return -1;
	if (check_header(kvm) < 0)
		return -1;
	pr_debug("arm64 Image: text_offset 0x%llx, image_size 0x%llx%s",
		 (unsigned long long)kvm->arch.text_offset,
		 (unsigned long long)kvm->arch.image_size,
		 kvm->arch.image_buf ? ", decompressed" : "");
	return 0;
}

void arm_image__free(struct kvm *kvm)
{
	free(kvm->arch.image_buf);
	kvm->arch.image_buf = NULL;
	kvm->arch.image = NULL;
}

int arm_image__load(struct kvm *kvm)
{
	struct kvm_arch *arch = &kvm->arch;
	u64 ram_end = ARM_RAM_BASE + kvm->ram_size, kernel_end;
	bool dumped = false;
	void *dst, *fdt;
	int size;

	arch->kernel_addr = ARM_RAM_BASE + arch->text_offset;
	kernel_end = arch->kernel_addr + arch->image_size;
	arch->fdt_addr = round_down(ram_end - ARM_FDT_MAX_SIZE, (u64)SZ_2M);
	if (arch->fdt_addr < ARM_RAM_BASE || kernel_end > arch->fdt_addr)
		return error("the kernel %s (%llu MiB with its BSS) does not fit in %llu MiB of guest memory: give the guest more (-m)",
			     kvm->cfg.kernel_filename,
			     (unsigned long long)arch->image_size >> 20,
			     (unsigned long long)kvm->ram_size >> 20);

	dst = guest_range_to_host(kvm, arch->kernel_addr, arch->image_file_size);
	if (!dst)
		return error("no guest RAM for the kernel");
	memcpy(dst, arch->image, arch->image_file_size);
	arm_image__free(kvm);

	if (kvm__load_initrd(kvm, round_up(kernel_end, (u64)SZ_4K), arch->fdt_addr,
			      &arch->initrd_addr, &arch->initrd_size) < 0)
		return -1;

	fdt = guest_range_to_host(kvm, arch->fdt_addr, ARM_FDT_MAX_SIZE);
	if (!fdt)
		return error("no guest RAM for the device tree");
	size = arm_fdt__build(kvm, fdt, ARM_FDT_MAX_SIZE);
	if (size < 0)
		return -1;
	if (arm_fdt__dump(kvm, fdt, &dumped) < 0)
		return -1;
	if (dumped)
		kvm__request_exit(kvm, 0);
	pr_debug("arm64: kernel at 0x%llx, DTB (%d bytes) at 0x%llx, initrd at 0x%llx (%llu bytes)",
		 (unsigned long long)arch->kernel_addr, size,
		 (unsigned long long)arch->fdt_addr,
		 (unsigned long long)arch->initrd_addr,
		 (unsigned long long)arch->initrd_size);
	return 0;
}
