// SPDX-License-Identifier: GPL-2.0
/*
 * The host console: the escape-key filter, and the real input thread and
 * output buffer running on pipes in place of stdin/stdout.
 */
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "tap.h"
#include "kvm/kvm.h"
#include "kvm/term.h"

static struct kvm fake_kvm;
static int exit_requests = -1;
static int notifications;

/* The real one is in kvm.c; this records the request. */
void kvm__request_exit(struct kvm *kvm, int status)
{
	__atomic_store_n(&exit_requests, status, __ATOMIC_RELEASE);
}

static void notify(void *priv)
{
	__atomic_add_fetch(&notifications, 1, __ATOMIC_RELEASE);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits up to @ms for something to read on @fd. */
static ssize_t read_within(int fd, char *buf, size_t len, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	return read(fd, buf, len);
}

static void test_filter(void)
{
	unsigned char out[16];
	bool quit = false;
	int state = 0;
	size_t n;

	n = term_filter_input(&state, (const unsigned char *)"ab\x01\x01" "c", 5,
			      out, &quit);
	ok(n == 4 && !memcmp(out, "ab\x01" "c", 4) && !quit,
	   "Ctrl-A Ctrl-A sends one Ctrl-A");

	n = term_filter_input(&state, (const unsigned char *)"q\x01", 2, out, &quit);
	ok(n == 1 && state == 1 && !quit, "a Ctrl-A at the end waits for the next key");
	n = term_filter_input(&state, (const unsigned char *)"xzz", 3, out, &quit);
	ok(n == 0 && quit, "Ctrl-A x across reads quits, the rest is dropped");

	quit = false;
	state = 0;
	n = term_filter_input(&state, (const unsigned char *)"\x01k", 2, out, &quit);
	ok(n == 1 && out[0] == 'k' && !quit, "Ctrl-A + other key sends the key");
}

static void test_thread(void)
{
	int in[2], out[2];
	char buf[64];
	ssize_t n;
	int i, c;
	struct rusage ru;
	double cpu;

	if (pipe(in) || pipe(out)) {
		ok(false, "pipes");
		return;
	}
	term_set_fds(in[0], out[0 + 1]);
	is_int(term_init(&fake_kvm), 0, "term_init on pipes");
	term_set_input_handler(notify, NULL);

	term_write("line\n", 5);
	n = read_within(out[0], buf, sizeof(buf), 100);
	ok(n == 5 && !memcmp(buf, "line\n", 5), "a full line goes out at once");

	term_putc('$');
	term_putc(' ');
	n = read_within(out[0], buf, sizeof(buf), 500);
	ok(n == 2 && !memcmp(buf, "$ ", 2), "a prompt without newline is flushed soon");

	if (write(in[1], "ls\r", 3) != 3)
		diag("write failed");
	for (i = 0; i < 100 && !term_readable(); i++)
		sleep_ms(5);
	ok(__atomic_load_n(&notifications, __ATOMIC_ACQUIRE) > 0,
	   "input notifies the console device");
	buf[0] = term_getc();
	buf[1] = term_getc();
	buf[2] = term_getc();
	c = term_getc();
	ok(!memcmp(buf, "ls\r", 3) && c == -1, "term_getc returns the input, then -1");

	/* Backpressure: more than the buffer holds, none of it lost. */
	for (i = 0; i < 1000; i++)
		if (write(in[1], i % 2 ? "b" : "a", 1) != 1)
			break;
	n = 0;
	for (i = 0; i < 2000 && n < 1000; i++) {
		c = term_getc();
		if (c < 0) {
			sleep_ms(1);
			continue;
		}
		if (c != (n % 2 ? 'b' : 'a'))
			break;
		n++;
	}
	is_int(n, 1000, "1000 bytes through a 256-byte buffer, in order");

	if (write(in[1], "\x01x", 2) != 2)
		diag("write failed");
	for (i = 0; i < 100 && exit_requests < 0; i++)
		sleep_ms(5);
	is_int(exit_requests, 0, "Ctrl-A x requests exit with status 0");

	/* End of file must not make the thread spin. */
	close(in[1]);
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	sleep_ms(300);
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6 - cpu;
	ok(cpu < 0.1, "no busy loop after EOF (%.3fs of CPU in 0.3s)", cpu);

	term_putc('z');
	is_int(term_exit(&fake_kvm), 0, "term_exit");
	n = read_within(out[0], buf, sizeof(buf), 100);
	ok(n == 1 && buf[0] == 'z', "exit flushes the output");
}

int main(void)
{
	plan(14);
	test_filter();
	test_thread();
	return exit_status();
}
