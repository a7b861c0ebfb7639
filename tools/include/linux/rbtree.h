/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_RBTREE_H
#define _TOOLS_LINUX_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/compiler.h>
#include <linux/kernel.h>

/*
 * Red-black trees with the kernel's API: the user embeds struct rb_node,
 * walks down the tree itself to find where a new node goes, links it with
 * rb_link_node() and rebalances with rb_insert_color().  The parent pointer
 * and the colour share one word (nodes are at least 4-byte aligned).
 */
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

/* A tree that also remembers its leftmost node, so rb_first_cached() is O(1). */
struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_ROOT		((struct rb_root) { NULL, })
#define RB_ROOT_CACHED	((struct rb_root_cached) { { NULL, }, NULL })
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({			\
	__typeof__(ptr) ____ptr = (ptr);			\
	____ptr ? rb_entry(____ptr, type, member) : NULL; })

/* The low two bits of __rb_parent_color are not the parent's. */
#define rb_parent(r)	((struct rb_node *)((r)->__rb_parent_color & ~3UL))

#define RB_EMPTY_ROOT(root)	(READ_ONCE((root)->rb_node) == NULL)
/* A node that is in no tree points to itself. */
#define RB_EMPTY_NODE(node)	\
	((node)->__rb_parent_color == (unsigned long)(node))
#define RB_CLEAR_NODE(node)	\
	((node)->__rb_parent_color = (unsigned long)(node))

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*rb_link = node;
}

#define rb_first_cached(root)	((root)->rb_leftmost)

/* @leftmost: the caller went only left on its way down to @node. */
static inline void rb_insert_color_cached(struct rb_node *node,
					  struct rb_root_cached *root,
					  bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

static inline void rb_erase_cached(struct rb_node *node,
				   struct rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}

/*
 * Helpers that walk the tree for the caller, given an ordering:
 * less(a, b) is true when node a sorts before node b; cmp(key, n) is
 * negative, zero or positive when @key sorts before, with or after node n.
 * Nodes that compare equal keep their insertion order.
 */
static __always_inline void
rb_add_cached(struct rb_node *node, struct rb_root_cached *tree,
	      bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_root.rb_node;
	struct rb_node *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (less(node, parent)) {
			link = &parent->rb_left;
			continue;
		}
		link = &parent->rb_right;
		leftmost = false;
	}
	rb_link_node(node, parent, link);
	rb_insert_color_cached(node, tree, leftmost);
}

static __always_inline void
rb_add(struct rb_node *node, struct rb_root *tree,
	bool (*less)(struct rb_node *, const struct rb_node *))
{
	struct rb_node **link = &tree->rb_node;
	struct rb_node *parent = NULL;

	while (*link) {
		parent = *link;
		link = less(node, parent) ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, tree);
}

/* Some node matching @key (not necessarily the first), or NULL. */
static __always_inline struct rb_node *
rb_find(const void *key, const struct rb_root *tree,
	int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node;
	int c;

	while (node) {
		c = cmp(key, node);
		if (!c)
			return node;
		node = c < 0 ? node->rb_left : node->rb_right;
	}
	return NULL;
}

/* The leftmost node matching @key, or NULL. */
static __always_inline struct rb_node *
rb_find_first(const void *key, const struct rb_root *tree,
	      int (*cmp)(const void *key, const struct rb_node *))
{
	struct rb_node *node = tree->rb_node, *match = NULL;
	int c;

	while (node) {
		c = cmp(key, node);
		if (c > 0) {
			node = node->rb_right;
			continue;
		}
		/* A match may still have equal nodes to its left. */
		if (!c)
			match = node;
		node = node->rb_left;
	}
	return match;
}

/* The node after @node if it matches @key too, else NULL. */
static __always_inline struct rb_node *
rb_next_match(const void *key, struct rb_node *node,
	      int (*cmp)(const void *key, const struct rb_node *))
{
	node = rb_next(node);
	return node && !cmp(key, node) ? node : NULL;
}

/* Every node matching @key, in order. */
#define rb_for_each(node, key, tree, cmp)				\
	for ((node) = rb_find_first((key), (tree), (cmp)); (node);	\
	     (node) = rb_next_match((key), (node), (cmp)))

#endif /* _TOOLS_LINUX_RBTREE_H */
