// SPDX-License-Identifier: GPL-2.0
/*
 * The system call filter of a running lkvm (see include/kvm/seccomp.h).
 *
 * Once the VM is built, what lkvm still does is its run loop, the main
 * loop with the control socket, and the devices' data paths: the 9p
 * server's file system calls, libslirp's sockets, I/O on disk images,
 * taps, eventfds and io_uring, and ioctls on KVM, vhost and tun.  The
 * filter allows that and nothing else: no execve or fork (tap script=
 * runs while the VM is built, before the filter), no new kind of socket
 * but the IPv4 and IPv6 ones libslirp opens, no ioctl but KVM's,
 * vhost's, the tty/tun ones and the block device ones virtio-blk's
 * discard uses, no signal to another process, no new thread that is not
 * one of ours.  Everything else traps.
 *
 * SECCOMP_RET_TRAP rather than RET_KILL_PROCESS: the SIGSYS handler
 * names the system call and the thread, gives the terminal back and
 * ends the whole process with exit_group(), so a guest that finds a way
 * to a forbidden call gets lkvm ended, never stuck or half dead.  Should
 * the handler itself trip the filter (SIGSYS is blocked while it runs),
 * or a thread block SIGSYS, the kernel kills the process instead: the
 * same exit status, only without the message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm/log.h"
#include "kvm/seccomp.h"

#ifdef CONFIG_HAS_LIBSECCOMP
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/kernel.h>
#include <seccomp.h>

#include "kvm/tty.h"

/* ioctl types (_IOC_TYPE, bits 8-15 of the number) the run time uses. */
#define IOCTL_TYPE_MASK		0xff00
#define IOCTL_TYPE_KVM		0xae00	/* KVMIO: the VM, vCPUs, MSIs, clock */
#define IOCTL_TYPE_VHOST	0xaf00	/* VHOST_VIRTIO: vrings, backend */
#define IOCTL_TYPE_TTY_TUN	0x5400	/* 'T': termios, FIONREAD, TUNSET* */
#define IOCTL_TYPE_BLOCK	0x1200	/* BLKDISCARD, BLKZEROOUT */

/* si_code of a seccomp trap (asm-generic/siginfo.h; glibc lacks it). */
#define SI_CODE_SECCOMP		1

/* Names of system calls by number, for the SIGSYS handler (no malloc). */
#define MAX_SYSCALL_NAMES	1024
static const char *syscall_names[MAX_SYSCALL_NAMES];
/* Its AUDIT_ARCH_*, which libseccomp's SCMP_ARCH_* values are. */
static unsigned int native_arch;

/* Allowed with any arguments. */
static const int allowed_syscalls[] = {
	/* memory: malloc, thread stacks, io_uring rings, balloon */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(mincore),
	/* threads, locks, signals of our own */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(sigaltstack), SCMP_SYS(restart_syscall),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(capget), SCMP_SYS(umask),
	/* glibc's qsort() asks how much memory there is (--debug-exits) */
	SCMP_SYS(sysinfo),
	/* time: the RTC, timeouts, when the vDSO is not there */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	/* descriptors: eventfds, disk images, taps, the console, 9p files */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv),
	SCMP_SYS(pwritev), SCMP_SYS(preadv2), SCMP_SYS(pwritev2),
	SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(dup), SCMP_SYS(dup3),
	SCMP_SYS(fcntl), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(fstatat64), SCMP_SYS(statx), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(fallocate), SCMP_SYS(ftruncate),
	SCMP_SYS(flock), SCMP_SYS(eventfd2), SCMP_SYS(pipe2),
	/* waiting: the main loop, virtio workers, the terminal, libslirp */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	/*
	 * virtio-blk's io_uring: its rings exist already, and may only read
	 * and write (virtio/blk.c); no new ring, no change to them
	 */
	SCMP_SYS(io_uring_enter),
	/* virtio-rng */
	SCMP_SYS(getrandom),
	/* the 9p server, below its share's descriptors (fid.c) */
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(open),
	SCMP_SYS(getdents64), SCMP_SYS(mkdirat), SCMP_SYS(mkdir),
	SCMP_SYS(mknodat), SCMP_SYS(symlinkat), SCMP_SYS(symlink),
	SCMP_SYS(linkat), SCMP_SYS(link), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(rename), SCMP_SYS(unlinkat),
	SCMP_SYS(unlink), SCMP_SYS(rmdir), SCMP_SYS(readlinkat),
	SCMP_SYS(readlink), SCMP_SYS(fchmod), SCMP_SYS(fchmodat),
	SCMP_SYS(chmod), SCMP_SYS(fchown), SCMP_SYS(fchownat),
	SCMP_SYS(lchown), SCMP_SYS(chown), SCMP_SYS(utimensat),
	SCMP_SYS(truncate), SCMP_SYS(statfs), SCMP_SYS(fstatfs),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(getxattr), SCMP_SYS(lgetxattr), SCMP_SYS(fgetxattr),
	SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr),
	SCMP_SYS(listxattr), SCMP_SYS(llistxattr), SCMP_SYS(flistxattr),
	SCMP_SYS(removexattr), SCMP_SYS(lremovexattr), SCMP_SYS(fremovexattr),
	/* sockets: the control socket's clients, libslirp's connections */
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(shutdown), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
};

/*
 * Allowed when argument @arg compares (@op) true with @a (and @b: for
 * SCMP_CMP_MASKED_EQ, the argument masked with @a is @b).
 */
struct arg_rule {
	int nr;
	unsigned int arg;
	enum scmp_compare op;
	scmp_datum_t a, b;
};

#define IOCTL_OF(type) \
	{ SCMP_SYS(ioctl), 1, SCMP_CMP_MASKED_EQ, IOCTL_TYPE_MASK, type }

static const struct arg_rule arg_rules[] = {
	IOCTL_OF(IOCTL_TYPE_KVM),
	IOCTL_OF(IOCTL_TYPE_VHOST),
	IOCTL_OF(IOCTL_TYPE_TTY_TUN),
	IOCTL_OF(IOCTL_TYPE_BLOCK),
	/* pthread_create()'s clone: a thread, never a new process */
	{ SCMP_SYS(clone), 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD },
	/*
	 * libslirp's TCP, UDP and ICMP sockets; the gdb stub's, which
	 * 'lkvm debug NAME --gdb' starts while the guest runs, on TCP or a
	 * UNIX socket.
	 */
	{ SCMP_SYS(socket), 0, SCMP_CMP_EQ, AF_INET },
	{ SCMP_SYS(socket), 0, SCMP_CMP_EQ, AF_INET6 },
	{ SCMP_SYS(socket), 0, SCMP_CMP_EQ, AF_UNIX },
	/*
	 * glibc's first pthread_create() sets a handler of its own; the
	 * trap's handler stays ours.
	 */
	{ SCMP_SYS(rt_sigaction), 0, SCMP_CMP_NE, SIGSYS },
	/* pthread_setname_np() of our own threads, the handler's name */
	{ SCMP_SYS(prctl), 0, SCMP_CMP_EQ, PR_SET_NAME },
	{ SCMP_SYS(prctl), 0, SCMP_CMP_EQ, PR_GET_NAME },
};

static void put_str(char *buf, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		buf[(*len)++] = *s++;
	buf[*len] = '\0';
}

static void put_num(char *buf, size_t size, size_t *len, unsigned long n)
{
	char digits[24];
	int i = sizeof(digits) - 1;

	digits[i] = '\0';
	do {
		digits[--i] = '0' + n % 10;
		n /= 10;
	} while (n && i > 0);
	put_str(buf, size, len, &digits[i]);
}

/*
 * Async-signal-safe only: the forbidden call may have come from inside
 * malloc or stdio, whose locks it may hold.
 */
static void sigsys_handler(int sig, siginfo_t *info, void *uctx)
{
	char msg[512], thread[17] = "?";
	const char *name = NULL;
	size_t len = 0;
	int nr = info->si_syscall;

	term_restore_all();
	prctl(PR_GET_NAME, thread, 0, 0, 0);
	thread[16] = '\0';
	if (info->si_arch == native_arch && nr >= 0 && nr < MAX_SYSCALL_NAMES)
		name = syscall_names[nr];

	put_str(msg, sizeof(msg), &len, "\r\nerror: seccomp: thread ");
	put_str(msg, sizeof(msg), &len, thread);
	if (info->si_code == SI_CODE_SECCOMP) {
		put_str(msg, sizeof(msg), &len, " made the system call ");
		put_str(msg, sizeof(msg), &len, name ? name :
			info->si_arch == native_arch ? "(unknown)" :
			"of another architecture's ABI");
		put_str(msg, sizeof(msg), &len, " (");
		put_num(msg, sizeof(msg), &len, (unsigned int)nr);
		put_str(msg, sizeof(msg), &len,
			"), which lkvm's filter does not allow: lkvm ends here. This is a bug of lkvm (or an attack by the guest); --no-seccomp runs without the filter\n");
	} else {
		put_str(msg, sizeof(msg), &len, " got SIGSYS: lkvm ends here\n");
	}
	/* Without stderr, the exit status still tells. */
	if (write(STDERR_FILENO, msg, len) < 0)
		len = 0;
	_exit(LKVM_EXIT_SECCOMP);
}

static void resolve_names(void)
{
	int nr;

	native_arch = seccomp_arch_native();
	if (syscall_names[0])
		return;
	for (nr = 0; nr < MAX_SYSCALL_NAMES; nr++)
		syscall_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
								     nr);
}

static int add_rules(scmp_filter_ctx ctx)
{
	const struct arg_rule *r;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(allowed_syscalls); i++) {
		/*
		 * A call this architecture does not have (arm64: open,
		 * stat, poll, select, epoll_wait...; glibc uses the *at and
		 * p* forms there): libseccomp's pseudo number, negative.
		 */
		if (allowed_syscalls[i] < 0)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(arg_rules); i++) {
		r = &arg_rules[i];
		if (r->nr < 0)
			continue;
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
				       SCMP_CMP(r->arg, r->op, r->a, r->b));
		if (ret)
			return ret;
	}
	/* The target process is always us (raise, pthread_kill). */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
			       SCMP_A0(SCMP_CMP_EQ, getpid()));
	if (ret)
		return ret;
	/*
	 * clone3's flags are in memory, where the filter cannot look: glibc
	 * takes ENOSYS for "no clone3" and uses clone, which is checked.
	 */
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

bool seccomp__supported(void)
{
	return true;
}

int seccomp__install(void)
{
	struct sigaction sa = {
		.sa_sigaction = sigsys_handler,
		.sa_flags = SA_SIGINFO,
	};
	scmp_filter_ctx ctx;
	int ret;

	resolve_names();
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return error("seccomp: sigaction(SIGSYS): %s", strerror(errno));

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		return error("seccomp: cannot set up the system call filter");
	/* Every thread now: the devices' workers run already. */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!ret)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);
	if (!ret)
		ret = add_rules(ctx);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret)
		return error("seccomp: cannot install the system call filter: %s (--no-seccomp runs without it)",
			     strerror(-ret));
	pr_debug("seccomp: system call filter installed");
	return 0;
}

#else /* !CONFIG_HAS_LIBSECCOMP */

bool seccomp__supported(void)
{
	return false;
}

int seccomp__install(void)
{
	warning("built without libseccomp: lkvm runs without a system call filter");
	return 0;
}

#endif
