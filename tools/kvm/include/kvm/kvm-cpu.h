/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_CPU_H
#define KVM__KVM_CPU_H

#include <stdbool.h>
#include <pthread.h>
#include <sys/types.h>
#include <signal.h>
#include <linux/kvm.h>

#include "kvm/kvm-cpu-arch.h"

struct kvm;

/*
 * One vCPU: a thread that loops on KVM_RUN and hands I/O exits to the
 * buses.  Architecture state lives in struct kvm_cpu_arch.
 */
struct kvm_cpu {
	struct kvm *kvm;
	unsigned long cpu_id;
	int vcpu_fd;
	struct kvm_run *kvm_run;
	size_t kvm_run_size;
	pthread_t thread;
	bool thread_started;		/* by the main thread, for the join */
	bool kickable;			/* by the vCPU thread: kicks reach it */
	pthread_t self;			/* the vCPU thread, once kickable */
	bool is_running;
	bool dump_requested;		/* show the registers at the next exit */
	bool nmi_requested;		/* inject an NMI before the next KVM_RUN */
	bool held;			/* a debugger keeps it parked */
	struct exit_stats *exit_stats;	/* --debug-exits, or NULL */
	struct kvm_cpu_arch arch;
};

/*
 * The signal that kicks a vCPU thread out of KVM_RUN.  Its handler sets
 * kvm_run->immediate_exit, so a kick that lands just before KVM_RUN is
 * not lost.
 */
#define SIGLKVM_KICK	(SIGRTMIN + 1)

int kvm_cpu__init_all(struct kvm *kvm);
/* Starts one thread per vCPU; kvm_cpu__exit_all() stops and joins them. */
int kvm_cpu__start_all(struct kvm *kvm);
int kvm_cpu__exit_all(struct kvm *kvm);
/* Runs the vCPU loop on the calling thread until the VM ends. */
int kvm_cpu__run(struct kvm_cpu *vcpu);
/* Kicks every vCPU out of KVM_RUN (pause, exit). */
void kvm_cpu__kick_all(struct kvm *kvm);
/* Every vCPU prints its registers (lkvm got SIGUSR1); the VM goes on. */
void kvm_cpu__dump_all(struct kvm *kvm);
/*
 * Every vCPU injects an NMI into itself at its next entry (lkvm debug
 * --nmi); a parked vCPU does when it runs again.
 */
void kvm_cpu__nmi_all(struct kvm *kvm);
/*
 * Parks every vCPU out of KVM_RUN (0, -ETIMEDOUT if one did not stop in
 * time, -ESHUTDOWN when the VM ends meanwhile, -EAGAIN before the vCPUs
 * run), and lets them go again.  Use kvm__pause()/kvm__resume().
 */
int kvm_cpu__pause_all(struct kvm *kvm);
void kvm_cpu__resume_all(struct kvm *kvm);
void kvm_cpu__wake_parked(void);
/*
 * From a vCPU thread that must stop the VM (it hit a debugger's
 * breakpoint): every vCPU parks at its next exit, without waiting for
 * them.  The debugger's kvm__pause() then finds them parked.
 */
void kvm_cpu__request_pause(struct kvm *kvm);
/*
 * A debugger's scheduler locking, while the VM is paused: a held vCPU
 * stays parked when the others resume.
 */
void kvm_cpu__hold(struct kvm_cpu *vcpu, bool hold);

/* Creates vCPU @cpu_id and maps its kvm_run (for kvm_cpu__arch_init). */
struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned long cpu_id);

/* Architecture hooks (ARCH/kvm-cpu.c). */
struct kvm_cpu *kvm_cpu__arch_init(struct kvm *kvm, unsigned long cpu_id);
void kvm_cpu__arch_reset(struct kvm_cpu *vcpu);
bool kvm_cpu__arch_handle_exit(struct kvm_cpu *vcpu);
void kvm_cpu__arch_show_registers(struct kvm_cpu *vcpu);

/*
 * A stopped vCPU's state, for debuggers (the gdb stub, register dumps).
 * Only while the vCPU is parked (kvm__pause()) or before it ran: they
 * issue the vCPU's ioctls from the caller's thread.
 *
 * Registers are numbered 0 to kvm_cpu__arch_nr_regs() - 1 (x86: in the
 * order of the x86-64 target description that the gdb stub gives gdb)
 * and their values are little-endian bytes, kvm_cpu__arch_reg()->size
 * of them.  Getting and setting return 0 or -errno: -EINVAL for an
 * unknown number, -EOPNOTSUPP for a value that cannot be set (a
 * segment selector).
 */
struct kvm_cpu_reg {
	const char *name;
	unsigned int size;		/* bytes */
};

int kvm_cpu__arch_nr_regs(void);
const struct kvm_cpu_reg *kvm_cpu__arch_reg(int n);
int kvm_cpu__arch_get_reg(struct kvm_cpu *vcpu, int n, void *buf);
int kvm_cpu__arch_set_reg(struct kvm_cpu *vcpu, int n, const void *buf);
/* The program counter and stack pointer, for stack walks. */
int kvm_cpu__arch_get_pc_sp(struct kvm_cpu *vcpu, u64 *pc, u64 *sp);
/* The frame pointer (x86: rbp), for stack walks. */
int kvm_cpu__arch_get_fp(struct kvm_cpu *vcpu, u64 *fp);
/*
 * The registers as a developer reads them, a few lines of "  ..." into
 * @sb (what kvm_cpu__arch_show_registers() prints, without the code).
 */
struct strbuf;
void kvm_cpu__arch_dump_registers(struct kvm_cpu *vcpu, struct strbuf *sb);
/* The same on stderr, a line each (for kvm_cpu__arch_show_registers()). */
void kvm_cpu__log_registers(struct kvm_cpu *vcpu);
/* Injects an NMI, from the vCPU's own thread: 0 or -errno. */
int kvm_cpu__arch_nmi(struct kvm_cpu *vcpu);

/*
 * Guest-virtual @va as the vCPU sees it now (x86: the page tables of its
 * CR3, in the paging mode of its CR0/CR4/EFER): the guest-physical
 * address and the size of the page that maps it.  0, or -EFAULT when
 * @va is not mapped.
 */
int kvm_cpu__arch_translate(struct kvm_cpu *vcpu, u64 va, u64 *pa,
			    u64 *page_size);
/*
 * Copies guest-virtual memory page by page through the translation.
 * Reading stops at the first page that is not mapped to guest RAM and
 * returns the bytes copied (-EFAULT when none); writing writes all of
 * @len or nothing (0 or -EFAULT).
 */
ssize_t kvm_cpu__read_virt(struct kvm_cpu *vcpu, u64 va, void *buf, size_t len);
int kvm_cpu__write_virt(struct kvm_cpu *vcpu, u64 va, const void *buf,
			size_t len);

#endif /* KVM__KVM_CPU_H */
