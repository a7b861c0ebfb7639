// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols for lockdep reports from debug info, through libdw: function,
 * offset, file and line, static functions and variables included.
 */
#include <stdio.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "lockdep.h"
#include "internal.h"

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

bool lockdep_symbolize_object(unsigned long addr, bool code, char *buf,
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
	n = lockdep_format_symbol(buf, len, name, off, code);
	if (!code || n >= len)
		return true;
	line = dwfl_module_getsrc(mod, addr - 1);
	if (line)
		file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
	if (file)
		snprintf(buf + n, len - n, " (%s:%d)", lockdep_short_path(file), lineno);
	return true;
}
