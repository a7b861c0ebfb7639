// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: one thread each, looping on KVM_RUN and handing I/O exits to the
 * buses.  Stopping is a flag (kvm->exiting) plus a kick: SIGLKVM_KICK,
 * whose handler sets kvm_run->immediate_exit so that KVM_RUN returns at
 * once even when the kick arrives just before the thread enters it.
 * Pausing is the same kick with pause_requested set: each vCPU then
 * parks between two KVM_RUNs, at an instruction boundary, until resumed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <lockdep/condvar.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"
#include "kvm/strbuf.h"
#include "kvm/util.h"

#include "kvm/bus.h"
#include "kvm/gdb.h"
#include "kvm/debug-dump.h"
#include "kvm/debug-stats.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/record.h"

static __thread struct kvm_cpu *current_vcpu;

/* Pausing (one VM per process): park_lock guards the other three. */
static DEFINE_MUTEX(park_lock);
static struct condvar park_cond;
static bool pause_requested;
static int nr_parked;

#define PAUSE_TIMEOUT_SECS	5

static void kick_handler(int sig)
{
	struct kvm_cpu *vcpu = current_vcpu;

	if (vcpu)
		WRITE_ONCE(vcpu->kvm_run->immediate_exit, 1);
}

/* KVM's pages, those of its mappings and of the coalesced ring. */
static size_t page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Creates vCPU @cpu_id and maps its kvm_run: for the arch init hook. */
struct kvm_cpu *kvm_cpu__create(struct kvm *kvm, unsigned long cpu_id)
{
	struct kvm_cpu *vcpu = xzalloc(sizeof(*vcpu));
	int size;

	vcpu->kvm = kvm;
	vcpu->cpu_id = cpu_id;
	vcpu->vcpu_fd = ioctl(kvm->vm_fd, KVM_CREATE_VCPU, cpu_id);
	if (vcpu->vcpu_fd < 0) {
		error("KVM_CREATE_VCPU %lu: %s", cpu_id, strerror(errno));
		goto err_free;
	}

	size = ioctl(kvm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		error("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		goto err_close;
	}
	vcpu->kvm_run_size = size;
	/* The ring must fit in the mapping: no coalescing otherwise. */
	if ((size_t)(kvm->coalesced_page + 1) * page_size() > (size_t)size)
		kvm->coalesced_page = 0;
	if (debug_exits)
		vcpu->exit_stats = exit_stats__new();
	vcpu->kvm_run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			     vcpu->vcpu_fd, 0);
	if (vcpu->kvm_run == MAP_FAILED) {
		error("cannot map kvm_run of vCPU %lu: %s", cpu_id, strerror(errno));
		goto err_close;
	}
	if (kvm->coalesced_page && !kvm->coalesced_ring)
		kvm->coalesced_ring = (void *)vcpu->kvm_run +
				      kvm->coalesced_page * page_size();
	return vcpu;

err_close:
	exit_stats__free(vcpu->exit_stats);
	close(vcpu->vcpu_fd);
err_free:
	free(vcpu);
	return NULL;
}

static void kvm_cpu__free(struct kvm_cpu *vcpu)
{
	munmap(vcpu->kvm_run, vcpu->kvm_run_size);
	close(vcpu->vcpu_fd);
	exit_stats__free(vcpu->exit_stats);
	free(vcpu);
}

int kvm_cpu__init_all(struct kvm *kvm)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	int i;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGLKVM_KICK, &sa, NULL) < 0)
		return error("sigaction: %s", strerror(errno));
	condvar_init(&park_cond);

	kvm->cpus = xcalloc(kvm->nrcpus, sizeof(*kvm->cpus));
	for (i = 0; i < kvm->nrcpus; i++) {
		kvm->cpus[i] = kvm_cpu__arch_init(kvm, i);
		if (!kvm->cpus[i])
			return error("cannot set up vCPU %d", i);
	}
	return 0;
}
base_init(kvm_cpu__init_all);

void kvm_cpu__log_registers(struct kvm_cpu *vcpu)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *next;

	kvm_cpu__arch_dump_registers(vcpu, &sb);
	error("vCPU %lu registers:", vcpu->cpu_id);
	for (line = sb.buf; *line; line = next) {
		next = strchrnul(line, '\n');
		error(" %.*s", (int)(next - line - 1), line + 1);
		if (*next)
			next++;
	}
	strbuf_release(&sb);
}

/* A fatal exit: where the vCPU was, for the developer. */
static void show_state(struct kvm_cpu *vcpu)
{
	kvm_cpu__arch_show_registers(vcpu);
	debug_dump__fatal(vcpu);
}

static bool handle_io(struct kvm_cpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm_run;
	u32 size = run->io.size, count = run->io.count, i;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	u8 *data = (u8 *)run + run->io.data_offset;
	u16 port = run->io.port;

	/* KVM fills these in, but a bug must not make us scribble. */
	if (!size || size > 4 || run->io.data_offset >= vcpu->kvm_run_size ||
	    (u64)size * count > vcpu->kvm_run_size - run->io.data_offset) {
		error("vCPU %lu: bad I/O exit (port 0x%x size %u count %u)",
		      vcpu->cpu_id, port, size, count);
		return false;
	}

	/* String I/O: every element goes to the same port. */
	for (i = 0; i < count; i++, data += size) {
		bus_dispatch(vcpu, BUS_PIO, port, data, size, is_write);
		record_io(false, port, data, size, is_write);
	}
	return true;
}

static void handle_mmio(struct kvm_cpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm_run;
	u32 len = run->mmio.len;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	bus_dispatch(vcpu, BUS_MMIO, run->mmio.phys_addr, run->mmio.data, len,
		     run->mmio.is_write);
	record_io(true, run->mmio.phys_addr, run->mmio.data, len,
		  run->mmio.is_write);
}

static void explain_internal_error(struct kvm_cpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm_run;
	u32 i, n = run->internal.ndata;

	error("vCPU %lu: KVM internal error, suberror %u", vcpu->cpu_id,
	      run->internal.suberror);
	if (n > ARRAY_SIZE(run->internal.data))
		n = ARRAY_SIZE(run->internal.data);
	for (i = 0; i < n; i++)
		error("  data[%u] = 0x%llx", i,
		      (unsigned long long)run->internal.data[i]);
	show_state(vcpu);
	kvm__arch_explain_failure(vcpu->kvm, run->exit_reason,
				  run->internal.suberror);
}

static void handle_system_event(struct kvm_cpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm_run;

	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_info("the guest powered off");
		kvm__request_exit(vcpu->kvm, 0);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		pr_info("the guest rebooted");
		kvm__request_exit(vcpu->kvm, 0);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		error("the guest crashed (vCPU %lu)", vcpu->cpu_id);
		kvm__request_exit(vcpu->kvm, 1);
		break;
	default:
		error("vCPU %lu: unknown system event %u", vcpu->cpu_id,
		      run->system_event.type);
		kvm__request_exit(vcpu->kvm, 1);
		break;
	}
}

/* Returns false when the VM must end. */
static bool handle_exit(struct kvm_cpu *vcpu)
{
	struct kvm_run *run = vcpu->kvm_run;
	struct kvm *kvm = vcpu->kvm;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (handle_io(vcpu))
			return true;
		break;
	case KVM_EXIT_MMIO:
		handle_mmio(vcpu);
		return true;
	case KVM_EXIT_DEBUG:
		gdb__debug_exit(vcpu);
		return true;
	case KVM_EXIT_INTR:
	case KVM_EXIT_HLT:
		/* HLT only exits without an in-kernel LAPIC; just go on. */
		return true;
	case KVM_EXIT_SYSTEM_EVENT:
		handle_system_event(vcpu);
		return false;
	case KVM_EXIT_SHUTDOWN:
		error("vCPU %lu: the guest shut down (triple fault): it hit an exception it could not handle",
		      vcpu->cpu_id);
		show_state(vcpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		explain_internal_error(vcpu);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		error("vCPU %lu: KVM could not enter the guest (hardware reason 0x%llx)",
		      vcpu->cpu_id, (unsigned long long)
		      run->fail_entry.hardware_entry_failure_reason);
		show_state(vcpu);
		kvm__arch_explain_failure(kvm, run->exit_reason, 0);
		break;
	default:
		if (kvm_cpu__arch_handle_exit(vcpu))
			return true;
		error("vCPU %lu: unexpected exit reason %u", vcpu->cpu_id,
		      run->exit_reason);
		show_state(vcpu);
		break;
	}
	kvm__request_exit(kvm, 1);
	return false;
}

/* One ring for the VM, whichever vCPU exits: one of them empties it. */
static DEFINE_MUTEX(coalesced_lock);

/*
 * Plays the writes KVM coalesced (kvm__coalesce_pio()) to the bus, in
 * the guest's order, before the exit that may depend on them.
 */
static void drain_coalesced(struct kvm_cpu *vcpu)
{
	struct kvm_coalesced_mmio_ring *ring = vcpu->kvm->coalesced_ring;
	u32 first, n = 0, max;
	struct kvm_coalesced_mmio *m;

	if (!ring || READ_ONCE(ring->first) == READ_ONCE(ring->last))
		return;
	/* KVM_COALESCED_MMIO_MAX, with the page size of this host. */
	max = (page_size() - sizeof(*ring)) / sizeof(*m);
	mutex_lock(&coalesced_lock);
	first = ring->first;
	while (first != __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE)) {
		m = &ring->coalesced_mmio[first % max];
		if (m->len <= sizeof(m->data)) {
			bus_dispatch(vcpu, m->pio ? BUS_PIO : BUS_MMIO,
				     m->phys_addr, m->data, m->len, true);
			record_io(!m->pio, m->phys_addr, m->data, m->len,
				  true);
		}
		first = (first + 1) % max;
		/* KVM may reuse the entry once first moves past it. */
		__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
		n++;
	}
	mutex_unlock(&coalesced_lock);
	if (vcpu->exit_stats)
		exit_stats__coalesced(vcpu->exit_stats, n);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* handle_exit(), timed and counted by reason and address. */
static bool handle_exit_counted(struct kvm_cpu *vcpu)
{
	u64 start = now_ns();
	bool ret = handle_exit(vcpu);

	exit_stats__count(vcpu->exit_stats, vcpu->kvm_run, now_ns() - start);
	return ret;
}

/* Waits, out of KVM_RUN, until the VM is resumed or ends. */
static void park(struct kvm_cpu *vcpu)
{
	mutex_lock(&park_lock);
	nr_parked++;
	condvar_broadcast(&park_cond);
	while ((pause_requested || vcpu->held) && !kvm__exiting(vcpu->kvm))
		condvar_wait(&park_cond, &park_lock);
	nr_parked--;
	mutex_unlock(&park_lock);
}

/* KVM_NMI takes the vCPU's mutex, which KVM_RUN holds: ours to issue. */
static void inject_nmi(struct kvm_cpu *vcpu)
{
	int ret = kvm_cpu__arch_nmi(vcpu);

	if (ret)
		error("vCPU %lu: cannot inject an NMI: %s", vcpu->cpu_id,
		      strerror(-ret));
}

int kvm_cpu__run(struct kvm_cpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;
	int ret;

	vcpu->is_running = true;
	while (!kvm__exiting(kvm)) {
		if (__atomic_load_n(&pause_requested, __ATOMIC_ACQUIRE) ||
		    READ_ONCE(vcpu->held))
			park(vcpu);
		if (kvm__exiting(kvm))
			break;
		if (__atomic_exchange_n(&vcpu->nmi_requested, false,
					__ATOMIC_ACQ_REL))
			inject_nmi(vcpu);
		startup__entering_guest();
		ret = ioctl(vcpu->vcpu_fd, KVM_RUN, 0) < 0 ? errno : 0;
		drain_coalesced(vcpu);
		/* A coalesced write may have ended the VM (a reset via 0xcf9). */
		if (kvm__exiting(kvm))
			break;
		if (ret) {
			if (ret == EINTR || ret == EAGAIN) {
				WRITE_ONCE(vcpu->kvm_run->immediate_exit, 0);
				if (vcpu->exit_stats)
					exit_stats__interrupted(vcpu->exit_stats);
				if (__atomic_exchange_n(&vcpu->dump_requested, false,
							__ATOMIC_ACQ_REL))
					kvm_cpu__arch_show_registers(vcpu);
				continue;
			}
			error("vCPU %lu: KVM_RUN: %s", vcpu->cpu_id,
			      strerror(ret));
			show_state(vcpu);
			kvm__request_exit(kvm, 1);
			break;
		}
		if (vcpu->exit_stats ? !handle_exit_counted(vcpu) : !handle_exit(vcpu))
			break;
	}
	vcpu->is_running = false;
	return 0;
}

static void *vcpu_thread(void *arg)
{
	struct kvm_cpu *vcpu = arg;
	char name[16];
	sigset_t set;

	snprintf(name, sizeof(name), "kvm-vcpu-%lu", vcpu->cpu_id);
	pthread_setname_np(pthread_self(), name);

	current_vcpu = vcpu;
	sigemptyset(&set);
	sigaddset(&set, SIGLKVM_KICK);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/*
	 * Kicks reach this thread from here.  With the fence in
	 * kvm_cpu__kick_all(), either the loop sees an exit request made
	 * while we started, or the request's kick finds us: a vCPU that
	 * starts as the guest ends cannot sleep in KVM_RUN unkicked.
	 */
	vcpu->self = pthread_self();
	__atomic_store_n(&vcpu->kickable, true, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	kvm_cpu__arch_reset(vcpu);
	kvm_cpu__run(vcpu);
	return NULL;
}

int kvm_cpu__start_all(struct kvm *kvm)
{
	int i, err;

	for (i = 0; i < kvm->nrcpus; i++) {
		struct kvm_cpu *vcpu = kvm->cpus[i];

		err = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
		if (err) {
			error("cannot start vCPU %d: %s", i, strerror(err));
			kvm__request_exit(kvm, 1);
			return -1;
		}
		__atomic_store_n(&vcpu->thread_started, true, __ATOMIC_RELEASE);
	}
	kvm->vcpus_started = true;
	return 0;
}

void kvm_cpu__kick_all(struct kvm *kvm)
{
	int i;

	if (!kvm->cpus)
		return;
	/* Orders the caller's kvm->exiting before the reads of kickable. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < kvm->nrcpus; i++) {
		struct kvm_cpu *vcpu = kvm->cpus[i];

		if (vcpu && __atomic_load_n(&vcpu->kickable, __ATOMIC_ACQUIRE))
			pthread_kill(vcpu->self, SIGLKVM_KICK);
	}
}

int kvm_cpu__pause_all(struct kvm *kvm)
{
	struct timespec deadline;
	int ret = 0;

	if (!kvm->cpus || !kvm->vcpus_started)
		return -EAGAIN;
	mutex_lock(&park_lock);
	__atomic_store_n(&pause_requested, true, __ATOMIC_RELEASE);
	mutex_unlock(&park_lock);
	kvm_cpu__kick_all(kvm);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += PAUSE_TIMEOUT_SECS;
	mutex_lock(&park_lock);
	while (nr_parked < kvm->nrcpus && !ret) {
		if (kvm__exiting(kvm))
			ret = -ESHUTDOWN;
		else if (!condvar_wait_until(&park_cond, &park_lock, &deadline))
			ret = -ETIMEDOUT;
	}
	if (ret) {
		__atomic_store_n(&pause_requested, false, __ATOMIC_RELEASE);
		condvar_broadcast(&park_cond);
	}
	mutex_unlock(&park_lock);
	return ret;
}

void kvm_cpu__resume_all(struct kvm *kvm)
{
	mutex_lock(&park_lock);
	__atomic_store_n(&pause_requested, false, __ATOMIC_RELEASE);
	condvar_broadcast(&park_cond);
	mutex_unlock(&park_lock);
}

void kvm_cpu__request_pause(struct kvm *kvm)
{
	mutex_lock(&park_lock);
	__atomic_store_n(&pause_requested, true, __ATOMIC_RELEASE);
	mutex_unlock(&park_lock);
	kvm_cpu__kick_all(kvm);
}

void kvm_cpu__hold(struct kvm_cpu *vcpu, bool hold)
{
	mutex_lock(&park_lock);
	vcpu->held = hold;
	condvar_broadcast(&park_cond);
	mutex_unlock(&park_lock);
}

/* The VM ends: parked vCPUs must see it too, they sleep out of KVM_RUN. */
void kvm_cpu__wake_parked(void)
{
	mutex_lock(&park_lock);
	condvar_broadcast(&park_cond);
	mutex_unlock(&park_lock);
}

void kvm_cpu__dump_all(struct kvm *kvm)
{
	int i;

	if (!kvm->cpus)
		return;
	for (i = 0; i < kvm->nrcpus; i++)
		if (kvm->cpus[i])
			__atomic_store_n(&kvm->cpus[i]->dump_requested, true,
					 __ATOMIC_RELEASE);
	kvm_cpu__kick_all(kvm);
}

void kvm_cpu__nmi_all(struct kvm *kvm)
{
	int i;

	if (!kvm->cpus)
		return;
	for (i = 0; i < kvm->nrcpus; i++)
		if (kvm->cpus[i])
			__atomic_store_n(&kvm->cpus[i]->nmi_requested, true,
					 __ATOMIC_RELEASE);
	kvm_cpu__kick_all(kvm);
}

/* The host address of @len bytes at @va, all in one page; NULL if unmapped. */
static void *virt_to_host(struct kvm_cpu *vcpu, u64 va, size_t *len)
{
	u64 pa, page_size, room;

	if (kvm_cpu__arch_translate(vcpu, va, &pa, &page_size))
		return NULL;
	room = page_size - (pa & (page_size - 1));
	if (*len > room)
		*len = room;
	return guest_range_to_host(vcpu->kvm, pa, *len);
}

ssize_t kvm_cpu__read_virt(struct kvm_cpu *vcpu, u64 va, void *buf, size_t len)
{
	size_t done = 0, n;
	void *p;

	while (done < len) {
		n = len - done;
		p = virt_to_host(vcpu, va + done, &n);
		if (!p)
			break;
		memcpy((u8 *)buf + done, p, n);
		done += n;
	}
	return done ? (ssize_t)done : -EFAULT;
}

int kvm_cpu__write_virt(struct kvm_cpu *vcpu, u64 va, const void *buf,
			size_t len)
{
	size_t done, n;
	void *p;

	/* Check every page first: a write is all or nothing. */
	for (done = 0; done < len; done += n) {
		n = len - done;
		if (!virt_to_host(vcpu, va + done, &n))
			return -EFAULT;
	}
	for (done = 0; done < len; done += n) {
		n = len - done;
		p = virt_to_host(vcpu, va + done, &n);
		memcpy(p, (const u8 *)buf + done, n);
	}
	return 0;
}

/* Stops the vCPU threads, joins them and frees the vCPUs. */
int kvm_cpu__exit_all(struct kvm *kvm)
{
	int i;

	if (!kvm->cpus)
		return 0;

	if (!kvm__exiting(kvm))
		kvm__request_exit(kvm, kvm->exit_status);
	for (i = 0; i < kvm->nrcpus; i++) {
		struct kvm_cpu *vcpu = kvm->cpus[i];

		if (vcpu && vcpu->thread_started)
			pthread_join(vcpu->thread, NULL);
	}
	exit_stats__report(kvm);
	for (i = 0; i < kvm->nrcpus; i++)
		if (kvm->cpus[i])
			kvm_cpu__free(kvm->cpus[i]);
	free(kvm->cpus);
	kvm->cpus = NULL;
	return 0;
}
