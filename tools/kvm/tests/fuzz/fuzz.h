/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer harnesses: a reader for the fuzzer's input and
 * the fake guest of the unit tests (tests/unit/fake-kvm.h), here with
 * guard pages around its RAM and a second bank right after it in guest
 * physical memory but elsewhere in ours, so that a buffer crossing the
 * edge of a bank, or leaving guest RAM, faults instead of reading on.
 */
#ifndef KVM__TESTS_FUZZ_H
#define KVM__TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fake-kvm.h"
#include "kvm/log.h"

/* The second bank: guest physical [BANK2, BANK2 + BANK2_SIZE). */
#define BANK2		(RAM_BASE + RAM_SIZE)
#define BANK2_SIZE	0x10000ULL
#define PAGE		4096UL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static u8 *bank2;

/* The input, consumed from the front; zeroes once it runs out. */
struct fuzz_in {
	const u8 *p;
	size_t left;
};

static inline void fuzz_bytes(struct fuzz_in *in, void *buf, size_t n)
{
	size_t k = n < in->left ? n : in->left;

	memcpy(buf, in->p, k);
	memset((u8 *)buf + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

static inline u8 fuzz_u8(struct fuzz_in *in)
{
	u8 v;

	fuzz_bytes(in, &v, 1);
	return v;
}

static inline u16 fuzz_u16(struct fuzz_in *in)
{
	u16 v;

	fuzz_bytes(in, &v, 2);
	return v;
}

static inline u32 fuzz_u32(struct fuzz_in *in)
{
	u32 v;

	fuzz_bytes(in, &v, 4);
	return v;
}

static inline u64 fuzz_u64(struct fuzz_in *in)
{
	u64 v;

	fuzz_bytes(in, &v, 8);
	return v;
}

/* @size bytes of read-write memory between two inaccessible pages. */
static inline u8 *fuzz_guarded_map(size_t size)
{
	u8 *p = mmap(NULL, size + 2 * PAGE, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED ||
	    mprotect(p + PAGE, size, PROT_READ | PROT_WRITE))
		abort();
	return p + PAGE;
}

/* The fake guest, with both banks; aborts if it cannot be set up. */
static inline struct kvm *fuzz_kvm_new(void)
{
	struct kvm *kvm = kvm__new();

	loglevel = -1;
	ram = fuzz_guarded_map(RAM_SIZE);
	bank2 = fuzz_guarded_map(BANK2_SIZE);
	if (kvm__register_mem(kvm, RAM_BASE, RAM_SIZE, ram, KVM_MEM_TYPE_RAM) ||
	    kvm__register_mem(kvm, BANK2, BANK2_SIZE, bank2, KVM_MEM_TYPE_RAM))
		abort();
	return kvm;
}

/* Is [p, p + len) inside one of the banks?  The harnesses' oracle. */
static inline bool fuzz_in_ram(const void *ptr, size_t len)
{
	const u8 *b = ptr;

	if (b >= ram && b <= ram + RAM_SIZE && len <= (size_t)(ram + RAM_SIZE - b))
		return true;
	return b >= bank2 && b <= bank2 + BANK2_SIZE &&
	       len <= (size_t)(bank2 + BANK2_SIZE - b);
}

/* Guest RAM from the input: the first @n bytes of it, the rest zero. */
static inline void fuzz_fill_ram(struct fuzz_in *in, size_t n)
{
	fuzz_bytes(in, ram, n < RAM_SIZE ? n : RAM_SIZE);
}

/* Stops the harness with a message libFuzzer reports as a crash. */
#define fuzz_assert(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			abort();					\
		}							\
	} while (0)

#endif /* KVM__TESTS_FUZZ_H */
