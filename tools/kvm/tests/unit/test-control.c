// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket without a guest: a struct kvm whose main loop runs
 * in a thread, served to clients in this process and in forked children.
 * What a request does to a real guest (pause, stop, ...) is tested in the
 * lab (tests/lab/control.t); here: the name's lock and socket, stale
 * sockets, name clashes, the peer check, and bad messages.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm/control.h"
#include "kvm/kvm.h"
#include "kvm/lkvm-dir.h"
#include "kvm/main-loop.h"
#include "kvm/util.h"

#include "tap.h"

static struct kvm *kvm;
static pthread_t loop_thread;
static volatile bool loop_stop;
static char home[64];

static void *loop(void *arg)
{
	while (!loop_stop && !kvm__exiting(kvm))
		main_loop__wait(kvm, 50);
	return NULL;
}

static char *path_of(const char *leaf)
{
	return xasprintf("%s/.lkvm/%s", home, leaf);
}

static bool exists(const char *leaf)
{
	char *p = path_of(leaf);
	struct stat st;
	bool ret = !lstat(p, &st);

	free(p);
	return ret;
}

/* A raw client, for messages control__call() would never send. */
static int raw_connect(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *leaf = xasprintf("%s.sock", name), *p = path_of(leaf);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", p);
	free(leaf);
	free(p);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends @len bytes of @msg; the status of the reply, or 1 with none. */
static int raw_call(int fd, const void *msg, size_t len)
{
	struct lkvm_ctl_reply r;
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* A refused peer gets its reply before it sends: read it anyway. */
	send(fd, msg, len, MSG_NOSIGNAL);
	if (recv(fd, &r, sizeof(r), 0) < (ssize_t)sizeof(r) ||
	    r.hdr.magic != LKVM_CTL_MAGIC)
		return 1;
	return r.status;
}

static bool hung_up(int fd)
{
	char c;

	return recv(fd, &c, 1, 0) == 0;
}

static void test_info(void)
{
	struct lkvm_ctl_info info;
	int fd = control__connect("test1");

	ok(fd >= 0, "a client connects to the guest's socket");
	is_int(control__call(fd, LKVM_CTL_INFO, NULL, 0, &info, sizeof(info)),
	       0, "INFO succeeds");
	ok(info.pid == getpid() && !strcmp(info.name, "test1") &&
	   info.state == LKVM_CTL_RUNNING, "INFO: pid, name and state");
	is_int(control__call(fd, LKVM_CTL_INFO, NULL, 0, &info, sizeof(info)),
	       0, "two requests on one connection");
	is_int(control__call(fd, 999, NULL, 0, NULL, 0), -EOPNOTSUPP,
	       "an unknown request: -EOPNOTSUPP");
	is_int(control__call(fd, LKVM_CTL_PAUSE, NULL, 0, NULL, 0), -EAGAIN,
	       "PAUSE before any vCPU runs: -EAGAIN");
	close(fd);
}

static void test_bad_messages(void)
{
	struct lkvm_ctl_hdr hdr = {
		.magic = LKVM_CTL_MAGIC, .version = LKVM_CTL_VERSION,
		.type = LKVM_CTL_INFO,
	};
	static char big[LKVM_CTL_MAX_MSG + 100];
	int fd;

	fd = raw_connect("test1");
	is_int(raw_call(fd, "garbage!garbage!garbage!", 24), -EPROTO,
	       "garbage: -EPROTO");
	ok(hung_up(fd), "... and lkvm hangs up");
	close(fd);

	fd = raw_connect("test1");
	is_int(raw_call(fd, &hdr, 5), -EPROTO, "a truncated header: -EPROTO");
	close(fd);

	fd = raw_connect("test1");
	hdr.len = 100;
	is_int(raw_call(fd, &hdr, sizeof(hdr)), -EPROTO,
	       "a length beyond the message: -EPROTO");
	close(fd);

	fd = raw_connect("test1");
	hdr.len = sizeof(big) - sizeof(hdr);
	memcpy(big, &hdr, sizeof(hdr));
	is_int(raw_call(fd, big, sizeof(big)), -EMSGSIZE,
	       "an oversized message: -EMSGSIZE");
	close(fd);

	fd = raw_connect("test1");
	hdr.len = 0;
	hdr.version = LKVM_CTL_VERSION + 1;
	is_int(raw_call(fd, &hdr, sizeof(hdr)), -EPROTONOSUPPORT,
	       "another protocol version: -EPROTONOSUPPORT");
	close(fd);

	/* A client that dies mid-way changes nothing. */
	fd = raw_connect("test1");
	close(fd);
	fd = control__connect("test1");
	is_int(control__call(fd, LKVM_CTL_INFO, NULL, 0, big, 64), 0,
	       "the guest's lkvm still answers after all that");
	close(fd);
}

/* In a child: claims @name and waits to be killed (or exits if it cannot). */
static pid_t child_guest(const char *name)
{
	pid_t pid = fork();
	struct kvm *k;

	if (pid)
		return pid;
	k = kvm__new();
	if (control__start(k, name) < 0)
		_exit(3);
	for (;;)
		main_loop__wait(k, 1000);
}

static int child_status(pid_t pid)
{
	int status;

	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_clash_and_stale(void)
{
	pid_t pid;
	int fd, i;

	pid = child_guest("test1");
	is_int(child_status(pid), 3, "a second guest named test1 is refused");

	pid = child_guest("test2");
	for (i = 0; i < 200 && !exists("test2.sock"); i++)
		usleep(10000);
	ok(exists("test2.sock"), "another guest, test2, has its socket");
	kill(pid, SIGKILL);
	child_status(pid);
	ok(exists("test2.sock"), "a SIGKILLed guest leaves its socket behind");
	fd = control__connect("test2");
	ok(fd < 0 && !exists("test2.sock") && !exists(".test2.lock"),
	   "connecting finds it stale and removes it");

	pid = child_guest("test3");
	for (i = 0; i < 200 && !exists("test3.sock"); i++)
		usleep(10000);
	kill(pid, SIGKILL);
	child_status(pid);
	pid = child_guest("test3");
	for (i = 0; i < 200 && (fd = raw_connect("test3")) < 0; i++)
		usleep(10000);
	close(fd);
	fd = control__connect("test3");
	ok(fd >= 0, "a new guest takes over the name of a dead one");
	close(fd);
	kill(pid, SIGKILL);
	child_status(pid);
	ok(control__connect("nosuchguest") < 0, "a guest that does not exist");
	ok(control__connect("../etc") < 0, "a name that is not one");
}

static int count_guest(const char *name, void *data)
{
	(*(int *)data)++;
	return 0;
}

static void test_for_each(void)
{
	int n = 0, ret;
	pid_t pid = child_guest("test4");
	int i;

	for (i = 0; i < 200 && !exists("test4.sock"); i++)
		usleep(10000);
	kill(pid, SIGKILL);
	child_status(pid);
	ret = control__for_each_guest(count_guest, &n);
	ok(ret == 1 && n == 1 && !exists("test4.sock"),
	   "the guests are test1 alone; test4's stale socket is removed");
}

/* Someone else, who could reach the socket: SO_PEERCRED turns them away. */
static void test_other_user(void)
{
	char *dir = path_of(""), *sock = path_of("test1.sock");
	pid_t pid;
	int fd, st;

	if (geteuid()) {
		skip(2, "needs root to be another user");
		goto out;
	}
	pid = fork();
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = raw_connect("test1");
		_exit(fd < 0 ? 11 : 12);
	}
	is_int(child_status(pid), 11, "another user cannot reach the socket (0700 directory)");

	/* Open the way on purpose: the peer check is the second wall. */
	chmod(home, 0755);
	chmod(dir, 0755);
	chmod(sock, 0666);
	pid = fork();
	if (!pid) {
		struct lkvm_ctl_hdr hdr = {
			.magic = LKVM_CTL_MAGIC, .version = LKVM_CTL_VERSION,
			.type = LKVM_CTL_STOP,
		};

		if (setgid(65534) || setuid(65534))
			_exit(10);
		fd = raw_connect("test1");
		if (fd < 0)
			_exit(11);
		st = raw_call(fd, &hdr, sizeof(hdr));
		if (st != -EACCES)
			diag("the other user's request got %d", st);
		_exit(st == -EACCES ? 0 : 13);
	}
	is_int(child_status(pid), 0, "another user who reaches it gets -EACCES");
	chmod(dir, 0700);
out:
	ok(!kvm__exiting(kvm), "and the guest runs on");
	free(dir);
	free(sock);
}

int main(void)
{
	char *sock;
	int fd;

	plan(31);
	snprintf(home, sizeof(home), "/tmp/lkvm-control.XXXXXX");
	if (!mkdtemp(home))
		skip_all("mkdtemp");
	setenv("HOME", home, 1);

	kvm = kvm__new();
	ok(!control__start(kvm, "test1"), "a guest named test1 claims its name");
	ok(exists("test1.sock") && exists(".test1.lock"), "its socket and lock");
	sock = path_of("test1.sock");
	{
		struct stat st;

		ok(!stat(sock, &st) && (st.st_mode & 0777) == 0600,
		   "the socket is 0600");
		free(sock);
		sock = path_of("");
		ok(!stat(sock, &st) && (st.st_mode & 0777) == 0700,
		   "~/.lkvm is 0700");
		free(sock);
	}
	pthread_create(&loop_thread, NULL, loop, NULL);

	test_info();
	test_bad_messages();
	test_clash_and_stale();
	test_for_each();
	test_other_user();

	fd = control__connect("test1");
	is_int(control__call(fd, LKVM_CTL_STOP, NULL, 0, NULL, 0), 0, "STOP");
	ok(kvm__exiting(kvm) && kvm->exit_status == 0,
	   "STOP ends the VM with status 0");
	close(fd);
	loop_stop = true;
	pthread_join(loop_thread, NULL);
	control__stop(kvm);
	ok(!exists("test1.sock") && !exists(".test1.lock"),
	   "the socket and the lock are gone at exit");
	return exit_status();
}
