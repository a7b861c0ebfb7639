// SPDX-License-Identifier: GPL-2.0
/*
 * The CMOS RTC through ports 0x70/0x71: the host's time in UTC, in BCD or
 * binary, 24 or 12 hours as register B says; setting the clock; CMOS RAM.
 */
#include "tap.h"
#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/rtc.h"

static struct kvm fake_kvm;
static bus_access_fn *rtc_fn;
static void *rtc_priv;

int bus_register(struct kvm *kvm, enum bus_type bus, u64 addr, u64 len,
		 bus_access_fn *fn, void *priv)
{
	if (addr == 0x70 && len == 2) {
		rtc_fn = fn;
		rtc_priv = priv;
	}
	return 0;
}

int bus_unregister(struct kvm *kvm, enum bus_type bus, u64 addr)
{
	rtc_fn = NULL;
	return 0;
}

static u8 cmos_read(u8 index)
{
	u8 v = index;

	rtc_fn(NULL, 0x70, &v, 1, true, rtc_priv);
	rtc_fn(NULL, 0x71, &v, 1, false, rtc_priv);
	return v;
}

static void cmos_write(u8 index, u8 v)
{
	rtc_fn(NULL, 0x70, &index, 1, true, rtc_priv);
	rtc_fn(NULL, 0x71, &v, 1, true, rtc_priv);
}

/* What Linux's mc146818_get_time() does, in BCD/24h. */
static time_t guest_time(void)
{
	u8 img[128] = { 0 };
	int i;

	img[0x0b] = cmos_read(0x0b);
	for (i = 0; i <= 9; i++)
		img[i] = cmos_read(i);
	img[0x32] = cmos_read(0x32);
	return rtc__read_time(img);
}

int main(void)
{
	time_t now, t;
	struct tm tm;
	u8 h;

	plan(18);

	is_int(rtc__bin2bcd(59), 0x59, "bin2bcd");
	is_int(rtc__bcd2bin(0x47), 47, "bcd2bin");

	is_int(rtc__init(&fake_kvm), 0, "init");
	ok(rtc_fn != NULL, "ports 0x70-0x71");
	is_int(cmos_read(0x0b), 0x02, "register B: BCD, 24 hours");
	is_int(cmos_read(0x0a) & 0x80, 0, "register A: no update in progress");
	is_int(cmos_read(0x0d), 0x80, "register D: valid RAM and time");

	now = time(NULL);
	t = guest_time();
	ok(t >= now - 1 && t <= now + 2, "BCD time is the host's UTC time (%+ld s)",
	   (long)(t - now));
	is_int(cmos_read(0x32), 0x20, "century 20 in BCD");

	now = time(NULL);
	gmtime_r(&now, &tm);
	is_int(rtc__bcd2bin(cmos_read(0x80 | 0x08)), tm.tm_mon + 1,
	       "the NMI bit of the index is ignored");

	cmos_write(0x0b, 0x06);		/* binary, 24h */
	now = time(NULL);
	gmtime_r(&now, &tm);
	is_int(cmos_read(0x07), tm.tm_mday, "binary day of month");
	is_int(cmos_read(0x09), tm.tm_year % 100, "binary year");

	cmos_write(0x0b, 0x04);		/* binary, 12h */
	now = time(NULL);
	gmtime_r(&now, &tm);
	h = cmos_read(0x04);
	is_int((h & 0x7f) % 12 + ((h & 0x80) ? 12 : 0), tm.tm_hour,
	       "12-hour format with the PM bit");

	/* hwclock --systohc: SET, write, clear SET */
	cmos_write(0x0b, 0x82);
	cmos_write(0x09, 0x30);
	cmos_write(0x0b, 0x02);
	is_int(cmos_read(0x09), 0x30, "the guest set the year to 2030");
	t = guest_time();
	gmtime_r(&t, &tm);
	is_int(tm.tm_year + 1900, 2030, "and the clock keeps running from there");

	cmos_write(0x20, 0xab);
	is_int(cmos_read(0x20), 0xab, "CMOS RAM keeps what is written");
	cmos_write(0x0d, 0x00);
	is_int(cmos_read(0x0d), 0x80, "register D is read-only");

	is_int(rtc__exit(&fake_kvm), 0, "exit");
	return exit_status();
}
