// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolization of guest addresses with libdw's offline mode
 * (include/kvm/symbols.h): the vmlinux is reported to a Dwfl as an
 * offline module at its link addresses; its ELF symbol table gives
 * function+offset and its DWARF line tables, when it has them, file:line.
 * The file is ours (the user named it), the addresses are the guest's:
 * anything may be asked, nothing is trusted to be inside the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm/symbols.h"

#ifdef CONFIG_HAS_LIBDW
#include <elfutils/libdwfl.h>
#include <gelf.h>

/* Executable sections remembered for symbols__is_text(). */
#define MAX_TEXT_RANGES		32

struct text_range {
	u64 start;
	u64 end;
};

struct symbols {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Elf *elf;
	GElf_Addr bias;
	bool has_lines;
	int nr_text;
	struct text_range text[MAX_TEXT_RANGES];
};

/*
 * The DWARF is in the vmlinux or nowhere: libdw's standard search would
 * also ask debuginfod servers, from inside a running lkvm (whose seccomp
 * filter rightly stops it), about a kernel the user built.
 */
static int no_separate_debuginfo(Dwfl_Module *mod, void **userdata,
				 const char *modname, Dwarf_Addr base,
				 const char *file_name,
				 const char *debuglink_file,
				 GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = no_separate_debuginfo,
	.section_address = dwfl_offline_section_address,
};

bool symbols__supported(void)
{
	return true;
}

static void find_text(struct symbols *syms)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;

	while ((scn = elf_nextscn(syms->elf, scn)) &&
	       syms->nr_text < MAX_TEXT_RANGES) {
		if (!gelf_getshdr(scn, &shdr))
			continue;
		if ((shdr.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) !=
		    (SHF_ALLOC | SHF_EXECINSTR) || !shdr.sh_size)
			continue;
		syms->text[syms->nr_text].start = shdr.sh_addr + syms->bias;
		syms->text[syms->nr_text].end = shdr.sh_addr + syms->bias +
						shdr.sh_size;
		syms->nr_text++;
	}
}

struct symbols *symbols__open(const char *path, char *err, size_t errlen)
{
	struct symbols *syms = calloc(1, sizeof(*syms));
	Dwarf_Addr dbias;

	if (!syms) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	syms->dwfl = dwfl_begin(&offline_callbacks);
	if (!syms->dwfl)
		goto err_dwfl;
	syms->mod = dwfl_report_offline(syms->dwfl, "vmlinux", path, -1);
	if (!syms->mod)
		goto err_dwfl;
	dwfl_report_end(syms->dwfl, NULL, NULL);
	syms->elf = dwfl_module_getelf(syms->mod, &syms->bias);
	if (!syms->elf)
		goto err_dwfl;
	if (dwfl_module_getsymtab(syms->mod) <= 0) {
		snprintf(err, errlen, "%s: no symbol table", path);
		goto err;
	}
	/* DWARF is optional: without it, names and offsets only. */
	syms->has_lines = dwfl_module_getdwarf(syms->mod, &dbias) != NULL;
	find_text(syms);
	return syms;

err_dwfl:
	snprintf(err, errlen, "%s: %s", path, dwfl_errmsg(-1));
err:
	symbols__close(syms);
	return NULL;
}

void symbols__close(struct symbols *syms)
{
	if (!syms)
		return;
	if (syms->dwfl)
		dwfl_end(syms->dwfl);
	free(syms);
}

bool symbols__has_lines(struct symbols *syms)
{
	return syms->has_lines;
}

static void lookup_line(struct symbols *syms, u64 addr, struct sym_info *info)
{
	Dwfl_Line *line;
	const char *file;
	Dwarf_Addr a;
	int lineno;

	if (!syms->has_lines)
		return;
	line = dwfl_module_getsrc(syms->mod, addr);
	if (!line)
		return;
	file = dwfl_lineinfo(line, &a, &lineno, NULL, NULL, NULL);
	if (!file)
		return;
	info->file = file;
	info->line = lineno;
}

int symbols__lookup(struct symbols *syms, u64 addr, bool is_return,
		    struct sym_info *info)
{
	GElf_Off off;
	GElf_Sym sym;

	memset(info, 0, sizeof(*info));
	info->name = dwfl_module_addrinfo(syms->mod, addr, &off, &sym, NULL,
					  NULL, NULL);
	if (!info->name)
		return -ENOENT;
	info->offset = off;
	info->size = sym.st_size;
	lookup_line(syms, is_return && addr ? addr - 1 : addr, info);
	return 0;
}

int symbols__addr(struct symbols *syms, const char *name, u64 *addr)
{
	int i, n = dwfl_module_getsymtab(syms->mod);
	const char *s;
	GElf_Addr a;
	GElf_Sym sym;

	for (i = 1; i < n; i++) {
		s = dwfl_module_getsym_info(syms->mod, i, &sym, &a, NULL, NULL,
					    NULL);
		if (s && !strcmp(s, name)) {
			*addr = a;
			return 0;
		}
	}
	return -ENOENT;
}

bool symbols__is_text(struct symbols *syms, u64 addr)
{
	int i;

	for (i = 0; i < syms->nr_text; i++)
		if (addr >= syms->text[i].start && addr < syms->text[i].end)
			return true;
	return false;
}

ssize_t symbols__read(struct symbols *syms, u64 addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf_Data *data;
	u64 start, off;

	while ((scn = elf_nextscn(syms->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC) ||
		    shdr.sh_type != SHT_PROGBITS)
			continue;
		start = shdr.sh_addr + syms->bias;
		if (addr < start || addr - start >= shdr.sh_size)
			continue;
		data = elf_getdata(scn, NULL);
		off = addr - start;
		if (!data || !data->d_buf || off >= data->d_size)
			return -ENOENT;
		if (len > data->d_size - off)
			len = data->d_size - off;
		memcpy(buf, (char *)data->d_buf + off, len);
		return len;
	}
	return -ENOENT;
}

#else /* !CONFIG_HAS_LIBDW */

bool symbols__supported(void)
{
	return false;
}

struct symbols *symbols__open(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "this lkvm was built without libdw (libdw-dev)");
	return NULL;
}

void symbols__close(struct symbols *syms)
{
}

bool symbols__has_lines(struct symbols *syms)
{
	return false;
}

int symbols__lookup(struct symbols *syms, u64 addr, bool is_return,
		    struct sym_info *info)
{
	memset(info, 0, sizeof(*info));
	return -ENOENT;
}

int symbols__addr(struct symbols *syms, const char *name, u64 *addr)
{
	return -ENOENT;
}

bool symbols__is_text(struct symbols *syms, u64 addr)
{
	return false;
}

ssize_t symbols__read(struct symbols *syms, u64 addr, void *buf, size_t len)
{
	return -ENOENT;
}

#endif /* CONFIG_HAS_LIBDW */
