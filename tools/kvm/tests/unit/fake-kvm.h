/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest without KVM for the virtio unit tests: a struct kvm with no VM
 * behind it, 1 MiB of anonymous memory registered as its RAM, and where
 * the tests' driver puts one split virtqueue and its buffers in it.
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
#define DESC		(RAM_BASE + 0x0000)
#define AVAIL		(RAM_BASE + 0x1000)
#define USED		(RAM_BASE + 0x2000)
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

/*
 * Waits up to @ms milliseconds for the device (on its worker thread) to
 * publish used index @idx at USED.
 */
static inline bool wait_used_ms(u16 idx, int ms)
{
	struct vring_used *used = gpa(USED);
	int i;

	for (i = 0; i < ms; i++) {
		if (READ_ONCE(used->idx) == idx)
			return true;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	return false;
}

#endif /* KVM__TESTS_FAKE_KVM_H */
