# SPDX-License-Identifier: GPL-2.0
# Guest (sourced by l2-init): several processes at once on one share,
# served by lkvm's pool of workers.  Two read the tree L1 put there, two
# walk it, four write trees of their own; each leaves what it saw in the
# share, and the post script compares that with L1's own view.
mkdir -p /mnt/p
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 lkvmpar /mnt/p
ok $? "mount the share"
cd /mnt/p || exit 1

reader()
{
	find tree -type f | sort | xargs md5sum >"r$1.sum"
}

walker()
{
	local k

	for k in 1 2 3; do
		find tree | sort >"walk$1.$k"
		ls -lR tree >/dev/null
	done
}

writer()
{
	local j

	mkdir "w$1"
	for j in $(seq 1 40); do
		seq "$1" "$j" 3000 >"w$1/f$j"
	done
	# Read back at once, while the others still write.
	for j in $(seq 1 40); do
		seq "$1" "$j" 3000 | cmp -s - "w$1/f$j" || echo "w$1/f$j" >>"w$1.bad"
	done
}

pids=
for i in 1 2; do
	reader $i & pids="$pids $!"
	walker $i & pids="$pids $!"
done
for i in 1 2 3 4; do
	writer $i & pids="$pids $!"
done
fail=0
for p in $pids; do
	wait $p || fail=1
done
is $fail 0 "8 processes at once: every one exits 0"
ok "$(! ls w*.bad 2>/dev/null | grep -q .; echo $?)" \
	"the writers read back what they wrote"
find w1 w2 w3 w4 -type f | sort | xargs md5sum >final.sum
is "$(wc -l <final.sum)" 160 "160 files written"
cd /
umount /mnt/p
ok $? "unmount"
