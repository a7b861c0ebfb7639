# SPDX-License-Identifier: GPL-2.0
# Guest: the kernel reached /init and userspace works.
t_ok 0 "kernel reached /init ($(uname -r))"
t_run "/proc and /sys are mounted" test -r /proc/meminfo -a -d /sys/devices
t_run "console is a serial port" grep -q ttyS0 /proc/consoles
