// SPDX-License-Identifier: GPL-2.0
/*
 * Red-black trees.
 *
 * The rules, which keep the longest path at most twice the shortest:
 *  1. every node is red or black, the root is black;
 *  2. a red node has no red child;
 *  3. every path from a node down to a missing child crosses the same
 *     number of black nodes (NULL children count as black).
 *
 * Insertion links a red node at a leaf, which can only break rule 2;
 * erasure may remove a black node, which breaks rule 3 on one side.  Both
 * are repaired walking up with recolourings and at most three rotations.
 *
 * Augmented trees get told about every rotation and about every node whose
 * subtree changed, so that they can keep their per-subtree data right.
 */
#include <linux/rbtree_augmented.h>

/* Told about each rotation, for augmented trees; NULL for plain ones. */
typedef void rb_rotate_fn(struct rb_node *old, struct rb_node *new);

static inline void rb_set_parent(struct rb_node *node, struct rb_node *parent)
{
	node->__rb_parent_color = (unsigned long)parent | rb_color(node);
}

static inline void rb_set_parent_color(struct rb_node *node,
				       struct rb_node *parent, int color)
{
	node->__rb_parent_color = (unsigned long)parent | color;
}

static inline void rb_set_color(struct rb_node *node, int color)
{
	rb_set_parent_color(node, rb_parent(node), color);
}

/* NULL children are black. */
static inline bool rb_node_is_black(const struct rb_node *node)
{
	return !node || rb_is_black(node);
}

/* Make whatever pointed to @old (its parent, or the root) point to @new. */
static void rb_change_child(struct rb_node *old, struct rb_node *new,
			    struct rb_node *parent, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 * Rotate @node down to the left: its right child takes its place and
 * @node becomes that child's left child.  Colours stay with the nodes.
 */
static void rb_rotate_left(struct rb_node *node, struct rb_root *root,
			   rb_rotate_fn *rotate)
{
	struct rb_node *pivot = node->rb_right;
	struct rb_node *parent = rb_parent(node);

	node->rb_right = pivot->rb_left;
	if (pivot->rb_left)
		rb_set_parent(pivot->rb_left, node);
	pivot->rb_left = node;
	rb_set_parent(pivot, parent);
	rb_change_child(node, pivot, parent, root);
	rb_set_parent(node, pivot);
	if (rotate)
		rotate(node, pivot);
}

/* The mirror image of rb_rotate_left(). */
static void rb_rotate_right(struct rb_node *node, struct rb_root *root,
			    rb_rotate_fn *rotate)
{
	struct rb_node *pivot = node->rb_left;
	struct rb_node *parent = rb_parent(node);

	node->rb_left = pivot->rb_right;
	if (pivot->rb_right)
		rb_set_parent(pivot->rb_right, node);
	pivot->rb_right = node;
	rb_set_parent(pivot, parent);
	rb_change_child(node, pivot, parent, root);
	rb_set_parent(node, pivot);
	if (rotate)
		rotate(node, pivot);
}

static void rb_insert_fixup(struct rb_node *node, struct rb_root *root,
			    rb_rotate_fn *rotate)
{
	struct rb_node *parent, *gparent, *uncle;

	/* A red parent is never the root, so the grandparent exists. */
	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent);
		uncle = parent == gparent->rb_left ? gparent->rb_right :
						     gparent->rb_left;

		/*
		 * Red uncle: push the grandparent's black down one level
		 * and carry on from the grandparent, now red.
		 */
		if (uncle && rb_is_red(uncle)) {
			rb_set_color(parent, RB_BLACK);
			rb_set_color(uncle, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			node = gparent;
			continue;
		}

		/*
		 * Black uncle: first turn an inner grandchild into an outer
		 * one, then rotate the grandparent away from it.
		 */
		if (parent == gparent->rb_left) {
			if (node == parent->rb_right) {
				rb_rotate_left(parent, root, rotate);
				parent = node;
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rb_rotate_right(gparent, root, rotate);
		} else {
			if (node == parent->rb_left) {
				rb_rotate_right(parent, root, rotate);
				parent = node;
			}
			rb_set_color(parent, RB_BLACK);
			rb_set_color(gparent, RB_RED);
			rb_rotate_left(gparent, root, rotate);
		}
		break;
	}
	rb_set_color(root->rb_node, RB_BLACK);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	rb_insert_fixup(node, root, NULL);
}

/*
 * The caller has already updated the augmented data of @node and of its
 * ancestors on the way down (the new node is a leaf, so that is enough).
 */
void __rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			   rb_rotate_fn *augment_rotate)
{
	rb_insert_fixup(node, root, augment_rotate);
}

/*
 * The subtree of @parent on the side of @node (which may be NULL) is one
 * black short.  The sibling's subtree therefore has at least one black node,
 * so the sibling exists.
 */
static void rb_erase_fixup(struct rb_node *node, struct rb_node *parent,
			   struct rb_root *root, rb_rotate_fn *rotate)
{
	struct rb_node *sibling;

	while (parent && rb_node_is_black(node)) {
		if (node == parent->rb_left) {
			sibling = parent->rb_right;
			/* Red sibling: rotate so that the sibling is black. */
			if (rb_is_red(sibling)) {
				rb_set_color(sibling, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rb_rotate_left(parent, root, rotate);
				sibling = parent->rb_right;
			}
			/* Both nephews black: the sibling's side gives a black up. */
			if (rb_node_is_black(sibling->rb_left) &&
			    rb_node_is_black(sibling->rb_right)) {
				rb_set_color(sibling, RB_RED);
				node = parent;
				parent = rb_parent(node);
				continue;
			}
			/* Make the far nephew red, then rotate it over. */
			if (rb_node_is_black(sibling->rb_right)) {
				rb_set_color(sibling->rb_left, RB_BLACK);
				rb_set_color(sibling, RB_RED);
				rb_rotate_right(sibling, root, rotate);
				sibling = parent->rb_right;
			}
			rb_set_color(sibling, rb_color(parent));
			rb_set_color(parent, RB_BLACK);
			rb_set_color(sibling->rb_right, RB_BLACK);
			rb_rotate_left(parent, root, rotate);
		} else {
			sibling = parent->rb_left;
			if (rb_is_red(sibling)) {
				rb_set_color(sibling, RB_BLACK);
				rb_set_color(parent, RB_RED);
				rb_rotate_right(parent, root, rotate);
				sibling = parent->rb_left;
			}
			if (rb_node_is_black(sibling->rb_left) &&
			    rb_node_is_black(sibling->rb_right)) {
				rb_set_color(sibling, RB_RED);
				node = parent;
				parent = rb_parent(node);
				continue;
			}
			if (rb_node_is_black(sibling->rb_left)) {
				rb_set_color(sibling->rb_right, RB_BLACK);
				rb_set_color(sibling, RB_RED);
				rb_rotate_left(sibling, root, rotate);
				sibling = parent->rb_left;
			}
			rb_set_color(sibling, rb_color(parent));
			rb_set_color(parent, RB_BLACK);
			rb_set_color(sibling->rb_left, RB_BLACK);
			rb_rotate_right(parent, root, rotate);
		}
		return;
	}
	if (node)
		rb_set_color(node, RB_BLACK);
}

/*
 * The kernel's inline rb_erase_augmented() unlinks the node itself and
 * calls this when a black leaf went away: @parent's now empty side is the
 * short one (the other side holds at least one black node, so it is not
 * empty), which is what rb_erase_fixup() finds out from a NULL @node.
 */
void __rb_erase_color(struct rb_node *parent, struct rb_root *root,
		      rb_rotate_fn *augment_rotate)
{
	rb_erase_fixup(NULL, parent, root, augment_rotate);
}

/*
 * Unlink @node.  When it has two children its in-order successor (which
 * has no left child) takes its place and colour, so the node actually
 * removed from its position is the successor.
 */
static void rb_erase_common(struct rb_node *node, struct rb_root *root,
			    const struct rb_augment_callbacks *augment)
{
	struct rb_node *parent = rb_parent(node);
	struct rb_node *child, *succ, *fix_parent, *changed;
	bool removed_black;

	if (!node->rb_left || !node->rb_right) {
		child = node->rb_left ? node->rb_left : node->rb_right;
		removed_black = rb_is_black(node);
		rb_change_child(node, child, parent, root);
		if (child)
			rb_set_parent(child, parent);
		fix_parent = parent;
		changed = parent;
	} else {
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		child = succ->rb_right;
		removed_black = rb_is_black(succ);

		if (succ == node->rb_right) {
			fix_parent = succ;
		} else {
			fix_parent = rb_parent(succ);
			fix_parent->rb_left = child;
			if (child)
				rb_set_parent(child, fix_parent);
			succ->rb_right = node->rb_right;
			rb_set_parent(succ->rb_right, succ);
		}
		succ->rb_left = node->rb_left;
		rb_set_parent(succ->rb_left, succ);
		succ->__rb_parent_color = node->__rb_parent_color;
		rb_change_child(node, succ, parent, root);
		if (augment)
			augment->copy(node, succ);
		changed = fix_parent;
	}

	/*
	 * Every subtree that lost a node lies on the path from the lowest
	 * changed node to the root: bring their data up to date before the
	 * rotations below, which rely on it.
	 */
	if (augment && changed)
		augment->propagate(changed, NULL);

	if (!removed_black)
		return;
	/* A red child can simply take over the missing black. */
	if (child && rb_is_red(child)) {
		rb_set_color(child, RB_BLACK);
		return;
	}
	rb_erase_fixup(child, fix_parent, root,
		       augment ? augment->rotate : NULL);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	rb_erase_common(node, root, NULL);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment_callbacks *augment)
{
	rb_erase_common(node, root, augment);
}

/* @new takes @victim's place, links and colour; @victim is left alone. */
void rb_replace_node(struct rb_node *victim, struct rb_node *new,
		     struct rb_root *root)
{
	struct rb_node *parent = rb_parent(victim);

	*new = *victim;
	if (victim->rb_left)
		rb_set_parent(victim->rb_left, new);
	if (victim->rb_right)
		rb_set_parent(victim->rb_right, new);
	rb_change_child(victim, new, parent, root);
}

static struct rb_node *rb_leftmost(struct rb_node *node)
{
	while (node->rb_left)
		node = node->rb_left;
	return node;
}

static struct rb_node *rb_rightmost(struct rb_node *node)
{
	while (node->rb_right)
		node = node->rb_right;
	return node;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return root->rb_node ? rb_leftmost(root->rb_node) : NULL;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return root->rb_node ? rb_rightmost(root->rb_node) : NULL;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_right)
		return rb_leftmost(node->rb_right);
	/* Climb while we are a right child: those ancestors come before us. */
	while ((parent = rb_parent(node)) && node == parent->rb_right)
		node = parent;
	return parent;
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (RB_EMPTY_NODE(node))
		return NULL;
	if (node->rb_left)
		return rb_rightmost(node->rb_left);
	while ((parent = rb_parent(node)) && node == parent->rb_left)
		node = parent;
	return parent;
}
