// SPDX-License-Identifier: GPL-2.0
/* lkvm pause NAME: stops every vCPU of a running guest, and its clock. */
#include "kvm/builtin.h"
#include "kvm/control.h"

static const char * const pause_usage[] = {
	"lkvm pause NAME",
	NULL
};

int cmd_pause(int argc, const char **argv)
{
	return control__guest_command(argc, argv, pause_usage, LKVM_CTL_PAUSE,
				      "paused");
}
