// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub's and the debugger's arm64 hooks: not written yet.  --gdb
 * says so (gdb__arch_supported()), and every hook refuses rather than
 * pretend; the stack walker's kvm_cpu__arch_get_pc_sp() is in
 * arm/kvm-cpu.c.
 */
#include <errno.h>
#include <stddef.h>

#include "kvm/gdb.h"
#include "kvm/kvm-cpu.h"

bool gdb__arch_supported(void)
{
	return false;
}

const char *gdb__arch_target_xml(void)
{
	return NULL;
}

const u8 *gdb__arch_sw_bp_insn(size_t *len)
{
	*len = 0;
	return NULL;
}

int gdb__arch_check_hw_bp(enum gdb_bp_type type, u64 addr, u64 len)
{
	return -EOPNOTSUPP;
}

int gdb__arch_set_debug(struct kvm_cpu *vcpu, const struct gdb_debug *dbg)
{
	return -EOPNOTSUPP;
}

void gdb__arch_decode_exit(struct kvm_cpu *vcpu, struct gdb_stop *stop)
{
	stop->kind = GDB_STOP_OTHER;
	stop->slot = -1;
	stop->pc = 0;
}

int gdb__arch_reinject_sw_bp(struct kvm_cpu *vcpu)
{
	return -EOPNOTSUPP;
}

int kvm_cpu__arch_nr_regs(void)
{
	return 0;
}

const struct kvm_cpu_reg *kvm_cpu__arch_reg(int n)
{
	return NULL;
}

int kvm_cpu__arch_get_reg(struct kvm_cpu *vcpu, int n, void *buf)
{
	return -EINVAL;
}

int kvm_cpu__arch_set_reg(struct kvm_cpu *vcpu, int n, const void *buf)
{
	return -EINVAL;
}

/* No stage-1 page table walker yet: nothing translates. */
int kvm_cpu__arch_translate(struct kvm_cpu *vcpu, u64 va, u64 *pa,
			    u64 *page_size)
{
	return -EFAULT;
}
