#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkvm run with bad command lines and bad kernel files: each must fail
# with a clear message and a non-zero status, before any VM is created
# (so before anything is booted).

LKVM=${LKVM:-$(dirname "$0")/../lkvm}
tmp=$(mktemp -d /tmp/lkvm-run-errors.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/tap.sh"

# expect STATUS PATTERN DESCRIPTION -- lkvm run ARGS...
expect()
{
	local want=$1 pattern=$2 what=$3 rc
	shift 4

	"$LKVM" run "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$want" = nonzero ]; then
		[ "$rc" != 0 ]
	else
		[ "$rc" = "$want" ]
	fi
	ok $? "$what: status $rc" || sed 's/^/# /' "$tmp/err"
	grep -q -- "$pattern" "$tmp/err"
	ok $? "$what: says '$pattern'" || sed 's/^/# /' "$tmp/err"
	! grep -qE "booting (a|an) " "$tmp/err"
	ok $? "$what: nothing was booted"
}

echo "1..71"

mkdir "$tmp/dir"
echo "not a kernel" >"$tmp/text"
truncate -s 600M "$tmp/huge"
printf 'HdrS' >"$tmp/short"

expect 129 "unknown option" "an unknown option" -- --no-such-option
expect 129 "expects a size" "a malformed -m" -- -m 12x
expect 129 "unexpected argument" "a stray argument" -- -k "$tmp/text" stray
expect nonzero "at least one vCPU" "-c 0" -- -c 0 -k "$tmp/text"
expect nonzero "at least one vCPU" "-c -3" -- -c -3 -k "$tmp/text"
expect nonzero "too little guest memory" "-m 10" -- -m 10 -k "$tmp/text"
expect nonzero "too much guest memory" "-m 5000G" -- -m 5000G -k "$tmp/text"
expect nonzero "cannot open the kernel" "a missing kernel" -- -k "$tmp/missing"
expect nonzero "not a regular file" "a directory as kernel" -- -k "$tmp/dir"
expect nonzero "neither a bzImage nor an ELF" "a text file as kernel" -- -k "$tmp/text"
expect nonzero "neither a bzImage nor an ELF" "a 4-byte file as kernel" -- -k "$tmp/short"
expect nonzero "too big" "a 600 MiB kernel" -- -k "$tmp/huge"
expect nonzero "cannot use the initrd" "a missing initrd" -- -k "$tmp/text" -i "$tmp/missing"
expect nonzero "neither 'serial' nor 'virtio'" "--console foo" -- --console foo
expect nonzero "unknown level" "--loglevel foo" -- --loglevel foo
expect 129 "give a port" "--gdb with a word" -- --gdb nonsense
expect 129 "give a port" "--gdb with a port out of range" -- --gdb 70000
expect 129 "give a port" "--gdb HOST: without a port" -- --gdb localhost:
expect 129 "the host is empty" "--gdb :PORT" -- --gdb :1234
expect nonzero "not a hugetlbfs mount" "--hugetlbfs on a plain directory" -- \
	--hugetlbfs "$tmp/dir" -k "$tmp/text"

# A host ELF program is an ELF without the PVH note.
if [ ! -e /dev/kvm ]; then
	skip 6 "no /dev/kvm"
elif lkvm_has libelf; then
	expect nonzero "PVH entry note" "an ELF without PVH note" -- -k /bin/true -m 64
	expect nonzero "vCPUs per VM" "-c beyond KVM_CAP_MAX_VCPUS" -- -c 100000 -k /bin/true
else
	expect nonzero "built without libelf" "an ELF kernel without libelf" -- -k /bin/true -m 64
	skip 3 "-c beyond KVM_CAP_MAX_VCPUS: an ELF kernel needs libelf"
fi

# No permission on /dev/kvm (root can drop to nobody to see it).
if [ "$(id -u)" = 0 ] && [ -e /dev/kvm ] && command -v setpriv >/dev/null &&
   ! setpriv --reuid=65534 --regid=65534 --clear-groups test -w /dev/kvm; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$LKVM" run -k /bin/true \
		-i /etc/hostname </dev/null >"$tmp/out" 2>"$tmp/err"
	ok $(($? == 0)) "/dev/kvm not writable: status non-zero"
	grep -q "no permission to open /dev/kvm" "$tmp/err"
	ok $? "/dev/kvm not writable: says so" || sed 's/^/# /' "$tmp/err"
	! grep -qE "booting (a|an) " "$tmp/err"
	ok $? "/dev/kvm not writable: nothing was booted"
else
	skip 3 "needs root, setpriv and a root-only /dev/kvm"
fi

"$LKVM" run --help >"$tmp/out" 2>&1
ok $(($? != 129)) "run --help: status 129, as parse-options gives it"
grep -q "Kernel options:" "$tmp/out" && grep -q -- "--initrd" "$tmp/out" &&
	grep -q "Basic options:" "$tmp/out"
ok $? "run --help: shows the option groups"

tap_done planned
