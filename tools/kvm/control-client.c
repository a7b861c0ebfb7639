// SPDX-License-Identifier: GPL-2.0
/*
 * The client side of the control socket (include/kvm/control.h): what
 * lkvm list, stop, pause, resume, balloon and stat use to talk to the
 * lkvm that runs a guest.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/control.h"
#include "kvm/lkvm-dir.h"

/* A reply that takes longer than this means the guest's lkvm is stuck. */
#define REPLY_TIMEOUT_MS	10000

/*
 * The stale socket of a guest that died: a free lock says its lkvm is
 * gone.  Removes it and returns true if it really is one.
 */
static bool remove_if_stale(const char *name)
{
	int lock = control__lock_name(name);

	if (lock < 0)
		return false;
	control__remove_name(name, lock);
	return true;
}

int control__connect(const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char *path;
	int fd, err;

	if (!lkvm_dir__valid_name(name))
		return error("'%s' is not a guest name (letters, digits, '.', '_', '-')",
			     name);
	path = control__sock_path(name);
	if (strlen(path) >= sizeof(addr.sun_path)) {
		error("%s: the path is too long for a UNIX socket", path);
		free(path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	free(path);

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error("socket: %m");
	if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return fd;

	err = errno;
	close(fd);
	switch (err) {
	case ENOENT:
		return error("no guest named '%s' is running (see 'lkvm list')",
			     name);
	case ECONNREFUSED:
		remove_if_stale(name);
		return error("the guest '%s' is not running any more (its lkvm died; its stale socket was removed)",
			     name);
	case EACCES:
	case EPERM:
		return error("the guest '%s' belongs to another user", name);
	default:
		return error("cannot reach the guest '%s': %s", name,
			     strerror(err));
	}
}

static int wait_reply(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return error("poll: %m");
	if (!n)
		return error("the guest's lkvm did not answer within %d s",
			     timeout_ms / 1000);
	return 0;
}

int control__call(int fd, u16 type, const void *req, u32 req_len,
		  void *reply, u32 reply_len)
{
	return control__call_timeout(fd, type, req, req_len, reply, reply_len,
				     REPLY_TIMEOUT_MS);
}

int control__call_timeout(int fd, u16 type, const void *req, u32 req_len,
			  void *reply, u32 reply_len, int timeout_ms)
{
	static u32 seq;
	char buf[LKVM_CTL_MAX_MSG];
	struct lkvm_ctl_hdr *hdr = (struct lkvm_ctl_hdr *)buf;
	struct lkvm_ctl_reply r;
	ssize_t n;

	if (req_len > sizeof(buf) - sizeof(*hdr))
		return -EMSGSIZE;
	hdr->magic = LKVM_CTL_MAGIC;
	hdr->version = LKVM_CTL_VERSION;
	hdr->type = type;
	hdr->seq = ++seq;
	hdr->len = req_len;
	if (req_len)
		memcpy(buf + sizeof(*hdr), req, req_len);
	/* Refused (another user, too many clients): the reason may be waiting. */
	if (send(fd, buf, sizeof(*hdr) + req_len, MSG_NOSIGNAL) < 0 &&
	    errno != EPIPE) {
		error("cannot send to the guest's lkvm: %m");
		return -EIO;
	}

	if (wait_reply(fd, timeout_ms))
		return -EIO;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		error("no reply from the guest's lkvm: %m");
		return -EIO;
	}
	if (n < (ssize_t)sizeof(r)) {
		error("the guest's lkvm hung up%s", n ? " mid-reply" : "");
		return -EIO;
	}
	memcpy(&r, buf, sizeof(r));
	if (r.hdr.magic != LKVM_CTL_MAGIC) {
		error("a reply that is not lkvm's came back");
		return -EIO;
	}
	if (r.status == -EPROTONOSUPPORT) {
		error("the guest's lkvm speaks another version of the control protocol (%u, this lkvm %u)",
		      r.hdr.version, LKVM_CTL_VERSION);
		return -EIO;
	}
	n -= sizeof(r);
	memset(reply, 0, reply_len);
	memcpy(reply, buf + sizeof(r), min_t(size_t, n, reply_len));
	return r.status;
}

int control__simple_command(const char *name, u16 type, const char *done)
{
	int fd, ret;

	fd = control__connect(name);
	if (fd < 0)
		return 1;
	ret = control__call(fd, type, NULL, 0, NULL, 0);
	close(fd);
	if (ret == -EIO)
		return 1;
	if (ret) {
		error("%s: %s", name, strerror(-ret));
		return 1;
	}
	if (done)
		printf("%s %s\n", name, done);
	return 0;
}

int control__guest_command(int argc, const char **argv,
			   const char * const usage[], u16 type, const char *done)
{
	const struct option options[] = {
		OPT_END()
	};

	argc = parse_options(argc, argv, options, usage, 0);
	if (argc != 1) {
		error("name one guest (see 'lkvm list')");
		usage_with_options(usage, options);
	}
	return control__simple_command(argv[0], type, done);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The NAMEs of ~/.lkvm/NAME.sock, sorted; *@nr of them. */
static char **socket_names(int *nr)
{
	char *dir_path = lkvm_dir__path(NULL);
	DIR *dir = opendir(dir_path);
	struct dirent *de;
	char **names = NULL;
	size_t len;

	*nr = 0;
	free(dir_path);
	if (!dir)
		return NULL;
	while ((de = readdir(dir))) {
		len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		names = xrealloc(names, (*nr + 1) * sizeof(*names));
		names[(*nr)++] = xasprintf("%.*s", (int)len - 5, de->d_name);
	}
	closedir(dir);
	if (*nr)
		qsort(names, *nr, sizeof(*names), name_cmp);
	return names;
}

int control__for_each_guest(int (*fn)(const char *name, void *data),
			    void *data)
{
	char **names;
	int i, nr, count = 0, ret = 0;

	names = socket_names(&nr);
	for (i = 0; i < nr; i++) {
		if (!lkvm_dir__valid_name(names[i]) || remove_if_stale(names[i]))
			continue;
		if (!ret && fn(names[i], data) < 0)
			ret = -1;
		count++;
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	return ret ? ret : count;
}
