// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm run: parse the command line, build the VM, start its vCPUs and
 * wait until the guest ends.  Every option is checked before a VM exists.
 *
 * The options of the machine (memory, vCPUs, kernel, console) are here
 * and go into struct kvm_config; each device declares its own options
 * and keeps their values (run_options_register(), kvm/run-options.h).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/sysinfo.h>	/* struct sysinfo: glibc takes it from linux/kernel.h */
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/align.h>
#include <linux/kernel.h>
#include <linux/sizes.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/builtin.h"
#include "kvm/control.h"
#include "kvm/debug-stats.h"
#include "kvm/debug-dump.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/run-options.h"
#include "kvm/record.h"
#include "kvm/seccomp.h"
#include "kvm/setup.h"
#include "kvm/virtio-blk.h"

#define DEFAULT_RAM_MIB		256
#define MIN_RAM_SIZE		(32ULL << 20)
/* The guest physical address space we lay RAM out in (below 1 TiB). */
#define MAX_RAM_SIZE		(1ULL << 40)
#define HUGETLBFS_MAGIC_NUMBER	0x958458f6

static const char * const run_usage[] = {
	"lkvm run [-k KERNEL] [-i INITRD] [-p \"PARAMS\"] [-m MEM] [-c CPUS] [OPTIONS]",
	"",
	"Exit status: 0 when the guest powers off or reboots, 2 when its kernel",
	"panicked (reported through the pvpanic device), 128+N when lkvm got",
	"the fatal signal N (159 for SIGSYS: a system call lkvm's seccomp filter",
	"does not allow), 1 on any other failure.",
	NULL
};

static struct kvm *run_kvm;
static bool no_seccomp;
static const char *vmlinux;

static int opt_loglevel(const struct option *opt, const char *arg, int unset)
{
	if (unset)
		return error("--no-loglevel: give a level instead");
	if (loglevel_set(arg) < 0)
		return error("--loglevel: unknown level '%s' (error, warning, info, debug)",
			     arg);
	return 0;
}

static int opt_console(const struct option *opt, const char *arg, int unset)
{
	struct kvm_config *cfg = opt->value;

	if (unset)
		return error("--no-console: the guest needs a console (serial or virtio)");
	if (strcmp(arg, "serial") && strcmp(arg, "virtio"))
		return error("--console: '%s' is neither 'serial' nor 'virtio'", arg);
	cfg->console = arg;
	return 0;
}

/* -m 512, -m 512M, -m 2G: plain numbers are MiB. */
static int opt_mem(const struct option *opt, const char *arg, int unset)
{
	if (unset)
		return error("--no-mem: guest memory cannot be left out");
	if (parse_size(arg, SZ_1M, opt->value))
		return error("-m: expects a size (like 512M or 2G), not '%s'", arg);
	return 0;
}

/*
 * The kernel of the tree lkvm was built in (lkvm sits in tools/kvm), then
 * the host's running kernel.
 */
static char *find_default_kernel(void)
{
	char exe[PATH_MAX], *slash, *path, *real;
	struct utsname uts;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			path = xasprintf("%s/../../%s", exe,
					 kvm__arch_tree_kernel());
			real = realpath(path, NULL);
			free(path);
			if (real && !access(real, R_OK))
				return real;
			free(real);
		}
	}
	if (uname(&uts) < 0)
		return NULL;
	path = xasprintf("/boot/vmlinuz-%s", uts.release);
	if (!access(path, R_OK))
		return path;
	free(path);
	return NULL;
}

/* vm.overcommit_memory: 0 heuristic, 1 always, 2 strict. */
static int overcommit_policy(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int policy = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &policy) != 1)
		policy = 0;
	fclose(f);
	return policy;
}

static int check_config(struct kvm_config *cfg)
{
	struct statfs sfs;
	struct sysinfo si;
	u64 host_mem;

	if (cfg->nrcpus < 1)
		return error("-c %d: the guest needs at least one vCPU", cfg->nrcpus);
	if (cfg->ram_size < MIN_RAM_SIZE)
		return error("-m: %llu MiB is too little guest memory (at least %llu MiB)",
			     (unsigned long long)cfg->ram_size >> 20,
			     MIN_RAM_SIZE >> 20);
	if (cfg->ram_size > MAX_RAM_SIZE)
		return error("-m: %llu GiB is too much guest memory (at most %llu GiB)",
			     (unsigned long long)cfg->ram_size >> 30,
			     MAX_RAM_SIZE >> 30);
	if (!IS_ALIGNED(cfg->ram_size, (u64)SZ_1M))
		return error("-m: guest memory must be a whole number of MiB");
	/* What the kernel's overcommit heuristic would refuse anyway. */
	if (overcommit_policy() == 0 && !sysinfo(&si)) {
		host_mem = ((u64)si.totalram + si.totalswap) * si.mem_unit;
		if (cfg->ram_size > host_mem)
			return error("-m: %llu MiB of guest memory is more than this host has (%llu MiB of RAM and swap)",
				     (unsigned long long)cfg->ram_size >> 20,
				     (unsigned long long)host_mem >> 20);
	}

	if (cfg->hugetlbfs_path && (statfs(cfg->hugetlbfs_path, &sfs) < 0 ||
				    (unsigned long)sfs.f_type != HUGETLBFS_MAGIC_NUMBER))
		return error("--hugetlbfs %s: not a hugetlbfs mount",
			     cfg->hugetlbfs_path);

	if (!cfg->kernel_filename) {
		cfg->kernel_filename = find_default_kernel();
		if (!cfg->kernel_filename)
			return error("no kernel: give one with -k (neither this tree's %s nor /boot/vmlinuz-$(uname -r) is readable)",
				     kvm__arch_tree_kernel());
		pr_info("no -k: using the kernel %s", cfg->kernel_filename);
	}
	return 0;
}

/* The symbols of dumps: --vmlinux, or what goes with the kernel. */
static int set_vmlinux(struct kvm_config *cfg)
{
	char *path;

	if (vmlinux) {
		path = realpath(vmlinux, NULL);
		if (!path)
			return error("--vmlinux %s: %s", vmlinux, strerror(errno));
	} else {
		path = debug_dump__default_vmlinux(cfg->kernel_filename);
	}
	debug_dump__set_vmlinux(path);
	free(path);
	return 0;
}

static void exit_signal(int sig)
{
	u64 one = 1;

	kvm__exit_signal = sig;
	if (run_kvm && write(run_kvm->exit_fd, &one, sizeof(one)) < 0)
		return;
}

static void dump_signal(int sig)
{
	u64 one = 1;

	kvm__dump_signal = sig;
	if (run_kvm && write(run_kvm->exit_fd, &one, sizeof(one)) < 0)
		return;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = exit_signal };
	struct sigaction dump = { .sa_handler = dump_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* kill -USR1 shows where each vCPU is, e.g. in a guest that hangs. */
	sigemptyset(&dump.sa_mask);
	sigaction(SIGUSR1, &dump, NULL);
}

int cmd_run(int argc, const char **argv)
{
	struct kvm *kvm = kvm__new();
	struct kvm_config *cfg = &kvm->cfg;
	u64 ram_size = (u64)DEFAULT_RAM_MIB << 20;
	int nrcpus = 1, status;
	const struct option machine_options[] = {
		OPT_GROUP("Basic options:"),
		OPT_STRING(0, "name", &cfg->guest_name, "name",
			   "the guest's name (default guest-PID)"),
		OPT_INTEGER('c', "cpus", &nrcpus, "number of vCPUs (default 1)"),
		OPT_CALLBACK('m', "mem", &ram_size, "size",
			     "guest memory: MiB, or with a K/M/G suffix (default 256)",
			     opt_mem),
		OPT_CALLBACK(0, "console", cfg, "serial|virtio",
			     "the guest's console device (default serial)", opt_console),
		OPT_STRING(0, "hugetlbfs", &cfg->hugetlbfs_path, "path",
			   "back guest memory with huge pages from this hugetlbfs mount"),
		OPT_BOOLEAN(0, "mergeable", &cfg->mergeable,
			    "let KSM merge guest memory (MADV_MERGEABLE)"),

		OPT_GROUP("Kernel options:"),
		OPT_STRING('k', "kernel", &cfg->kernel_filename, "kernel",
			   "the kernel: x86 a bzImage or an ELF vmlinux with a PVH entry, arm64 an Image or Image.gz"),
		OPT_STRING('i', "initrd", &cfg->initrd_filename, "initrd",
			   "the initial ramdisk"),
		OPT_STRING('p', "params", &cfg->kernel_cmdline, "params",
			   "more kernel command line parameters"),
		OPT_END()
	};
	const struct option debug_options[] = {
		OPT_GROUP("Debug options:"),
		OPT_CALLBACK(0, "loglevel", NULL, "level",
			     "error, warning, info or debug (default info)", opt_loglevel),
		OPT_BOOLEAN(0, "debug-exits", &debug_exits,
			    "at the end, count the guest's exits to lkvm by reason and its busiest I/O ports and MMIO addresses"),
		OPT_BOOLEAN(0, "debug-startup", &debug_startup,
			    "at the first KVM_RUN, show how long each phase of lkvm's start-up took"),
		OPT_STRING(0, "vmlinux", &vmlinux, "path",
			   "the kernel's vmlinux, for the symbols of dumps (kill -USR1, fatal exits, lkvm debug --dump); default: -k when it is an ELF file, or the vmlinux of its tree"),
		OPT_BOOLEAN(0, "no-seccomp", &no_seccomp,
			    "no system call filter (seccomp) once the VM runs: for debugging"),
		OPT_END()
	};
	struct option *options;

	/* Ours, then every device's (run_options_register()), then debug. */
	options = run_options__build(machine_options, debug_options);
	if (!options)
		return 1;
	argc = parse_options(argc, argv, options, run_usage, 0);
	if (argc) {
		error("unexpected argument '%s'", argv[0]);
		usage_with_options(run_usage, options);
	}
	free(options);
	cfg->ram_size = ram_size;
	cfg->nrcpus = nrcpus;
	if (check_config(cfg) < 0)
		return 1;
	if (set_vmlinux(cfg) < 0)
		return 1;
	startup__mark("options");
	/* No disk, no initrd: the default root file system, over 9p. */
	if (!virtio_blk__nr_disks() && !cfg->initrd_filename) {
		if (kvm_setup__use_default_rootfs(cfg) < 0)
			return 1;
		startup__mark("default root file system");
	}
	/* After the rootfs, which is named after --name or "default". */
	if (!cfg->guest_name)
		cfg->guest_name = xasprintf("guest-%d", getpid());
	/* The control socket (lkvm list, stop, ...); a name clash ends here. */
	if (control__start(kvm, cfg->guest_name) < 0)
		return 1;
	startup__mark("control socket");

	run_kvm = kvm;
	setup_signals();
	pr_info("# lkvm run -k %s -m %llu -c %d --name %s", cfg->kernel_filename,
		(unsigned long long)cfg->ram_size >> 20, cfg->nrcpus,
		cfg->guest_name);

	/*
	 * The filter goes on once everything that opens, spawns or sets up
	 * (devices, their threads, tap scripts) is done, before the guest
	 * runs a single instruction.
	 */
	record__init();
	if (kvm__init(kvm) < 0 || (!no_seccomp && seccomp__install() < 0) ||
	    kvm_cpu__start_all(kvm) < 0) {
		kvm__request_exit(kvm, 1);
		status = 1;
	} else {
		status = kvm__wait_exit(kvm);
	}

	control__stop(kvm);
	if (kvm__exit(kvm) < 0 && !status)
		status = 1;
	record__exit();
	run_kvm = NULL;
	if (!status)
		pr_info("# KVM session ended normally.");
	return status;
}
