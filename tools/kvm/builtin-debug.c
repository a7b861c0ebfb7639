// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm debug NAME --gdb [HOST:]PORT|PATH: starts the gdb stub in a guest
 * that runs already (as lkvm run --gdb would have), through its control
 * socket, and says where gdb is to connect.  The guest runs on until
 * gdb attaches.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/builtin.h"
#include "kvm/control.h"
#include "kvm/gdb.h"

static const char * const debug_usage[] = {
	"lkvm debug NAME --gdb [HOST:]PORT|PATH",
	NULL
};

/* The running lkvm has another working directory: paths go absolute. */
static int gdb_request(const char *addr, struct lkvm_ctl_gdb *req)
{
	char cwd[PATH_MAX];
	int n;

	if (gdb__check_addr(addr))
		return -1;
	if (strchr(addr, '/') && addr[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return error("--gdb %s: %s", addr, strerror(errno));
		n = snprintf(req->addr, sizeof(req->addr), "%s/%s", cwd, addr);
	} else {
		n = snprintf(req->addr, sizeof(req->addr), "%s", addr);
	}
	if (n < 0 || (size_t)n >= sizeof(req->addr))
		return error("--gdb %s: too long", addr);
	return 0;
}

static int debug_gdb(const char *name, const char *addr)
{
	struct lkvm_ctl_gdb req = { { 0 } };
	struct lkvm_ctl_gdb_info info;
	int fd, ret;

	if (gdb_request(addr, &req))
		return 1;
	fd = control__connect(name);
	if (fd < 0)
		return 1;
	ret = control__call(fd, LKVM_CTL_GDB, &req, sizeof(req), &info, sizeof(info));
	close(fd);
	info.where[sizeof(info.where) - 1] = '\0';
	switch (ret) {
	case 0:
		break;
	case -EIO:
		return 1;	/* said already */
	case -EOPNOTSUPP:
		error("%s: this lkvm has no gdb stub", name);
		return 1;
	case -EINVAL:
		error("%s: --gdb %s: not an address the guest's lkvm takes", name, addr);
		return 1;
	default:
		error("%s: cannot listen on %s (its lkvm says why on its stderr): %s",
		      name, req.addr, strerror(-ret));
		return 1;
	}
	if (info.already)
		printf("%s: the gdb stub listens on %s already (gdb: target remote %s)\n",
		       name, info.where, info.where);
	else
		printf("%s: the gdb stub listens on %s (gdb: target remote %s)\n",
		       name, info.where, info.where);
	return 0;
}

int cmd_debug(int argc, const char **argv)
{
	const char *gdb_addr = NULL;
	const struct option options[] = {
		OPT_STRING(0, "gdb", &gdb_addr, "[host:]port|path",
			   "start the gdb stub there (gdb vmlinux, then: target remote ...)"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, debug_usage, 0);
	if (argc != 1 || !gdb_addr) {
		error("name one guest and say what to do (--gdb)");
		usage_with_options(debug_usage, options);
	}
	return debug_gdb(argv[0], gdb_addr);
}
