// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization (symbols.c) against this test's own executable, built
 * with -g like the rest of lkvm: a known function's name, offset, size,
 * source file and line, return addresses, text and data, and files that
 * are not ELF at all.  Without libdw the same calls must fail politely.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "kvm/symbols.h"

int lkvm_test_known_function(int x);
extern int lkvm_test_data_object;

/* Its first line: where its prologue is. */
static int known_line = __LINE__ + 2;
__attribute__((noinline, used))
int lkvm_test_known_function(int x)
{
	return x * 7 + (int)getpid() % 3;
}

int lkvm_test_data_object = 42;

static void test_unsupported(void)
{
	char err[256] = "";

	ok(!symbols__open("/proc/self/exe", err, sizeof(err)),
	   "without libdw: open fails");
	ok(strstr(err, "libdw") != NULL, "and says libdw is missing");
}

static void test_lookup(struct symbols *syms)
{
	struct sym_info si;
	u64 addr, data;

	is_int(symbols__addr(syms, "lkvm_test_known_function", &addr), 0,
	       "the function's address by name");
	is_int(symbols__addr(syms, "no_such_symbol_anywhere", &data), -ENOENT,
	       "an unknown name is -ENOENT");
	ok(symbols__is_text(syms, addr), "the function is in text");
	ok(!symbols__addr(syms, "lkvm_test_data_object", &data) &&
	   !symbols__is_text(syms, data), "a data object is not");

	is_int(symbols__lookup(syms, addr + 2, false, &si), 0, "lookup");
	is_str(si.name ? si.name : "(none)", "lkvm_test_known_function",
	       "name");
	is_int(si.offset, 2, "offset from the start");
	ok(si.size > 2, "its size");

	if (!symbols__has_lines(syms)) {
		skip(4, "this test was built without -g");
		return;
	}
	symbols__lookup(syms, addr, false, &si);
	ok(si.file && strstr(si.file, "test-symbols.c"), "file: %s",
	   si.file ? si.file : "(none)");
	ok(si.line >= known_line && si.line <= known_line + 2,
	   "line %d, the function's first (%d)", si.line, known_line);
	symbols__lookup(syms, addr + 1, true, &si);
	ok(si.offset == 1 && si.line >= known_line && si.line <= known_line + 2,
	   "a return address's line is that of the byte before");
	symbols__lookup(syms, addr, true, &si);
	ok(si.name && si.offset == 0, "a return address at offset 0 still names it");
}

static void test_read(struct symbols *syms)
{
	u8 buf[8];
	u64 addr;

	symbols__addr(syms, "lkvm_test_data_object", &addr);
	ok(symbols__read(syms, addr, buf, 4) == 4 && buf[0] == 42,
	   "the file's bytes at a link address");
	is_int(symbols__read(syms, 8, buf, sizeof(buf)), -ENOENT,
	       "nothing at an address no section has");
}

static void test_bad_files(void)
{
	char path[] = "/tmp/lkvm-test-symbols-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	struct symbols *syms;

	if (fd < 0) {
		skip(3, "no temporary file");
		return;
	}
	ok(write(fd, "not an ELF file\n", 16) == 16, "a file that is not ELF");
	close(fd);
	syms = symbols__open(path, err, sizeof(err));
	ok(!syms && err[0], "is refused: %s", err);
	unlink(path);
	ok(!symbols__open("/nonexistent/vmlinux", err, sizeof(err)) && err[0],
	   "a missing file too: %s", err);
}

int main(void)
{
	char err[256];
	struct symbols *syms;

	if (!symbols__supported()) {
		plan(2);
		test_unsupported();
		return exit_status();
	}
	plan(18);
	syms = symbols__open("/proc/self/exe", err, sizeof(err));
	ok(syms != NULL, "opens its own executable (%s)", syms ? "ok" : err);
	if (!syms)
		return exit_status();
	test_lookup(syms);
	test_read(syms);
	symbols__close(syms);
	test_bad_files();
	return exit_status();
}
