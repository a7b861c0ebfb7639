// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub's input side: any byte stream from a client through the
 * packet layer (gdb_rx_feed()) and each packet through the handler
 * (gdb__serve()), on a guest of two vCPUs without KVM behind them; and
 * the x86 page walk over guest RAM from the input, with any CR0, CR3,
 * CR4, EFER and address.
 *
 * Oracle: every reply fits a packet and frames; a translation that
 * succeeds gives a power-of-two page size from 4K to 1G (4M in 32-bit
 * paging) and an address inside that page's frame.
 *
 * Input: op[1]: even, a client stream (the rest of the input); odd, a
 * page walk: cr0, cr3, cr4, efer, va (8 bytes each), then guest RAM.
 */
#include <errno.h>

#include "kvm/gdb.h"
#include "kvm/kvm-cpu.h"
#include "kvm/paging.h"
#include "kvm/util.h"
#include "fuzz.h"

static struct kvm *kvm;
static struct kvm_cpu *cpus[2];
static struct gdb_rx rx;
static char reply[GDB_MAX_PACKET + 1];
static char frame[2 * GDB_MAX_PACKET + 4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i;

	kvm = fuzz_kvm_new();
	kvm->nrcpus = 2;
	kvm->cpus = cpus;
	for (i = 0; i < 2; i++) {
		cpus[i] = xzalloc(sizeof(*cpus[i]));
		cpus[i]->kvm = kvm;
		cpus[i]->cpu_id = i;
		cpus[i]->vcpu_fd = -1;
	}
	return 0;
}

static void stream(struct fuzz_in *in)
{
	ssize_t n;

	gdb_rx_init(&rx);
	while (in->left) {
		if (gdb_rx_feed(&rx, fuzz_u8(in)) != GDB_RX_PACKET)
			continue;
		fuzz_assert(rx.len <= GDB_MAX_PACKET);
		n = gdb__serve(kvm, rx.buf, rx.len, reply);
		if (n < 0)
			continue;
		fuzz_assert(n <= GDB_MAX_PACKET);
		fuzz_assert(gdb_frame(frame, sizeof(frame), reply, n) > 0);
	}
}

static void walk(struct fuzz_in *in)
{
	struct x86_paging pg;
	u64 va, pa, size;

	pg.cr0 = fuzz_u64(in);
	pg.cr3 = RAM_BASE + fuzz_u64(in) % (RAM_SIZE + 0x2000);
	pg.cr4 = fuzz_u64(in);
	pg.efer = fuzz_u64(in);
	va = fuzz_u64(in);
	fuzz_fill_ram(in, in->left);
	if (x86_paging_translate(kvm, &pg, va, &pa, &size))
		return;
	fuzz_assert(size == 4096 || size == (2 << 20) || size == (4 << 20) ||
		    size == (1 << 30));
	fuzz_assert((pa & (size - 1)) == (va & (size - 1)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	if (fuzz_u8(&in) & 1)
		walk(&in);
	else
		stream(&in);
	return 0;
}
