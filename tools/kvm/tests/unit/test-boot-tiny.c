// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end boots of tiny hand-assembled "kernels" through 'lkvm run':
 * a bzImage entered at its 64-bit entry, one at its 32-bit entry, and an
 * ELF with a PVH note.  Each prints, through the 8250 at 0x3f8, the
 * command line it finds through boot_params (or hvm_start_info), then
 * resets through the i8042, which must end lkvm with status 0.  Runs on
 * any KVM, PVM included: the guests use nothing PVM cannot emulate.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kvm/seccomp.h"

#include "tap.h"

#define RUN_TIMEOUT_S	60

/*
 * 64-bit: print the string at boot_params.hdr.cmd_line_ptr, a newline,
 * the first 4 bytes of the initrd (if ramdisk_size >= 4), then "STR\n"
 * with one 'rep outsb' (string I/O, count 4); out 0xfe to port 0x64.
 */
static const uint8_t guest64[] = {
	0x66, 0xba, 0xf8, 0x03, 0x8b, 0x8e, 0x28, 0x02, 0x00, 0x00, 0x8a, 0x01,
	0x84, 0xc0, 0x74, 0x06, 0xee, 0x48, 0xff, 0xc1, 0xeb, 0xf4, 0xb0, 0x0a,
	0xee, 0x8b, 0x8e, 0x18, 0x02, 0x00, 0x00, 0x85, 0xc9, 0x74, 0x1c, 0x44,
	0x8b, 0x86, 0x1c, 0x02, 0x00, 0x00, 0x41, 0x83, 0xf8, 0x04, 0x72, 0x0f,
	0x8a, 0x01, 0xee, 0x8a, 0x41, 0x01, 0xee, 0x8a, 0x41, 0x02, 0xee, 0x8a,
	0x41, 0x03, 0xee, 0x48, 0x8d, 0x35, 0x0e, 0x00, 0x00, 0x00, 0xb9, 0x04,
	0x00, 0x00, 0x00, 0xf3, 0x6e, 0xb0, 0xfe, 0xe6, 0x64, 0xf4, 0xeb, 0xfd,
	0x53, 0x54, 0x52, 0x0a,
};

/* 32-bit, boot protocol: the command line at 0x228(%esi), then reset. */
static const uint8_t guest32_bz[] = {
	0x66, 0xba, 0xf8, 0x03, 0x8b, 0x8e, 0x28, 0x02, 0x00, 0x00, 0x8a, 0x01,
	0x84, 0xc0, 0x74, 0x04, 0xee, 0x41, 0xeb, 0xf6, 0xb0, 0x0a, 0xee, 0xb0,
	0xfe, 0xe6, 0x64, 0xf4, 0xeb, 0xfd,
};

/* 32-bit, PVH: the command line at hvm_start_info.cmdline_paddr (24(%ebx)). */
static const uint8_t guest32_pvh[] = {
	0x66, 0xba, 0xf8, 0x03, 0x8b, 0x4b, 0x18, 0x8a, 0x01, 0x84, 0xc0, 0x74,
	0x04, 0xee, 0x41, 0xeb, 0xf6, 0xb0, 0x0a, 0xee, 0xb0, 0xfe, 0xe6, 0x64,
	0xf4, 0xeb, 0xfd,
};

/*
 * 64-bit: read PCI 00:00.0's vendor ID through 0xcf8/0xcfc, print its two
 * bytes and a newline, reset.  The address write may be coalesced: the
 * read must see it all the same.
 */
static const uint8_t guest_pci[] = {
	0xb8, 0x00, 0x00, 0x00, 0x80, 0x66, 0xba, 0xf8, 0x0c, 0xef, 0x66, 0xba,
	0xfc, 0x0c, 0xed, 0x66, 0xba, 0xf8, 0x03, 0xee, 0xc1, 0xe8, 0x08, 0xee,
	0xb0, 0x0a, 0xee, 0xb0, 0xfe, 0xe6, 0x64, 0xf4, 0xeb, 0xfd,
};

/* int3 with no IDT: a triple fault (an emulation failure on PVM). */
static const uint8_t guest_fault[] = { 0xcc, 0xf4, 0xeb, 0xfd };

/* hlt with interrupts off, forever: a guest that runs until lkvm is told. */
static const uint8_t guest_idle[] = { 0xfa, 0xf4, 0xeb, 0xfd };

static char dir[] = "/tmp/lkvm-test-boot-XXXXXX";

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static char *write_file(const char *name, const void *buf, size_t len)
{
	static char path[4][256];
	static int n;
	char *p = path[n++ % 4];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		return NULL;
	return p;
}

/* A bzImage: 2 sectors of setup, then the protected-mode code. */
static char *make_bzimage(const char *name, const uint8_t *code, size_t len,
			  bool entry64, uint16_t version)
{
	size_t setup = 2 * 512, off = setup + (entry64 ? 0x200 : 0);
	uint8_t img[8192] = { 0 };

	img[0x1f1] = 1;				/* setup_sects */
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;			/* jump over the header */
	img[0x201] = 0x66;
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, version);
	img[0x211] = 0x01;			/* LOADED_HIGH */
	put32(img + 0x214, 0x100000);		/* code32_start */
	put32(img + 0x22c, 0x37ffffff);		/* initrd_addr_max */
	put32(img + 0x230, 0x200000);		/* kernel_alignment */
	img[0x234] = 1;				/* relocatable */
	put16(img + 0x236, entry64 ? 1 : 0);	/* XLF_KERNEL_64 */
	put32(img + 0x238, 2047);		/* cmdline_size */
	put64(img + 0x258, 0x1000000);		/* pref_address */
	put32(img + 0x260, 0x100000);		/* init_size */
	memcpy(img + off, code, len);
	return write_file(name, img, off + len);
}

/* An ELF64 with one PT_LOAD at 1 MiB and a PT_NOTE "Xen" type 18. */
static char *make_pvh(const char *name, bool with_note)
{
	uint8_t img[0x200 + sizeof(guest32_pvh)] = { 0 };
	uint8_t *ph = img + 64, *note = img + 0x100;

	memcpy(img, "\177ELF\2\1\1", 7);
	put16(img + 16, 2);			/* ET_EXEC */
	put16(img + 18, 62);			/* EM_X86_64 */
	put32(img + 20, 1);
	put64(img + 24, 0x100000);		/* e_entry */
	put64(img + 32, 64);			/* e_phoff */
	put16(img + 52, 64);			/* e_ehsize */
	put16(img + 54, 56);			/* e_phentsize */
	put16(img + 56, 2);			/* e_phnum */

	put32(ph, 1);				/* PT_LOAD */
	put32(ph + 4, 5);
	put64(ph + 8, 0x200);			/* p_offset */
	put64(ph + 16, 0xffffffff80100000ULL);	/* p_vaddr */
	put64(ph + 24, 0x100000);		/* p_paddr */
	put64(ph + 32, sizeof(guest32_pvh));	/* p_filesz */
	put64(ph + 40, sizeof(guest32_pvh) + 0x1000);
	ph += 56;
	put32(ph, 4);				/* PT_NOTE */
	put64(ph + 8, 0x100);
	put64(ph + 32, 24);
	put64(ph + 40, 24);

	put32(note, 4);				/* namesz */
	put32(note + 4, 8);			/* descsz */
	put32(note + 8, with_note ? 18 : 17);	/* XEN_ELFNOTE_PHYS32_ENTRY */
	memcpy(note + 12, "Xen", 4);
	put64(note + 16, 0x100000);

	memcpy(img + 0x200, guest32_pvh, sizeof(guest32_pvh));
	return write_file(name, img, sizeof(img));
}

struct result {
	int status;		/* exit status, or -1 on a timeout/crash */
	char out[16384];	/* the guest's console */
	char err[16384];	/* lkvm's messages */
};

static void drain(int fd, char *buf, size_t *len, size_t size, bool *open)
{
	ssize_t n = read(fd, buf + *len, size - 1 - *len);

	if (n <= 0) {
		*open = false;
		return;
	}
	*len += n;
	buf[*len] = '\0';
}

static const char *tiny_initrd;

static void run(struct result *r, const char *const *args)
{
	const char *argv[32] = { getenv("LKVM"), "run" };
	int out[2], err[2], i, st, devnull;
	size_t olen = 0, elen = 0;
	bool oopen = true, eopen = true;
	time_t end = time(NULL) + RUN_TIMEOUT_S;
	pid_t pid;

	bool initrd = false;

	for (i = 0; args[i] && i < 27; i++) {
		argv[i + 2] = args[i];
		initrd |= !strcmp(args[i], "-i");
	}
	/* An initrd keeps lkvm from setting up its default 9p root. */
	if (!initrd) {
		argv[i + 2] = "-i";
		argv[i + 3] = tiny_initrd;
	}
	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (pipe(out) || pipe(err))
		return;
	pid = fork();
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	while ((oopen || eopen) && time(NULL) < end) {
		struct pollfd pfd[2] = {
			{ .fd = oopen ? out[0] : -1, .events = POLLIN },
			{ .fd = eopen ? err[0] : -1, .events = POLLIN },
		};

		if (poll(pfd, 2, 1000) <= 0)
			continue;
		if (pfd[0].revents)
			drain(out[0], r->out, &olen, sizeof(r->out), &oopen);
		if (pfd[1].revents)
			drain(err[0], r->err, &elen, sizeof(r->err), &eopen);
	}
	if (oopen || eopen) {
		kill(pid, SIGKILL);
		diag("lkvm did not end within %d s", RUN_TIMEOUT_S);
	}
	close(out[0]);
	close(err[0]);
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !oopen && !eopen)
		r->status = WEXITSTATUS(st);
	if (r->status)
		diag("stderr: %s", r->err);
}

/* The reads and writes --debug-exits reported for @port, or -1. */
static long long port_writes(const char *err, unsigned int port, long long *reads)
{
	char key[32];
	const char *p;
	long long w;

	snprintf(key, sizeof(key), "exits: pio  0x%x ", port);
	p = strstr(err, key);
	if (!p || sscanf(p + strlen(key), "%lld %lld", reads, &w) != 2)
		return -1;
	return w;
}

/* How many of @pid's threads are in seccomp mode @mode (of *@nr). */
static int threads_in_seccomp_mode(pid_t pid, int mode, int *nr)
{
	char path[320], line[256];
	struct dirent *de;
	int n = 0, m;
	FILE *f;
	DIR *d;

	*nr = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", pid,
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		(*nr)++;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "Seccomp: %d", &m) == 1 && m == mode)
				n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/*
 * Starts lkvm on the idle guest, waits until the guest runs, and counts
 * its threads in seccomp mode @mode; SIGTERM then ends it (128 + 15).
 */
static void run_idle(const char *kernel, const char *extra, int mode,
		     int *in_mode, int *nr, int *status)
{
	const char *argv[] = { getenv("LKVM"), "run", "-k", kernel, "-m", "64",
			       "-i", tiny_initrd, "--rng", "--balloon",
			       extra, NULL };
	char errpath[256], buf[4096] = "";
	int i, fd, st;
	ssize_t n;
	pid_t pid;

	*in_mode = -1;
	*status = -1;
	snprintf(errpath, sizeof(errpath), "%s/idle.err", dir);
	pid = fork();
	if (pid == 0) {
		fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	/* The vCPU threads start right after the filter goes on. */
	for (i = 0; i < RUN_TIMEOUT_S * 10; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
		fd = open(errpath, O_RDONLY);
		n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "booting a") || waitpid(pid, &st, WNOHANG))
			break;
	}
	nanosleep(&(struct timespec){ .tv_nsec = 500000000 }, NULL);
	*in_mode = threads_in_seccomp_mode(pid, mode, nr);
	kill(pid, SIGTERM);
	for (i = 0; i < RUN_TIMEOUT_S * 10; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			if (WIFEXITED(st))
				*status = WEXITSTATUS(st);
			return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	diag("lkvm did not end on SIGTERM within %d s", RUN_TIMEOUT_S);
}

static bool has(const char *hay, const char *needle, const char *what)
{
	bool r = strstr(hay, needle) != NULL;

	ok(r, "%s", what);
	if (!r)
		diag("  \"%s\" not found in \"%s\"", needle, hay);
	return r;
}

int main(void)
{
	static struct result r;
	const char *lkvm = getenv("LKVM");
	char *bz64, *bz32, *old, *pvh, *nonote, *fault, *initrd, *pci, *idle;
	int fd = open("/dev/kvm", O_RDWR), in_mode, nr, status;

	if (!lkvm)
		skip_all("LKVM is not set (run through make check)");
	if (fd < 0)
		skip_all("no usable /dev/kvm");
	close(fd);
	if (!mkdtemp(dir))
		skip_all("mkdtemp failed");

	tiny_initrd = strdup(write_file("tiny-initrd", "x", 1));
	bz64 = make_bzimage("bz64", guest64, sizeof(guest64), true, 0x20c);
	bz32 = make_bzimage("bz32", guest32_bz, sizeof(guest32_bz), false, 0x20c);
	plan(35);

	run(&r, (const char *[]){ "-k", bz64, "-m", "64", "-p", "lkvmtest=42", NULL });
	is_int(r.status, 0, "64-bit bzImage: the guest's reset ends lkvm with 0");
	has(r.out, "console=ttyS0", "64-bit bzImage: lkvm's default command line");
	has(r.out, "lkvmtest=42\n", "64-bit bzImage: -p is appended");
	has(r.out, "STR\n", "64-bit bzImage: string I/O (rep outsb) reaches the device");
	has(r.err, "session ended normally", "the normal end is reported");

	run(&r, (const char *[]){ "-k", bz64, "-m", "64", "-p", "lkvmtest=42",
				  "--debug-exits", "--debug-startup", NULL });
	is_int(r.status, 0, "--debug-exits --debug-startup: status 0");
	{
		const char *nl = strchr(r.out, '\n');
		long long reads = -1, line = nl ? nl - r.out + 1 : -9, w;

		/*
		 * An exit per byte of the command line and its newline, then
		 * the rep outsb: one exit for its 4 bytes, or 4 where KVM's
		 * emulator does them one by one (PVM does).
		 */
		w = port_writes(r.err, 0x3f8, &reads);
		ok(w == line + 1 || w == line + 4,
		   "--debug-exits: every write to the UART at 0x3f8 counted");
		if (w != line + 1 && w != line + 4)
			diag("  %lld writes, want %lld or %lld", w, line + 1, line + 4);
		is_int(reads, 0, "... and no read from it");
		is_int(port_writes(r.err, 0x64, &reads), 1,
		       "--debug-exits: the reset through the i8042 counted");
	}
	has(r.err, "startup: load the kernel and initrd ",
	    "--debug-startup: lkvm's start-up phases are shown");
	has(r.err, "startup: first KVM_RUN after ",
	    "--debug-startup: and the time to the first KVM_RUN");

	pci = make_bzimage("pci", guest_pci, sizeof(guest_pci), true, 0x20c);
	run(&r, (const char *[]){ "-k", pci, "-m", "64", "--debug-exits", NULL });
	is_int(r.status, 0, "PCI config read: status 0");
	/* The host bridge, 1b36:0008. */
	has(r.out, "\x36\x1b\n", "PCI config read: 0xcf8 then 0xcfc reads the host bridge's vendor");
	{
		long long reads = -1, w = port_writes(r.err, 0xcf8, &reads);

		ok((w < 0 && strstr(r.err, " 1 writes coalesced")) ||
		   (w == 1 && strstr(r.err, " 0 writes coalesced")),
		   "the write to 0xcf8 is coalesced, or an exit where KVM cannot");
	}

	initrd = write_file("initrd", "INRD-payload", 12);
	run(&r, (const char *[]){ "-k", bz64, "-i", initrd, "-m", "64", NULL });
	is_int(r.status, 0, "with an initrd: status 0");
	has(r.out, "\nINRDSTR\n", "the initrd is where boot_params says");

	run(&r, (const char *[]){ "-k", bz64, "-m", "64", "-c", "4", NULL });
	is_int(r.status, 0, "4 vCPUs: the BSP runs, the APs wait, the reset ends all");

	run(&r, (const char *[]){ "-k", bz32, "-m", "64", "-p", "entry32", NULL });
	is_int(r.status, 0, "32-bit bzImage entry: status 0");
	has(r.out, "entry32\n", "32-bit bzImage entry: command line through %esi");

	memset(r.out, 'x', 3000);
	memcpy(r.out, "long=", 5);
	r.out[3000] = '\0';
	run(&r, (const char *[]){ "-k", bz64, "-m", "64", "-p", strdup(r.out), NULL });
	ok(r.status > 0, "a command line longer than cmdline_size is refused");
	has(r.err, "at most 2047", "... naming the limit");
	ok(!strstr(r.err, "booting a"), "... before anything is booted");

	pvh = make_pvh("pvh", true);
	run(&r, (const char *[]){ "-k", pvh, "-m", "64", "-p", "pvhtest", NULL });
	is_int(r.status, 0, "PVH ELF: status 0");
	has(r.out, "pvhtest\n", "PVH ELF: command line through hvm_start_info");

	nonote = make_pvh("nonote", false);
	run(&r, (const char *[]){ "-k", nonote, "-m", "64", NULL });
	ok(r.status > 0, "an ELF without a PVH note is refused");
	has(r.err, "PVH entry note", "... saying what is missing");

	old = make_bzimage("old", guest64, sizeof(guest64), true, 0x204);
	run(&r, (const char *[]){ "-k", old, "-m", "64", NULL });
	ok(r.status > 0, "boot protocol 2.04 is refused");
	has(r.err, "boot protocol 2.04", "... naming the version");

	fault = make_bzimage("fault", guest_fault, sizeof(guest_fault), true, 0x20c);
	run(&r, (const char *[]){ "-k", fault, "-m", "64", NULL });
	ok(r.status > 0, "a guest that faults with no IDT ends lkvm non-zero");
	if (access("/sys/module/kvm_pvm", F_OK) == 0)
		has(r.err, "PVM", "on PVM, the emulation failure is explained");
	else
		has(r.err, "triple fault", "the triple fault is reported");
	has(r.err, "rip ", "... with the registers");

	/*
	 * Every thread of a running lkvm is filtered (SECCOMP_MODE_FILTER,
	 * 2), those that ran before the filter (the devices', libslirp's)
	 * too; and none with --no-seccomp.
	 */
	idle = make_bzimage("idle", guest_idle, sizeof(guest_idle), true, 0x20c);
	if (seccomp__supported()) {
		run_idle(idle, NULL, 2, &in_mode, &nr, &status);
		ok(nr > 2 && in_mode == nr,
		   "seccomp: all threads of a running lkvm are filtered");
		diag("  %d of %d threads in mode 2", in_mode, nr);
		is_int(status, 128 + SIGTERM, "... and it still ends on SIGTERM");
		run_idle(idle, "--no-seccomp", 0, &in_mode, &nr, &status);
		ok(nr > 2 && in_mode == nr, "--no-seccomp: none is");
		is_int(status, 128 + SIGTERM, "... and it ends on SIGTERM");
	} else {
		skip(4, "lkvm was built without libseccomp");
	}

	snprintf(r.out, sizeof(r.out), "rm -rf '%s'", dir);
	if (system(r.out))
		diag("could not remove %s", dir);
	return exit_status();
}
