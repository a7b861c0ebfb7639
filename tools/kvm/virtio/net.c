// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (--network, -n): the device half.  The backends that move
 * frames (user mode through libslirp, tap, vhost-net) are in net-*.c;
 * include/kvm/virtio-net.h is the contract between the two.
 *
 * What the device keeps for itself: the options, the features and config
 * space, the control queue (receive modes, MAC address, queue pairs,
 * guest offloads), and the rules every frame crossing the guest boundary
 * obeys, in one place whichever backend runs: a TX header asks only for
 * the offloads that were negotiated, and a received packet lands in the
 * guest's buffers whole or not at all.
 *
 * The networking core is in config/common.config; the device needs its
 * driver, and DHCP clients (busybox udhcpc, dhclient) packet sockets.
 *
 * kvmconfig: CONFIG_VIRTIO_NET=y CONFIG_PACKET=y
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>

#include "kvm/control.h"
#include "kvm/control-proto.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/run-options.h"
#include "kvm/virtio.h"
#include "kvm/virtio-net.h"
#include "kvm/log.h"
#include "kvm/util.h"

#define NET_MAX_NICS		8
/* The longest control command we take (a MAC table of 256 entries). */
#define NET_CTRL_MAX		(2 + 2 * (4 + 256 * ETH_ALEN))

/* The offloads a TX header may ask for, and the feature each needs. */
#define NET_GUEST_OFFLOADS	((1ULL << VIRTIO_NET_F_GUEST_CSUM) |	\
				 (1ULL << VIRTIO_NET_F_GUEST_TSO4) |	\
				 (1ULL << VIRTIO_NET_F_GUEST_TSO6) |	\
				 (1ULL << VIRTIO_NET_F_GUEST_ECN) |	\
				 (1ULL << VIRTIO_NET_F_GUEST_UFO))

static const struct net_backend_ops *net_backends[NET_MODE_NONE];

static struct net_params net_params[NET_MAX_NICS];
static unsigned int net_nr_params;
static bool net_disabled;		/* --no-network */
static struct net_dev *net_devs[NET_MAX_NICS];
static unsigned int net_nr_devs;

void net__register_backend(enum net_mode mode, const struct net_backend_ops *ops)
{
	if (mode < NET_MODE_NONE)
		net_backends[mode] = ops;
}

static const char * const net_mode_names[] = {
	[NET_MODE_USER]	= "user",
	[NET_MODE_TAP]	= "tap",
	[NET_MODE_NONE]	= "none",
};

/* ------------------------------------------------------------------ */
/* Options */

/* FNV-1a: stable across runs and hosts, which is all a default MAC needs. */
static u32 net_hash(const char *s, unsigned int id)
{
	u32 h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (u8)*s) * 16777619u;
	return (h ^ id) * 16777619u;
}

void net__default_mac(const char *name, unsigned int id, u8 mac[6])
{
	u32 h = net_hash(name ?: "", id);

	/* 52:54:00 has the locally administered bit set, as QEMU's. */
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	mac[3] = h >> 16;
	mac[4] = h >> 8;
	mac[5] = h;
}

static int net_parse_mac(const char *s, u8 mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 || strlen(s) != 17)
		return error("--network: mac=%s: give six hex bytes, as 52:54:00:12:34:56", s);
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	if (mac[0] & 1)
		return error("--network: mac=%s is a multicast address", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return error("--network: mac=%s: the zero address is not a NIC's", s);
	return 0;
}

static int net_parse_uint(const char *key, const char *val, unsigned int min,
			  unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || end == val || *end || v < min || v > max)
		return error("--network: %s=%s: give a number from %u to %u",
			     key, val, min, max);
	*out = v;
	return 0;
}

static int net_parse_onoff(const char *key, const char *val, bool *out)
{
	if (!strcmp(val, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "off")) {
		*out = false;
		return 0;
	}
	return error("--network: %s=%s: give on or off", key, val);
}

static int net_parse_mode(const char *val, struct net_params *p)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(net_mode_names); i++) {
		if (!strcmp(val, net_mode_names[i])) {
			p->mode = i;
			return 0;
		}
	}
	return error("--network: mode=%s: give user, tap or none", val);
}

static int net_parse_vhost(const char *val, struct net_params *p)
{
	if (!strcmp(val, "auto"))
		p->vhost = NET_VHOST_AUTO;
	else if (!strcmp(val, "on"))
		p->vhost = NET_VHOST_ON;
	else if (!strcmp(val, "off"))
		p->vhost = NET_VHOST_OFF;
	else
		return error("--network: vhost=%s: give on, off or auto", val);
	return 0;
}

static int net_parse_one(char *key, struct net_params *p, bool *tap_only,
			 bool *user_only)
{
	char *val = strchr(key, '=');

	if (!val) {
		/* A bare mode, as in "-n tap". */
		if (!strcmp(key, "user") || !strcmp(key, "tap") || !strcmp(key, "none"))
			return net_parse_mode(key, p);
		return error("--network: '%s': give KEY=VALUE (mode, mac, tapif, script, hostfwd, mq, mtu, vhost, offload)",
			     key);
	}
	*val++ = '\0';
	if (!*val)
		return error("--network: %s= needs a value", key);
	if (!strcmp(key, "mode"))
		return net_parse_mode(val, p);
	if (!strcmp(key, "mac")) {
		p->mac_set = true;
		return net_parse_mac(val, p->mac);
	}
	if (!strcmp(key, "mtu"))
		return net_parse_uint(key, val, 68, 65535, &p->mtu);
	if (!strcmp(key, "mq")) {
		*tap_only = *tap_only || strcmp(val, "1");
		return net_parse_uint(key, val, 1, NET_MAX_QUEUE_PAIRS, &p->mq);
	}
	if (!strcmp(key, "tapif") || !strcmp(key, "script")) {
		*tap_only = true;
		if (strlen(val) >= 16 && key[0] == 't')
			return error("--network: tapif=%s: an interface name has at most 15 characters", val);
		if (key[0] == 't')
			p->tapif = val;
		else
			p->script = val;
		return 0;
	}
	if (!strcmp(key, "vhost")) {
		*tap_only = true;
		return net_parse_vhost(val, p);
	}
	if (!strcmp(key, "offload"))
		return net_parse_onoff(key, val, &p->offload);
	if (!strcmp(key, "hostfwd")) {
		*user_only = true;
		if (p->nr_hostfwd == NET_MAX_HOSTFWD)
			return error("--network: at most %d hostfwd rules per NIC",
				     NET_MAX_HOSTFWD);
		p->hostfwd[p->nr_hostfwd++] = val;
		return 0;
	}
	return error("--network: unknown option '%s' (known: mode, mac, tapif, script, hostfwd, mq, mtu, vhost, offload)",
		     key);
}

int net__parse_params(const char *arg, struct net_params *p)
{
	bool tap_only = false, user_only = false;
	char *s = xstrdup(arg), *tok, *save;

	*p = (struct net_params) {
		.mode = NET_MODE_USER,
		.vhost = NET_VHOST_AUTO,
		.offload = true,
	};
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (net_parse_one(tok, p, &tap_only, &user_only) < 0)
			goto out_free;
	}
	if (p->mode == NET_MODE_USER && tap_only) {
		error("--network %s: tapif, script, vhost and mq are for mode=tap", arg);
		goto out_free;
	}
	if (p->mode == NET_MODE_TAP && user_only) {
		error("--network %s: hostfwd is for mode=user", arg);
		goto out_free;
	}
	/* The strings in @p point into @s, which stays. */
	return 0;

out_free:
	/* Nothing in @p may point into @s once it is gone. */
	memset(p, 0, sizeof(*p));
	free(s);
	return -1;
}

static int opt_network(const struct option *opt, const char *arg, int unset)
{
	if (unset) {
		net_disabled = true;
		net_nr_params = 0;
		return 0;
	}
	if (net_nr_params == NET_MAX_NICS)
		return error("--network: at most %d NICs", NET_MAX_NICS);
	if (net__parse_params(arg, &net_params[net_nr_params]) < 0)
		return -1;
	net_disabled = false;
	net_nr_params++;
	return 0;
}

static const struct option net_options[] = {
	OPT_GROUP("virtio-net options:"),
	OPT_CALLBACK('n', "network", NULL, "mode=user|tap|none[,KEY=VALUE...]",
		     "a NIC (repeatable; default: one in user mode); keys: mac=52:54:00:..., tapif=NAME, script=PATH, hostfwd=tcp::HOSTPORT-:GUESTPORT (user), mq=PAIRS, mtu=N, vhost=auto|on|off, offload=on|off (tap)",
		     opt_network),
	OPT_END()
};
run_options_register(net_options);

/* ------------------------------------------------------------------ */
/* The datapath: TX */

int net__check_tx_hdr(u64 features, const struct virtio_net_hdr_v1 *hdr,
		      size_t frame_len)
{
	u8 gso = hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	bool csum = hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	u32 start = le16toh(hdr->csum_start), off = le16toh(hdr->csum_offset);

	if (frame_len < ETH_HLEN || frame_len > NET_MAX_FRAME)
		return -EINVAL;
	if (csum) {
		if (!(features & (1ULL << VIRTIO_NET_F_CSUM)))
			return -EINVAL;
		if (start + off + 2 > frame_len)
			return -EINVAL;
	}
	if ((hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN) &&
	    !(features & (1ULL << VIRTIO_NET_F_HOST_ECN)))
		return -EINVAL;
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (hdr->gso_type & VIRTIO_NET_HDR_GSO_ECN)
			return -EINVAL;
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!(features & (1ULL << VIRTIO_NET_F_HOST_TSO4)))
			return -EINVAL;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!(features & (1ULL << VIRTIO_NET_F_HOST_TSO6)))
			return -EINVAL;
		break;
	case VIRTIO_NET_HDR_GSO_UDP:
		if (!(features & (1ULL << VIRTIO_NET_F_HOST_UFO)))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* A segmented frame needs its checksum done per segment. */
	if (!csum || !le16toh(hdr->gso_size))
		return -EINVAL;
	return 0;
}

static void net_count(u64 *counter, u64 n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

int net__tx_pop(struct net_queue_pair *qp, struct virtq_elem *elem,
		struct virtio_net_hdr_v1 *hdr, struct iovec *frame,
		int *nr_frame, size_t *len)
{
	struct net_dev *ndev = qp->ndev;
	struct iov_cursor c;
	size_t got;
	int ret;

	for (;;) {
		ret = virtq__pop(qp->tx, elem);
		if (ret <= 0)
			return ret;
		memset(hdr, 0, sizeof(*hdr));
		if (elem->out_len < ndev->hdr_len + ETH_HLEN)
			goto drop;
		iov_to_buf(elem->iov, elem->out_num, 0, hdr, ndev->hdr_len);
		/* Only the RX side uses num_buffers; DATA_VALID is RX's too. */
		hdr->num_buffers = 0;
		hdr->flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
		*len = elem->out_len - ndev->hdr_len;
		if (net__check_tx_hdr(ndev->features, hdr, *len))
			goto drop;
		iov_cursor__init(&c, elem->iov, elem->out_num, elem->out_len);
		iov_cursor__copy(&c, NULL, ndev->hdr_len, false);
		*nr_frame = iov_cursor__slice(&c, frame, VIRTIO_QUEUE_MAX_SIZE,
					      *len, &got);
		if (got != *len)
			goto drop;
		return 1;
drop:
		net__tx_done(qp, elem, 0, false);
	}
}

void net__tx_done(struct net_queue_pair *qp, struct virtq_elem *elem,
		  size_t len, bool sent)
{
	struct net_stats *st = &qp->ndev->stats;

	virtq__push(qp->tx, elem, 0);
	if (sent) {
		net_count(&st->tx_packets, 1);
		net_count(&st->tx_bytes, len);
	} else {
		net_count(&st->tx_dropped, 1);
	}
}

/* ------------------------------------------------------------------ */
/* The datapath: RX */

/* Forgets held buffers of an earlier queue generation (a reset). */
static void net_rx_prune(struct net_queue_pair *qp)
{
	u32 gen = READ_ONCE(qp->rx->gen);

	if (qp->nr_rx_held && qp->rx_elems[0]->gen != gen)
		qp->nr_rx_held = 0;
}

/*
 * Makes sure held buffer @i exists: 1 when it does, 0 when the ring is
 * empty, < 0 when the queue is broken.
 */
static int net_rx_hold(struct net_queue_pair *qp, unsigned int i)
{
	struct virtq_elem *elem;
	int ret;

	while (i >= qp->nr_rx_held) {
		if (qp->nr_rx_held == qp->nr_rx_alloc)
			qp->rx_elems[qp->nr_rx_alloc++] = virtq_elem__alloc();
		elem = qp->rx_elems[qp->nr_rx_held];
		ret = virtq__pop(qp->rx, elem);
		if (ret <= 0)
			return ret;
		if (!elem->in_len) {
			/* No room at all: a driver bug; give it back empty. */
			virtq__push(qp->rx, elem, 0);
			net_count(&qp->ndev->stats.rx_dropped, 1);
			continue;
		}
		qp->nr_rx_held++;
	}
	return 1;
}

/* Copies what @src has left, up to the buffer's room, into @elem. */
static size_t net_rx_fill(struct iov_cursor *src, struct virtq_elem *elem)
{
	struct iovec *in = elem->iov + elem->out_num;
	size_t done = 0, n;
	int i;

	for (i = 0; i < elem->in_num && src->left; i++) {
		n = iov_cursor__copy(src, in[i].iov_base, in[i].iov_len, false);
		done += n;
	}
	return done;
}

/* Gives the first @n held buffers to the driver, keeps the rest. */
static void net_rx_consume(struct net_queue_pair *qp, unsigned int n,
			   const u32 *lens)
{
	struct virtq_elem *used[NET_QUEUE_SIZE];
	unsigned int rest = qp->nr_rx_held - n;

	memcpy(used, qp->rx_elems, n * sizeof(used[0]));
	virtq__push_many(qp->rx, used, lens, n);
	memmove(qp->rx_elems, qp->rx_elems + n, rest * sizeof(used[0]));
	memcpy(qp->rx_elems + rest, used, n * sizeof(used[0]));
	qp->nr_rx_held = rest;
}

/*
 * How many buffers the packet needs, holding them: > 0, or -EAGAIN,
 * -EMSGSIZE, -EIO.
 */
static int net_rx_reserve(struct net_queue_pair *qp, size_t len, bool merge)
{
	unsigned int n = 0, max = merge ? qp->rx->size : 1;
	size_t room = 0;
	int ret;

	while (room < len) {
		if (n == max)
			return -EMSGSIZE;
		ret = net_rx_hold(qp, n);
		if (ret < 0)
			return -EIO;
		if (!ret)
			return -EAGAIN;
		room += qp->rx_elems[n++]->in_len;
	}
	return n;
}

int net__rx_frame(struct net_queue_pair *qp, const struct iovec *iov,
		  int nr, size_t len)
{
	struct net_dev *ndev = qp->ndev;
	bool merge = net__has(ndev, VIRTIO_NET_F_MRG_RXBUF);
	u32 lens[NET_QUEUE_SIZE];
	struct iov_cursor src;
	__le16 nbufs;
	int n, i;

	if (len < ndev->hdr_len || len > ndev->hdr_len + NET_MAX_FRAME) {
		net_count(&ndev->stats.rx_dropped, 1);
		return -EMSGSIZE;
	}
	mutex_lock(&qp->rx_lock);
	net_rx_prune(qp);
	n = net_rx_reserve(qp, len, merge);
	if (n < 0)
		goto out;
	iov_cursor__init(&src, iov, nr, len);
	for (i = 0; i < n; i++)
		lens[i] = net_rx_fill(&src, qp->rx_elems[i]);
	/* The driver learns from the first buffer how many make the packet. */
	if (ndev->hdr_len >= sizeof(struct virtio_net_hdr_v1)) {
		struct virtq_elem *first = qp->rx_elems[0];

		nbufs = htole16(n);
		iov_from_buf(first->iov + first->out_num, first->in_num,
			     offsetof(struct virtio_net_hdr_v1, num_buffers),
			     &nbufs, sizeof(nbufs));
	}
	net_rx_consume(qp, n, lens);
	n = 0;
	net_count(&ndev->stats.rx_packets, 1);
	net_count(&ndev->stats.rx_bytes, len - ndev->hdr_len);
out:
	mutex_unlock(&qp->rx_lock);
	if (n == -EMSGSIZE || n == -EIO)
		net_count(&ndev->stats.rx_dropped, 1);
	return n == -EIO ? -EMSGSIZE : n;
}

void net__rx_signal(struct net_queue_pair *qp)
{
	virtq__signal(qp->rx);
}

/* ------------------------------------------------------------------ */
/* The control queue */

static u8 net_ctrl_mq(struct net_dev *ndev, u8 cmd, const u8 *data, size_t len)
{
	u16 pairs;

	if (cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET || len < 2 ||
	    !net__has(ndev, VIRTIO_NET_F_MQ))
		return VIRTIO_NET_ERR;
	pairs = data[0] | data[1] << 8;
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > ndev->nr_pairs)
		return VIRTIO_NET_ERR;
	if (ndev->ops->set_pairs && ndev->ops->set_pairs(ndev, pairs))
		return VIRTIO_NET_ERR;
	WRITE_ONCE(ndev->active_pairs, pairs);
	return VIRTIO_NET_OK;
}

static u8 net_ctrl_mac(struct net_dev *ndev, u8 cmd, const u8 *data, size_t len)
{
	switch (cmd) {
	case VIRTIO_NET_CTRL_MAC_TABLE_SET:
		/* Every frame is delivered: a filter table changes nothing. */
		return VIRTIO_NET_OK;
	case VIRTIO_NET_CTRL_MAC_ADDR_SET:
		if (len < ETH_ALEN || !net__has(ndev, VIRTIO_NET_F_CTRL_MAC_ADDR))
			return VIRTIO_NET_ERR;
		mutex_lock(&ndev->vdev.lock);
		memcpy(ndev->config.mac, data, ETH_ALEN);
		mutex_unlock(&ndev->vdev.lock);
		return VIRTIO_NET_OK;
	}
	return VIRTIO_NET_ERR;
}

static u8 net_ctrl_offloads(struct net_dev *ndev, u8 cmd, const u8 *data,
			    size_t len)
{
	u64 offloads = 0;
	int i;

	if (cmd != VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET || len < 8 ||
	    !net__has(ndev, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS))
		return VIRTIO_NET_ERR;
	for (i = 7; i >= 0; i--)
		offloads = offloads << 8 | data[i];
	/* Only what was negotiated can be turned back on. */
	if (offloads & ~(ndev->features & NET_GUEST_OFFLOADS))
		return VIRTIO_NET_ERR;
	if (!ndev->ops->set_offloads || ndev->ops->set_offloads(ndev, offloads))
		return VIRTIO_NET_ERR;
	return VIRTIO_NET_OK;
}

static u8 net_ctrl_command(struct net_dev *ndev, const u8 *buf, size_t len)
{
	if (len < sizeof(struct virtio_net_ctrl_hdr))
		return VIRTIO_NET_ERR;
	switch (buf[0]) {
	case VIRTIO_NET_CTRL_RX:
		/* Promiscuous and all-multicast: we filter nothing anyway. */
		return buf[1] <= VIRTIO_NET_CTRL_RX_ALLMULTI && len >= 3 ?
		       VIRTIO_NET_OK : VIRTIO_NET_ERR;
	case VIRTIO_NET_CTRL_MAC:
		return net_ctrl_mac(ndev, buf[1], buf + 2, len - 2);
	case VIRTIO_NET_CTRL_MQ:
		return net_ctrl_mq(ndev, buf[1], buf + 2, len - 2);
	case VIRTIO_NET_CTRL_GUEST_OFFLOADS:
		return net_ctrl_offloads(ndev, buf[1], buf + 2, len - 2);
	}
	return VIRTIO_NET_ERR;
}

static void net_ctrl_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct net_dev *ndev = vdev->priv;
	struct virtq_elem *elem = virtq_elem__alloc();
	u8 *buf = xmalloc(NET_CTRL_MAX);
	size_t len;
	u8 ack;

	while (virtq__pop(vq, elem) > 0) {
		if (!elem->in_len) {
			virtq__push(vq, elem, 0);
			continue;
		}
		len = iov_to_buf(elem->iov, elem->out_num, 0, buf, NET_CTRL_MAX);
		ack = elem->out_len > NET_CTRL_MAX ? VIRTIO_NET_ERR :
		      net_ctrl_command(ndev, buf, len);
		/* The ack is the last writable byte. */
		iov_from_buf(elem->iov + elem->out_num, elem->in_num,
			     elem->in_len - 1, &ack, 1);
		virtq__push(vq, elem, elem->in_len);
	}
	virtq__signal(vq);
	free(buf);
	free(elem);
}

/* ------------------------------------------------------------------ */
/* The device */

static void net_queue_notify(struct virtio_device *vdev, struct virtq *vq)
{
	struct net_dev *ndev = vdev->priv;

	/* Only the control queue has a worker of the core's. */
	if (vq->index == 2 * ndev->nr_pairs)
		net_ctrl_notify(vdev, vq);
}

static void net_start(struct virtio_device *vdev)
{
	struct net_dev *ndev = vdev->priv;

	/* What both sides agreed to: the core starts us with no more. */
	ndev->features = vdev->guest_features;
	ndev->hdr_len = net__has(ndev, VIRTIO_F_VERSION_1) ||
			net__has(ndev, VIRTIO_NET_F_MRG_RXBUF) ?
			sizeof(struct virtio_net_hdr_v1) :
			sizeof(struct virtio_net_hdr);
	ndev->active_pairs = 1;
	if (ndev->ops->start(ndev) < 0) {
		warning("%s: cannot start %s", ndev->name, ndev->ops->name);
		virtio_device__needs_reset(vdev);
	}
}

static void net_stop(struct virtio_device *vdev)
{
	struct net_dev *ndev = vdev->priv;

	ndev->ops->stop(ndev);
}

static void net_reset(struct virtio_device *vdev)
{
	struct net_dev *ndev = vdev->priv;
	unsigned int i;

	for (i = 0; i < ndev->nr_pairs; i++) {
		mutex_lock(&ndev->pairs[i].rx_lock);
		ndev->pairs[i].nr_rx_held = 0;
		mutex_unlock(&ndev->pairs[i].rx_lock);
	}
	mutex_lock(&vdev->lock);
	memcpy(ndev->config.mac, ndev->params.mac, ETH_ALEN);
	mutex_unlock(&vdev->lock);
}

static const struct virtio_device_ops net_ops = {
	.queue_notify	= net_queue_notify,
	.start		= net_start,
	.stop		= net_stop,
	.reset		= net_reset,
};

static u64 net_base_features(struct net_dev *ndev)
{
	u64 f = (1ULL << VIRTIO_NET_F_MAC) |
		(1ULL << VIRTIO_NET_F_STATUS) |
		(1ULL << VIRTIO_NET_F_MRG_RXBUF) |
		(1ULL << VIRTIO_NET_F_CTRL_VQ) |
		(1ULL << VIRTIO_NET_F_CTRL_RX) |
		(1ULL << VIRTIO_NET_F_CTRL_MAC_ADDR);

	if (ndev->params.mtu)
		f |= 1ULL << VIRTIO_NET_F_MTU;
	if (ndev->nr_pairs > 1)
		f |= 1ULL << VIRTIO_NET_F_MQ;
	return f;
}

static void net_alloc_pairs(struct net_dev *ndev)
{
	unsigned int i;

	ndev->pairs = xcalloc(ndev->nr_pairs, sizeof(*ndev->pairs));
	for (i = 0; i < ndev->nr_pairs; i++) {
		ndev->pairs[i].ndev = ndev;
		ndev->pairs[i].index = i;
		mutex_init(&ndev->pairs[i].rx_lock);
	}
}

/* The queues exist once the device is registered. */
static void net_attach_pairs(struct net_dev *ndev)
{
	unsigned int i;

	for (i = 0; i < ndev->nr_pairs; i++) {
		ndev->pairs[i].rx = &ndev->vdev.vqs[2 * i];
		ndev->pairs[i].tx = &ndev->vdev.vqs[2 * i + 1];
	}
}

static unsigned int net_clamp_pairs(int n)
{
	if (n < 1)
		return 1;
	return n > NET_MAX_QUEUE_PAIRS ? NET_MAX_QUEUE_PAIRS : n;
}

static void net_defaults(struct kvm *kvm, struct net_dev *ndev)
{
	struct net_params *p = &ndev->params;

	if (!p->mac_set)
		net__default_mac(kvm->cfg.guest_name, ndev->id, p->mac);
	/*
	 * Tap: a queue pair per vCPU unless told (params.mq stays 0, so the
	 * backend can tell a default from a request); libslirp has one.
	 */
	ndev->nr_pairs = p->mq ?: p->mode == NET_MODE_TAP ?
			 net_clamp_pairs(kvm->cfg.nrcpus) : 1;
}

int virtio_net__add(struct kvm *kvm, const struct net_params *params,
		    struct net_dev **out)
{
	struct net_dev *ndev;
	u64 features = 0;
	int ret;

	if (net_nr_devs == NET_MAX_NICS)
		return error("--network: at most %d NICs", NET_MAX_NICS);
	if (!net_backends[params->mode])
		return error("--network mode=%s: lkvm was built without it%s",
			     net_mode_names[params->mode],
			     params->mode == NET_MODE_USER ?
			     " (install libslirp-dev and rebuild)" : "");
	ndev = xzalloc(sizeof(*ndev));
	ndev->id = net_nr_devs;
	ndev->params = *params;
	ndev->ops = net_backends[params->mode];
	snprintf(ndev->name, sizeof(ndev->name), "virtio-net%u", ndev->id);
	net_defaults(kvm, ndev);
	/* The backend may want the guest's name (DHCP) or its memory. */
	ndev->vdev.kvm = kvm;
	ret = ndev->ops->init(ndev, &features);
	if (ret < 0)
		return ret;
	ndev->nr_pairs = net_clamp_pairs(ndev->nr_pairs);
	net_alloc_pairs(ndev);

	memcpy(ndev->config.mac, ndev->params.mac, ETH_ALEN);
	ndev->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	ndev->config.max_virtqueue_pairs = htole16(ndev->nr_pairs);
	ndev->config.mtu = htole16(ndev->params.mtu);
	ndev->vdev = (struct virtio_device) {
		.name = ndev->name,
		.kvm = kvm,
		.device_id = VIRTIO_ID_NET,
		.features = net_base_features(ndev) | features,
		.config = &ndev->config,
		.config_size = sizeof(ndev->config),
		.nr_queues = 2 * ndev->nr_pairs + 1,
		.queue_size = NET_QUEUE_SIZE,
		/* The data queues are the backend's; ctrl is the core's. */
		.external_queues = (1ULL << (2 * ndev->nr_pairs)) - 1,
		.ops = &net_ops,
		.priv = ndev,
	};
	ret = virtio_device__register(kvm, &ndev->vdev);
	if (ret < 0) {
		if (ndev->ops->exit)
			ndev->ops->exit(ndev);
		return ret;
	}
	net_attach_pairs(ndev);
	net_devs[net_nr_devs++] = ndev;
	if (out)
		*out = ndev;
	pr_debug("%s: %s", ndev->name,
		 ndev->ops->describe ? ndev->ops->describe(ndev) : ndev->ops->name);
	return 0;
}

static int virtio_net__init(struct kvm *kvm)
{
	unsigned int i;
	int ret;

	if (net_disabled)
		return 0;
	if (!net_nr_params) {
		/* The default: user mode when built in, else no NIC. */
		if (!net_backends[NET_MODE_USER]) {
			pr_debug("no default NIC: lkvm was built without libslirp");
			return 0;
		}
		net__parse_params("mode=user", &net_params[0]);
		net_nr_params = 1;
	}
	for (i = 0; i < net_nr_params; i++) {
		if (net_params[i].mode == NET_MODE_NONE)
			continue;
		ret = virtio_net__add(kvm, &net_params[i], NULL);
		if (ret < 0)
			return ret;
	}
	return 0;
}
virtio_dev_init(virtio_net__init);

static void net_fill_nic(struct net_dev *ndev, struct lkvm_ctl_nic *nic)
{
	const struct net_stats *st = &ndev->stats;

	snprintf(nic->name, sizeof(nic->name), "%s", ndev->name);
	snprintf(nic->backend, sizeof(nic->backend), "%s",
		 ndev->ops->describe ? ndev->ops->describe(ndev) : ndev->ops->name);
	mutex_lock(&ndev->vdev.lock);
	memcpy(nic->mac, ndev->config.mac, ETH_ALEN);
	mutex_unlock(&ndev->vdev.lock);
	nic->rx_packets = __atomic_load_n(&st->rx_packets, __ATOMIC_RELAXED);
	nic->rx_bytes = __atomic_load_n(&st->rx_bytes, __ATOMIC_RELAXED);
	nic->rx_dropped = __atomic_load_n(&st->rx_dropped, __ATOMIC_RELAXED);
	nic->tx_packets = __atomic_load_n(&st->tx_packets, __ATOMIC_RELAXED);
	nic->tx_bytes = __atomic_load_n(&st->tx_bytes, __ATOMIC_RELAXED);
	nic->tx_dropped = __atomic_load_n(&st->tx_dropped, __ATOMIC_RELAXED);
}

/* lkvm stat NAME --network */
static int ctl_netstat(struct kvm *kvm, const void *req, u32 req_len,
		       void *reply, u32 *reply_len)
{
	struct lkvm_ctl_netstat *out = reply;
	unsigned int i;

	BUILD_BUG_ON(sizeof(*out) > LKVM_CTL_MAX_MSG - sizeof(struct lkvm_ctl_reply));
	BUILD_BUG_ON(LKVM_CTL_MAX_NICS < NET_MAX_NICS);
	if (!net_nr_devs)
		return -ENODEV;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < net_nr_devs; i++)
		net_fill_nic(net_devs[i], &out->nic[i]);
	out->nr = net_nr_devs;
	*reply_len = sizeof(*out);
	return 0;
}

static struct control_handler netstat_ctl = {
	.type = LKVM_CTL_NETSTAT,
	.handle = ctl_netstat,
};
control_handler_register(netstat_ctl);

static int virtio_net__exit(struct kvm *kvm)
{
	unsigned int i;

	for (i = 0; i < net_nr_devs; i++) {
		if (net_devs[i]->ops->exit)
			net_devs[i]->ops->exit(net_devs[i]);
	}
	net_nr_devs = 0;
	return 0;
}
virtio_dev_exit(virtio_net__exit);
