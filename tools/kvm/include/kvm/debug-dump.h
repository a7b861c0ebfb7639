/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__DEBUG_DUMP_H
#define KVM__DEBUG_DUMP_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

struct kvm;
struct kvm_cpu;
struct strbuf;

/*
 * Dumps of a guest's vCPUs (debug-dump.c): the registers, the bytes at
 * the program counter and a stack walk of each vCPU, with addresses
 * symbolized through the guest's vmlinux (symbols.h) when there is one.
 * lkvm debug NAME --dump asks for one over the control socket; SIGUSR1
 * and a fatal exit print one on stderr.
 */

/* The vmlinux of lkvm run's own dumps (SIGUSR1, fatal exits); NULL: none. */
void debug_dump__set_vmlinux(const char *path);
/*
 * The vmlinux that goes with the kernel @kernel: @kernel itself when it
 * is an ELF file, the vmlinux at the top of the tree whose
 * arch/ARCH/boot/ it sits in, else NULL.  malloc'ed, absolute.
 */
char *debug_dump__default_vmlinux(const char *kernel);

/*
 * Every vCPU into @sb, symbolized with @vmlinux (NULL: the one of
 * debug_dump__set_vmlinux()).  Pauses the VM for it unless it is paused
 * already, and resumes it after.  0, or -errno when the vCPUs could not
 * be stopped (nothing but a line saying so is written then).
 */
int debug_dump__vm(struct kvm *kvm, const char *vmlinux, struct strbuf *sb);
/* lkvm got SIGUSR1: debug_dump__vm() on stderr (the main thread). */
void debug_dump__signal(struct kvm *kvm);
/*
 * A vCPU's fatal exit, from its own thread, after its registers were
 * shown: the symbolized PC and stack walk on stderr.
 */
void debug_dump__fatal(struct kvm_cpu *vcpu);

/* --- the stack walk, kept apart for the unit tests ------------------- */

/* At most this many frames, and this much stack read, per vCPU. */
#define STACK_MAX_FRAMES	32
/* Kernel stacks are aligned to (at least) this: the scan stops there. */
#define STACK_SCAN_BYTES	16384

enum stack_method {
	STACK_NONE,		/* no frame found */
	STACK_FP,		/* a chain of frame pointers */
	STACK_SCAN,		/* words on the stack that point into text */
};

struct stack_frame {
	u64 addr;		/* return address */
	u64 where;		/* the stack slot it was read from */
	bool reliable;		/* from the frame chain, not a guess */
};

struct stack_walker {
	/* Like kvm_cpu__read_virt(): bytes read, or -errno. */
	ssize_t (*read)(void *ctx, u64 va, void *buf, size_t len);
	/* @addr is in the kernel's text (the vmlinux's, slid). */
	bool (*is_text)(void *ctx, u64 addr);
	void *ctx;
};

/*
 * Walks the stack at @sp: follows the frame pointer @fp ([fp] the
 * caller's, [fp + 8] the return address) when at least two frames check
 * out (inside the stack, growing upwards, return addresses in text),
 * else scans the words from @sp to the next STACK_SCAN_BYTES boundary
 * for text addresses.  Returns the frames put in @frames (at most @max)
 * and the method in *@method.
 */
int stack_walk(const struct stack_walker *w, u64 sp, u64 fp,
	       struct stack_frame *frames, int max, enum stack_method *method);

#endif /* KVM__DEBUG_DUMP_H */
