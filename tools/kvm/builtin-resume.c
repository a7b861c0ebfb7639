// SPDX-License-Identifier: GPL-2.0
/* lkvm resume NAME: lets a paused guest run again. */
#include "kvm/builtin.h"
#include "kvm/control.h"

static const char * const resume_usage[] = {
	"lkvm resume NAME",
	NULL
};

int cmd_resume(int argc, const char **argv)
{
	return control__guest_command(argc, argv, resume_usage, LKVM_CTL_RESUME,
				      "resumed");
}
