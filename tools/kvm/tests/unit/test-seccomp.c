// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's seccomp filter, installed for real in child processes: a
 * forbidden call from a device's worker thread, which ran before the
 * filter, or from a thread started after it ends the process
 * with LKVM_EXIT_SECCOMP and a message naming the call and the thread,
 * and what the run time needs still works under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/fs.h>
#include <linux/kvm.h>

#include "kvm/log.h"
#include "kvm/pci.h"
#include "kvm/seccomp.h"
#include "kvm/virtio.h"
#include "kvm/virtio-pci.h"

#include "fake-kvm.h"
#include "tap.h"

struct child {
	int status;
	char err[4096];
};

/* Runs @fn in a child with its stderr (and stdout) captured. */
static void run_child(void (*fn)(void), struct child *c)
{
	int pipefd[2], len = 0;
	ssize_t n;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	if (pipe(pipefd)) {
		c->status = -1;
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		/* A filter that lets the child hang must fail, not stall prove. */
		alarm(20);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], c->err + len, sizeof(c->err) - 1 - len)) > 0)
		len += n;
	close(pipefd[0]);
	c->err[len] = '\0';
	if (waitpid(pid, &c->status, 0) < 0)
		c->status = -1;
}

static bool exited_with(const struct child *c, int code)
{
	if (WIFEXITED(c->status) && WEXITSTATUS(c->status) == code)
		return true;
	diag("status 0x%x, output: %s", c->status, c->err);
	return false;
}

static bool says(const struct child *c, const char *what)
{
	if (strstr(c->err, what))
		return true;
	diag("'%s' not in: %s", what, c->err);
	return false;
}

static void install(void)
{
	if (seccomp__install() < 0)
		_exit(3);
}

/*
 * A virtio device whose handler execs: it runs on the core's worker
 * thread (virtio-io), which starts when the device is registered, before
 * the filter, as every device's does.
 */
static void evil_notify(struct virtio_device *vdev, struct virtq *vq)
{
	static char prog[] = "/bin/true";
	char *const argv[] = { prog, NULL };

	execve(argv[0], argv, NULL);
}

/* Referencing the transport links it in (it registers itself). */
static int (*pci_transport)(struct kvm *, struct virtio_device *)
	__attribute__((used)) = virtio_pci__init;

static const struct virtio_device_ops evil_ops = {
	.queue_notify = evil_notify,
};

static struct virtio_device evil = {
	.name = "evil", .device_id = 4, .nr_queues = 1, .queue_size = QSIZE,
	.ops = &evil_ops,
};

static void device_execs(void)
{
	struct kvm *kvm;

	loglevel = -1;
	kvm = fake_kvm_new();
	if (pci__init(kvm) || virtio_device__register(kvm, &evil))
		_exit(4);
	install();
	/* What a driver's DRIVER_OK and queue setup would leave. */
	WRITE_ONCE(evil.status, VIRTIO_CONFIG_S_DRIVER_OK);
	WRITE_ONCE(evil.vqs[0].enabled, true);
	virtq__kick(&evil.vqs[0]);
	sleep(10);
	_exit(5);
}

static void *forker(void *arg)
{
	pid_t pid;

	pthread_setname_np(pthread_self(), "late-thread");
	pid = fork();
	if (!pid)
		_exit(0);
	return NULL;
}

static void new_thread_forks(void)
{
	pthread_t t;

	install();
	if (pthread_create(&t, NULL, forker, NULL))
		_exit(4);
	pthread_join(t, NULL);
	_exit(5);
}

static void bad_ioctl(void)
{
	int flags;

	install();
	ioctl(STDIN_FILENO, FS_IOC_GETFLAGS, &flags);
	_exit(5);
}

static void netlink_socket(void)
{
	install();
	socket(AF_NETLINK, SOCK_RAW, 0);
	_exit(5);
}

static void kill_parent(void)
{
	pid_t parent = getppid();

	install();
	kill(parent, 0);
	_exit(5);
}

static void *thread_does_io(void *arg)
{
	uint64_t v = 7;
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0 || write(fd, &v, sizeof(v)) != sizeof(v) ||
	    read(fd, &v, sizeof(v)) != sizeof(v) || v != 7)
		return (void *)1;
	close(fd);
	return NULL;
}

/* What lkvm's threads do all the time; exits 0 when all of it works. */
static void allowed_calls(void)
{
	char path[] = "/tmp/test-seccomp-XXXXXX";
	pthread_t t;
	void *ret;
	char *big;
	int fd, s, kvm;

	install();
	if (pthread_create(&t, NULL, thread_does_io, NULL) ||
	    pthread_join(t, &ret) || ret)
		_exit(10);
	big = malloc(64 << 20);
	if (!big)
		_exit(11);
	memset(big, 1, 64 << 20);
	free(big);
	fd = mkstemp(path);
	if (fd < 0 || write(fd, "x", 1) != 1 || fsync(fd) || unlink(path))
		_exit(12);
	close(fd);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		_exit(13);
	close(s);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm >= 0 && ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		_exit(14);
	if (pthread_kill(pthread_self(), 0))
		_exit(15);
	fprintf(stderr, "all allowed\n");
	exit(0);
}

int main(void)
{
	struct child c;

	if (!seccomp__supported())
		skip_all("lkvm was built without libseccomp");
	plan(14);

	run_child(device_execs, &c);
	ok(exited_with(&c, LKVM_EXIT_SECCOMP),
	   "execve from a device's worker, started before the filter: exit 159");
	ok(says(&c, "error: seccomp: thread virtio-io made the system call execve ("),
	   "... with a message naming the thread and the call");
	ok(says(&c, "--no-seccomp"), "... and how to run without the filter");

	run_child(new_thread_forks, &c);
	ok(exited_with(&c, LKVM_EXIT_SECCOMP),
	   "fork from a thread started after the filter: exit 159");
	ok(says(&c, "thread late-thread made the system call clone ("),
	   "... named as clone, from that thread");

	run_child(bad_ioctl, &c);
	ok(exited_with(&c, LKVM_EXIT_SECCOMP), "an ioctl not of KVM, vhost, tty/tun or block: exit 159");
	ok(says(&c, "the system call ioctl ("), "... named");

	run_child(netlink_socket, &c);
	ok(exited_with(&c, LKVM_EXIT_SECCOMP), "a netlink socket: exit 159");
	ok(says(&c, "the system call socket ("), "... named");

	run_child(kill_parent, &c);
	ok(exited_with(&c, LKVM_EXIT_SECCOMP), "a signal to another process: exit 159");
	ok(says(&c, "the system call kill ("), "... named");

	run_child(allowed_calls, &c);
	ok(exited_with(&c, 0),
	   "threads, eventfds, malloc, files, an IPv4 socket, KVM ioctls, exit: allowed");
	ok(says(&c, "all allowed"), "... all of them");
	ok(!strstr(c.err, "seccomp"), "... without a word from the filter");

	return exit_status();
}
