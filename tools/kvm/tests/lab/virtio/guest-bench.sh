# SPDX-License-Identifier: GPL-2.0
# Guest of bench-blk.sh (sourced by l2-init): throughput and IOPS of vda,
# one "@T bench-blk MODE BS MB/s IOPS" line per measurement.
i=0
while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
for m in seqread seqwrite; do
	r=$(blkbench /dev/vda $m 1048576 1 5)
	ok $? "blkbench $m" && echo "@T bench-blk $r"
done
for m in randread randwrite; do
	r=$(blkbench /dev/vda $m 4096 4 5)
	ok $? "blkbench $m" && echo "@T bench-blk $r"
done
