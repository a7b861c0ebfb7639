// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket of a running guest: claims the guest's name, listens
 * on ~/.lkvm/NAME.sock and answers requests on the main loop (see
 * include/kvm/control.h and control-proto.h).  The peer is whoever can
 * reach the socket, so every request is checked before it is believed; a
 * client that misbehaves, or does not read its replies, is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/control.h"
#include "kvm/kvm.h"
#include "kvm/lkvm-dir.h"
#include "kvm/main-loop.h"
#include "kvm/record.h"

/* More clients than this at once are turned away. */
#define MAX_CLIENTS	16

struct control_client {
	struct main_loop_fd mfd;
	struct list_head list;
};

static struct {
	struct main_loop_fd listen;
	char *name;
	char *sock_path;
	int lock_fd;
	struct list_head clients;
	int nr_clients;
} ctl = {
	.listen = { .fd = -1 },
	.lock_fd = -1,
	.clients = LIST_HEAD_INIT(ctl.clients),
};

static struct control_handler *handlers;

void control__register(struct control_handler *h)
{
	h->next = handlers;
	handlers = h;
}

static char *lock_path(const char *name)
{
	char *leaf = xasprintf(".%s.lock", name);
	char *path = lkvm_dir__path(leaf);

	free(leaf);
	return path;
}

char *control__sock_path(const char *name)
{
	char *leaf = xasprintf("%s.sock", name);
	char *path = lkvm_dir__path(leaf);

	free(leaf);
	return path;
}

int control__lock_name(const char *name)
{
	char *path = lock_path(name);
	struct stat fst, pst;
	int fd, tries, ret;

	/* A lock file removed under us (by its last owner) is retried. */
	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			ret = -errno;
			goto out;
		}
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
			close(fd);
			goto out;
		}
		if (!fstat(fd, &fst) && !stat(path, &pst) &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino) {
			ret = fd;
			goto out;
		}
		close(fd);
	}
	ret = -EAGAIN;
out:
	free(path);
	return ret;
}

void control__remove_name(const char *name, int lock_fd)
{
	char *path = control__sock_path(name);

	unlink(path);
	free(path);
	/* Unlinked while locked: see the retry in control__lock_name(). */
	path = lock_path(name);
	unlink(path);
	free(path);
	close(lock_fd);
}

/*
 * Closing a UNIX socket with unread data resets the peer, which may then
 * never see our last reply: stop the peer's sends, drain, then close.
 */
static void hang_up(int fd)
{
	char buf[64];

	shutdown(fd, SHUT_RDWR);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close(fd);
}

static void drop_client(struct kvm *kvm, struct control_client *c)
{
	main_loop__del(kvm, &c->mfd);
	hang_up(c->mfd.fd);
	list_del(&c->list);
	ctl.nr_clients--;
	free(c);
}

/* Puts a reply in @buf (LKVM_CTL_MAX_MSG bytes); returns its length. */
static size_t make_reply(void *buf, const struct lkvm_ctl_hdr *req, int status,
			 const void *payload, u32 len)
{
	struct lkvm_ctl_reply *r = buf;

	if (len > LKVM_CTL_MAX_MSG - sizeof(*r))
		len = 0;
	memset(r, 0, sizeof(*r));
	r->hdr.magic = LKVM_CTL_MAGIC;
	r->hdr.version = LKVM_CTL_VERSION;
	r->hdr.type = req ? req->type : 0;
	r->hdr.seq = req ? req->seq : 0;
	r->hdr.len = len + sizeof(*r) - sizeof(r->hdr);
	r->status = status;
	if (len)
		memcpy((char *)buf + sizeof(*r), payload, len);
	return sizeof(*r) + len;
}

/* false: the client does not take its replies; drop it. */
static bool send_msg(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len;
}

/* A reply without payload, to a client we are about to hang up on. */
static void send_status(int fd, int status)
{
	char buf[LKVM_CTL_MAX_MSG];

	send_msg(fd, buf, make_reply(buf, NULL, status, NULL, 0));
}

static int handle_info(struct kvm *kvm, void *reply, u32 *reply_len)
{
	struct lkvm_ctl_info *info = reply;

	memset(info, 0, sizeof(*info));
	info->pid = getpid();
	info->state = kvm__paused(kvm) ? LKVM_CTL_PAUSED : LKVM_CTL_RUNNING;
	info->nr_cpus = kvm->nrcpus;
	info->ram_size = kvm->ram_size;
	strncpy(info->name, ctl.name, sizeof(info->name) - 1);
	*reply_len = sizeof(*info);
	return 0;
}

static int dispatch(struct kvm *kvm, const struct lkvm_ctl_hdr *hdr,
		    const void *req, void *reply, u32 *reply_len)
{
	struct control_handler *h;

	*reply_len = 0;
	switch (hdr->type) {
	case LKVM_CTL_INFO:
		return handle_info(kvm, reply, reply_len);
	case LKVM_CTL_STOP:
		pr_info("stopped by 'lkvm stop'");
		kvm__request_exit(kvm, 0);
		return 0;
	case LKVM_CTL_PAUSE:
		return kvm__pause(kvm);
	case LKVM_CTL_RESUME:
		return kvm__resume(kvm);
	}
	for (h = handlers; h; h = h->next)
		if (h->type == hdr->type)
			return h->handle(kvm, req, hdr->len, reply, reply_len);
	return -EOPNOTSUPP;
}

size_t control__serve(struct kvm *kvm, const void *msg, size_t n, void *reply,
		      bool *keep)
{
	char payload[LKVM_CTL_MAX_MSG - sizeof(struct lkvm_ctl_reply)];
	struct lkvm_ctl_hdr hdr;
	u32 len;
	int status;

	*keep = false;
	if (n > LKVM_CTL_MAX_MSG)
		return make_reply(reply, NULL, -EMSGSIZE, NULL, 0);
	if (n < sizeof(hdr))
		return make_reply(reply, NULL, -EPROTO, NULL, 0);
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.magic != LKVM_CTL_MAGIC || hdr.len != n - sizeof(hdr))
		return make_reply(reply, NULL, -EPROTO, NULL, 0);
	if (hdr.version != LKVM_CTL_VERSION)
		return make_reply(reply, &hdr, -EPROTONOSUPPORT, NULL, 0);

	*keep = true;
	status = dispatch(kvm, &hdr, (const char *)msg + sizeof(hdr), payload,
			  &len);
	if (len > sizeof(payload))
		len = 0;
	return make_reply(reply, &hdr, status, payload, len);
}

/*
 * One request.  false: the client is to be dropped (it sent garbage or
 * does not read).
 */
static bool serve(struct kvm *kvm, int fd, const char *msg, ssize_t n)
{
	char reply[LKVM_CTL_MAX_MSG];
	size_t len;
	bool keep;

	len = control__serve(kvm, msg, n, reply, &keep);
	return send_msg(fd, reply, len) && keep;
}

static void client_ready(struct kvm *kvm, struct main_loop_fd *mfd, u32 events)
{
	struct control_client *c = container_of(mfd, struct control_client, mfd);
	char msg[LKVM_CTL_MAX_MSG];
	ssize_t n;

	if (events & EPOLLIN) {
		/* MSG_TRUNC: the datagram's real length, even if longer. */
		n = recv(mfd->fd, msg, sizeof(msg), MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			record_buf(RECORD_CONTROL, msg, min_t(size_t, n, sizeof(msg)));
		if (n > 0 && serve(kvm, mfd->fd, msg, n))
			return;
	}
	drop_client(kvm, c);
}

/* Only our own user, and root, may control the guest. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void listen_ready(struct kvm *kvm, struct main_loop_fd *mfd, u32 events)
{
	struct control_client *c;
	int fd;

	fd = accept4(mfd->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!peer_allowed(fd)) {
		send_status(fd, -EACCES);
		hang_up(fd);
		return;
	}
	if (ctl.nr_clients >= MAX_CLIENTS) {
		send_status(fd, -EBUSY);
		hang_up(fd);
		return;
	}

	c = xzalloc(sizeof(*c));
	c->mfd.fd = fd;
	c->mfd.handler = client_ready;
	if (main_loop__add(kvm, &c->mfd, EPOLLIN)) {
		close(fd);
		free(c);
		return;
	}
	list_add(&c->list, &ctl.clients);
	ctl.nr_clients++;
}

static int open_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return error("control socket %s: the path is too long for a UNIX socket",
			     path);
	strcpy(addr.sun_path, path);

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error("control socket: %m");
	/* Ours, held under the name's lock: any file there is stale. */
	unlink(path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(path, 0600) || listen(fd, 8)) {
		error("control socket %s: %m", path);
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

int control__start(struct kvm *kvm, const char *name)
{
	int ret;

	if (!lkvm_dir__valid_name(name))
		return error("--name %s: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.')",
			     name);
	/*
	 * Without a usable ~/.lkvm the guest runs all the same, only out of
	 * reach of lkvm list, stop and the rest; a name clash is fatal.
	 */
	if (lkvm_dir__create())
		goto no_control;
	ret = control__lock_name(name);
	if (ret == -EBUSY)
		return error("--name %s: a guest of that name is running already (see 'lkvm list')",
			     name);
	if (ret < 0) {
		error("--name %s: cannot take its lock: %s", name, strerror(-ret));
		goto no_control;
	}
	ctl.lock_fd = ret;
	ctl.name = xstrdup(name);
	ctl.sock_path = control__sock_path(name);

	ctl.listen.fd = open_socket(ctl.sock_path);
	if (ctl.listen.fd < 0)
		goto err;
	ctl.listen.handler = listen_ready;
	ret = main_loop__add(kvm, &ctl.listen, EPOLLIN);
	if (ret) {
		error("control socket: %s", strerror(-ret));
		close(ctl.listen.fd);
		ctl.listen.fd = -1;
		goto err;
	}
	return 0;

err:
	control__stop(kvm);
no_control:
	warning("no control socket: lkvm list, stop, pause and resume will not see this guest");
	return 0;
}

void control__stop(struct kvm *kvm)
{
	struct control_client *c, *tmp;

	list_for_each_entry_safe(c, tmp, &ctl.clients, list)
		drop_client(kvm, c);
	if (ctl.listen.fd >= 0) {
		main_loop__del(kvm, &ctl.listen);
		close(ctl.listen.fd);
		ctl.listen.fd = -1;
	}
	if (ctl.lock_fd >= 0)
		control__remove_name(ctl.name, ctl.lock_fd);
	ctl.lock_fd = -1;
	free(ctl.name);
	free(ctl.sock_path);
	ctl.name = NULL;
	ctl.sock_path = NULL;
}
