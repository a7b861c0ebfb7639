# SPDX-License-Identifier: GPL-2.0
# Guest: the legacy devices and the PCI host bridge, as Linux found them.
# x86: the 8250s on their ports, the i8042, the CMOS RTC; arm64: the 8250
# on MMIO, found in the device tree (arm64 has neither i8042 nor RTC).
echo "lab-time $(date +%s)"
if [ "$LAB_ARCH" = arm64 ]; then
	run "ttyS0 is a 16550A on MMIO, from the device tree" \
		sh -c 'dmesg | grep -q "ttyS0 at MMIO 0x[0-9a-f]* (irq = [0-9]*, .*) is a 16550A"'
	run "the UART is an ns16550a node of the device tree" \
		sh -c 'find /sys/firmware/devicetree/base -name compatible |
		       xargs grep -l ns16550 | grep -q .'
	run "ttyS0 has an interrupt" grep -q ttyS0 /proc/interrupts
else
	run "ttyS0 is a 16550A at 0x3f8, IRQ 4" \
		sh -c 'dmesg | grep -q "ttyS0 at I/O 0x3f8 (irq = 4, .*) is a 16550A"'
	run "ttyS1 is a 16550A at 0x2f8, IRQ 3" \
		sh -c 'dmesg | grep -q "ttyS1 at I/O 0x2f8 (irq = 3, .*) is a 16550A"'
	run "the console's IRQ 4 is ttyS0's" \
		sh -c 'grep -E "^ *4:" /proc/interrupts | grep -q ttyS0'
fi
is "$(cat /sys/bus/pci/devices/0000:00:00.0/class 2>&1)" 0x060000 \
	"00:00.0 is a host bridge"
is "$(cat /sys/bus/pci/devices/0000:00:00.0/vendor 2>&1)" 0x1b36 \
	"host bridge vendor"
run "no PCI config space trouble" \
	sh -c '! dmesg | grep -qi "pci.*\(sanity check failed\|no config space access\)"'
[ "$LAB_ARCH" = x86 ] || { skip 6 "x86 only: the i8042 and the CMOS RTC"; return 0; }
run "i8042 keyboard port found, no AUX" \
	sh -c 'dmesg | grep -q "serio: i8042 KBD port at 0x60,0x64 irq 1" &&
	       ! dmesg | grep -q "i8042 AUX port"'
run "i8042 probe without timeouts" \
	sh -c '! dmesg | grep -qi "i8042.*\(timeout\|can.t read\)"'
run "rtc0 is the CMOS RTC" grep -q rtc_cmos /sys/class/rtc/rtc0/name
rtc=$(cat /sys/class/rtc/rtc0/since_epoch 2>/dev/null || echo 0)
now=$(date +%s)
run "the RTC agrees with the system clock ($rtc vs $now)" \
	test $((now - rtc)) -ge -2 -a $((now - rtc)) -le 2
run "the RTC runs" sh -c 'a=$(cat /sys/class/rtc/rtc0/since_epoch);
	sleep 2; b=$(cat /sys/class/rtc/rtc0/since_epoch);
	test $((b - a)) -ge 1 -a $((b - a)) -le 4'
run "hwclock reads it" sh -c 'hwclock -r -u >/dev/null 2>&1 || ! command -v hwclock'
