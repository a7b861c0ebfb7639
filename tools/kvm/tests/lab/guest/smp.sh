# SPDX-License-Identifier: GPL-2.0
# Guest: as many CPUs online as lkvm -c asked for (CPUS).
is "$(cat /sys/devices/system/cpu/online)" "$([ "$CPUS" = 1 ] && echo 0 || echo "0-$((CPUS - 1))")" \
	"CPUs online match -c $CPUS"
is "$(grep -c '^processor' /proc/cpuinfo)" "$CPUS" "/proc/cpuinfo lists $CPUS CPUs"
