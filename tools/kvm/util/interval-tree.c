// SPDX-License-Identifier: GPL-2.0
/*
 * Interval trees on the augmented red-black tree: nodes are ordered by
 * 'start' and each keeps the largest 'last' of its subtree, which lets a
 * query skip every subtree whose ranges all end before the query starts.
 *
 * Ranges are closed ([start, last]), so a range may end at U64_MAX; no
 * computation here ever adds one to a 'last'.
 */
#include "kvm/interval-tree.h"
#include <linux/rbtree_augmented.h>

static inline struct interval_tree_node *itn(struct rb_node *rb)
{
	return rb_entry(rb, struct interval_tree_node, rb);
}

static u64 subtree_last(struct interval_tree_node *node)
{
	u64 max = node->last;

	if (node->rb.rb_left && itn(node->rb.rb_left)->__subtree_last > max)
		max = itn(node->rb.rb_left)->__subtree_last;
	if (node->rb.rb_right && itn(node->rb.rb_right)->__subtree_last > max)
		max = itn(node->rb.rb_right)->__subtree_last;
	return max;
}

static void it_propagate(struct rb_node *rb, struct rb_node *stop)
{
	for (; rb != stop; rb = rb_parent(rb))
		itn(rb)->__subtree_last = subtree_last(itn(rb));
}

static void it_copy(struct rb_node *old, struct rb_node *new)
{
	itn(new)->__subtree_last = itn(old)->__subtree_last;
}

/* @new now heads the subtree @old headed: same ranges, same maximum. */
static void it_rotate(struct rb_node *old, struct rb_node *new)
{
	itn(new)->__subtree_last = itn(old)->__subtree_last;
	itn(old)->__subtree_last = subtree_last(itn(old));
}

static const struct rb_augment_callbacks it_augment = {
	.propagate	= it_propagate,
	.copy		= it_copy,
	.rotate		= it_rotate,
};

void interval_tree_insert(struct interval_tree_node *node, struct rb_root *root)
{
	struct rb_node **link = &root->rb_node;
	struct rb_node *parent = NULL;
	struct interval_tree_node *cur;

	/* Every node passed on the way down gets the new range below it. */
	while (*link) {
		parent = *link;
		cur = itn(parent);
		if (cur->__subtree_last < node->last)
			cur->__subtree_last = node->last;
		if (node->start < cur->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}

	node->__subtree_last = node->last;
	rb_link_node(&node->rb, parent, link);
	rb_insert_augmented(&node->rb, root, &it_augment);
}

void interval_tree_remove(struct interval_tree_node *node, struct rb_root *root)
{
	rb_erase_augmented(&node->rb, root, &it_augment);
}

static bool overlaps(const struct interval_tree_node *node, u64 start, u64 last)
{
	return node->start <= last && node->last >= start;
}

/*
 * The leftmost node of @node's subtree overlapping [start, last], or NULL.
 * The caller has checked that some range in the subtree ends at or after
 * @start.
 */
static struct interval_tree_node *
subtree_search(struct interval_tree_node *node, u64 start, u64 last)
{
	struct interval_tree_node *left, *right;

	for (;;) {
		/*
		 * A range on the left that ends late enough either overlaps
		 * (and comes first), or starts after @last, and then so do
		 * this node and everything on its right.
		 */
		left = node->rb.rb_left ? itn(node->rb.rb_left) : NULL;
		if (left && left->__subtree_last >= start) {
			node = left;
			continue;
		}
		if (node->start > last)
			return NULL;
		if (node->last >= start)
			return node;
		right = node->rb.rb_right ? itn(node->rb.rb_right) : NULL;
		if (!right || right->__subtree_last < start)
			return NULL;
		node = right;
	}
}

struct interval_tree_node *interval_tree_iter_first(struct rb_root *root,
						    u64 start, u64 last)
{
	struct interval_tree_node *node;

	if (!root->rb_node || start > last)
		return NULL;
	node = itn(root->rb_node);
	if (node->__subtree_last < start)
		return NULL;
	return subtree_search(node, start, last);
}

struct interval_tree_node *interval_tree_iter_next(struct interval_tree_node *node,
						   u64 start, u64 last)
{
	struct rb_node *rb = node->rb.rb_right, *prev;

	for (;;) {
		/*
		 * The right subtree comes next in order.  If it has a range
		 * ending late enough but none overlapping, that range starts
		 * after @last, and so does everything after it.
		 */
		if (rb && itn(rb)->__subtree_last >= start)
			return subtree_search(itn(rb), start, last);

		/* Climb to the first ancestor we are on the left of. */
		do {
			prev = &node->rb;
			rb = rb_parent(&node->rb);
			if (!rb)
				return NULL;
			node = itn(rb);
		} while (prev == rb->rb_right);

		if (node->start > last)
			return NULL;
		if (overlaps(node, start, last))
			return node;
		rb = node->rb.rb_right;
	}
}
