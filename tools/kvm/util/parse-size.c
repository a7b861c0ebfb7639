// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes on the command line: "512", "512M", "1.5G".
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "kvm/util.h"

static int size_multiplier(const char *suffix, u64 unit, u64 *mult)
{
	static const char units[] = "KMGT";
	const char *p;

	if (!*suffix) {
		*mult = unit;
		return 0;
	}
	if (!strcasecmp(suffix, "b")) {
		*mult = 1;
		return 0;
	}

	p = strchr(units, toupper((unsigned char)*suffix));
	if (!p)
		return -1;
	suffix++;
	if (*suffix && strcasecmp(suffix, "b") && strcasecmp(suffix, "ib"))
		return -1;
	*mult = 1ULL << (10 * (p - units + 1));
	return 0;
}

int parse_size(const char *str, u64 unit, u64 *bytes)
{
	unsigned __int128 whole = 0, frac = 0, scale = 1, total;
	const char *p = str;
	u64 mult;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > UINT64_MAX)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		/* More digits than this cannot matter for a byte count. */
		for (; isdigit((unsigned char)*p); p++) {
			if (scale >= 1000000000000000000ULL)
				return -1;
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	}

	if (size_multiplier(p, unit, &mult))
		return -1;

	/* A fraction must come out as a whole number of bytes. */
	if ((frac * mult) % scale)
		return -1;
	total = whole * mult + frac * mult / scale;
	if (total > UINT64_MAX)
		return -1;
	*bytes = total;
	return 0;
}
