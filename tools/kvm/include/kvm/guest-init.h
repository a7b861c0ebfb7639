/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__GUEST_INIT_H
#define KVM__GUEST_INIT_H

/*
 * The guest init (guest/init.c), built static for the guest's
 * architecture and embedded in lkvm by guest/init-blob.c.
 */
extern const char lkvm_guest_init[];
extern const char lkvm_guest_init_end[];

void lkvm_guest_init_release(void);

#endif /* KVM__GUEST_INIT_H */
