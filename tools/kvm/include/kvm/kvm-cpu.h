/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__KVM_CPU_H
#define KVM__KVM_CPU_H

#include <stdbool.h>
#include <pthread.h>
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
 * Parks every vCPU out of KVM_RUN (0, -ETIMEDOUT if one did not stop in
 * time, -ESHUTDOWN when the VM ends meanwhile, -EAGAIN before the vCPUs
 * run), and lets them go again.  Use kvm__pause()/kvm__resume().
 */
int kvm_cpu__pause_all(struct kvm *kvm);
void kvm_cpu__resume_all(struct kvm *kvm);
void kvm_cpu__wake_parked(void);

/* Creates vCPU @cpu_id and maps its kvm_run (for kvm_cpu__arch_init). */
struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned long cpu_id);

/* Architecture hooks (ARCH/kvm-cpu.c). */
struct kvm_cpu *kvm_cpu__arch_init(struct kvm *kvm, unsigned long cpu_id);
void kvm_cpu__arch_reset(struct kvm_cpu *vcpu);
bool kvm_cpu__arch_handle_exit(struct kvm_cpu *vcpu);
void kvm_cpu__arch_show_registers(struct kvm_cpu *vcpu);

#endif /* KVM__KVM_CPU_H */
