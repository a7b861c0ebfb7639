// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm stat NAME --memory: the guest's memory statistics, as its
 * virtio-balloon driver reports them (lkvm run --balloon).  The guest is
 * asked for fresh figures first; if it does not answer in time, the last
 * ones are shown with their age.
 *
 * lkvm stat NAME --network: each NIC's backend and packet counters, the
 * frames lkvm dropped among them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/virtio_balloon.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/control.h"

#define REFRESH_TIMEOUT_MS	5000
#define POLL_MS			100

static const char * const stat_usage[] = {
	"lkvm stat NAME --memory",
	"lkvm stat NAME --network",
	NULL
};

struct memstat_line {
	unsigned int tag;
	const char *label;
	bool bytes;		/* else a count */
};

static const struct memstat_line memstat_lines[] = {
	{ VIRTIO_BALLOON_S_MEMTOT,	"MemTotal",		true },
	{ VIRTIO_BALLOON_S_MEMFREE,	"MemFree",		true },
	{ VIRTIO_BALLOON_S_AVAIL,	"MemAvailable",		true },
	{ VIRTIO_BALLOON_S_CACHES,	"Caches",		true },
	{ VIRTIO_BALLOON_S_SWAP_IN,	"SwapIn",		true },
	{ VIRTIO_BALLOON_S_SWAP_OUT,	"SwapOut",		true },
	{ VIRTIO_BALLOON_S_MAJFLT,	"MajorFaults",		false },
	{ VIRTIO_BALLOON_S_MINFLT,	"MinorFaults",		false },
	{ VIRTIO_BALLOON_S_HTLB_PGALLOC, "HugetlbAllocations",	false },
	{ VIRTIO_BALLOON_S_HTLB_PGFAIL,	"HugetlbFailures",	false },
};

static int memstat(int fd, bool refresh, struct lkvm_ctl_memstat *st)
{
	struct lkvm_ctl_memstat_req req = { .refresh = refresh };

	return control__call(fd, LKVM_CTL_MEMSTAT, &req, sizeof(req), st,
			     sizeof(*st));
}

static void print_memstat(const char *name, const struct lkvm_ctl_memstat *st)
{
	const struct memstat_line *l;
	size_t i;

	printf("Memory statistics of %s, reported %llu.%llu s ago:\n", name,
	       (unsigned long long)st->age_ms / 1000,
	       (unsigned long long)st->age_ms % 1000 / 100);
	for (i = 0; i < ARRAY_SIZE(memstat_lines); i++) {
		l = &memstat_lines[i];
		if (l->tag >= ARRAY_SIZE(st->val) || !(st->present & (1ULL << l->tag)))
			continue;
		if (l->bytes)
			printf("  %-20s %12llu kB\n", l->label,
			       (unsigned long long)st->val[l->tag] >> 10);
		else
			printf("  %-20s %12llu\n", l->label,
			       (unsigned long long)st->val[l->tag]);
	}
}

/* Asks for fresh figures, and waits a while for them. */
static int fetch(const char *name, int fd, struct lkvm_ctl_memstat *st)
{
	u64 before;
	int ret, waited;

	ret = memstat(fd, false, st);
	if (ret)
		return ret;
	before = st->generation;
	ret = memstat(fd, true, st);
	if (ret == -EAGAIN) {
		error("%s: the guest's balloon driver has not reported yet (is virtio_balloon loaded?)",
		      name);
		return -EIO;
	}
	if (ret)
		return ret;
	for (waited = 0; waited < REFRESH_TIMEOUT_MS; waited += POLL_MS) {
		if (st->generation > before)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = POLL_MS * 1000000L }, NULL);
		ret = memstat(fd, false, st);
		if (ret)
			return ret;
	}
	if (!st->generation) {
		error("%s: the guest did not report its statistics within %d s",
		      name, REFRESH_TIMEOUT_MS / 1000);
		return -EIO;
	}
	warning("%s: the guest did not refresh its statistics within %d s; these are older",
		name, REFRESH_TIMEOUT_MS / 1000);
	return 0;
}

static void print_nic(const struct lkvm_ctl_nic *n)
{
	printf("%.16s: %.64s, mac %02x:%02x:%02x:%02x:%02x:%02x\n", n->name,
	       n->backend, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
	       n->mac[4], n->mac[5]);
	printf("  RX %llu packets, %llu bytes, %llu dropped\n",
	       (unsigned long long)n->rx_packets,
	       (unsigned long long)n->rx_bytes,
	       (unsigned long long)n->rx_dropped);
	printf("  TX %llu packets, %llu bytes, %llu dropped\n",
	       (unsigned long long)n->tx_packets,
	       (unsigned long long)n->tx_bytes,
	       (unsigned long long)n->tx_dropped);
}

static int netstat(const char *name)
{
	struct lkvm_ctl_netstat st;
	unsigned int i;
	int fd, ret;

	fd = control__connect(name);
	if (fd < 0)
		return 1;
	ret = control__call(fd, LKVM_CTL_NETSTAT, NULL, 0, &st, sizeof(st));
	close(fd);
	if (ret == -ENODEV || ret == -EOPNOTSUPP) {
		error("%s has no network device", name);
		return 1;
	}
	if (ret) {
		if (ret != -EIO)
			error("%s: %s", name, strerror(-ret));
		return 1;
	}
	for (i = 0; i < st.nr && i < LKVM_CTL_MAX_NICS; i++)
		print_nic(&st.nic[i]);
	return 0;
}

int cmd_stat(int argc, const char **argv)
{
	struct lkvm_ctl_memstat st;
	bool memory = false, network = false;
	int fd, ret;
	const struct option options[] = {
		OPT_BOOLEAN('m', "memory", &memory,
			    "the guest's memory statistics (needs --balloon)"),
		OPT_BOOLEAN('n', "network", &network,
			    "each NIC's backend and packet counters"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, stat_usage, 0);
	if (argc != 1 || memory == network) {
		error("name one guest, and what to show (--memory or --network)");
		usage_with_options(stat_usage, options);
	}
	if (network)
		return netstat(argv[0]);

	fd = control__connect(argv[0]);
	if (fd < 0)
		return 1;
	ret = fetch(argv[0], fd, &st);
	close(fd);
	if (ret == -ENODEV || ret == -EOPNOTSUPP) {
		error("%s has no balloon to report its memory (lkvm run --balloon)",
		      argv[0]);
		return 1;
	}
	if (ret) {
		if (ret != -EIO)
			error("%s: %s", argv[0], strerror(-ret));
		return 1;
	}
	print_memstat(argv[0], &st);
	return 0;
}
