// SPDX-License-Identifier: GPL-2.0
/*
 * What our tools headers provide so that the kernel's own tools (objtool,
 * libbpf, resolve_btfids) build against them in a kernel tree: the rbtree
 * helpers and cached trees, the out-of-line halves of the kernel's inline
 * augmented-tree code, rotations, BITS_PER_LONG in #if, byte order,
 * BUILD_BUG_ON_ZERO, roundup() and u64 as uint64_t.
 */
#include <linux/rbtree.h>
#include <linux/rbtree_callbacks.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/types.h>

#include "tap.h"

#if BITS_PER_LONG != 32 && BITS_PER_LONG != 64
#error BITS_PER_LONG is not usable in #if
#endif

#define NODES	500

struct item {
	struct rb_node rb;
	int key;
	int seq;		/* insertion order, to check that ties keep it */
};

static struct item items[NODES];

static struct item *to_item(const struct rb_node *rb)
{
	return rb_entry(rb, struct item, rb);
}

static bool item_less(struct rb_node *a, const struct rb_node *b)
{
	return to_item(a)->key < to_item(b)->key;
}

static int key_cmp(const void *key, const struct rb_node *rb)
{
	int k = *(const int *)key;

	return k < to_item(rb)->key ? -1 : k > to_item(rb)->key;
}

/* Black height of @rb, or -1 if a rule or a parent pointer is broken. */
static int rb_check(const struct rb_node *rb, const struct rb_node *parent)
{
	int lh, rh;

	if (!rb)
		return 1;
	if (rb_parent(rb) != parent)
		return -1;
	if (parent && rb_is_red(rb) && rb_is_red(parent))
		return -1;
	lh = rb_check(rb->rb_left, rb);
	rh = rb_check(rb->rb_right, rb);
	if (lh < 0 || lh != rh)
		return -1;
	return lh + rb_is_black(rb);
}

static bool tree_valid(const struct rb_root *root)
{
	const struct rb_node *rb;
	int last = -1;

	if (root->rb_node && rb_is_red(root->rb_node))
		return false;
	if (rb_check(root->rb_node, NULL) < 0)
		return false;
	for (rb = rb_first(root); rb; rb = rb_next(rb)) {
		if (to_item(rb)->key < last)
			return false;
		last = to_item(rb)->key;
	}
	return true;
}

/* Keys 0..NODES/5-1, each five times, in a scrambled order. */
static void fill(struct rb_root_cached *tree, bool cached)
{
	int i;

	*tree = RB_ROOT_CACHED;
	for (i = 0; i < NODES; i++) {
		items[i].key = (i * 7919) % (NODES / 5);
		items[i].seq = i;
		RB_CLEAR_NODE(&items[i].rb);
		if (cached)
			rb_add_cached(&items[i].rb, tree, item_less);
		else
			rb_add(&items[i].rb, &tree->rb_root, item_less);
	}
}

static void test_add_find(void)
{
	struct rb_root_cached tree;
	struct rb_node *rb;
	bool order = true;
	int key, n, prev_seq;

	fill(&tree, false);
	ok(tree_valid(&tree.rb_root), "rb_add() builds a valid tree");

	key = 17;
	rb = rb_find(&key, &tree.rb_root, key_cmp);
	ok(rb && to_item(rb)->key == 17, "rb_find() finds a present key");
	key = NODES;
	ok(!rb_find(&key, &tree.rb_root, key_cmp), "rb_find() misses an absent key");

	/* rb_add() puts equal keys after the ones already there. */
	key = 42;
	n = 0;
	prev_seq = -1;
	rb_for_each(rb, &key, &tree.rb_root, key_cmp) {
		if (to_item(rb)->key != 42 || to_item(rb)->seq <= prev_seq)
			order = false;
		prev_seq = to_item(rb)->seq;
		n++;
	}
	ok(n == 5 && order, "rb_for_each() visits the 5 equal keys in insertion order (%d)", n);
	rb = rb_find_first(&key, &tree.rb_root, key_cmp);
	ok(rb && rb_prev(rb) && to_item(rb_prev(rb))->key == 41,
	   "rb_find_first() returns the leftmost match");
	key = -1;
	ok(!rb_find_first(&key, &tree.rb_root, key_cmp), "rb_find_first() of an absent key");
}

static void test_cached(void)
{
	struct rb_root_cached tree;
	struct rb_node *first;
	bool right = true;
	int i;

	fill(&tree, true);
	ok(tree_valid(&tree.rb_root) && rb_first_cached(&tree) == rb_first(&tree.rb_root),
	   "rb_add_cached() keeps the leftmost node");

	/* Erase the leftmost node and others, checking the cache each time. */
	for (i = 0; i < NODES; i += 3) {
		first = rb_first_cached(&tree);
		rb_erase_cached(first, &tree);
		RB_CLEAR_NODE(first);
		if (!RB_EMPTY_NODE(&items[i].rb)) {
			rb_erase_cached(&items[i].rb, &tree);
			RB_CLEAR_NODE(&items[i].rb);
		}
		if (rb_first_cached(&tree) != rb_first(&tree.rb_root) ||
		    !tree_valid(&tree.rb_root))
			right = false;
	}
	ok(right, "rb_erase_cached() keeps the leftmost node and the tree valid");

	tree = RB_ROOT_CACHED;
	ok(RB_EMPTY_ROOT(&tree.rb_root) && !rb_first_cached(&tree), "RB_ROOT_CACHED is empty");
	rb_link_node(&items[0].rb, NULL, &tree.rb_root.rb_node);
	rb_insert_color_cached(&items[0].rb, &tree, true);
	ok(rb_first_cached(&tree) == &items[0].rb && !RB_EMPTY_ROOT(&tree.rb_root),
	   "rb_insert_color_cached() with leftmost set");
}

static int rotations;

static void count_rotate(struct rb_node *old, struct rb_node *new)
{
	if (rb_parent(old) == new)
		rotations++;
}

/*
 * The kernel's inline rb_erase_augmented() unlinks a node itself and hands
 * __rb_erase_color() the parent of a black leaf it removed.  Do that for
 * leaves only: every black one leaves its parent a black short.
 */
static void test_erase_color(void)
{
	struct rb_root root = RB_ROOT;
	struct rb_node *rb, *parent, *leaf;
	int i, removed = 0, black = 0;
	bool valid = true;

	for (i = 0; i < NODES; i++) {
		items[i].key = (i * 7919) % NODES;
		rb_add(&items[i].rb, &root, item_less);
	}
	rotations = 0;
	while (root.rb_node) {
		/* The leftmost leaf: the first node, or its right child. */
		leaf = rb_first(&root);
		if (leaf->rb_right)
			leaf = leaf->rb_right;
		parent = rb_parent(leaf);
		if (!parent)
			root.rb_node = NULL;
		else if (parent->rb_left == leaf)
			parent->rb_left = NULL;
		else
			parent->rb_right = NULL;
		if (parent && rb_is_black(leaf)) {
			__rb_erase_color(parent, &root, count_rotate);
			black++;
		}
		removed++;
		if (!tree_valid(&root))
			valid = false;
	}
	ok(valid && removed == NODES, "__rb_erase_color() repairs every black leaf removal");
	diag("%d black leaves, %d rotations reported", black, rotations);
	ok(black > 0 && rotations > 0, "and calls the rotate callback with (old, new)");

	/* The same on the insert side: __rb_insert_augmented() */
	root = RB_ROOT;
	rotations = 0;
	for (i = 0; i < NODES; i++) {
		struct rb_node **link = &root.rb_node;

		parent = NULL;
		while (*link) {
			parent = *link;
			link = items[i].key < to_item(parent)->key ?
			       &parent->rb_left : &parent->rb_right;
		}
		rb_link_node(&items[i].rb, parent, link);
		__rb_insert_augmented(&items[i].rb, &root, count_rotate);
	}
	for (i = 0, rb = rb_first(&root); rb; rb = rb_next(rb))
		i++;
	ok(tree_valid(&root) && i == NODES && rotations > 0,
	   "__rb_insert_augmented() balances and reports rotations (%d)", rotations);
}

static void test_bits_and_bytes(void)
{
	u32 w = 0x80000001;
	u64 q = 0x8000000000000001ULL;
	int arr[roundup(10, 3)];
	u16 le = 0x1234;

	ok(rol32(w, 1) == 0x00000003 && ror32(w, 1) == 0xc0000000 &&
	   rol32(w, 0) == w && rol32(w, 32) == w && rol32(0x12345678, 8) == 0x34567812,
	   "rol32/ror32");
	ok(rol64(q, 4) == 0x18 && ror64(q, 4) == 0x1800000000000000ULL && rol64(q, 64) == q,
	   "rol64/ror64");
	ok(sizeof(long) * 8 == BITS_PER_LONG, "BITS_PER_LONG is %d", BITS_PER_LONG);
	ok(ARRAY_SIZE(arr) == 12 && roundup(12, 3) == 12 && roundup(0, 5) == 0,
	   "roundup() to a non-power of two, in a constant expression");
	ok(BUILD_BUG_ON_ZERO(0) == 0 && sizeof(int[BUILD_BUG_ON_ZERO(1 > 2) + 1]) == sizeof(int),
	   "BUILD_BUG_ON_ZERO() of false is 0");
	memcpy(&le, "\x34\x12", 2);
	ok(le16_to_cpu(le) == 0x1234 && be16_to_cpu(le) == 0x3412 &&
	   le32_to_cpu(cpu_to_le32(0xdeadbeef)) == 0xdeadbeef &&
	   be64_to_cpu(cpu_to_be64(q)) == q, "byte order conversions");
	ok(__builtin_types_compatible_p(u64, uint64_t) &&
	   __builtin_types_compatible_p(s64, int64_t), "u64 and s64 are uint64_t and int64_t");
}

int main(void)
{
	plan(20);
	test_add_find();
	test_cached();
	test_erase_color();
	test_bits_and_bytes();
	return exit_status();
}
