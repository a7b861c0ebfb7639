// SPDX-License-Identifier: GPL-2.0
/*
 * Booting an uncompressed ELF vmlinux through its PVH entry point: the
 * physical address in the "Xen" note of type XEN_ELFNOTE_PHYS32_ENTRY.
 * The kernel's PT_LOAD segments go to their physical addresses and it is
 * entered in flat 32-bit protected mode, paging off, %ebx pointing at an
 * hvm_start_info that gives the command line, the initrd and the memory
 * map.
 *
 * kvmconfig: CONFIG_PVH=y
 */
#include <string.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/boot.h"
#include "kvm/kvm.h"

bool pvh_detect(const void *image, size_t size)
{
	return size >= 4 && !memcmp(image, "\177ELF", 4);
}

#ifdef CONFIG_HAS_LIBELF
#include <gelf.h>
#include <libelf.h>

struct pvh_image {
	Elf *elf;
	u64 entry;
	u64 kernel_end;		/* highest physical byte loaded, plus one */
};

static int pvh_find_entry_note(struct kvm *kvm, Elf *elf, GElf_Phdr *phdr,
			       u64 *entry)
{
	size_t off = 0, name_off, desc_off;
	Elf_Data *data;
	GElf_Nhdr nhdr;
	const u8 *desc;

	data = elf_getdata_rawchunk(elf, phdr->p_offset, phdr->p_filesz,
				    ELF_T_NHDR);
	if (!data)
		return 0;

	while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
		if (nhdr.n_type != PVH_ELFNOTE_PHYS32_ENTRY ||
		    nhdr.n_namesz != 4 ||
		    memcmp((const char *)data->d_buf + name_off, "Xen", 4))
			continue;
		desc = (const u8 *)data->d_buf + desc_off;
		if (nhdr.n_descsz == 4) {
			u32 v;

			memcpy(&v, desc, 4);
			*entry = v;
		} else if (nhdr.n_descsz == 8) {
			memcpy(entry, desc, 8);
		} else {
			return error("%s: malformed PVH entry note (%u bytes)",
				     kvm->cfg.kernel_filename, nhdr.n_descsz);
		}
		return 1;
	}
	return 0;
}

/* Checks the whole file, so that loading cannot fail half-way. */
static int pvh_parse(struct kvm *kvm, struct pvh_image *img)
{
	const char *path = kvm->cfg.kernel_filename;
	u64 lowmem = boot_lowmem_size(kvm);
	size_t i, phnum;
	GElf_Ehdr ehdr;
	GElf_Phdr phdr;
	int found = 0;

	memset(img, 0, sizeof(*img));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return error("libelf: %s", elf_errmsg(-1));
	img->elf = elf_memory(kvm->kernel_image, kvm->kernel_size);
	if (!img->elf || elf_kind(img->elf) != ELF_K_ELF || !gelf_getehdr(img->elf, &ehdr))
		return error("%s: not a valid ELF file", path);
	if (ehdr.e_machine != EM_X86_64 && ehdr.e_machine != EM_386)
		return error("%s: an ELF file for another architecture (e_machine %u)",
			     path, ehdr.e_machine);
	if (elf_getphdrnum(img->elf, &phnum) < 0 || !phnum)
		return error("%s: ELF file without program headers", path);

	for (i = 0; i < phnum && !found; i++) {
		if (!gelf_getphdr(img->elf, i, &phdr))
			return error("%s: bad program header %zu", path, i);
		if (phdr.p_type == PT_NOTE)
			found = pvh_find_entry_note(kvm, img->elf, &phdr, &img->entry);
	}
	if (found < 0)
		return -1;
	if (!found)
		return error("%s: an ELF file without a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): build the kernel with CONFIG_PVH=y, or boot its bzImage",
			     path);

	for (i = 0; i < phnum; i++) {
		gelf_getphdr(img->elf, i, &phdr);
		if (phdr.p_type != PT_LOAD || !phdr.p_memsz)
			continue;
		if (phdr.p_filesz > phdr.p_memsz ||
		    phdr.p_offset > kvm->kernel_size ||
		    phdr.p_filesz > kvm->kernel_size - phdr.p_offset)
			return error("%s: segment %zu lies outside the file", path, i);
		if (phdr.p_paddr < BOOT_KERNEL_ADDR || phdr.p_paddr > lowmem ||
		    phdr.p_memsz > lowmem - phdr.p_paddr)
			return error("%s: segment %zu [0x%llx+0x%llx] does not fit in guest memory (%llu MiB, -m)",
				     path, i, (unsigned long long)phdr.p_paddr,
				     (unsigned long long)phdr.p_memsz,
				     (unsigned long long)kvm->cfg.ram_size >> 20);
		img->kernel_end = max_t(u64, img->kernel_end,
					 phdr.p_paddr + phdr.p_memsz);
	}

	if (!img->kernel_end)
		return error("%s: no loadable segment", path);
	if (img->entry < BOOT_KERNEL_ADDR || img->entry >= img->kernel_end)
		return error("%s: the PVH entry 0x%llx is outside the kernel",
			     path, (unsigned long long)img->entry);
	return 0;
}

int pvh_probe(struct kvm *kvm)
{
	struct pvh_image img;
	int ret = pvh_parse(kvm, &img);

	if (img.elf)
		elf_end(img.elf);
	return ret;
}

static int pvh_load_segments(struct kvm *kvm, Elf *elf)
{
	size_t i, phnum;
	GElf_Phdr phdr;
	u8 *dst;

	elf_getphdrnum(elf, &phnum);
	for (i = 0; i < phnum; i++) {
		gelf_getphdr(elf, i, &phdr);
		if (phdr.p_type != PT_LOAD || !phdr.p_memsz)
			continue;
		dst = guest_range_to_host(kvm, phdr.p_paddr, phdr.p_memsz);
		if (!dst)
			return error("no guest RAM for kernel segment %zu", i);
		memcpy(dst, (u8 *)kvm->kernel_image + phdr.p_offset, phdr.p_filesz);
		memset(dst + phdr.p_filesz, 0, phdr.p_memsz - phdr.p_filesz);
	}
	return 0;
}

static void pvh_write_start_info(struct kvm *kvm, u64 initrd_addr,
				 u64 initrd_size)
{
	struct x86_e820_entry map[X86_E820_MAX];
	struct pvh_start_info *si;
	struct pvh_modlist_entry *mod;
	struct pvh_memmap_entry *mm;
	u64 mod_addr = BOOT_PVH_INFO_ADDR + 0x40;
	u64 mm_addr = BOOT_PVH_INFO_ADDR + 0x80;
	int i, n = x86_e820_map(kvm, map, ARRAY_SIZE(map));

	BUILD_BUG_ON(sizeof(*si) > 0x40 || sizeof(*mod) > 0x40);

	si = guest_flat_to_host(kvm, BOOT_PVH_INFO_ADDR);
	mod = guest_flat_to_host(kvm, mod_addr);
	mm = guest_flat_to_host(kvm, mm_addr);
	memset(si, 0, SZ_4K);

	si->magic = PVH_START_MAGIC;
	si->version = 1;
	si->cmdline_paddr = BOOT_CMDLINE_ADDR;
	if (initrd_size) {
		mod->paddr = initrd_addr;
		mod->size = initrd_size;
		si->nr_modules = 1;
		si->modlist_paddr = mod_addr;
	}
	for (i = 0; i < n; i++) {
		mm[i].addr = map[i].addr;
		mm[i].size = map[i].size;
		mm[i].type = map[i].type;
	}
	si->memmap_paddr = mm_addr;
	si->memmap_entries = n;
}

int pvh_load(struct kvm *kvm)
{
	struct kvm_arch *arch = &kvm->arch;
	u64 initrd_addr, initrd_size;
	struct pvh_image img;
	int ret;

	ret = pvh_parse(kvm, &img);
	if (!ret)
		ret = pvh_load_segments(kvm, img.elf);
	if (img.elf)
		elf_end(img.elf);
	if (ret)
		return ret;

	if (boot_write_cmdline(kvm, BOOT_CMDLINE_MAX - 1) < 0)
		return -1;
	if (boot_load_initrd(kvm, round_up(img.kernel_end, (u64)SZ_4K),
			     KVM_32BIT_GAP_START, &initrd_addr, &initrd_size) < 0)
		return -1;
	pvh_write_start_info(kvm, initrd_addr, initrd_size);
	boot_write_gdt(kvm, false);

	arch->boot_pvh = true;
	arch->boot_64bit = false;
	arch->boot_ip = img.entry;
	arch->boot_sp = BOOT_STACK_TOP;
	arch->boot_info = BOOT_PVH_INFO_ADDR;
	pr_info("booting an ELF vmlinux through its PVH entry (0x%llx)",
		(unsigned long long)img.entry);
	return 0;
}

#else /* !CONFIG_HAS_LIBELF */

int pvh_probe(struct kvm *kvm)
{
	return error("%s is an ELF file, but this lkvm was built without libelf: boot a bzImage, or rebuild with libelf-dev installed",
		     kvm->cfg.kernel_filename);
}

int pvh_load(struct kvm *kvm)
{
	return pvh_probe(kvm);
}

#endif
