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

#define RB_ROOT		((struct rb_root) { NULL, })
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

#endif /* _TOOLS_LINUX_RBTREE_H */
