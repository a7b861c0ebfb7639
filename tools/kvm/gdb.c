// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub: GDB's remote serial protocol ("target remote") for the
 * guest, served from a thread of its own on a TCP or UNIX socket.
 *
 * Stopping.  A stop parks every vCPU between two KVM_RUNs through the
 * pause machinery (kvm__pause()), so the guest's clock stops too.  A
 * vCPU that hits a breakpoint or finishes a step asks for the pause
 * itself (kvm_cpu__request_pause()) and wakes the stub's thread, which
 * then waits for the others and reports the stop; Ctrl-C pauses from
 * the stub's thread.  The breakpoint tables change only while every
 * vCPU is parked, so the vCPU threads read them without a lock.
 *
 * Threads are vCPUs (vCPU N is thread N + 1); memory is addressed
 * guest-virtually through the page tables of the vCPU that 'Hg' chose.
 * Detaching, or the client going away, removes the breakpoints, turns
 * guest debugging off and lets the guest run on.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <subcmd/parse-options.h>
#include "kvm/log.h"
#include "kvm/util.h"

#include "kvm/control.h"
#include "kvm/record.h"
#include "kvm/gdb.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/run-options.h"

#define GDB_MAX_SW_BP		64
#define GDB_MAX_BP_INSN		4
#define GDB_POLL_MS		100
/* A reply is at most GDB_MAX_PACKET bytes; escaping can double them. */
#define GDB_MAX_FRAME		(2 * GDB_MAX_PACKET + 4)

enum rx_state { RX_IDLE, RX_BODY, RX_ESCAPE, RX_CSUM1, RX_CSUM2 };

struct sw_bp {
	u64 addr;
	u8 saved[GDB_MAX_BP_INSN];
};

enum action { A_REPLY, A_RESUME, A_DETACH, A_KILL };

/* What a vCPU does when the guest resumes. */
enum run_mode { RUN_HOLD, RUN_CONT, RUN_STEP };

struct gdb {
	struct kvm *kvm;
	char *where;			/* the address, for messages */
	char *unix_path;		/* to remove at the end */
	int listen_fd;
	int client_fd;
	int wake_fd;			/* eventfd: a vCPU stopped, or quit */
	pthread_t thread;
	bool wait;			/* --gdb-wait: the guest starts stopped */
	bool quit;
	bool attached;			/* debug exits are ours */
	bool running;			/* the vCPUs run for the client */
	bool noack;

	/* The first vCPU to stop since the last resume, and why. */
	struct kvm_cpu *stop_vcpu;
	struct gdb_stop *stops;		/* per vCPU */
	int last_cpu;			/* the vCPU of the last stop */
	int g_cpu;			/* Hg: registers and memory */
	int c_cpu;			/* Hc: step and continue; -1 all */

	struct sw_bp sw[GDB_MAX_SW_BP];
	int nr_sw;
	struct gdb_debug dbg;
	u8 *modes;			/* enum run_mode, per vCPU */

	struct gdb_rx rx;
	char reply[GDB_MAX_PACKET + 1];
	size_t reply_len;
	char frame[GDB_MAX_FRAME];	/* the last packet sent, for a NAK */
	ssize_t frame_len;
};

static struct gdb *the_gdb;

/* --- the packet layer ---------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->state = RX_IDLE;
}

static void rx_start(struct gdb_rx *rx)
{
	rx->state = RX_BODY;
	rx->sum = 0;
	rx->len = 0;
	rx->overflow = false;
}

static void rx_store(struct gdb_rx *rx, u8 c)
{
	if (rx->len < GDB_MAX_PACKET)
		rx->buf[rx->len++] = c;
	else
		rx->overflow = true;
}

static enum gdb_rx_event rx_idle(struct gdb_rx *rx, u8 c)
{
	switch (c) {
	case '$':
		rx_start(rx);
		return GDB_RX_MORE;
	case 0x03:
		return GDB_RX_INTERRUPT;
	case '+':
		return GDB_RX_ACK;
	case '-':
		return GDB_RX_NAK;
	default:
		return GDB_RX_MORE;	/* noise between packets */
	}
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, u8 c)
{
	int v;

	switch (rx->state) {
	case RX_IDLE:
		return rx_idle(rx, c);
	case RX_BODY:
		if (c == '$') {
			rx_start(rx);
		} else if (c == '#') {
			rx->state = RX_CSUM1;
		} else {
			rx->sum += c;
			if (c == '}')
				rx->state = RX_ESCAPE;
			else
				rx_store(rx, c);
		}
		return GDB_RX_MORE;
	case RX_ESCAPE:
		rx->sum += c;
		rx_store(rx, c ^ 0x20);
		rx->state = RX_BODY;
		return GDB_RX_MORE;
	case RX_CSUM1:
		v = hexval(c);
		rx->csum = v < 0 ? 0 : v << 4;
		rx->state = v < 0 ? RX_IDLE : RX_CSUM2;
		return v < 0 ? GDB_RX_BAD_CHECKSUM : GDB_RX_MORE;
	default:
		rx->state = RX_IDLE;
		v = hexval(c);
		if (v < 0 || (u8)(rx->csum | v) != rx->sum)
			return GDB_RX_BAD_CHECKSUM;
		if (rx->overflow)
			return GDB_RX_TOO_LONG;
		rx->buf[rx->len] = '\0';
		return GDB_RX_PACKET;
	}
}

ssize_t gdb_frame(char *out, size_t size, const void *body, size_t len)
{
	const u8 *b = body;
	size_t n = 0, i;
	u8 sum = 0, c;

	if (size < 4)
		return -ENOSPC;
	out[n++] = '$';
	for (i = 0; i < len; i++) {
		c = b[i];
		if (c == '$' || c == '#' || c == '}' || c == '*') {
			if (n + 1 > size - 3)
				return -ENOSPC;
			out[n++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		if (n > size - 4)
			return -ENOSPC;
		out[n++] = c;
		sum += c;
	}
	snprintf(out + n, 4, "#%02x", sum);
	return n + 3;
}

/* --- parsing and replies ------------------------------------------------- */

/* A hex number of 1 to 16 digits at *@p; moves *@p past it.  0 or -1. */
static int parse_hex(const char **p, u64 *v)
{
	const char *s = *p;
	int d, n = 0;

	*v = 0;
	while ((d = hexval(*s)) >= 0) {
		if (++n > 16)
			return -1;
		*v = (*v << 4) | d;
		s++;
	}
	if (!n)
		return -1;
	*p = s;
	return 0;
}

/* "ADDR,LEN" followed by @end (or the end of the packet if 0). */
static int parse_addr_len(const char **p, u64 *addr, u64 *len, char end)
{
	if (parse_hex(p, addr) || **p != ',')
		return -1;
	(*p)++;
	if (parse_hex(p, len) || **p != end)
		return -1;
	if (end)
		(*p)++;
	return 0;
}

static int hex_decode(u8 *out, const char *in, size_t len)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		hi = hexval(in[2 * i]);
		lo = hi < 0 ? -1 : hexval(in[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	return 0;
}

static void put(struct gdb *g, const void *data, size_t len)
{
	if (len > GDB_MAX_PACKET - g->reply_len)
		len = GDB_MAX_PACKET - g->reply_len;
	memcpy(g->reply + g->reply_len, data, len);
	g->reply_len += len;
}

static void __printf(2, 3) putf(struct gdb *g, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(g, buf, min_t(size_t, n, sizeof(buf) - 1));
}

static void put_hex(struct gdb *g, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const u8 *b = data;
	char pair[2];
	size_t i;

	for (i = 0; i < len; i++) {
		pair[0] = digits[b[i] >> 4];
		pair[1] = digits[b[i] & 15];
		put(g, pair, 2);
	}
}

/* "ENN": NN is the errno value, which gdb only shows. */
static enum action reply_error(struct gdb *g, int err)
{
	g->reply_len = 0;
	putf(g, "E%02x", (err < 0 ? -err : err) & 0xff);
	return A_REPLY;
}

static enum action reply_ok(struct gdb *g)
{
	put(g, "OK", 2);
	return A_REPLY;
}

/* --- vCPUs, threads, stops ---------------------------------------------- */

static struct kvm_cpu *cpu(struct gdb *g, int n)
{
	return g->kvm->cpus[n];
}

/* A thread id: -1 "all", 0 "any" (the current one), or vCPU + 1. */
static int parse_thread(struct gdb *g, const char **p, int *n)
{
	u64 tid;

	if (**p == '-' && (*p)[1] == '1') {
		*p += 2;
		*n = -1;
		return 0;
	}
	if (parse_hex(p, &tid))
		return -1;
	if (tid == 0) {
		*n = g->last_cpu;
		return 0;
	}
	if (tid > (u64)g->kvm->nrcpus)
		return -1;
	*n = tid - 1;
	return 0;
}

/* Stops every vCPU (0), or says why not (-1). */
static int stop_vm(struct gdb *g)
{
	int ret;

	while ((ret = kvm__pause_quiet(g->kvm)) == -EAGAIN &&
	       !kvm__exiting(g->kvm) && !READ_ONCE(g->quit))
		usleep(10000);	/* the vCPUs are not started yet */
	if (ret) {
		if (!kvm__exiting(g->kvm))
			error("gdb: cannot stop the guest: %s", strerror(-ret));
		return -1;
	}
	g->running = false;
	return 0;
}

static void drain_wake(struct gdb *g)
{
	u64 v;

	if (read(g->wake_fd, &v, sizeof(v)) < 0)
		return;	/* nothing was there */
}

/* Debug state and scheduler locking for @modes (NULL: all run, none steps). */
static int apply_debug(struct gdb *g, const u8 *modes)
{
	struct gdb_debug dbg = g->dbg;
	int i, ret, err = 0;

	dbg.sw_bp = g->nr_sw > 0;
	for (i = 0; i < g->kvm->nrcpus; i++) {
		dbg.step = modes && modes[i] == RUN_STEP;
		ret = gdb__arch_set_debug(cpu(g, i), &dbg);
		if (ret && !err) {
			error("gdb: vCPU %d: KVM_SET_GUEST_DEBUG: %s", i, strerror(-ret));
			err = ret;
		}
		kvm_cpu__hold(cpu(g, i), modes && modes[i] == RUN_HOLD);
	}
	return err;
}

static int resume_vm(struct gdb *g, const u8 *modes)
{
	int ret;

	g->dbg.enable = true;
	ret = apply_debug(g, modes);
	if (ret)
		return ret;
	__atomic_store_n(&g->stop_vcpu, NULL, __ATOMIC_RELEASE);
	drain_wake(g);
	g->running = true;
	ret = kvm__resume_quiet(g->kvm);
	if (ret)
		g->running = false;
	return ret;
}

static struct sw_bp *find_sw_bp(struct gdb *g, u64 addr)
{
	int i;

	for (i = 0; i < g->nr_sw; i++)
		if (g->sw[i].addr == addr)
			return &g->sw[i];
	return NULL;
}

void gdb__debug_exit(struct kvm_cpu *vcpu)
{
	struct gdb *g = the_gdb;
	struct kvm_cpu *none = NULL;
	struct gdb_stop stop;

	if (!g || !__atomic_load_n(&g->attached, __ATOMIC_ACQUIRE))
		return;	/* a late exit from before a detach: run on */
	gdb__arch_decode_exit(vcpu, &stop);
	if (stop.kind == GDB_STOP_SW_BP && !find_sw_bp(g, stop.pc)) {
		/* The guest's own int3 (Linux patches text with them). */
		if (gdb__arch_reinject_sw_bp(vcpu))
			error("gdb: vCPU %lu: cannot give the guest its breakpoint trap",
			      vcpu->cpu_id);
		return;
	}
	g->stops[vcpu->cpu_id] = stop;
	/* The first stop is reported; a later one happens again on resume. */
	__atomic_compare_exchange_n(&g->stop_vcpu, &none, vcpu, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	kvm_cpu__request_pause(vcpu->kvm);
	if (write(g->wake_fd, &(u64){ 1 }, sizeof(u64)) < 0)
		error("gdb: cannot wake the stub: %s", strerror(errno));
}

/* The stop reply for vCPU @n with signal @sig. */
static void put_stop(struct gdb *g, int n, int sig, const struct gdb_stop *st)
{
	const struct gdb_hw_bp *bp;
	static const char * const watch[] = {
		[GDB_WATCH_WRITE] = "watch", [GDB_WATCH_READ] = "rwatch",
		[GDB_WATCH_ACCESS] = "awatch",
	};

	g->reply_len = 0;
	putf(g, "T%02xthread:%x;", sig, n + 1);
	if (!st)
		return;
	if (st->kind == GDB_STOP_SW_BP) {
		putf(g, "swbreak:;");
	} else if (st->kind == GDB_STOP_HW && st->slot >= 0 &&
		   st->slot < GDB_MAX_HW_BP && g->dbg.hw[st->slot].used) {
		bp = &g->dbg.hw[st->slot];
		if (bp->type == GDB_BP_HW)
			putf(g, "hwbreak:;");
		else
			putf(g, "%s:%llx;", watch[bp->type], (unsigned long long)bp->addr);
	}
}

/* After a stop: the reply for the vCPU that stopped first. */
static void report_stop(struct gdb *g, int sig)
{
	struct kvm_cpu *v = __atomic_load_n(&g->stop_vcpu, __ATOMIC_ACQUIRE);

	if (v) {
		g->last_cpu = v->cpu_id;
		put_stop(g, g->last_cpu, 5, &g->stops[g->last_cpu]);
	} else {
		put_stop(g, g->last_cpu, sig, NULL);
	}
	g->g_cpu = g->c_cpu = g->last_cpu;
}

/* --- packets -------------------------------------------------------------- */

static enum action cmd_read_regs(struct gdb *g)
{
	const struct kvm_cpu_reg *r;
	u8 buf[64];
	int i, nr = kvm_cpu__arch_nr_regs(), ret;

	for (i = 0; i < nr; i++) {
		r = kvm_cpu__arch_reg(i);
		ret = kvm_cpu__arch_get_reg(cpu(g, g->g_cpu), i, buf);
		if (ret)
			return reply_error(g, ret);
		put_hex(g, buf, r->size);
	}
	return A_REPLY;
}

static enum action cmd_write_regs(struct gdb *g, const char *p)
{
	const struct kvm_cpu_reg *r;
	size_t len = strlen(p), off = 0;
	u8 buf[64];
	int i, nr = kvm_cpu__arch_nr_regs(), ret;

	for (i = 0; i < nr && off < len; i++) {
		r = kvm_cpu__arch_reg(i);
		if (len - off < 2 * r->size || hex_decode(buf, p + off, r->size))
			return reply_error(g, EINVAL);
		off += 2 * r->size;
		ret = kvm_cpu__arch_set_reg(cpu(g, g->g_cpu), i, buf);
		/* G carries every register: an unchangeable one is left be. */
		if (ret && ret != -EOPNOTSUPP)
			return reply_error(g, ret);
	}
	return off == len ? reply_ok(g) : reply_error(g, EINVAL);
}

static enum action cmd_read_reg(struct gdb *g, const char *p)
{
	const struct kvm_cpu_reg *r;
	u8 buf[64];
	u64 n;
	int ret;

	if (parse_hex(&p, &n) || *p)
		return reply_error(g, EINVAL);
	r = kvm_cpu__arch_reg(n);
	if (!r)
		return reply_error(g, EINVAL);
	ret = kvm_cpu__arch_get_reg(cpu(g, g->g_cpu), n, buf);
	if (ret)
		return reply_error(g, ret);
	put_hex(g, buf, r->size);
	return A_REPLY;
}

static enum action cmd_write_reg(struct gdb *g, const char *p)
{
	const struct kvm_cpu_reg *r;
	u8 buf[64];
	u64 n;
	int ret;

	if (parse_hex(&p, &n) || *p++ != '=')
		return reply_error(g, EINVAL);
	r = kvm_cpu__arch_reg(n);
	if (!r || strlen(p) != 2 * r->size || hex_decode(buf, p, r->size))
		return reply_error(g, EINVAL);
	ret = kvm_cpu__arch_set_reg(cpu(g, g->g_cpu), n, buf);
	return ret ? reply_error(g, ret) : reply_ok(g);
}

static enum action cmd_read_mem(struct gdb *g, const char *p)
{
	u8 buf[GDB_MAX_PACKET / 2];
	u64 addr, len;
	ssize_t n;

	if (parse_addr_len(&p, &addr, &len, 0))
		return reply_error(g, EINVAL);
	if (len > sizeof(buf))
		len = sizeof(buf);	/* gdb asks again for the rest */
	if (!len)
		return A_REPLY;
	n = kvm_cpu__read_virt(cpu(g, g->g_cpu), addr, buf, len);
	if (n < 0)
		return reply_error(g, n);
	put_hex(g, buf, n);
	return A_REPLY;
}

/* M (hex data) and X (binary data, unescaped by the packet layer). */
static enum action cmd_write_mem(struct gdb *g, const char *p, size_t plen,
				 bool binary)
{
	const char *start = p;
	u8 buf[GDB_MAX_PACKET];
	u64 addr, len;
	size_t left;
	int ret;

	if (parse_addr_len(&p, &addr, &len, ':'))
		return reply_error(g, EINVAL);
	left = plen - (p - start);
	if (binary ? left != len : (left != 2 * len || len > sizeof(buf) / 2 ||
				    hex_decode(buf, p, len)))
		return reply_error(g, EINVAL);
	if (!len)
		return reply_ok(g);
	ret = kvm_cpu__write_virt(cpu(g, g->g_cpu), addr, binary ? (const u8 *)p : buf,
				  len);
	return ret ? reply_error(g, ret) : reply_ok(g);
}

static int insert_sw_bp(struct gdb *g, u64 addr)
{
	const u8 *insn;
	size_t len;
	struct sw_bp *bp;
	struct kvm_cpu *v = cpu(g, g->g_cpu);

	if (find_sw_bp(g, addr))
		return 0;
	if (g->nr_sw == GDB_MAX_SW_BP)
		return -ENOSPC;
	insn = gdb__arch_sw_bp_insn(&len);
	bp = &g->sw[g->nr_sw];
	if (kvm_cpu__read_virt(v, addr, bp->saved, len) != (ssize_t)len ||
	    kvm_cpu__write_virt(v, addr, insn, len))
		return -EFAULT;
	bp->addr = addr;
	g->nr_sw++;
	return 0;
}

static int remove_sw_bp(struct gdb *g, u64 addr)
{
	struct sw_bp *bp = find_sw_bp(g, addr);
	size_t len;
	int ret;

	if (!bp)
		return -ENOENT;
	gdb__arch_sw_bp_insn(&len);
	ret = kvm_cpu__write_virt(cpu(g, g->g_cpu), addr, bp->saved, len);
	*bp = g->sw[--g->nr_sw];
	return ret;
}

static int insert_hw_bp(struct gdb *g, enum gdb_bp_type type, u64 addr, u64 len)
{
	int i, ret = gdb__arch_check_hw_bp(type, addr, len);

	if (ret)
		return ret;
	for (i = 0; i < GDB_MAX_HW_BP; i++) {
		if (!g->dbg.hw[i].used) {
			g->dbg.hw[i] = (struct gdb_hw_bp){ true, type, addr, len };
			return 0;
		}
	}
	return -ENOSPC;
}

static int remove_hw_bp(struct gdb *g, enum gdb_bp_type type, u64 addr, u64 len)
{
	struct gdb_hw_bp *bp;
	int i;

	for (i = 0; i < GDB_MAX_HW_BP; i++) {
		bp = &g->dbg.hw[i];
		if (bp->used && bp->type == type && bp->addr == addr &&
		    (type == GDB_BP_HW || bp->len == len)) {
			bp->used = false;
			return 0;
		}
	}
	return -ENOENT;
}

/* Z and z: TYPE,ADDR,KIND (no conditions or commands after a ';'). */
static enum action cmd_breakpoint(struct gdb *g, const char *p, bool insert)
{
	u64 type, addr, kind;
	int ret;

	if (parse_hex(&p, &type) || *p++ != ',' || parse_addr_len(&p, &addr, &kind, 0))
		return reply_error(g, EINVAL);
	if (type > GDB_WATCH_ACCESS)
		return A_REPLY;		/* empty: not supported */
	if (type == GDB_BP_SW)
		ret = insert ? insert_sw_bp(g, addr) : remove_sw_bp(g, addr);
	else if (insert)
		ret = insert_hw_bp(g, type, addr, kind);
	else
		ret = remove_hw_bp(g, type, addr, kind);
	if (ret == -EOPNOTSUPP)
		return A_REPLY;
	return ret ? reply_error(g, ret) : reply_ok(g);
}

static int set_pc(struct gdb *g, int n, u64 pc)
{
	/* The program counter is the register after the 16 general ones. */
	const struct kvm_cpu_reg *r;
	int i;

	for (i = 0; (r = kvm_cpu__arch_reg(i)); i++)
		if (!strcmp(r->name, "rip") || !strcmp(r->name, "pc"))
			return kvm_cpu__arch_set_reg(cpu(g, n), i, &pc);
	return -EOPNOTSUPP;
}

/* c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR]: signals are dropped. */
static enum action cmd_resume(struct gdb *g, const char *p, bool step, bool sig)
{
	int n = g->c_cpu < 0 ? g->last_cpu : g->c_cpu;
	u64 v;

	if (sig) {
		if (parse_hex(&p, &v))
			return reply_error(g, EINVAL);
		if (*p == ';')
			p++;
		else if (*p)
			return reply_error(g, EINVAL);
	}
	if (*p) {
		if (parse_hex(&p, &v) || *p || set_pc(g, n, v))
			return reply_error(g, EINVAL);
	}
	memset(g->modes, RUN_CONT, g->kvm->nrcpus);
	if (step)
		g->modes[n] = RUN_STEP;
	return resume_vm(g, g->modes) ? reply_error(g, EIO) : A_RESUME;
}

/*
 * vCont;ACTION[:TID]...: each vCPU takes the leftmost action naming it
 * (or naming no thread); one that none names stays stopped.
 */
static enum action cmd_vcont(struct gdb *g, const char *p)
{
	int i, n, nr = g->kvm->nrcpus, running = 0;
	enum run_mode mode;
	u64 sig;
	char a;

	memset(g->modes, RUN_HOLD, nr);
	while (*p == ';') {
		a = *++p;
		if (a != 'c' && a != 's' && a != 'C' && a != 'S')
			return reply_error(g, EINVAL);
		p++;
		if ((a == 'C' || a == 'S') && parse_hex(&p, &sig))
			return reply_error(g, EINVAL);
		n = -1;
		if (*p == ':') {
			p++;
			if (parse_thread(g, &p, &n))
				return reply_error(g, EINVAL);
		}
		mode = a == 's' || a == 'S' ? RUN_STEP : RUN_CONT;
		for (i = 0; i < nr; i++) {
			if (g->modes[i] == RUN_HOLD && (n < 0 || n == i)) {
				g->modes[i] = mode;
				running++;
			}
		}
	}
	if (*p || !running)
		return reply_error(g, EINVAL);
	return resume_vm(g, g->modes) ? reply_error(g, EIO) : A_RESUME;
}

static enum action cmd_set_thread(struct gdb *g, const char *p)
{
	char which = *p++;
	int n;

	if ((which != 'g' && which != 'c') || parse_thread(g, &p, &n) || *p)
		return reply_error(g, EINVAL);
	if (which == 'g')
		g->g_cpu = n < 0 ? g->last_cpu : n;
	else
		g->c_cpu = n;
	return reply_ok(g);
}

static enum action cmd_thread_alive(struct gdb *g, const char *p)
{
	int n;

	if (parse_thread(g, &p, &n) || *p || n < 0)
		return reply_error(g, ESRCH);
	return reply_ok(g);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static enum action cmd_xfer_features(struct gdb *g, const char *p)
{
	const char *xml = gdb__arch_target_xml();
	u64 off, len, size = strlen(xml);

	if (strncmp(p, "target.xml:", 11))
		return reply_error(g, ENOENT);
	p += 11;
	if (parse_addr_len(&p, &off, &len, 0))
		return reply_error(g, EINVAL);
	if (off > size)
		return reply_error(g, EINVAL);
	if (len > GDB_MAX_PACKET - 1)
		len = GDB_MAX_PACKET - 1;
	if (len >= size - off) {
		put(g, "l", 1);
		len = size - off;
	} else {
		put(g, "m", 1);
	}
	put(g, xml + off, len);
	return A_REPLY;
}

static enum action cmd_query(struct gdb *g, const char *p)
{
	char name[32];
	int i;

	if (!strncmp(p, "Supported", 9)) {
		putf(g, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
		     "QStartNoAckMode+;vContSupported+", GDB_MAX_PACKET);
	} else if (!strncmp(p, "Attached", 8)) {
		put(g, "1", 1);		/* so that quitting gdb detaches */
	} else if (!strcmp(p, "C")) {
		putf(g, "QC%x", g->g_cpu + 1);
	} else if (!strcmp(p, "fThreadInfo")) {
		put(g, "m", 1);
		for (i = 0; i < g->kvm->nrcpus; i++)
			putf(g, i ? ",%x" : "%x", i + 1);
	} else if (!strcmp(p, "sThreadInfo")) {
		put(g, "l", 1);
	} else if (!strncmp(p, "ThreadExtraInfo,", 16)) {
		p += 16;
		if (parse_thread(g, &p, &i) || *p || i < 0)
			return reply_error(g, ESRCH);
		snprintf(name, sizeof(name), "vCPU %d", i);
		put_hex(g, name, strlen(name));
	} else if (!strncmp(p, "Xfer:features:read:", 19)) {
		return cmd_xfer_features(g, p + 19);
	} else if (!strncmp(p, "Symbol:", 7)) {
		return reply_ok(g);
	}
	return A_REPLY;		/* empty: unknown */
}

static enum action cmd_v(struct gdb *g, const char *p)
{
	if (!strcmp(p, "Cont?")) {
		put(g, "vCont;c;C;s;S", 13);
		return A_REPLY;
	}
	if (!strncmp(p, "Cont;", 5))
		return cmd_vcont(g, p + 4);
	if (!strncmp(p, "Kill", 4)) {
		reply_ok(g);
		return A_KILL;
	}
	return A_REPLY;		/* vMustReplyEmpty and the unknown */
}

/* Handles the packet in g->rx; the reply goes to g->reply. */
static enum action handle_packet(struct gdb *g)
{
	const char *p = g->rx.buf + 1;

	g->reply_len = 0;
	if (!g->rx.len)
		return A_REPLY;
	/* A NUL inside a text packet: only X carries binary data. */
	if (g->rx.buf[0] != 'X' && strlen(g->rx.buf) != g->rx.len)
		return reply_error(g, EINVAL);

	switch (g->rx.buf[0]) {
	case '?':
		report_stop(g, 5);
		return A_REPLY;
	case 'g':
		return *p ? reply_error(g, EINVAL) : cmd_read_regs(g);
	case 'G':
		return cmd_write_regs(g, p);
	case 'p':
		return cmd_read_reg(g, p);
	case 'P':
		return cmd_write_reg(g, p);
	case 'm':
		return cmd_read_mem(g, p);
	case 'M':
		return cmd_write_mem(g, p, g->rx.len - 1, false);
	case 'X':
		return cmd_write_mem(g, p, g->rx.len - 1, true);
	case 'Z':
	case 'z':
		return cmd_breakpoint(g, p, g->rx.buf[0] == 'Z');
	case 'c':
	case 's':
		return cmd_resume(g, p, g->rx.buf[0] == 's', false);
	case 'C':
	case 'S':
		return cmd_resume(g, p, g->rx.buf[0] == 'S', true);
	case 'H':
		return cmd_set_thread(g, p);
	case 'T':
		return cmd_thread_alive(g, p);
	case 'q':
		return cmd_query(g, p);
	case 'Q':
		if (!strcmp(p, "StartNoAckMode")) {
			reply_ok(g);
			g->noack = true;	/* from after this reply's ack */
		}
		return A_REPLY;
	case 'v':
		return cmd_v(g, p);
	case 'D':
		reply_ok(g);
		return A_DETACH;
	case 'k':
		return A_KILL;
	default:
		return A_REPLY;
	}
}

ssize_t gdb__serve(struct kvm *kvm, const void *pkt, size_t len, char *reply)
{
	static struct gdb *g;
	enum action a;

	if (!g || g->kvm != kvm) {
		if (g)
			free(g->modes);
		free(g);
		g = xzalloc(sizeof(*g));
		g->kvm = kvm;
		g->wake_fd = -1;
		g->client_fd = -1;
		g->modes = xcalloc(kvm->nrcpus, 1);
	}
	if (len > GDB_MAX_PACKET)
		return -1;
	memcpy(g->rx.buf, pkt, len);
	g->rx.buf[len] = '\0';
	g->rx.len = len;
	a = handle_packet(g);
	if (a != A_REPLY)
		return -1;
	memcpy(reply, g->reply, g->reply_len);
	reply[g->reply_len] = '\0';
	return g->reply_len;
}

/* --- the connection ------------------------------------------------------ */

static int send_all(struct gdb *g, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(g->client_fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int send_reply(struct gdb *g)
{
	g->frame_len = gdb_frame(g->frame, sizeof(g->frame), g->reply, g->reply_len);
	if (g->frame_len < 0)
		return -1;
	return send_all(g, g->frame, g->frame_len);
}

/* The client goes: breakpoints out, debugging off, the guest runs on. */
static void detach(struct gdb *g)
{
	size_t len;
	int i;

	/*
	 * The VM ends (gdb's kill, or the guest's own end): a guest that is
	 * going away needs neither its breakpoints taken out nor a resume.
	 */
	if (kvm__exiting(g->kvm))
		goto out;
	if (!g->running || !stop_vm(g)) {
		gdb__arch_sw_bp_insn(&len);
		for (i = 0; i < g->nr_sw; i++)
			kvm_cpu__write_virt(cpu(g, g->g_cpu), g->sw[i].addr,
					    g->sw[i].saved, len);
		g->nr_sw = 0;
		memset(&g->dbg, 0, sizeof(g->dbg));
		apply_debug(g, NULL);
		kvm__resume_quiet(g->kvm);
	}
out:
	__atomic_store_n(&g->attached, false, __ATOMIC_RELEASE);
	g->running = false;
}

/* One byte event; false when the session ends. */
static bool handle_rx(struct gdb *g, enum gdb_rx_event ev)
{
	enum action a;

	switch (ev) {
	case GDB_RX_INTERRUPT:
		if (!g->running)
			return true;
		if (stop_vm(g))
			return false;
		report_stop(g, 2);
		return !send_reply(g);
	case GDB_RX_NAK:
		return g->frame_len <= 0 || !send_all(g, g->frame, g->frame_len);
	case GDB_RX_BAD_CHECKSUM:
		return g->noack || !send_all(g, "-", 1);
	case GDB_RX_TOO_LONG:
		if (!g->noack && send_all(g, "+", 1))
			return false;
		reply_error(g, EMSGSIZE);
		return !send_reply(g);
	case GDB_RX_PACKET:
		break;
	default:
		return true;
	}

	if (!g->noack && send_all(g, "+", 1))
		return false;
	if (g->running)
		return true;	/* all-stop: gdb waits for the stop first */
	a = handle_packet(g);
	if (a == A_RESUME)
		return true;
	if (a == A_REPLY || a == A_DETACH) {
		if (send_reply(g))
			return false;
		return a == A_REPLY;
	}
	/* k has no reply, vKill's OK may be lost: the VM ends anyway. */
	if (g->reply_len)
		send_reply(g);
	pr_info("gdb: the client killed the guest");
	kvm__request_exit(g->kvm, 0);
	return false;
}

static bool read_client(struct gdb *g)
{
	u8 buf[4096];
	ssize_t n, i;

	n = recv(g->client_fd, buf, sizeof(buf), 0);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	record_buf(RECORD_GDB, buf, n);
	for (i = 0; i < n; i++)
		if (!handle_rx(g, gdb_rx_feed(&g->rx, buf[i])))
			return false;
	return true;
}

static void session(struct gdb *g)
{
	struct pollfd pfd[2];
	bool go = true;

	g->noack = false;
	g->frame_len = 0;
	gdb_rx_init(&g->rx);
	g->c_cpu = g->g_cpu = g->last_cpu = 0;
	__atomic_store_n(&g->stop_vcpu, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&g->attached, true, __ATOMIC_RELEASE);
	if (stop_vm(g))
		goto out;
	pr_info("gdb: attached, the guest is stopped");

	while (go && !READ_ONCE(g->quit) && !kvm__exiting(g->kvm)) {
		pfd[0] = (struct pollfd){ .fd = g->client_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = g->wake_fd, .events = POLLIN };
		if (poll(pfd, 2, GDB_POLL_MS) < 0 && errno != EINTR)
			break;
		if (g->running && __atomic_load_n(&g->stop_vcpu, __ATOMIC_ACQUIRE)) {
			if (stop_vm(g))
				break;
			report_stop(g, 5);
			if (send_reply(g))
				break;
		}
		if (pfd[0].revents)
			go = read_client(g);
	}
	if (kvm__exiting(g->kvm) && g->running) {
		g->reply_len = 0;
		putf(g, "W%02x", g->kvm->exit_status & 0xff);
		send_reply(g);
	}
out:
	detach(g);
	pr_info("gdb: detached");
}

static void *gdb_thread(void *arg)
{
	struct gdb *g = arg;
	struct timeval send_timeout = { .tv_sec = 5 };
	struct pollfd pfd[2];
	int one = 1;

	pthread_setname_np(pthread_self(), "kvm-gdb");
	while (!READ_ONCE(g->quit) && !kvm__exiting(g->kvm)) {
		pfd[0] = (struct pollfd){ .fd = g->listen_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = g->wake_fd, .events = POLLIN };
		if (poll(pfd, 2, GDB_POLL_MS) <= 0)
			continue;
		if (pfd[1].revents)
			drain_wake(g);
		if (!pfd[0].revents)
			continue;
		g->client_fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (g->client_fd < 0)
			continue;
		setsockopt(g->client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* A client that stops reading must not hold the VM's end up. */
		setsockopt(g->client_fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout,
			   sizeof(send_timeout));
		session(g);
		close(g->client_fd);
		g->client_fd = -1;
	}
	return NULL;
}

/* --- the socket ---------------------------------------------------------- */

int gdb__check_addr(const char *addr)
{
	const char *port = strrchr(addr, ':');
	char *end;
	long n;

	if (!gdb__arch_supported())
		return error("--gdb: the gdb stub is not supported on %s yet",
			     LKVM_ARCH);
	if (!*addr)
		return error("--gdb: give a [HOST:]PORT or a socket path");
	if (strchr(addr, '/')) {
		if (strlen(addr) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return error("--gdb %s: the socket path is too long", addr);
		return 0;
	}
	port = port ? port + 1 : addr;
	n = strtol(port, &end, 10);
	if (!*port || *end || n < 0 || n > 65535)
		return error("--gdb %s: give a port (0-65535), HOST:PORT, or a socket path (with a '/')",
			     addr);
	if (port != addr && port - 1 == addr)
		return error("--gdb %s: the host is empty", addr);
	return 0;
}

static int listen_unix(struct gdb *g, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	/* A socket left by a dead lkvm is in the way; anything else is not ours. */
	if (!lstat(path, &st) && S_ISSOCK(st.st_mode))
		unlink(path);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 1) < 0) {
		error("--gdb %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	g->unix_path = xstrdup(path);
	g->where = xstrdup(path);
	return fd;
}

static int listen_tcp(struct gdb *g, const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *res = NULL, *ai;
	const char *colon = strrchr(addr, ':');
	char host[256] = "127.0.0.1", serv[64];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = -1, one = 1, ret;

	if (colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
		addr = colon + 1;
	}
	snprintf(serv, sizeof(serv), "%s", addr);
	ret = getaddrinfo(host, serv, &hints, &res);
	if (ret)
		return error("--gdb %s:%s: %s", host, serv, gai_strerror(ret));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 1))
			break;
		ret = errno;
		close(fd);
		fd = -1;
		errno = ret;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return error("--gdb %s:%s: %s", host, serv, strerror(errno));
	/* Port 0 takes a free one: say which. */
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		snprintf(serv, sizeof(serv), "%u", ntohs(ss.ss_family == AF_INET6 ?
			 ((struct sockaddr_in6 *)&ss)->sin6_port :
			 ((struct sockaddr_in *)&ss)->sin_port));
	g->where = xasprintf("%s:%s", host, serv);
	return fd;
}

int gdb__start(struct kvm *kvm, const char *addr, bool wait)
{
	struct gdb *g;
	int err;

	if (the_gdb)
		return error("gdb: a stub already listens on %s", the_gdb->where);
	if (gdb__check_addr(addr))
		return -1;
	g = xzalloc(sizeof(*g));
	g->kvm = kvm;
	g->client_fd = -1;
	g->wait = wait;
	g->stops = xcalloc(kvm->nrcpus, sizeof(*g->stops));
	g->modes = xcalloc(kvm->nrcpus, 1);
	g->listen_fd = strchr(addr, '/') ? listen_unix(g, addr) : listen_tcp(g, addr);
	if (g->listen_fd < 0)
		goto err_free;
	g->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (g->wake_fd < 0) {
		error("gdb: eventfd: %s", strerror(errno));
		goto err_close;
	}
	/* The vCPUs park before their first KVM_RUN until gdb continues. */
	if (wait)
		kvm_cpu__request_pause(kvm);
	the_gdb = g;
	err = pthread_create(&g->thread, NULL, gdb_thread, g);
	if (err) {
		the_gdb = NULL;
		error("gdb: cannot start its thread: %s", strerror(err));
		close(g->wake_fd);
		goto err_close;
	}
	pr_info("gdb: listening on %s%s (gdb: target remote %s)", g->where,
		wait ? ", the guest waits for it" : "", g->where);
	return 0;

err_close:
	close(g->listen_fd);
	if (g->unix_path)
		unlink(g->unix_path);
err_free:
	free(g->where);
	free(g->unix_path);
	free(g->stops);
	free(g->modes);
	free(g);
	return -1;
}

const char *gdb__where(void)
{
	return the_gdb ? the_gdb->where : NULL;
}

void gdb__stop(struct kvm *kvm)
{
	struct gdb *g = the_gdb;

	if (!g || READ_ONCE(g->quit))
		return;
	WRITE_ONCE(g->quit, true);
	if (write(g->wake_fd, &(u64){ 1 }, sizeof(u64)) < 0)
		error("gdb: cannot wake the stub: %s", strerror(errno));
	pthread_join(g->thread, NULL);
	close(g->listen_fd);
	if (g->unix_path)
		unlink(g->unix_path);
	/*
	 * The vCPU threads are joined after this: one may still be in
	 * gdb__debug_exit(), so the stub and its eventfd stay until exit.
	 */
}

/* --- lkvm debug NAME --gdb: the control socket's request ---------------- */

static int ctl_gdb(struct kvm *kvm, const void *req, u32 req_len, void *reply,
		   u32 *reply_len)
{
	struct lkvm_ctl_gdb r = { { 0 } };
	struct lkvm_ctl_gdb_info *info = reply;

	if (!kvm->cpus || !kvm->nrcpus)
		return -ENODEV;		/* no vCPUs to debug (the fuzzer's guest) */
	memcpy(&r, req, min_t(u32, req_len, sizeof(r)));
	if (!memchr(r.addr, '\0', sizeof(r.addr)) || !r.addr[0] ||
	    (strchr(r.addr, '/') && r.addr[0] != '/'))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	*reply_len = sizeof(*info);
	if (!the_gdb) {
		if (gdb__check_addr(r.addr))
			return -EINVAL;
		if (gdb__start(kvm, r.addr, false))
			return -EADDRNOTAVAIL;
	} else {
		info->already = 1;
	}
	snprintf(info->where, sizeof(info->where), "%s", the_gdb->where);
	return 0;
}

static struct control_handler gdb_ctl = {
	.type = LKVM_CTL_GDB,
	.handle = ctl_gdb,
};
control_handler_register(gdb_ctl);

/* --- lkvm run --gdb ------------------------------------------------------ */

static const char *gdb_addr;
static bool gdb_wait;

static int opt_gdb(const struct option *opt, const char *arg, int unset)
{
	if (unset) {
		gdb_addr = NULL;
		return 0;
	}
	if (gdb__check_addr(arg))
		return -1;
	gdb_addr = arg;
	return 0;
}

static const struct option gdb_options[] = {
	OPT_GROUP("gdb stub options:"),
	OPT_CALLBACK(0, "gdb", NULL, "[host:]port|path",
		     "serve gdb there (gdb vmlinux, then: target remote host:port)",
		     opt_gdb),
	OPT_BOOLEAN(0, "gdb-wait", &gdb_wait,
		    "with --gdb: the guest's first instruction waits for gdb"),
	OPT_END()
};
run_options_register(gdb_options);

static int gdb_init(struct kvm *kvm)
{
	if (gdb_wait && !gdb_addr)
		return error("--gdb-wait: give the stub's address with --gdb");
	if (!gdb_addr)
		return 0;
	return gdb__start(kvm, gdb_addr, gdb_wait);
}
late_init(gdb_init);

