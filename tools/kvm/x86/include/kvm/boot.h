/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__X86_BOOT_H
#define KVM__X86_BOOT_H

#include <linux/compiler.h>
#include <linux/types.h>

struct kvm;

/* e820 memory types, as the boot protocol and PVH's memmap use them. */
#define E820_RAM	1
#define E820_RESERVED	2

struct x86_e820_entry {
	u64 addr;
	u64 size;
	u32 type;
};

#define X86_E820_MAX	8

/* The guest's e820 map (x86/kvm.c); returns the number of entries. */
int x86_e820_map(struct kvm *kvm, struct x86_e820_entry *map, int max);

/*
 * PVH boot ABI (Xen's "HVM direct boot" start of day, version 1): the
 * kernel is entered in 32-bit protected mode with %ebx pointing at this.
 */
#define PVH_START_MAGIC		0x336ec578
#define PVH_ELFNOTE_PHYS32_ENTRY 18	/* XEN_ELFNOTE_PHYS32_ENTRY */

struct pvh_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;
	u32 memmap_entries;
	u32 reserved;
} __packed;

struct pvh_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
} __packed;

struct pvh_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
} __packed;

/* Loaders: probe checks the file (no VM yet), load puts it in guest RAM. */
bool bzimage_detect(const void *image, size_t size);
int bzimage_probe(struct kvm *kvm);
int bzimage_load(struct kvm *kvm);
bool pvh_detect(const void *image, size_t size);
int pvh_probe(struct kvm *kvm);
int pvh_load(struct kvm *kvm);

/* Shared by the loaders (x86/boot.c). */
u64 boot_lowmem_size(struct kvm *kvm);
int boot_write_cmdline(struct kvm *kvm, u64 max_len);
int boot_load_initrd(struct kvm *kvm, u64 min_addr, u64 max_end,
		     u64 *addr, u64 *size);
void boot_write_gdt(struct kvm *kvm, bool long_mode);
/* The virtio_mmio.device= parameters of the virtio-mmio devices. */
void boot_add_virtio_mmio_cmdline(struct kvm *kvm);
void boot_write_page_tables(struct kvm *kvm);

#endif /* KVM__X86_BOOT_H */
