// SPDX-License-Identifier: GPL-2.0
/*
 * Built by kernel-tree.t inside a kernel tree: the kernel's interval tree
 * template and its inline augmented rbtree code (which objtool uses) on
 * top of lkvm's lib/rbtree.c.  Random inserts and removes; after each, the
 * red-black rules, the augmented values and the cached leftmost node are
 * checked, and queries are compared with a brute-force scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/interval_tree_generic.h>

#define NODES	1000
#define OPS	30000

struct range {
	struct rb_node rb;
	unsigned long start, last, subtree_last;
	bool in;
};

#define START(r)	((r)->start)
#define LAST(r)		((r)->last)
INTERVAL_TREE_DEFINE(struct range, rb, unsigned long, subtree_last,
		     START, LAST, static, rt)

static struct range pool[NODES];

static int scan(unsigned long s, unsigned long l)
{
	int i, n = 0;

	for (i = 0; i < NODES; i++)
		n += pool[i].in && pool[i].start <= l && s <= pool[i].last;
	return n;
}

/* Black height, or -1 if a red-black rule or an augmented value is wrong. */
static int check(struct rb_node *rb, struct rb_node *parent)
{
	struct range *r = rb_entry(rb, struct range, rb);
	unsigned long max;
	int lh, rh;

	if (!rb)
		return 1;
	if (rb_parent(rb) != parent || (parent && rb_is_red(parent) && rb_is_red(rb)))
		return -1;
	lh = check(rb->rb_left, rb);
	rh = check(rb->rb_right, rb);
	if (lh < 0 || lh != rh)
		return -1;
	max = r->last;
	if (rb->rb_left && rb_entry(rb->rb_left, struct range, rb)->subtree_last > max)
		max = rb_entry(rb->rb_left, struct range, rb)->subtree_last;
	if (rb->rb_right && rb_entry(rb->rb_right, struct range, rb)->subtree_last > max)
		max = rb_entry(rb->rb_right, struct range, rb)->subtree_last;
	if (r->subtree_last != max)
		return -1;
	return lh + rb_is_black(rb);
}

static int query(struct rb_root_cached *root, unsigned long s, unsigned long l)
{
	struct range *r;
	int n = 0;

	for (r = rt_iter_first(root, s, l); r; r = rt_iter_next(r, s, l))
		n++;
	return n;
}

int main(void)
{
	struct rb_root_cached root = RB_ROOT_CACHED;
	unsigned long s, l;
	int op, i, q, bad = 0, present = 0;

	srand(1);
	for (op = 0; op < OPS; op++) {
		i = rand() % NODES;
		if (pool[i].in) {
			rt_remove(&pool[i], &root);
			pool[i].in = false;
			present--;
		} else {
			pool[i].start = rand() % 100000;
			pool[i].last = pool[i].start + rand() % 2000;
			rt_insert(&pool[i], &root);
			pool[i].in = true;
			present++;
		}
		if (rb_first_cached(&root) != rb_first(&root.rb_root) ||
		    check(root.rb_root.rb_node, NULL) < 0)
			bad++;
		for (q = 0; q < 3; q++) {
			s = rand() % 102000;
			l = s + rand() % 3000;
			if (query(&root, s, l) != scan(s, l))
				bad++;
		}
	}
	printf("%d ranges left, %d mismatches\n", present, bad);
	return bad != 0;
}
