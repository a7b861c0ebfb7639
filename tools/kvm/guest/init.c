// SPDX-License-Identifier: GPL-2.0
/*
 * /virt/init: the first process of a guest that boots lkvm's default root
 * file system, a 9p share of ~/.lkvm/NAME (see builtin-setup.c).  Built
 * static, it needs nothing from the root file system.
 *
 * It mounts /proc, /sys, /dev and the host's directories (read-only
 * shares tagged host-NAME, on /host/NAME, where the rootfs's /bin, /usr...
 * symlinks point), names the machine, then runs a shell on the console, or with
 * lkvm.sandbox=SCRIPT on the kernel command line runs that script and
 * leaves its exit status in SCRIPT.status for 'lkvm sandbox'.  When that
 * is done it reboots, which ends lkvm.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define HOST_TAG_PREFIX	"host-"
#define P9_OPTIONS	"trans=virtio,version=9p2000.L,msize=262144"
#define SANDBOX_ARG	"lkvm.sandbox="

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) && errno != EBUSY)
		fprintf(stderr, "init: mounting %s on %s: %s\n", type, dst,
			strerror(errno));
}

/* Every /host/NAME that setup made is the mount point of share host-NAME. */
static void mount_host_dirs(void)
{
	char tag[300], path[300];
	struct dirent *d;
	DIR *dir;

	dir = opendir("/host");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strlen(d->d_name) > 64)
			continue;
		snprintf(tag, sizeof(tag), HOST_TAG_PREFIX "%s", d->d_name);
		snprintf(path, sizeof(path), "/host/%s", d->d_name);
		do_mount(tag, path, "9p", MS_RDONLY, P9_OPTIONS);
	}
	closedir(dir);
}

static void mount_filesystems(void)
{
	do_mount("proc", "/proc", "proc", 0, NULL);
	do_mount("sysfs", "/sys", "sysfs", 0, NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	do_mount("devpts", "/dev/pts", "devpts", 0, "gid=5,mode=620,ptmxmode=666");
	do_mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL);
	do_mount("tmpfs", "/run", "tmpfs", 0, NULL);
	do_mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	mount_host_dirs();
}

/* The console as stdin, stdout and stderr. */
static void open_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void set_hostname(void)
{
	char name[64] = "lkvm";
	FILE *f = fopen("/etc/hostname", "r");

	if (f) {
		if (fgets(name, sizeof(name), f))
			name[strcspn(name, "\n")] = '\0';
		fclose(f);
	}
	if (!name[0])
		strcpy(name, "lkvm");
	sethostname(name, strlen(name));
}

/* lkvm.sandbox=SCRIPT from /proc/cmdline, or NULL. */
static char *sandbox_script(void)
{
	static char cmdline[4096];
	char *p, *end;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	cmdline[n] = '\0';
	for (p = strtok(cmdline, " \n"); p; p = strtok(NULL, " \n")) {
		if (strncmp(p, SANDBOX_ARG, strlen(SANDBOX_ARG)))
			continue;
		p += strlen(SANDBOX_ARG);
		end = p + strlen(p);
		/* Only our own scripts, where lkvm put them. */
		if (strncmp(p, "/virt/", 6) || strstr(p, "..") ||
		    end - p < 4 || strcmp(end - 3, ".sh"))
			return NULL;
		return p;
	}
	return NULL;
}

/* The command's output reaches the host byte for byte: no CR added. */
static void console_raw_output(void)
{
	struct termios t;

	if (tcgetattr(1, &t))
		return;
	t.c_oflag &= ~OPOST;
	tcsetattr(1, TCSANOW, &t);
}

/*
 * The tty behind /dev/console (e.g. /dev/ttyS0), which unlike the console
 * itself can be a controlling terminal: the shell gets job control.
 */
static void open_console_tty(void)
{
	char name[64], path[80];
	FILE *f;
	int fd;

	f = fopen("/sys/class/tty/console/active", "r");
	if (!f)
		return;
	/* The last one listed is the one behind /dev/console. */
	name[0] = '\0';
	while (fscanf(f, "%63s", name) == 1)
		;
	fclose(f);
	if (!name[0])
		return;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Runs @argv in a new session on the console; returns its wait status. */
static int run(char *const argv[])
{
	int status = 0;
	pid_t pid, w;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		open_console_tty();
		ioctl(0, TIOCSCTTY, 1);
		execv(argv[0], argv);
		fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	/* As pid 1 we also reap every orphan until our child is done. */
	for (;;) {
		w = wait(&status);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
	}
}

static int exit_code(int status)
{
	if (status < 0)
		return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static void write_status(const char *script, int code)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s.status", script);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "init: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", code);
	fclose(f);
}

static void run_shell(void)
{
	char *bash[] = { "/bin/bash", "-l", NULL };
	char *sh[] = { "/bin/sh", "-l", NULL };

	printf("lkvm: welcome; 'exit' ends the guest\n");
	fflush(stdout);
	if (access(bash[0], X_OK) == 0)
		run(bash);
	else
		run(sh);
}

int main(void)
{
	char *script;

	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	if (!getenv("TERM"))
		setenv("TERM", "linux", 1);

	mount_filesystems();
	open_console();
	set_hostname();
	if (chdir("/root"))
		chdir("/");

	script = sandbox_script();
	if (script) {
		char *argv[] = { "/bin/sh", script, NULL };

		console_raw_output();
		write_status(script, exit_code(run(argv)));
	} else {
		run_shell();
	}

	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
