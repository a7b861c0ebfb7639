// SPDX-License-Identifier: GPL-2.0
/*
 * kvm__alloc_ram(): guest RAM is a mapping aligned to a transparent huge
 * page, whatever address mmap() would have picked, so that KVM can map
 * it with huge pages; with THP on (madvise or always), touching RAM gives
 * huge pages.  The mapping is exactly the size asked for, and
 * kvm__free_ram() unmaps it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/list.h>
#include <linux/sizes.h>

#include "kvm/kvm.h"
#include "tap.h"

/* The kB of AnonHugePages of the mapping starting at @start, or -1. */
static long anon_huge_kb(void *start)
{
	unsigned long from, to;
	char line[256];
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &from, &to) == 2)
			in = from == (unsigned long)start;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* Is the mapping [start, start + size) there, whole and nothing more? */
static bool mapped_exactly(void *start, u64 size)
{
	unsigned char v;
	u8 *p = start;

	return !mincore(p, 4096, &v) && !mincore(p + size - 4096, 4096, &v) &&
	       mincore(p - 4096, 4096, &v) && errno == ENOMEM &&
	       mincore(p + size, 4096, &v) && errno == ENOMEM;
}

static bool thp_on(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strstr(buf, "[never]") && buf[0];
}

int main(void)
{
	static struct kvm kvm;
	u64 size = 64 * SZ_1M + SZ_4K * 3;
	void *pin[8];
	long kb;
	int i;

	plan(6);
	INIT_LIST_HEAD(&kvm.mem_banks);

	/* Leave mmap()'s next free address unaligned, as it often is. */
	for (i = 0; i < 8; i++)
		pin[i] = mmap(NULL, SZ_4K * (i + 1), PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ok(kvm__alloc_ram(&kvm, size) == 0, "kvm__alloc_ram(64 MiB + 12 KiB)");
	ok(!((unsigned long)kvm.ram_start & (SZ_2M - 1)),
	   "guest RAM is 2 MiB aligned (%p)", kvm.ram_start);
	ok(mapped_exactly(kvm.ram_start, size),
	   "the mapping is the size asked for, no more (the reservation is trimmed)");

	memset(kvm.ram_start, 0x5a, 8 * SZ_1M);
	kb = anon_huge_kb(kvm.ram_start);
	if (thp_on())
		ok(kb >= 2048, "touched guest RAM is backed by huge pages (AnonHugePages %ld kB)", kb);
	else
		skip(1, "transparent huge pages are off on this host");

	kvm__free_ram(&kvm);
	ok(!kvm.ram_start, "kvm__free_ram() forgets the mapping");
	{
		unsigned char v;
		u8 *gone = (u8 *)pin[0];

		ok(!mincore(gone, 4096, &v), "and leaves other mappings alone");
	}
	for (i = 0; i < 8; i++)
		munmap(pin[i], SZ_4K * (i + 1));
	return exit_status();
}
