// SPDX-License-Identifier: GPL-2.0
/*
 * The MC146818 CMOS real-time clock at 0x70 (index; bit 7 is the NMI
 * mask, which has no meaning here) and 0x71 (data).
 *
 * The clock is the host's, in UTC (what Linux expects of a PC RTC), read
 * at each access of a time register: there is no update cycle to race, so
 * UIP always reads 0.  Register B chooses BCD or binary and 12 or 24
 * hours, as on the chip.  A guest that sets the clock (SET bit, write
 * the time, clear SET) moves it by an offset from the host's time.  The
 * rest of the 128 bytes are plain CMOS RAM.  No interrupts: Linux reads
 * the time without them.
 */
#include <string.h>
#include <time.h>

#include <linux/kernel.h>
#include <lockdep/mutex.h>
#include "kvm/log.h"

#include "kvm/bus.h"
#include "kvm/init.h"
#include "kvm/kvm.h"
#include "kvm/rtc.h"

#define RTC_INDEX_PORT		0x70
#define RTC_DATA_PORT		0x71

#define RTC_SECONDS		0x00
#define RTC_MINUTES		0x02
#define RTC_HOURS		0x04
#define RTC_DAY_OF_WEEK		0x06
#define RTC_DAY_OF_MONTH	0x07
#define RTC_MONTH		0x08
#define RTC_YEAR		0x09
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_REG_D		0x0d
#define RTC_CENTURY		0x32

#define RTC_A_UIP		0x80
#define RTC_B_SET		0x80
#define RTC_B_DM_BINARY		0x04
#define RTC_B_24H		0x02
#define RTC_D_VRT		0x80
#define RTC_HOURS_PM		0x80

#define RTC_NVRAM_SIZE		128

struct rtc {
	struct mutex lock;
	u8 index;
	u8 cmos[RTC_NVRAM_SIZE];
	time_t offset;		/* guest time - host time, in seconds */
	bool registered;
};

static struct rtc rtc = {
	.lock = MUTEX_INITIALIZER,
};

u8 rtc__bin2bcd(u8 v)
{
	return ((v / 10) << 4) | (v % 10);
}

u8 rtc__bcd2bin(u8 v)
{
	return (v >> 4) * 10 + (v & 0x0f);
}

/* A value in the format register B asks for. */
static u8 rtc_encode(u8 reg_b, u8 v)
{
	return (reg_b & RTC_B_DM_BINARY) ? v : rtc__bin2bcd(v);
}

static u8 rtc_decode(u8 reg_b, u8 v)
{
	return (reg_b & RTC_B_DM_BINARY) ? v : rtc__bcd2bin(v);
}

static u8 rtc_encode_hours(u8 reg_b, int hour)
{
	u8 pm = 0;

	if (reg_b & RTC_B_24H)
		return rtc_encode(reg_b, hour);
	if (hour >= 12) {
		pm = RTC_HOURS_PM;
		hour -= 12;
	}
	return rtc_encode(reg_b, hour ? hour : 12) | pm;
}

static int rtc_decode_hours(u8 reg_b, u8 v)
{
	int hour;

	if (reg_b & RTC_B_24H)
		return rtc_decode(reg_b, v);
	hour = rtc_decode(reg_b, v & ~RTC_HOURS_PM) % 12;
	return (v & RTC_HOURS_PM) ? hour + 12 : hour;
}

/* Fills the time registers from @t (seconds since the epoch, UTC). */
void rtc__fill_time(u8 *cmos, time_t t)
{
	u8 b = cmos[RTC_REG_B];
	struct tm tm;

	gmtime_r(&t, &tm);
	cmos[RTC_SECONDS] = rtc_encode(b, tm.tm_sec);
	cmos[RTC_MINUTES] = rtc_encode(b, tm.tm_min);
	cmos[RTC_HOURS] = rtc_encode_hours(b, tm.tm_hour);
	cmos[RTC_DAY_OF_WEEK] = rtc_encode(b, tm.tm_wday + 1);
	cmos[RTC_DAY_OF_MONTH] = rtc_encode(b, tm.tm_mday);
	cmos[RTC_MONTH] = rtc_encode(b, tm.tm_mon + 1);
	cmos[RTC_YEAR] = rtc_encode(b, tm.tm_year % 100);
	cmos[RTC_CENTURY] = rtc_encode(b, (tm.tm_year + 1900) / 100);
}

/* The time the registers hold; -1 if they make no sense. */
time_t rtc__read_time(const u8 *cmos)
{
	u8 b = cmos[RTC_REG_B];
	struct tm tm = { 0 };
	int century = rtc_decode(b, cmos[RTC_CENTURY]);

	if (century < 19 || century > 99)
		century = 20;
	tm.tm_sec = rtc_decode(b, cmos[RTC_SECONDS]);
	tm.tm_min = rtc_decode(b, cmos[RTC_MINUTES]);
	tm.tm_hour = rtc_decode_hours(b, cmos[RTC_HOURS]);
	tm.tm_mday = rtc_decode(b, cmos[RTC_DAY_OF_MONTH]);
	tm.tm_mon = rtc_decode(b, cmos[RTC_MONTH]) - 1;
	tm.tm_year = century * 100 + rtc_decode(b, cmos[RTC_YEAR]) % 100 - 1900;
	if (tm.tm_sec > 59 || tm.tm_min > 59 || tm.tm_hour > 23 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_mon < 0 || tm.tm_mon > 11)
		return -1;
	return timegm(&tm);
}

static bool rtc_is_time_reg(u8 index)
{
	return index <= RTC_YEAR || index == RTC_CENTURY;
}

static u8 rtc_read(struct rtc *s, u8 index)
{
	u8 v;

	switch (index) {
	case RTC_REG_A:
		return s->cmos[RTC_REG_A] & ~RTC_A_UIP;
	case RTC_REG_C:
		/* Interrupt flags, cleared by reading; none are ever set. */
		v = s->cmos[RTC_REG_C];
		s->cmos[RTC_REG_C] = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	}
	/* While SET is on, the guest sees what it is writing. */
	if (rtc_is_time_reg(index) && !(s->cmos[RTC_REG_B] & RTC_B_SET))
		rtc__fill_time(s->cmos, time(NULL) + s->offset);
	return s->cmos[index];
}

static void rtc_write(struct rtc *s, u8 index, u8 v)
{
	time_t t;

	switch (index) {
	case RTC_REG_B:
		if (v & RTC_B_SET && !(s->cmos[RTC_REG_B] & RTC_B_SET)) {
			/* Freeze the current time for the guest to change. */
			rtc__fill_time(s->cmos, time(NULL) + s->offset);
		} else if (!(v & RTC_B_SET) && s->cmos[RTC_REG_B] & RTC_B_SET) {
			t = rtc__read_time(s->cmos);
			if (t != (time_t)-1)
				s->offset = t - time(NULL);
		}
		/* Changing the format re-encodes the time registers. */
		t = rtc__read_time(s->cmos);
		s->cmos[RTC_REG_B] = v;
		if (t != (time_t)-1)
			rtc__fill_time(s->cmos, t);
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;		/* read-only */
	default:
		s->cmos[index] = v;
		break;
	}
}

static void rtc_io(struct kvm_cpu *vcpu, u64 addr, u8 *data, u32 len,
		   bool is_write, void *priv)
{
	struct rtc *s = priv;

	mutex_lock(&s->lock);
	if (addr == RTC_INDEX_PORT) {
		/* Bit 7 masks NMIs on a PC; only the index matters here. */
		if (is_write)
			s->index = data[0] & (RTC_NVRAM_SIZE - 1);
		else
			data[0] = 0xff;
	} else if (is_write) {
		rtc_write(s, s->index, data[0]);
	} else {
		data[0] = rtc_read(s, s->index);
	}
	if (!is_write && len > 1)
		memset(data + 1, 0xff, len - 1);
	mutex_unlock(&s->lock);
}

int rtc__init(struct kvm *kvm)
{
	struct rtc *s = &rtc;
	int ret;

	mutex_lock(&s->lock);
	memset(s->cmos, 0, sizeof(s->cmos));
	s->index = 0;
	s->offset = 0;
	s->cmos[RTC_REG_A] = 0x26;	/* 32.768 kHz time base, 1024 Hz */
	s->cmos[RTC_REG_B] = RTC_B_24H;	/* BCD, 24 hours */
	s->cmos[RTC_REG_D] = RTC_D_VRT;
	mutex_unlock(&s->lock);

	ret = bus_register(kvm, BUS_PIO, RTC_INDEX_PORT, 2, rtc_io, s);
	if (ret < 0)
		return error("rtc: ports 0x70-0x71: %s", strerror(-ret));
	s->registered = true;
	/* The index write only chooses what 0x71 reads: one exit, not two. */
	if (kvm__coalesce_pio(kvm, RTC_INDEX_PORT, 1) < 0)
		pr_debug("rtc: no coalesced writes to 0x70");
	return 0;
}
dev_init(rtc__init);

int rtc__exit(struct kvm *kvm)
{
	if (rtc.registered)
		bus_unregister(kvm, BUS_PIO, RTC_INDEX_PORT);
	rtc.registered = false;
	return 0;
}
dev_exit(rtc__exit);
