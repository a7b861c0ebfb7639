// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's debug requests (control-proto.h): lkvm debug
 * NAME --dump, --nmi and --sysrq KEY.  They run on the main loop.
 */
#include <errno.h>
#include <string.h>

#include <linux/kernel.h>
#include "kvm/log.h"
#include "kvm/strbuf.h"

#include "kvm/control.h"
#include "kvm/debug-dump.h"
#include "kvm/kvm.h"
#include "kvm/kvm-cpu.h"
#include "kvm/serial.h"

/* A dump longer than this is cut (the vCPUs' part is bounded anyway). */
#define MAX_DUMP_BYTES		(1U << 20)

/* The last dump, read in pieces by its client. */
static struct {
	struct strbuf text;
	u32 gen;
} last = { .text = STRBUF_INIT };

static int new_dump(struct kvm *kvm, const struct lkvm_ctl_dump *r)
{
	int ret;

	strbuf_reset(&last.text);
	last.gen++;
	ret = debug_dump__vm(kvm, r->vmlinux[0] ? r->vmlinux : NULL,
			     &last.text);
	if (last.text.len > MAX_DUMP_BYTES)
		strbuf_setlen(&last.text, MAX_DUMP_BYTES);
	return ret;
}

static int ctl_dump(struct kvm *kvm, const void *req, u32 req_len,
		    void *reply, u32 *reply_len)
{
	size_t room = LKVM_CTL_MAX_MSG - sizeof(struct lkvm_ctl_reply) -
		      sizeof(struct lkvm_ctl_dump_info);
	struct lkvm_ctl_dump_info *info = reply;
	struct lkvm_ctl_dump r;
	int ret;

	memset(&r, 0, sizeof(r));
	memcpy(&r, req, min_t(u32, req_len, sizeof(r)));
	if (!memchr(r.vmlinux, '\0', sizeof(r.vmlinux)) ||
	    (r.vmlinux[0] && r.vmlinux[0] != '/'))
		return -EINVAL;
	if (!kvm->cpus || !kvm->nrcpus)
		return -EAGAIN;
	if (!r.offset) {
		ret = new_dump(kvm, &r);
		if (ret)
			return ret;
	} else if (r.gen != last.gen) {
		return -ESTALE;
	}
	if (r.offset > last.text.len)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->gen = last.gen;
	info->total = last.text.len;
	info->len = min_t(size_t, room, last.text.len - r.offset);
	memcpy(info->text, last.text.buf + r.offset, info->len);
	*reply_len = sizeof(*info) + info->len;
	return 0;
}

static struct control_handler dump_ctl = {
	.type = LKVM_CTL_DUMP,
	.handle = ctl_dump,
};
control_handler_register(dump_ctl);

static int ctl_nmi(struct kvm *kvm, const void *req, u32 req_len,
		   void *reply, u32 *reply_len)
{
	if (!kvm->cpus || !kvm->nrcpus)
		return -EAGAIN;
	pr_info("an NMI into every vCPU (lkvm debug --nmi)");
	kvm_cpu__nmi_all(kvm);
	return 0;
}

static struct control_handler nmi_ctl = {
	.type = LKVM_CTL_NMI,
	.handle = ctl_nmi,
};
control_handler_register(nmi_ctl);

static int ctl_sysrq(struct kvm *kvm, const void *req, u32 req_len,
		     void *reply, u32 *reply_len)
{
	struct lkvm_ctl_sysrq r;

	memset(&r, 0, sizeof(r));
	memcpy(&r, req, min_t(u32, req_len, sizeof(r)));
	if (r.key < 0x21 || r.key > 0x7e)
		return -EINVAL;
	return serial8250__sysrq(kvm, r.key);
}

static struct control_handler sysrq_ctl = {
	.type = LKVM_CTL_SYSRQ,
	.handle = ctl_sysrq,
};
control_handler_register(sysrq_ctl);
