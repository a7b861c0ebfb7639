/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TOOLS_LINUX_RBTREE_AUGMENTED_H
#define _TOOLS_LINUX_RBTREE_AUGMENTED_H

#include <linux/rbtree.h>

/*
 * Augmented red-black trees and the colour bits, for lkvm's own users (the
 * interval tree).  The names and meanings are the kernel's, but in a kernel
 * tree its linux/rbtree_augmented.h provides them as inlines on top of the
 * same two out-of-line functions, __rb_insert_augmented() and
 * __rb_erase_color(): include one of the two headers, never both.
 */

#define RB_RED		0
#define RB_BLACK	1

#define rb_color(r)	((r)->__rb_parent_color & 1)
#define rb_is_red(r)	(!rb_color(r))
#define rb_is_black(r)	rb_color(r)

/*
 * Augmented trees keep per-node data computed from the subtree (the
 * interval tree's largest end).  The callbacks are told about every
 * change of shape so that the data can be kept up to date.
 */
struct rb_augment_callbacks {
	/*
	 * Recompute from @node up to (not including) @stop, NULL meaning
	 * up to and including the root.
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
 * Rebalance after linking the red leaf @node, calling @augment_rotate
 * after each rotation.
 */
void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   void (*augment_rotate)(struct rb_node *old,
						  struct rb_node *new));
/*
 * Rebalance after a black leaf was unlinked from @parent: the subtree on
 * the side of @parent that is now NULL is one black short.
 */
void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      void (*augment_rotate)(struct rb_node *old,
					     struct rb_node *new));

/*
 * Before rb_insert_augmented() the caller has linked @node with its data
 * set and has updated the data of every ancestor on the way down.
 */
static inline void rb_insert_augmented(struct rb_node *node,
				       struct rb_root *root,
				       const struct rb_augment_callbacks *augment)
{
	__rb_insert_augmented(node, root, augment->rotate);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment);

#endif /* _TOOLS_LINUX_RBTREE_AUGMENTED_H */
