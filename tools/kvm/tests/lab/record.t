#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The recorder (LKVM_RECORD, include/kvm/record.h) with real Linux
# drivers, and the fuzzers' recorded seeds: the tiny kernel boots with a
# 9p share, a disk, virtio-rng and pvpanic, on modern PCI, on the legacy
# transport and on virtio-mmio; it walks, reads and writes the share,
# reads, writes and flushes the disk, reads the rng, while lkvm list,
# stat, pause and resume talk to lkvm from L1, then reboots.  On the host,
# tests/fuzz/seed-from-record turns each case's recordings into seeds
# for the harnesses, which must hold what the guest did (a Tversion and
# a Tattach, a write and a flush...) and which each built harness
# (make fuzz-build) must take without a crash.
#
# RECORD_SEEDS=DIR keeps each case's seeds in DIR/CASE/NAME/ and its
# recordings in DIR/CASE.rec/ (make fuzz-seeds).

. "$(dirname "$0")/lib.sh"

seeds=${RECORD_SEEDS:-$lab_work/record-seeds}
conv=$LAB_DIR/../fuzz/seed-from-record
fuzz_out=${FUZZ_OUT:-${LKVM_OUTPUT:-$LAB_DIR/../../}fuzz/}

# The guest: the share holds what fuzz-9p's share holds (f, d/g), so
# that recorded walks find in the harness what they found here.
guest='
mkdir -p /mnt/s
mount -t 9p -o trans=virtio,version=9p2000.L lkvmrec /mnt/s
ok $? "mount the share"
is "$(cat /mnt/s/f)" data "read f"
is "$(cat /mnt/s/d/g)" "more data" "walk to d and read g"
ls -la /mnt/s /mnt/s/d >/dev/null
echo new >/mnt/s/new && mkdir /mnt/s/n2 && mv /mnt/s/new /mnt/s/n2/new &&
	ln -s f /mnt/s/n2/l && chmod 600 /mnt/s/f && touch /mnt/s/d/g &&
	rm /mnt/s/n2/new /mnt/s/n2/l && rmdir /mnt/s/n2
ok $? "create, rename, symlink, setattr, unlink"
dd if=/dev/vda of=/dev/null bs=65536 2>/dev/null
ok $? "read the disk"
dd if=/dev/urandom of=/dev/vda bs=4096 seek=4 count=4 conv=fsync 2>/dev/null
ok $? "write and flush the disk"
# GET_ID; discard and write-zeroes where the transport offers them.
cat /sys/block/vda/serial >/dev/null 2>&1
blkdiscard -o 65536 -l 65536 /dev/vda 2>/dev/null
blkdiscard -z -o 131072 -l 4096 /dev/vda 2>/dev/null
head -c 64 /dev/hwrng >/dev/null
ok $? "read the rng"
# lkvm list, stat, pause and resume from L1 meanwhile.
i=0
while [ ! -e /mnt/s/ctl-done ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok $([ -e /mnt/s/ctl-done ]; echo $?) "the controller is done"
umount /mnt/s
'

# In L1: the share, the disk, the recordings' directory, and a
# controller in the background once the control socket is up.
pre='export HOME=$PWD/home LKVM_RECORD=$PWD/rec
mkdir -p $HOME rec s/d
printf data >s/f
printf "more data" >s/d/g
dd if=/dev/zero of=disk.img bs=1048576 count=1 2>/dev/null
(i=0
while [ ! -S $HOME/.lkvm/$NAME.sock ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
"$lkvm" list
"$lkvm" stat $NAME --network
"$lkvm" pause $NAME
"$lkvm" resume $NAME
"$lkvm" balloon $NAME --inflate 4
"$lkvm" stat $NAME --memory
"$lkvm" balloon $NAME --deflate 4
touch s/ctl-done) >controller.out 2>&1 &'

post='unset LKVM_RECORD
wait
n=$(cat rec/*.rec | wc -c)
ok $([ "$n" -gt 0 ]; echo $?) "lkvm recorded $n bytes"'

# has DESCRIPTION HARNESS WORD...: seed-from-record --describe found each
# WORD in the seeds of HARNESS.
has()
{
	local desc=$1 h=$2 line w

	shift 2
	line=" $(sed -n "s/^$h://p" "$d/describe") "
	for w; do
		case "$line" in
		*" $w "*) ;;
		*) ok 1 "$desc"; diag "no $w in $h:$line"; return 1 ;;
		esac
	done
	ok 0 "$desc"
}

check_record()
{
	local name out h bin

	d=$1

	name=$(basename "$d")
	name=${name#*-}
	out=$seeds/$name
	rm -rf "$out" "$seeds/$name.rec"
	# make fuzz-seeds (tests/fuzz/record-seeds) converts them again.
	[ -z "$RECORD_SEEDS" ] || { mkdir -p "$seeds"; cp -r "$d/rec" "$seeds/$name.rec"; }
	if ! command -v python3 >/dev/null; then
		skip 1 "host: $name: no python3 for seed-from-record"
		return
	fi
	"$conv" --prefix "rec-$name" "$out" "$d/rec" >"$d/seeds.out" 2>&1
	ok $? "host: $name: seed-from-record" || sed 's/^/# /' "$d/seeds.out"
	"$conv" --describe "$out" >"$d/describe"
	has "host: $name: 9p seeds hold a Tversion, a Tattach, walks, reads, writes" \
		9p 9P2000.L T100 T104 T110 T116 T118
	has "host: $name: blk seeds of a read, a write and a flush" \
		blk type0 type1 type4
	has "host: $name: control seeds of list, pause, resume, balloon and stat" \
		control ctl1 ctl3 ctl4 ctl5 ctl6 || sed 's/^/# /' "$d/controller.out"
	has "host: $name: legacy seeds with the 8250 and PCI config" \
		legacy port0x3f8 port0x3fd port0xcf8 port0xcfc
	case $name in
	pci) has "host: pci: transport seeds in config space and the BAR" transport cfg bar ;;
	legacy) has "host: legacy: transport seeds in config space and the I/O BAR" transport cfg iobar ;;
	mmio) has "host: mmio: transport seeds in the virtio-mmio registers" transport mmio ;;
	esac
	for h in 9p blk control legacy transport; do
		bin=$fuzz_out/fuzz-$h
		[ -x "$bin" ] && [ -d "$out/$h" ] || continue
		"$bin" -runs=0 -max_len=8192 "$out/$h" >"$d/fuzz-$h.log" 2>&1
		ok $? "host: $name: fuzz-$h runs the seeds" ||
			grep -E 'ERROR|SUMMARY|runtime error' "$d/fuzz-$h.log" | head -5 |
			sed 's/^/# /'
	done
}

# rec_case NAME TRANSPORT [lab_case options]
rec_case()
{
	local name=$1 transport=$2

	shift 2
	lab_case "$name" --guest-sh "$guest" --env NAME="rec-$name" \
		--pre "NAME=rec-$name; $pre" --post "$post" --check check_record \
		--opts "-m 128 --name rec-$name --9p s,lkvmrec -d disk.img --rng --balloon --pvpanic --virtio-transport $transport" \
		--timeout 120 "$@"
}

rec_case pci pci
rec_case legacy pci-legacy --cmdline "$LAB_CMDLINE_DEFAULT virtio_pci.force_legacy=1"
rec_case mmio mmio

lab_run
