// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net's user mode (virtio/net-user.c) without a guest: frames
 * that need no guest are handed to the backend's libslirp instance and
 * its answers taken where the RX queue would get them.  ARP for the
 * host and the DNS server must be answered with libslirp's MAC, a DHCP
 * DISCOVER with an OFFER of 10.0.2.15 and the guest's name, an IPv6
 * router solicitation with fec0::/64.  hostfwd= rules must parse as
 * QEMU's do, anything else fail with a message that names the rule and
 * what is wrong, and a forward must listen on the host until exit and no
 * longer.  The thread must come and go with start, stop and exit.
 *
 * Then the whole device: a driver written here brings up a virtio-mmio
 * virtio-net in the fake guest's RAM, sends a DHCP DISCOVER on its TX
 * queue while it has no RX buffers, and must find the OFFER in the RX
 * buffers it gives afterwards, behind a vnet header.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/kernel.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#include "kvm/bus.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/log.h"
#include "kvm/virtio.h"
#include "kvm/virtio-mmio.h"
#include "kvm/virtio-net.h"
#include "tap.h"
#include "fake-kvm.h"
#include "fake-mmio-driver.h"

#ifndef CONFIG_HAS_LIBSLIRP
int main(void)
{
	skip_all("lkvm was built without libslirp");
}
#else
#include "../../virtio/net-user.h"

#define GUEST_NAME	"nettest"

static const u8 guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct kvm *kvm;

/* ------------------------------------------------------------------ */
/* What the backend sends the guest */

#define MAX_CAPTURED	16U

static struct {
	u8 data[2048];
	size_t len;
} captured[MAX_CAPTURED];
static unsigned int nr_captured;

static ssize_t capture(const void *frame, size_t len, void *opaque)
{
	if (nr_captured < MAX_CAPTURED && len <= sizeof(captured[0].data)) {
		memcpy(captured[nr_captured].data, frame, len);
		captured[nr_captured].len = len;
	}
	nr_captured++;
	return len;
}

/* The first captured frame of @ethertype, or NULL. */
static const u8 *find_frame(u16 ethertype, size_t *len)
{
	unsigned int i;

	for (i = 0; i < min(nr_captured, MAX_CAPTURED); i++) {
		const u8 *f = captured[i].data;

		if (captured[i].len >= 14 && (f[12] << 8 | f[13]) == ethertype) {
			*len = captured[i].len;
			return f;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* stderr, for the messages */

static char err_text[4096];
static FILE *err_file;
static int saved_stderr = -1;

static void err_begin(void)
{
	fflush(stderr);
	err_file = tmpfile();
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(err_file), STDERR_FILENO);
}

static const char *err_end(void)
{
	size_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(err_file);
	n = fread(err_text, 1, sizeof(err_text) - 1, err_file);
	while (n && err_text[n - 1] == '\n')
		n--;
	err_text[n] = '\0';
	fclose(err_file);
	return err_text;
}

static bool has(const char *text, const char *what)
{
	bool r = strstr(text, what) != NULL;

	if (!r)
		diag("  '%s' not in: %s", what, text);
	return r;
}

/* ------------------------------------------------------------------ */
/* Frames */

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static u16 get16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static u32 csum_add(u32 sum, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static u16 csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static size_t eth_hdr(u8 *f, const u8 *dst, u16 type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, type);
	return 14;
}

static size_t arp_request(u8 *f, const char *sender, const char *target)
{
	size_t n = eth_hdr(f, bcast_mac, 0x0806);
	u8 *a = f + n;

	put16(a, 1);			/* Ethernet */
	put16(a + 2, 0x0800);		/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);		/* request */
	memcpy(a + 8, guest_mac, 6);
	inet_pton(AF_INET, sender, a + 14);
	memset(a + 18, 0, 6);
	inet_pton(AF_INET, target, a + 24);
	return n + 28;
}

#define BOOTP_LEN	300
#define XID		0x1234abcd

/* 0.0.0.0:68 to 255.255.255.255:67, no UDP checksum (allowed in IPv4). */
static size_t dhcp_discover(u8 *f)
{
	size_t n = eth_hdr(f, bcast_mac, 0x0800);
	u8 *ip = f + n, *udp = ip + 20, *bp = udp + 8, *opt;

	memset(ip, 0, 20 + 8 + BOOTP_LEN);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + BOOTP_LEN);
	ip[8] = 64;
	ip[9] = 17;			/* UDP */
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, 8 + BOOTP_LEN);

	bp[0] = 1;			/* BOOTREQUEST */
	bp[1] = 1;
	bp[2] = 6;
	put16(bp + 4, XID >> 16);
	put16(bp + 6, XID & 0xffff);
	memcpy(bp + 28, guest_mac, 6);
	opt = bp + 236;
	memcpy(opt, "\x63\x82\x53\x63", 4);
	opt += 4;
	*opt++ = 53;			/* DHCP message type: DISCOVER */
	*opt++ = 1;
	*opt++ = 1;
	*opt++ = 255;
	return n + 20 + 8 + BOOTP_LEN;
}

/* The @code option of the BOOTP message @bp (@len bytes), or NULL. */
static const u8 *dhcp_option(const u8 *bp, size_t len, u8 code, u8 *olen)
{
	size_t i = 240;

	if (len < 240 || memcmp(bp + 236, "\x63\x82\x53\x63", 4))
		return NULL;
	while (i < len && bp[i] != 255) {
		if (bp[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + bp[i + 1] > len)
			return NULL;
		if (bp[i] == code) {
			*olen = bp[i + 1];
			return bp + i + 2;
		}
		i += 2 + bp[i + 1];
	}
	return NULL;
}

/* From the guest's link-local address to all routers, with its MAC. */
static size_t router_solicitation(u8 *f)
{
	static const u8 dst_mac[6] = { 0x33, 0x33, 0, 0, 0, 2 };
	size_t n = eth_hdr(f, dst_mac, 0x86dd);
	u8 *ip6 = f + n, *icmp = ip6 + 40;
	u16 plen = 16;
	u32 sum;

	memset(ip6, 0, 40 + plen);
	ip6[0] = 0x60;
	put16(ip6 + 4, plen);
	ip6[6] = 58;			/* ICMPv6 */
	ip6[7] = 255;
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", ip6 + 8);
	inet_pton(AF_INET6, "ff02::2", ip6 + 24);
	icmp[0] = 133;			/* router solicitation */
	icmp[8] = 1;			/* source link-layer address */
	icmp[9] = 1;
	memcpy(icmp + 10, guest_mac, 6);
	/* The pseudo-header: addresses, length, next header. */
	sum = csum_add(0, ip6 + 8, 32) + plen + 58;
	put16(icmp + 2, csum_fold(csum_add(sum, icmp, plen)));
	return n + 40 + plen;
}

/* ------------------------------------------------------------------ */
/* A backend */

static void ndev_setup(struct net_dev *ndev, const char **rules,
		       unsigned int nr_rules)
{
	unsigned int i;

	memset(ndev, 0, sizeof(*ndev));
	snprintf(ndev->name, sizeof(ndev->name), "virtio-net0");
	ndev->params.mode = NET_MODE_USER;
	ndev->params.nr_hostfwd = nr_rules;
	for (i = 0; i < nr_rules; i++)
		ndev->params.hostfwd[i] = rules[i];
	ndev->vdev.kvm = kvm;
	ndev->vdev.name = ndev->name;
}

static int backend_init(struct net_dev *ndev)
{
	u64 features = 0;

	return net_user__ops.init(ndev, &features);
}

/* ------------------------------------------------------------------ */
/* Tests */

static void test_arp(struct net_dev *ndev)
{
	static const u8 host_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
	static const u8 dns_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
	u8 f[64], ip[4];
	const u8 *r, *a;
	size_t len;

	nr_captured = 0;
	net_user__input(ndev, f, arp_request(f, "10.0.2.15", "10.0.2.2"));
	r = find_frame(0x0806, &len);
	ok(r && len >= 42, "ARP for 10.0.2.2: a reply");
	if (!r || len < 42) {
		skip(3, "no ARP reply");
	} else {
		a = r + 14;
		ok(!memcmp(r, guest_mac, 6) && get16(a + 6) == 2,
		   "ARP reply: to the guest's MAC, op reply");
		ok(!memcmp(a + 8, host_mac, 6) && !memcmp(r + 6, host_mac, 6),
		   "ARP reply: 10.0.2.2 is at libslirp's 52:55:0a:00:02:02");
		inet_pton(AF_INET, "10.0.2.2", ip);
		ok(!memcmp(a + 14, ip, 4) && !memcmp(a + 18, guest_mac, 6),
		   "ARP reply: sender 10.0.2.2, target the guest");
	}

	nr_captured = 0;
	net_user__input(ndev, f, arp_request(f, "10.0.2.15", "10.0.2.3"));
	r = find_frame(0x0806, &len);
	ok(r && len >= 42 && !memcmp(r + 14 + 8, dns_mac, 6),
	   "ARP for 10.0.2.3 (DNS): 52:55:0a:00:02:03");

	nr_captured = 0;
	net_user__input(ndev, f, arp_request(f, "10.0.2.15", "10.0.2.99"));
	is_int(nr_captured, 0, "ARP for 10.0.2.99, no one's: no reply");
}

static void test_dhcp(struct net_dev *ndev)
{
	u8 f[512], want[4];
	const u8 *r, *ip, *udp, *bp, *o;
	size_t len, bp_len;
	u8 olen = 0;

	nr_captured = 0;
	net_user__input(ndev, f, dhcp_discover(f));
	r = find_frame(0x0800, &len);
	if (!ok(r && len >= 14 + 20 + 8 + 240, "DHCP DISCOVER: an IPv4 reply")) {
		skip(5, "no DHCP reply");
		return;
	}
	ip = r + 14;
	udp = ip + (ip[0] & 0xf) * 4;
	bp = udp + 8;
	bp_len = len - (bp - r);
	ok(ip[9] == 17 && get16(udp) == 67 && get16(udp + 2) == 68,
	   "DHCP reply: UDP from port 67 to 68");
	ok(bp[0] == 2 && get16(bp + 4) == XID >> 16 && get16(bp + 6) == (XID & 0xffff),
	   "DHCP reply: a BOOTREPLY with our transaction id");
	o = dhcp_option(bp, bp_len, 53, &olen);
	ok(o && olen == 1 && o[0] == 2, "DHCP reply: an OFFER");
	inet_pton(AF_INET, "10.0.2.15", want);
	ok(!memcmp(bp + 16, want, 4), "DHCP OFFER: 10.0.2.15");
	o = dhcp_option(bp, bp_len, 12, &olen);
	ok(o && olen == strlen(GUEST_NAME) && !memcmp(o, GUEST_NAME, olen),
	   "DHCP OFFER: host name '" GUEST_NAME "', the guest's");
}

static void test_ipv6(struct net_dev *ndev)
{
	u8 f[128], prefix[16];
	const u8 *r, *icmp, *opt;
	bool found = false;
	size_t len, i;

	nr_captured = 0;
	net_user__input(ndev, f, router_solicitation(f));
	r = find_frame(0x86dd, &len);
	if (!ok(r && len >= 14 + 40 + 16 && r[14 + 6] == 58 && r[14 + 40] == 134,
		"IPv6 router solicitation: a router advertisement")) {
		skip(1, "no router advertisement");
		return;
	}
	icmp = r + 14 + 40;
	inet_pton(AF_INET6, "fec0::", prefix);
	/* Options after the 16 bytes of the RA itself. */
	for (i = 16; i + 8 <= len - 54; i += opt[1] * 8) {
		opt = icmp + i;
		if (!opt[1])
			break;
		if (opt[0] == 3 && opt[1] == 4 && opt[2] == 64 &&
		    !memcmp(opt + 16, prefix, 16))
			found = true;
	}
	ok(found, "router advertisement: prefix fec0::/64");
}

static void test_frames(void)
{
	struct net_dev ndev;
	const char *d;

	ndev_setup(&ndev, NULL, 0);
	if (!ok(!backend_init(&ndev), "init")) {
		skip(16, "no backend");
		return;
	}
	is_int(ndev.nr_pairs, 1, "one queue pair");
	d = net_user__ops.describe(&ndev);
	ok(d && has(d, "user (libslirp ") && has(d, "10.0.2.15/24"),
	   "describe: '%s'", d ? d : "(null)");
	net_user__capture(&ndev, capture, NULL);
	test_arp(&ndev);
	test_dhcp(&ndev);
	test_ipv6(&ndev);
	net_user__ops.exit(&ndev);
}

struct good_rule {
	const char *rule;
	bool udp;
	const char *host;
	u16 host_port;
	const char *guest;		/* NULL: not given */
	u16 guest_port;
};

static const struct good_rule good_rules[] = {
	{ "tcp::2222-:22", false, "0.0.0.0", 2222, NULL, 22 },
	{ "tcp:127.0.0.1:2222-:22", false, "127.0.0.1", 2222, NULL, 22 },
	{ "udp::5353-10.0.2.15:53", true, "0.0.0.0", 5353, "10.0.2.15", 53 },
	{ "::8080-10.0.2.100:80", false, "0.0.0.0", 8080, "10.0.2.100", 80 },
	{ "tcp:0.0.0.0:65535-:1", false, "0.0.0.0", 65535, NULL, 1 },
};

static const struct {
	const char *rule;
	const char *why;
} bad_rules[] = {
	{ "", "expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" },
	{ "tcp", "expected [tcp|udp]" },
	{ "tcp::2222:22", "expected [tcp|udp]" },
	{ "tcp:2222-:22", "expected [tcp|udp]" },
	{ "sctp::2222-:22", "protocol 'sctp' is not tcp or udp" },
	{ "TCP::2222-:22", "protocol 'TCP' is not tcp or udp" },
	{ "tcp::0-:22", "port '0' is not a number from 1 to 65535" },
	{ "tcp::65536-:22", "port '65536' is not a number from 1 to 65535" },
	{ "tcp::99999999999999999999-:22", "port '99999999999999999999' is not" },
	{ "tcp::22x-:22", "port '22x' is not" },
	{ "tcp::-:22", "port '' is not" },
	{ "tcp::+22-:22", "port '+22' is not" },
	{ "tcp::0x16-:22", "port '0x16' is not" },
	{ "tcp::2222-:", "port '' is not" },
	{ "tcp::2222-:22:1", "port '22:1' is not" },
	{ "tcp:1.2.3:2222-:22", "'1.2.3' is not an IPv4 address" },
	{ "tcp:localhost:2222-:22", "'localhost' is not an IPv4 address" },
	{ "tcp::2222-10.0.2.256:22", "'10.0.2.256' is not an IPv4 address" },
	{ "tcp::2222-10.0.3.15:22", "guest address 10.0.3.15 is not a guest's in 10.0.2.0/24" },
	{ "tcp::2222-10.0.2.2:22", "guest address 10.0.2.2 is not" },
	{ "tcp::2222-10.0.2.255:22", "guest address 10.0.2.255 is not" },
	{ "tcp:[::1]:2222-:22", "the host address must be IPv4 (or none)" },
	{ "tcp::2222-:22 ", "port '22 ' is not" },
	{ "tcp:127.0.0.1:2222-10.0.2.15:22-and-a-long-tail-that-does-not-fit",
	  "too long" },
};

static void test_parse(void)
{
	struct net_user_hostfwd f;
	struct in_addr host, guest;
	const char *err;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(good_rules); i++) {
		const struct good_rule *g = &good_rules[i];

		inet_pton(AF_INET, g->host, &host);
		guest.s_addr = 0;
		if (g->guest)
			inet_pton(AF_INET, g->guest, &guest);
		err_begin();
		ret = net_user__parse_hostfwd(g->rule, &f);
		err = err_end();
		ok(!ret && !*err && f.udp == g->udp &&
		   f.host_addr.s_addr == host.s_addr && f.host_port == g->host_port &&
		   f.guest_addr.s_addr == guest.s_addr && f.guest_port == g->guest_port,
		   "hostfwd=%s", g->rule);
		if (*err)
			diag("  %s", err);
	}
	for (i = 0; i < ARRAY_SIZE(bad_rules); i++) {
		char prefix[128];

		err_begin();
		ret = net_user__parse_hostfwd(bad_rules[i].rule, &f);
		err = err_end();
		snprintf(prefix, sizeof(prefix), "error: --network: hostfwd=%s: ", bad_rules[i].rule);
		ok(ret == -1 && !strncmp(err, prefix, strlen(prefix)) &&
		   has(err, bad_rules[i].why),
		   "hostfwd=%s is refused: %s", bad_rules[i].rule, bad_rules[i].why);
	}
}

/* A TCP socket listening on 127.0.0.1 (port 0: any); its port in *@port. */
static int listen_on(u16 want, u16 *port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(want),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&sa, &sl)) {
		close(s);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

static bool can_connect(u16 port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool r;

	r = s >= 0 && !connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (s >= 0)
		close(s);
	return r;
}

static void test_hostfwd(void)
{
	char rule[64], want[160], udp_rule[64];
	const char *rules[3], *err;
	struct net_dev ndev;
	u16 port, p2;
	int s, ret;

	/* A port someone else listens on. */
	s = listen_on(0, &port);
	if (s < 0) {
		skip(8, "cannot listen on 127.0.0.1");
		return;
	}
	snprintf(rule, sizeof(rule), "tcp:127.0.0.1:%u-:22", port);
	rules[0] = rule;
	ndev_setup(&ndev, rules, 1);
	err_begin();
	ret = backend_init(&ndev);
	err = err_end();
	snprintf(want, sizeof(want),
		 "error: --network: hostfwd=%s: cannot listen on TCP 127.0.0.1:%u: ",
		 rule, port);
	ok(ret < 0 && !strncmp(err, want, strlen(want)) &&
	   has(err, "Address already in use"),
	   "a port in use: init fails naming the rule and the reason");
	ok(!ndev.backend, "... and leaves no backend");
	close(s);

	/* A bad rule after a good one: nothing listens afterwards. */
	rules[0] = rule;
	rules[1] = "tcp::2222-:99999";
	ndev_setup(&ndev, rules, 2);
	err_begin();
	ret = backend_init(&ndev);
	err = err_end();
	ok(ret < 0 && has(err, "error: --network: hostfwd=tcp::2222-:99999: port '99999'"),
	   "a bad rule: init fails naming it");
	ok(!can_connect(port), "... before listening on the good rule's port");

	/* Free ports, and forwards that listen on them until exit. */
	s = listen_on(0, &p2);
	if (s >= 0)
		close(s);
	snprintf(udp_rule, sizeof(udp_rule), "udp:127.0.0.1:%u-10.0.2.15:53", p2);
	rules[1] = udp_rule;
	ndev_setup(&ndev, rules, 2);
	err_begin();
	ret = backend_init(&ndev);
	err = err_end();
	if (!ok(!ret && !*err, "init with %s and %s", rule, udp_rule)) {
		diag("  %s", err);
		skip(3, "no backend");
		return;
	}
	ok(has(net_user__ops.describe(&ndev), "2 hostfwd"), "describe: 2 hostfwd");
	ok(can_connect(port), "the TCP forward listens on 127.0.0.1:%u", port);
	net_user__ops.exit(&ndev);
	ok(!can_connect(port), "... and no longer after exit");
}

/* How many of our threads are called @name. */
static int threads_named(const char *name)
{
	struct dirent *d;
	char path[300], comm[32];
	DIR *dir = opendir("/proc/self/task");
	FILE *f;
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, name, strlen(name)) &&
		    comm[strlen(name)] == '\n')
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

/*
 * The count of @name threads once it is @want, or after 2 s.  A thread
 * that pthread_join() has seen end can still be listed for a moment: the
 * kernel wakes the joiner before it takes the task out of /proc.
 */
static int threads_named_settled(const char *name, int want)
{
	int n, i;

	for (i = 0; i < 200; i++) {
		n = threads_named(name);
		if (n == want)
			break;
		sleep_ms(10);
	}
	return n;
}

/*
 * The queues are real but never enabled: the thread finds them empty.
 * What matters is that it runs, one per NIC, survives a reset and ends.
 */
static void test_thread(void)
{
	struct net_queue_pair qp;
	struct net_dev ndev;
	int ret;

	ndev_setup(&ndev, NULL, 0);
	ndev.vdev.nr_queues = 3;
	ndev.vdev.queue_size = NET_QUEUE_SIZE;
	ndev.vdev.external_queues = 3;
	if (virtio_device__init_queues(kvm, &ndev.vdev) || backend_init(&ndev)) {
		skip(5, "no device");
		return;
	}
	memset(&qp, 0, sizeof(qp));
	qp.ndev = &ndev;
	qp.rx = &ndev.vdev.vqs[0];
	qp.tx = &ndev.vdev.vqs[1];
	ndev.pairs = &qp;
	ndev.hdr_len = sizeof(struct virtio_net_hdr_v1);

	is_int(threads_named("net-user0"), 0, "no thread before start");
	ret = net_user__ops.start(&ndev);
	sleep_ms(20);
	ok(!ret && threads_named("net-user0") == 1, "start: one thread, net-user0");
	virtq__kick(qp.tx);
	virtq__kick(qp.rx);
	sleep_ms(20);
	net_user__ops.stop(&ndev);
	virtq__kick(qp.tx);
	sleep_ms(20);
	is_int(threads_named("net-user0"), 1, "stop: the thread stays");
	ret = net_user__ops.start(&ndev);
	sleep_ms(20);
	ok(!ret && threads_named("net-user0") == 1, "start again: still one thread");
	net_user__ops.exit(&ndev);
	is_int(threads_named_settled("net-user0", 0), 0, "exit: the thread is gone");
	for (ret = 0; ret < ndev.vdev.nr_queues; ret++)
		close(ndev.vdev.vqs[ret].kick_fd);
	free(ndev.vdev.vqs);
}

/* ------------------------------------------------------------------ */
/* The whole device, through virtio-mmio and the fake guest's queues */

#define RXQ		0
#define TXQ		1
#define CTRLQ		2
#define RX_BUF(i)	(DATA + (i) * 0x1000)
#define RX_BUF_LEN	2048
#define NR_RX_BUFS	4
#define TX_BUF		(DATA + 0x8000)
#define HDR_LEN		sizeof(struct virtio_net_hdr_v1)

/* VERSION_1 and the MAC, nothing else: one buffer per packet. */
static bool driver_setup(void)
{
	u64 features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC);

	mmio_reset(0x10000);
	return mmio_driver_setup(features, true, 3, QSIZE) &&
	       (mmio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_DRIVER_OK);
}

/* Makes descriptor @head ([addr, addr + len)) available on queue @q. */
static void submit(int q, u16 head, u64 addr, u32 len, bool writable)
{
	mmio_submit(q, head, &addr, &len, 1, writable ? 0 : 1, false);
}

static void test_device(void)
{
	struct net_params params;
	struct net_dev *ndev = NULL;
	struct vring_used *used = gpa(QUSED(RXQ));
	u8 *tx = gpa(TX_BUF), want[4];
	const u8 *r, *ip, *udp, *bp, *o;
	size_t len;
	u64 tx_packets, rx_packets;
	u8 olen = 0;
	u32 id, rlen;
	int i;

	fake_mmio_init(kvm, KVM_VIRTIO_MMIO_START);
	virtio__set_transport("mmio");
	if (!ok(!net__parse_params("mode=user", &params) &&
		!virtio_net__add(kvm, &params, &ndev) && ndev &&
		virtio_mmio__nr_devices() == 1,
		"--network mode=user: a virtio-mmio virtio-net")) {
		skip(8, "no device");
		return;
	}
	is_int(mmio_rd(VIRTIO_MMIO_DEVICE_ID), 1, "device id 1: net");
	if (!ok(driver_setup(), "driver up: VERSION_1, MAC")) {
		skip(6, "no driver");
		goto out;
	}

	/* A DISCOVER while the guest has no RX buffers yet. */
	memset(tx, 0, HDR_LEN);
	len = dhcp_discover(tx + HDR_LEN);
	submit(TXQ, 0, TX_BUF, HDR_LEN + len, false);
	mmio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, TXQ);
	ok(wait_used(TXQ, 1), "TX: the chain is completed");
	sleep_ms(50);
	is_int(used_idx(RXQ), 0, "RX: nothing yet, no buffers");

	/* The OFFER waited in the backlog for buffers. */
	for (i = 0; i < NR_RX_BUFS; i++)
		submit(RXQ, i, RX_BUF(i), RX_BUF_LEN, true);
	mmio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
	if (!ok(wait_used(RXQ, 1) || used_idx(RXQ) > 1,
		"RX: a packet once there are buffers")) {
		skip(3, "no packet");
		goto out;
	}
	id = used->ring[0].id;
	rlen = used->ring[0].len;
	r = id < NR_RX_BUFS ? gpa(RX_BUF(id)) : NULL;
	ok(r && rlen > HDR_LEN + 14 + 20 + 8 + 240 && rlen <= RX_BUF_LEN &&
	   get16(r + 10) == 0x0100 /* num_buffers 1, little-endian */,
	   "RX: a vnet header saying one buffer, and a frame");
	if (!r || rlen <= HDR_LEN + 14 + 20 + 8 + 240 || rlen > RX_BUF_LEN) {
		skip(2, "no frame");
		goto out;
	}
	r += HDR_LEN;
	ip = r + 14;
	udp = ip + (ip[0] & 0xf) * 4;
	bp = udp + 8;
	o = dhcp_option(bp, rlen - HDR_LEN - (bp - r), 53, &olen);
	inet_pton(AF_INET, "10.0.2.15", want);
	ok(get16(r + 12) == 0x0800 && ip[9] == 17 && get16(udp + 2) == 68 &&
	   bp[0] == 2 && !memcmp(bp + 28, guest_mac, 6) &&
	   o && olen == 1 && o[0] == 2 && !memcmp(bp + 16, want, 4),
	   "RX: the DHCP OFFER of 10.0.2.15 to our MAC");
	tx_packets = __atomic_load_n(&ndev->stats.tx_packets, __ATOMIC_RELAXED);
	rx_packets = __atomic_load_n(&ndev->stats.rx_packets, __ATOMIC_RELAXED);
	ok(tx_packets == 1 && rx_packets >= 1, "stats: %llu TX, %llu RX packets",
	   (unsigned long long)tx_packets, (unsigned long long)rx_packets);
out:
	mmio_wr(VIRTIO_MMIO_STATUS, 0);
	ndev->ops->exit(ndev);
}

int main(void)
{
	loglevel = LOGLEVEL_ERROR;
	kvm = fake_kvm_new();
	kvm->ram_size = RAM_SIZE;
	kvm->cfg.guest_name = GUEST_NAME;

	plan(17 + ARRAY_SIZE(good_rules) + ARRAY_SIZE(bad_rules) + 8 + 5 + 9);
	test_frames();
	test_parse();
	test_hostfwd();
	test_thread();
	test_device();
	return exit_status();
}
#endif /* CONFIG_HAS_LIBSLIRP */
