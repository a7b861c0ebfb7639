/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__RECORD_H
#define KVM__RECORD_H

#include <stdbool.h>
#include <sys/uio.h>

#include <linux/compiler.h>
#include <linux/types.h>

/*
 * The recorder: with LKVM_RECORD=DIR in lkvm run's environment, what the
 * guest (and the control and gdb clients) send to each entry point is
 * appended to DIR/STREAM-PID.rec, for tests/fuzz/seed-from-record to turn
 * into fuzzing seeds.  A file is a sequence of records, each len[4] (LE)
 * then len bytes:
 *
 *   9p       a request as the server gets it (capped at 64 KiB)
 *   blk      nr_out[1] nr_in[1] 0[2], len[4] per segment, then the
 *            readable segments' bytes (capped at 64 KiB); of more than
 *            16 segments, the first ones and the last (the status)
 *   io       bus[1] (0 PIO, 1 MMIO) write[1] width[1] 0[1] addr[8]
 *            value[8], the value after the access
 *   control  a datagram of a control client
 *   gdb      what a gdb client sent, as one recv() got it
 *
 * Off, each hook is one test of a flag.  On, a stream stops at
 * RECORD_MAX_BYTES, and a write error turns recording off with one
 * warning: it never changes what lkvm does.
 */
enum record_stream {
	RECORD_9P,
	RECORD_BLK,
	RECORD_IO,
	RECORD_CONTROL,
	RECORD_GDB,
	RECORD_NR_STREAMS,
};

#define RECORD_MAX_BYTES	(8 << 20)
#define RECORD_MAX_DATA		(64 << 10)

extern bool record__enabled;

/* Opens the files if LKVM_RECORD is set; before seccomp.  0 or -1. */
int record__init(void);
void record__exit(void);

void record__iov(enum record_stream s, const void *head, size_t head_len,
		 const struct iovec *iov, unsigned int nr, size_t max);
void record__blk(const struct iovec *iov, unsigned int nr_out,
		 unsigned int nr_in);
void record__access(bool mmio, u64 addr, const u8 *data, u32 len,
		    bool is_write);

static inline void record_buf(enum record_stream s, const void *p, size_t n)
{
	if (unlikely(record__enabled))
		record__iov(s, p, n, NULL, 0, 0);
}

static inline void record_iov(enum record_stream s, const struct iovec *iov,
			      unsigned int nr)
{
	if (unlikely(record__enabled))
		record__iov(s, NULL, 0, iov, nr, RECORD_MAX_DATA);
}

static inline void record_blk_req(const struct iovec *iov, unsigned int nr_out,
				  unsigned int nr_in)
{
	if (unlikely(record__enabled))
		record__blk(iov, nr_out, nr_in);
}

static inline void record_io(bool mmio, u64 addr, const u8 *data, u32 len,
			     bool is_write)
{
	if (unlikely(record__enabled))
		record__access(mmio, addr, data, len, is_write);
}

#endif /* KVM__RECORD_H */
