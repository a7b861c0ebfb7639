/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__SYMBOLS_H
#define KVM__SYMBOLS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

/*
 * Symbols of an ELF file (the guest's vmlinux), through libdw (symbols.c):
 * addresses to function+offset and, where the file has DWARF line
 * tables, to file:line.  Addresses are the file's link addresses; a
 * KASLR slide is the caller's business.  Without libdw (NO_LIBDW=1)
 * symbols__open() always fails and says so.  Not thread-safe: one user
 * at a time.
 */
struct symbols;

struct sym_info {
	const char *name;	/* NULL when no symbol covers the address */
	u64 offset;		/* from the symbol's start */
	u64 size;		/* the symbol's, 0 if unknown */
	const char *file;	/* NULL without line information */
	int line;
};

/* false when lkvm was built without libdw. */
bool symbols__supported(void);
/* Opens @path; NULL after putting the reason in @err (@errlen bytes). */
struct symbols *symbols__open(const char *path, char *err, size_t errlen);
void symbols__close(struct symbols *syms);
/* The file has DWARF line tables. */
bool symbols__has_lines(struct symbols *syms);
/*
 * What covers @addr.  With @is_return, @addr is a return address: its
 * line is that of the call before it (addr - 1).  0, or -ENOENT when
 * nothing does (info->name NULL).
 */
int symbols__lookup(struct symbols *syms, u64 addr, bool is_return,
		    struct sym_info *info);
/* The address of the symbol @name: 0, or -ENOENT. */
int symbols__addr(struct symbols *syms, const char *name, u64 *addr);
/* @addr lies in an executable section of the file. */
bool symbols__is_text(struct symbols *syms, u64 addr);
/*
 * Copies what the file has at link address @addr (an allocated section
 * with contents): the bytes copied, or -ENOENT.
 */
ssize_t symbols__read(struct symbols *syms, u64 addr, void *buf, size_t len);

#endif /* KVM__SYMBOLS_H */
