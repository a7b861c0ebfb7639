// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm sandbox [run options] -- CMD [ARGS]: boots the default root file
 * system (see builtin-setup.c), runs CMD in the guest with its output on
 * the console, and exits with CMD's exit status.
 *
 * The command travels as a shell script written into the rootfs share
 * (/virt/sandbox-PID.sh); the guest init runs it and leaves the status
 * next to it, in SCRIPT.status, which is read once the guest is gone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm/strbuf.h"
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/builtin.h"
#include "kvm/setup.h"

/* On stderr with status 129, as parse-options does for every other command. */
static int sandbox_usage(void)
{
	fprintf(stderr, "\n Usage: lkvm sandbox [run options] -- CMD [ARGS]\n\n"
		"    Runs CMD in a guest booted on the default 9p root file system\n"
		"    and exits with its status.  See 'lkvm run -h' for the options.\n\n");
	return 129;
}

/* 'it'\''s' */
static void append_quoted(struct strbuf *sb, const char *arg)
{
	strbuf_addch(sb, '\'');
	for (; *arg; arg++) {
		if (*arg == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *arg);
	}
	strbuf_addch(sb, '\'');
}

static int write_script(const char *path, int argc, const char **argv)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f;
	int i, ret = 0;

	strbuf_addstr(&sb, "#!/bin/sh\n# written by lkvm sandbox\nexec");
	for (i = 0; i < argc; i++) {
		strbuf_addch(&sb, ' ');
		append_quoted(&sb, argv[i]);
	}
	strbuf_addch(&sb, '\n');

	f = fopen(path, "w");
	if (!f || fputs(sb.buf, f) == EOF)
		ret = error("sandbox: %s: %s", path, strerror(errno));
	if (f && fclose(f) && !ret)
		ret = error("sandbox: %s: %s", path, strerror(errno));
	strbuf_release(&sb);
	return ret;
}

/* The --name the run options ask for, else the default rootfs. */
static const char *rootfs_name(int argc, const char **argv)
{
	const char *name = KVM_SETUP_DEFAULT_NAME;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strncmp(argv[i], "--name=", 7))
			name = argv[i] + 7;
	}
	return name;
}

static bool has_root_option(int argc, const char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-d") || !strncmp(argv[i], "--disk", 6) ||
		    !strcmp(argv[i], "-i") || !strncmp(argv[i], "--initrd", 8))
			return true;
	}
	return false;
}

/* The command's status from SCRIPT.status, or -1. */
static int read_status(const char *path)
{
	int status = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &status) != 1 || status < 0 || status > 255)
		status = -1;
	fclose(f);
	return status;
}

int cmd_sandbox(int argc, const char **argv)
{
	char *root, *guest_script, *script, *status_file;
	const char **run_argv;
	int dashdash, i, ret, status;

	for (dashdash = 1; dashdash < argc; dashdash++) {
		if (!strcmp(argv[dashdash], "--"))
			break;
		if (!strcmp(argv[dashdash], "-h") ||
		    !strcmp(argv[dashdash], "--help"))
			return sandbox_usage();
	}
	if (dashdash + 1 >= argc)
		return sandbox_usage();
	if (has_root_option(dashdash - 1, argv + 1)) {
		error("sandbox: the guest boots the 9p root file system: no -d or -i");
		return 129;
	}

	if (kvm_setup__create_rootfs(rootfs_name(dashdash - 1, argv + 1), false))
		return 1;
	root = kvm_setup__rootfs_path(rootfs_name(dashdash - 1, argv + 1));
	guest_script = xasprintf("/virt/sandbox-%d.sh", getpid());
	script = xasprintf("%s%s", root, guest_script);
	status_file = xasprintf("%s.status", script);
	unlink(status_file);
	if (write_script(script, argc - dashdash - 1, argv + dashdash + 1)) {
		ret = 1;
		goto out;
	}

	/* 'run' and the options before '--'. */
	run_argv = xcalloc(dashdash + 1, sizeof(*run_argv));
	run_argv[0] = "run";
	for (i = 1; i < dashdash; i++)
		run_argv[i] = argv[i];
	kvm_setup__sandbox_script = guest_script;
	ret = cmd_run(dashdash, run_argv);
	kvm_setup__sandbox_script = NULL;
	free(run_argv);

	status = read_status(status_file);
	if (status < 0) {
		error("sandbox: the guest ended without running the command");
		ret = ret ?: 1;
	} else {
		ret = status;
	}
	unlink(status_file);
	unlink(script);
out:
	free(status_file);
	free(script);
	free(guest_script);
	free(root);
	return ret;
}
