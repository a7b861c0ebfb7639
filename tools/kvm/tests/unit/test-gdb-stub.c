// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb stub's packet handling (gdb__serve()), on a guest of two vCPUs
 * whose KVM file descriptors are gone: queries answer, threads are
 * vCPUs, target.xml comes in pieces, and every malformed packet, bad
 * thread and register or memory access that KVM refuses gets an "E NN"
 * error instead of a crash.  Real registers and memory are the lab's
 * (tests/lab/gdb.t).
 */
#include <stdio.h>
#include <string.h>

#include "kvm/gdb.h"
#include "kvm/kvm-cpu.h"
#include "kvm/util.h"
#include "fake-kvm.h"

static struct kvm *kvm;
static char reply[GDB_MAX_PACKET + 1];

static const char *serve(const char *pkt)
{
	if (gdb__serve(kvm, pkt, strlen(pkt), reply) < 0)
		return "(no reply)";
	return reply;
}

static bool is_error(const char *r)
{
	return r[0] == 'E' && strlen(r) == 3;
}

static void test_queries(void)
{
	const char *r = serve("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386");

	ok(strstr(r, "PacketSize=4000") && strstr(r, "qXfer:features:read+") &&
	   strstr(r, "swbreak+") && strstr(r, "hwbreak+"),
	   "qSupported: packet size, target.xml, breakpoint kinds");
	is_str(serve("qAttached"), "1", "qAttached: attached, so quitting gdb detaches");
	is_str(serve("qfThreadInfo"), "m1,2", "qfThreadInfo: a thread per vCPU");
	is_str(serve("qsThreadInfo"), "l", "qsThreadInfo: that was all");
	is_str(serve("Hg2"), "OK", "Hg2");
	is_str(serve("qC"), "QC2", "qC: the thread Hg chose");
	is_str(serve("Hg0"), "OK", "Hg0 (any)");
	is_str(serve("Hc-1"), "OK", "Hc-1 (all)");
	is_str(serve("T1"), "OK", "T1: alive");
	is_str(serve("T2"), "OK", "T2: alive");
	ok(is_error(serve("T3")), "T3: no such thread");
	ok(is_error(serve("Hg3")), "Hg3: no such thread");
	ok(is_error(serve("Hx1")), "Hx1: no such operation");
	is_str(serve("qThreadExtraInfo,2"), "764350552031" /* "vCPU 1" */,
	       "qThreadExtraInfo: the vCPU's name, in hex");
	ok(!strncmp(serve("?"), "T05thread:", 10), "?: a stop reply");
	is_str(serve("vCont?"), "vCont;c;C;s;S", "vCont? lists the actions");
	is_str(serve("vMustReplyEmpty"), "", "vMustReplyEmpty: empty");
	is_str(serve("qNoSuchThing"), "", "an unknown query: empty");
	is_str(serve("!"), "", "an unknown packet: empty");
	is_str(serve(""), "", "an empty packet: empty");
}

static void test_target_xml(void)
{
	char xml[65536] = "";
	char pkt[64];
	const char *r;
	size_t off = 0;
	int pieces = 0;

	do {
		snprintf(pkt, sizeof(pkt), "qXfer:features:read:target.xml:%zx,200", off);
		r = serve(pkt);
		if (r[0] != 'm' && r[0] != 'l')
			break;
		strcat(xml, r + 1);
		off += strlen(r + 1);
		pieces++;
	} while (r[0] == 'm' && pieces < 1000);
	ok(r[0] == 'l', "target.xml read to its end in %d pieces", pieces);
	ok(strstr(xml, "<architecture>i386:x86-64</architecture>") &&
	   strstr(xml, "org.gnu.gdb.i386.core") && strstr(xml, "org.gnu.gdb.i386.sse"),
	   "it describes x86-64 with the core and SSE features");
	ok(strstr(xml, "name=\"cr3\"") && strstr(xml, "name=\"fs_base\"") &&
	   strstr(xml, "name=\"xmm15\""), "control registers, segment bases, xmm15");
	ok(is_error(serve("qXfer:features:read:other.xml:0,100")), "another annex: error");
	ok(is_error(serve("qXfer:features:read:target.xml:ffffff,100")),
	   "an offset beyond its end: error");
	ok(is_error(serve("qXfer:features:read:target.xml:zz")), "a malformed offset: error");
}

static void test_errors(void)
{
	static const char * const bad[] = {
		"g", "gx", "G00", "p0", "pzz", "p999", "P0=12", "P0", "P999=00",
		"m0,4", "m", "mzz,4", "m0", "m0,", "m0,4x", "m11111111111111111,4",
		"M0,4:00", "M0,2:001", "M0,1:zz", "M0", "X0,4:ab", "X0", "X0,1",
		"Z0,0,1", "Z0", "Z0,", "Z0,zz,1", "Z1,0", "Z2,1,8", "Z2,0,3",
		"z0,1234,1", "z1,1234,1", "z2,1238,4",
		"c", "s", "c1234", "C05", "Cxx", "S05;zz", "vCont;c", "vCont;s:1",
		"vCont;x", "vCont;c:9", "Hg-2",
	};
	char nul[] = "m0\0,4";
	size_t i;
	int errors = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (is_error(serve(bad[i])))
			errors++;
		else
			diag("'%s' got '%s'", bad[i], reply);
	}
	is_int(errors, sizeof(bad) / sizeof(bad[0]),
	       "malformed packets and refused accesses get E NN");
	ok(gdb__serve(kvm, nul, sizeof(nul) - 1, reply) >= 0 && is_error(reply),
	   "a NUL in a text packet: error");
	is_str(serve("Z5,0,1"), "", "an unknown breakpoint type: empty (unsupported)");
	is_str(serve("Z3,1000,4"), "", "a read watchpoint: unsupported on x86");
	is_str(serve("Z1,ffffffff81000000,1"), "OK", "a hardware breakpoint needs no memory");
	is_str(serve("Z2,ffffffff81000008,8"), "OK", "an aligned watchpoint");
	is_str(serve("Z4,ffffffff81000010,4"), "OK", "an access watchpoint");
	is_str(serve("Z2,ffffffff81000020,2"), "OK", "a fourth slot");
	ok(is_error(serve("Z1,ffffffff81000030,1")), "no fifth debug register");
	is_str(serve("z2,ffffffff81000008,8"), "OK", "removing one");
	is_str(serve("Z1,ffffffff81000030,1"), "OK", "frees its slot");
	is_int(gdb__serve(kvm, "D", 1, reply), -1, "D: no reply from here");
	is_int(gdb__serve(kvm, "k", 1, reply), -1, "k: none either");
	is_str(serve("QStartNoAckMode"), "OK", "QStartNoAckMode");
}

int main(void)
{
	struct kvm_cpu *cpus[2];
	int i;

	plan(40);
	kvm = fake_kvm_new();
	kvm->nrcpus = 2;
	kvm->cpus = cpus;
	for (i = 0; i < 2; i++) {
		cpus[i] = xzalloc(sizeof(*cpus[i]));
		cpus[i]->kvm = kvm;
		cpus[i]->cpu_id = i;
		cpus[i]->vcpu_fd = -1;
	}
	test_queries();
	test_target_xml();
	test_errors();
	return exit_status();
}
