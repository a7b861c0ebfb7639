// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 VM: in-kernel irqchip and PIT, the RAM layout around the 32-bit
 * hole (see kvm-arch.h) and the e820 map that describes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/kernel.h>
#include "kvm/log.h"

#include "kvm/boot.h"
#include "kvm/debug-stats.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"

static int vm_ioctl(struct kvm *kvm, unsigned long req, unsigned long arg,
		    const char *name)
{
	if (ioctl(kvm->vm_fd, req, arg) < 0)
		return error("%s: %s", name, strerror(errno));
	return 0;
}

static int x86_init_irqchip(struct kvm *kvm)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (vm_ioctl(kvm, KVM_SET_IDENTITY_MAP_ADDR,
		     (unsigned long)&(u64){ KVM_IDENTITY_MAP_ADDR },
		     "KVM_SET_IDENTITY_MAP_ADDR") < 0)
		return -1;
	if (vm_ioctl(kvm, KVM_SET_TSS_ADDR, KVM_TSS_ADDR, "KVM_SET_TSS_ADDR") < 0)
		return -1;
	/* PIC, IOAPIC and LAPICs in the kernel: HLT and EOIs never exit. */
	if (vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP") < 0)
		return -1;
	startup__mark("KVM_CREATE_IRQCHIP");
	return vm_ioctl(kvm, KVM_CREATE_PIT2, (unsigned long)&pit,
			"KVM_CREATE_PIT2");
}

/*
 * RAM is one host mapping, guest physical X at ram_start + X; with more
 * than the space below the hole, the part above goes to 4 GiB and the
 * hole in the mapping stays PROT_NONE.
 */
static int x86_init_ram(struct kvm *kvm)
{
	u64 ram = kvm->cfg.ram_size, map_size;
	struct kvm_arch *arch = &kvm->arch;
	u8 *start;

	arch->lowmem_size = min_t(u64, ram, KVM_32BIT_GAP_START);
	arch->highmem_size = ram - arch->lowmem_size;
	map_size = arch->highmem_size ? SZ_4G + arch->highmem_size :
					arch->lowmem_size;
	kvm->ram_size = ram;

	startup__mark("KVM_CREATE_PIT2");
	if (kvm__alloc_ram(kvm, map_size) < 0)
		return -1;
	start = kvm->ram_start;
	startup__mark("map RAM");

	if (arch->highmem_size &&
	    mprotect(start + KVM_32BIT_GAP_START, KVM_32BIT_GAP_SIZE, PROT_NONE) < 0)
		return error("mprotect(32-bit hole): %s", strerror(errno));

	if (kvm__register_mem(kvm, 0, arch->lowmem_size, start,
			      KVM_MEM_TYPE_RAM) < 0)
		return -1;
	if (arch->highmem_size &&
	    kvm__register_mem(kvm, SZ_4G, arch->highmem_size, start + SZ_4G,
			      KVM_MEM_TYPE_RAM) < 0)
		return -1;
	return 0;
}

static const struct kvm_cap_req x86_required_caps[] = {
	KVM_CAP_REQ(HLT),
	KVM_CAP_REQ(EXT_CPUID),
	KVM_CAP_REQ(SET_TSS_ADDR),
	KVM_CAP_REQ(SET_IDENTITY_MAP_ADDR),
	KVM_CAP_REQ(PIT2),
	KVM_CAP_REQ(IRQ_INJECT_STATUS),
};

const struct kvm_cap_req *kvm__arch_required_caps(unsigned int *nr)
{
	*nr = ARRAY_SIZE(x86_required_caps);
	return x86_required_caps;
}

const char *kvm__arch_tree_kernel(void)
{
	return "arch/x86/boot/bzImage";
}

int kvm__arch_init(struct kvm *kvm)
{
	/* Said up front: a standard kernel crawls for minutes before failing. */
	if (kvm__host_is_pvm())
		warning("this host's KVM is PVM (no VT-x/AMD-V): guest kernel code runs through an instruction emulator, so a standard Linux kernel boots extremely slowly and then fails; use a host with VT-x/AMD-V or the nested lab (tools/kvm/tests/lab/)");

	if (x86_init_irqchip(kvm) < 0)
		return -1;
	return x86_init_ram(kvm);
}

void kvm__arch_exit(struct kvm *kvm)
{
}

/*
 * The e820 map: RAM below 640 KiB, RAM from 1 MiB to the hole, RAM above
 * 4 GiB; the "BIOS" area with the MP table is reserved, so the guest never
 * uses it as RAM.  Returns the number of entries.
 */
int x86_e820_map(struct kvm *kvm, struct x86_e820_entry *map, int max)
{
	struct kvm_arch *arch = &kvm->arch;
	int n = 0;

	if (max < 5)
		return 0;
	map[n++] = (struct x86_e820_entry){ 0, BOOT_LOWMEM_END, E820_RAM };
	map[n++] = (struct x86_e820_entry){ BOOT_LOWMEM_END, BOOT_EBDA_SIZE,
					    E820_RESERVED };
	map[n++] = (struct x86_e820_entry){ BOOT_MPTABLE_ADDR, BOOT_MPTABLE_SIZE,
					    E820_RESERVED };
	if (arch->lowmem_size > BOOT_KERNEL_ADDR)
		map[n++] = (struct x86_e820_entry){
			BOOT_KERNEL_ADDR, arch->lowmem_size - BOOT_KERNEL_ADDR,
			E820_RAM };
	if (arch->highmem_size)
		map[n++] = (struct x86_e820_entry){ SZ_4G, arch->highmem_size,
						    E820_RAM };
	return n;
}

const char *kvm__arch_default_cmdline(struct kvm *kvm)
{
	bool virtio_console = kvm->cfg.console &&
			      !strcmp(kvm->cfg.console, "virtio");

	/*
	 * No BIOS, so no PnP or ACPI tables for the i8042 and no way to
	 * reset but its pulse (reboot=k); panic=-1 turns a guest panic into
	 * a reboot, which ends lkvm instead of leaving it hanging (with
	 * status 2 when pvpanic reported the panic).
	 *
	 * earlyprintk=ttyS0, not =serial: after "serial" Linux's parser
	 * scans on through the rest of the command line and, meeting a
	 * later "ttyS" (say the user's console=ttyS0), registers the early
	 * console again: "ERROR: earlyprintk= earlyser already used".
	 */
	if (virtio_console)
		return "console=hvc0 earlyprintk=ttyS0 reboot=k panic=-1 pci=conf1 i8042.direct=1 i8042.dumbkbd=1 i8042.nopnp=1 i8042.noaux=1";
	return "console=ttyS0 earlyprintk=ttyS0 reboot=k panic=-1 pci=conf1 i8042.direct=1 i8042.dumbkbd=1 i8042.nopnp=1 i8042.noaux=1";
}

/*
 * kvmclock: the guest's time is KVM's VM clock, saved here at pause and
 * put back at resume, so that the paused time does not count.
 */
int kvm__arch_pause(struct kvm *kvm)
{
	struct kvm_clock_data clock = { 0 };

	if (ioctl(kvm->vm_fd, KVM_GET_CLOCK, &clock) < 0)
		return -errno;
	kvm->paused_clock = clock.clock;
	return 0;
}

int kvm__arch_resume(struct kvm *kvm)
{
	struct kvm_clock_data clock = { .clock = kvm->paused_clock };
	int i;

	if (ioctl(kvm->vm_fd, KVM_SET_CLOCK, &clock) < 0)
		return -errno;
	/*
	 * Flag the stop in each vCPU's pvclock page, so that the guest's
	 * soft-lockup watchdog does not take it for a hang.  EINVAL: this
	 * vCPU's guest does not use kvmclock.
	 */
	for (i = 0; i < kvm->nrcpus; i++) {
		if (ioctl(kvm->cpus[i]->vcpu_fd, KVM_KVMCLOCK_CTRL, 0) < 0 &&
		    errno != EINVAL)
			warning("vCPU %d: KVM_KVMCLOCK_CTRL: %m", i);
	}
	return 0;
}

void kvm__arch_explain_failure(struct kvm *kvm, u32 exit_reason, u32 suberror)
{
	if (!kvm__host_is_pvm())
		return;
	if (exit_reason != KVM_EXIT_INTERNAL_ERROR ||
	    suberror != KVM_INTERNAL_ERROR_EMULATION)
		return;
	error("this host's KVM is PVM (/sys/module/kvm_pvm): KVM without VT-x/AMD-V, which runs guest kernel code through an instruction emulator.");
	error("That emulator cannot run a standard Linux kernel (only one built with CONFIG_PVM_GUEST), so the guest stopped at its first unsupported instruction.");
	error("Boot standard kernels on a host with VT-x/AMD-V, or in the nested lab (tools/kvm/tests/lab/).");
}
