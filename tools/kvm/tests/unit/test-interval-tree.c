// SPDX-License-Identifier: GPL-2.0
/*
 * Interval tree: random ranges and queries checked against a brute-force
 * scan, with the subtree maxima checked after every insert and removal.
 * Ranges and queries include the edges of the address space (0, UINT64_MAX),
 * single points and ranges that touch without overlapping.
 *
 * LKVM_TEST_SEED=n picks another random sequence.
 */
#include "kvm/interval-tree.h"
#include <linux/rbtree_augmented.h>

#include "tap.h"

#define POOL		600
#define ROUNDS		4000

struct range {
	struct interval_tree_node it;
	bool in_tree;
};

static struct range pool[POOL];
static u64 rng_state;
static char why[256];

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct interval_tree_node *itn(struct rb_node *rb)
{
	return rb_entry(rb, struct interval_tree_node, rb);
}

/*
 * A random address: mostly in a small window so that ranges collide, and
 * sometimes right at the edges of the 64-bit space.
 */
static u64 rnd_addr(void)
{
	switch (rnd() % 8) {
	case 0:
		return rnd() % 4;
	case 1:
		return UINT64_MAX - rnd() % 4;
	case 2:
		return rnd();
	default:
		return 0x1000 + rnd() % 0x400;
	}
}

static void rnd_range(u64 *start, u64 *last)
{
	u64 a = rnd_addr(), b;

	switch (rnd() % 4) {
	case 0:		/* a point */
		b = a;
		break;
	case 1:		/* short */
		b = a + rnd() % 16;
		if (b < a)
			b = UINT64_MAX;
		break;
	default:
		b = rnd_addr();
		break;
	}
	*start = a < b ? a : b;
	*last = a < b ? b : a;
}

static u64 compute_last(struct rb_node *rb)
{
	u64 max = itn(rb)->last;

	if (rb->rb_left && itn(rb->rb_left)->__subtree_last > max)
		max = itn(rb->rb_left)->__subtree_last;
	if (rb->rb_right && itn(rb->rb_right)->__subtree_last > max)
		max = itn(rb->rb_right)->__subtree_last;
	return max;
}

/* Order by start, subtree maxima, red-black rules; returns black height. */
static int check_subtree(struct rb_node *rb, struct rb_node *parent, int *count)
{
	struct interval_tree_node *n;
	int lh, rh;

	if (!rb)
		return 1;
	n = itn(rb);
	(*count)++;
	if (rb_parent(rb) != parent || (parent && rb_is_red(parent) && rb_is_red(rb))) {
		snprintf(why, sizeof(why), "[%#llx, %#llx]: bad parent or red-red",
			 (unsigned long long)n->start, (unsigned long long)n->last);
		return -1;
	}
	if ((rb->rb_left && itn(rb->rb_left)->start > n->start) ||
	    (rb->rb_right && itn(rb->rb_right)->start < n->start)) {
		snprintf(why, sizeof(why), "[%#llx, %#llx]: children out of order",
			 (unsigned long long)n->start, (unsigned long long)n->last);
		return -1;
	}
	lh = check_subtree(rb->rb_left, rb, count);
	rh = check_subtree(rb->rb_right, rb, count);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		snprintf(why, sizeof(why), "unequal black heights");
		return -1;
	}
	if (n->__subtree_last != compute_last(rb)) {
		snprintf(why, sizeof(why), "[%#llx, %#llx]: subtree last %#llx, should be %#llx",
			 (unsigned long long)n->start, (unsigned long long)n->last,
			 (unsigned long long)n->__subtree_last,
			 (unsigned long long)compute_last(rb));
		return -1;
	}
	return lh + rb_is_black(rb);
}

static bool check_tree(struct rb_root *root)
{
	int count = 0, expected = 0, i;

	why[0] = 0;
	for (i = 0; i < POOL; i++)
		expected += pool[i].in_tree;
	if (root->rb_node && rb_is_red(root->rb_node)) {
		snprintf(why, sizeof(why), "red root");
		return false;
	}
	if (check_subtree(root->rb_node, NULL, &count) < 0)
		return false;
	if (count != expected) {
		snprintf(why, sizeof(why), "%d nodes, expected %d", count, expected);
		return false;
	}
	return true;
}

/*
 * The tree's answer for [start, last] must be exactly the ranges a scan
 * finds, each once, in ascending order of start.
 */
static bool check_query(struct rb_root *root, u64 start, u64 last)
{
	bool seen[POOL] = { false };
	struct interval_tree_node *n;
	u64 prev_start = 0;
	int hits = 0, expected = 0, i;

	for (n = interval_tree_iter_first(root, start, last); n;
	     n = interval_tree_iter_next(n, start, last)) {
		struct range *r = container_of(n, struct range, it);

		i = r - pool;
		if (!(n->start <= last && n->last >= start) || seen[i] ||
		    !r->in_tree || n->start < prev_start || ++hits > POOL) {
			snprintf(why, sizeof(why), "query [%#llx, %#llx]: wrong hit [%#llx, %#llx]",
				 (unsigned long long)start, (unsigned long long)last,
				 (unsigned long long)n->start, (unsigned long long)n->last);
			return false;
		}
		seen[i] = true;
		prev_start = n->start;
	}
	for (i = 0; i < POOL; i++) {
		if (pool[i].in_tree && pool[i].it.start <= last && pool[i].it.last >= start)
			expected++;
	}
	if (hits != expected) {
		snprintf(why, sizeof(why), "query [%#llx, %#llx]: %d hits, expected %d",
			 (unsigned long long)start, (unsigned long long)last, hits, expected);
		return false;
	}
	return true;
}

/* A handful of queries after every change, the edges included. */
static bool check_queries(struct rb_root *root)
{
	u64 s, l;
	int i;

	if (!check_query(root, 0, 0) || !check_query(root, UINT64_MAX, UINT64_MAX) ||
	    !check_query(root, 0, UINT64_MAX))
		return false;
	for (i = 0; i < 4; i++) {
		rnd_range(&s, &l);
		if (!check_query(root, s, l))
			return false;
	}
	return true;
}

static void random_rounds(void)
{
	struct rb_root root = RB_ROOT;
	int round, bad_tree = -1, bad_query = -1, max_n = 0, n = 0, i;
	char tree_why[256] = "", query_why[256] = "";
	struct range *r;

	for (round = 0; round < ROUNDS; round++) {
		r = &pool[rnd() % POOL];
		if (r->in_tree) {
			interval_tree_remove(&r->it, &root);
			r->in_tree = false;
			n--;
		} else {
			rnd_range(&r->it.start, &r->it.last);
			interval_tree_insert(&r->it, &root);
			r->in_tree = true;
			n++;
		}
		if (n > max_n)
			max_n = n;
		if (bad_tree < 0 && !check_tree(&root)) {
			bad_tree = round;
			strcpy(tree_why, why);
		}
		if (bad_query < 0 && !check_queries(&root)) {
			bad_query = round;
			strcpy(query_why, why);
		}
	}
	if (!ok(bad_tree < 0, "%d random inserts/removals (up to %d ranges): rules and subtree maxima hold",
		ROUNDS, max_n))
		diag("round %d: %s", bad_tree, tree_why);
	if (!ok(bad_query < 0, "every query after every change matches a brute-force scan"))
		diag("round %d: %s", bad_query, query_why);

	bad_tree = -1;
	for (i = 0; i < POOL; i++) {
		if (!pool[i].in_tree)
			continue;
		interval_tree_remove(&pool[i].it, &root);
		pool[i].in_tree = false;
		if (bad_tree < 0 && (!check_tree(&root) || !check_queries(&root)))
			bad_tree = i;
	}
	ok(bad_tree < 0 && RB_EMPTY_ROOT(&root), "removing everything keeps the tree right");
}

static struct range *add(struct rb_root *root, int i, u64 start, u64 last)
{
	pool[i].it.start = start;
	pool[i].it.last = last;
	pool[i].in_tree = true;
	interval_tree_insert(&pool[i].it, root);
	return &pool[i];
}

static int count_hits(struct rb_root *root, u64 start, u64 last)
{
	struct interval_tree_node *n;
	int hits = 0;

	for (n = interval_tree_iter_first(root, start, last); n;
	     n = interval_tree_iter_next(n, start, last))
		hits++;
	return hits;
}

/* The cases a bus depends on, spelled out. */
static void fixed_cases(void)
{
	struct rb_root root = RB_ROOT;
	struct range *top, *low, *a, *b;
	int i;

	for (i = 0; i < POOL; i++)
		pool[i].in_tree = false;

	ok(!interval_tree_iter_first(&root, 0, UINT64_MAX), "empty tree: no hits");

	/* Adjacent ranges: [0x3f8, 0x3ff] and [0x400, 0x407]. */
	a = add(&root, 0, 0x3f8, 0x3ff);
	b = add(&root, 1, 0x400, 0x407);
	ok(interval_tree_iter_first(&root, 0x3ff, 0x3ff) == &a->it &&
	   count_hits(&root, 0x3ff, 0x3ff) == 1, "point at the end of a range hits only it");
	ok(interval_tree_iter_first(&root, 0x400, 0x400) == &b->it &&
	   count_hits(&root, 0x400, 0x400) == 1, "point at the start of the next hits only it");
	is_int(count_hits(&root, 0x3ff, 0x400), 2, "query straddling both hits both");
	ok(!interval_tree_iter_first(&root, 0x408, 0x408) &&
	   !interval_tree_iter_first(&root, 0x3f7, 0x3f7), "points just outside miss");

	/* The very top and bottom of the address space. */
	top = add(&root, 2, UINT64_MAX - 0xfff, UINT64_MAX);
	low = add(&root, 3, 0, 0);
	ok(interval_tree_iter_first(&root, UINT64_MAX, UINT64_MAX) == &top->it,
	   "range ending at UINT64_MAX found by a point query at UINT64_MAX");
	ok(interval_tree_iter_first(&root, 0, 0) == &low->it, "range at 0 found at 0");
	is_int(count_hits(&root, 0, UINT64_MAX), 4, "whole-space query hits all four");
	ok(!interval_tree_iter_first(&root, 0x500, 0x400), "an empty query (start > last) hits nothing");
	ok(!interval_tree_iter_first(&root, 1, 0x3f7) &&
	   !interval_tree_iter_first(&root, 0x408, UINT64_MAX - 0x1000),
	   "the gaps between ranges are empty");

	interval_tree_remove(&top->it, &root);
	top->in_tree = false;
	ok(!interval_tree_iter_first(&root, UINT64_MAX, UINT64_MAX) && check_tree(&root),
	   "removed top range is gone, maxima updated");

	/* Nested and identical ranges: all of them, lowest start first. */
	add(&root, 4, 0x1000, 0x1fff);
	add(&root, 5, 0x1000, 0x1fff);
	add(&root, 6, 0x1800, 0x1800);
	is_int(count_hits(&root, 0x1800, 0x1800), 3, "point inside nested ranges hits all three");
	ok(check_query(&root, 0x17ff, 0x1801), "nested query matches the scan (%s)", why);
}

int main(void)
{
	const char *seed = getenv("LKVM_TEST_SEED");
	int i;

	rng_state = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ULL;
	if (!rng_state)
		rng_state = 1;
	plan(16);
	diag("seed 0x%llx", (unsigned long long)rng_state);

	fixed_cases();
	for (i = 0; i < POOL; i++)
		pool[i].in_tree = false;
	random_rounds();
	return exit_status();
}
