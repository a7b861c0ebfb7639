// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include <subcmd/parse-options.h>
#include "kvm/log.h"

#include "generated/version.h"
#include "kvm/builtin.h"

static const char * const version_usage[] = {
	"lkvm version [--build-options]",
	NULL
};

static void print_build_options(void)
{
	printf("  arch: %s\n", LKVM_ARCH);
	printf("  built with:");
#ifdef CONFIG_HAS_LIBFDT
	printf(" libfdt");
#endif
#ifdef CONFIG_HAS_LIBELF
	printf(" libelf");
#endif
#ifdef CONFIG_HAS_LIBDW
	printf(" libdw");
#endif
#ifdef CONFIG_HAS_LIBURING
	printf(" liburing");
#endif
#ifdef CONFIG_HAS_LIBSLIRP
	printf(" libslirp");
#endif
#ifdef CONFIG_HAS_LIBSECCOMP
	printf(" libseccomp");
#endif
#ifdef CONFIG_LOCKDEP
	printf(" lockdep");
#endif
	printf("\n");
}

int cmd_version(int argc, const char **argv)
{
	bool build_options = false;
	const struct option options[] = {
		OPT_BOOLEAN(0, "build-options", &build_options,
			    "also show the architecture and optional features"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, version_usage, 0);
	if (argc) {
		error("unexpected argument '%s'", argv[0]);
		usage_with_options(version_usage, options);
	}

	printf("lkvm version %s\n", LKVM_VERSION);
	if (build_options)
		print_build_options();
	return 0;
}
