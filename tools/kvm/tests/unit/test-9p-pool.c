// SPDX-License-Identifier: GPL-2.0
/*
 * The 9p worker pool against the real server and a scratch directory:
 * several clients at once, compared with what the host sees; requests on
 * one fid kept in order; Tflush of a queued and of a running request
 * (held up on purpose by the pool's test hook); a flood that leaves the
 * threads bounded by the pool; the cancel of a device reset.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "tap.h"
#include "host-dir.h"
#include "kvm/9p.h"

#define NR_THREADS	4
#define NR_CLIENTS	6
#define FILE_SIZE	(64 * 1024)
#define CHUNK		4096
#define FLOOD		128

/* One request in flight: a message and the room for its reply. */
struct treq {
	struct p9_pool_req req;
	unsigned char in[CHUNK + 64];
	unsigned char out[CHUNK + 64];
	size_t in_len;
	struct iovec in_iov, out_iov;
	bool done;
	size_t len;
	int seq;		/* order of completion */
};

static struct p9_server *srv;
static struct p9_pool *pool;
static char root[256];

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done_seq;

/* The hook holds up requests whose tag is in [hold_lo, hold_hi). */
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cond = PTHREAD_COND_INITIALIZER;
static u16 hold_lo, hold_hi;
static int held;

static pthread_mutex_t tag_lock = PTHREAD_MUTEX_INITIALIZER;
static u16 next_tag = 1;

static void done(void *priv, struct p9_pool_req *req, size_t len)
{
	struct treq *t = (struct treq *)req;

	pthread_mutex_lock(&done_lock);
	t->len = len;
	t->seq = ++done_seq;
	t->done = true;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&done_lock);
}

static void hook(struct p9_pool_req *req)
{
	pthread_mutex_lock(&hook_lock);
	if (req->tag >= hold_lo && req->tag < hold_hi) {
		held++;
		pthread_cond_broadcast(&hook_cond);
		while (req->tag >= hold_lo && req->tag < hold_hi)
			pthread_cond_wait(&hook_cond, &hook_lock);
		held--;
	}
	pthread_mutex_unlock(&hook_lock);
}

static void hold(u16 lo, u16 hi)
{
	pthread_mutex_lock(&hook_lock);
	hold_lo = lo;
	hold_hi = hi;
	pthread_cond_broadcast(&hook_cond);
	pthread_mutex_unlock(&hook_lock);
}

/* Waits until @n requests sit in the hook. */
static void wait_held(int n)
{
	pthread_mutex_lock(&hook_lock);
	while (held < n)
		pthread_cond_wait(&hook_cond, &hook_lock);
	pthread_mutex_unlock(&hook_lock);
}

static void put(struct treq *t, const void *p, size_t n)
{
	memcpy(t->in + t->in_len, p, n);
	t->in_len += n;
}

static void m_u8(struct treq *t, u8 v)
{
	put(t, &v, 1);
}

static void m_u16(struct treq *t, u16 v)
{
	put(t, &v, 2);
}

static void m_u32(struct treq *t, u32 v)
{
	put(t, &v, 4);
}

static void m_u64(struct treq *t, u64 v)
{
	put(t, &v, 8);
}

static void m_str(struct treq *t, const char *s)
{
	m_u16(t, strlen(s));
	put(t, s, strlen(s));
}

static struct treq *m_start(u8 type)
{
	struct treq *t = calloc(1, sizeof(*t));
	u16 tag;

	pthread_mutex_lock(&tag_lock);
	tag = next_tag++;
	pthread_mutex_unlock(&tag_lock);
	t->in_len = 4;
	m_u8(t, type);
	m_u16(t, tag);
	return t;
}

static u16 tag_of(struct treq *t)
{
	u16 tag;

	memcpy(&tag, t->in + 5, 2);
	return tag;
}

static void submit(struct treq *t)
{
	u32 len = t->in_len;

	memcpy(t->in, &len, 4);
	t->in_iov = (struct iovec){ t->in, t->in_len };
	t->out_iov = (struct iovec){ t->out, sizeof(t->out) };
	t->req.in = &t->in_iov;
	t->req.nr_in = 1;
	t->req.out = &t->out_iov;
	t->req.nr_out = 1;
	p9_pool_submit(pool, &t->req);
}

static void wait_done(struct treq *t)
{
	pthread_mutex_lock(&done_lock);
	while (!t->done)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
}

static bool is_done(struct treq *t)
{
	bool ret;

	pthread_mutex_lock(&done_lock);
	ret = t->done;
	pthread_mutex_unlock(&done_lock);
	return ret;
}

/* The reply's type, or 0 for none; the Rlerror code in @err. */
static u8 reply_type(struct treq *t, u32 *err)
{
	*err = 0;
	if (t->len < 7)
		return 0;
	if (t->out[4] == P9_RLERROR)
		memcpy(err, t->out + 7, 4);
	return t->out[4];
}

/* Submits and waits: the Rlerror code, or 0.  Frees @t unless @keep. */
static u32 rpc(struct treq *t, bool keep)
{
	u32 err;

	submit(t);
	wait_done(t);
	if (!reply_type(t, &err))
		err = EPROTO;
	if (!keep)
		free(t);
	return err;
}

static u32 walk(u32 fid, u32 newfid, const char *name)
{
	struct treq *t = m_start(P9_TWALK);

	m_u32(t, fid);
	m_u32(t, newfid);
	m_u16(t, name ? 1 : 0);
	if (name)
		m_str(t, name);
	return rpc(t, false);
}

static u32 lcreate(u32 fid, const char *name)
{
	struct treq *t = m_start(P9_TLCREATE);

	m_u32(t, fid);
	m_str(t, name);
	m_u32(t, O_RDWR);
	m_u32(t, 0644);
	m_u32(t, getgid());
	return rpc(t, false);
}

static u32 mkdir_at(u32 dfid, const char *name)
{
	struct treq *t = m_start(P9_TMKDIR);

	m_u32(t, dfid);
	m_str(t, name);
	m_u32(t, 0755);
	m_u32(t, getgid());
	return rpc(t, false);
}

static struct treq *write_req(u32 fid, u64 off, const void *buf, u32 n)
{
	struct treq *t = m_start(P9_TWRITE);

	m_u32(t, fid);
	m_u64(t, off);
	m_u32(t, n);
	put(t, buf, n);
	return t;
}

static struct treq *getattr_req(u32 fid)
{
	struct treq *t = m_start(P9_TGETATTR);

	m_u32(t, fid);
	m_u64(t, P9_STATS_BASIC);
	return t;
}

/* Reads @n bytes at @off into @buf: the count, or -errno. */
static int read_at(u32 fid, u64 off, void *buf, u32 n)
{
	struct treq *t = m_start(P9_TREAD);
	u32 err, count;

	m_u32(t, fid);
	m_u64(t, off);
	m_u32(t, n);
	err = rpc(t, true);
	if (err) {
		free(t);
		return -err;
	}
	memcpy(&count, t->out + 7, 4);
	memcpy(buf, t->out + 11, count);
	free(t);
	return count;
}

static u32 clunk(u32 fid)
{
	struct treq *t = m_start(P9_TCLUNK);

	m_u32(t, fid);
	return rpc(t, false);
}

static struct treq *flush_req(u16 oldtag)
{
	struct treq *t = m_start(P9_TFLUSH);

	m_u16(t, oldtag);
	return t;
}

static void fill(unsigned char *buf, int client, int chunk)
{
	int i;

	for (i = 0; i < CHUNK; i++)
		buf[i] = client * 31 + chunk * 7 + i;
}

/*
 * A client of its own: creates c<N> (a file written and read back chunk
 * by chunk) and d<N> (a directory), each request waiting for its reply
 * as a guest task does, while the other clients do the same.
 */
static void *client(void *arg)
{
	int id = (long)arg, i, bad = 0;
	unsigned char buf[CHUNK], got[CHUNK];
	u32 fid = 100 + id * 2;
	char name[16];
	struct treq *t;

	snprintf(name, sizeof(name), "c%d", id);
	if (walk(0, fid, NULL) || lcreate(fid, name))
		return (void *)1L;
	for (i = 0; i < FILE_SIZE / CHUNK; i++) {
		fill(buf, id, i);
		t = write_req(fid, (u64)i * CHUNK, buf, CHUNK);
		if (rpc(t, false))
			bad++;
	}
	for (i = 0; i < FILE_SIZE / CHUNK; i++) {
		fill(buf, id, i);
		if (read_at(fid, (u64)i * CHUNK, got, CHUNK) != CHUNK ||
		    memcmp(buf, got, CHUNK))
			bad++;
	}
	snprintf(name, sizeof(name), "d%d", id);
	if (mkdir_at(0, name) || walk(0, fid + 1, name) || clunk(fid + 1))
		bad++;
	if (clunk(fid))
		bad++;
	return (void *)(long)bad;
}

/* What the host sees of c<N> and d<N>. */
static bool host_view_ok(int id)
{
	unsigned char buf[CHUNK], got[CHUNK];
	char path[512];
	struct stat st;
	int fd, i;
	bool ret = true;

	snprintf(path, sizeof(path), "%s/d%d", root, id);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return false;
	snprintf(path, sizeof(path), "%s/c%d", root, id);
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size != FILE_SIZE)
		ret = false;
	for (i = 0; ret && i < FILE_SIZE / CHUNK; i++) {
		fill(buf, id, i);
		ret = pread(fd, got, CHUNK, (off_t)i * CHUNK) == CHUNK &&
		      !memcmp(buf, got, CHUNK);
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

static void test_clients(void)
{
	pthread_t th[NR_CLIENTS];
	int i, bad = 0, entries = 0;
	struct dirent *de;
	void *ret;
	DIR *dir;

	for (i = 0; i < NR_CLIENTS; i++)
		pthread_create(&th[i], NULL, client, (void *)(long)i);
	for (i = 0; i < NR_CLIENTS; i++) {
		pthread_join(th[i], &ret);
		bad += ret != NULL;
	}
	is_int(bad, 0, "6 clients at once: every request answered right");
	for (i = 0, bad = 0; i < NR_CLIENTS; i++)
		bad += !host_view_ok(i);
	is_int(bad, 0, "the host sees every file and directory the clients made");
	dir = opendir(root);
	while (dir && (de = readdir(dir)))
		entries += de->d_name[0] != '.';
	if (dir)
		closedir(dir);
	is_int(entries, 2 * NR_CLIENTS, "and nothing else");
}

/*
 * Two writes of one fid at one offset: the later must land last, even
 * when the first is held up.
 */
static void test_same_fid_order(void)
{
	unsigned char a[CHUNK], b[CHUNK], got[CHUNK];
	struct treq *w1, *w2, *g;
	char path[512];
	int bad = 0, i;

	memset(a, 'a', CHUNK);
	memset(b, 'b', CHUNK);
	walk(0, 50, NULL);
	lcreate(50, "order");
	for (i = 0; i < 20; i++) {
		w1 = write_req(50, 0, a, CHUNK);
		w2 = write_req(50, 0, b, CHUNK);
		g = getattr_req(0);
		if (i == 0)
			hold(tag_of(w1), tag_of(w1) + 1);
		submit(w1);
		if (i == 0)
			wait_held(1);
		submit(w2);
		submit(g);
		if (i == 0) {
			/* Another fid is not held up by the held one. */
			wait_done(g);
			ok(!is_done(w1) && !is_done(w2),
			   "a request on another fid passes a held one; the same fid waits");
			hold(0, 0);
		}
		wait_done(w1);
		wait_done(w2);
		wait_done(g);
		if (w1->seq > w2->seq ||
		    read_at(50, 0, got, CHUNK) != CHUNK || memcmp(got, b, CHUNK))
			bad++;
		free(w1);
		free(w2);
		free(g);
	}
	is_int(bad, 0, "requests on one fid run in arrival order");
	clunk(50);
	snprintf(path, sizeof(path), "%s/order", root);
	unlink(path);
}

static void test_flush(void)
{
	struct treq *run, *queued, *f1, *f2, *f3;
	u32 err;

	run = getattr_req(0);
	queued = getattr_req(0);
	hold(tag_of(run), tag_of(run) + 1);
	submit(run);
	wait_held(1);
	submit(queued);

	f1 = flush_req(tag_of(queued));
	submit(f1);
	wait_done(f1);
	ok(reply_type(f1, &err) == P9_RFLUSH,
	   "Tflush of a queued request: Rflush at once");
	ok(is_done(queued) && queued->len == 0,
	   "the queued request is dropped, its buffers back with 0 bytes");
	ok(!is_done(run), "the running one is still held");

	f2 = flush_req(tag_of(run));
	submit(f2);
	usleep(50000);
	ok(!is_done(f2), "Tflush of a running request waits for it");
	hold(0, 0);
	wait_done(f2);
	ok(is_done(run) && reply_type(run, &err) == P9_RGETATTR &&
	   run->seq < f2->seq,
	   "it finishes, and its reply goes out before the Rflush");
	ok(reply_type(f2, &err) == P9_RFLUSH, "then the Rflush");

	f3 = flush_req(tag_of(run));
	rpc(f3, true);
	ok(reply_type(f3, &err) == P9_RFLUSH,
	   "Tflush of a request answered already: Rflush");
	free(run);
	free(queued);
	free(f1);
	free(f2);
	free(f3);
}

/* The threads of this process. */
static int nr_tasks(void)
{
	return count_entries("/proc/self/task") - 2;
}

/* A flood: the ring's worth of requests, every one held up. */
static void test_flood(void)
{
	struct treq *t[FLOOD];
	int before = nr_tasks(), i, bad = 0;
	u16 first;

	for (i = 0; i < FLOOD; i++)
		t[i] = getattr_req(1000 + i);	/* no such fids: Rlerror */
	first = tag_of(t[0]);
	hold(first, first + FLOOD);
	for (i = 0; i < FLOOD; i++)
		submit(t[i]);
	wait_held(NR_THREADS);
	usleep(50000);
	pthread_mutex_lock(&hook_lock);
	is_int(held, NR_THREADS, "a flood: as many requests run as the pool has threads");
	pthread_mutex_unlock(&hook_lock);
	is_int(nr_tasks(), before, "and no thread is added for it");
	hold(0, 0);
	for (i = 0; i < FLOOD; i++) {
		u32 err;

		wait_done(t[i]);
		if (reply_type(t[i], &err) != P9_RLERROR || err != EBADF)
			bad++;
		free(t[i]);
	}
	is_int(bad, 0, "then every one is answered");
}

struct canceller {
	pthread_t thread;
	bool returned;
};

static void *cancel_thread(void *arg)
{
	struct canceller *c = arg;

	p9_pool_cancel(pool);
	pthread_mutex_lock(&done_lock);
	c->returned = true;
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&done_lock);
	return NULL;
}

/*
 * A device reset: what is queued is dropped at once, what runs finishes
 * first, and after p9_server_reset() the old session's fids are gone.
 */
static void test_cancel(void)
{
	struct treq *run[NR_THREADS], *queued[8], *t;
	struct canceller c = { .returned = false };
	int i, dropped = 0, answered = 0;
	u16 first;
	u32 err;

	for (i = 0; i < NR_THREADS; i++)
		run[i] = getattr_req(2000 + i);
	for (i = 0; i < (int)ARRAY_SIZE(queued); i++)
		queued[i] = getattr_req(0);
	first = tag_of(run[0]);
	hold(first, first + NR_THREADS);
	for (i = 0; i < NR_THREADS; i++)
		submit(run[i]);
	wait_held(NR_THREADS);
	for (i = 0; i < (int)ARRAY_SIZE(queued); i++)
		submit(queued[i]);

	pthread_create(&c.thread, NULL, cancel_thread, &c);
	for (i = 0; i < (int)ARRAY_SIZE(queued); i++) {
		wait_done(queued[i]);
		dropped += queued[i]->len == 0;
	}
	is_int(dropped, (int)ARRAY_SIZE(queued),
	       "cancel: every queued request is dropped with 0 bytes");
	usleep(50000);
	pthread_mutex_lock(&done_lock);
	ok(!c.returned, "cancel waits for the running ones");
	pthread_mutex_unlock(&done_lock);
	hold(0, 0);
	pthread_join(c.thread, NULL);
	for (i = 0; i < NR_THREADS; i++) {
		answered += is_done(run[i]) &&
			    reply_type(run[i], &err) == P9_RLERROR;
		free(run[i]);
	}
	is_int(answered, NR_THREADS,
	       "and returns once they are answered");
	for (i = 0; i < (int)ARRAY_SIZE(queued); i++)
		free(queued[i]);

	t = getattr_req(0);
	rpc(t, true);
	ok(reply_type(t, &err) == P9_RGETATTR, "the session's root fid is there");
	free(t);
	p9_server_reset(srv);
	t = getattr_req(0);
	rpc(t, true);
	ok(reply_type(t, &err) == P9_RLERROR && err == EBADF,
	   "after p9_server_reset() it is gone");
	free(t);
}

int main(void)
{
	struct treq *t;
	char tmpl[] = "/tmp/test-9p-pool.XXXXXX";

	plan(23);
	alarm(60);
	if (!mkdtemp(tmpl))
		return 1;
	snprintf(root, sizeof(root), "%s", tmpl);
	srv = p9_server_new(root, false, P9_SECURITY_PASSTHROUGH);
	if (!srv)
		return 1;
	pool = p9_pool_new(srv, NR_THREADS, done, NULL);
	ok(pool != NULL, "a pool of %d threads", NR_THREADS);
	p9_pool_set_hook(pool, hook);

	t = m_start(P9_TVERSION);
	m_u32(t, CHUNK + 64);
	m_str(t, "9P2000.L");
	is_int(rpc(t, false), 0, "Tversion");
	t = m_start(P9_TATTACH);
	m_u32(t, 0);
	m_u32(t, P9_NOFID);
	m_str(t, "root");
	m_str(t, "");
	m_u32(t, 0);
	is_int(rpc(t, false), 0, "Tattach");

	test_clients();
	test_same_fid_order();
	test_flush();
	test_flood();
	test_cancel();

	p9_pool_free(pool);
	p9_server_free(srv);
	if (system(NULL)) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd))
			diag("could not remove %s", root);
	}
	return exit_status();
}
