/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest without KVM for the virtio unit tests: a struct kvm with no VM
 * behind it, 1 MiB of anonymous memory registered as its RAM, and where
 * the tests' driver puts its split virtqueues and their buffers in it.
 */
#ifndef KVM__TESTS_FAKE_KVM_H
#define KVM__TESTS_FAKE_KVM_H

#include <stdbool.h>
#include <time.h>
#include <sys/mman.h>
#include <linux/virtio_ring.h>

#include <linux/compiler.h>
#include <linux/types.h>

#include "kvm/kvm.h"
#include "tap.h"

#define RAM_BASE	0x100000ULL
#define RAM_SIZE	0x100000ULL
#define QSIZE		16
/* Queue q's rings, a page each; five queues fit below the buffers. */
#define QDESC(q)	(RAM_BASE + (q) * 0x3000ULL)
#define QAVAIL(q)	(QDESC(q) + 0x1000)
#define QUSED(q)	(QDESC(q) + 0x2000)
#define MAX_QUEUES	5
#define DESC		QDESC(0)
#define AVAIL		QAVAIL(0)
#define USED		QUSED(0)
#define DATA		(RAM_BASE + 0x10000)

static u8 *ram;

/* The host address of guest physical @addr (inside the fake RAM). */
static inline void *gpa(u64 addr)
{
	return ram + (addr - RAM_BASE);
}

/* A struct kvm with RAM at RAM_BASE; skips the whole test without it. */
static inline struct kvm *fake_kvm_new(void)
{
	struct kvm *kvm = kvm__new();

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED ||
	    kvm__register_mem(kvm, RAM_BASE, RAM_SIZE, ram, KVM_MEM_TYPE_RAM))
		skip_all("cannot set up guest memory");
	return kvm;
}

/* Are all @len bytes at @p @c? */
static inline bool filled(const u8 *p, size_t len, u8 c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

static inline void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ .tv_nsec = ms * 1000000L }, NULL);
}

static inline struct vring_used *used_ring(int q)
{
	return gpa(QUSED(q));
}

/* The used index the device (on its worker thread) published on @q. */
static inline u16 used_idx(int q)
{
	return __atomic_load_n(&used_ring(q)->idx, __ATOMIC_ACQUIRE);
}

/* Waits up to @ms milliseconds for used index @idx on queue @q. */
static inline bool wait_used_ms(int q, u16 idx, int ms)
{
	int i;

	for (i = 0; i < ms; i++) {
		if (used_idx(q) == idx)
			return true;
		sleep_ms(1);
	}
	return false;
}

static inline bool wait_used(int q, u16 idx)
{
	return wait_used_ms(q, idx, 2000);
}

#endif /* KVM__TESTS_FAKE_KVM_H */
