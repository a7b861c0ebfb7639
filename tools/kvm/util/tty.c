// SPDX-License-Identifier: GPL-2.0
/*
 * Raw terminal mode with a guaranteed way back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "kvm/tty.h"

/* stdin, stdout and stderr, plus a few consoles on other ttys. */
#define TERM_MAX_SAVED	8

struct saved_term {
	int fd;
	struct termios orig;
	/*
	 * Set (release) only once orig is complete, and taken back with an
	 * atomic exchange, so that a signal handler racing with the normal
	 * exit path restores each terminal exactly once.
	 */
	int active;
};

static struct saved_term saved[TERM_MAX_SAVED];
static pthread_mutex_t saved_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;

bool term_isatty(int fd)
{
	int saved_errno = errno;
	bool ret = isatty(fd);

	errno = saved_errno;
	return ret;
}

static void register_atexit(void)
{
	atexit(term_restore_all);
}

static struct saved_term *find_saved(int fd)
{
	int i;

	for (i = 0; i < TERM_MAX_SAVED; i++)
		if (__atomic_load_n(&saved[i].active, __ATOMIC_ACQUIRE) &&
		    saved[i].fd == fd)
			return &saved[i];
	return NULL;
}

static struct saved_term *save_term(int fd, const struct termios *orig)
{
	struct saved_term *s = find_saved(fd);
	int i;

	/* Already raw: keep the settings from before the first call. */
	if (s)
		return s;
	for (i = 0; i < TERM_MAX_SAVED; i++) {
		s = &saved[i];
		if (__atomic_load_n(&s->active, __ATOMIC_ACQUIRE))
			continue;
		s->fd = fd;
		s->orig = *orig;
		__atomic_store_n(&s->active, 1, __ATOMIC_RELEASE);
		return s;
	}
	return NULL;
}

int term_set_raw(int fd)
{
	struct termios orig, raw;
	int ret = -1;

	if (tcgetattr(fd, &orig) < 0)
		return -1;

	pthread_once(&atexit_once, register_atexit);

	pthread_mutex_lock(&saved_lock);
	if (!save_term(fd, &orig)) {
		errno = ENOSPC;
		goto out;
	}

	raw = orig;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	ret = tcsetattr(fd, TCSANOW, &raw);
out:
	pthread_mutex_unlock(&saved_lock);
	return ret;
}

/* No locks here: this runs from signal handlers. */
static int restore_one(struct saved_term *s)
{
	if (!__atomic_exchange_n(&s->active, 0, __ATOMIC_ACQ_REL))
		return 0;
	return tcsetattr(s->fd, TCSANOW, &s->orig);
}

int term_restore(int fd)
{
	int saved_errno = errno;
	int ret = 0;
	int i;

	for (i = 0; i < TERM_MAX_SAVED; i++) {
		if (saved[i].fd != fd ||
		    !__atomic_load_n(&saved[i].active, __ATOMIC_ACQUIRE))
			continue;
		if (restore_one(&saved[i]) < 0)
			ret = -1;
	}
	if (!ret)
		errno = saved_errno;
	return ret;
}

void term_restore_all(void)
{
	int saved_errno = errno;
	int i;

	for (i = 0; i < TERM_MAX_SAVED; i++)
		restore_one(&saved[i]);
	errno = saved_errno;
}
