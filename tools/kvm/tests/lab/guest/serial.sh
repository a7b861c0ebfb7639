# SPDX-License-Identifier: GPL-2.0
# Guest: write a known text to the serial console; the host compares it.
echo "@T serial-begin"
cat /lab/serial.txt
rc=$?
echo "@T serial-end"
ok $rc "serial text written"
