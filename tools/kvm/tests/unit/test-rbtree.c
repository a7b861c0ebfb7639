// SPDX-License-Identifier: GPL-2.0
/*
 * rbtree: random inserts and erases checked against a reference array,
 * with every red-black rule checked after every operation, plus an
 * augmented tree (subtree sizes) to exercise the callbacks.
 *
 * LKVM_TEST_SEED=n picks another random sequence.
 */
#include <linux/rbtree.h>
#include <linux/rbtree_augmented.h>

#include "tap.h"

#define POOL		1500
#define RANDOM_OPS	20000

struct item {
	struct rb_node rb;
	int key;
	bool in_tree;
	unsigned int size;	/* augmented: nodes in this subtree */
};

static struct item pool[POOL];
static int ref[POOL];		/* keys in the tree, sorted */
static int nref;

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64: deterministic for a seed, good enough for tests. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct item *to_item(struct rb_node *rb)
{
	return rb_entry(rb, struct item, rb);
}

/* ---- the reference: a sorted array of keys ---- */

static void ref_insert(int key)
{
	int i = nref;

	while (i > 0 && ref[i - 1] > key) {
		ref[i] = ref[i - 1];
		i--;
	}
	ref[i] = key;
	nref++;
}

static void ref_remove(int key)
{
	int i;

	for (i = 0; i < nref && ref[i] != key; i++)
		;
	for (; i < nref - 1; i++)
		ref[i] = ref[i + 1];
	nref--;
}

/* ---- augmented callbacks: subtree size ---- */

static unsigned int size_of(struct rb_node *rb)
{
	return rb ? to_item(rb)->size : 0;
}

static unsigned int compute_size(struct rb_node *rb)
{
	return 1 + size_of(rb->rb_left) + size_of(rb->rb_right);
}

static void size_propagate(struct rb_node *rb, struct rb_node *stop)
{
	for (; rb != stop; rb = rb_parent(rb))
		to_item(rb)->size = compute_size(rb);
}

static void size_copy(struct rb_node *old, struct rb_node *new)
{
	to_item(new)->size = to_item(old)->size;
}

static void size_rotate(struct rb_node *old, struct rb_node *new)
{
	to_item(new)->size = to_item(old)->size;
	to_item(old)->size = compute_size(old);
}

static const struct rb_augment_callbacks size_cb = {
	.propagate = size_propagate,
	.copy = size_copy,
	.rotate = size_rotate,
};

/* ---- tree operations as a user writes them ---- */

static void tree_insert(struct rb_root *root, struct item *it, bool augmented)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (augmented)
			to_item(parent)->size++;
		/* Equal keys go right: they keep insertion order. */
		if (it->key < to_item(parent)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	it->size = 1;
	rb_link_node(&it->rb, parent, link);
	if (augmented)
		rb_insert_augmented(&it->rb, root, &size_cb);
	else
		rb_insert_color(&it->rb, root);
	it->in_tree = true;
	ref_insert(it->key);
}

static void tree_erase(struct rb_root *root, struct item *it, bool augmented)
{
	if (augmented)
		rb_erase_augmented(&it->rb, root, &size_cb);
	else
		rb_erase(&it->rb, root);
	RB_CLEAR_NODE(&it->rb);
	it->in_tree = false;
	ref_remove(it->key);
}

/* ---- the checker ---- */

static char why[256];

/*
 * Check the subtree at @rb: returns its black height, or -1 with @why set.
 * @lo/@hi bound the keys (inclusive), *count counts nodes.
 */
static int check_subtree(struct rb_node *rb, struct rb_node *parent,
			 long lo, long hi, bool augmented, int *count)
{
	struct item *it;
	int lh, rh;

	if (!rb)
		return 1;
	it = to_item(rb);
	(*count)++;
	if (rb_parent(rb) != parent) {
		snprintf(why, sizeof(why), "key %d: wrong parent pointer", it->key);
		return -1;
	}
	if ((rb->__rb_parent_color & 2) != 0) {
		snprintf(why, sizeof(why), "key %d: stray bit in parent word", it->key);
		return -1;
	}
	if (it->key < lo || it->key > hi) {
		snprintf(why, sizeof(why), "key %d out of order (%ld..%ld)", it->key, lo, hi);
		return -1;
	}
	if (rb_is_red(rb) && parent && rb_is_red(parent)) {
		snprintf(why, sizeof(why), "key %d: red child of a red node", it->key);
		return -1;
	}
	lh = check_subtree(rb->rb_left, rb, lo, it->key, augmented, count);
	if (lh < 0)
		return -1;
	rh = check_subtree(rb->rb_right, rb, it->key, hi, augmented, count);
	if (rh < 0)
		return -1;
	if (lh != rh) {
		snprintf(why, sizeof(why), "key %d: black heights %d and %d", it->key, lh, rh);
		return -1;
	}
	if (augmented && it->size != compute_size(rb)) {
		snprintf(why, sizeof(why), "key %d: size %u, should be %u",
			 it->key, it->size, compute_size(rb));
		return -1;
	}
	return lh + rb_is_black(rb);
}

/* Every rule, the contents, and iteration both ways. */
static bool check_tree(struct rb_root *root, bool augmented)
{
	struct rb_node *rb;
	int count = 0, i;

	why[0] = 0;
	if (root->rb_node && !rb_is_black(root->rb_node)) {
		snprintf(why, sizeof(why), "red root");
		return false;
	}
	if (check_subtree(root->rb_node, NULL, -1, 1L << 40, augmented, &count) < 0)
		return false;
	if (count != nref) {
		snprintf(why, sizeof(why), "%d nodes, reference has %d", count, nref);
		return false;
	}
	for (rb = rb_first(root), i = 0; rb; rb = rb_next(rb), i++) {
		if (i >= nref || to_item(rb)->key != ref[i]) {
			snprintf(why, sizeof(why), "forward walk differs at %d", i);
			return false;
		}
	}
	if (i != nref) {
		snprintf(why, sizeof(why), "forward walk saw %d of %d", i, nref);
		return false;
	}
	for (rb = rb_last(root), i = nref - 1; rb; rb = rb_prev(rb), i--) {
		if (i < 0 || to_item(rb)->key != ref[i]) {
			snprintf(why, sizeof(why), "backward walk differs at %d", i);
			return false;
		}
	}
	if (i != -1) {
		snprintf(why, sizeof(why), "backward walk stopped at %d", i);
		return false;
	}
	return true;
}

static void reset(struct rb_root *root)
{
	int i;

	*root = RB_ROOT;
	nref = 0;
	for (i = 0; i < POOL; i++) {
		pool[i].in_tree = false;
		RB_CLEAR_NODE(&pool[i].rb);
	}
}

/* Random inserts and erases, checking everything after each one. */
static void random_ops(bool augmented)
{
	struct rb_root root;
	int op, failed_at = -1, max_n = 0;
	struct item *it;

	reset(&root);
	for (op = 0; op < RANDOM_OPS; op++) {
		it = &pool[rnd() % POOL];
		if (it->in_tree) {
			tree_erase(&root, it, augmented);
		} else {
			/* Few distinct keys, so that duplicates are common. */
			it->key = rnd() % (POOL / 3);
			tree_insert(&root, it, augmented);
		}
		if (nref > max_n)
			max_n = nref;
		if (!check_tree(&root, augmented)) {
			failed_at = op;
			break;
		}
	}
	if (!ok(failed_at < 0, "%s: %d random inserts/erases (up to %d nodes), rules hold after each",
		augmented ? "augmented" : "plain", RANDOM_OPS, max_n))
		diag("after op %d: %s", failed_at, why);

	/* Empty it again, always erasing the root: the two-child case. */
	failed_at = -1;
	while (root.rb_node) {
		tree_erase(&root, to_item(root.rb_node), augmented);
		if (!check_tree(&root, augmented)) {
			failed_at = nref;
			break;
		}
	}
	if (!ok(failed_at < 0 && RB_EMPTY_ROOT(&root) && nref == 0,
		"%s: erasing the root until empty", augmented ? "augmented" : "plain"))
		diag("with %d left: %s", failed_at, why);
}

static int height(struct rb_node *rb)
{
	int l, r;

	if (!rb)
		return 0;
	l = height(rb->rb_left);
	r = height(rb->rb_right);
	return 1 + (l > r ? l : r);
}

/* Sorted inputs are the classic worst case for an unbalanced tree. */
static void sequential(bool descending)
{
	struct rb_root root;
	int i, failed_at = -1, depth;

	reset(&root);
	for (i = 0; i < POOL; i++) {
		pool[i].key = descending ? POOL - i : i;
		tree_insert(&root, &pool[i], false);
		if (!check_tree(&root, false)) {
			failed_at = i;
			break;
		}
	}
	if (!ok(failed_at < 0, "%s inserts keep the rules",
		descending ? "descending" : "ascending"))
		diag("at %d: %s", failed_at, why);

	/* Red-black height bound: 2 * log2(n + 1), 21.1 for 1500 nodes. */
	depth = height(root.rb_node);
	ok(depth <= 21, "height %d is logarithmic", depth);

	failed_at = -1;
	for (i = 0; i < POOL; i++) {
		/* Erase from the smallest up: the one-child and leaf cases. */
		tree_erase(&root, to_item(rb_first(&root)), false);
		if (!check_tree(&root, false)) {
			failed_at = i;
			break;
		}
	}
	if (!ok(failed_at < 0 && RB_EMPTY_ROOT(&root), "erasing rb_first() until empty"))
		diag("at %d: %s", failed_at, why);
}

static void replace(void)
{
	struct item fresh[50];
	struct rb_root root;
	struct rb_node *rb;
	int i, failed = 0, seen_old = 0, seen_new = 0;

	reset(&root);
	for (i = 0; i < 200; i++) {
		pool[i].key = i * 2;
		tree_insert(&root, &pool[i], false);
	}
	/* Replace every fourth node, the root among them, by a twin. */
	for (i = 0; i < 50; i++) {
		struct item *victim = &pool[i * 4];

		fresh[i].key = victim->key;
		rb_replace_node(&victim->rb, &fresh[i].rb, &root);
		RB_CLEAR_NODE(&victim->rb);
		if (!check_tree(&root, false) && !failed) {
			failed = 1;
			diag("replacing key %d: %s", victim->key, why);
		}
	}
	ok(!failed, "rb_replace_node keeps the shape and the rules");
	for (rb = rb_first(&root); rb; rb = rb_next(rb)) {
		struct item *it = to_item(rb);

		if (it >= fresh && it < fresh + 50)
			seen_new++;
		else if (it->key % 8 == 0)
			seen_old++;
	}
	ok(seen_new == 50 && seen_old == 0, "replacements in the tree, victims gone (%d, %d)",
	   seen_new, seen_old);
	ok(rb_next(&pool[0].rb) == NULL && rb_prev(&pool[0].rb) == NULL,
	   "rb_next/rb_prev of a cleared node are NULL");
}

static void empty_and_single(void)
{
	struct rb_root root = RB_ROOT;
	struct item one = { .key = 7 };

	nref = 0;
	ok(RB_EMPTY_ROOT(&root) && !rb_first(&root) && !rb_last(&root),
	   "empty tree: no first, no last");
	tree_insert(&root, &one, false);
	ok(rb_first(&root) == &one.rb && rb_last(&root) == &one.rb &&
	   !rb_next(&one.rb) && !rb_prev(&one.rb) && rb_is_black(&one.rb),
	   "single node: black root, first and last, no neighbours");
	tree_erase(&root, &one, false);
	ok(RB_EMPTY_ROOT(&root) && RB_EMPTY_NODE(&one.rb), "single node erased");
}

/* The checker itself must catch broken trees, or the tests prove nothing. */
static void checker_self_test(void)
{
	struct rb_root root;
	struct rb_node *rb;
	int i;

	reset(&root);
	for (i = 0; i < 20; i++) {
		pool[i].key = i;
		tree_insert(&root, &pool[i], false);
	}
	ok(check_tree(&root, false), "checker accepts a good tree");

	root.rb_node->__rb_parent_color &= ~1UL;	/* paint the root red */
	ok(!check_tree(&root, false), "checker rejects a red root (%s)", why);
	root.rb_node->__rb_parent_color |= 1UL;

	rb = rb_first(&root);				/* a leaf: flip it */
	rb->__rb_parent_color ^= 1UL;
	ok(!check_tree(&root, false), "checker rejects a recoloured leaf (%s)", why);
	rb->__rb_parent_color ^= 1UL;

	i = to_item(rb)->key;
	to_item(rb)->key = 1000;
	ok(!check_tree(&root, false), "checker rejects an out-of-order key (%s)", why);
	to_item(rb)->key = i;
	ok(check_tree(&root, false), "checker accepts the repaired tree");
}

int main(void)
{
	const char *seed = getenv("LKVM_TEST_SEED");

	rng_state = seed ? strtoull(seed, NULL, 0) : 0x2545f4914f6cdd1dULL;
	if (!rng_state)
		rng_state = 1;
	plan(21);
	diag("seed 0x%llx", (unsigned long long)rng_state);

	checker_self_test();
	empty_and_single();
	random_ops(false);
	random_ops(true);
	sequential(false);
	sequential(true);
	replace();
	return exit_status();
}
