// SPDX-License-Identifier: GPL-2.0
/*
 * The host terminal as the guest's console (see kvm/term.h).
 *
 * One input thread polls stdin and an eventfd.  The eventfd wakes it when
 * output has been left in the buffer (so that a prompt without a newline
 * still shows up within TERM_FLUSH_MS), when the console device has made
 * room in the input buffer, and when lkvm shuts down.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/tty.h"
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/term.h"

#define TERM_OUT_SIZE		4096
#define TERM_IN_SIZE		256
#define TERM_FLUSH_MS		5

struct term {
	struct kvm *kvm;
	int in_fd;
	int out_fd;
	int wake_fd;
	pthread_t thread;
	bool running;		/* the input thread exists */
	bool stopping;

	struct mutex out_lock;
	char out_buf[TERM_OUT_SIZE];
	size_t out_len;
	u64 out_since;		/* when the oldest unflushed byte came */

	struct mutex in_lock;
	unsigned char in_buf[TERM_IN_SIZE];
	size_t in_head;
	size_t in_count;
	bool in_eof;
	bool in_throttled;	/* stdin left unread: the buffer was full */
	int esc_state;
	bool quit_sent;
	void (*notify)(void *priv);
	void *notify_priv;
};

static struct term term = {
	.in_fd = STDIN_FILENO,
	.out_fd = STDOUT_FILENO,
	.wake_fd = -1,
	.out_lock = MUTEX_INITIALIZER,
	.in_lock = MUTEX_INITIALIZER,
};

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void term_wake(void)
{
	u64 one = 1;

	if (term.wake_fd >= 0 && write(term.wake_fd, &one, sizeof(one)) < 0)
		pr_debug("eventfd write: %s", strerror(errno));
}

/* Called with out_lock held.  A closed stdout drops the output. */
static void term_flush_locked(void)
{
	if (term.out_len && write_in_full(term.out_fd, term.out_buf,
					  term.out_len) < 0)
		pr_debug("console output lost: %s", strerror(errno));
	term.out_len = 0;
}

void term_flush(void)
{
	mutex_lock(&term.out_lock);
	term_flush_locked();
	mutex_unlock(&term.out_lock);
}

static void term_putc_locked(char c)
{
	bool was_empty = !term.out_len;

	if (was_empty)
		term.out_since = now_ms();
	term.out_buf[term.out_len++] = c;
	/* Without the thread there is nobody to flush later. */
	if (c == '\n' || term.out_len == TERM_OUT_SIZE || !term.running)
		term_flush_locked();
	else if (was_empty)
		term_wake();
}

void term_putc(char c)
{
	mutex_lock(&term.out_lock);
	term_putc_locked(c);
	mutex_unlock(&term.out_lock);
}

void term_write(const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	mutex_lock(&term.out_lock);
	for (i = 0; i < len; i++)
		term_putc_locked(p[i]);
	mutex_unlock(&term.out_lock);
}

int term_getc(void)
{
	bool wake = false;
	int c = -1;

	mutex_lock(&term.in_lock);
	if (term.in_count) {
		c = term.in_buf[term.in_head];
		term.in_head = (term.in_head + 1) % TERM_IN_SIZE;
		term.in_count--;
		wake = term.in_throttled;
		term.in_throttled = false;
	}
	mutex_unlock(&term.in_lock);
	if (wake)
		term_wake();
	return c;
}

bool term_readable(void)
{
	bool ret;

	mutex_lock(&term.in_lock);
	ret = term.in_count > 0;
	mutex_unlock(&term.in_lock);
	return ret;
}

void term_set_input_handler(void (*notify)(void *priv), void *priv)
{
	mutex_lock(&term.in_lock);
	term.notify = notify;
	term.notify_priv = priv;
	mutex_unlock(&term.in_lock);
}

size_t term_filter_input(int *state, const unsigned char *in, size_t len,
			 unsigned char *out, bool *quit)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = in[i];

		if (!*state) {
			if (c == TERM_ESCAPE_CHAR)
				*state = 1;
			else
				out[n++] = c;
			continue;
		}
		*state = 0;
		if (c == 'x') {
			/* Whatever was typed after the quit key is dropped. */
			*quit = true;
			break;
		}
		/* Ctrl-A Ctrl-A is a Ctrl-A; an unknown key goes alone. */
		out[n++] = c;
	}
	return n;
}

/* Reads what fits into the input buffer; returns whether bytes came. */
static bool term_read_input(void)
{
	unsigned char raw[TERM_IN_SIZE], cooked[TERM_IN_SIZE];
	size_t room, n, i;
	bool quit = false;
	ssize_t len;

	mutex_lock(&term.in_lock);
	room = TERM_IN_SIZE - term.in_count;
	mutex_unlock(&term.in_lock);
	if (!room)
		return false;

	len = read(term.in_fd, raw, room);
	if (len < 0 && (errno == EINTR || errno == EAGAIN))
		return false;

	mutex_lock(&term.in_lock);
	if (len <= 0) {
		/* End of file, or a hung-up terminal: stop reading. */
		term.in_eof = true;
		mutex_unlock(&term.in_lock);
		return false;
	}
	n = term_filter_input(&term.esc_state, raw, len, cooked, &quit);
	for (i = 0; i < n; i++) {
		size_t tail = (term.in_head + term.in_count) % TERM_IN_SIZE;

		term.in_buf[tail] = cooked[i];
		term.in_count++;
	}
	if (quit && !term.quit_sent) {
		term.quit_sent = true;
		term.in_eof = true;
	} else {
		quit = false;
	}
	mutex_unlock(&term.in_lock);

	if (quit && term.kvm)
		kvm__request_exit(term.kvm, 0);
	return n > 0;
}

static void term_notify(void)
{
	void (*notify)(void *priv);
	void *priv;

	mutex_lock(&term.in_lock);
	notify = term.notify;
	priv = term.notify_priv;
	mutex_unlock(&term.in_lock);
	if (notify)
		notify(priv);
}

/* The poll timeout: until the pending output is TERM_FLUSH_MS old. */
static int term_flush_timeout(void)
{
	int timeout = -1;
	u64 age;

	mutex_lock(&term.out_lock);
	if (term.out_len) {
		age = now_ms() - term.out_since;
		if (age >= TERM_FLUSH_MS)
			term_flush_locked();
		else
			timeout = TERM_FLUSH_MS - age;
	}
	mutex_unlock(&term.out_lock);
	return timeout;
}

static bool term_want_input(void)
{
	bool want;

	mutex_lock(&term.in_lock);
	want = !term.in_eof && term.in_count < TERM_IN_SIZE;
	term.in_throttled = !term.in_eof && !want;
	mutex_unlock(&term.in_lock);
	return want;
}

static void *term_thread(void *arg)
{
	struct pollfd pfd[2];
	u64 count;
	int nfds;

	while (!__atomic_load_n(&term.stopping, __ATOMIC_ACQUIRE)) {
		pfd[0].fd = term.wake_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = term.in_fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		nfds = term_want_input() ? 2 : 1;

		if (poll(pfd, nfds, term_flush_timeout()) < 0) {
			if (errno == EINTR)
				continue;
			error("console: poll: %s", strerror(errno));
			break;
		}
		if ((pfd[0].revents & POLLIN) &&
		    read(term.wake_fd, &count, sizeof(count)) < 0)
			pr_debug("eventfd read: %s", strerror(errno));
		if (pfd[1].revents & POLLNVAL) {
			mutex_lock(&term.in_lock);
			term.in_eof = true;
			mutex_unlock(&term.in_lock);
		} else if (pfd[1].revents && term_read_input()) {
			term_notify();
		}
	}
	return NULL;
}

/*
 * A fatal signal: give the user their terminal back, write what the guest
 * printed last, then die of the signal as if we had not caught it.  Only
 * async-signal-safe calls here; the output buffer is written without its
 * lock, as a last effort.
 */
static void term_signal(int sig)
{
	term_restore_all();
	if (sig != SIGSEGV && sig != SIGBUS && term.out_len <= TERM_OUT_SIZE &&
	    write(term.out_fd, term.out_buf, term.out_len) < 0)
		term.out_len = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int term_fatal_signals[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT,
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT,
};

/* Handlers someone else installed (builtin-run's, say) stay in place. */
static void term_install_signals(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = term_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < ARRAY_SIZE(term_fatal_signals); i++) {
		if (sigaction(term_fatal_signals[i], NULL, &old) < 0 ||
		    old.sa_handler != SIG_DFL)
			continue;
		sigaction(term_fatal_signals[i], &sa, NULL);
	}

	/* A closed stdout loses the output, not the VM. */
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
}

/* Runs after everything else at exit(): die() from any thread included. */
static void term_atexit(void)
{
	if (mutex_trylock(&term.out_lock)) {
		term_flush_locked();
		mutex_unlock(&term.out_lock);
	}
	term_restore_all();
}

void term_set_fds(int in_fd, int out_fd)
{
	term.in_fd = in_fd;
	term.out_fd = out_fd;
}

static pthread_once_t term_atexit_once = PTHREAD_ONCE_INIT;

static void term_register_atexit(void)
{
	atexit(term_atexit);
}

int term_init(struct kvm *kvm)
{
	int ret;

	term.kvm = kvm;
	term.stopping = false;
	term.in_eof = false;
	term.quit_sent = false;
	term.esc_state = 0;

	term.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (term.wake_fd < 0)
		return error("console: eventfd: %s", strerror(errno));

	if (term_isatty(term.in_fd) && term_set_raw(term.in_fd) < 0)
		warning("console: cannot set the terminal raw: %s",
			strerror(errno));
	pthread_once(&term_atexit_once, term_register_atexit);
	term_install_signals();

	ret = pthread_create(&term.thread, NULL, term_thread, NULL);
	if (ret) {
		term_restore_all();
		close(term.wake_fd);
		term.wake_fd = -1;
		return error("console: thread: %s", strerror(ret));
	}
	mutex_lock(&term.out_lock);
	term.running = true;
	mutex_unlock(&term.out_lock);
	return 0;
}
base_init(term_init);

int term_exit(struct kvm *kvm)
{
	if (term.running) {
		__atomic_store_n(&term.stopping, true, __ATOMIC_RELEASE);
		term_wake();
		pthread_join(term.thread, NULL);
		mutex_lock(&term.out_lock);
		term.running = false;
		mutex_unlock(&term.out_lock);
	}
	term_flush();
	term_restore(term.in_fd);
	if (term.wake_fd >= 0)
		close(term.wake_fd);
	term.wake_fd = -1;
	term.kvm = NULL;
	return 0;
}
base_exit(term_exit);
