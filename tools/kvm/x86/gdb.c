// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 side of the gdb stub: the target description of the
 * registers (x86/regs.c has their values), int3 breakpoints, and the
 * debug registers behind hardware breakpoints and watchpoints.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/gdb.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

#define DR6_BS			(1ULL << 14)
#define DR7_GE			(1ULL << 9)
#define DR7_FIXED		(1ULL << 10)
#define DB_VECTOR		1
#define BP_VECTOR		3

/*
 * gdb's amd64 code looks for the core and sse features and their
 * register names; the order here is the numbering of x86/regs.c.
 */
static const char target_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>i386:x86-64</architecture>\n"
	"<feature name=\"org.gnu.gdb.i386.core\">\n"
	"<flags id=\"i386_eflags\" size=\"4\">\n"
	"<field name=\"CF\" start=\"0\" end=\"0\"/>\n"
	"<field name=\"PF\" start=\"2\" end=\"2\"/>\n"
	"<field name=\"AF\" start=\"4\" end=\"4\"/>\n"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
	"<field name=\"SF\" start=\"7\" end=\"7\"/>\n"
	"<field name=\"TF\" start=\"8\" end=\"8\"/>\n"
	"<field name=\"IF\" start=\"9\" end=\"9\"/>\n"
	"<field name=\"DF\" start=\"10\" end=\"10\"/>\n"
	"<field name=\"OF\" start=\"11\" end=\"11\"/>\n"
	"<field name=\"NT\" start=\"14\" end=\"14\"/>\n"
	"<field name=\"RF\" start=\"16\" end=\"16\"/>\n"
	"<field name=\"VM\" start=\"17\" end=\"17\"/>\n"
	"<field name=\"AC\" start=\"18\" end=\"18\"/>\n"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
	"<field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
	"<field name=\"ID\" start=\"21\" end=\"21\"/>\n"
	"</flags>\n"
	"<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rbx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdx\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rdi\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rbp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r9\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r10\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r11\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r12\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r13\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r14\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
	"<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.sse\">\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
	"<union id=\"vec128\">\n"
	"<field name=\"v4_float\" type=\"v4f\"/>\n"
	"<field name=\"v2_double\" type=\"v2d\"/>\n"
	"<field name=\"v16_int8\" type=\"v16i8\"/>\n"
	"<field name=\"v8_int16\" type=\"v8i16\"/>\n"
	"<field name=\"v4_int32\" type=\"v4i32\"/>\n"
	"<field name=\"v2_int64\" type=\"v2i64\"/>\n"
	"<field name=\"uint128\" type=\"uint128\"/>\n"
	"</union>\n"
	"<reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm8\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm9\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm10\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm11\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm12\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm13\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm14\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"xmm15\" bitsize=\"128\" type=\"vec128\"/>\n"
	"<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.i386.segments\">\n"
	"<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/>\n"
	"<reg name=\"gs_base\" bitsize=\"64\" type=\"int\"/>\n"
	"</feature>\n"
	"<feature name=\"org.lkvm.gdb.x86.sys\">\n"
	"<reg name=\"cr0\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"<reg name=\"cr2\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"<reg name=\"cr3\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"<reg name=\"cr4\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"<reg name=\"cr8\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"<reg name=\"efer\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n"
	"</feature>\n"
	"</target>\n";

bool gdb__arch_supported(void)
{
	return true;
}

const char *gdb__arch_target_xml(void)
{
	return target_xml;
}

const u8 *gdb__arch_sw_bp_insn(size_t *len)
{
	static const u8 int3 = 0xcc;

	*len = 1;
	return &int3;
}

int gdb__arch_check_hw_bp(enum gdb_bp_type type, u64 addr, u64 len)
{
	switch (type) {
	case GDB_BP_HW:
		return 0;
	case GDB_WATCH_WRITE:
	case GDB_WATCH_ACCESS:
		/* DR7 lengths: 1, 2, 4 or 8 bytes, naturally aligned. */
		if ((len != 1 && len != 2 && len != 4 && len != 8) ||
		    (addr & (len - 1)))
			return -EINVAL;
		return 0;
	default:
		return -EOPNOTSUPP;	/* x86 cannot trap reads alone */
	}
}

/* DR7's R/W and LEN fields of one slot. */
static u64 dr7_slot(const struct gdb_hw_bp *bp, int slot)
{
	static const u8 len_bits[9] = { [1] = 0, [2] = 1, [4] = 3, [8] = 2 };
	u64 rw, len;

	if (bp->type == GDB_BP_HW) {
		rw = 0;
		len = 0;
	} else {
		rw = bp->type == GDB_WATCH_WRITE ? 1 : 3;
		len = len_bits[bp->len];
	}
	return (2ULL << (slot * 2)) | (rw << (16 + slot * 4)) |
	       (len << (18 + slot * 4));
}

/* The KVM_GUESTDBG_* flags KVM takes (0 if it does not say). */
static int debug_flags(struct kvm *kvm)
{
	int flags = ioctl(kvm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG2);

	return flags > 0 ? flags : 0;
}

int gdb__arch_set_debug(struct kvm_cpu *vcpu, const struct gdb_debug *dbg)
{
	struct kvm_guest_debug gd;
	bool hw = false;
	int i;

	memset(&gd, 0, sizeof(gd));
	if (dbg->enable) {
		gd.control = KVM_GUESTDBG_ENABLE;
		if (dbg->step)
			gd.control |= KVM_GUESTDBG_SINGLESTEP;
		/* A step must not detour into the handler of a timer tick. */
		if (dbg->step && (debug_flags(vcpu->kvm) & KVM_GUESTDBG_BLOCKIRQ))
			gd.control |= KVM_GUESTDBG_BLOCKIRQ;
		if (dbg->sw_bp)
			gd.control |= KVM_GUESTDBG_USE_SW_BP;
		gd.arch.debugreg[7] = DR7_GE | DR7_FIXED;
		for (i = 0; i < GDB_MAX_HW_BP; i++) {
			if (!dbg->hw[i].used)
				continue;
			hw = true;
			gd.arch.debugreg[i] = dbg->hw[i].addr;
			gd.arch.debugreg[7] |= dr7_slot(&dbg->hw[i], i);
		}
		if (hw)
			gd.control |= KVM_GUESTDBG_USE_HW_BP;
	}
	if (ioctl(vcpu->vcpu_fd, KVM_SET_GUEST_DEBUG, &gd) < 0)
		return -errno;
	return 0;
}

void gdb__arch_decode_exit(struct kvm_cpu *vcpu, struct gdb_stop *stop)
{
	struct kvm_debug_exit_arch *d = &vcpu->kvm_run->debug.arch;
	int i;

	stop->pc = d->pc;
	stop->slot = -1;
	if (d->exception == BP_VECTOR) {
		stop->kind = GDB_STOP_SW_BP;
		return;
	}
	stop->kind = GDB_STOP_OTHER;
	if (d->exception != DB_VECTOR)
		return;
	for (i = 0; i < GDB_MAX_HW_BP; i++) {
		if (d->dr6 & (1ULL << i)) {
			stop->kind = GDB_STOP_HW;
			stop->slot = i;
			return;
		}
	}
	if (d->dr6 & DR6_BS)
		stop->kind = GDB_STOP_STEP;
}

/*
 * KVM leaves RIP on the int3 and queues nothing: injecting #BP as a
 * software exception makes KVM step over the int3 (its length is known
 * from the intercept), as the guest's own trap would.
 */
int gdb__arch_reinject_sw_bp(struct kvm_cpu *vcpu)
{
	struct kvm_vcpu_events ev;

	if (ioctl(vcpu->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	ev.exception.injected = 1;
	ev.exception.nr = BP_VECTOR;
	ev.exception.has_error_code = 0;
	ev.exception.pending = 0;
	ev.flags = 0;
	if (ioctl(vcpu->vcpu_fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return -errno;
	return 0;
}
