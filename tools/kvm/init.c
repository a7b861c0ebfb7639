// SPDX-License-Identifier: GPL-2.0
#include <linux/list.h>
#include "kvm/log.h"

#include "kvm/debug-stats.h"

#include "kvm/init.h"

static struct hlist_head init_lists[INIT_NR_LEVELS];
static struct hlist_head exit_lists[INIT_NR_LEVELS];

void init_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
		   enum init_level level, const char *name)
{
	item->fn = fn;
	item->name = name;
	hlist_add_head(&item->node, &init_lists[level]);
}

void exit_list_add(struct init_item *item, int (*fn)(struct kvm *kvm),
		   enum init_level level, const char *name)
{
	item->fn = fn;
	item->name = name;
	hlist_add_head(&item->node, &exit_lists[level]);
}

int init_list__init(struct kvm *kvm)
{
	struct init_item *item;
	int level, ret;

	for (level = 0; level < INIT_NR_LEVELS; level++) {
		hlist_for_each_entry(item, &init_lists[level], node) {
			pr_debug("init level %d: %s", level, item->name);
			ret = item->fn(kvm);
			if (ret < 0)
				return error("%s failed: %d", item->name, ret);
			startup__mark(item->name);
		}
	}
	return 0;
}

/* Exits run in reverse level order; every one runs even if some fail. */
int init_list__exit(struct kvm *kvm)
{
	struct init_item *item;
	int level, ret = 0;

	for (level = INIT_NR_LEVELS - 1; level >= 0; level--) {
		hlist_for_each_entry(item, &exit_lists[level], node) {
			pr_debug("exit level %d: %s", level, item->name);
			if (item->fn(kvm) < 0)
				ret = -1;
		}
	}
	return ret;
}
