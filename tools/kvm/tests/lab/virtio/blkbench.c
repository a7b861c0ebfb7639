// SPDX-License-Identifier: GPL-2.0
/*
 * A small block device benchmark for the lab guests (built static, so
 * that it runs in a busybox initramfs): O_DIRECT sequential or random
 * reads or writes of one block size by @jobs threads for @secs seconds.
 *
 *	blkbench DEVICE seqread|seqwrite|randread|randwrite BS JOBS SECS
 *
 * prints "MODE BS MB/s IOPS".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

static const char *dev;
static int write_mode, random_mode;
static size_t bs;
static uint64_t dev_size;
static double secs;
static volatile int stop;

struct job {
	pthread_t thread;
	int index;
	uint64_t ops;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
	struct job *job = arg;
	uint64_t blocks = dev_size / bs, n = 0, off;
	unsigned int seed = job->index * 7919 + 1;
	void *buf;
	int fd;

	fd = open(dev, (write_mode ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, bs)) {
		perror(dev);
		exit(1);
	}
	memset(buf, 0x5a, bs);
	while (!stop) {
		if (random_mode)
			off = ((uint64_t)rand_r(&seed) << 16 ^ rand_r(&seed)) % blocks;
		else
			off = (job->index * (blocks / 8) + n) % blocks;
		off *= bs;
		if ((write_mode ? pwrite(fd, buf, bs, off) :
				  pread(fd, buf, bs, off)) != (ssize_t)bs) {
			perror("I/O");
			exit(1);
		}
		n++;
	}
	job->ops = n;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct job *jobs;
	uint64_t total = 0;
	double start, elapsed;
	int i, nr, fd;

	if (argc != 6) {
		fprintf(stderr, "usage: blkbench DEVICE MODE BS JOBS SECS\n");
		return 2;
	}
	dev = argv[1];
	write_mode = strstr(argv[2], "write") != NULL;
	random_mode = !strncmp(argv[2], "rand", 4);
	bs = strtoul(argv[3], NULL, 0);
	nr = atoi(argv[4]);
	secs = atof(argv[5]);
	fd = open(dev, O_RDONLY);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &dev_size) < 0 || !bs ||
	    dev_size < bs || nr < 1) {
		perror(dev);
		return 1;
	}
	close(fd);

	jobs = calloc(nr, sizeof(*jobs));
	start = now();
	for (i = 0; i < nr; i++) {
		jobs[i].index = i;
		pthread_create(&jobs[i].thread, NULL, run, &jobs[i]);
	}
	usleep(secs * 1e6);
	stop = 1;
	for (i = 0; i < nr; i++) {
		pthread_join(jobs[i].thread, NULL);
		total += jobs[i].ops;
	}
	elapsed = now() - start;
	printf("%s %zu %.1f MB/s %.0f IOPS\n", argv[2], bs,
	       total * bs / elapsed / 1e6, total / elapsed);
	return 0;
}
