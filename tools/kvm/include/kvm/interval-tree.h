/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KVM__INTERVAL_TREE_H
#define KVM__INTERVAL_TREE_H

#include <linux/rbtree.h>
#include <linux/types.h>

/*
 * An interval tree: closed ranges [start, last] kept in a red-black tree
 * ordered by start and augmented with the largest 'last' of each subtree,
 * so that every range overlapping a query is found in O(log n + hits).
 * lkvm's I/O buses use it to find the device behind a port or an address.
 */
struct interval_tree_node {
	struct rb_node rb;
	u64 start;		/* first address of the range */
	u64 last;		/* last address of the range, inclusive */
	u64 __subtree_last;	/* largest 'last' below this node */
};

void interval_tree_insert(struct interval_tree_node *node, struct rb_root *root);
void interval_tree_remove(struct interval_tree_node *node, struct rb_root *root);

/*
 * The first (lowest start) node overlapping [start, last], or NULL; an
 * empty query (start > last) overlaps nothing.  Iterate with:
 *
 *	for (n = interval_tree_iter_first(root, s, l); n;
 *	     n = interval_tree_iter_next(n, s, l))
 *
 * Nodes with the same start come back in insertion order.
 */
struct interval_tree_node *interval_tree_iter_first(struct rb_root *root,
						    u64 start, u64 last);
/* The next node after @node overlapping [start, last], or NULL. */
struct interval_tree_node *interval_tree_iter_next(struct interval_tree_node *node,
						   u64 start, u64 last);

#endif /* KVM__INTERVAL_TREE_H */
