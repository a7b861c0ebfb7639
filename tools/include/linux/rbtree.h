/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_RBTREE_H
#define _TOOLS_LINUX_RBTREE_H

#include <stdbool.h>
#include <stddef.h>
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

#define RB_RED		0
#define RB_BLACK	1

#define RB_ROOT		((struct rb_root) { NULL, })
#define rb_entry(ptr, type, member)	container_of(ptr, type, member)
#define rb_entry_safe(ptr, type, member) ({			\
	__typeof__(ptr) ____ptr = (ptr);			\
	____ptr ? rb_entry(____ptr, type, member) : NULL; })

#define rb_parent(r)	((struct rb_node *)((r)->__rb_parent_color & ~3UL))
#define rb_color(r)	((r)->__rb_parent_color & 1)
#define rb_is_red(r)	(!rb_color(r))
#define rb_is_black(r)	rb_color(r)

#define RB_EMPTY_ROOT(root)	((root)->rb_node == NULL)
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

/*
 * Augmented trees keep per-node data computed from the subtree (the
 * interval tree's largest end).  The callbacks are told about every
 * change of shape so that the data can be kept up to date.
 */
struct rb_augment_callbacks {
	/*
	 * Recompute from @node up to (not including) @stop, NULL meaning
	 * up to and including the root.  Must not stop early.
	 */
	void (*propagate)(struct rb_node *node, struct rb_node *stop);
	/* @new takes @old's place in the tree: copy the data over. */
	void (*copy)(struct rb_node *old, struct rb_node *new);
	/*
	 * A rotation made @new the head of the subtree @old headed (@old is
	 * now @new's child): @new gets @old's data, @old is recomputed.
	 */
	void (*rotate)(struct rb_node *old, struct rb_node *new);
};

/*
 * Before rb_insert_augmented() the caller has linked @node with its data
 * set and has updated the data of every ancestor on the way down.
 */
void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment_callbacks *augment);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

#endif /* _TOOLS_LINUX_RBTREE_H */
