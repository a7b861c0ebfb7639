// SPDX-License-Identifier: GPL-2.0
/*
 * parse_size(): what -m and other size options accept, and what they
 * refuse (fractions of a byte, overflow, stray characters).
 */
#include <stdint.h>

#include <linux/kernel.h>
#include <linux/sizes.h>
#include "kvm/util.h"

#include "tap.h"

int main(void)
{
	static const struct {
		const char *str;
		u64 unit;
		int ret;
		u64 bytes;
	} cases[] = {
		{ "512", SZ_1M, 0, 512ULL << 20 },
		{ "512", 1, 0, 512 },
		{ "2G", SZ_1M, 0, 2ULL << 30 },
		{ "2g", 1, 0, 2ULL << 30 },
		{ "4096kib", SZ_1M, 0, 4096ULL << 10 },
		{ "3MB", 1, 0, 3ULL << 20 },
		{ "3MiB", 1, 0, 3ULL << 20 },
		{ "1T", 1, 0, 1ULL << 40 },
		{ "100B", SZ_1M, 0, 100 },
		{ "0", SZ_1M, 0, 0 },
		{ "1.5G", 1, 0, 3ULL << 29 },
		{ "0.5", SZ_1M, 0, 512ULL << 10 },
		{ "18446744073709551615", 1, 0, UINT64_MAX },
		{ "0.5", 1, -1, 0 },		/* half a byte */
		{ "1.1K", 1, -1, 0 },
		{ "18446744073709551616", 1, -1, 0 },
		{ "17179869184G", 1, -1, 0 },	/* 2^64 */
		{ "17592186044416", SZ_1M, -1, 0 },	/* 2^44 MiB */
		{ "", 1, -1, 0 },
		{ "-1", 1, -1, 0 },
		{ "+1", 1, -1, 0 },
		{ "12X", 1, -1, 0 },
		{ "12KX", 1, -1, 0 },
		{ "12KiBB", 1, -1, 0 },
		{ "2 M", 1, -1, 0 },
		{ " 2M", 1, -1, 0 },
		{ "1e3", 1, -1, 0 },
		{ "1.", 1, -1, 0 },
		{ ".5G", 1, -1, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 bytes = 0xdead;
		int ret = parse_size(cases[i].str, cases[i].unit, &bytes);
		bool r = ret == cases[i].ret &&
			 (ret || bytes == cases[i].bytes);

		ok(r, "parse_size(\"%s\", %llu)", cases[i].str,
		   (unsigned long long)cases[i].unit);
		if (!r)
			diag("ret %d bytes %llu", ret, (unsigned long long)bytes);
	}
	return exit_status();
}
