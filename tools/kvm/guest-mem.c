// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory: the host mapping behind guest RAM, the KVM memory slots,
 * and the translation of guest physical addresses.
 *
 * Memory banks are only ever added while the VM runs (never removed
 * before kvm__exit()), and a bank is fully initialised before it is
 * linked, so lookups walk the list without taking a lock: they sit on
 * every virtqueue access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/kvm.h"

#define HUGETLBFS_MAGIC_NUMBER	0x958458f6

static int hugetlbfs_open(const char *dir, u64 size)
{
	struct statfs sfs;
	char *path;
	int fd;

	if (statfs(dir, &sfs) < 0)
		return error("--hugetlbfs %s: %s", dir, strerror(errno));
	if ((unsigned long)sfs.f_type != HUGETLBFS_MAGIC_NUMBER)
		return error("--hugetlbfs %s: not a hugetlbfs mount", dir);
	if (size % sfs.f_bsize)
		return error("guest memory (%llu MiB) is not a multiple of the huge page size (%lu KiB)",
			     (unsigned long long)size >> 20,
			     (unsigned long)sfs.f_bsize >> 10);

	path = xasprintf("%s/lkvm-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		error("--hugetlbfs: cannot create a file in %s: %s", dir,
		      strerror(errno));
		free(path);
		return -1;
	}
	unlink(path);
	free(path);

	if (ftruncate(fd, size) < 0) {
		close(fd);
		return error("--hugetlbfs: cannot size the guest memory file: %s",
			     strerror(errno));
	}
	return fd;
}

/* The size of a transparent huge page: 2 MiB with 4 KiB pages. */
static u64 thp_size(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
	unsigned long long v = 0;

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v && !(v & (v - 1)) ? v : SZ_2M;
}

/*
 * Anonymous guest RAM at a host address aligned to a transparent huge
 * page.  KVM maps guest memory with huge pages only where the guest
 * physical and the host virtual address agree modulo the huge page size,
 * and mmap() only promises page alignment: unaligned, every guest page is
 * a 4 KiB mapping of its own in the EPT, NPT or stage 2 tables, with a
 * fault of its own on first touch and a TLB entry of its own after.
 * The alignment comes from an oversized PROT_NONE reservation, trimmed.
 */
static void *mmap_ram_aligned(u64 size)
{
	u64 align = thp_size(), head;
	u8 *p, *start;

	p = mmap(NULL, size + align, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return MAP_FAILED;
	start = (u8 *)ALIGN((unsigned long)p, align);
	if (mmap(start, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		munmap(p, size + align);
		return MAP_FAILED;
	}
	head = start - p;
	if (head)
		munmap(p, head);
	if (align - head)
		munmap(start + size, align - head);
	return start;
}

int kvm__alloc_ram(struct kvm *kvm, u64 map_size)
{
	void *p;

	kvm->ram_fd = -1;
	if (kvm->cfg.hugetlbfs_path) {
		kvm->ram_fd = hugetlbfs_open(kvm->cfg.hugetlbfs_path, map_size);
		if (kvm->ram_fd < 0)
			return -1;
		/* hugetlbfs places its mappings at its own page size. */
		p = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 kvm->ram_fd, 0);
	} else {
		p = mmap_ram_aligned(map_size);
	}
	if (p == MAP_FAILED) {
		error("cannot map %llu MiB of guest memory: %s",
		      (unsigned long long)map_size >> 20, strerror(errno));
		if (kvm->ram_fd >= 0)
			close(kvm->ram_fd);
		kvm->ram_fd = -1;
		return -1;
	}
	kvm->ram_start = p;
	kvm->ram_map_size = map_size;

	if (kvm->ram_fd >= 0)
		return 0;
	/* Merging is off by default: it costs CPU and leaks timing. */
	if (kvm->cfg.mergeable && madvise(p, map_size, MADV_MERGEABLE) < 0)
		warning("--mergeable: madvise(MADV_MERGEABLE): %s", strerror(errno));
	else if (!kvm->cfg.mergeable)
		madvise(p, map_size, MADV_HUGEPAGE);
	return 0;
}

void kvm__free_ram(struct kvm *kvm)
{
	struct kvm_mem_bank *bank, *tmp;

	list_for_each_entry_safe(bank, tmp, &kvm->mem_banks, list) {
		list_del(&bank->list);
		free(bank);
	}
	if (kvm->ram_start)
		munmap(kvm->ram_start, kvm->ram_map_size);
	if (kvm->ram_fd >= 0)
		close(kvm->ram_fd);
	kvm->ram_start = NULL;
	kvm->ram_fd = -1;
}

int kvm__register_mem(struct kvm *kvm, u64 guest_phys, u64 size,
		      void *userspace_addr, enum kvm_mem_type type)
{
	struct kvm_userspace_memory_region region;
	struct kvm_mem_bank *bank;
	int ret = 0;

	if (!size || guest_phys + size < guest_phys)
		return -EINVAL;

	bank = xzalloc(sizeof(*bank));
	bank->guest_phys_addr = guest_phys;
	bank->host_addr = userspace_addr;
	bank->size = size;
	bank->type = type;

	mutex_lock(&kvm->mem_banks_lock);
	bank->slot = kvm->mem_slots;

	if (!(type & KVM_MEM_TYPE_RESERVED) && kvm->vm_fd >= 0) {
		region = (struct kvm_userspace_memory_region) {
			.slot = bank->slot,
			.flags = (type & KVM_MEM_TYPE_READONLY) ?
				 KVM_MEM_READONLY : 0,
			.guest_phys_addr = guest_phys,
			.memory_size = size,
			.userspace_addr = (unsigned long)userspace_addr,
		};
		if (ioctl(kvm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
			ret = -errno;
			error("KVM_SET_USER_MEMORY_REGION [0x%llx-0x%llx]: %s",
			      (unsigned long long)guest_phys,
			      (unsigned long long)(guest_phys + size - 1),
			      strerror(errno));
			free(bank);
			goto out;
		}
		kvm->mem_slots++;
	}

	/*
	 * list_add_tail(), with the store that makes the bank reachable
	 * ordered after everything the lock-free readers will look at.
	 */
	bank->list.next = &kvm->mem_banks;
	bank->list.prev = kvm->mem_banks.prev;
	__atomic_store_n(&kvm->mem_banks.prev->next, &bank->list, __ATOMIC_RELEASE);
	kvm->mem_banks.prev = &bank->list;
out:
	mutex_unlock(&kvm->mem_banks_lock);
	return ret;
}

static struct kvm_mem_bank *find_ram_bank(struct kvm *kvm, u64 addr)
{
	struct kvm_mem_bank *bank;

	list_for_each_entry(bank, &kvm->mem_banks, list) {
		if (!(bank->type & KVM_MEM_TYPE_RAM))
			continue;
		if (addr >= bank->guest_phys_addr &&
		    addr - bank->guest_phys_addr < bank->size)
			return bank;
	}
	return NULL;
}

void *guest_flat_to_host(struct kvm *kvm, u64 addr)
{
	struct kvm_mem_bank *bank = find_ram_bank(kvm, addr);

	if (!bank)
		return NULL;
	return (u8 *)bank->host_addr + (addr - bank->guest_phys_addr);
}

void *guest_range_to_host(struct kvm *kvm, u64 addr, u64 len)
{
	struct kvm_mem_bank *bank = find_ram_bank(kvm, addr);
	u64 offset;

	if (!bank)
		return NULL;
	offset = addr - bank->guest_phys_addr;
	if (len > bank->size - offset)
		return NULL;
	return (u8 *)bank->host_addr + offset;
}

u64 host_to_guest_flat(struct kvm *kvm, void *ptr)
{
	struct kvm_mem_bank *bank;
	u8 *p = ptr;

	list_for_each_entry(bank, &kvm->mem_banks, list) {
		u8 *start = bank->host_addr;

		if (!(bank->type & KVM_MEM_TYPE_RAM))
			continue;
		if (p >= start && (u64)(p - start) < bank->size)
			return bank->guest_phys_addr + (p - start);
	}
	return 0;
}
