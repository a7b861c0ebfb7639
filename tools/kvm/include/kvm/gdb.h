/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__GDB_H
#define KVM__GDB_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

struct kvm;
struct kvm_cpu;

/*
 * The gdb stub (gdb.c): GDB's remote serial protocol on a TCP or UNIX
 * socket, one client at a time.  Each vCPU is a gdb thread (vCPU N is
 * thread N + 1); a stop parks every vCPU with kvm__pause(), so the
 * guest's clock stops with it.  Memory is read and written by guest
 * virtual address through the page tables of the selected vCPU.
 */

/*
 * Listens on @addr, "[HOST:]PORT" (HOST defaults to 127.0.0.1) or a
 * UNIX socket path (anything with a '/'), and serves gdb from a thread
 * of its own.  With @wait every vCPU waits before its first instruction
 * until gdb has attached and continued.  0, or -1 after saying why.
 */
int gdb__start(struct kvm *kvm, const char *addr, bool wait);
/* Where a running stub listens ("HOST:PORT" or the path), or NULL. */
const char *gdb__where(void);
/* Checks @addr's syntax for option parsing: 0, or -1 after saying why. */
int gdb__check_addr(const char *addr);
/* Detaches a client and ends the thread (the VM is ending). */
void gdb__stop(struct kvm *kvm);
/* From the vCPU loop: @vcpu exited with KVM_EXIT_DEBUG. */
void gdb__debug_exit(struct kvm_cpu *vcpu);

/*
 * For the unit tests: serves one packet body of @len bytes as the stub
 * does while the guest is stopped, without a socket or a client, and
 * puts the reply body in @reply (GDB_MAX_PACKET + 1 bytes, NUL-ended).
 * Returns its length, or -1 for a packet that is not answered at once
 * (resume, detach, kill: not acted upon here) or is too long.
 */
ssize_t gdb__serve(struct kvm *kvm, const void *pkt, size_t len, char *reply);

/* --- the packet layer, kept apart for the unit tests ------------------- */

/* The longest packet body we take or send (PacketSize in qSupported). */
#define GDB_MAX_PACKET		16384

enum gdb_rx_event {
	GDB_RX_MORE,		/* nothing complete yet */
	GDB_RX_PACKET,		/* rx->buf holds rx->len bytes, unescaped */
	GDB_RX_BAD_CHECKSUM,	/* a packet with a wrong or non-hex checksum */
	GDB_RX_TOO_LONG,	/* a packet longer than GDB_MAX_PACKET */
	GDB_RX_INTERRUPT,	/* a 0x03 between packets (Ctrl-C) */
	GDB_RX_ACK,		/* '+' */
	GDB_RX_NAK,		/* '-': send the last packet again */
};

struct gdb_rx {
	int state;
	u8 sum;			/* of the raw bytes between '$' and '#' */
	u8 csum;		/* the checksum sent, as far as read */
	bool overflow;
	size_t len;
	char buf[GDB_MAX_PACKET + 1];	/* NUL-terminated after a packet */
};

void gdb_rx_init(struct gdb_rx *rx);
/*
 * Takes the next byte from gdb.  Bytes between packets other than '$',
 * '+', '-' and 0x03 are dropped, and a '$' inside a packet starts a
 * new one (gdb escapes it in data), so the stream resynchronises.
 */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, u8 c);
/*
 * Frames @len bytes of @body as "$body#xx" into @out, which has room for
 * @size bytes, escaping '$', '#', '}' and '*'.  The length, or -ENOSPC.
 */
ssize_t gdb_frame(char *out, size_t size, const void *body, size_t len);

/* --- architecture hooks (ARCH/gdb.c) ----------------------------------- */

/* False where the stub has no architecture support yet (--gdb fails). */
bool gdb__arch_supported(void);
/* The target description gdb reads as target.xml (kvm_cpu__arch_reg order). */
const char *gdb__arch_target_xml(void);
/* The software breakpoint instruction. */
const u8 *gdb__arch_sw_bp_insn(size_t *len);

enum gdb_bp_type {
	GDB_BP_SW = 0,		/* Z0 */
	GDB_BP_HW = 1,		/* Z1 */
	GDB_WATCH_WRITE = 2,	/* Z2 */
	GDB_WATCH_READ = 3,	/* Z3 */
	GDB_WATCH_ACCESS = 4,	/* Z4 */
};

#define GDB_MAX_HW_BP		4

struct gdb_hw_bp {
	bool used;
	enum gdb_bp_type type;
	u64 addr;
	u64 len;
};

/* What the vCPUs are to do when they run on. */
struct gdb_debug {
	bool enable;		/* any of it; off: the guest runs undisturbed */
	bool step;		/* one instruction, then KVM_EXIT_DEBUG */
	bool sw_bp;		/* software breakpoints are inserted */
	struct gdb_hw_bp hw[GDB_MAX_HW_BP];
};

/* 0 if the hardware can do it, or -EINVAL / -EOPNOTSUPP. */
int gdb__arch_check_hw_bp(enum gdb_bp_type type, u64 addr, u64 len);
/* KVM_SET_GUEST_DEBUG for @vcpu: 0 or -errno. */
int gdb__arch_set_debug(struct kvm_cpu *vcpu, const struct gdb_debug *dbg);

enum gdb_stop_kind {
	GDB_STOP_SW_BP,		/* at @pc */
	GDB_STOP_HW,		/* hardware breakpoint or watchpoint @slot */
	GDB_STOP_STEP,
	GDB_STOP_OTHER,
};

struct gdb_stop {
	enum gdb_stop_kind kind;
	int slot;
	u64 pc;
};

/* Decodes @vcpu's KVM_EXIT_DEBUG. */
void gdb__arch_decode_exit(struct kvm_cpu *vcpu, struct gdb_stop *stop);
/* Gives the guest the breakpoint trap it raised itself (not ours). */
int gdb__arch_reinject_sw_bp(struct kvm_cpu *vcpu);

#endif /* KVM__GDB_H */
