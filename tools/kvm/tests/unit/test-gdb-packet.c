// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub's packet layer: framing and checksums both ways, escapes,
 * acks, Ctrl-C, and what it makes of malformed, truncated and overlong
 * packets (an error event, then the next good packet still comes
 * through).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kvm/gdb.h"
#include "tap.h"

static struct gdb_rx rx;

/* Feeds @s; returns the last event that was not GDB_RX_MORE. */
static enum gdb_rx_event feed_n(const char *s, size_t n)
{
	enum gdb_rx_event ev, last = GDB_RX_MORE;
	size_t i;

	for (i = 0; i < n; i++) {
		ev = gdb_rx_feed(&rx, (unsigned char)s[i]);
		if (ev != GDB_RX_MORE)
			last = ev;
	}
	return last;
}

static enum gdb_rx_event feed(const char *s)
{
	return feed_n(s, strlen(s));
}

static void test_receive(void)
{
	gdb_rx_init(&rx);
	is_int(feed("$g#67"), GDB_RX_PACKET, "a packet with a good checksum");
	is_str(rx.buf, "g", "its body");
	is_int(feed("$qSupported:swbreak+;hwbreak+#d5"), GDB_RX_PACKET,
	       "a longer one, checksum in lower case");
	is_str(rx.buf, "qSupported:swbreak+;hwbreak+", "its body");
	is_int(feed("$m0,4#FD"), GDB_RX_PACKET, "checksum in upper case");
	is_int(feed("$#00"), GDB_RX_PACKET, "an empty packet");
	is_int(rx.len, 0, "is empty");
	is_int(feed("+"), GDB_RX_ACK, "an ack");
	is_int(feed("-"), GDB_RX_NAK, "a nak");
	is_int(feed("\x03"), GDB_RX_INTERRUPT, "Ctrl-C between packets");
	is_int(feed("garbage\r\n$g#67"), GDB_RX_PACKET, "noise before a packet is dropped");
}

static void test_escapes(void)
{
	/* X with the bytes '#', '$', '}', '*' escaped: }\x03 }\x04 }] }\x0a */
	static const char pkt[] = "$X0,4:}\x03}\x04}]}\x0a#";
	char full[64];
	unsigned sum = 0;
	size_t i;

	for (i = 1; i < sizeof(pkt) - 2; i++)
		sum += (unsigned char)pkt[i];
	snprintf(full, sizeof(full), "%s%02x", pkt, sum & 0xff);
	gdb_rx_init(&rx);
	is_int(feed(full), GDB_RX_PACKET, "escaped binary data, checksum over the raw bytes");
	is_int(rx.len, 9, "unescaped length");
	ok(!memcmp(rx.buf + 5, "#$}*", 4), "the escaped bytes come out as themselves");
	is_int(feed_n("$X0,1:\0#1f", 10), GDB_RX_PACKET, "a NUL byte in a packet");
	is_int(rx.len, 6, "counts");
}

static void test_malformed(void)
{
	char big[GDB_MAX_PACKET + 16];

	gdb_rx_init(&rx);
	is_int(feed("$g#68"), GDB_RX_BAD_CHECKSUM, "a wrong checksum");
	is_int(feed("$g#6"), GDB_RX_MORE, "a truncated checksum waits");
	is_int(feed("$g#67"), GDB_RX_BAD_CHECKSUM, "...and the next '$' is taken as its second digit");
	is_int(feed("$g#67"), GDB_RX_PACKET, "then packets come through again");
	is_int(feed("$g#zz"), GDB_RX_BAD_CHECKSUM, "a non-hex checksum");
	is_int(feed("$g#6z"), GDB_RX_BAD_CHECKSUM, "a half non-hex checksum");
	is_int(feed("$mff"), GDB_RX_MORE, "a packet cut short...");
	is_int(feed("$g#67"), GDB_RX_PACKET, "...is dropped by the next '$'");
	is_str(rx.buf, "g", "which is whole");
	is_int(feed("$}"), GDB_RX_MORE, "an escape at the end...");
	is_int(feed("#"), GDB_RX_MORE, "escapes the '#'");
	is_int(feed("$g#67"), GDB_RX_PACKET, "and the stream still resynchronises");

	memset(big, 'a', sizeof(big));
	big[0] = '$';
	/* 'a' * (GDB_MAX_PACKET + 1): the sum of 0x61s, mod 256 */
	snprintf(big + GDB_MAX_PACKET + 2, 4, "#%02x",
		 (unsigned)((0x61 * (GDB_MAX_PACKET + 1)) & 0xff));
	is_int(feed(big), GDB_RX_TOO_LONG, "a packet longer than GDB_MAX_PACKET");
	is_int(feed("$g#67"), GDB_RX_PACKET, "the next packet is fine");
	is_int(rx.len, 1, "and has its own length");
}

static void test_frame(void)
{
	char out[64];
	ssize_t n;

	n = gdb_frame(out, sizeof(out), "OK", 2);
	is_int(n, 6, "framed length");
	ok(!memcmp(out, "$OK#9a", 6), "framed OK");
	n = gdb_frame(out, sizeof(out), "", 0);
	ok(n == 4 && !memcmp(out, "$#00", 4), "an empty reply");
	n = gdb_frame(out, sizeof(out), "a#b$c}d*", 8);
	is_int(n, 16, "four escapes");
	ok(!memcmp(out, "$a}\x03" "b}\x04" "c}]d}\x0a#", 14), "escaped as }x^0x20");
	/* What gdb would do with it: the same bytes back. */
	gdb_rx_init(&rx);
	is_int(feed_n(out, n), GDB_RX_PACKET, "our frame parses, checksum included");
	ok(rx.len == 8 && !memcmp(rx.buf, "a#b$c}d*", 8), "to the same bytes");
	is_int(gdb_frame(out, 5, "OK", 2), -ENOSPC, "no room: -ENOSPC");
	is_int(gdb_frame(out, 6, "OK", 2), 6, "exactly enough room");
	is_int(gdb_frame(out, 5, "#", 1), -ENOSPC, "no room for an escape");
	is_int(gdb_frame(out, 6, "#", 1), 6, "just room for one");
}

int main(void)
{
	plan(42);
	test_receive();
	test_escapes();
	test_malformed();
	test_frame();
	return exit_status();
}
