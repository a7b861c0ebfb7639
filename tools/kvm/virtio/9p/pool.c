// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded pool of threads serving one share's requests in parallel, so
 * that one slow host operation (a large read, an fsync, a cold directory)
 * does not hold up every other guest task.  Replies go out in the order
 * requests finish, which 9P allows; what must stay ordered does:
 *
 *  - requests naming the same (first) fid run one at a time, in arrival
 *    order: a Tread and Tclunk of one fid, a Tsetattr and a Tgetattr...
 *  - Tversion ends the session and clunks every fid: it runs alone, after
 *    everything before it and before everything after it.
 *  - Tflush never runs on a worker: see p9_pool_flush().
 *
 * The pool holds no request memory of its own: the transport owns each
 * struct p9_pool_req (one per ring slot for virtio), so the requests in
 * flight are bounded by the ring and the threads by nr_threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/list.h>
#include <lockdep/mutex.h>
#include <lockdep/condvar.h>

#include "kvm/9p.h"

struct p9_pool {
	struct p9_server *srv;
	p9_pool_done_fn done;
	void *priv;
	void (*hook)(struct p9_pool_req *req);	/* tests only */

	struct mutex lock;		/* everything below */
	struct condvar work;		/* a request may have become eligible */
	struct condvar idle;		/* a request finished */
	struct list_head pending;	/* arrival order */
	struct list_head running;
	bool exclusive;			/* a Tversion is running */
	bool stop;

	unsigned int nr_threads;
	pthread_t threads[];
};

/*
 * size[4] type[1] tag[2] fid[4] (oldtag[2] for Tflush): what scheduling
 * needs of a request.  The server checks the message again in full.
 */
static void peek_header(struct p9_pool_req *req)
{
	unsigned char hdr[P9_HDR_SIZE + 4];
	size_t got = 0, n;
	unsigned int i;
	u32 fid;
	u16 tag;

	for (i = 0; i < req->nr_in && got < sizeof(hdr); i++) {
		n = min(req->in[i].iov_len, sizeof(hdr) - got);
		memcpy(hdr + got, req->in[i].iov_base, n);
		got += n;
	}
	req->type = 0;
	req->tag = P9_NOTAG;
	req->fid = P9_NOFID;
	req->oldtag = P9_NOTAG;
	if (got < P9_HDR_SIZE)
		return;		/* the server answers it with an Rlerror */
	req->type = hdr[4];
	memcpy(&tag, hdr + 5, 2);
	req->tag = le16toh(tag);
	if (req->type == P9_TFLUSH && got >= P9_HDR_SIZE + 2) {
		memcpy(&tag, hdr + P9_HDR_SIZE, 2);
		req->oldtag = le16toh(tag);
	} else if (got == sizeof(hdr) && req->type != P9_TVERSION) {
		memcpy(&fid, hdr + P9_HDR_SIZE, 4);
		req->fid = le32toh(fid);
	}
}

static bool fid_busy(struct p9_pool *pool, u32 fid)
{
	struct p9_pool_req *req;

	if (fid == P9_NOFID)
		return false;
	list_for_each_entry(req, &pool->running, list)
		if (req->fid == fid)
			return true;
	return false;
}

/*
 * The first pending request that may start.  A later request on a fid is
 * never picked before an earlier one: both see the same fid_busy().
 */
static struct p9_pool_req *pick(struct p9_pool *pool)
{
	struct p9_pool_req *req;

	lockdep_assert_held(&pool->lock);
	if (pool->exclusive)
		return NULL;
	list_for_each_entry(req, &pool->pending, list) {
		if (req->type == P9_TVERSION)
			return list_empty(&pool->running) ? req : NULL;
		if (!fid_busy(pool, req->fid))
			return req;
	}
	return NULL;
}

/* Hands @req's Tflush waiters their Rflush, after @req's own reply. */
static void complete(struct p9_pool *pool, struct p9_pool_req *req,
		     size_t len)
{
	struct p9_pool_req *flush = req->flushers, *next;

	pool->done(pool->priv, req, len);
	for (; flush; flush = next) {
		next = flush->flushers;
		pool->done(pool->priv, flush, flush->reply_len);
	}
}

static void *worker(void *arg)
{
	struct p9_pool *pool = arg;
	struct p9_pool_req *req;
	size_t len;

	mutex_lock(&pool->lock);
	while (!pool->stop) {
		req = pick(pool);
		if (!req) {
			condvar_wait(&pool->work, &pool->lock);
			continue;
		}
		list_move_tail(&req->list, &pool->running);
		pool->exclusive = req->type == P9_TVERSION;
		mutex_unlock(&pool->lock);

		if (pool->hook)
			pool->hook(req);
		len = p9_server_handle(pool->srv, req->in, req->nr_in,
				       req->out, req->nr_out);

		mutex_lock(&pool->lock);
		list_del(&req->list);
		if (req->type == P9_TVERSION)
			pool->exclusive = false;
		/* Its fid is free: a request waiting on it may start. */
		condvar_broadcast(&pool->work);
		condvar_broadcast(&pool->idle);
		/*
		 * Completed under the lock so that a Tflush arriving now
		 * finds the request either running or gone, never between.
		 */
		complete(pool, req, len);
	}
	mutex_unlock(&pool->lock);
	return NULL;
}

static struct p9_pool_req *find_tag(struct list_head *head, u16 tag)
{
	struct p9_pool_req *req;

	list_for_each_entry(req, head, list)
		if (req->tag == tag)
			return req;
	return NULL;
}

/*
 * Tflush.  Per 9P the flushed request gets no reply of its own and the
 * Rflush answers the Tflush; a request already running finishes and its
 * reply goes out before the Rflush.
 *
 * A request still pending is dropped, but its buffers go back to the
 * driver, completed with 0 bytes written: Linux's trans_virtio (req_done)
 * takes every used buffer back and only hands those with a length to the
 * client, and once Rflush arrives for a request still marked sent,
 * p9_client_flush() drops it through p9_virtio_cancelled().  Never
 * returning the buffer would leak the ring slot for good.
 *
 * Called with pool->lock held, on the transport's thread.
 */
static void p9_pool_flush(struct p9_pool *pool, struct p9_pool_req *flush)
{
	struct p9_pool_req *old, **tail;
	u16 oldtag = flush->oldtag;

	/* The server checks the message and writes the Rflush (or error). */
	flush->reply_len = p9_server_handle(pool->srv, flush->in, flush->nr_in,
					    flush->out, flush->nr_out);
	if (oldtag == P9_NOTAG) {
		pool->done(pool->priv, flush, flush->reply_len);
		return;
	}

	/* Tflushes are never pending: they are answered or wait here. */
	old = find_tag(&pool->pending, oldtag);
	if (old) {
		list_del(&old->list);
		old->flushers = NULL;
		pool->done(pool->priv, old, 0);
		pool->done(pool->priv, flush, flush->reply_len);
		return;
	}
	old = find_tag(&pool->running, oldtag);
	if (!old) {
		/* Answered already, or never seen. */
		pool->done(pool->priv, flush, flush->reply_len);
		return;
	}
	for (tail = &old->flushers; *tail; tail = &(*tail)->flushers)
		;
	*tail = flush;
}

void p9_pool_submit(struct p9_pool *pool, struct p9_pool_req *req)
{
	peek_header(req);
	req->flushers = NULL;
	mutex_lock(&pool->lock);
	if (req->type == P9_TFLUSH) {
		p9_pool_flush(pool, req);
	} else {
		list_add_tail(&req->list, &pool->pending);
		condvar_signal(&pool->work);
	}
	mutex_unlock(&pool->lock);
}

void p9_pool_drain(struct p9_pool *pool)
{
	mutex_lock(&pool->lock);
	while (!list_empty(&pool->pending) || !list_empty(&pool->running))
		condvar_wait(&pool->idle, &pool->lock);
	mutex_unlock(&pool->lock);
}

void p9_pool_cancel(struct p9_pool *pool)
{
	struct p9_pool_req *req, *next;

	mutex_lock(&pool->lock);
	/* Only running requests have Tflushes waiting: none are lost here. */
	list_for_each_entry_safe(req, next, &pool->pending, list) {
		list_del(&req->list);
		pool->done(pool->priv, req, 0);
	}
	while (!list_empty(&pool->running))
		condvar_wait(&pool->idle, &pool->lock);
	mutex_unlock(&pool->lock);
}

void p9_pool_set_hook(struct p9_pool *pool,
		      void (*hook)(struct p9_pool_req *req))
{
	pool->hook = hook;
}

struct p9_pool *p9_pool_new(struct p9_server *srv, unsigned int nr_threads,
			    p9_pool_done_fn done, void *priv)
{
	struct p9_pool *pool;
	unsigned int i;
	int err;

	nr_threads = clamp(nr_threads, 1U, P9_POOL_MAX_THREADS);
	pool = calloc(1, sizeof(*pool) + nr_threads * sizeof(pthread_t));
	if (!pool)
		return NULL;
	pool->srv = srv;
	pool->done = done;
	pool->priv = priv;
	mutex_init(&pool->lock);
	condvar_init(&pool->work);
	condvar_init(&pool->idle);
	INIT_LIST_HEAD(&pool->pending);
	INIT_LIST_HEAD(&pool->running);
	for (i = 0; i < nr_threads; i++) {
		err = pthread_create(&pool->threads[i], NULL, worker, pool);
		if (err)
			goto fail;
		pool->nr_threads++;
	}
	return pool;

fail:
	p9_pool_free(pool);
	errno = err;
	return NULL;
}

void p9_pool_free(struct p9_pool *pool)
{
	unsigned int i;

	if (!pool)
		return;
	p9_pool_drain(pool);
	mutex_lock(&pool->lock);
	pool->stop = true;
	condvar_broadcast(&pool->work);
	mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nr_threads; i++)
		pthread_join(pool->threads[i], NULL);
	condvar_destroy(&pool->idle);
	condvar_destroy(&pool->work);
	mutex_destroy(&pool->lock);
	free(pool);
}
