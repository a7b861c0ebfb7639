// SPDX-License-Identifier: GPL-2.0
#include <slirp/libslirp.h>

int main(void)
{
	return !slirp_version_string();
}
