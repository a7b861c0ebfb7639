// SPDX-License-Identifier: GPL-2.0
/*
 * list.h: every list and hlist operation and iterator.  Each check renders
 * a list as a string of values, walking forward, and verifies on the way
 * that the backward links agree.
 */
#include <linux/list.h>

#include "tap.h"

struct item {
	int val;
	struct list_head node;
	struct hlist_node hnode;
};

static struct item items[10];

/* "1 2 3", or "BROKEN" if a prev link disagrees with the next links. */
static const char *show(struct list_head *head)
{
	static char buf[128];
	struct list_head *pos;
	size_t len = 0;
	int guard = 0;

	buf[0] = 0;
	for (pos = head->next; pos != head; pos = pos->next) {
		if (pos->next->prev != pos || pos->prev->next != pos || ++guard > 20)
			return "BROKEN";
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? " " : "",
				list_entry(pos, struct item, node)->val);
	}
	if (head->next->prev != head || head->prev->next != head)
		return "BROKEN";
	return buf;
}

static const char *show_h(struct hlist_head *head)
{
	static char buf[128];
	struct hlist_node **pprev = &head->first;
	struct item *it;
	size_t len = 0;

	buf[0] = 0;
	hlist_for_each_entry(it, head, hnode) {
		if (it->hnode.pprev != pprev)
			return "BROKEN";
		pprev = &it->hnode.next;
		len += snprintf(buf + len, sizeof(buf) - len, "%s%d", len ? " " : "", it->val);
	}
	return buf;
}

static void fill(struct list_head *head, int from, int to)
{
	int i;

	INIT_LIST_HEAD(head);
	for (i = from; i <= to; i++) {
		items[i].val = i;
		list_add_tail(&items[i].node, head);
	}
}

static void basics(void)
{
	LIST_HEAD(head);
	struct list_head other;

	ok(list_empty(&head) && !list_is_singular(&head), "LIST_HEAD is empty");
	is_str(show(&head), "", "empty list shows nothing");

	items[1].val = 1;
	list_add(&items[1].node, &head);
	ok(list_is_singular(&head) && head.next == &items[1].node &&
	   list_is_last(&items[1].node, &head), "one entry: singular, first and last");
	items[2].val = 2;
	list_add(&items[2].node, &head);
	items[3].val = 3;
	list_add_tail(&items[3].node, &head);
	is_str(show(&head), "2 1 3", "list_add at the head, list_add_tail at the tail");
	ok(list_first_entry(&head, struct item, node) == &items[2] &&
	   list_last_entry(&head, struct item, node) == &items[3], "first and last entry");
	ok(list_next_entry(&items[2], node) == &items[1] &&
	   list_prev_entry(&items[1], node) == &items[2], "next and prev entry");

	list_del(&items[1].node);
	is_str(show(&head), "2 3", "list_del from the middle");
	ok(items[1].node.next == LIST_POISON1 && items[1].node.prev == LIST_POISON2,
	   "deleted entry is poisoned");

	list_del_init(&items[2].node);
	ok(list_empty(&items[2].node), "list_del_init leaves an empty head");
	is_str(show(&head), "3", "list_del_init from the front");

	items[4].val = 4;
	list_replace(&items[3].node, &items[4].node);
	is_str(show(&head), "4", "list_replace");
	items[5].val = 5;
	list_replace_init(&items[4].node, &items[5].node);
	ok(!strcmp(show(&head), "5") && list_empty(&items[4].node), "list_replace_init");

	ok(list_first_entry_or_null(&head, struct item, node) == &items[5],
	   "list_first_entry_or_null on a list");
	INIT_LIST_HEAD(&other);
	ok(!list_first_entry_or_null(&other, struct item, node),
	   "list_first_entry_or_null on an empty list");
}

static void moves(void)
{
	struct list_head a, b;

	fill(&a, 0, 3);
	INIT_LIST_HEAD(&b);
	list_move(&items[2].node, &b);
	list_move_tail(&items[0].node, &b);
	ok(!strcmp(show(&a), "1 3") && !strcmp(show(&b), "2 0"), "list_move and list_move_tail");
	list_move(&items[3].node, &a);
	is_str(show(&a), "3 1", "list_move within one list");
}

static void splices(void)
{
	struct list_head a, b, empty;

	fill(&a, 0, 2);
	fill(&b, 5, 7);
	list_splice(&b, &a);
	is_str(show(&a), "5 6 7 0 1 2", "list_splice at the front");

	fill(&a, 0, 2);
	fill(&b, 5, 7);
	list_splice_tail(&b, &a);
	is_str(show(&a), "0 1 2 5 6 7", "list_splice_tail at the back");

	fill(&a, 0, 2);
	fill(&b, 5, 7);
	list_splice_init(&b, &a);
	ok(!strcmp(show(&a), "5 6 7 0 1 2") && list_empty(&b), "list_splice_init empties the source");

	fill(&a, 0, 2);
	fill(&b, 5, 7);
	list_splice_tail_init(&b, &a);
	ok(!strcmp(show(&a), "0 1 2 5 6 7") && list_empty(&b),
	   "list_splice_tail_init empties the source");

	INIT_LIST_HEAD(&empty);
	list_splice(&empty, &a);
	list_splice_tail_init(&empty, &a);
	ok(!strcmp(show(&a), "0 1 2 5 6 7") && list_empty(&empty), "splicing an empty list is a no-op");

	fill(&a, 0, 0);
	INIT_LIST_HEAD(&b);
	list_splice_init(&a, &b);
	ok(!strcmp(show(&b), "0") && list_empty(&a), "splice a single entry into an empty list");
}

static void iterators(void)
{
	struct list_head head, *pos, *n;
	struct item *it, *tmp;
	char buf[64];
	size_t len;

	fill(&head, 0, 5);

	len = 0;
	list_for_each(pos, &head)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", list_entry(pos, struct item, node)->val);
	is_str(buf, "012345", "list_for_each");

	len = 0;
	list_for_each_prev(pos, &head)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", list_entry(pos, struct item, node)->val);
	is_str(buf, "543210", "list_for_each_prev");

	len = 0;
	list_for_each_entry_reverse(it, &head, node)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", it->val);
	is_str(buf, "543210", "list_for_each_entry_reverse");

	len = 0;
	it = &items[2];
	list_for_each_entry_continue(it, &head, node)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", it->val);
	is_str(buf, "345", "list_for_each_entry_continue starts after pos");

	len = 0;
	it = &items[2];
	list_for_each_entry_from(it, &head, node)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", it->val);
	is_str(buf, "2345", "list_for_each_entry_from starts at pos");

	/* Deleting the current entry is what the _safe variants are for. */
	list_for_each_safe(pos, n, &head) {
		if (list_entry(pos, struct item, node)->val % 2)
			list_del(pos);
	}
	is_str(show(&head), "0 2 4", "list_for_each_safe deleting odd entries");

	list_for_each_entry_safe(it, tmp, &head, node) {
		if (it->val == 0 || it->val == 4)
			list_del(&it->node);
	}
	is_str(show(&head), "2", "list_for_each_entry_safe deleting first and last");

	fill(&head, 0, 5);
	len = 0;
	list_for_each_entry_safe_reverse(it, tmp, &head, node) {
		len += snprintf(buf + len, sizeof(buf) - len, "%d", it->val);
		list_del(&it->node);
	}
	ok(!strcmp(buf, "543210") && list_empty(&head),
	   "list_for_each_entry_safe_reverse deleting everything");

	len = 0;
	buf[0] = 0;
	list_for_each_entry(it, &head, node)
		len += snprintf(buf + len, sizeof(buf) - len, "%d", it->val);
	is_str(buf, "", "iterating an empty list runs no body");
}

static void hlists(void)
{
	struct hlist_head head = HLIST_HEAD_INIT;
	struct hlist_node *pos, *n;
	struct item *it, *tmp;
	int i, count = 0;

	ok(hlist_empty(&head), "HLIST_HEAD_INIT is empty");
	for (i = 0; i < 10; i++) {
		items[i].val = i;
		INIT_HLIST_NODE(&items[i].hnode);
	}
	ok(hlist_unhashed(&items[0].hnode), "INIT_HLIST_NODE is unhashed");

	hlist_add_head(&items[1].hnode, &head);
	hlist_add_head(&items[3].hnode, &head);
	is_str(show_h(&head), "3 1", "hlist_add_head");
	hlist_add_before(&items[2].hnode, &items[1].hnode);
	hlist_add_before(&items[4].hnode, &items[3].hnode);
	is_str(show_h(&head), "4 3 2 1", "hlist_add_before, also before the first");
	hlist_add_behind(&items[0].hnode, &items[1].hnode);
	hlist_add_behind(&items[5].hnode, &items[4].hnode);
	is_str(show_h(&head), "4 5 3 2 1 0", "hlist_add_behind, also behind the last");

	hlist_for_each(pos, &head)
		count++;
	is_int(count, 6, "hlist_for_each");

	hlist_del(&items[4].hnode);
	ok(!strcmp(show_h(&head), "5 3 2 1 0") && items[4].hnode.next == LIST_POISON1,
	   "hlist_del of the first, poisoned");
	hlist_del_init(&items[0].hnode);
	ok(!strcmp(show_h(&head), "5 3 2 1") && hlist_unhashed(&items[0].hnode),
	   "hlist_del_init of the last");
	hlist_del_init(&items[0].hnode);
	is_str(show_h(&head), "5 3 2 1", "hlist_del_init of an unhashed node is a no-op");

	hlist_for_each_entry_safe(it, n, &head, hnode) {
		if (it->val % 2)
			hlist_del(&it->hnode);
	}
	is_str(show_h(&head), "2", "hlist_for_each_entry_safe deleting odd entries");

	hlist_for_each_safe(pos, n, &head)
		hlist_del_init(pos);
	ok(hlist_empty(&head), "hlist_for_each_safe deleting everything");

	tmp = NULL;
	hlist_for_each_entry(it, &head, hnode)
		tmp = it;
	ok(!tmp, "iterating an empty hlist runs no body");
}

int main(void)
{
	plan(43);
	basics();
	moves();
	splices();
	iterators();
	hlists();
	return exit_status();
}
