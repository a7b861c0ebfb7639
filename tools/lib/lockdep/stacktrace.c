// SPDX-License-Identifier: GPL-2.0
/*
 * Stack traces for lockdep reports: captured with backtrace() (cheap enough
 * for the rare new dependency) and symbolized by the best symbol source the
 * build has (symbols-*.c: libdw's function, file and line, or libelf's
 * symbol table), with dladdr() for what that one cannot name.
 */
#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockdep.h"
#include "internal.h"

struct lockdep_trace *lockdep_save_trace(unsigned long ip)
{
	void *frames[LOCKDEP_TRACE_DEPTH + 8];
	struct lockdep_trace *trace;
	int nr, start;

	nr = backtrace(frames, LOCKDEP_TRACE_DEPTH + 8);

	/* Drop lockdep's own frames: start where the lock call returns. */
	for (start = 0; start < nr; start++)
		if ((unsigned long)frames[start] == ip)
			break;
	if (start == nr)
		start = 0;

	trace = malloc(sizeof(*trace));
	if (!trace)
		return NULL;
	trace->nr = nr - start;
	if (trace->nr > LOCKDEP_TRACE_DEPTH)
		trace->nr = LOCKDEP_TRACE_DEPTH;
	memcpy(trace->ip, frames + start, trace->nr * sizeof(void *));
	return trace;
}

/*
 * The first backtrace() loads the unwinder (dlopen, malloc): do it early
 * rather than in the middle of a report.
 */
void lockdep_trace_warm_up(void)
{
	void *frame[1];

	backtrace(frame, 1);
}

void lockdep_print_trace(const struct lockdep_trace *trace, const char *indent)
{
	char sym[256];
	int i;

	for (i = 0; i < trace->nr; i++) {
		lockdep_symbolize((unsigned long)trace->ip[i], true, sym,
				  sizeof(sym));
		lockdep_printf("%s#%d %s\n", indent, i, sym);
	}
}

/* Paths from debug info can be long: show them from the tree's top. */
const char *lockdep_short_path(const char *path)
{
	const char *p = strstr(path, "/tools/");

	return p ? p + 1 : path;
}

size_t lockdep_format_symbol(char *buf, size_t len, const char *name,
			     unsigned long off, bool code)
{
	if (code)
		off++;
	if (!off)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "%s+0x%lx", name, off);
}

void lockdep_symbolize(unsigned long addr, bool code, char *buf, size_t len)
{
	Dl_info info;

	if (lockdep_symbolize_object(addr, code, buf, len))
		return;
	if (dladdr((void *)addr, &info) && info.dli_fname) {
		const char *obj = strrchr(info.dli_fname, '/');

		obj = obj ? obj + 1 : info.dli_fname;
		if (info.dli_sname)
			snprintf(buf, len, "%s+0x%lx (%s)", info.dli_sname,
				 addr - (unsigned long)info.dli_saddr, obj);
		else
			snprintf(buf, len, "%s+0x%lx", obj,
				 addr - (unsigned long)info.dli_fbase);
		return;
	}
	snprintf(buf, len, "0x%lx", addr);
}
