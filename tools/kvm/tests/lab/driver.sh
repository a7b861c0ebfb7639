#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lab driver: runs every case of a lab run with lkvm (or QEMU, for the
# benchmark) and stores what happened.  It runs inside the L1 guest
# (busybox sh) or directly on a host whose KVM boots standard kernels.
#
#   driver.sh ROOT OUT
#
# ROOT holds bin/lkvm, the kernels and initramfs pieces the cases name,
# and cases/NAME/case.env (+ files/, pre.sh, post.sh); see lib.sh.  For
# each case, OUT/NAME/ receives the case's files, the VMM's command line
# (cmdline), its stdout (console) and stderr, its exit status (rc), the
# wall time in centiseconds (wall), its CPU time in seconds ("USER SYS",
# cputime) and TAP from post.sh (post.tap).
# OUT/lab/ says whether /dev/kvm exists and what "lkvm version" printed.

root=$1
out=$2
lkvm=${LKVM:-$root/bin/lkvm}
qemu=${QEMU:-$root/bin/qemu-system-x86_64}
tmp=${TMPDIR:-/tmp}

centisecs()
{
	local up

	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
}

# "USER SYS": the CPU seconds of the children this shell reaped between
# two "times" outputs, files FROM and TO (their second lines, such as
# "0m1.230s 0m0.450s").  "times" must write to a file: in a command
# substitution it would report a subshell's.
children_cpu()
{
	cat "$1" "$2" | tr 'ms' '  ' | awk 'NR % 2 == 0 { u[NR] = $1 * 60 + $2; s[NR] = $3 * 60 + $4 }
		END { print u[4] - u[2], s[4] - s[2] }'
}

# With RESULTS_DEV (L1's scratch disk), every result directory is
# appended to the disk as a tar archive as soon as it is complete, and
# the first block says how many blocks follow ("lkvm-lab BLOCKS"): the
# host gets back every case that ended, even from an L1 that froze later.
results_blocks=0
save_results()
{
	local t=$tmp/results.tar n

	[ -n "$RESULTS_DEV" ] || return 0
	(cd "$out" && tar cf "$t" "$@") || return 1
	n=$((($(wc -c <"$t") + 511) / 512))
	if dd if="$t" of="$RESULTS_DEV" bs=512 seek=$((results_blocks + 1)) \
		conv=notrunc 2>/dev/null; then
		results_blocks=$((results_blocks + n))
		printf 'lkvm-lab %d\n' $results_blocks |
			dd of="$RESULTS_DEV" bs=512 count=1 conv=notrunc,sync 2>/dev/null
	fi
	sync
	rm -f "$t"
}

mkdir -p "$out/lab"
[ -c /dev/kvm ] && [ -w /dev/kvm ] && echo yes >"$out/lab/kvm"
"$lkvm" version >"$out/lab/version" 2>&1
echo $? >"$out/lab/version.rc"
save_results lab

# vmm_cmd: the VMM command line of the current case (after case.env).
vmm_cmd()
{
	local machine

	if [ "$VMM" != qemu ]; then
		echo "$lkvm run -k $root/$KERNEL -i $initrd $OPTS"
		return
	fi
	# microvm, unless the case names a machine of its own.
	case " $OPTS " in
	*" -M "*)	machine= ;;
	*)		machine="-M microvm" ;;
	esac
	echo "$qemu $machine -enable-kvm -cpu host -nodefaults -no-user-config" \
		"-nographic -serial stdio -no-reboot" \
		"-L ${QEMU_DATA:-$root/share/qemu} $OPTS -kernel $root/$KERNEL" \
		"-initrd $initrd"
}

# run_vmm: runs the case's VMM in the current directory, SIGKILLed after
# TIMEOUT seconds; its exit status goes to ./rc.  A VMM that is still
# there HANG_GRACE seconds after the SIGKILL is stuck in the kernel (seen
# under nested TCG: an L1 soft lockup): it is left behind and ./hung says
# so, rather than letting it hold up every case after it.
run_vmm()
{
	local cmd vmm dog

	cmd=$(vmm_cmd)
	if [ "$VMM" = qemu ]; then
		echo "$cmd -append \"$CMDLINE\"" >cmdline
		timeout -s KILL "$TIMEOUT" $cmd -append "$CMDLINE" \
			>console 2>stderr </dev/null &
	else
		echo "$cmd -p \"$CMDLINE\"" >cmdline
		timeout -s KILL "$TIMEOUT" $cmd -p "$CMDLINE" \
			>console 2>stderr </dev/null &
	fi
	vmm=$!
	times >"$tmp/times0"
	(
		trap 'kill $nap; wait $nap; exit 0' TERM
		sleep $((TIMEOUT + HANG_GRACE)) &
		nap=$!
		wait $nap
		kill -0 $vmm && echo hung >hung && kill -KILL $vmm
	) 2>/dev/null &
	dog=$!
	wait $vmm
	echo $? >rc
	# The VMM's, reaped by timeout, whose children's time is ours now.
	times >"$tmp/times1"
	children_cpu "$tmp/times0" "$tmp/times1" >cputime
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
}

# run_case CASEDIR OUTDIR
run_case()
{
	local c=$1 d=$2 name start

	name=$(basename "$c")
	mkdir -p "$d"
	[ -d "$c/files" ] && cp -a "$c/files/." "$d/"

	# KERNEL, INITRDS (space-separated, concatenated in order), OPTS,
	# CMDLINE, TIMEOUT, VMM
	VMM=lkvm
	. "$c/case.env"
	initrd=$tmp/initrd-$name
	(cd "$root" && cat $INITRDS) >"$initrd"

	cd "$d" || return
	echo "lab: case $name: start"
	[ -f "$c/pre.sh" ] && . "$c/pre.sh" >pre.log 2>&1
	start=$(centisecs)
	run_vmm
	echo $(($(centisecs) - start)) >wall
	[ -f "$c/post.sh" ] && . "$c/post.sh" >post.tap 2>&1
	rm -f "$initrd"
	cd - >/dev/null
	echo "lab: case $name: exit $(cat "$d/rc"), $(cat "$d/wall")0 ms"
}

# Why the case in $out/$1 should run again, if it should.  With
# RETRY_TIMEOUTS (the nested lab), a guest killed at its time limit too:
# under nested TCG a guest now and then stalls for minutes, e.g. early in
# the boot of Debian's kernel; no case expects to be killed.
retry_reason()
{
	if [ -f "$out/$1/hung" ]; then
		echo "hung in the kernel"
	elif [ -n "$RETRY_TIMEOUTS" ] && [ "$(cat "$out/$1/rc")" = 137 ]; then
		echo "was killed at its time limit"
	fi
}

HANG_GRACE=${HANG_GRACE:-30}
for c in "$root"/cases/*/; do
	name=$(basename "$c")
	run_case "$c" "$out/$name"
	why=$(retry_reason "$name")
	if [ -n "$why" ]; then
		# Once, from scratch; the first run's results are kept and the
		# host reports the retry.
		echo "lab: case $name: the VMM $why; running it again"
		mv "$out/$name" "$out/$name.first"
		save_results "$name.first"
		run_case "$c" "$out/$name"
		echo "the first run $why (see $name.first)" >"$out/$name/retried"
	fi
	save_results "$name"
done
echo "lab: driver done"
