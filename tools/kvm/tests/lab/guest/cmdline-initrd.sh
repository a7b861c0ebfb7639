# SPDX-License-Identifier: GPL-2.0
# Guest: the -p string is in /proc/cmdline byte for byte, and the initrd
# payload matches the checksum the host put on the command line.
cmdline=$(cat /proc/cmdline)
case "$cmdline" in
*"$WANT_CMDLINE"*)	ok 0 "the -p command line reached the guest unchanged" ;;
*)			ok 1 "the -p command line reached the guest unchanged"
			diag "/proc/cmdline: $cmdline" ;;
esac
want=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^lab.initrd_sha256=//p')
is "$(sha256sum /lab/payload | cut -d' ' -f1)" "$want" \
	"initrd payload checksum matches the command line's"
