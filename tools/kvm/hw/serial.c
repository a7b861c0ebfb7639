// SPDX-License-Identifier: GPL-2.0
/*
 * Four 16550A UARTs, where the architecture puts them (kvm-arch.h: the
 * standard PC ports on x86, MMIO on arm64).  ttyS0 is the host terminal;
 * the other three are there so the guest finds the usual ports, and
 * discard what is written to them.
 *
 * Transmission is instant: a byte written to THR is handed to the terminal
 * at once, so THR and the transmitter always read as empty.  The receive
 * FIFO is the real one's 16 bytes deep (1 with the FIFOs off); ttyS0 pulls
 * from the terminal's input whenever it has room, so input is never lost.
 * Interrupts follow IIR: the line is high while any enabled condition is
 * pending on any port that shares it (on x86 ttyS0 and ttyS2 both use
 * IRQ 4).
 *
 * serial8250__sysrq() sends a BREAK then a key on ttyS0, ahead of the
 * terminal's input: a NUL received with LSR.BI (and the line status
 * interrupt), then the key, which Linux takes as Magic SysRq.
 *
 * kvmconfig: CONFIG_SERIAL_8250=y CONFIG_SERIAL_8250_CONSOLE=y
 */
#include <errno.h>
#include <string.h>
#include <linux/serial_reg.h>

#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/serial.h"
#include "kvm/term.h"

#define SERIAL_FIFO_SIZE	16
#define SERIAL_NR_REGS		8
#define SERIAL_MAX_IRQS		16	/* the lines the ports may use */

/* What the modem lines say when not in loopback: a cable is there. */
#define SERIAL_MSR_CONNECTED	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

struct serial8250 {
	struct kvm *kvm;
	u64 iobase;
	u8 irq;
	bool console;		/* ttyS0: the host terminal */
	bool registered;

	u8 rx_fifo[SERIAL_FIFO_SIZE];
	bool rx_brk[SERIAL_FIFO_SIZE];	/* received as a BREAK */
	u8 rx_head;
	u8 rx_count;
	u8 sysrq;		/* enum serial_sysrq: what is left to send */
	u8 sysrq_key;

	u8 ier;
	u8 fcr;
	u8 lcr;
	u8 mcr;
	u8 lsr_err;		/* OE, until LSR is read */
	u8 msr;			/* modem status, bits 4-7 */
	u8 msr_delta;		/* bits 0-3, until MSR is read */
	u8 scr;
	u8 dll;
	u8 dlm;
	bool thre_pending;	/* the THR empty interrupt, until taken */
};

enum serial_sysrq { SYSRQ_NONE, SYSRQ_BREAK, SYSRQ_KEY };

static const u64 port_bases[SERIAL_NR_PORTS] = KVM_SERIAL_BASES;
static const u8 port_irqs[SERIAL_NR_PORTS] = KVM_SERIAL_IRQS;

static struct serial8250 ports[SERIAL_NR_PORTS];

/* One lock for all ports: they share interrupt lines. */
static DEFINE_MUTEX(serial_lock);
static bool line_level[SERIAL_MAX_IRQS];

static bool serial_loopback(struct serial8250 *p)
{
	return p->mcr & UART_MCR_LOOP;
}

static unsigned int serial_rx_capacity(struct serial8250 *p)
{
	return (p->fcr & UART_FCR_ENABLE_FIFO) ? SERIAL_FIFO_SIZE : 1;
}

static void serial_rx_push_brk(struct serial8250 *p, u8 c, bool brk)
{
	unsigned int slot = (p->rx_head + p->rx_count) % SERIAL_FIFO_SIZE;

	if (p->rx_count >= serial_rx_capacity(p)) {
		p->lsr_err |= UART_LSR_OE;
		return;
	}
	p->rx_fifo[slot] = c;
	p->rx_brk[slot] = brk;
	p->rx_count++;
}

static void serial_rx_push(struct serial8250 *p, u8 c)
{
	serial_rx_push_brk(p, c, false);
}

/* The character LSR describes came with a BREAK. */
static bool serial_rx_break(struct serial8250 *p)
{
	return p->rx_count && p->rx_brk[p->rx_head];
}

static u8 serial_rx_pop(struct serial8250 *p)
{
	u8 c;

	if (!p->rx_count)
		return 0;
	c = p->rx_fifo[p->rx_head];
	p->rx_brk[p->rx_head] = false;
	p->rx_head = (p->rx_head + 1) % SERIAL_FIFO_SIZE;
	p->rx_count--;
	return c;
}

static void serial_rx_clear(struct serial8250 *p)
{
	p->rx_head = 0;
	p->rx_count = 0;
}

/* The BREAK and key of serial8250__sysrq(), as room allows. */
static void serial_pull_sysrq(struct serial8250 *p)
{
	if (p->sysrq == SYSRQ_BREAK && p->rx_count < serial_rx_capacity(p)) {
		serial_rx_push_brk(p, 0, true);
		p->sysrq = SYSRQ_KEY;
	}
	if (p->sysrq == SYSRQ_KEY && p->rx_count < serial_rx_capacity(p)) {
		serial_rx_push(p, p->sysrq_key);
		p->sysrq = SYSRQ_NONE;
	}
}

/* Fills the receive FIFO from the terminal; called with serial_lock held. */
static void serial_pull_input(struct serial8250 *p)
{
	int c;

	if (serial_loopback(p))
		return;
	serial_pull_sysrq(p);
	if (!p->console)
		return;
	while (p->rx_count < serial_rx_capacity(p) && !p->sysrq) {
		c = term_getc();
		if (c < 0)
			break;
		serial_rx_push(p, c);
	}
}

/* In loopback the modem outputs come back as the modem inputs. */
static u8 serial_modem_lines(struct serial8250 *p)
{
	u8 msr = 0;

	if (!serial_loopback(p))
		return SERIAL_MSR_CONNECTED;
	if (p->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (p->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (p->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (p->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

static void serial_update_msr(struct serial8250 *p)
{
	u8 now = serial_modem_lines(p);
	u8 changed = now ^ p->msr;

	if (changed & UART_MSR_CTS)
		p->msr_delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		p->msr_delta |= UART_MSR_DDSR;
	if ((changed & UART_MSR_RI) && !(now & UART_MSR_RI))
		p->msr_delta |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		p->msr_delta |= UART_MSR_DDCD;
	p->msr = now;
}

/* The highest-priority pending interrupt, as IIR reports it. */
static u8 serial_iir(struct serial8250 *p)
{
	u8 fifo = (p->fcr & UART_FCR_ENABLE_FIFO) ? 0xc0 : 0;

	if ((p->ier & UART_IER_RLSI) && (p->lsr_err || serial_rx_break(p)))
		return fifo | UART_IIR_RLSI;
	if ((p->ier & UART_IER_RDI) && p->rx_count)
		return fifo | UART_IIR_RDI;
	if ((p->ier & UART_IER_THRI) && p->thre_pending)
		return fifo | UART_IIR_THRI;
	if ((p->ier & UART_IER_MSI) && p->msr_delta)
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NO_INT;
}

static void serial_update_irq(struct serial8250 *p)
{
	bool level = false;
	int i;

	for (i = 0; i < SERIAL_NR_PORTS; i++) {
		if (ports[i].irq == p->irq && ports[i].registered &&
		    !(serial_iir(&ports[i]) & UART_IIR_NO_INT))
			level = true;
	}
	if (level == line_level[p->irq])
		return;
	line_level[p->irq] = level;
	kvm__irq_line(p->kvm, p->irq, level);
}

static u8 serial_read(struct serial8250 *p, unsigned int reg)
{
	u8 v;

	switch (reg) {
	case UART_RX:
		if (p->lcr & UART_LCR_DLAB)
			return p->dll;
		v = serial_rx_pop(p);
		serial_pull_input(p);
		return v;
	case UART_IER:
		return (p->lcr & UART_LCR_DLAB) ? p->dlm : p->ier;
	case UART_IIR:
		v = serial_iir(p);
		/* Reading IIR is what acknowledges THRE. */
		if ((v & UART_IIR_ID) == UART_IIR_THRI)
			p->thre_pending = false;
		return v;
	case UART_LCR:
		return p->lcr;
	case UART_MCR:
		return p->mcr;
	case UART_LSR:
		v = UART_LSR_THRE | UART_LSR_TEMT | p->lsr_err;
		if (p->rx_count)
			v |= UART_LSR_DR;
		if (serial_rx_break(p))
			v |= UART_LSR_BI;
		p->lsr_err = 0;
		return v;
	case UART_MSR:
		v = p->msr | p->msr_delta;
		p->msr_delta = 0;
		return v;
	default:
		return p->scr;
	}
}

static void serial_write_thr(struct serial8250 *p, u8 v)
{
	if (serial_loopback(p))
		serial_rx_push(p, v);
	else if (p->console)
		term_putc(v);
	/* Sent at once: THR is empty again. */
	p->thre_pending = true;
}

static void serial_write_fcr(struct serial8250 *p, u8 v)
{
	/* Turning the FIFOs on or off empties them. */
	if ((v ^ p->fcr) & UART_FCR_ENABLE_FIFO)
		serial_rx_clear(p);
	if (v & UART_FCR_CLEAR_RCVR)
		serial_rx_clear(p);
	p->fcr = v & (UART_FCR_ENABLE_FIFO | UART_FCR_DMA_SELECT |
		      UART_FCR_TRIGGER_MASK);
	serial_pull_input(p);
}

static void serial_write(struct serial8250 *p, unsigned int reg, u8 v)
{
	u8 old;

	switch (reg) {
	case UART_TX:
		if (p->lcr & UART_LCR_DLAB)
			p->dll = v;
		else
			serial_write_thr(p, v);
		break;
	case UART_IER:
		if (p->lcr & UART_LCR_DLAB) {
			p->dlm = v;
			break;
		}
		old = p->ier;
		/* The upper bits do not exist on a 16550A. */
		p->ier = v & 0x0f;
		if (!(old & UART_IER_THRI) && (p->ier & UART_IER_THRI))
			p->thre_pending = true;
		break;
	case UART_FCR:
		serial_write_fcr(p, v);
		break;
	case UART_LCR:
		p->lcr = v;
		break;
	case UART_MCR:
		old = p->mcr;
		p->mcr = v & 0x1f;
		serial_update_msr(p);
		if ((old & UART_MCR_LOOP) && !serial_loopback(p))
			serial_pull_input(p);
		break;
	case UART_SCR:
		p->scr = v;
		break;
	default:
		/* LSR and MSR: read-only (factory test writes ignored). */
		break;
	}
}

static void serial_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		      bool is_write, void *priv)
{
	struct serial8250 *p = priv;
	unsigned int reg = addr - p->iobase;
	u32 i;

	mutex_lock(&serial_lock);
	/* Wider accesses are taken as consecutive byte accesses. */
	for (i = 0; i < len && reg + i < SERIAL_NR_REGS; i++) {
		if (is_write)
			serial_write(p, reg + i, data[i]);
		else
			data[i] = serial_read(p, reg + i);
	}
	for (; !is_write && i < len; i++)
		data[i] = 0xff;
	serial_update_irq(p);
	mutex_unlock(&serial_lock);
}

/* The terminal has input: called on its thread. */
static void serial_input_notify(void *priv)
{
	struct serial8250 *p = priv;

	mutex_lock(&serial_lock);
	serial_pull_input(p);
	serial_update_irq(p);
	mutex_unlock(&serial_lock);
}

static void serial_reset(struct serial8250 *p, struct kvm *kvm, int index)
{
	p->kvm = kvm;
	p->iobase = port_bases[index];
	p->irq = port_irqs[index];
	p->console = index == 0;
	serial_rx_clear(p);
	p->ier = 0;
	p->fcr = 0;
	p->lcr = 0;
	p->mcr = 0;
	p->lsr_err = 0;
	p->msr = serial_modem_lines(p);
	p->msr_delta = 0;
	p->scr = 0;
	p->dll = 12;		/* 9600 baud */
	p->dlm = 0;
	p->thre_pending = false;
	p->sysrq = SYSRQ_NONE;
	memset(p->rx_brk, 0, sizeof(p->rx_brk));
}

static bool serial_console_wanted(struct kvm *kvm)
{
	return !kvm->cfg.console || !strcmp(kvm->cfg.console, "serial");
}

int serial8250__init(struct kvm *kvm)
{
	struct serial8250 *p;
	int i, ret;

	mutex_lock(&serial_lock);
	memset(line_level, 0, sizeof(line_level));
	for (i = 0; i < SERIAL_NR_PORTS; i++) {
		p = &ports[i];
		serial_reset(p, kvm, i);
		if (p->irq >= SERIAL_MAX_IRQS) {
			mutex_unlock(&serial_lock);
			serial8250__exit(kvm);
			return error("serial: line %u out of range", p->irq);
		}
		ret = bus_register(kvm, KVM_SERIAL_BUS, p->iobase,
				   SERIAL_NR_REGS, serial_io, p);
		if (ret < 0) {
			mutex_unlock(&serial_lock);
			serial8250__exit(kvm);
			return error("serial: port 0x%llx: %s",
				     (unsigned long long)p->iobase,
				     strerror(-ret));
		}
		p->registered = true;
	}
	mutex_unlock(&serial_lock);

	if (serial_console_wanted(kvm))
		term_set_input_handler(serial_input_notify, &ports[0]);
	return 0;
}
dev_init(serial8250__init);

int serial8250__sysrq(struct kvm *kvm, u8 key)
{
	struct serial8250 *p = &ports[0];
	int ret = 0;

	mutex_lock(&serial_lock);
	if (!p->registered) {
		ret = -ENODEV;
	} else if (p->sysrq) {
		ret = -EBUSY;
	} else {
		p->sysrq_key = key;
		p->sysrq = SYSRQ_BREAK;
		serial_pull_input(p);
		serial_update_irq(p);
	}
	mutex_unlock(&serial_lock);
	return ret;
}

int serial8250__exit(struct kvm *kvm)
{
	int i;

	if (serial_console_wanted(kvm))
		term_set_input_handler(NULL, NULL);

	mutex_lock(&serial_lock);
	for (i = 0; i < SERIAL_NR_PORTS; i++) {
		if (!ports[i].registered)
			continue;
		bus_unregister(kvm, KVM_SERIAL_BUS, ports[i].iobase);
		ports[i].registered = false;
	}
	mutex_unlock(&serial_lock);
	return 0;
}
dev_exit(serial8250__exit);
