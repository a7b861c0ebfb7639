// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm debug NAME: debugging a guest that runs already, through its
 * control socket.
 *
 *   --gdb [HOST:]PORT|PATH  starts the gdb stub (as lkvm run --gdb would
 *                        have) and says where gdb is to connect; the
 *                        guest runs on until gdb attaches
 *   --dump [--vmlinux PATH]  prints every vCPU's registers, code bytes
 *                        and stack walk, symbolized with the vmlinux
 *   --nmi                an NMI into every vCPU
 *   --sysrq KEY          Magic SysRq KEY through the serial console
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
	"lkvm debug NAME --dump [--vmlinux PATH]",
	"lkvm debug NAME --nmi | --sysrq KEY",
	NULL
};

/* Opening a large vmlinux with DWARF takes a while the first time. */
#define DUMP_TIMEOUT_MS		60000

/* The running lkvm has another working directory: paths go absolute. */
static int abs_path(const char *path, char *out, size_t size)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/') {
		n = snprintf(out, size, "%s", path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return error("%s: %s", path, strerror(errno));
		n = snprintf(out, size, "%s/%s", cwd, path);
	}
	if (n < 0 || (size_t)n >= size)
		return error("%s: the path is too long", path);
	return 0;
}

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

static int dump_error(const char *name, int ret)
{
	switch (ret) {
	case -EIO:
		break;		/* said already */
	case -EOPNOTSUPP:
		error("%s: this lkvm cannot dump its vCPUs", name);
		break;
	case -EAGAIN:
		error("%s: its vCPUs have not started yet", name);
		break;
	case -ESTALE:
		error("%s: another dump was made meanwhile; try again", name);
		break;
	default:
		error("%s: no dump: %s", name, strerror(-ret));
		break;
	}
	return 1;
}

/* The dump comes in pieces of one message each. */
static int debug_dump(const char *name, const char *vmlinux)
{
	char buf[LKVM_CTL_MAX_MSG];
	struct lkvm_ctl_dump_info *info = (struct lkvm_ctl_dump_info *)buf;
	size_t room = sizeof(buf) - sizeof(struct lkvm_ctl_reply) - sizeof(*info);
	struct lkvm_ctl_dump req;
	int fd, ret = 0;

	memset(&req, 0, sizeof(req));
	if (vmlinux && abs_path(vmlinux, req.vmlinux, sizeof(req.vmlinux)))
		return 1;
	fd = control__connect(name);
	if (fd < 0)
		return 1;
	do {
		ret = control__call_timeout(fd, LKVM_CTL_DUMP, &req, sizeof(req),
					    buf, sizeof(buf) - sizeof(struct lkvm_ctl_reply),
					    DUMP_TIMEOUT_MS);
		if (ret)
			break;
		if (info->len > room || info->total < req.offset + info->len) {
			error("%s: a malformed dump came back", name);
			ret = -EIO;
			break;
		}
		fwrite(info->text, 1, info->len, stdout);
		req.offset += info->len;
		req.gen = info->gen;
	} while (info->len && req.offset < info->total);
	close(fd);
	fflush(stdout);
	return ret ? dump_error(name, ret) : 0;
}

static int debug_nmi(const char *name)
{
	int fd, ret;

	fd = control__connect(name);
	if (fd < 0)
		return 1;
	ret = control__call(fd, LKVM_CTL_NMI, NULL, 0, NULL, 0);
	close(fd);
	if (ret == -EIO)
		return 1;
	if (ret) {
		error("%s: no NMI: %s", name, strerror(-ret));
		return 1;
	}
	printf("%s: an NMI went to every vCPU (see the guest's console)\n", name);
	return 0;
}

static int debug_sysrq(const char *name, const char *key)
{
	struct lkvm_ctl_sysrq req = { 0 };
	int fd, ret;

	if (strlen(key) != 1 || key[0] < 0x21 || key[0] > 0x7e) {
		error("--sysrq %s: give one SysRq key, such as t, w or m (h lists them)",
		      key);
		return 1;
	}
	req.key = key[0];
	fd = control__connect(name);
	if (fd < 0)
		return 1;
	ret = control__call(fd, LKVM_CTL_SYSRQ, &req, sizeof(req), NULL, 0);
	close(fd);
	switch (ret) {
	case 0:
		printf("%s: sent BREAK + '%c' on the serial console (SysRq %c)\n",
		       name, key[0], key[0]);
		return 0;
	case -EIO:
		return 1;
	case -EBUSY:
		error("%s: the guest has not read the last SysRq yet", name);
		return 1;
	case -ENODEV:
		error("%s: the guest has no serial port", name);
		return 1;
	default:
		error("%s: no SysRq: %s", name, strerror(-ret));
		return 1;
	}
}

int cmd_debug(int argc, const char **argv)
{
	const char *gdb_addr = NULL, *vmlinux = NULL, *sysrq = NULL;
	bool dump = false, nmi = false;
	const struct option options[] = {
		OPT_STRING(0, "gdb", &gdb_addr, "[host:]port|path",
			   "start the gdb stub there (gdb vmlinux, then: target remote ...)"),
		OPT_BOOLEAN(0, "dump", &dump,
			    "print each vCPU's registers, code bytes and call trace"),
		OPT_STRING(0, "vmlinux", &vmlinux, "path",
			   "the guest kernel's vmlinux for --dump's symbols (default: lkvm run's)"),
		OPT_BOOLEAN(0, "nmi", &nmi, "inject an NMI into every vCPU"),
		OPT_STRING(0, "sysrq", &sysrq, "key",
			   "send Magic SysRq KEY through the serial console (BREAK, then KEY)"),
		OPT_END()
	};
	int what;

	argc = parse_options(argc, argv, options, debug_usage, 0);
	what = !!gdb_addr + dump + nmi + !!sysrq;
	if (argc != 1 || what != 1 || (vmlinux && !dump)) {
		error("name one guest and say what to do (one of --gdb, --dump, --nmi, --sysrq)");
		usage_with_options(debug_usage, options);
	}
	if (gdb_addr)
		return debug_gdb(argv[0], gdb_addr);
	if (dump)
		return debug_dump(argv[0], vmlinux);
	if (nmi)
		return debug_nmi(argv[0]);
	return debug_sysrq(argv[0], sysrq);
}
