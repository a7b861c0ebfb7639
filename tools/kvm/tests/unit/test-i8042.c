// SPDX-License-Identifier: GPL-2.0
/*
 * The i8042 as Linux's probe drives it (quickly, with no AUX port found),
 * a keyboard that answers, and the three ways a guest resets the machine.
 */
#include "tap.h"
#include "kvm/bus.h"
#include "kvm/i8042.h"
#include "kvm/kvm.h"

static struct kvm fake_kvm;
static bus_access_fn *fns[0x100];
static void *privs[0x100];
static int irq_pulses[16];
static int exit_req = -1;

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv)
{
	fns[addr] = fn;
	privs[addr] = priv;
	return 0;
}

int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr)
{
	fns[addr] = NULL;
	return 0;
}

void kvm__irq_trigger(struct kvm *kvm, int irq)
{
	irq_pulses[irq]++;
}

void kvm__request_exit(struct kvm *kvm, int status)
{
	exit_req = status;
}

static u8 inb(u16 port)
{
	u8 v = 0;

	fns[port](NULL, port, &v, 1, false, privs[port]);
	return v;
}

static void outb(u16 port, u8 v)
{
	fns[port](NULL, port, &v, 1, true, privs[port]);
}

static void flush(void)
{
	int i;

	for (i = 0; i < 32 && (inb(0x64) & 1); i++)
		inb(0x60);
}

int main(void)
{
	u8 ctr, b1, b2;

	plan(18);
	is_int(i8042__init(&fake_kvm), 0, "init");
	ok(fns[0x60] && fns[0x64] && fns[0x61] && fns[0x92], "ports 0x60 0x64 0x61 0x92");

	is_int(inb(0x64) & 1, 0, "output buffer empty at start");
	outb(0x64, 0xaa);
	ok(inb(0x64) & 1, "self test: output buffer full");
	is_int(inb(0x60), 0x55, "self test passes");

	outb(0x64, 0x20);
	ctr = inb(0x60);
	ok(ctr & 0x01, "CTR: keyboard interrupt enabled");
	outb(0x64, 0x60);
	outb(0x60, ctr | 0x02);
	outb(0x64, 0x20);
	is_int(inb(0x60), ctr | 0x02, "CTR write reads back");

	outb(0x64, 0xd3);
	outb(0x60, 0x5a);
	ok((inb(0x64) & 0x21) == 0x01, "AUX loop answers without AUXDATA");
	flush();
	outb(0x64, 0xa9);
	is_int(inb(0x60), 0x01, "AUX test: no AUX port");

	irq_pulses[1] = 0;
	outb(0x60, 0xff);
	b1 = inb(0x60);
	b2 = inb(0x60);
	ok(b1 == 0xfa && b2 == 0xaa, "keyboard reset: ACK, BAT OK");
	ok(irq_pulses[1] >= 1, "keyboard bytes raise IRQ 1");
	outb(0x60, 0xf2);
	b1 = inb(0x60);
	b2 = inb(0x60);
	ok(b1 == 0xfa && b2 == 0xab && inb(0x60) == 0x83, "get ID: AT keyboard");
	outb(0x60, 0xed);
	outb(0x60, 0x07);
	ok(inb(0x60) == 0xfa && inb(0x60) == 0xfa, "set LEDs: two ACKs");

	b1 = inb(0x61);
	b2 = inb(0x61);
	is_int((b1 ^ b2) & 0x10, 0x10, "port 0x61 refresh bit toggles");

	is_int(exit_req, -1, "no reset so far");
	outb(0x64, 0xfe);
	is_int(exit_req, 0, "command 0xfe resets (ends the VM, status 0)");
	exit_req = -1;
	outb(0x92, 0x03);
	is_int(exit_req, 0, "port 0x92 fast reset");
	exit_req = -1;
	outb(0x64, 0xd1);
	outb(0x60, 0xfe);
	is_int(exit_req, 0, "output port bit 0 cleared resets");
	i8042__exit(&fake_kvm);
	return exit_status();
}
