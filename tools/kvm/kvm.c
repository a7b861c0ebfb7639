// SPDX-License-Identifier: GPL-2.0
/*
 * The VM: opening and checking KVM, creating the VM, bringing the
 * components up in initcall order, and ending it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/sizes.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/debug-stats.h"
#include "kvm/gdb.h"
#include "kvm/init.h"
#include "kvm/debug-dump.h"
#include "kvm/irq.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/main-loop.h"

#define KVM_DEV			"/dev/kvm"
#define KVM_MAX_KERNEL_SIZE	(512ULL << 20)

/* What lkvm cannot run without, on every architecture. */
static const struct kvm_cap_req kvm_required_caps[] = {
	KVM_CAP_REQ(USER_MEMORY),
	KVM_CAP_REQ(IRQCHIP),
	KVM_CAP_REQ(IRQ_ROUTING),
	KVM_CAP_REQ(IRQFD),
	KVM_CAP_REQ(IOEVENTFD),
	KVM_CAP_REQ(IMMEDIATE_EXIT),
};

static DEFINE_MUTEX(exit_lock);
/* Exit initcalls only run when the init ones did. */
static bool initcalls_ran;

/* kvm__request_exit() and the panic path write to exit_fd to wake us. */
static void exit_fd_ready(struct kvm *kvm, struct main_loop_fd *mfd, u32 events)
{
	u64 val;

	if (read(mfd->fd, &val, sizeof(val)) < 0 && errno != EINTR &&
	    errno != EAGAIN)
		die_perror("read(exit eventfd)");
}

struct kvm *kvm__new(void)
{
	struct kvm *kvm = xzalloc(sizeof(*kvm));
	int ret;

	kvm->sys_fd = -1;
	kvm->vm_fd = -1;
	kvm->ram_fd = -1;
	kvm->exit_fd = -1;
	mutex_init(&kvm->mem_banks_lock);
	mutex_init(&kvm->pause_lock);
	INIT_LIST_HEAD(&kvm->mem_banks);
	kvm->bus[0] = RB_ROOT;
	kvm->bus[1] = RB_ROOT;

	kvm->loop_fd = -1;
	kvm->exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (kvm->exit_fd < 0)
		die_perror("eventfd");
	ret = main_loop__init(kvm);
	if (ret < 0)
		die("epoll_create1: %s", strerror(-ret));
	kvm->exit_mfd.fd = kvm->exit_fd;
	kvm->exit_mfd.handler = exit_fd_ready;
	ret = main_loop__add(kvm, &kvm->exit_mfd, EPOLLIN);
	if (ret < 0)
		die("main loop: %s", strerror(-ret));
	return kvm;
}

bool kvm__supports_extension(struct kvm *kvm, unsigned int extension)
{
	int fd = kvm->vm_fd >= 0 ? kvm->vm_fd : kvm->sys_fd;

	return ioctl(fd, KVM_CHECK_EXTENSION, extension) > 0;
}

bool kvm__host_is_pvm(void)
{
	return access("/sys/module/kvm_pvm", F_OK) == 0;
}

static int kvm__open_dev(struct kvm *kvm)
{
	int version;

	kvm->sys_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (kvm->sys_fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			return error("%s does not exist: this host has no KVM. Load kvm-intel or kvm-amd (with VT-x/AMD-V enabled in the firmware), or run lkvm where KVM is available",
				     KVM_DEV);
		if (errno == EACCES || errno == EPERM)
			return error("no permission to open %s: add your user to its group (usually 'kvm') or run as root",
				     KVM_DEV);
		return error("cannot open %s: %s", KVM_DEV, strerror(errno));
	}

	version = ioctl(kvm->sys_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		return error("%s speaks KVM API version %d, lkvm needs %d",
			     KVM_DEV, version, KVM_API_VERSION);
	return 0;
}

static int kvm__check_cap_list(struct kvm *kvm, const struct kvm_cap_req *caps,
				unsigned int nr)
{
	unsigned int i;
	int missing = 0;

	for (i = 0; i < nr; i++) {
		if (kvm__supports_extension(kvm, caps[i].cap))
			continue;
		error("this host's KVM lacks %s, which lkvm needs", caps[i].name);
		missing++;
	}
	return missing;
}

static int kvm__check_caps(struct kvm *kvm)
{
	const struct kvm_cap_req *arch_caps;
	unsigned int nr_arch = 0;
	int missing;

	missing = kvm__check_cap_list(kvm, kvm_required_caps,
				      ARRAY_SIZE(kvm_required_caps));
	arch_caps = kvm__arch_required_caps(&nr_arch);
	missing += kvm__check_cap_list(kvm, arch_caps, nr_arch);
	return missing ? -1 : 0;
}

static int kvm__max_vcpus(struct kvm *kvm)
{
	int max = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;	/* what the API documents when neither exists */
	return max;
}

static int kvm__check_vcpus(struct kvm *kvm)
{
	int max = kvm__max_vcpus(kvm);

	if (kvm->cfg.nrcpus < 1)
		return error("the guest needs at least one vCPU (-c %d)",
			     kvm->cfg.nrcpus);
	if (kvm->cfg.nrcpus > max)
		return error("-c %d: this host's KVM allows at most %d vCPUs per VM",
			     kvm->cfg.nrcpus, max);
	if (kvm->cfg.nrcpus > KVM_ARCH_MAX_VCPUS)
		return error("-c %d: lkvm describes at most %d vCPUs to the guest",
			     kvm->cfg.nrcpus, KVM_ARCH_MAX_VCPUS);
	kvm->nrcpus = kvm->cfg.nrcpus;
	return 0;
}

static int kvm__read_kernel(struct kvm *kvm)
{
	const char *path = kvm->cfg.kernel_filename;
	struct stat st;
	void *image;
	int fd;

	if (!path)
		return error("no guest kernel given (-k)");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open the kernel %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error("the kernel %s is not a regular file", path);
	}
	if ((u64)st.st_size > KVM_MAX_KERNEL_SIZE) {
		close(fd);
		return error("the kernel %s is too big (%llu MiB, at most %llu MiB)",
			     path, (unsigned long long)st.st_size >> 20,
			     KVM_MAX_KERNEL_SIZE >> 20);
	}

	if (!st.st_size) {
		close(fd);
		return error("the kernel %s is empty", path);
	}

	/*
	 * Mapped, not read: only the parts the loader copies into guest
	 * RAM are ever read (a vmlinux is mostly symbols and debug info),
	 * and none of it stays in lkvm's memory once the guest has it.
	 */
	image = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (image == MAP_FAILED)
		return error("cannot map the kernel %s: %s", path, strerror(errno));
	kvm->kernel_image = image;
	kvm->kernel_size = st.st_size;
	return 0;
}

static void kvm__drop_kernel(struct kvm *kvm)
{
	if (kvm->kernel_image)
		munmap(kvm->kernel_image, kvm->kernel_size);
	kvm->kernel_image = NULL;
	kvm->kernel_size = 0;
}

static int kvm__check_initrd(struct kvm *kvm)
{
	const char *path = kvm->cfg.initrd_filename;
	struct stat st;

	if (!path)
		return 0;
	if (stat(path, &st) < 0)
		return error("cannot use the initrd %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return error("the initrd %s is not a regular file", path);
	if (access(path, R_OK) < 0)
		return error("cannot read the initrd %s: %s", path, strerror(errno));
	return 0;
}

static int kvm__create_vm(struct kvm *kvm)
{
	do {
		kvm->vm_fd = ioctl(kvm->sys_fd, KVM_CREATE_VM, 0);
	} while (kvm->vm_fd < 0 && errno == EINTR);

	if (kvm->vm_fd < 0)
		return error("KVM_CREATE_VM: %s", strerror(errno));
	/* The page of the vCPU mapping with the ring of coalesced writes. */
	kvm->coalesced_page = ioctl(kvm->vm_fd, KVM_CHECK_EXTENSION,
				    KVM_CAP_COALESCED_MMIO);
	if (kvm->coalesced_page < 0)
		kvm->coalesced_page = 0;
	return 0;
}

void kvm__append_cmdline(struct kvm *kvm, const char *arg)
{
	char *old = kvm->cmdline;

	if (!arg || !*arg)
		return;
	if (!old) {
		kvm->cmdline = xstrdup(arg);
		return;
	}
	kvm->cmdline = xasprintf("%s %s", old, arg);
	free(old);
}

/*
 * Everything that can be checked without a VM is checked first, so that a
 * bad command line or kernel file never creates one.
 */
int kvm__init(struct kvm *kvm)
{
	if (kvm__open_dev(kvm) < 0 || kvm__check_caps(kvm) < 0 ||
	    kvm__check_vcpus(kvm) < 0)
		return -1;
	startup__mark("open /dev/kvm");
	kvm__append_cmdline(kvm, kvm__arch_default_cmdline(kvm));
	kvm__append_cmdline(kvm, kvm->cfg.kernel_cmdline);
	if (kvm__read_kernel(kvm) < 0 || kvm__check_initrd(kvm) < 0)
		return -1;
	if (kvm__arch_probe_kernel(kvm) < 0)
		return -1;
	startup__mark("read the kernel");

	if (kvm__create_vm(kvm) < 0)
		return -1;
	startup__mark("KVM_CREATE_VM");
	if (kvm__arch_init(kvm) < 0)
		return -1;
	startup__mark("arch init: RAM, irqchip");
	initcalls_ran = true;
	if (init_list__init(kvm) < 0)
		return -1;
	if (kvm__arch_load_kernel(kvm) < 0)
		return -1;
	/* The guest has its copy. */
	kvm__drop_kernel(kvm);
	startup__mark("load the kernel and initrd");
	return 0;
}

/*
 * Reads the initrd (if any) into the highest page-aligned place below
 * @max_end, above @min_addr (the end of the kernel).
 */
int kvm__load_initrd(struct kvm *kvm, u64 min_addr, u64 max_end, u64 *addr,
		     u64 *size)
{
	const char *path = kvm->cfg.initrd_filename;
	struct stat st;
	u64 start;
	void *dst;
	int fd;

	*addr = *size = 0;
	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open the initrd %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		goto err_io;
	if ((u64)st.st_size > max_end || max_end - st.st_size < min_addr) {
		close(fd);
		return error("the initrd %s (%llu MiB) does not fit in guest memory with the kernel: give the guest more (-m)",
			     path, (unsigned long long)st.st_size >> 20);
	}
	start = round_down(max_end - st.st_size, (u64)SZ_4K);
	if (start < min_addr) {
		close(fd);
		return error("the initrd %s does not fit between the kernel and 0x%llx: give the guest more memory (-m)",
			     path, (unsigned long long)max_end);
	}
	dst = guest_range_to_host(kvm, start, st.st_size);
	if (!dst || pread_in_full(fd, dst, st.st_size, 0) != st.st_size)
		goto err_io;
	close(fd);
	*addr = start;
	*size = st.st_size;
	return 0;

err_io:
	error("cannot read the initrd %s: %s", path, strerror(errno));
	close(fd);
	return -1;
}

int kvm__exit(struct kvm *kvm)
{
	int ret = 0;

	/*
	 * The gdb stub pauses, resumes and reads vCPUs from its own thread:
	 * it ends before they are joined and freed.
	 */
	gdb__stop(kvm);
	kvm_cpu__exit_all(kvm);
	if (initcalls_ran && init_list__exit(kvm) < 0)
		ret = -1;
	initcalls_ran = false;
	kvm__arch_exit(kvm);
	kvm__free_ram(kvm);

	if (kvm->vm_fd >= 0)
		close(kvm->vm_fd);
	if (kvm->sys_fd >= 0)
		close(kvm->sys_fd);
	main_loop__exit(kvm);
	if (kvm->exit_fd >= 0)
		close(kvm->exit_fd);
	kvm__drop_kernel(kvm);
	free(kvm->cmdline);
	free(kvm);
	return ret;
}

void kvm__irq_line(struct kvm *kvm, int irq, int level)
{
	struct kvm_irq_level irq_level = {
		.irq = irq__arch_kvm_irq_line(irq),
		.level = level,
	};

	/* No VM (device unit tests): nothing to raise. */
	if (kvm->vm_fd < 0)
		return;
	if (ioctl(kvm->vm_fd, KVM_IRQ_LINE, &irq_level) < 0)
		error("KVM_IRQ_LINE %d: %s", irq, strerror(errno));
}

void kvm__irq_trigger(struct kvm *kvm, int irq)
{
	kvm__irq_line(kvm, irq, 1);
	kvm__irq_line(kvm, irq, 0);
}

void kvm__request_exit(struct kvm *kvm, int status)
{
	u64 one = 1;

	mutex_lock(&exit_lock);
	if (kvm->exiting) {
		mutex_unlock(&exit_lock);
		return;
	}
	/* Once it panicked, however the guest ends is the panic's end. */
	if (kvm->guest_panicked && status < 128)
		status = LKVM_EXIT_PANIC;
	kvm->exit_status = status;
	__atomic_store_n(&kvm->exiting, true, __ATOMIC_RELEASE);
	mutex_unlock(&exit_lock);

	if (write(kvm->exit_fd, &one, sizeof(one)) < 0)
		error("cannot wake the main thread: %s", strerror(errno));
	kvm_cpu__kick_all(kvm);
	kvm_cpu__wake_parked();
}

static int do_pause(struct kvm *kvm, bool quiet)
{
	int ret = 0;

	mutex_lock(&kvm->pause_lock);
	if (kvm->paused)
		goto out;
	ret = kvm_cpu__pause_all(kvm);
	if (ret)
		goto out;
	ret = kvm__arch_pause(kvm);
	if (ret) {
		kvm_cpu__resume_all(kvm);
		goto out;
	}
	kvm->paused = true;
	if (!quiet)
		pr_info("paused");
out:
	mutex_unlock(&kvm->pause_lock);
	return ret;
}

static int do_resume(struct kvm *kvm, bool quiet)
{
	int ret = 0;

	mutex_lock(&kvm->pause_lock);
	if (!kvm->paused)
		goto out;
	ret = kvm__arch_resume(kvm);
	if (ret)
		goto out;
	kvm->paused = false;
	kvm_cpu__resume_all(kvm);
	if (!quiet)
		pr_info("resumed");
out:
	mutex_unlock(&kvm->pause_lock);
	return ret;
}

int kvm__pause(struct kvm *kvm)
{
	return do_pause(kvm, false);
}

int kvm__resume(struct kvm *kvm)
{
	return do_resume(kvm, false);
}

int kvm__pause_quiet(struct kvm *kvm)
{
	return do_pause(kvm, true);
}

int kvm__resume_quiet(struct kvm *kvm)
{
	return do_resume(kvm, true);
}

bool kvm__paused(struct kvm *kvm)
{
	bool paused;

	mutex_lock(&kvm->pause_lock);
	paused = kvm->paused;
	mutex_unlock(&kvm->pause_lock);
	return paused;
}

/* Set by the main thread's SIGINT/SIGTERM handler (see builtin-run.c). */
volatile int kvm__exit_signal;
volatile int kvm__dump_signal;

void kvm__guest_panicked(struct kvm *kvm)
{
	u64 one = 1;

	mutex_lock(&exit_lock);
	if (kvm->guest_panicked || kvm->exiting) {
		mutex_unlock(&exit_lock);
		return;
	}
	__atomic_store_n(&kvm->guest_panicked, true, __ATOMIC_RELEASE);
	mutex_unlock(&exit_lock);

	error("guest kernel panicked");
	/* The main thread keeps the time from here. */
	if (write(kvm->exit_fd, &one, sizeof(one)) < 0)
		error("cannot wake the main thread: %s", strerror(errno));
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * How long the main thread may sleep: forever, or until the end of a
 * panicked guest's grace period (@deadline, 0 until the panic); 0 once
 * it is over.
 */
static int exit_wait_ms(struct kvm *kvm, u64 *deadline)
{
	u64 now;

	if (!__atomic_load_n(&kvm->guest_panicked, __ATOMIC_ACQUIRE))
		return -1;
	now = now_ms();
	if (!*deadline)
		*deadline = now + LKVM_PANIC_GRACE_MS;
	return now >= *deadline ? 0 : *deadline - now;
}

int kvm__wait_exit(struct kvm *kvm)
{
	u64 deadline = 0;
	int timeout, ret;

	while (!kvm__exiting(kvm)) {
		timeout = exit_wait_ms(kvm, &deadline);
		if (!timeout) {
			kvm__request_exit(kvm, LKVM_EXIT_PANIC);
			break;
		}
		ret = main_loop__wait(kvm, timeout);
		if (ret < 0 && ret != -EINTR)
			die("main loop: %s", strerror(-ret));
		if (kvm__dump_signal) {
			kvm__dump_signal = 0;
			debug_dump__signal(kvm);
		}
		if (kvm__exit_signal) {
			pr_info("terminated by signal %d", kvm__exit_signal);
			kvm__request_exit(kvm, 128 + kvm__exit_signal);
		}
	}
	return kvm->exit_status;
}
