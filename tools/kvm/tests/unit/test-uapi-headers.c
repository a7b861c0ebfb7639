// SPDX-License-Identifier: GPL-2.0
/*
 * Our tools/include/linux/types.h shadows the uapi one.  The uapi headers
 * lkvm uses must still build with it, see the same types, and lay out
 * their structures as the ABI says; and the uapi headers that glibc pulls
 * in (<sys/sysinfo.h> wants <linux/kernel.h>) must keep working too, as
 * lkvm includes them: with <linux/sysinfo.h> first.
 * Most of this test is that this file compiles without a warning.
 */
#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include "kvm/interval-tree.h"
#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/err.h>
#include <linux/sizes.h>
#include <linux/stringify.h>
#include <lockdep/mutex.h>
#include <lockdep/rwsem.h>

#include <linux/kvm.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_net.h>
#include <linux/virtio_console.h>
#include <linux/virtio_rng.h>
#include <linux/virtio_9p.h>
#include <linux/pci_regs.h>
#include <linux/const.h>
/* glibc takes struct sysinfo from <linux/kernel.h>, which tools/ shadows. */
#include <linux/sysinfo.h>
#include <sys/sysinfo.h>

#include "tap.h"

#define SAME_TYPE(a, b)	__builtin_types_compatible_p(a, b)

static void check_types(void)
{
#if !defined(_LINUX_TYPES_H)
	ok(true, "the tools' linux/types.h is the one in use");
#else
	ok(false, "the uapi linux/types.h got in as well");
#endif
	/* u64 is uint64_t as in the kernel's tools/, the same size as __u64. */
	ok(SAME_TYPE(u64, uint64_t) && SAME_TYPE(s64, int64_t) &&
	   sizeof(u64) == sizeof(__u64) && sizeof(s64) == sizeof(__s64) &&
	   SAME_TYPE(u32, __u32) && SAME_TYPE(u16, __u16) &&
	   SAME_TYPE(u8, __u8) && SAME_TYPE(s32, __s32),
	   "short names are the uapi types, u64 and s64 the <stdint.h> ones");
	ok(sizeof(__le16) == 2 && sizeof(__le32) == 4 && sizeof(__le64) == 8 &&
	   sizeof(__be16) == 2 && sizeof(__be32) == 4 && sizeof(__be64) == 8 &&
	   sizeof(__virtio16) == 2 && sizeof(__virtio32) == 4 && sizeof(__virtio64) == 8,
	   "endian and virtio types have their sizes");
	ok(sizeof(u8) == 1 && sizeof(u16) == 2 && sizeof(u32) == 4 && sizeof(u64) == 8 &&
	   (s8)-1 < 0 && (u8)-1 > 0, "fixed-width types and signedness");
	ok(__alignof__(struct { __aligned_u64 x; }) == 8, "__aligned_u64 is 8-byte aligned");
}

static void kvm_abi(void)
{
	is_int(KVM_API_VERSION, 12, "KVM_API_VERSION");
	is_int(sizeof(struct kvm_userspace_memory_region), 32, "kvm_userspace_memory_region size");
	is_int(offsetof(struct kvm_userspace_memory_region, userspace_addr), 24,
	       "kvm_userspace_memory_region.userspace_addr offset");
	is_int(sizeof(struct kvm_irq_level), 8, "kvm_irq_level size");
	is_int(sizeof(struct kvm_irqfd), 32, "kvm_irqfd size");
	is_int(sizeof(struct kvm_ioeventfd), 64, "kvm_ioeventfd size");
#ifdef __x86_64__
	is_int(sizeof(struct kvm_regs), 18 * 8, "x86 kvm_regs size");
	is_int(sizeof(struct kvm_segment), 24, "x86 kvm_segment size");
#else
	ok(true, "kvm_regs: not x86 # SKIP");
	ok(true, "kvm_segment: not x86 # SKIP");
#endif
	is_int(offsetof(struct kvm_run, exit_reason), 8, "kvm_run.exit_reason offset");
}

static void virtio_abi(void)
{
	is_int(sizeof(struct vring_desc), 16, "vring_desc size");
	is_int(offsetof(struct vring_desc, next), 14, "vring_desc.next offset");
	is_int(sizeof(struct vring_used_elem), 8, "vring_used_elem size");
	is_int(offsetof(struct vring_avail, ring), 4, "vring_avail.ring offset");
	/* 4096 + 2 * 259 rounded up to 8192, then 6 + 8 * 256. */
	is_int(vring_size(256, 4096), 10246, "vring_size(256, 4096)");
	is_int(sizeof(struct virtio_pci_cap), 16, "virtio_pci_cap size");
	is_int(sizeof(struct virtio_pci_common_cfg), 56, "virtio_pci_common_cfg size");
	is_int(VIRTIO_PCI_CAP_COMMON_CFG, 1, "VIRTIO_PCI_CAP_COMMON_CFG");
	is_int(VIRTIO_PCI_CAP_NOTIFY_CFG, 2, "VIRTIO_PCI_CAP_NOTIFY_CFG");
	is_int(VIRTIO_MMIO_QUEUE_NOTIFY, 0x50, "VIRTIO_MMIO_QUEUE_NOTIFY");
	is_int(VIRTIO_F_VERSION_1, 32, "VIRTIO_F_VERSION_1");
	is_int(VIRTIO_ID_BLOCK, 2, "VIRTIO_ID_BLOCK");
	is_int(offsetof(struct virtio_blk_config, blk_size), 20, "virtio_blk_config.blk_size offset");
	is_int(sizeof(struct virtio_net_hdr_v1), 12, "virtio_net_hdr_v1 size");
	is_int(sizeof(struct virtio_console_config), 12, "virtio_console_config size");
	is_int(VIRTIO_9P_MOUNT_TAG, 0, "VIRTIO_9P_MOUNT_TAG");
}

static void pci_abi(void)
{
	is_int(PCI_VENDOR_ID, 0, "PCI_VENDOR_ID");
	is_int(PCI_BASE_ADDRESS_0, 0x10, "PCI_BASE_ADDRESS_0");
	is_int(PCI_CAPABILITY_LIST, 0x34, "PCI_CAPABILITY_LIST");
	is_int(PCI_CAP_ID_VNDR, 9, "PCI_CAP_ID_VNDR");
	is_int(PCI_CAP_ID_MSIX, 0x11, "PCI_CAP_ID_MSIX");
	is_int(PCI_MSIX_ENTRY_SIZE, 16, "PCI_MSIX_ENTRY_SIZE");
}

static void glibc_users(void)
{
	struct sysinfo si;

	ok(sysinfo(&si) == 0 && si.totalram > 0, "<sys/sysinfo.h> works with the tools' linux/kernel.h");
	ok(get_nprocs() >= 1, "get_nprocs");
	is_int(__KERNEL_DIV_ROUND_UP(9, 4), 3, "uapi linux/const.h");
}

int main(void)
{
	plan(39);
	check_types();
	kvm_abi();
	virtio_abi();
	pci_abi();
	glibc_users();
	return exit_status();
}
