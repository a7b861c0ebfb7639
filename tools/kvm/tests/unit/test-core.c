// SPDX-License-Identifier: GPL-2.0
/*
 * The VM core without a VM: the I/O buses (registration rules, dispatch,
 * handlers that (un)register from inside a dispatch, concurrent use),
 * guest physical address translation at the edges, and the x86 e820 map.
 */
#include <errno.h>
#include <pthread.h>

#include <linux/sizes.h>

#include "kvm/boot.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

#include "tap.h"

struct dev {
	int calls;
	u64 last_addr;
	u32 last_len;
	u8 last_byte;
	bool unregister_self;
	bool register_other;
	int nested_ret;
};

static void dev_access(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		       bool is_write, void *priv)
{
	struct dev *d = priv;

	__atomic_add_fetch(&d->calls, 1, __ATOMIC_RELAXED);
	d->last_addr = addr;
	d->last_len = len;
	if (is_write)
		d->last_byte = data[0];
	else
		memset(data, 0x5a, len);
	if (d->unregister_self)
		d->nested_ret = bus_unregister(vcpu->kvm, BUS_PIO, 0x100);
	if (d->register_other)
		d->nested_ret = bus_register(vcpu->kvm, BUS_PIO, 0x200, 4,
					     dev_access, d);
}

static void test_bus(struct kvm *kvm, struct kvm_cpu *vcpu)
{
	struct dev a = { 0 }, b = { 0 };
	u8 buf[4] = { 0x11, 0x22, 0x33, 0x44 };

	is_int(bus_register(kvm, BUS_PIO, 0x3f8, 8, dev_access, &a), 0,
	       "register PIO 0x3f8-0x3ff");
	is_int(bus_register(kvm, BUS_PIO, 0x3fc, 2, dev_access, &b), -EBUSY,
	       "an overlapping range is refused");
	is_int(bus_register(kvm, BUS_PIO, 0x3f0, 9, dev_access, &b), -EBUSY,
	       "a range overlapping the start is refused");
	is_int(bus_register(kvm, BUS_PIO, 0x500, 0, dev_access, &b), -EINVAL,
	       "an empty range is refused");
	is_int(bus_register(kvm, BUS_MMIO, ~0ULL - 1, 4, dev_access, &b), -EINVAL,
	       "a range wrapping around is refused");
	is_int(bus_register(kvm, BUS_MMIO, 0x3f8, 8, dev_access, &b), 0,
	       "the MMIO bus is separate from the PIO bus");

	ok(bus_dispatch(vcpu, BUS_PIO, 0x3f9, buf, 1, true), "a write is decoded");
	ok(a.calls == 1 && a.last_addr == 0x3f9 && a.last_byte == 0x11 &&
	   a.last_len == 1, "the handler gets address, length and data");
	ok(bus_dispatch(vcpu, BUS_PIO, 0x3fc, buf, 4, false) && buf[3] == 0x5a,
	   "a read ending on the last byte is decoded");
	memset(buf, 0, sizeof(buf));
	ok(!bus_dispatch(vcpu, BUS_PIO, 0x3fe, buf, 4, false),
	   "an access running past the range is not decoded");
	ok(buf[0] == 0xff && buf[3] == 0xff, "... and reads as all ones");
	ok(!bus_dispatch(vcpu, BUS_PIO, 0x400, buf, 1, false) && buf[0] == 0xff,
	   "nothing at 0x400: all ones");
	ok(!bus_dispatch(vcpu, BUS_MMIO, ~0ULL, buf, 2, false),
	   "an access wrapping around is not decoded");
	ok(bus_dispatch(vcpu, BUS_MMIO, 0x3f8, buf, 1, false) && b.calls == 1,
	   "MMIO dispatch reaches the MMIO device");

	is_int(bus_unregister(kvm, BUS_PIO, 0x3f9), -ENOENT,
	       "unregister needs the range's start");
	is_int(bus_unregister(kvm, BUS_PIO, 0x3f8), 0, "unregister");
	ok(!bus_dispatch(vcpu, BUS_PIO, 0x3f8, buf, 1, true),
	   "an unregistered range is no longer decoded");

	/* A handler that unregisters itself and registers another range. */
	memset(&a, 0, sizeof(a));
	a.unregister_self = true;
	bus_register(kvm, BUS_PIO, 0x100, 1, dev_access, &a);
	ok(bus_dispatch(vcpu, BUS_PIO, 0x100, buf, 1, true) && a.nested_ret == 0,
	   "a handler unregisters its own range during dispatch");
	ok(!bus_dispatch(vcpu, BUS_PIO, 0x100, buf, 1, true),
	   "... which is then gone");
	a.unregister_self = false;
	a.register_other = true;
	bus_register(kvm, BUS_PIO, 0x100, 1, dev_access, &a);
	ok(bus_dispatch(vcpu, BUS_PIO, 0x100, buf, 1, true) && a.nested_ret == 0,
	   "a handler registers a range during dispatch");
	a.register_other = false;
	ok(bus_dispatch(vcpu, BUS_PIO, 0x203, buf, 1, true),
	   "... which is then decoded");
	bus_unregister(kvm, BUS_PIO, 0x100);
	bus_unregister(kvm, BUS_PIO, 0x200);
	bus_unregister(kvm, BUS_MMIO, 0x3f8);
}

static struct kvm_cpu *race_vcpu;
static bool race_stop;
static struct dev race_dev;

static void *race_dispatch(void *arg)
{
	u8 buf[4];
	long n = 0;

	while (!__atomic_load_n(&race_stop, __ATOMIC_RELAXED)) {
		bus_dispatch(race_vcpu, BUS_MMIO, 0x1000 + (n & 0xff), buf, 4, n & 1);
		n++;
	}
	return NULL;
}

static void test_bus_race(struct kvm *kvm)
{
	pthread_t t[2];
	int i, bad = 0;

	pthread_create(&t[0], NULL, race_dispatch, NULL);
	pthread_create(&t[1], NULL, race_dispatch, NULL);
	for (i = 0; i < 20000; i++) {
		if (bus_register(kvm, BUS_MMIO, 0x1000, 0x100, dev_access, &race_dev))
			bad++;
		if (bus_unregister(kvm, BUS_MMIO, 0x1000))
			bad++;
	}
	__atomic_store_n(&race_stop, true, __ATOMIC_RELAXED);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	is_int(bad, 0, "20000 register/unregister cycles against two dispatching threads");
	diag("the device was reached %d times", race_dev.calls);
}

static void test_guest_mem(struct kvm *kvm)
{
	static u8 ram[SZ_1M], reserved[SZ_4K];
	u64 base = 0x10000;

	is_int(kvm__register_mem(kvm, base, sizeof(ram), ram, KVM_MEM_TYPE_RAM), 0,
	       "register a RAM bank (no VM: no slot)");
	kvm__register_mem(kvm, 0x200000, sizeof(reserved), reserved,
			  KVM_MEM_TYPE_RESERVED);
	ok(guest_flat_to_host(kvm, base) == ram, "the bank's first byte");
	ok(guest_range_to_host(kvm, base, sizeof(ram)) == ram, "the whole bank");
	ok(guest_range_to_host(kvm, base + sizeof(ram) - 1, 1) == ram + sizeof(ram) - 1,
	   "the bank's last byte");
	ok(!guest_range_to_host(kvm, base + sizeof(ram) - 1, 2),
	   "a range running past the bank is refused");
	ok(!guest_range_to_host(kvm, base - 1, 1), "the byte before the bank is not RAM");
	ok(!guest_range_to_host(kvm, base + 16, ~0ULL), "a huge length is refused");
	ok(!guest_range_to_host(kvm, ~0ULL, 2), "an address at the top is refused");
	ok(!guest_flat_to_host(kvm, 0x200000), "a reserved bank is not RAM");
	is_u64(host_to_guest_flat(kvm, ram + 5), base + 5, "host to guest");
}

static void test_e820(struct kvm *kvm)
{
	struct x86_e820_entry map[X86_E820_MAX];
	u64 ram = 0;
	int i, n;

	kvm->arch.lowmem_size = SZ_256M;
	kvm->arch.highmem_size = 0;
	n = x86_e820_map(kvm, map, X86_E820_MAX);
	for (i = 0; i < n; i++)
		if (map[i].type == E820_RAM)
			ram += map[i].size;
	is_u64(ram, SZ_256M - (SZ_1M - BOOT_LOWMEM_END), "256 MiB: RAM but the legacy hole");
	ok(n > 0 && map[0].addr == 0 && map[0].type == E820_RAM, "RAM from 0");

	kvm->arch.lowmem_size = KVM_32BIT_GAP_START;
	kvm->arch.highmem_size = SZ_1G;
	n = x86_e820_map(kvm, map, X86_E820_MAX);
	ok(n > 0 && map[n - 1].addr == SZ_4G && map[n - 1].size == SZ_1G &&
	   map[n - 1].type == E820_RAM, "4 GiB: the last GiB is above 4 GiB");
	for (i = 0, ram = 0; i < n; i++)
		if (map[i].type == E820_RAM && map[i].addr < SZ_4G &&
		    map[i].addr + map[i].size > KVM_32BIT_GAP_START)
			ram++;
	is_int(ram, 0, "no RAM in the 32-bit hole");
}

int main(void)
{
	struct kvm *kvm = kvm__new();
	struct kvm_cpu vcpu = { .kvm = kvm };

	plan(36);
	race_vcpu = &vcpu;
	test_bus(kvm, &vcpu);
	test_bus_race(kvm);
	test_guest_mem(kvm);
	test_e820(kvm);
	return exit_status();
}
