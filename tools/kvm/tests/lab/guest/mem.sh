# SPDX-License-Identifier: GPL-2.0
# Guest: MemTotal fits lkvm -m MEM_MB: not above it, and not less than
# 85% of it (what the kernel itself reserves at these sizes).
total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
diag "MemTotal $total kB for -m $MEM_MB"
run "MemTotal <= $MEM_MB MiB" test "$total" -le $((MEM_MB * 1024))
run "MemTotal >= 85% of $MEM_MB MiB" test "$total" -ge $((MEM_MB * 1024 * 85 / 100))
