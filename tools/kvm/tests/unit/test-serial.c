// SPDX-License-Identifier: GPL-2.0
/*
 * The 16550A model, driven through its port I/O handlers the way Linux's
 * 8250 driver drives it.  The bus, the interrupt line and the terminal are
 * fakes defined here (they replace the real ones at link time).
 */
#include <errno.h>
#include <linux/serial_reg.h>

#include "tap.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/serial.h"
#include "kvm/term.h"

static struct kvm fake_kvm;

/* --- fakes --------------------------------------------------------- */

struct fake_range {
	u64 addr, len;
	bus_access_fn *fn;
	void *priv;
};

static struct fake_range ranges[16];
static int nr_ranges;
static int irq_level[16];
static int irq_changes;

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv)
{
	ranges[nr_ranges++] = (struct fake_range){ addr, len, fn, priv };
	return 0;
}

int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr)
{
	int i;

	for (i = 0; i < nr_ranges; i++)
		if (ranges[i].addr == addr)
			ranges[i].len = 0;
	return 0;
}

void kvm__irq_line(struct kvm *kvm, int irq, int level)
{
	irq_level[irq] = level;
	irq_changes++;
}

static char out[4096];
static size_t out_len;
static unsigned char in[256];
static size_t in_head, in_len;
static void (*notify_fn)(void *);
static void *notify_priv;

void term_putc(char c)
{
	if (out_len < sizeof(out) - 1)
		out[out_len++] = c;
}

int term_getc(void)
{
	if (in_head == in_len)
		return -1;
	return in[in_head++];
}

void term_set_input_handler(void (*notify)(void *priv), void *priv)
{
	notify_fn = notify;
	notify_priv = priv;
}

static void type_input(const char *s)
{
	size_t len = strlen(s);

	memcpy(in + in_len, s, len);
	in_len += len;
	notify_fn(notify_priv);
}

/* --- port access ----------------------------------------------------- */

static struct fake_range *find_range(u64 port)
{
	int i;

	for (i = 0; i < nr_ranges; i++)
		if (port >= ranges[i].addr && port < ranges[i].addr + ranges[i].len)
			return &ranges[i];
	return NULL;
}

static u8 inb(u16 port)
{
	struct fake_range *r = find_range(port);
	u8 v = 0xff;

	if (r)
		r->fn(NULL, port, &v, 1, false, r->priv);
	return v;
}

static void outb(u16 port, u8 v)
{
	struct fake_range *r = find_range(port);

	if (r)
		r->fn(NULL, port, &v, 1, true, r->priv);
}

#define COM1	0x3f8
#define COM3	0x3e8

static void test_probe(void)
{
	u8 scratch2, scratch3, status;

	/* autoconfig()'s existence test through IER */
	outb(COM1 + UART_IER, 0);
	scratch2 = inb(COM1 + UART_IER) & 0x0f;
	outb(COM1 + UART_IER, 0x0f);
	scratch3 = inb(COM1 + UART_IER) & 0x0f;
	outb(COM1 + UART_IER, 0);
	ok(scratch2 == 0 && scratch3 == 0x0f, "IER scratch test");

	outb(COM1 + UART_MCR, UART_MCR_LOOP | 0x0a);
	status = inb(COM1 + UART_MSR) & 0xf0;
	outb(COM1 + UART_MCR, 0);
	is_int(status, 0x90, "loopback: MSR follows MCR");

	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	is_int(inb(COM1 + UART_IIR) >> 6, 3, "FIFOs detected (16550A)");

	/* No EFR, no 16750, no XScale UUE bit */
	outb(COM1 + UART_LCR, UART_LCR_CONF_MODE_B);
	ok(inb(COM1 + UART_IIR) != 0, "LCR=0xbf: no EFR");
	outb(COM1 + UART_LCR, 0);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR7_64BYTE);
	is_int(inb(COM1 + UART_IIR) >> 5, 6, "no 64-byte FIFO (not a 16750)");
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	outb(COM1 + UART_IER, 0x40);
	is_int(inb(COM1 + UART_IER), 0, "IER upper bits do not stick");
	ok(inb(COM1 + UART_LSR) != 0xff, "LSR is not 0xff");

	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, 1);
	outb(COM1 + UART_DLM, 2);
	outb(COM1 + UART_LCR, UART_LCR_WLEN8);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	ok(inb(COM1 + UART_DLL) == 1 && inb(COM1 + UART_DLM) == 2,
	   "divisor latch is separate from THR/IER");
	outb(COM1 + UART_LCR, UART_LCR_WLEN8);
}

static void test_output(void)
{
	const char *msg = "Linux version 6.1\r\n";
	size_t i;

	out_len = 0;
	for (i = 0; msg[i]; i++) {
		while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
			;
		outb(COM1 + UART_TX, msg[i]);
	}
	out[out_len] = 0;
	is_str(out, msg, "THR bytes reach the terminal in order");

	out_len = 0;
	outb(COM3 + UART_TX, 'x');
	is_int(out_len, 0, "ttyS2 output is discarded");
}

static void test_thre_irq(void)
{
	outb(COM1 + UART_IER, UART_IER_THRI);
	is_int(irq_level[4], 1, "enabling THRI raises IRQ 4");
	is_int(inb(COM1 + UART_IIR), 0xc2, "IIR: THRE");
	is_int(irq_level[4], 0, "reading IIR acknowledges THRE");
	is_int(inb(COM1 + UART_IIR), 0xc1, "IIR: no interrupt");
	outb(COM1 + UART_TX, 'a');
	is_int(irq_level[4], 1, "a THR write makes THRE pending again");
	outb(COM1 + UART_IER, 0);
	is_int(irq_level[4], 0, "IER=0 lowers the line");
}

static void test_input(void)
{
	char got[64];
	int n = 0;

	outb(COM1 + UART_IER, UART_IER_RDI);
	type_input("abc");
	is_int(irq_level[4], 1, "input raises IRQ 4");
	is_int(inb(COM1 + UART_IIR), 0xc4, "IIR: received data");
	ok(inb(COM1 + UART_LSR) & UART_LSR_DR, "LSR: data ready");
	while (inb(COM1 + UART_LSR) & UART_LSR_DR && n < 60)
		got[n++] = inb(COM1 + UART_RX);
	got[n] = 0;
	is_str(got, "abc", "RBR returns the typed bytes");
	is_int(irq_level[4], 0, "an empty FIFO lowers the line");

	/* More than the FIFO holds: nothing is lost or reordered. */
	type_input("0123456789abcdefghijklmnopqrstuvwxyz!");
	n = 0;
	while (inb(COM1 + UART_LSR) & UART_LSR_DR && n < 60)
		got[n++] = inb(COM1 + UART_RX);
	got[n] = 0;
	is_str(got, "0123456789abcdefghijklmnopqrstuvwxyz!",
	       "input longer than the FIFO arrives whole");
	outb(COM1 + UART_IER, 0);
}

static void test_loopback(void)
{
	int i;
	u8 lsr;

	out_len = 0;
	outb(COM1 + UART_MCR, UART_MCR_LOOP);
	outb(COM1 + UART_TX, 'L');
	is_int(out_len, 0, "loopback: nothing goes out");
	is_int(inb(COM1 + UART_RX), 'L', "loopback: THR comes back in RBR");

	for (i = 0; i < 17; i++)
		outb(COM1 + UART_TX, i);
	lsr = inb(COM1 + UART_LSR);
	ok((lsr & UART_LSR_OE) && (lsr & UART_LSR_DR), "17 bytes overrun the FIFO");
	ok(!(inb(COM1 + UART_LSR) & UART_LSR_OE), "reading LSR clears OE");

	outb(COM1 + UART_IER, UART_IER_RLSI | UART_IER_RDI);
	outb(COM1 + UART_TX, 0);	/* another overrun */
	is_int(inb(COM1 + UART_IIR), 0xc6, "IIR: line status beats data");
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	ok(!(inb(COM1 + UART_LSR) & UART_LSR_DR), "FCR clears the receive FIFO");
	outb(COM1 + UART_MCR, 0);
}

static void test_shared_irq(void)
{
	outb(COM3 + UART_FCR, UART_FCR_ENABLE_FIFO);
	outb(COM3 + UART_IER, UART_IER_THRI);
	outb(COM1 + UART_IER, UART_IER_RDI);
	type_input("z");
	is_int(irq_level[4], 1, "ttyS0 and ttyS2 both pending: IRQ 4 high");
	inb(COM3 + UART_IIR);	/* ttyS2's THRE taken */
	is_int(irq_level[4], 1, "ttyS2 done, ttyS0 still pending: stays high");
	inb(COM1 + UART_RX);
	is_int(irq_level[4], 0, "both done: IRQ 4 low");
	outb(COM1 + UART_IER, 0);
	outb(COM3 + UART_IER, 0);
	is_int(irq_level[3], 0, "IRQ 3 untouched");
}

static void test_odd_access(void)
{
	struct fake_range *r = find_range(COM1);
	u8 buf[4] = { 0 };
	size_t before;
	u8 ier, lcr;

	r->fn(NULL, COM1 + 6, buf, 4, false, r->priv);
	ok(buf[2] == 0xff && buf[3] == 0xff, "bytes past the UART read 0xff");
	ier = inb(COM1 + UART_IER);
	lcr = inb(COM1 + UART_LCR);
	before = out_len;
	memcpy(buf, "\x5a\x11\x22\x33", 4);
	r->fn(NULL, COM1 + 7, buf, 4, true, r->priv);
	is_int(inb(COM1 + UART_SCR), 0x5a, "a wide write at SCR sets SCR");
	ok(inb(COM1 + UART_IER) == ier && inb(COM1 + UART_LCR) == lcr &&
	   out_len == before,
	   "and its bytes past the UART change nothing else");
}

/* What 8250's serial8250_rx_chars() sees: LSR before each byte. */
static int read_rx(u8 *lsrs, u8 *bytes, int max)
{
	int n = 0;
	u8 lsr;

	while (n < max) {
		lsr = inb(COM1 + UART_LSR);
		if (!(lsr & (UART_LSR_DR | UART_LSR_BI)))
			break;
		lsrs[n] = lsr;
		bytes[n++] = inb(COM1 + UART_RX);
	}
	return n;
}

static void test_sysrq(void)
{
	u8 lsrs[8], bytes[8];
	int n;

	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
	outb(COM1 + UART_IER, UART_IER_RLSI | UART_IER_RDI);
	is_int(serial8250__sysrq(&fake_kvm, 't'), 0, "sysrq: queued");
	is_int(serial8250__sysrq(&fake_kvm, 't'), 0,
	       "sysrq: a second one fits once the first is in the FIFO");
	is_int(irq_level[4], 1, "sysrq: the BREAK raises IRQ 4");
	is_int(inb(COM1 + UART_IIR), 0xc6, "sysrq: IIR says line status (the BREAK)");
	n = read_rx(lsrs, bytes, 8);
	is_int(n, 4, "sysrq: BREAK, key, BREAK, key");
	ok(n == 4 && (lsrs[0] & UART_LSR_BI) && bytes[0] == 0 &&
	   !(lsrs[1] & UART_LSR_BI) && bytes[1] == 't' &&
	   (lsrs[2] & UART_LSR_BI) && bytes[3] == 't',
	   "sysrq: a NUL with LSR.BI, then the key without");
	is_int(irq_level[4], 0, "sysrq: read: the line is low");

	/* Without FIFOs the key waits for the BREAK to be read. */
	outb(COM1 + UART_FCR, 0);
	type_input("x");
	is_int(serial8250__sysrq(&fake_kvm, 'w'), 0, "sysrq: no FIFO: queued");
	is_int(serial8250__sysrq(&fake_kvm, 'w'), -EBUSY,
	       "sysrq: one at a time while it waits");
	n = read_rx(lsrs, bytes, 8);
	ok(n == 3 && bytes[0] == 'x' && bytes[1] == 0 &&
	   (lsrs[1] & UART_LSR_BI) && bytes[2] == 'w',
	   "sysrq: after the typed byte, BREAK then key, one at a time");
	type_input("y");
	n = read_rx(lsrs, bytes, 8);
	ok(n == 1 && bytes[0] == 'y' && !(lsrs[0] & UART_LSR_BI),
	   "sysrq: the terminal's input flows again");
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_FIFO);
}

int main(void)
{
	plan(52);

	is_int(serial8250__init(&fake_kvm), 0, "init");
	is_int(nr_ranges, SERIAL_NR_PORTS, "four ports registered");
	ok(find_range(0x3f8) && find_range(0x2ff) && find_range(0x3ef) &&
	   find_range(0x2e8), "at 0x3f8, 0x2f8, 0x3e8, 0x2e8");
	ok(notify_fn != NULL, "ttyS0 takes the terminal's input");

	test_probe();
	test_output();
	test_thre_irq();
	test_input();
	test_loopback();
	test_shared_irq();
	test_odd_access();
	test_sysrq();

	is_int(serial8250__exit(&fake_kvm), 0, "exit");
	ok(notify_fn == NULL, "exit gives the input back");
	return exit_status();
}
