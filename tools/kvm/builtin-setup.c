// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm setup [NAME]: creates ~/.lkvm/NAME, a small root file system that
 * shows the host's programs read-only; 'lkvm run' without a disk boots it
 * over 9p.  See include/kvm/setup.h for its layout.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/builtin.h"
#include "kvm/guest-init.h"
#include "kvm/kvm-config.h"
#include "kvm/lkvm-dir.h"
#include "kvm/setup.h"
#include "kvm/virtio-9p.h"

#define ROOTFS_9P_OPTIONS "trans=virtio,version=9p2000.L,msize=262144,cache=mmap"

const char *kvm_setup__sandbox_script;

/* Host directories the guest sees, read-only. */
static const char * const host_dirs[] = {
	"bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr",
};

/* The rootfs's own directories. */
static const char * const own_dirs[] = {
	"dev", "etc", "home", "host", "mnt", "proc", "root", "run", "sys",
	"tmp", "var", "var/tmp", "var/log", "virt",
};

static const struct {
	const char *name;
	const char *text;
} etc_files[] = {
	{ "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" },
	{ "etc/group", "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n" },
	{ "etc/hostname", "lkvm\n" },
	{ "etc/hosts", "127.0.0.1\tlocalhost lkvm\n::1\tlocalhost\n" },
	{ "etc/shells", "/bin/sh\n/bin/bash\n" },
	{ "etc/profile", "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
			 "PS1='[lkvm] \\w # '\n" },
};

char *kvm_setup__rootfs_path(const char *name)
{
	if (!lkvm_dir__valid_name(name))
		return NULL;
	return lkvm_dir__path(name);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return error("setup: mkdir %s: %s", path, strerror(errno));
	return 0;
}

/*
 * Whether @path holds exactly @len bytes of @data.  Read a piece at a
 * time: a buffer the size of the guest init (~1 MiB) would go through
 * mmap, and freeing it raises glibc's mmap threshold to its size, so
 * that every later allocation below that (the IRQ routing table, the
 * virtqueue state) would stay in the heap for the VM's whole life.
 */
static bool holds(const char *path, const char *data, size_t len)
{
	char buf[16384];
	struct stat st;
	size_t done;
	ssize_t n;
	bool same;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	same = !fstat(fd, &st) && (size_t)st.st_size == len;
	for (done = 0; same && done < len; done += n) {
		n = read_in_full(fd, buf, min(sizeof(buf), len - done));
		same = n > 0 && !memcmp(buf, data + done, n);
	}
	close(fd);
	return same;
}

/* Writes @len bytes to @path atomically, unless it already holds them. */
static int write_file(const char *path, const void *data, size_t len,
		      mode_t mode)
{
	char *tmp;
	int fd, ret;

	if (holds(path, data, len))
		return 0;

	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		ret = error("setup: %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_in_full(fd, data, len) != (ssize_t)len || fchmod(fd, mode) ||
	    close(fd)) {
		ret = error("setup: writing %s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = rename(tmp, path) ? error("setup: %s: %s", path, strerror(errno)) : 0;
out:
	free(tmp);
	return ret;
}

/*
 * A host directory is seen through /host/NAME, a share of its own; a
 * symlink (merged /usr: bin -> usr/bin) is copied as it is and so leads
 * to the share of its target.
 */
static int link_host_dir(const char *root, const char *name)
{
	char *host, *path, *target, *mnt;
	char link[PATH_MAX];
	struct stat st, pst;
	ssize_t n;
	int ret = 0;

	host = xasprintf("/%s", name);
	path = xasprintf("%s/%s", root, name);
	/* Nothing to show, or already there (the user's choice stays). */
	if (lstat(host, &st) || !lstat(path, &pst))
		goto out;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(host, link, sizeof(link) - 1);
		if (n <= 0)
			goto out;
		link[n] = '\0';
		if (symlink(link, path))
			ret = error("setup: symlink %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode))
		goto out;
	mnt = xasprintf("%s/host/%s", root, name);
	target = xasprintf("/host/%s", name);
	ret = make_dir(mnt);
	if (!ret && symlink(target, path))
		ret = error("setup: symlink %s: %s", path, strerror(errno));
	free(mnt);
	free(target);
out:
	free(host);
	free(path);
	return ret;
}

static int link_host_dirs(const char *root)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(host_dirs) && !ret; i++)
		ret = link_host_dir(root, host_dirs[i]);
	return ret;
}

/*
 * A read-only share per real host directory, tagged host-NAME.  They show
 * the host's programs as they are, setuid bits and all: passthrough
 * (nothing can be created in them).
 */
static int add_host_shares(void)
{
	struct stat st;
	char *dir, *tag;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(host_dirs) && !ret; i++) {
		dir = xasprintf("/%s", host_dirs[i]);
		tag = xasprintf(KVM_SETUP_HOST_TAG_PREFIX "%s", host_dirs[i]);
		if (!lstat(dir, &st) && S_ISDIR(st.st_mode))
			ret = virtio_9p__add_share(dir, tag, true,
						   P9_SECURITY_PASSTHROUGH);
		free(dir);
		free(tag);
	}
	return ret;
}

static int populate(const char *root)
{
	char *path;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(own_dirs) && !ret; i++) {
		path = xasprintf("%s/%s", root, own_dirs[i]);
		ret = make_dir(path);
		free(path);
	}
	if (!ret)
		ret = link_host_dirs(root);
	for (i = 0; i < ARRAY_SIZE(etc_files) && !ret; i++) {
		path = xasprintf("%s/%s", root, etc_files[i].name);
		/* The user's own edits stay. */
		if (access(path, F_OK))
			ret = write_file(path, etc_files[i].text,
					 strlen(etc_files[i].text), 0644);
		free(path);
	}
	if (!ret) {
		path = xasprintf("%s/etc/mtab", root);
		if (symlink("/proc/self/mounts", path) && errno != EEXIST)
			ret = error("setup: %s: %s", path, strerror(errno));
		free(path);
	}
	if (!ret) {
		/* Always this lkvm's init: an older one may not match. */
		path = xasprintf("%s/virt/init", root);
		ret = write_file(path, lkvm_guest_init,
				 lkvm_guest_init_end - lkvm_guest_init, 0755);
		free(path);
		lkvm_guest_init_release();
	}
	return ret;
}

int kvm_setup__create_rootfs(const char *name, bool must_be_new)
{
	char *root;
	int ret;

	root = kvm_setup__rootfs_path(name);
	if (!root)
		return error("setup: bad name '%s': letters, digits, '.', '_', '-'",
			     name);
	ret = lkvm_dir__create();
	if (ret)
		goto out;
	if (mkdir(root, 0755)) {
		if (errno != EEXIST || must_be_new) {
			ret = error("setup: %s: %s", root, strerror(errno));
			goto out;
		}
	}
	ret = populate(root);
out:
	free(root);
	return ret;
}

int kvm_setup__use_default_rootfs(struct kvm_config *cfg)
{
	const char *name = cfg->guest_name ?: KVM_SETUP_DEFAULT_NAME;
	const char *user = cfg->kernel_cmdline;
	char *root;
	int ret;

	root = kvm_setup__rootfs_path(name);
	if (!root)
		return error("--name '%s': not usable as a root file system name",
			     name);
	ret = kvm_setup__create_rootfs(name, false);
	/* The guest's own root: its owners and device nodes are not the host's. */
	if (!ret)
		ret = virtio_9p__add_share(root, KVM_SETUP_ROOT_TAG, false,
					   P9_SECURITY_MAPPED);
	if (!ret)
		ret = add_host_shares();
	if (ret) {
		free(root);
		return ret;
	}
	pr_info("no disk: booting %s over 9p", root);
	free(root);

	cfg->kernel_cmdline = xasprintf(
		"root=" KVM_SETUP_ROOT_TAG " rw rootfstype=9p rootflags="
		ROOTFS_9P_OPTIONS " init=/virt/init%s%s%s%s",
		kvm_setup__sandbox_script ? " quiet loglevel=1 lkvm.sandbox=" : "",
		kvm_setup__sandbox_script ?: "",
		user ? " " : "", user ?: "");
	return 0;
}

static const char * const setup_usage[] = {
	"lkvm setup [NAME]",
	NULL,
};

int cmd_setup(int argc, const char **argv)
{
	const struct option options[] = {
		OPT_END()
	};
	const char *name;
	char *root;

	argc = parse_options(argc, argv, options, setup_usage, 0);
	if (argc > 1)
		usage_with_options(setup_usage, options);
	name = argc ? argv[0] : KVM_SETUP_DEFAULT_NAME;
	if (kvm_setup__create_rootfs(name, true))
		return 1;
	root = kvm_setup__rootfs_path(name);
	printf("A new root file system was created in %s\n"
	       "Boot it with: lkvm run --name %s\n", root, name);
	free(root);
	return 0;
}
