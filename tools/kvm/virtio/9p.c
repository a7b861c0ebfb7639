// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p: shares a host directory with the guest
 * (--9p DIR,TAG[,ro][,security=mapped|passthrough][,threads=N]).  The
 * device is a single request queue; the protocol lives in virtio/9p/
 * (server.c, and attr.c for what the security models mean).  The queue's
 * own thread pops requests and hands them to the share's pool of workers
 * (virtio/9p/pool.c), which push each reply when it is ready, so that a
 * slow host operation holds up neither a vCPU, another device, nor the
 * share's other requests.
 *
 * kvmconfig: CONFIG_NETWORK_FILESYSTEMS=y CONFIG_NET_9P=y
 * kvmconfig: CONFIG_NET_9P_VIRTIO=y CONFIG_9P_FS=y
 * kvmconfig optional: CONFIG_9P_FS_POSIX_ACL=y CONFIG_9P_FS_SECURITY=y
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/virtio_9p.h>
#include <linux/virtio_ids.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include <lockdep/condvar.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/9p.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/virtio-9p.h"

#define P9_QUEUE_SIZE		128
#define P9_SHARE_SYNTAX		"DIR,TAG[,ro][,security=mapped|passthrough][,threads=N]"

/* One request in flight: there are as many as the ring has entries. */
struct p9_slot {
	struct p9_pool_req req;
	struct virtq_elem *elem;
	struct virtq *vq;
	struct p9_slot *next_free;
};

struct p9_dev {
	struct virtio_device vdev;
	struct p9_server *srv;
	struct p9_pool *pool;
	char name[32];
	struct virtio_9p_config *config;

	struct mutex slots_lock;	/* free_slots */
	struct condvar slot_freed;
	struct p9_slot *free_slots;
	struct p9_slot slots[P9_QUEUE_SIZE];
};

/* --9p, and the default root file system's shares (builtin-setup.c). */
static struct p9_share_params shares[LKVM_MAX_9P_SHARES];
static int nr_shares;

static struct p9_dev *p9_devs[LKVM_MAX_9P_SHARES];
static int nr_p9_devs;

/*
 * The ring bounds the requests in flight, but a slot goes back to the list
 * just after its reply is pushed: the guest may reuse the entry first, so
 * the queue thread may have to wait a moment for a slot.
 */
static struct p9_slot *p9_slot_get(struct p9_dev *p9)
{
	struct p9_slot *slot;

	mutex_lock(&p9->slots_lock);
	while (!p9->free_slots)
		condvar_wait(&p9->slot_freed, &p9->slots_lock);
	slot = p9->free_slots;
	p9->free_slots = slot->next_free;
	mutex_unlock(&p9->slots_lock);
	/*
	 * An element is 4 KiB of iovecs: made on first use, as most slots
	 * never are (the free list hands back the one freed last).
	 */
	if (!slot->elem)
		slot->elem = virtq_elem__alloc();
	return slot;
}

static void p9_slot_put(struct p9_dev *p9, struct p9_slot *slot)
{
	mutex_lock(&p9->slots_lock);
	slot->next_free = p9->free_slots;
	p9->free_slots = slot;
	condvar_signal(&p9->slot_freed);
	mutex_unlock(&p9->slots_lock);
}

/* From the pool: a reply is ready, or a flushed request's 0 bytes. */
static void p9_req_done(void *priv, struct p9_pool_req *req, size_t len)
{
	struct p9_slot *slot = container_of(req, struct p9_slot, req);

	virtq__push(slot->vq, slot->elem, len);
	/* Each reply may unblock a different guest task. */
	virtq__signal(slot->vq);
	p9_slot_put(priv, slot);
}

static void p9_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct p9_dev *p9 = vdev->priv;
	struct virtq_elem *elem;
	struct p9_slot *slot;

	for (;;) {
		slot = p9_slot_get(p9);
		elem = slot->elem;
		if (virtq__pop(vq, elem) <= 0) {
			p9_slot_put(p9, slot);
			break;
		}
		slot->vq = vq;
		slot->req.in = elem->iov;
		slot->req.nr_in = elem->out_num;
		slot->req.out = elem->iov + elem->out_num;
		slot->req.nr_out = elem->in_num;
		p9_pool_submit(p9->pool, &slot->req);
	}
}

/*
 * Device reset: the queue thread has left p9_queue_notify(), so nothing
 * new reaches the pool; what it holds must not touch the driver's
 * buffers once the reset is done, and the old session's fids go.
 */
static void p9_stop(struct virtio_device *vdev)
{
	struct p9_dev *p9 = vdev->priv;

	p9_pool_cancel(p9->pool);
	p9_server_reset(p9->srv);
}

static const struct virtio_device_ops p9_ops = {
	.queue_notify = p9_queue_notify,
	.stop = p9_stop,
};

int virtio_9p__check_tag(const char *tag)
{
	size_t len = strlen(tag);
	size_t i;

	if (!len || len > VIRTIO_9P_MAX_TAG)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (tag[i] == ',' || tag[i] <= ' ' || tag[i] > '~')
			return -EINVAL;
	return 0;
}

int virtio_9p__add_share(const char *dir, const char *tag, bool readonly,
			 enum p9_security security)
{
	struct p9_share_params *p;
	struct stat st;
	int i;

	if (nr_shares >= LKVM_MAX_9P_SHARES)
		return error("too many 9p shares (at most %d)",
			     LKVM_MAX_9P_SHARES);
	if (virtio_9p__check_tag(tag))
		return error("9p: bad tag '%s': 1 to %d printable characters, no ','",
			     tag, VIRTIO_9P_MAX_TAG);
	for (i = 0; i < nr_shares; i++)
		if (!strcmp(shares[i].tag, tag))
			return error("9p: tag '%s' used twice", tag);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return error("9p: '%s' is not a directory", dir);

	p = &shares[nr_shares++];
	p->host_dir = xstrdup(dir);
	p->tag = xstrdup(tag);
	p->readonly = readonly;
	p->security = security;
	return 0;
}

/* threads=N: 1 to P9_POOL_MAX_THREADS. */
static int parse_threads(const char *val, unsigned int *threads)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(val, &end, 10);
	if (errno || end == val || *end || !n || n > P9_POOL_MAX_THREADS)
		return -1;
	*threads = n;
	return 0;
}

/* One option after DIR,TAG: ro, security=mapped|passthrough, threads=N. */
static int parse_opt(const char *opt, bool *readonly,
		     enum p9_security *security, unsigned int *threads)
{
	if (!strncmp(opt, "threads=", 8))
		return parse_threads(opt + 8, threads);
	if (!strcmp(opt, "ro"))
		*readonly = true;
	else if (!strcmp(opt, "security=mapped"))
		*security = P9_SECURITY_MAPPED;
	else if (!strcmp(opt, "security=passthrough"))
		*security = P9_SECURITY_PASSTHROUGH;
	else
		return -1;
	return 0;
}

/* DIR,TAG[,OPT...]: a bare DIR gets its last component as the tag. */
int virtio_9p__parse_share(const char *arg)
{
	char *copy = xstrdup(arg), *dir, *tag, *opt, *save = NULL;
	enum p9_security security = P9_SECURITY_MAPPED;
	unsigned int threads = 0;
	const char *name;
	bool readonly = false;
	int ret;

	dir = strtok_r(copy, ",", &save);
	tag = strtok_r(NULL, ",", &save);
	name = tag;
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (parse_opt(opt, &readonly, &security, &threads)) {
			if (!strncmp(opt, "threads=", 8))
				error("9p: '%s' in '%s': threads=1 to %u", opt,
				      arg, P9_POOL_MAX_THREADS);
			else
				error("9p: unknown option '%s' in '%s'", opt,
				      arg);
			free(copy);
			return -1;
		}
	}
	if (!dir) {
		free(copy);
		return error("9p: expected " P9_SHARE_SYNTAX);
	}
	if (!name) {
		tag = strrchr(dir, '/');
		name = tag && tag[1] ? tag + 1 : "lkvm";
	}
	ret = virtio_9p__add_share(dir, name, readonly, security);
	if (!ret)
		shares[nr_shares - 1].threads = threads;
	free(copy);
	return ret;
}

int virtio_9p__nr_shares(void)
{
	return nr_shares;
}

const struct p9_share_params *virtio_9p__share(int index)
{
	if (index < 0 || index >= nr_shares)
		return NULL;
	return &shares[index];
}

static int opt_9p(const struct option *opt, const char *arg, int unset)
{
	if (unset || !arg)
		return error("--9p needs " P9_SHARE_SYNTAX);
	return virtio_9p__parse_share(arg);
}

static const struct option p9_options[] = {
	OPT_GROUP("virtio-9p options:"),
	OPT_CALLBACK(0, "9p", NULL, "dir,tag[,ro][,security=mapped|passthrough][,threads=N]",
		     "share a host directory over virtio-9p (repeatable), served by N threads (default: twice the vCPUs, 2 to 16); mapped (the default) keeps the guest's owners, modes and device nodes in xattrs of plain files; with passthrough the guest gets the host privileges of the user running lkvm: device nodes, setuid files, ownership",
		     opt_9p),
	OPT_END()
};
run_options_register(p9_options);

/* Enough to overlap host I/O, not so many that a guest can flood the host. */
static unsigned int p9_nr_threads(struct kvm *kvm,
				  const struct p9_share_params *p)
{
	if (p->threads)
		return p->threads;
	return min(max(2U, 2U * kvm->cfg.nrcpus), P9_POOL_MAX_THREADS);
}

static void p9_slots_init(struct p9_dev *p9)
{
	int i;

	mutex_init(&p9->slots_lock);
	condvar_init(&p9->slot_freed);
	for (i = 0; i < P9_QUEUE_SIZE; i++) {
		p9->slots[i].next_free = p9->free_slots;
		p9->free_slots = &p9->slots[i];
	}
}

static int p9_dev_create(struct kvm *kvm, const struct p9_share_params *p,
			 int index)
{
	size_t tag_len = strlen(p->tag);
	unsigned int threads = p9_nr_threads(kvm, p);
	struct p9_dev *p9;
	int ret;

	p9 = xzalloc(sizeof(*p9));
	p9->srv = p9_server_new(p->host_dir, p->readonly, p->security);
	if (!p9->srv && errno == EOPNOTSUPP) {
		ret = error("9p: cannot share '%s' with security=mapped: its file system has no user xattrs to keep the guest's owners and modes in",
			    p->host_dir);
		free(p9);
		return ret;
	}
	if (!p9->srv) {
		ret = error("9p: cannot share '%s': %s", p->host_dir,
			    strerror(errno));
		free(p9);
		return ret;
	}
	p9_slots_init(p9);
	p9->pool = p9_pool_new(p9->srv, threads, p9_req_done, p9);
	if (!p9->pool)
		return error("9p: cannot start %u threads for '%s': %s",
			     threads, p->host_dir, strerror(errno));
	p9->config = xzalloc(sizeof(*p9->config) + tag_len);
	p9->config->tag_len = htole16(tag_len);
	memcpy(p9->config->tag, p->tag, tag_len);
	snprintf(p9->name, sizeof(p9->name), "virtio-9p%d", index);

	p9->vdev.name = p9->name;
	p9->vdev.device_id = VIRTIO_ID_9P;
	p9->vdev.features = 1ULL << VIRTIO_9P_MOUNT_TAG;
	p9->vdev.config = p9->config;
	p9->vdev.config_size = sizeof(*p9->config) + tag_len;
	p9->vdev.nr_queues = 1;
	p9->vdev.queue_size = P9_QUEUE_SIZE;
	p9->vdev.queue_flags = VIRTIO_QUEUE_DEDICATED;
	p9->vdev.ops = &p9_ops;
	p9->vdev.priv = p9;

	ret = virtio_device__register(kvm, &p9->vdev);
	if (ret)
		return ret;
	p9_devs[nr_p9_devs++] = p9;
	pr_debug("%s: %s as '%s'%s, security=%s, %u threads", p9->name,
		 p->host_dir, p->tag, p->readonly ? " (read-only)" : "",
		 p->security == P9_SECURITY_MAPPED ? "mapped" : "passthrough",
		 threads);
	return 0;
}

static int virtio_9p__init(struct kvm *kvm)
{
	int i, ret;

	for (i = 0; i < nr_shares; i++) {
		ret = p9_dev_create(kvm, &shares[i], i);
		if (ret)
			return ret;
	}
	return 0;
}
virtio_dev_init(virtio_9p__init);

/* After virtio__exit(): nothing is in flight and no queue thread is left. */
static int virtio_9p__exit(struct kvm *kvm)
{
	int i;

	for (i = 0; i < nr_p9_devs; i++) {
		p9_pool_free(p9_devs[i]->pool);
		p9_devs[i]->pool = NULL;
		p9_server_free(p9_devs[i]->srv);
		p9_devs[i]->srv = NULL;
	}
	nr_p9_devs = 0;
	return 0;
}
virtio_dev_exit(virtio_9p__exit);
