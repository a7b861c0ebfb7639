/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__RTC_H
#define KVM__RTC_H

#include <time.h>
#include <linux/types.h>

struct kvm;

/* The CMOS RTC at 0x70/0x71.  Initcalls (INIT_DEV), public for tests. */
int rtc__init(struct kvm *kvm);
int rtc__exit(struct kvm *kvm);

/* The register encoding, exposed for the unit tests. */
u8 rtc__bin2bcd(u8 v);
u8 rtc__bcd2bin(u8 v);
/* Time registers (and century, 0x32) of a 128-byte CMOS image, per reg B. */
void rtc__fill_time(u8 *cmos, time_t t);
time_t rtc__read_time(const u8 *cmos);

#endif /* KVM__RTC_H */
