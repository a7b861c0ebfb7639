# SPDX-License-Identifier: GPL-2.0
#
# For the tests that speak GDB's remote protocol themselves (gdb.t and
# lab/gdb.t): pkt BODY prints BODY framed as a packet, with its checksum.

pkt()
{
	local s=$1 sum=0 i

	for ((i = 0; i < ${#s}; i++)); do
		sum=$(((sum + $(printf '%d' "'${s:i:1}")) & 255))
	done
	printf '$%s#%02x' "$s" "$sum"
}
