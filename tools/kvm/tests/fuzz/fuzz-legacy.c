// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy devices as a vCPU sees them: the four 8250 UARTs, the i8042
 * (with ports 0x61 and 0x92), the RTC, PCI configuration mechanism #1
 * (0xcf8-0xcff: address, reset control, data) with the host bridge and
 * pvpanic behind it, and pvpanic's memory BAR, all through bus_dispatch()
 * with accesses of any width at any port or address, in any order.  One
 * harness for all of them: a guest reaches them interleaved on the same
 * buses, they share interrupt lines (COM1 and COM3 are both on IRQ 4) and
 * the exit path, and the oracles below are about which device may touch
 * which line and who may end the VM.
 *
 * The interrupt controller and the terminal are fakes linked over the
 * real ones (-Wl,--wrap, see the Makefile): the terminal's input comes
 * from the fuzzer, and a reset or poweroff the guest asks for only sets
 * kvm->exiting, which the harness checks and clears.
 *
 * Oracles, besides ASan and UBSan:
 * - an access raises only its device's own line: IRQ 4 for COM1/COM3, 3
 *   for COM2/COM4, 1 for the i8042 (it has no AUX port), none else;
 * - the 8250s against a model of the chip written from its rules: every
 *   byte the guest reads is the model's (receive FIFO and overrun,
 *   loopback, IIR priorities and THRE acknowledgement, MSR deltas), a
 *   line is high exactly while a port on it has an interrupt pending and
 *   only changes of level reach KVM, and ttyS0 takes the terminal's input
 *   whenever it has room, losing none;
 * - only the i8042 (0x60, 0x64, 0x92) and reset control (0xcf9) end the
 *   VM, with status 0, and 0x64, 0x92 and 0xcf9 exactly when their
 *   documented reset commands say; only a write of PANICKED to pvpanic's
 *   event byte reports a panic;
 * - register read-back: ports 0x61 and 0x92; the RTC's CMOS RAM,
 *   registers A-D and, with SET on, the time the guest is writing, and
 *   valid times with SET off; 0xcf8 and 0xcf9; the PCI IDs; pvpanic's BAR
 *   (sizing included) and that it is decoded exactly where the BAR and
 *   command register say;
 * - unclaimed ports, addresses, slots, functions and buses read all ones,
 *   and the i8042 queue drains.
 *
 * Input: steps, each op[1] w[1] and the arguments of step().
 */
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/serial_reg.h>
#include <misc/pvpanic.h>

#include <linux/kernel.h>

#include "kvm/bus.h"
#include "kvm/i8042.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/pci.h"
#include "kvm/pvpanic.h"
#include "kvm/rtc.h"
#include "kvm/serial.h"
#include "kvm/term.h"
#include "fuzz.h"

#define MAX_STEPS	512
#define NR_LINES	16
#define TERM_BUF	64

#define PV_VENDOR	0x1b36
#define PV_DEVICE	0x0011
#define PV_BAR_SIZE	16

void __wrap_kvm__irq_line(struct kvm *vm, int irq, int level);
void __wrap_kvm__irq_trigger(struct kvm *vm, int irq);
void __wrap_term_putc(char c);
int __wrap_term_getc(void);
void __wrap_term_set_input_handler(void (*notify)(void *priv), void *priv);

static struct kvm *kvm;
static struct kvm_cpu vcpu;

/* --- the fakes ------------------------------------------------------ */

static u32 lines_touched;	/* during the current access */
static bool line_level[NR_LINES];

void __wrap_kvm__irq_line(struct kvm *vm, int irq, int level)
{
	fuzz_assert(irq >= 0 && irq < NR_LINES);
	/* Level lines (the 8250s'): only a change is worth an ioctl. */
	fuzz_assert(line_level[irq] != !!level);
	line_level[irq] = level;
	lines_touched |= 1U << irq;
}

void __wrap_kvm__irq_trigger(struct kvm *vm, int irq)
{
	fuzz_assert(irq >= 0 && irq < NR_LINES);
	fuzz_assert(!line_level[irq]);
	lines_touched |= 1U << irq;
}

static u8 term_buf[TERM_BUF];
static unsigned int term_head, term_len;
static unsigned int model_term_head;	/* what the model says was taken */
static void (*term_notify)(void *priv);
static void *term_notify_priv;

void __wrap_term_putc(char c)
{
}

int __wrap_term_getc(void)
{
	if (term_head == term_len)
		return -1;
	return term_buf[term_head++];
}

void __wrap_term_set_input_handler(void (*notify)(void *priv), void *priv)
{
	term_notify = notify;
	term_notify_priv = priv;
}

/* --- what the guest has written, to check what it reads ------------- */

struct uart {
	u16 base;
	u8 irq;
	u8 lcr, mcr, ier, scr, dll, dlm;
	bool fifo;
	u8 rx[16];
	unsigned int rx_count;
	bool overrun;
	bool thre;		/* the THR empty interrupt, until IIR shows it */
	u8 msr, msr_delta;
};

static struct uart uarts[] = {
	{ .base = 0x3f8, .irq = 4 },
	{ .base = 0x2f8, .irq = 3 },
	{ .base = 0x3e8, .irq = 4 },
	{ .base = 0x2e8, .irq = 3 },
};

static u8 port_a, port_b_low, port_b_last;
static bool port_b_read;

#define RTC_B_SET	0x80
#define RTC_B_BINARY	0x04
#define RTC_B_24H	0x02
static u8 rtc_index;
static u8 cmos[128];
static bool cmos_frozen[128];	/* a time register written with SET on */

static u32 cf8;
static u8 cf9;
static int pv_slot;
static u32 pv_bar_orig;
static u16 pv_cmd_orig, host_cmd_orig;

/* --- the bus --------------------------------------------------------- */

static u64 dispatch(enum bus_type bus, u64 addr, u32 len, bool wr, u64 v)
{
	bus_dispatch(&vcpu, bus, addr, (u8 *)&v, len, wr);
	return len >= 8 ? v : v & ((1ULL << (len * 8)) - 1);
}

static u32 cfg_rd(int slot, int off)
{
	dispatch(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | off);
	return dispatch(BUS_PIO, 0xcfc, 4, false, 0);
}

static void cfg_wr(int slot, int off, u32 v)
{
	dispatch(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | off);
	dispatch(BUS_PIO, 0xcfc, 4, true, v);
}

/* Where pvpanic's BAR is decoded now, or 0. */
static u64 pv_bar_address(bool *mem_on)
{
	u32 bar = cfg_rd(pv_slot, PCI_BASE_ADDRESS_0);
	u16 cmd = cfg_rd(pv_slot, PCI_COMMAND);

	dispatch(BUS_PIO, 0xcf8, 4, true, cf8);
	*mem_on = cmd & PCI_COMMAND_MEMORY;
	return bar & PCI_BASE_ADDRESS_MEM_MASK;
}

/* Where pvpanic's BAR is decoded now; 0 (unassigned) for nowhere. */
static u64 pv_decoded(void)
{
	bool on;
	u64 bar = pv_bar_address(&on);

	return on ? bar : 0;
}

static bool all_ones(u64 v, u32 len)
{
	return v == (len >= 8 ? ~0ULL : (1ULL << (len * 8)) - 1);
}

static u8 byte_of(u64 v, u32 i)
{
	return v >> (8 * i);
}

/* --- the 8250s: a model of each, from the datasheet's rules ----------- */

static unsigned int uart_rx_capacity(struct uart *u)
{
	return u->fifo ? 16 : 1;
}

static void uart_rx_push(struct uart *u, u8 c)
{
	if (u->rx_count >= uart_rx_capacity(u)) {
		u->overrun = true;
		return;
	}
	u->rx[u->rx_count++] = c;
}

/* ttyS0 takes the terminal's input whenever it has room for it. */
static void uart_pull(struct uart *u)
{
	if (u != &uarts[0] || (u->mcr & UART_MCR_LOOP))
		return;
	while (u->rx_count < uart_rx_capacity(u) && model_term_head < term_len)
		uart_rx_push(u, term_buf[model_term_head++]);
}

static u8 uart_msr_lines(struct uart *u)
{
	u8 msr = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	if (u->mcr & UART_MCR_RTS)
		msr |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		msr |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		msr |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		msr |= UART_MSR_DCD;
	return msr;
}

static u8 uart_iir(struct uart *u)
{
	u8 fifo = u->fifo ? 0xc0 : 0;

	if ((u->ier & UART_IER_RLSI) && u->overrun)
		return fifo | UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return fifo | UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thre)
		return fifo | UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && u->msr_delta)
		return fifo | UART_IIR_MSI;
	return fifo | UART_IIR_NO_INT;
}

static u8 uart_read_model(struct uart *u, unsigned int reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 v;

	switch (reg) {
	case UART_RX:
		if (dlab)
			return u->dll;
		v = 0;
		if (u->rx_count) {
			v = u->rx[0];
			memmove(u->rx, u->rx + 1, --u->rx_count);
		}
		uart_pull(u);
		return v;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		v = uart_iir(u);
		if ((v & UART_IIR_ID) == UART_IIR_THRI)
			u->thre = false;
		return v;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		/* Transmission is instant; overrun is the only error. */
		v = UART_LSR_THRE | UART_LSR_TEMT;
		if (u->overrun)
			v |= UART_LSR_OE;
		if (u->rx_count)
			v |= UART_LSR_DR;
		u->overrun = false;
		return v;
	case UART_MSR:
		v = u->msr | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default:
		return u->scr;
	}
}

static void uart_write_mcr(struct uart *u, u8 v)
{
	bool was_loop = u->mcr & UART_MCR_LOOP;
	u8 now, changed;

	u->mcr = v & 0x1f;
	now = uart_msr_lines(u);
	changed = now ^ u->msr;
	if (changed & UART_MSR_CTS)
		u->msr_delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		u->msr_delta |= UART_MSR_DDSR;
	if ((changed & UART_MSR_RI) && !(now & UART_MSR_RI))
		u->msr_delta |= UART_MSR_TERI;
	if (changed & UART_MSR_DCD)
		u->msr_delta |= UART_MSR_DDCD;
	u->msr = now;
	if (was_loop && !(u->mcr & UART_MCR_LOOP))
		uart_pull(u);
}

static void uart_write_model(struct uart *u, unsigned int reg, u8 v)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab) {
			u->dll = v;
			break;
		}
		if (u->mcr & UART_MCR_LOOP)
			uart_rx_push(u, v);
		u->thre = true;
		break;
	case UART_IER:
		if (dlab) {
			u->dlm = v;
			break;
		}
		if (!(u->ier & UART_IER_THRI) && (v & UART_IER_THRI))
			u->thre = true;
		u->ier = v & 0x0f;
		break;
	case UART_FCR:
		/* Switching the FIFOs, or asking, empties the receiver. */
		if (u->fifo != (v & UART_FCR_ENABLE_FIFO) ||
		    (v & UART_FCR_CLEAR_RCVR))
			u->rx_count = 0;
		u->fifo = v & UART_FCR_ENABLE_FIFO;
		uart_pull(u);
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		uart_write_mcr(u, v);
		break;
	case UART_SCR:
		u->scr = v;
		break;
	}
}

/* A line is high while any port on it has an interrupt pending. */
static void uart_check_lines(void)
{
	bool level[2] = { false, false };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uarts); i++)
		if (!(uart_iir(&uarts[i]) & UART_IIR_NO_INT))
			level[uarts[i].irq - 3] = true;
	fuzz_assert(line_level[3] == level[0] && line_level[4] == level[1]);
	/* The terminal's bytes went where the model put them, none lost. */
	fuzz_assert(term_head == model_term_head);
}

static struct uart *uart_at(u64 port, u32 len)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uarts); i++)
		if (port >= uarts[i].base && port + len <= uarts[i].base + 8U)
			return &uarts[i];
	return NULL;
}

/* Wider accesses are consecutive byte accesses, in order. */
static void uart_access(struct uart *u, u64 port, u32 len, bool wr, u64 v)
{
	unsigned int reg = port - u->base;
	u32 i;

	for (i = 0; i < len; i++) {
		if (wr)
			uart_write_model(u, reg + i, byte_of(v, i));
		else
			fuzz_assert(byte_of(v, i) == uart_read_model(u, reg + i));
	}
	fuzz_assert(!(lines_touched & ~(1U << u->irq)));
	uart_check_lines();
}

/* --- the i8042 and ports 0x61, 0x92 ----------------------------------- */

static bool i8042_access(u64 port, u32 len, bool wr, u64 v, bool *may_exit)
{
	u8 b = v;

	if (len != 1 || (port != 0x60 && port != 0x61 && port != 0x64 &&
			 port != 0x92))
		return false;
	fuzz_assert(!(lines_touched & ~(1U << 1)));
	switch (port) {
	case 0x60:
		*may_exit = wr;
		break;
	case 0x64:
		if (wr) {
			fuzz_assert(kvm->exiting == (b >= 0xf0 && !(b & 1)));
			*may_exit = true;
		} else {
			/* No AUX port: never mouse data. */
			fuzz_assert((b & 0x30) == 0x10);
		}
		break;
	case 0x61:
		if (wr) {
			port_b_low = b & 0x0f;
			break;
		}
		fuzz_assert((b & 0x0f) == port_b_low && !(b & 0xe0));
		/* The refresh bit toggles on each read. */
		if (port_b_read)
			fuzz_assert((b ^ port_b_last) & 0x10);
		port_b_read = true;
		port_b_last = b;
		break;
	case 0x92:
		if (!wr) {
			fuzz_assert(b == port_a);
			break;
		}
		fuzz_assert(kvm->exiting == (!(port_a & 1) && (b & 1)));
		*may_exit = true;
		port_a = b;
		break;
	}
	return true;
}

/* The output queue holds at most 16 bytes: it drains. */
static void i8042_drain(void)
{
	int i;

	for (i = 0; i < 17; i++) {
		if (!(dispatch(BUS_PIO, 0x64, 1, false, 0) & 1))
			return;
		dispatch(BUS_PIO, 0x60, 1, false, 0);
	}
	fuzz_assert(!"i8042: the output queue does not drain");
}

/* --- the RTC ---------------------------------------------------------- */

static bool rtc_time_reg(u8 index)
{
	return index == 0 || index == 2 || index == 4 || index == 6 ||
	       index == 7 || index == 8 || index == 9 || index == 0x32;
}

/* @v is a valid encoding of a value in [lo, hi] in the format of B. */
static void rtc_check_field(u8 v, int lo, int hi)
{
	int n = v;

	if (!(cmos[0x0b] & RTC_B_BINARY)) {
		fuzz_assert((v & 0x0f) <= 9 && (v >> 4) <= 9);
		n = (v >> 4) * 10 + (v & 0x0f);
	}
	fuzz_assert(n >= lo && n <= hi);
}

static void rtc_check_time(u8 index, u8 v)
{
	switch (index) {
	case 0:
	case 2:
		rtc_check_field(v, 0, 59);
		break;
	case 4:
		if (cmos[0x0b] & RTC_B_24H)
			rtc_check_field(v, 0, 23);
		else
			rtc_check_field(v & 0x7f, 1, 12);
		break;
	case 6:
		rtc_check_field(v, 1, 7);
		break;
	case 7:
		rtc_check_field(v, 1, 31);
		break;
	case 8:
		rtc_check_field(v, 1, 12);
		break;
	case 9:
		rtc_check_field(v, 0, 99);
		break;
	default:
		rtc_check_field(v, 19, 99);
	}
}

static void rtc_read_data(u8 v)
{
	u8 i = rtc_index;

	switch (i) {
	case 0x0a:
		fuzz_assert(v == (cmos[i] & 0x7f));	/* UIP never on */
		return;
	case 0x0b:
		fuzz_assert(v == cmos[i]);
		return;
	case 0x0c:
		fuzz_assert(v == 0);			/* no interrupts */
		return;
	case 0x0d:
		fuzz_assert(v == 0x80);			/* VRT */
		return;
	}
	if (!rtc_time_reg(i)) {
		fuzz_assert(v == cmos[i]);
		return;
	}
	if (!(cmos[0x0b] & RTC_B_SET))
		rtc_check_time(i, v);
	else if (cmos_frozen[i])
		fuzz_assert(v == cmos[i]);
}

static void rtc_write_data(u8 v)
{
	u8 i = rtc_index;

	if (i == 0x0c || i == 0x0d)
		return;
	/* A write to B may freeze, thaw or re-encode the time. */
	if (i == 0x0b)
		memset(cmos_frozen, 0, sizeof(cmos_frozen));
	else if (rtc_time_reg(i))
		cmos_frozen[i] = true;
	cmos[i] = v;
}

static bool rtc_access(u64 port, u32 len, bool wr, u64 v)
{
	if (port < 0x70 || port + len > 0x72)
		return false;
	fuzz_assert(!lines_touched);
	if (!wr && len > 1)
		fuzz_assert((v >> 8) == (len >= 8 ? ~0ULL >> 8 :
					 (1ULL << (len * 8 - 8)) - 1));
	if (port == 0x70 && wr)
		rtc_index = v & 0x7f;
	else if (port == 0x70)
		fuzz_assert((u8)v == 0xff);
	else if (wr)
		rtc_write_data(v);
	else
		rtc_read_data(v);
	return true;
}

/* --- PCI: 0xcf8-0xcff, the host bridge, pvpanic ----------------------- */

static bool cfg_target_exists(u32 address)
{
	u32 slot = (address >> 11) & 0x1f;

	return (address & 0x80000000) && !(address & 0x00ff0700) &&
	       (slot == 0 || slot == (u32)pv_slot);
}

/* What the guest's dword writes to pvpanic's BAR 0 must read back as. */
static u32 pv_bar;

/* Bytes of BAR 0 written at any width: the dword as the device merges it. */
static void pv_bar_write(u32 off, u32 len, u64 v)
{
	u32 i, shift;

	for (i = 0; i < len; i++) {
		if (off + i < PCI_BASE_ADDRESS_0 || off + i >= PCI_BASE_ADDRESS_1)
			continue;
		shift = 8 * (off + i - PCI_BASE_ADDRESS_0);
		pv_bar = (pv_bar & ~(0xffU << shift)) |
			 (u32)byte_of(v, i) << shift;
	}
	pv_bar &= ~(PV_BAR_SIZE - 1U);
}

static void cfg_data_access(u64 port, u32 len, bool wr, u64 v)
{
	u32 off = (cf8 & 0xfc) + (port - 0xcfc);
	u32 slot = (cf8 >> 11) & 0x1f;

	if (!cfg_target_exists(cf8)) {
		if (!wr)
			fuzz_assert(all_ones(v, len));
		return;
	}
	if (wr && slot == (u32)pv_slot)
		pv_bar_write(off, len, v);
	/* The IDs are read-only, the BARs of the host bridge unimplemented. */
	if (!wr && off == 0 && len == 4)
		fuzz_assert(v == (slot ? PV_DEVICE << 16 | PV_VENDOR :
				  0x0008U << 16 | PV_VENDOR));
	if (!wr && slot == (u32)pv_slot && off == PCI_BASE_ADDRESS_0 && len == 4)
		fuzz_assert(v == pv_bar);
	if (!wr && off >= (slot ? PCI_BASE_ADDRESS_1 : PCI_BASE_ADDRESS_0) &&
	    off + len <= PCI_CARDBUS_CIS)
		fuzz_assert(v == 0);
}

static bool pci_access(u64 port, u32 len, bool wr, u64 v, bool *may_exit)
{
	if (port < 0xcf8 || port + len > 0xd00)
		return false;
	fuzz_assert(!lines_touched);
	if (port >= 0xcfc) {
		cfg_data_access(port, len, wr, v);
		return true;
	}
	if (port == 0xcf8 && len == 4) {
		if (wr)
			cf8 = v;
		else
			fuzz_assert(v == cf8);
	} else if (port == 0xcf9 && len == 1) {
		if (wr) {
			fuzz_assert(kvm->exiting == !!(v & 4));
			*may_exit = true;
			cf9 = v & 0x0e;
		} else {
			fuzz_assert(v == cf9);
		}
	} else if (!wr) {
		fuzz_assert(all_ones(v, len));
	}
	return true;
}

/* pvpanic answers exactly where its BAR and command register say. */
static void pv_check_decode(u64 was)
{
	bool on;
	u64 bar = pv_bar_address(&on), now = on ? bar : 0;

	if (now)
		fuzz_assert(dispatch(BUS_MMIO, now, 1, false, 0) ==
			    (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED));
	else
		fuzz_assert(dispatch(BUS_MMIO, bar, 1, false, 0) == 0xff);
	if (was && was != now)
		fuzz_assert(dispatch(BUS_MMIO, was, 1, false, 0) == 0xff);
}

static void pv_access(u64 addr, u32 len, bool wr, u64 v, bool panicked)
{
	u64 bar = pv_decoded();
	bool inside = bar && addr >= bar && addr - bar <= PV_BAR_SIZE - len;

	fuzz_assert(!lines_touched);
	if (wr) {
		fuzz_assert(kvm->guest_panicked ==
			    (panicked || (inside && addr == bar &&
					  (v & PVPANIC_PANICKED))));
		return;
	}
	if (!inside)
		fuzz_assert(all_ones(v, len));
	else if (addr == bar)
		fuzz_assert(v == (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED));
	else
		fuzz_assert(v == 0);
}

/* --- one access, checked ---------------------------------------------- */

static void settle_exit(bool may_exit)
{
	u64 n;

	if (!kvm->exiting)
		return;
	fuzz_assert(may_exit);
	fuzz_assert(kvm->exit_status ==
		    (kvm->guest_panicked ? LKVM_EXIT_PANIC : 0));
	/* The guest rebooted; the next access is the next boot's. */
	kvm->exiting = false;
	kvm->exit_status = 0;
	if (read(kvm->exit_fd, &n, sizeof(n)) < 0)
		n = 0;
}

static void pio(u16 port, u32 len, bool wr, u64 v)
{
	struct uart *u = uart_at(port, len);
	bool may_exit = false;

	lines_touched = 0;
	v = dispatch(BUS_PIO, port, len, wr, v);
	if (u)
		uart_access(u, port, len, wr, v);
	else if (!i8042_access(port, len, wr, v, &may_exit) &&
		 !rtc_access(port, len, wr, v) &&
		 !pci_access(port, len, wr, v, &may_exit)) {
		fuzz_assert(!lines_touched);
		if (!wr)
			fuzz_assert(all_ones(v, len));
	}
	settle_exit(may_exit);
}

static void mmio(u64 addr, u32 len, bool wr, u64 v)
{
	bool panicked = kvm->guest_panicked;

	lines_touched = 0;
	v = dispatch(BUS_MMIO, addr, len, wr, v);
	pv_access(addr, len, wr, v, panicked);
	fuzz_assert(!kvm->exiting);
}

static void type_input(struct fuzz_in *in, u8 n)
{
	if (term_head == term_len) {
		fuzz_assert(model_term_head == term_head);
		term_head = term_len = model_term_head = 0;
	}
	n = min_t(unsigned int, n, TERM_BUF - term_len);
	fuzz_bytes(in, term_buf + term_len, n);
	term_len += n;
	lines_touched = 0;
	fuzz_assert(term_notify);
	term_notify(term_notify_priv);
	uart_pull(&uarts[0]);
	fuzz_assert(!(lines_touched & ~(1U << 4)));
	uart_check_lines();
}

/* --- the machine, as after boot --------------------------------------- */

static void reset_uarts(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uarts); i++) {
		struct uart *u = &uarts[i];

		u->lcr = u->mcr = u->ier = u->scr = u->dlm = 0;
		u->dll = 12;
		u->fifo = false;
		u->rx_count = 0;
		u->overrun = false;
		u->thre = false;
		u->msr = uart_msr_lines(u);
		u->msr_delta = 0;
	}
}

static void restore(void)
{
	memset(line_level, 0, sizeof(line_level));
	if (serial8250__exit(kvm) || serial8250__init(kvm) ||
	    i8042__exit(kvm) || i8042__init(kvm) ||
	    rtc__exit(kvm) || rtc__init(kvm))
		abort();
	reset_uarts();
	term_head = term_len = model_term_head = 0;
	port_a = 0x02;
	port_b_low = 0;
	port_b_read = false;
	rtc_index = 0;
	memset(cmos, 0, sizeof(cmos));
	memset(cmos_frozen, 0, sizeof(cmos_frozen));
	cmos[0x0a] = 0x26;
	cmos[0x0b] = RTC_B_24H;

	/* Firmware's PCI setup, whatever the last input left. */
	cfg_wr(pv_slot, PCI_COMMAND, 0);
	cfg_wr(pv_slot, PCI_BASE_ADDRESS_0, pv_bar_orig);
	cfg_wr(pv_slot, PCI_COMMAND, pv_cmd_orig);
	cfg_wr(0, PCI_COMMAND, host_cmd_orig);
	pv_bar = pv_bar_orig;
	dispatch(BUS_PIO, 0xcf9, 1, true, 0);
	cf9 = 0;
	dispatch(BUS_PIO, 0xcf8, 4, true, 0);
	cf8 = 0;
	kvm->exiting = false;
	kvm->guest_panicked = false;
	kvm->exit_status = 0;
}

/* With every IER cleared no 8250 may hold its line up. */
static void check_quiet(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(uarts); i++) {
		pio(uarts[i].base + UART_LCR, 1, true, 0);
		pio(uarts[i].base + UART_IER, 1, true, 0);
	}
	fuzz_assert(!line_level[3] && !line_level[4]);
	i8042_drain();
	pv_check_decode(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int slot;

	loglevel = -1;
	kvm = kvm__new();
	vcpu.kvm = kvm;
	pvpanic__set_enabled(true);
	if (pci__init(kvm) || pvpanic__init(kvm))
		abort();
	pv_slot = -1;
	for (slot = 1; slot < PCI_MAX_DEVICES; slot++)
		if (cfg_rd(slot, PCI_VENDOR_ID) == (PV_DEVICE << 16 | PV_VENDOR))
			pv_slot = slot;
	if (pv_slot < 0)
		abort();
	pv_bar_orig = cfg_rd(pv_slot, PCI_BASE_ADDRESS_0);
	pv_cmd_orig = cfg_rd(pv_slot, PCI_COMMAND);
	host_cmd_orig = cfg_rd(0, PCI_COMMAND);
	return 0;
}

/* The ports a guest means, and a few around them. */
static const u16 ports[] = {
	0x3f8, 0x2f8, 0x3e8, 0x2e8, 0x60, 0x64, 0x61, 0x92,
	0x70, 0x71, 0xcf8, 0xcfc, 0x3f0, 0x5f, 0x90, 0xd00,
};

static const u8 widths[] = { 1, 2, 4, 8, 1, 2, 4, 3 };

static void step(struct fuzz_in *in)
{
	u8 op = fuzz_u8(in), w = fuzz_u8(in);
	bool wr = w & 0x80;
	u32 len = widths[w & 7];
	u8 off = fuzz_u8(in);
	u64 v = wr ? fuzz_u64(in) : 0, was;
	u32 address;

	switch (op % 8) {
	case 0:
	case 1:
		/* A device's ports, a little past them too. */
		pio(ports[off & 15] + ((off >> 4) & 7), len, wr, v);
		break;
	case 2:
		/* A config cycle: the address, then the data. */
		address = 0x80000000 | (off & 0xfc);
		if (w & 0x08)
			address |= pv_slot << 11;
		else if (w & 0x10)
			address |= (w & 0x60) << 6;	/* slots 0-3 */
		if (w & 0x40 && !(w & 0x08))
			address = fuzz_u32(in);
		was = pv_decoded();
		pio(0xcf8, 4, true, address);
		pio(0xcfc + (off & 3), len > 4 ? 4 : len, wr, v);
		if (wr)
			pv_check_decode(was);
		break;
	case 3:
		/* pvpanic's BAR, or near it. */
		was = pv_decoded() ? pv_decoded() : pv_bar_orig;
		mmio(was + (s8)off, len, wr, v);
		break;
	case 4:
		/* Anywhere in port space, any MMIO address. */
		if (w & 0x08)
			pio(fuzz_u16(in), len, wr, v);
		else
			mmio(fuzz_u64(in), len, wr, v);
		break;
	case 5:
		type_input(in, off & 31);
		break;
	default:
		/* Back-to-back accesses to one port (a string I/O). */
		address = ports[off & 15] + ((off >> 4) & 7);
		for (off = fuzz_u8(in) & 15; off; off--)
			pio(address, len, wr, v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	int i;

	restore();
	for (i = 0; i < MAX_STEPS && in.left; i++)
		step(&in);
	check_quiet();
	return 0;
}
