// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm balloon NAME [--inflate MiB | --deflate MiB]: moves the target of
 * a guest's virtio-balloon (lkvm run --balloon), then shows where the
 * balloon stands: what lkvm asks for and what the guest has given back.
 * The guest gets there in its own time; without an option it only shows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "kvm/builtin.h"
#include "kvm/control.h"

#define PAGES_PER_MIB	(1 << (20 - 12))

static const char * const balloon_usage[] = {
	"lkvm balloon NAME [--inflate MiB | --deflate MiB]",
	NULL
};

/* lkvm's exit status for a failed request, after saying why. */
static int balloon_failed(const char *name, int ret)
{
	switch (ret) {
	case -EIO:
		break;		/* said already */
	case -ENODEV:
	case -EOPNOTSUPP:
		error("%s has no balloon (lkvm run --balloon)", name);
		break;
	case -ERANGE:
		error("%s: the balloon cannot hold more than the guest's memory",
		      name);
		break;
	default:
		error("%s: %s", name, strerror(-ret));
		break;
	}
	return 1;
}

int cmd_balloon(int argc, const char **argv)
{
	struct lkvm_ctl_balloon req = { 0 };
	struct lkvm_ctl_balloon_info info;
	int inflate = 0, deflate = 0, fd, ret;
	const struct option options[] = {
		OPT_INTEGER('i', "inflate", &inflate,
			    "take this many MiB more from the guest"),
		OPT_INTEGER('d', "deflate", &deflate,
			    "give this many MiB back to the guest"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, balloon_usage, 0);
	if (argc != 1 || inflate < 0 || deflate < 0 || (inflate && deflate)) {
		error("name one guest, and at most one of --inflate and --deflate (MiB, not negative)");
		usage_with_options(balloon_usage, options);
	}
	req.delta_pages = ((s64)inflate - deflate) * PAGES_PER_MIB;

	fd = control__connect(argv[0]);
	if (fd < 0)
		return 1;
	ret = control__call(fd, LKVM_CTL_BALLOON, &req, sizeof(req), &info,
			    sizeof(info));
	close(fd);
	if (ret)
		return balloon_failed(argv[0], ret);
	printf("%s: balloon target %llu MiB, the guest has given %llu MiB\n",
	       argv[0], (unsigned long long)info.target_pages / PAGES_PER_MIB,
	       (unsigned long long)info.actual_pages / PAGES_PER_MIB);
	return 0;
}
