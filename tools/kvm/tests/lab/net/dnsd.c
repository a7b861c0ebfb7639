// SPDX-License-Identifier: GPL-2.0
/*
 * A DNS responder for tests/lab/net.t (built static, run in L1).  L1 has
 * no network and no DNS server; libslirp forwards what the guest asks
 * its DNS address (10.0.2.3) to the first nameserver in L1's
 * /etc/resolv.conf (127.0.0.1 when there is none), so this answers
 * there:
 *
 *   dnsd ADDR PORT NAME=IPV4...
 *
 * A query of type A for one of the NAMEs gets its address, one of another
 * type an empty answer, any other name NXDOMAIN.  Each query is logged
 * on stdout as "query NAME TYPE", so that the test can see that it came
 * through libslirp.  Runs until killed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_NAMES	8
#define DNS_HDR		12
#define TYPE_A		1
#define CLASS_IN	1
#define RCODE_FORMERR	1
#define RCODE_NXDOMAIN	3

static struct {
	char name[256];
	struct in_addr addr;
} names[MAX_NAMES];
static int nr_names;

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static unsigned int get16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

/*
 * The question's name at @msg + DNS_HDR, dotted and lower case, into
 * @name; returns the offset just past it, or 0 if it is malformed
 * (queries carry no compression pointers).
 */
static size_t parse_name(const unsigned char *msg, size_t len, char *name)
{
	size_t off = DNS_HDR, out = 0;

	while (off < len && msg[off]) {
		unsigned int l = msg[off++], i;

		if (l > 63 || off + l > len || out + l + 2 > 255)
			return 0;
		if (out)
			name[out++] = '.';
		for (i = 0; i < l; i++)
			name[out++] = tolower(msg[off + i]);
		off += l;
	}
	if (off >= len)
		return 0;
	name[out] = '\0';
	return off + 1;
}

static size_t answer(unsigned char *msg, size_t len, size_t max)
{
	char name[256];
	unsigned int type, rcode = 0, ancount = 0;
	size_t end;
	int i;

	if (len < DNS_HDR || (msg[2] & 0x80) || get16(msg + 4) != 1)
		return 0;
	end = parse_name(msg, len, name);
	if (!end || end + 4 > len) {
		rcode = RCODE_FORMERR;
		end = DNS_HDR;
		put16(msg + 4, 0);
		type = 0;
	} else {
		type = get16(msg + end);
		end += 4;
		printf("query %s %u\n", name, type);
		fflush(stdout);
		rcode = RCODE_NXDOMAIN;
		for (i = 0; i < nr_names; i++) {
			if (strcmp(name, names[i].name))
				continue;
			rcode = 0;
			if (type == TYPE_A && get16(msg + end - 2) == CLASS_IN &&
			    end + 16 <= max) {
				unsigned char *a = msg + end;

				put16(a, 0xc000 | DNS_HDR);	/* the question's name */
				put16(a + 2, TYPE_A);
				put16(a + 4, CLASS_IN);
				put16(a + 6, 0);		/* TTL: 60 s */
				put16(a + 8, 60);
				put16(a + 10, 4);
				memcpy(a + 12, &names[i].addr, 4);
				end += 16;
				ancount = 1;
			}
			break;
		}
	}
	/* A response, authoritative, recursion desired as asked and available. */
	msg[2] = 0x80 | (msg[2] & 0x79) | 0x04;
	msg[3] = 0x80 | rcode;
	put16(msg + 6, ancount);
	put16(msg + 8, 0);
	put16(msg + 10, 0);
	return end;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned char buf[512];
	int fd, i;

	if (argc < 4) {
		fprintf(stderr, "usage: dnsd ADDR PORT NAME=IPV4...\n");
		return 2;
	}
	for (i = 3; i < argc && nr_names < MAX_NAMES; i++) {
		char *eq = strchr(argv[i], '=');
		int j;

		if (!eq || eq - argv[i] > 254 || !inet_aton(eq + 1, &names[nr_names].addr)) {
			fprintf(stderr, "dnsd: bad NAME=IPV4 '%s'\n", argv[i]);
			return 2;
		}
		for (j = 0; argv[i] + j < eq; j++)
			names[nr_names].name[j] = tolower(argv[i][j]);
		nr_names++;
	}
	if (!inet_aton(argv[1], &sin.sin_addr)) {
		fprintf(stderr, "dnsd: bad address '%s'\n", argv[1]);
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("dnsd: socket");
		return 1;
	}
	printf("listening on %s:%s\n", argv[1], argv[2]);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		size_t r;

		if (n <= 0)
			continue;
		r = answer(buf, n, sizeof(buf));
		if (r)
			sendto(fd, buf, r, 0, (struct sockaddr *)&from, fl);
	}
}
