/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__ARM_H
#define KVM__ARM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct kvm;

/* The in-kernel GIC (arm/gic.c). */
int arm_gic__create(struct kvm *kvm);
void arm_gic__destroy(struct kvm *kvm);
bool arm_gic__has_its(struct kvm *kvm);

/* The Image loader (arm/image.c). */
int arm_image__probe(struct kvm *kvm);
int arm_image__load(struct kvm *kvm);
void arm_image__free(struct kvm *kvm);

/* Builds the device tree into @buf (arm/fdt.c): its size, or -1. */
int arm_fdt__build(struct kvm *kvm, void *buf, size_t size);
/* --dump-dtb FILE: write it there and end (true when asked). */
int arm_fdt__dump(struct kvm *kvm, const void *fdt, bool *dumped);

#endif /* KVM__ARM_H */
