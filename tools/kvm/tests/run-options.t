#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The options devices declare for themselves (run_options_register()):
# 'lkvm run -h' shows each under its device's heading, 'lkvm run' and
# 'lkvm sandbox' parse them, and a bad one is refused with a clear
# message before anything is booted.

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
LKVM=${LKVM:-$srcdir/lkvm}
if [ ! -x "$LKVM" ]; then
	echo "1..0 # SKIP no lkvm binary at $LKVM"
	exit 0
fi

tmp=$(mktemp -d /tmp/lkvm-run-options.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"

echo "not a kernel" >"$tmp/text"

# group HEADING: the option lines under HEADING in $tmp/help, up to the
# blank line that ends the group.
group()
{
	awk -v h="$1" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$tmp/help"
}

# in_group HEADING OPTION DESC
in_group()
{
	group "$1" | grep -q -e "$2"
	ok $? "$3" || sed 's/^/# /' "$tmp/help"
}

# expect STATUS PATTERN DESCRIPTION -- COMMAND ARGS...: lkvm exits with
# STATUS and says PATTERN on stderr, and nothing is booted.
expect()
{
	local want=$1 pattern=$2 what=$3 rc
	shift 4

	HOME=$tmp "$LKVM" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = "$want" ] && grep -q -e "$pattern" "$tmp/err" &&
		! grep -qE "booting (a|an) " "$tmp/err"
	ok $? "$what: status $rc, says '$pattern'" || sed 's/^/# /' "$tmp/err"
}

# The usage's exit status is the option parser's business (run-errors.t).
"$LKVM" run -h >"$tmp/help" 2>&1
grep -qi "usage: lkvm run" "$tmp/help"
ok $? "run -h prints the usage"
in_group "Basic options:" "--console <serial|virtio>" \
	"--console stays with the machine's options"
in_group "virtio-blk options:" "-d, --disk <image" "--disk under virtio-blk"
in_group "virtio-9p options:" "--9p <dir,tag" "--9p under virtio-9p"
in_group "virtio-9p options:" "passthrough the guest gets the host privileges" \
	"--9p's help warns about security=passthrough"
in_group "virtio-rng options:" "--rng  " "--rng under virtio-rng"
in_group "virtio-balloon options:" "--balloon  " "--balloon under virtio-balloon"
in_group "pvpanic options:" "--pvpanic  " "--pvpanic under pvpanic"
in_group "virtio options:" "--virtio-transport <pci" \
	"--virtio-transport under virtio"
in_group "Debug options:" "--no-seccomp  " "--no-seccomp under the debug options"
! group "virtio-rng options:" | grep -q -e "--disk\|--9p\|--console\|--balloon"
ok $? "a device's group holds its own options only"
last=$(grep -E '^[^ ].*:$' "$tmp/help" | tail -n 1)
is "$last" "Debug options:" "the debug options come last"
n=$(grep -c -e "--rng  " "$tmp/help")
is "$n" 1 "each option is shown once"

# Parsed: each device's own callback answers for its option.
expect 129 "9p: '/nonexistent' is not a directory" "--9p of a missing directory" \
	-- run --9p /nonexistent,x
expect 129 "9p: unknown option 'security=none'" "--9p with an unknown model" \
	-- run --9p "$tmp,x,security=none"
expect 129 "is not one of pci, pci-legacy, mmio" "--virtio-transport foo" \
	-- run --virtio-transport foo
expect 129 "--disk $tmp/text,bogus: unknown option 'bogus'" "--disk with a bad flag" \
	-- run --disk "$tmp/text,bogus"
expect 129 "disk.*requires a value" "--rng --disk without its image" \
	-- run --rng --disk
expect 1 "neither a bzImage nor an ELF" "--rng --disk x --no-pvpanic are taken" \
	-- run --rng --disk "$tmp/text" --no-pvpanic --virtio-transport mmio -k "$tmp/text"
expect 1 "neither a bzImage nor an ELF" "--balloon is taken" \
	-- run --balloon -k "$tmp/text"
expect 1 "neither a bzImage nor an ELF" "--no-seccomp is taken" \
	-- run --no-seccomp -k "$tmp/text"
expect 129 "rgn" "a misspelled device option is unknown" -- run --rgn
grep -q "^virtio-rng options:" "$tmp/err"
ok $? "the usage after an error shows the device options"

# --no-FOO of an option that takes a value: refused, not a crash.
expect 129 "--no-disk: leave -d out" "--no-disk" -- run --no-disk
expect 129 "--9p needs DIR,TAG" "--no-9p" -- run --no-9p
expect 129 "--no-virtio-transport: give pci" "--no-virtio-transport" \
	-- run --no-virtio-transport
expect 129 "--no-console: the guest needs a console" "--no-console" -- run --no-console
expect 129 "--no-loglevel: give a level" "--no-loglevel" -- run --no-loglevel

# lkvm sandbox passes its options to run, device options included.
expect 129 "is not one of pci, pci-legacy, mmio" "sandbox --virtio-transport foo" \
	-- sandbox --virtio-transport foo -- true

tap_done
