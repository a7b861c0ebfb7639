// SPDX-License-Identifier: GPL-2.0
/*
 * The pvpanic PCI device as Linux's pvpanic-pci driver sees it, through
 * the real PCI host bridge and buses: its IDs and BAR, the event register,
 * garbage the guest may write, and what a reported panic does to lkvm's
 * exit status (a reset after it, or the grace period running out).
 */
#include <time.h>

#include <misc/pvpanic.h>
#include "kvm/log.h"

#include "tap.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/pci.h"
#include "kvm/pvpanic.h"

static struct kvm *kvm;
static struct kvm_cpu vcpu;

static u32 io(enum bus_type bus, u64 addr, u32 len, bool is_write, u32 v)
{
	bus_dispatch(&vcpu, bus, addr, (u8 *)&v, len, is_write);
	return v;
}

static u32 cfg_read(int slot, int off)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | off);
	return io(BUS_PIO, 0xcfc, 4, false, 0);
}

static void cfg_write(int slot, int off, u32 v)
{
	io(BUS_PIO, 0xcf8, 4, true, 0x80000000 | slot << 11 | off);
	io(BUS_PIO, 0xcfc, 4, true, v);
}

/* The slot holding 1b36:0011, or -1. */
static int find_pvpanic(void)
{
	int slot;

	for (slot = 0; slot < PCI_MAX_DEVICES; slot++)
		if (cfg_read(slot, PCI_VENDOR_ID) == 0x00111b36)
			return slot;
	return -1;
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void setup(bool no_pvpanic)
{
	kvm = kvm__new();
	vcpu.kvm = kvm;
	pvpanic__set_enabled(!no_pvpanic);
	if (pci__init(kvm) || pvpanic__init(kvm))
		skip_all("cannot set up the PCI bus and pvpanic");
}

static void teardown(void)
{
	pci__exit(kvm);
	kvm__request_exit(kvm, 0);
}

static void test_device(void)
{
	int slot;
	u32 bar, v;

	setup(false);
	slot = find_pvpanic();
	if (!ok(slot > 0, "pvpanic is on the bus as 1b36:0011"))
		skip_all("no device to test");
	is_int(cfg_read(slot, PCI_CLASS_REVISION) >> 8, 0x088000,
	       "class: system peripheral, other");
	bar = cfg_read(slot, PCI_BASE_ADDRESS_0);
	ok(bar && !(bar & PCI_BASE_ADDRESS_SPACE_IO) &&
	   (cfg_read(slot, PCI_COMMAND) & PCI_COMMAND_MEMORY),
	   "BAR 0: memory, placed and decoded (0x%x)", bar);
	bar &= PCI_BASE_ADDRESS_MEM_MASK;

	is_int(io(BUS_MMIO, bar, 1, false, 0), PVPANIC_PANICKED | PVPANIC_CRASH_LOADED,
	       "the register offers PANICKED and CRASH_LOADED");
	is_int(io(BUS_MMIO, bar, 4, false, 0xdeadbeef), 3,
	       "a dword read: the register, zeroes above");
	is_int(io(BUS_MMIO, bar + 1, 1, false, 0xff), 0, "past the register: 0");

	io(BUS_MMIO, bar, 1, true, 0);
	io(BUS_MMIO, bar, 1, true, 0xfc);
	io(BUS_MMIO, bar + 1, 1, true, PVPANIC_PANICKED);
	io(BUS_MMIO, bar + 15, 1, true, 0xff);
	io(BUS_MMIO, bar, 1, true, PVPANIC_CRASH_LOADED);
	ok(!kvm->guest_panicked && !kvm__exiting(kvm),
	   "unknown events, other offsets and CRASH_LOADED end nothing");

	/* Memory decode off: the BAR is gone from the bus. */
	cfg_write(slot, PCI_COMMAND, 0);
	v = io(BUS_MMIO, bar, 1, false, 0);
	io(BUS_MMIO, bar, 1, true, PVPANIC_PANICKED);
	ok(v == 0xff && !kvm->guest_panicked,
	   "decode off: the register neither reads nor takes events");
	cfg_write(slot, PCI_COMMAND, PCI_COMMAND_MEMORY);

	/* PANICKED with other bits set still counts. */
	io(BUS_MMIO, bar, 1, true, 0xf0 | PVPANIC_PANICKED);
	ok(kvm->guest_panicked && !kvm__exiting(kvm),
	   "PANICKED: noted, the guest may still flush and reboot");
	/* panic=-1: the guest resets through the i8042, status 0. */
	kvm__request_exit(kvm, 0);
	is_int(kvm__wait_exit(kvm), LKVM_EXIT_PANIC,
	       "a reset after the panic ends lkvm with status 2");
	teardown();
}

static void test_grace(void)
{
	u64 t0, dt;
	int status;

	setup(false);
	t0 = now_ms();
	kvm__guest_panicked(kvm);
	status = kvm__wait_exit(kvm);
	dt = now_ms() - t0;
	is_int(status, LKVM_EXIT_PANIC, "a guest that stays up after its panic: status 2");
	ok(dt >= LKVM_PANIC_GRACE_MS - 10 && dt < LKVM_PANIC_GRACE_MS + 5000,
	   "... once the grace period is over (%llu ms)", (unsigned long long)dt);
	teardown();

	setup(false);
	kvm__guest_panicked(kvm);
	kvm__request_exit(kvm, 128 + 15);
	is_int(kvm__wait_exit(kvm), 128 + 15, "a fatal signal keeps its status");
	teardown();

	setup(false);
	kvm__request_exit(kvm, 0);
	kvm__guest_panicked(kvm);
	ok(!kvm->guest_panicked && kvm__wait_exit(kvm) == 0,
	   "a panic reported after the VM ended changes nothing");
	teardown();
}

static void test_off(void)
{
	setup(true);
	is_int(find_pvpanic(), -1, "--no-pvpanic: no device");
	teardown();
}

int main(void)
{
	plan(15);
	loglevel = -1;

	test_device();
	test_grace();
	test_off();
	return exit_status();
}
