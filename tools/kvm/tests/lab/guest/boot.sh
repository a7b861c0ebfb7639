# SPDX-License-Identifier: GPL-2.0
# Guest: the kernel reached /init and userspace works.
# /init sources this script, so it runs as PID 1.
t_is "$$" 1 "kernel ran /init as PID 1 ($(uname -r))"
t_run "/proc and /sys are mounted" test -r /proc/meminfo -a -d /sys/devices
t_run "console is a serial port" grep -q ttyS0 /proc/consoles
