# SPDX-License-Identifier: GPL-2.0
# Guest: the kernel reached /init and userspace works.
# /init sources this script, so it runs as PID 1.
is "$$" 1 "kernel ran /init as PID 1 ($(uname -r))"
run "/proc and /sys are mounted" test -r /proc/meminfo -a -d /sys/devices
run "console is a serial port" grep -q ttyS0 /proc/consoles
