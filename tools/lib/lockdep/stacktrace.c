// SPDX-License-Identifier: GPL-2.0
/*
 * Stack traces for lockdep reports: captured with backtrace() (cheap enough
 * for the rare new dependency), symbolized with libdw when it is there
 * (function, file and line, static symbols too) or with dladdr() otherwise.
 */
#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef CONFIG_HAS_LIBDW
#include <elfutils/libdwfl.h>
#endif

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

#ifdef CONFIG_HAS_LIBDW

static struct Dwfl *dwfl;	/* between symbols_begin and _end */

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

void lockdep_symbols_begin(void)
{
	dwfl = dwfl_begin(&dwfl_callbacks);
	if (!dwfl)
		return;
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, getpid()) ||
	    dwfl_report_end(dwfl, NULL, NULL)) {
		dwfl_end(dwfl);
		dwfl = NULL;
	}
}

void lockdep_symbols_end(void)
{
	if (dwfl)
		dwfl_end(dwfl);
	dwfl = NULL;
}

static bool dwfl_symbolize(unsigned long addr, bool code, char *buf,
			   size_t len)
{
	Dwfl_Module *mod;
	const char *name, *file = NULL;
	GElf_Off off = 0;
	GElf_Sym sym;
	Dwfl_Line *line;
	int lineno = 0;
	size_t n;

	if (!dwfl)
		return false;
	mod = dwfl_addrmodule(dwfl, addr);
	if (!mod)
		return false;
	/* A return address may be past the call's last byte. */
	name = dwfl_module_addrinfo(mod, code ? addr - 1 : addr, &off, &sym,
				    NULL, NULL, NULL);
	if (!name)
		return false;
	if (!code) {
		if (off)
			snprintf(buf, len, "%s+0x%lx", name, (unsigned long)off);
		else
			snprintf(buf, len, "%s", name);
		return true;
	}
	n = snprintf(buf, len, "%s+0x%lx", name, (unsigned long)off + 1);
	if (n >= len)
		return true;
	line = dwfl_module_getsrc(mod, addr - 1);
	if (line)
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	if (file)
		snprintf(buf + n, len - n, " (%s:%d)", lockdep_short_path(file), lineno);
	return true;
}

#else

void lockdep_symbols_begin(void)
{
}

void lockdep_symbols_end(void)
{
}

static bool dwfl_symbolize(unsigned long addr, bool code, char *buf,
			   size_t len)
{
	return false;
}

#endif

void lockdep_symbolize(unsigned long addr, bool code, char *buf, size_t len)
{
	Dl_info info;

	if (dwfl_symbolize(addr, code, buf, len))
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
