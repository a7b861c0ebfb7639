// SPDX-License-Identifier: GPL-2.0
/*
 * Booting x86 kernels without a BIOS.  A bzImage is entered through the
 * Linux boot protocol (Documentation/x86/boot.rst): lkvm fills in
 * boot_params itself and jumps to the protected-mode kernel's 64-bit (or
 * 32-bit) entry.  An ELF vmlinux is entered through PVH (x86/pvh.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/boot.h"
#include "kvm/kvm.h"
#include "kvm/virtio-mmio.h"

#define BZ_HDR_OFFSET		0x1f1
#define BZ_HDR_MAGIC		0x53726448	/* "HdrS" */
#define BZ_MIN_VERSION		0x0206		/* cmdline_size, 32-bit entry */
#define BZ_VERSION_64BIT	0x020c		/* xloadflags: 64-bit entry */
#define BZ_VERSION_INIT_SIZE	0x020a		/* pref_address, init_size */
#define BZ_LOADER_UNDEFINED	0xff
#define BZ_ENTRY64_OFFSET	0x200

u64 boot_lowmem_size(struct kvm *kvm)
{
	return min_t(u64, kvm->cfg.ram_size, KVM_32BIT_GAP_START);
}

int boot_write_cmdline(struct kvm *kvm, u64 max_len)
{
	const char *cmdline = kvm->cmdline ? kvm->cmdline : "";
	size_t len = strlen(cmdline);
	char *dst;

	max_len = min_t(u64, max_len, BOOT_CMDLINE_MAX - 1);
	if (len > max_len)
		return error("the kernel command line is %zu bytes, this kernel takes at most %llu",
			     len, (unsigned long long)max_len);
	dst = guest_range_to_host(kvm, BOOT_CMDLINE_ADDR, len + 1);
	if (!dst)
		return error("no guest RAM for the command line");
	memcpy(dst, cmdline, len + 1);
	pr_debug("kernel command line: %s", cmdline);
	return 0;
}

/* The initrd below @max_end, and below 4 GiB's PCI hole. */
int boot_load_initrd(struct kvm *kvm, u64 min_addr, u64 max_end,
		     u64 *addr, u64 *size)
{
	return kvm__load_initrd(kvm, min_addr,
				min(max_end, boot_lowmem_size(kvm)), addr, size);
}

/* A flat GDT: 0x10 code (64-bit or 32-bit), 0x18 data, as the boot protocol wants. */
void boot_write_gdt(struct kvm *kvm, bool long_mode)
{
	u64 *gdt = guest_flat_to_host(kvm, BOOT_GDT_ADDR);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = long_mode ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL;
	gdt[3] = 0x00cf93000000ffffULL;
}

/* Identity map of the low 4 GiB in 2 MiB pages, for the 64-bit entry. */
void boot_write_page_tables(struct kvm *kvm)
{
	u64 *pml4 = guest_flat_to_host(kvm, BOOT_PML4_ADDR);
	u64 *pdpt = guest_flat_to_host(kvm, BOOT_PDPT_ADDR);
	u64 *pd = guest_flat_to_host(kvm, BOOT_PD_ADDR);
	int i;

	memset(pml4, 0, SZ_4K);
	memset(pdpt, 0, SZ_4K);
	pml4[0] = BOOT_PDPT_ADDR | 0x3;			/* present, writable */
	for (i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PD_ADDR + i * SZ_4K) | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((u64)i << 21) | 0x83;		/* present, writable, 2M */
}

static const struct setup_header *bz_header(const void *image)
{
	return (const struct setup_header *)((const u8 *)image + BZ_HDR_OFFSET);
}

bool bzimage_detect(const void *image, size_t size)
{
	const struct setup_header *hdr = bz_header(image);

	if (size < BZ_HDR_OFFSET + sizeof(*hdr))
		return false;
	return hdr->boot_flag == 0xaa55 && hdr->header == BZ_HDR_MAGIC;
}

static u64 bz_setup_size(const struct setup_header *hdr)
{
	return ((hdr->setup_sects ? hdr->setup_sects : 4) + 1) * 512ULL;
}

static bool bz_has_64bit_entry(const struct setup_header *hdr)
{
	return hdr->version >= BZ_VERSION_64BIT &&
	       (hdr->xloadflags & XLF_KERNEL_64);
}

/*
 * Memory the kernel needs from its load address while it decompresses
 * itself; a relocatable kernel first moves up to its preferred address.
 */
static u64 bz_kernel_end(const struct setup_header *hdr, u64 kernel_size)
{
	u64 start = BOOT_KERNEL_ADDR, need = kernel_size;

	if (hdr->version >= BZ_VERSION_INIT_SIZE) {
		need = max_t(u64, need, hdr->init_size);
		if (hdr->pref_address > start)
			start = hdr->pref_address;
	}
	return start + need;
}

static u32 bz_cmdline_max(const struct setup_header *hdr)
{
	return hdr->cmdline_size ? hdr->cmdline_size : 255;
}

int bzimage_probe(struct kvm *kvm)
{
	const struct setup_header *hdr = bz_header(kvm->kernel_image);
	const char *path = kvm->cfg.kernel_filename;
	u64 setup_size = bz_setup_size(hdr), end;

	if (hdr->version < BZ_MIN_VERSION)
		return error("%s uses boot protocol %u.%02u; lkvm needs %u.%02u or newer (Linux 2.6.22+)",
			     path, hdr->version >> 8, hdr->version & 0xff,
			     BZ_MIN_VERSION >> 8, BZ_MIN_VERSION & 0xff);
	if (!(hdr->loadflags & LOADED_HIGH))
		return error("%s is a zImage (loaded low); lkvm boots bzImages only",
			     path);
	if (setup_size >= kvm->kernel_size)
		return error("%s is truncated: its setup code claims %llu bytes of %zu",
			     path, (unsigned long long)setup_size, kvm->kernel_size);

	/* Devices may add to it later; loading checks again. */
	if (kvm->cmdline && strlen(kvm->cmdline) > bz_cmdline_max(hdr))
		return error("the kernel command line is %zu bytes, %s takes at most %u",
			     strlen(kvm->cmdline), path, bz_cmdline_max(hdr));

	end = bz_kernel_end(hdr, kvm->kernel_size - setup_size);
	if (end > boot_lowmem_size(kvm))
		return error("%s needs %llu MiB of guest memory to decompress, the guest has %llu MiB (-m)",
			     path, (unsigned long long)(end + SZ_1M - 1) >> 20,
			     (unsigned long long)kvm->cfg.ram_size >> 20);
	return 0;
}

static void bz_fill_e820(struct kvm *kvm, struct boot_params *bp)
{
	struct x86_e820_entry map[X86_E820_MAX];
	int i, n = x86_e820_map(kvm, map, ARRAY_SIZE(map));

	for (i = 0; i < n; i++) {
		bp->e820_table[i].addr = map[i].addr;
		bp->e820_table[i].size = map[i].size;
		bp->e820_table[i].type = map[i].type;
	}
	bp->e820_entries = n;
}

int bzimage_load(struct kvm *kvm)
{
	const struct setup_header *hdr = bz_header(kvm->kernel_image);
	u64 setup_size = bz_setup_size(hdr);
	u64 kernel_size = kvm->kernel_size - setup_size;
	u64 hdr_len, initrd_addr, initrd_size, initrd_max;
	struct kvm_arch *arch = &kvm->arch;
	struct boot_params *bp;
	void *dst;

	dst = guest_range_to_host(kvm, BOOT_KERNEL_ADDR, kernel_size);
	if (!dst)
		return error("the kernel does not fit in guest memory");
	memcpy(dst, (u8 *)kvm->kernel_image + setup_size, kernel_size);

	bp = guest_flat_to_host(kvm, BOOT_PARAMS_ADDR);
	memset(bp, 0, sizeof(*bp));
	/* The header runs up to the end of its 2-byte jump's target. */
	hdr_len = 0x202 + ((const u8 *)kvm->kernel_image)[0x201] - BZ_HDR_OFFSET;
	memcpy(&bp->hdr, hdr, min_t(u64, hdr_len, sizeof(bp->hdr)));

	bp->hdr.type_of_loader = BZ_LOADER_UNDEFINED;
	bp->hdr.vid_mode = 0xffff;		/* "normal": no mode switch */
	bp->hdr.loadflags &= ~CAN_USE_HEAP;	/* no real-mode setup runs */
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE_ADDR;
	bp->hdr.hardware_subarch = 0;		/* a PC */
	if (boot_write_cmdline(kvm, bz_cmdline_max(hdr)) < 0)
		return -1;

	initrd_max = (u64)hdr->initrd_addr_max + 1;
	if (boot_load_initrd(kvm, bz_kernel_end(hdr, kernel_size), initrd_max,
			     &initrd_addr, &initrd_size) < 0)
		return -1;
	bp->hdr.ramdisk_image = initrd_addr;
	bp->hdr.ramdisk_size = initrd_size;

	bz_fill_e820(kvm, bp);

	arch->boot_info = BOOT_PARAMS_ADDR;
	arch->boot_sp = BOOT_STACK_TOP;
	arch->boot_pvh = false;
	arch->boot_64bit = bz_has_64bit_entry(hdr);
	if (arch->boot_64bit) {
		arch->boot_ip = BOOT_KERNEL_ADDR + BZ_ENTRY64_OFFSET;
		boot_write_page_tables(kvm);
	} else {
		arch->boot_ip = BOOT_KERNEL_ADDR;
	}
	boot_write_gdt(kvm, arch->boot_64bit);
	pr_info("booting a bzImage (boot protocol %u.%02u, %s entry)",
		hdr->version >> 8, hdr->version & 0xff,
		arch->boot_64bit ? "64-bit" : "32-bit");
	return 0;
}

int kvm__arch_probe_kernel(struct kvm *kvm)
{
	if (bzimage_detect(kvm->kernel_image, kvm->kernel_size))
		return bzimage_probe(kvm);
	if (pvh_detect(kvm->kernel_image, kvm->kernel_size))
		return pvh_probe(kvm);
	return error("%s is neither a bzImage nor an ELF vmlinux: lkvm cannot boot it",
		     kvm->cfg.kernel_filename);
}

/*
 * x86 has no firmware table for virtio-mmio devices: each one is a
 * virtio_mmio.device=SIZE@ADDR:IRQ kernel parameter.
 */
void boot_add_virtio_mmio_cmdline(struct kvm *kvm)
{
	u64 addr, size;
	char *arg;
	int i, irq;

	for (i = 0; virtio_mmio__device_info(i, &addr, &size, &irq); i++) {
		arg = xasprintf("virtio_mmio.device=0x%llx@0x%llx:%d",
				(unsigned long long)size,
				(unsigned long long)addr, irq);
		kvm__append_cmdline(kvm, arg);
		free(arg);
	}
}

int kvm__arch_load_kernel(struct kvm *kvm)
{
	boot_add_virtio_mmio_cmdline(kvm);
	if (bzimage_detect(kvm->kernel_image, kvm->kernel_size))
		return bzimage_load(kvm);
	return pvh_load(kvm);
}
