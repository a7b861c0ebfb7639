// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols for lockdep reports without DWARF: the ELF symbol table of the
 * object that holds an address, read with libelf.  Unlike dladdr(), which
 * sees only the dynamic symbols, it names static functions and variables,
 * which is what most locks are; file and line need libdw.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lockdep.h"
#include "internal.h"

/* The object that holds an address, as the dynamic linker mapped it. */
struct elf_object {
	unsigned long addr;
	unsigned long bias;
	const char *path;
};

static bool elf_ready;
static const char self_exe[] = "/proc/self/exe";

void lockdep_symbols_begin(void)
{
	elf_ready = elf_version(EV_CURRENT) != EV_NONE;
}

void lockdep_symbols_end(void)
{
}

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct elf_object *obj = data;
	const ElfW(Phdr) *ph;
	unsigned long start;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		start = info->dlpi_addr + ph->p_vaddr;
		if (obj->addr < start || obj->addr - start >= ph->p_memsz)
			continue;
		obj->bias = info->dlpi_addr;
		/* The main program has no name here. */
		obj->path = info->dlpi_name[0] ? info->dlpi_name : self_exe;
		return 1;
	}
	return 0;
}

/* The function or object symbol of @scn that covers @addr, if any. */
static bool lookup_symtab(Elf *elf, Elf_Scn *scn, GElf_Addr addr,
			  const char **name, GElf_Addr *off)
{
	GElf_Shdr shdr;
	Elf_Data *data;
	GElf_Sym sym;
	size_t i, n;
	int type;

	if (!gelf_getshdr(scn, &shdr) || !shdr.sh_entsize)
		return false;
	data = elf_getdata(scn, NULL);
	if (!data)
		return false;
	n = shdr.sh_size / shdr.sh_entsize;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(data, i, &sym) || sym.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_OBJECT)
			continue;
		if (addr < sym.st_value ||
		    addr - sym.st_value >= (sym.st_size ? sym.st_size : 1))
			continue;
		*name = elf_strptr(elf, shdr.sh_link, sym.st_name);
		*off = addr - sym.st_value;
		return *name && **name;
	}
	return false;
}

/* .symtab when the object has one (not stripped), else .dynsym. */
static bool lookup_elf(Elf *elf, GElf_Addr addr, char *name, size_t len,
		       GElf_Addr *off)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	const char *found = NULL;
	GElf_Shdr shdr;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			continue;
		if (shdr.sh_type == SHT_DYNSYM)
			dynsym = scn;
		if (shdr.sh_type == SHT_SYMTAB &&
		    lookup_symtab(elf, scn, addr, &found, off))
			break;
	}
	if (!found && dynsym)
		lookup_symtab(elf, dynsym, addr, &found, off);
	if (!found)
		return false;
	snprintf(name, len, "%s", found);
	return true;
}

bool lockdep_symbolize_object(unsigned long addr, bool code, char *buf,
			      size_t len)
{
	/* A return address may be past the call's last byte. */
	struct elf_object obj = { .addr = code ? addr - 1 : addr };
	char name[256];
	const char *base;
	GElf_Addr off;
	size_t n;
	bool found;
	Elf *elf;
	int fd;

	if (!elf_ready || !dl_iterate_phdr(find_object, &obj))
		return false;
	fd = open(obj.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	found = elf && lookup_elf(elf, obj.addr - obj.bias, name, sizeof(name),
				  &off);
	if (elf)
		elf_end(elf);
	close(fd);
	if (!found)
		return false;
	n = lockdep_format_symbol(buf, len, name, off, code);
	if (!code || n >= len)
		return true;
	if (obj.path == self_exe)
		base = program_invocation_short_name;
	else
		base = strrchr(obj.path, '/') ? strrchr(obj.path, '/') + 1 : obj.path;
	snprintf(buf + n, len - n, " (%s)", base);
	return true;
}
