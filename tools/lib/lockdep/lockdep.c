// SPDX-License-Identifier: GPL-2.0
/*
 * Lock dependency validation in userspace: the engine.
 *
 * Per thread: a stack of held locks (thread-local, no locking).  Global: lock
 * classes and the graph of "held A while taking B" dependencies between
 * them, protected by graph_lock.  The common case must stay cheap: every
 * thread hashes the sequence of classes it holds into a chain key, and a
 * chain that was validated once is found in a lock-free hash table and not
 * validated again.  Only a new chain takes graph_lock, saves a stack trace
 * and walks the graph.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lockdep.h"
#include "internal.h"

#define MAX_CLASSES		8192
#define MAX_DEPTH		64
#define CLASS_HASH_SIZE		4096
#define CHAIN_HASH_SIZE		(1 << 17)
#define REPORTED_HASH_SIZE	4096

struct lock_edge;

struct lock_class {
	const void *key;
	unsigned int flags;
	const char *name;
	const char *file;
	int line;
	unsigned long init_ip;
	unsigned int id;
	struct lock_edge *after;	/* classes taken while holding this */
	struct lock_class *hash_next;
};

/* One dependency from -> to; modes has bit (from_read << 1 | to_read). */
struct lock_edge {
	struct lock_class *to;
	unsigned int modes;
	unsigned long from_ip;		/* where "from" had been taken */
	struct lockdep_trace *trace;	/* where "to" was taken */
	struct lock_edge *next;
};

struct held_lock {
	struct lockdep_map *map;
	struct lock_class *class;
	unsigned long ip;
	uint64_t chain_key;		/* of the held stack up to here */
	unsigned int mode;
};

struct lockdep_task {
	int inside;			/* re-entrancy guard */
	bool registered;		/* thread exit hook installed */
	int depth;
	int untracked;			/* acquisitions beyond MAX_DEPTH */
	struct held_lock held[MAX_DEPTH];
};

static __thread struct lockdep_task task
	__attribute__((tls_model("initial-exec")));

static int graph_lock;
static struct lock_class classes[MAX_CLASSES];
static unsigned int nr_classes;
static struct lock_class *class_hash[CLASS_HASH_SIZE];
static uint64_t chain_hash[CHAIN_HASH_SIZE];
static bool chains_full, classes_full;

static int report_lock;
static uint64_t reported_sigs[REPORTED_HASH_SIZE];
static unsigned long nr_reports;
static int log_fd = -2;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

bool lockdep_enter(void)
{
	if (task.inside)
		return false;
	task.inside = 1;
	return true;
}

void lockdep_leave(void)
{
	task.inside = 0;
}

unsigned long lockdep_report_count(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* ---------------------------------------------------------------------
 * Output
 */

void lockdep_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if (len >= (int)sizeof(buf))
		len = sizeof(buf) - 1;
	if (write(STDERR_FILENO, buf, len) < 0)
		return;
	if (log_fd >= 0 && write(log_fd, buf, len) < 0)
		return;
}

static void open_log(void)
{
	const char *path;

	if (log_fd != -2)
		return;
	log_fd = -1;
	path = getenv("LOCKDEP_LOG");
	if (path && *path)
		log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			      0644);
}

/*
 * Each problem is reported once: its signature (kind and the classes
 * involved) goes into a small set.  Returns false if already reported.
 * Called with report_lock held.
 */
static bool first_report(unsigned int kind, const void *a, const void *b)
{
	uint64_t sig = hash64(kind ^ hash64((uintptr_t)a) ^
			      hash64((uintptr_t)b * 3)) | 1;
	unsigned int i, slot;

	for (i = 0; i < REPORTED_HASH_SIZE; i++) {
		slot = (sig + i) % REPORTED_HASH_SIZE;
		if (reported_sigs[slot] == sig)
			return false;
		if (!reported_sigs[slot]) {
			reported_sigs[slot] = sig;
			return true;
		}
	}
	return true;
}

enum report_kind {
	REPORT_CYCLE = 1,
	REPORT_RECURSION,
	REPORT_RW_MISUSE,
	REPORT_BAD_UNLOCK,
	REPORT_DESTROY_HELD,
	REPORT_FREE_HELD,
	REPORT_EXIT_HELD,
	REPORT_NOT_HELD,
};

/* Returns false (and takes nothing) if this problem was reported before. */
static bool report_begin(unsigned int kind, const void *a, const void *b,
			 const char *title)
{
	char comm[17] = "";

	lockdep_spin_lock(&report_lock);
	if (!first_report(kind, a, b)) {
		lockdep_spin_unlock(&report_lock);
		return false;
	}
	open_log();
	prctl(PR_GET_NAME, comm, 0, 0, 0);
	lockdep_symbols_begin();
	lockdep_printf("\n=====================================================\n");
	lockdep_printf("LOCKDEP: %s\n", title);
	lockdep_printf("-----------------------------------------------------\n");
	lockdep_printf("thread %ld (%s), pid %d:\n", (long)syscall(SYS_gettid),
		       comm, (int)getpid());
	return true;
}

static void report_end(void)
{
	lockdep_printf("=====================================================\n");
	lockdep_symbols_end();
	__atomic_add_fetch(&nr_reports, 1, __ATOMIC_RELAXED);
	lockdep_spin_unlock(&report_lock);

	if (getenv("LOCKDEP_FATAL") && atoi(getenv("LOCKDEP_FATAL")))
		abort();
}

/* "&kvm->lock" (kvm.c:12), or the init site or symbol if unnamed */
static void describe_class(const struct lock_class *class, char *buf,
			   size_t len)
{
	char where[256];

	if (class->file) {
		snprintf(buf, len, "\"%s\" (initialised at %s:%d)",
			 class->name ? class->name : "?",
			 lockdep_short_path(class->file),
			 class->line);
	} else if (class->init_ip) {
		lockdep_symbolize(class->init_ip, true, where, sizeof(where));
		snprintf(buf, len, "%s%s%s (%s at %s)",
			 class->name ? "\"" : "",
			 class->name ? class->name : "lock",
			 class->name ? "\"" : "",
			 class->flags & LOCKDEP_KEY_FIRST_USE ?
			 "first taken" : "initialised", where);
	} else {
		/* A statically initialised lock: keyed by its address. */
		lockdep_symbolize((unsigned long)class->key, false, where,
				  sizeof(where));
		snprintf(buf, len, "\"%s\" (static)",
			 class->name ? class->name : where);
	}
}

static void print_class(const char *prefix, const struct lock_class *class)
{
	char desc[512];

	describe_class(class, desc, sizeof(desc));
	lockdep_printf("%s%s\n", prefix, desc);
}

static void print_ip(const char *prefix, unsigned long ip)
{
	char sym[256];

	lockdep_symbolize(ip, true, sym, sizeof(sym));
	lockdep_printf("%s%s\n", prefix, sym);
}

static void print_current_trace(unsigned long ip)
{
	struct lockdep_trace *trace = lockdep_save_trace(ip);

	if (!trace) {
		print_ip("    ", ip);
		return;
	}
	lockdep_print_trace(trace, "    ");
	free(trace);
}

static void print_held_locks(void)
{
	int i;

	if (!task.depth) {
		lockdep_printf("no other locks held.\n");
		return;
	}
	lockdep_printf("locks held by this thread:\n");
	for (i = 0; i < task.depth; i++) {
		char desc[512], sym[256];

		describe_class(task.held[i].class, desc, sizeof(desc));
		lockdep_symbolize(task.held[i].ip, true, sym, sizeof(sym));
		lockdep_printf("  #%d %s%s, taken at %s\n", i, desc,
			       task.held[i].mode & LOCKDEP_READ ? " [read]" : "",
			       sym);
	}
}

/* ---------------------------------------------------------------------
 * Classes
 */

static const void *map_key(const struct lockdep_map *map)
{
	return map->key ? (const void *)map->key : (const void *)map;
}

static struct lock_class *lookup_class(struct lockdep_map *map)
{
	const void *key = map_key(map);
	unsigned int bucket = hash64((uintptr_t)key) % CLASS_HASH_SIZE;
	struct lock_class *class;

	for (class = class_hash[bucket]; class; class = class->hash_next)
		if (class->key == key)
			return class;

	if (nr_classes >= MAX_CLASSES) {
		if (!classes_full)
			lockdep_printf("lockdep: too many lock classes, some locks are not validated\n");
		classes_full = true;
		return NULL;
	}
	class = &classes[nr_classes];
	class->id = nr_classes++;
	class->key = key;
	class->flags = map->flags;
	class->name = map->name;
	class->file = map->file;
	class->line = map->line;
	class->init_ip = map->init_ip;
	class->hash_next = class_hash[bucket];
	class_hash[bucket] = class;
	return class;
}

static struct lock_class *map_class(struct lockdep_map *map)
{
	struct lock_class *class;

	class = __atomic_load_n(&map->class, __ATOMIC_ACQUIRE);
	if (class)
		return class;
	lockdep_spin_lock(&graph_lock);
	class = lookup_class(map);
	lockdep_spin_unlock(&graph_lock);
	__atomic_store_n(&map->class, class, __ATOMIC_RELEASE);
	return class;
}

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key, unsigned int flags,
		      const char *file, int line, unsigned long ip)
{
	memset(map, 0, sizeof(*map));
	map->name = name;
	map->key = key;
	map->flags = flags;
	map->file = file;
	map->line = line;
	map->init_ip = ip;
}

/* ---------------------------------------------------------------------
 * Chains: lock-free lookup, insertion under graph_lock.
 */

static uint64_t chain_next(uint64_t key, const struct lock_class *class,
			   unsigned int mode)
{
	return hash64(key ^ hash64(((uint64_t)class->id << 2 | mode) + 1)) | 1;
}

static bool chain_known(uint64_t key)
{
	unsigned int i, slot;
	uint64_t v;

	for (i = 0; i < 64; i++) {
		slot = (key + i) % CHAIN_HASH_SIZE;
		v = __atomic_load_n(&chain_hash[slot], __ATOMIC_ACQUIRE);
		if (v == key)
			return true;
		if (!v)
			return false;
	}
	return false;
}

static void chain_add(uint64_t key)
{
	unsigned int i, slot;

	for (i = 0; i < 64; i++) {
		slot = (key + i) % CHAIN_HASH_SIZE;
		if (chain_hash[slot] == key)
			return;
		if (!chain_hash[slot]) {
			__atomic_store_n(&chain_hash[slot], key,
					 __ATOMIC_RELEASE);
			return;
		}
	}
	/* Full neighbourhood: this chain is validated every time. */
	chains_full = true;
}

/* ---------------------------------------------------------------------
 * The dependency graph
 */

static unsigned int mode_bit(bool from_read, bool to_read)
{
	return 1u << (from_read << 1 | to_read);
}

static struct lock_edge *find_edge(struct lock_class *from,
				   struct lock_class *to)
{
	struct lock_edge *edge;

	for (edge = from->after; edge; edge = edge->next)
		if (edge->to == to)
			return edge;
	return NULL;
}

struct bfs_state {
	struct lock_class *class;
	bool read;		/* reached by a read acquisition */
	int parent;
	struct lock_edge *edge;	/* from the parent's class */
};

static struct bfs_state bfs_queue[2 * MAX_CLASSES];
static unsigned int bfs_seen[2 * MAX_CLASSES];
static unsigned int bfs_gen;

/*
 * Is there a path start ->* target along which every lock could block
 * its waiter?  A lock held for reading only blocks writers, so a lock
 * reached by a read acquisition must be held for writing on the way out,
 * and the same holds at target, which the new dependency leaves in mode
 * target_read.  Returns the index of the final state, or -1.
 */
static int find_path(struct lock_class *start, bool start_read,
		     struct lock_class *target, bool target_read)
{
	unsigned int head = 0, tail = 0;
	struct lock_edge *edge;

	bfs_gen++;
	bfs_queue[tail++] = (struct bfs_state){ start, start_read, -1, NULL };
	bfs_seen[start->id * 2 + start_read] = bfs_gen;

	while (head < tail) {
		struct bfs_state s = bfs_queue[head];
		int cur = head++;

		if (s.class == target && !(s.read && target_read))
			return cur;
		for (edge = s.class->after; edge; edge = edge->next) {
			int to_read;

			for (to_read = 0; to_read <= 1; to_read++) {
				unsigned int idx = edge->to->id * 2 + to_read;
				bool usable = edge->modes &
					      mode_bit(false, to_read);

				if (!s.read)
					usable |= edge->modes &
						  mode_bit(true, to_read);
				if (!usable || bfs_seen[idx] == bfs_gen)
					continue;
				/* Reached for writing beats reached for reading. */
				if (to_read && bfs_seen[idx - 1] == bfs_gen)
					continue;
				bfs_seen[idx] = bfs_gen;
				bfs_queue[tail++] = (struct bfs_state){
					edge->to, to_read, cur, edge };
			}
		}
	}
	return -1;
}

static void report_cycle(struct held_lock *prev, struct lock_class *next,
			 unsigned int mode, unsigned long ip,
			 const struct lockdep_trace *trace, int found)
{
	struct bfs_state *path[64];
	char title[96], desc[512];
	int n = 0, i, s;

	for (s = found; s >= 0 && bfs_queue[s].parent >= 0 && n < 64;
	     s = bfs_queue[s].parent)
		path[n++] = &bfs_queue[s];

	if (n == 1)
		snprintf(title, sizeof(title),
			 "possible circular locking dependency (AB-BA inversion)");
	else
		snprintf(title, sizeof(title),
			 "possible circular locking dependency (cycle of %d locks)",
			 n + 1);
	if (!report_begin(REPORT_CYCLE, prev->class, next, title))
		return;

	print_class("is trying to take ", next);
	lockdep_printf("  %sat:\n", mode & LOCKDEP_READ ? "for reading, " : "");
	if (trace)
		lockdep_print_trace(trace, "    ");
	else
		print_ip("    ", ip);
	print_class("while holding ", prev->class);
	print_ip("  taken at ", prev->ip);

	lockdep_printf("\nbut this order was recorded before:\n");
	for (i = n - 1; i >= 0; i--) {
		const struct bfs_state *st = path[i];
		const struct lock_class *from = bfs_queue[st->parent].class;

		describe_class(st->class, desc, sizeof(desc));
		lockdep_printf("-> %s\n", desc);
		describe_class(from, desc, sizeof(desc));
		lockdep_printf("   was taken while holding %s\n", desc);
		print_ip("   held since ", st->edge->from_ip);
		lockdep_printf("   then took it at:\n");
		if (st->edge->trace)
			lockdep_print_trace(st->edge->trace, "    ");
	}

	lockdep_printf("\npossible deadlock:\n");
	describe_class(prev->class, desc, sizeof(desc));
	lockdep_printf("  this thread holds  %s\n", desc);
	describe_class(next, desc, sizeof(desc));
	lockdep_printf("  and waits for      %s,\n", desc);
	lockdep_printf("  which another thread holds while it waits (through %d lock%s) for the first.\n",
		       n, n == 1 ? "" : "s");
	print_held_locks();
	report_end();
}

/*
 * Record prev -> next.  Called with graph_lock held; *trace is the
 * current stack, which the new edge takes over.
 */
static void add_dependency(struct held_lock *prev, struct lock_class *next,
			   unsigned int mode, unsigned long ip,
			   struct lockdep_trace *trace, bool *trace_used)
{
	bool prev_read = prev->mode & LOCKDEP_READ;
	bool next_read = mode & LOCKDEP_READ;
	unsigned int bit = mode_bit(prev_read, next_read);
	struct lock_edge *edge = find_edge(prev->class, next);
	int found;

	if (edge && (edge->modes & bit))
		return;

	found = find_path(next, next_read, prev->class, prev_read);
	if (found >= 0) {
		/* Not recorded: the graph keeps the first order seen. */
		report_cycle(prev, next, mode, ip, trace, found);
		return;
	}
	if (edge) {
		edge->modes |= bit;
		return;
	}
	edge = calloc(1, sizeof(*edge));
	if (!edge)
		return;
	edge->to = next;
	edge->modes = bit;
	edge->from_ip = prev->ip;
	edge->trace = trace;
	*trace_used = trace != NULL;
	edge->next = prev->class->after;
	prev->class->after = edge;
}

/* ---------------------------------------------------------------------
 * Held-lock stack
 */

static void thread_exit(void *arg);

static void make_exit_key(void)
{
	pthread_key_create(&exit_key, thread_exit);
}

static void register_thread(void)
{
	task.registered = true;
	pthread_once(&exit_key_once, make_exit_key);
	pthread_setspecific(exit_key, &task);
}

static int find_held(const struct lockdep_map *map)
{
	int i;

	for (i = task.depth - 1; i >= 0; i--)
		if (task.held[i].map == map)
			return i;
	return -1;
}

static uint64_t chain_below(int i)
{
	return i > 0 ? task.held[i - 1].chain_key : 0;
}

static void push_held(struct lockdep_map *map, struct lock_class *class,
		      unsigned int mode, unsigned long ip, uint64_t key)
{
	struct held_lock *hl = &task.held[task.depth++];

	hl->map = map;
	hl->class = class;
	hl->mode = mode;
	hl->ip = ip;
	hl->chain_key = key;
	__atomic_add_fetch(&map->held, 1, __ATOMIC_RELAXED);
}

static void remove_held(int i)
{
	struct lockdep_map *map = task.held[i].map;

	__atomic_sub_fetch(&map->held, 1, __ATOMIC_RELAXED);
	task.depth--;
	memmove(&task.held[i], &task.held[i + 1],
		(task.depth - i) * sizeof(task.held[0]));
	for (; i < task.depth; i++)
		task.held[i].chain_key = chain_next(chain_below(i),
						    task.held[i].class,
						    task.held[i].mode);
}

static void report_recursion(struct lockdep_map *map, struct lock_class *class,
			     int held, unsigned int mode, unsigned long ip)
{
	const struct held_lock *hl = &task.held[held];
	bool was_read = hl->mode & LOCKDEP_READ;
	bool read = mode & LOCKDEP_READ;
	unsigned int kind = REPORT_RECURSION;
	const char *title = "recursive locking of a non-recursive lock (deadlock)";

	if (map->flags & LOCKDEP_RWLOCK && read != was_read) {
		kind = REPORT_RW_MISUSE;
		title = read ?
			"read/write lock misuse: read-locking a lock this thread holds for writing (deadlock)" :
			"read/write lock misuse: write-locking a lock this thread holds for reading (deadlock)";
	}
	if (!report_begin(kind, class, NULL, title))
		return;
	print_class("is trying to take ", class);
	lockdep_printf("  %sat:\n", read ? "for reading, " : "");
	print_current_trace(ip);
	lockdep_printf("which it already holds%s, taken at:\n",
		       was_read ? " for reading" : "");
	print_ip("    ", hl->ip);
	print_held_locks();
	report_end();
}

static bool validate(struct lock_class *class, unsigned int mode,
		     unsigned long ip, uint64_t key)
{
	struct lockdep_trace *trace;
	bool trace_used = false;
	unsigned long before = lockdep_report_count();
	int i;

	if (chain_known(key))
		return false;

	/* Saved outside graph_lock: unwinding can be slow. */
	trace = lockdep_save_trace(ip);

	lockdep_spin_lock(&graph_lock);
	for (i = task.depth - 1; i >= 0; i--) {
		struct held_lock *prev = &task.held[i];

		if (prev->class != class)
			add_dependency(prev, class, mode, ip, trace,
				       &trace_used);
		/*
		 * Nothing was recorded towards a trylock, so look further
		 * down; below a blocking acquisition the order is already
		 * in the graph.
		 */
		if (!(prev->mode & LOCKDEP_TRY))
			break;
	}
	chain_add(key);
	lockdep_spin_unlock(&graph_lock);

	if (!trace_used)
		free(trace);
	return lockdep_report_count() != before;
}

static bool __lock_acquire(struct lockdep_map *map, unsigned int mode,
			   unsigned long ip)
{
	struct lock_class *class = map_class(map);
	bool reported = false;
	uint64_t key;
	int held;

	if (!class)
		return false;
	if (!task.registered)
		register_thread();
	if (task.depth >= MAX_DEPTH) {
		task.untracked++;
		return false;
	}

	key = chain_next(chain_below(task.depth), class, mode);
	held = find_held(map);
	if (held >= 0) {
		bool both_read = mode & LOCKDEP_READ &&
				 task.held[held].mode & LOCKDEP_READ;

		if (!(mode & LOCKDEP_TRY) && !(map->flags & LOCKDEP_RECURSIVE) &&
		    !(map->flags & LOCKDEP_RWLOCK && both_read)) {
			report_recursion(map, class, held, mode, ip);
			reported = true;
		}
	} else if (!(mode & LOCKDEP_TRY)) {
		reported = validate(class, mode, ip, key);
	}
	push_held(map, class, mode, ip, key);
	return reported;
}

bool lock_acquire(struct lockdep_map *map, unsigned int mode,
		  unsigned long ip)
{
	bool reported;

	if (!lockdep_enter())
		return false;
	reported = __lock_acquire(map, mode, ip);
	lockdep_leave();
	return reported;
}

void lock_acquire_failed(struct lockdep_map *map)
{
	int i;

	if (!lockdep_enter())
		return;
	i = find_held(map);
	if (i >= 0)
		remove_held(i);
	else if (task.untracked)
		task.untracked--;
	lockdep_leave();
}

static void report_bad_unlock(struct lockdep_map *map, unsigned long ip)
{
	struct lock_class *class = map_class(map);

	if (!class || !report_begin(REPORT_BAD_UNLOCK, class, NULL,
				    "unlocking a lock that this thread does not hold"))
		return;
	print_class("releases ", class);
	lockdep_printf("at:\n");
	print_current_trace(ip);
	lockdep_printf("%s\n", map->held ?
		       "another thread holds it." : "nobody holds it.");
	print_held_locks();
	report_end();
}

static void report_rw_unlock(const struct held_lock *hl, int expect,
			     unsigned long ip)
{
	if (!report_begin(REPORT_RW_MISUSE, hl->class, (void *)1,
			  expect == LOCKDEP_RELEASE_READ ?
			  "read/write lock misuse: read-unlocking a lock held for writing" :
			  "read/write lock misuse: write-unlocking a lock held for reading"))
		return;
	print_class("releases ", hl->class);
	lockdep_printf("at:\n");
	print_current_trace(ip);
	print_ip("it was taken at ", hl->ip);
	report_end();
}

bool lock_release(struct lockdep_map *map, int expect, unsigned long ip)
{
	bool reported = false;
	int i;

	if (!lockdep_enter())
		return false;
	i = find_held(map);
	if (i < 0) {
		if (task.untracked) {
			task.untracked--;
		} else {
			report_bad_unlock(map, ip);
			reported = true;
		}
		goto out;
	}
	if ((expect == LOCKDEP_RELEASE_READ &&
	     !(task.held[i].mode & LOCKDEP_READ)) ||
	    (expect == LOCKDEP_RELEASE_WRITE &&
	     task.held[i].mode & LOCKDEP_READ)) {
		report_rw_unlock(&task.held[i], expect, ip);
		reported = true;
	}
	remove_held(i);
out:
	lockdep_leave();
	return reported;
}

bool lockdep_is_held(const struct lockdep_map *map)
{
	return find_held(map) >= 0;
}

void lockdep_assert_held_map(const struct lockdep_map *map, unsigned long ip)
{
	struct lock_class *class;

	if (find_held(map) >= 0 || !lockdep_enter())
		return;
	class = map_class((struct lockdep_map *)map);
	if (class && report_begin(REPORT_NOT_HELD, class, NULL,
				  "a lock that must be held is not held")) {
		print_class("lock ", class);
		lockdep_printf("is not held by this thread at:\n");
		print_current_trace(ip);
		print_held_locks();
		report_end();
	}
	lockdep_leave();
}

bool lockdep_destroy_map(struct lockdep_map *map, unsigned long ip)
{
	struct lock_class *class;
	bool reported = false;
	int i;

	if (!__atomic_load_n(&map->held, __ATOMIC_RELAXED) || !lockdep_enter())
		return false;
	class = map_class(map);
	i = find_held(map);
	if (class && report_begin(REPORT_DESTROY_HELD, class, NULL,
				  "destroying a held lock")) {
		print_class("destroys ", class);
		lockdep_printf("at:\n");
		print_current_trace(ip);
		if (i >= 0)
			print_ip("which this thread holds, taken at ",
				 task.held[i].ip);
		else
			lockdep_printf("which another thread holds.\n");
		report_end();
		reported = true;
	}
	/* It no longer exists: forget it rather than report it again. */
	if (i >= 0)
		remove_held(i);
	lockdep_leave();
	return reported;
}

bool lockdep_holds_locks(void)
{
	return task.depth > 0;
}

void lockdep_check_free(const void *start, size_t size, unsigned long ip)
{
	uintptr_t lo = (uintptr_t)start, hi = lo + size;
	int i;

	if (!task.depth || !lockdep_enter())
		return;
	for (i = task.depth - 1; i >= 0; i--) {
		struct held_lock *hl = &task.held[i];
		uintptr_t addr = (uintptr_t)(hl->map->lock ?: hl->map);

		if (addr < lo || addr >= hi)
			continue;
		if (report_begin(REPORT_FREE_HELD, hl->class, NULL,
				 "freeing memory that contains a held lock")) {
			print_class("frees ", hl->class);
			lockdep_printf("at:\n");
			print_current_trace(ip);
			print_ip("which it holds, taken at ", hl->ip);
			report_end();
		}
		remove_held(i);
	}
	lockdep_leave();
}

static void thread_exit(void *arg)
{
	struct lockdep_task *t = arg;
	int i;

	task.registered = false;
	if (!t->depth || !lockdep_enter())
		return;
	if (report_begin(REPORT_EXIT_HELD, t->held[0].class, NULL,
			 "thread exiting with locks held")) {
		print_held_locks();
		report_end();
	}
	for (i = t->depth - 1; i >= 0; i--)
		remove_held(i);
	lockdep_leave();
}

/*
 * A fork() while another thread is inside lockdep must not leave the
 * child with a lock nobody will release.
 */
static void fork_prepare(void)
{
	lockdep_spin_lock(&report_lock);
	lockdep_spin_lock(&graph_lock);
}

static void fork_done(void)
{
	lockdep_spin_unlock(&graph_lock);
	lockdep_spin_unlock(&report_lock);
}

static void __attribute__((constructor)) lockdep_setup(void)
{
	pthread_atfork(fork_prepare, fork_done, fork_done);
	lockdep_trace_warm_up();
}

/* Leave a trace in the program's output even if the reports scrolled by. */
static void __attribute__((destructor)) lockdep_summary(void)
{
	unsigned long n = lockdep_report_count();

	if (n)
		lockdep_printf("lockdep: %lu problem%s reported in pid %d\n", n,
			       n == 1 ? "" : "s", (int)getpid());
}
