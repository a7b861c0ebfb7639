/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LKVM_TESTS_TAP_H
#define _LKVM_TESTS_TAP_H

/*
 * A minimal TAP producer for lkvm's test programs (run under prove):
 *
 *	plan(3);
 *	ok(x == 1, "x is one");
 *	is_int(y, 2, "y");
 *	is_str(s, "abc", "name");
 *	skip(2, "no /dev/kvm");	(two planned tests that cannot run here)
 *	return exit_status();
 *
 * Each test program is one translation unit, so the state is static.
 * A failed test is named on stderr as well, followed by its diagnostics,
 * so that prove's summary in a CI log says what went wrong.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;
/* After a failed test, diagnostics go to stderr, which prove shows. */
static bool tap_diag_stderr;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(0);
}

/* COUNT planned tests that cannot run here, reported as skipped. */
static inline void skip(int count, const char *why)
{
	while (count-- > 0) {
		tap_run++;
		printf("ok %d # SKIP %s\n", tap_run, why);
	}
	fflush(stdout);
}

static inline void diag(const char *fmt, ...)
{
	va_list ap;

	FILE *f = tap_diag_stderr ? stderr : stdout;

	va_start(ap, fmt);
	fputs("# ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	va_end(ap);
	fflush(f);
}

static inline bool __attribute__((format(printf, 2, 3)))
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	tap_diag_stderr = !cond;
	if (!cond) {
		fprintf(stderr, "#   Failed test %d - ", tap_run);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	return cond;
}

#define is_int(got, expected, name) ({					\
	long long __g = (long long)(got), __e = (long long)(expected);	\
	bool __r = ok(__g == __e, "%s", name);				\
	if (!__r)							\
		diag("  got %lld, expected %lld", __g, __e);		\
	__r; })

#define is_u64(got, expected, name) ({					\
	uint64_t __g = (uint64_t)(got), __e = (uint64_t)(expected);	\
	bool __r = ok(__g == __e, "%s", name);				\
	if (!__r)							\
		diag("  got 0x%" PRIx64 ", expected 0x%" PRIx64, __g, __e); \
	__r; })

static inline bool is_str(const char *got, const char *expected, const char *name)
{
	bool r;

	if (!got || !expected)
		r = got == expected;
	else
		r = strcmp(got, expected) == 0;
	ok(r, "%s", name);
	if (!r)
		diag("  got \"%s\", expected \"%s\"", got ? got : "(null)",
		     expected ? expected : "(null)");
	return r;
}

/* The exit status for main(): non-zero on a failure or a wrong count. */
static inline int exit_status(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_run);
		tap_planned = tap_run;
	}
	if (tap_run != tap_planned)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	return tap_failed || tap_run != tap_planned;
}

#endif /* _LKVM_TESTS_TAP_H */
