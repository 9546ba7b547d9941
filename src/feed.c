/*
 * feed: per-feed schedule and state.  Everything runs on the loop thread:
 * a feed's timer starts a transfer whose body is not collected but queued
 * as it arrives.  One work timer for all feeds then turns queued bytes
 * into a JSON tree (adapter_reader), the tree into a document
 * (adapter_job) and frees what is left, in pieces of ADAPTER_PIECE_* and
 * for at most FEED_SLICE_US per turn of the loop, so that even a 64 MiB
 * document never holds up a frame (issue 3; bench/parse).  The finished
 * document is swapped in and the next fetch scheduled.  A second timer
 * per feed fires when the freshest data it holds turns stale, so the
 * board changes to "---" on time without any new fetch; a situation or
 * departure document as a whole turns stale stale_after_s after it was
 * last fetched (a 304 included), as the board then shows "no data".
 *
 * The queue is there because curl hands over in one go as much of the
 * body as is ready (many pieces per socket event on a fast link, a
 * file:// body whole): reading it in the write callback would put the
 * whole cost back into one turn of the loop.
 *
 * A datex2-parking feed with a table_url has a second feed of its own for
 * the ParkingTablePublication (format datex2-parking-table, every
 * table_interval_s): the same fetch, reader, job and back-off, but no
 * staleness of its own.  Its last good document names the car parks and
 * gives their sizes when the status document is mapped; until one has
 * arrived the names are the ids.  A table that differs from the one held
 * makes the status document be fetched again at once and without
 * conditional validators, so that the names appear without waiting for
 * the status interval and a 304 cannot keep the old mapping.
 *
 * A feed has one document in the works at a time.  A fetch that falls due
 * meanwhile (--once while a parse runs, a short back-off while a rejected
 * tree is still being freed) starts as soon as the feed is idle again:
 * cancelling would throw away a parse half done, and a document slower to
 * parse than its interval would then never be shown.
 */
#include "feed.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "fetch.h"
#include "info.h"
#include "log.h"
#include "loop.h"
#include "util.h"

#define FEED_BACKOFF_CAP_MS ((int64_t)15 * 60 * 1000)
#define FEED_SLICE_US       2000  /* parse work per loop turn, all feeds */
#define FEED_BLOCK          65536 /* queue block size */

/* Body bytes received and not yet read, in arrival order. */
struct feed_block {
	struct feed_block *next;
	size_t off, len, cap;
	char data[];
};

const double feed_latency_bounds[FEED_LATENCY_BUCKETS] = { 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10 };

struct feed {
	struct feeds *owner;
	const struct cfg_feed *cfg;
	const struct adapter *adapter;
	struct loop_timer *timer;
	struct loop_timer *stale_timer;
	struct fetch_xfer *xfer;
	struct park_doc doc;
	int have_doc;
	int64_t fetched_wall_ms; /* when doc (or a 304 for it) arrived */
	char etag[FETCH_ETAG_LEN];
	char last_modified[FETCH_DATE_LEN];
	int failures;
	int stale;
	uint64_t fetches, nfailures, not_modified;
	uint64_t latency_le[FEED_LATENCY_BUCKETS];
	uint64_t latency_count;
	double latency_sum;
	char last_error[256];
	char key[CFG_FEED_ID_LEN + CFG_URL_LEN + 16]; /* id, url, format */
	/* The document in the works (feed_work). */
	struct feed_block *queue, *queue_tail;
	struct adapter_reader *reader; /* reading the body, or being freed */
	int reader_dead;               /* only being freed */
	struct adapter_job *job;
	int arrived; /* the transfer is over: finish the reader */
	long status; /* its status and validators, for feed_ok */
	char new_etag[FETCH_ETAG_LEN];
	char new_last_modified[FETCH_DATE_LEN];
	int start_due; /* a fetch fell due while busy */
	/*
	 * datex2-parking with a table_url: the table's own feed (its cfg is
	 * table_cfg, made from ours), else NULL.  A table feed has parent.
	 */
	struct feed *table;
	struct feed *parent;
	struct cfg_feed table_cfg;
};

struct feeds {
	struct loop *loop;
	struct fetch *fetch;
	feeds_changed_cb *changed;
	void *arg;
	struct feed **v;
	size_t n;
	const struct cfg *cfg;
	uint64_t rng;
	struct loop_timer *work; /* feeds_on_work */
	size_t work_next;        /* the feed served first next time */
};

static void feed_start(struct feed *f);

static void
feeds_notify(struct feeds *fs)
{
	if (fs->changed != NULL)
		fs->changed(fs->arg);
}

/* xorshift: jitter needs no cryptographic quality, only spread. */
static double
feeds_random(struct feeds *fs)
{
	fs->rng ^= fs->rng << 13;
	fs->rng ^= fs->rng >> 7;
	fs->rng ^= fs->rng << 17;
	return (double)(fs->rng >> 11) / (double)(1ULL << 53);
}

int64_t
feed_backoff_ms(int interval_s, int failures, double jitter)
{
	int64_t base = (int64_t)interval_s * 1000, d;

	if (base > 30000)
		base = 30000; /* a slow feed still retries soon after a blip */
	d = base;
	for (int i = 1; i < failures && d < FEED_BACKOFF_CAP_MS; i++)
		d *= 2;
	if (d > FEED_BACKOFF_CAP_MS)
		d = FEED_BACKOFF_CAP_MS;
	if (d < (int64_t)interval_s * 1000 && failures <= 1)
		d = (int64_t)interval_s * 1000;
	/* +-20 % so that many signs do not retry in step. */
	return d + (int64_t)((double)d * 0.4 * (jitter - 0.5));
}

/*
 * Is any item fresh by the display rules at now?  *recheck gets the next
 * time that answer can change: when the last fresh item turns stale, or
 * when an item dated too far ahead comes within range.
 */
static int
feed_any_fresh(const struct feed *f, int64_t now, int64_t *recheck)
{
	int64_t stale_ms = (int64_t)f->cfg->stale_after_s * 1000;
	int64_t until = PARK_NO_TIME, ahead = INT64_MAX;
	size_t n;

	/*
	 * Car parks and travel times turn stale by their times.  Situations
	 * and departures are shown by their own validity, but only while the
	 * document is: the board shows "no data" once the last good fetch
	 * is older than stale_after (render_info_doc), and so does /health.
	 */
	if (f->doc.kind == INFO_KIND_PARK) {
		n = f->doc.n;
	} else if (f->doc.kind == INFO_KIND_TRAVEL) {
		n = f->doc.ninfo;
	} else {
		if (now - f->fetched_wall_ms > stale_ms) {
			*recheck = INT64_MAX; /* until the next fetch */
			return 0;
		}
		*recheck = f->fetched_wall_ms + stale_ms + 1;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t t = f->doc.kind == INFO_KIND_PARK ?
		    f->doc.items[i].time_ms :
		    f->doc.info[i].time_ms;
		if (t == PARK_NO_TIME)
			t = f->doc.time_ms != PARK_NO_TIME ? f->doc.time_ms :
							     f->fetched_wall_ms;
		if (t - now > PARK_FUTURE_MS) {
			if (t - PARK_FUTURE_MS < ahead)
				ahead = t - PARK_FUTURE_MS;
		} else if (now - t <= stale_ms && t + stale_ms + 1 > until) {
			until = t + stale_ms + 1; /* stale from then on */
		}
	}
	*recheck = until != PARK_NO_TIME ? until : ahead;
	return until != PARK_NO_TIME;
}

static void
feed_check_stale(struct feed *f)
{
	int64_t now = util_wall_ms(), recheck = INT64_MAX;
	int stale;

	/* A table has no times: its names hold until a new one comes. */
	if (f->parent != NULL) {
		loop_timer_stop(f->stale_timer);
		return;
	}
	stale = f->have_doc && !feed_any_fresh(f, now, &recheck);

	if (stale && !f->stale)
		log_warn("feed %s: stale (no data newer than %d s)", f->cfg->id,
		    f->cfg->stale_after_s);
	else if (!stale && f->stale)
		log_notice("feed %s: fresh again", f->cfg->id);
	if (stale != f->stale) {
		f->stale = stale;
		feeds_notify(f->owner);
	}
	if (f->have_doc && recheck != INT64_MAX)
		loop_timer_at(f->stale_timer, util_mono_ms() + (recheck - now));
	else
		loop_timer_stop(f->stale_timer);
}

static void
feed_on_stale_timer(struct loop_timer *t, void *arg)
{
	(void)t;
	feed_check_stale(arg);
}

static void
feed_fail(struct feed *f, const char *why, int64_t retry_after_s)
{
	int64_t delay;

	f->failures++;
	f->nfailures++;
	if (f->failures == 1 || strcmp(why, f->last_error) != 0)
		log_warn("feed %s: %s", f->cfg->id, why);
	util_strlcpy(f->last_error, why, sizeof(f->last_error));
	delay = feed_backoff_ms(
	    f->cfg->interval_s, f->failures, feeds_random(f->owner));
	if (retry_after_s >= 0 && retry_after_s * 1000 > delay) {
		delay = retry_after_s * 1000;
		log_info("feed %s: server asks to retry after %lld s",
		    f->cfg->id, (long long)retry_after_s);
	}
	loop_timer_at(f->timer, util_mono_ms() + delay);
}

/*
 * Keep FULL until enough spaces are free again (full_hysteresis), so a
 * car park hovering around 0-1 does not flap between FULL and "1".
 */
static void
feed_hysteresis(struct feed *f, struct park_doc *nd)
{
	int h = f->cfg->full_hysteresis;

	if (h <= 0 || !f->have_doc)
		return;
	for (size_t i = 0; i < nd->n; i++) {
		struct park_item *it = &nd->items[i];
		const struct park_item *old = park_doc_find(&f->doc, it->id);
		int was_full;
		if (old == NULL || it->free == PARK_NO_COUNT ||
		    it->state == PARK_STATE_CLOSED)
			continue;
		was_full = old->state == PARK_STATE_FULL || old->free == 0;
		if (was_full && it->free < h)
			it->free = 0;
	}
}

/* Trend from consecutive readings where the feed gives none. */
static void
feed_trend(struct feed *f, struct park_doc *nd)
{
	if (!f->have_doc)
		return;
	for (size_t i = 0; i < nd->n; i++) {
		struct park_item *it = &nd->items[i];
		const struct park_item *old;
		if (it->trend != PARK_TREND_NONE || it->free == PARK_NO_COUNT)
			continue;
		old = park_doc_find(&f->doc, it->id);
		if (old == NULL || old->free == PARK_NO_COUNT)
			continue;
		if (it->free < old->free)
			it->trend = PARK_TREND_FILLING;
		else if (it->free > old->free)
			it->trend = PARK_TREND_EMPTYING;
		else
			it->trend = old->trend;
	}
}

/* The fetch went through: validators, recovery, next fetch, staleness. */
static void
feed_ok(struct feed *f, long status, const char *etag, const char *lm)
{
	/* A 304 need not repeat the validators: keep the ones we have. */
	if (status != 304 || etag[0] != '\0')
		util_strlcpy(f->etag, etag, sizeof(f->etag));
	if (status != 304 || lm[0] != '\0')
		util_strlcpy(f->last_modified, lm, sizeof(f->last_modified));
	if (f->failures > 0)
		log_notice("feed %s: recovered after %d failed fetch%s",
		    f->cfg->id, f->failures, f->failures == 1 ? "" : "es");
	f->failures = 0;
	f->last_error[0] = '\0';
	loop_timer_at(
	    f->timer, util_mono_ms() + (int64_t)f->cfg->interval_s * 1000);
	feed_check_stale(f);
	feeds_notify(f->owner);
}

static void
feeds_wake(struct feeds *fs)
{
	loop_timer_at(fs->work, util_mono_ms());
}

static void
feed_queue_clear(struct feed *f)
{
	while (f->queue != NULL) {
		struct feed_block *b = f->queue;
		f->queue = b->next;
		free(b);
	}
	f->queue_tail = NULL;
}

/*
 * fetch: a piece of a 2xx body.  Only queued: reading it is feed_work's.
 * Never refused either, so the transfer runs to its end as before and a
 * broken document is reported only once the transfer has not failed.
 */
static int
feed_on_chunk(const char *data, size_t len, void *arg, char *err, size_t errlen)
{
	struct feed *f = arg;
	struct feed_block *b = f->queue_tail;
	size_t n;

	(void)err;
	(void)errlen;
	while (len > 0) {
		if (b == NULL || b->len == b->cap) {
			b = util_calloc(1, sizeof(*b) + FEED_BLOCK);
			b->cap = FEED_BLOCK;
			if (f->queue_tail != NULL)
				f->queue_tail->next = b;
			else
				f->queue = b;
			f->queue_tail = b;
		}
		n = len < b->cap - b->len ? len : b->cap - b->len;
		memcpy(b->data + b->len, data, n);
		b->len += n;
		data += n;
		len -= n;
	}
	feeds_wake(f->owner);
	return 0;
}

/* Give up the document in the works; a reader is freed in slices. */
static void
feed_drop(struct feed *f)
{
	feed_queue_clear(f);
	f->arrived = 0;
	if (f->reader != NULL) {
		f->reader_dead = 1;
		feeds_wake(f->owner);
	}
}

/* Nothing in the works any more: start a fetch that fell due meanwhile. */
static void
feed_idle(struct feed *f)
{
	if (f->start_due && f->reader == NULL && f->job == NULL) {
		f->start_due = 0;
		feed_start(f);
	}
}

static void
feed_done(const struct fetch_result *res, void *arg)
{
	struct feed *f = arg;

	f->xfer = NULL;
	f->fetches++;
	f->latency_count++;
	f->latency_sum += (double)res->elapsed_ms / 1000.0;
	for (size_t i = 0; i < FEED_LATENCY_BUCKETS; i++)
		if ((double)res->elapsed_ms / 1000.0 <= feed_latency_bounds[i])
			f->latency_le[i]++;
	if (!res->ok) {
		feed_drop(f);
		feed_fail(f, res->err, res->retry_after_s);
		return;
	}
	if (res->status == 304 && f->have_doc) {
		feed_drop(f);
		f->not_modified++;
		f->fetched_wall_ms = util_wall_ms();
		feed_ok(f, res->status, res->etag, res->last_modified);
		return;
	}
	/* feed_work reads the rest of the body, then feed_mapped. */
	f->arrived = 1;
	f->status = res->status;
	util_strlcpy(f->new_etag, res->etag, sizeof(f->new_etag));
	util_strlcpy(f->new_last_modified, res->last_modified,
	    sizeof(f->new_last_modified));
	feeds_wake(f->owner);
}

/* a and b name the same car parks with the same sizes, in the same order. */
static int
feed_same_table(const struct park_doc *a, const struct park_doc *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->items[i].id, b->items[i].id) != 0 ||
		    strcmp(a->items[i].name, b->items[i].name) != 0 ||
		    a->items[i].total != b->items[i].total)
			return 0;
	return 1;
}

/*
 * A new table for f: fetch the status document again now, without
 * validators (a 304 would keep the document mapped with the old table).
 * A fetch under way either reads the new table when its body is in, or
 * (a job already mapping) is followed by the new one (feed_start).
 */
static void
feed_table_arrived(struct feed *f)
{
	log_info("feed %s: new table of %zu car parks, fetching again",
	    f->cfg->id, f->table->doc.n);
	f->etag[0] = '\0';
	f->last_modified[0] = '\0';
	loop_timer_stop(f->timer);
	feed_start(f);
}

/* The job ended (adapter_job_step gave r): swap the document in, or fail. */
static void
feed_mapped(struct feed *f, int r)
{
	struct park_doc nd;
	char why[320];
	int changed;

	if (r != 0) {
		snprintf(why, sizeof(why), "rejected document: %s",
		    adapter_job_error(f->job));
		adapter_job_free(f->job);
		f->job = NULL;
		feed_fail(f, why, -1);
		return;
	}
	park_doc_init(&nd);
	adapter_job_take(f->job, &nd);
	adapter_job_free(f->job);
	f->job = NULL;
	changed = !f->have_doc || !feed_same_table(&f->doc, &nd);
	if (f->parent == NULL) {
		feed_hysteresis(f, &nd);
		feed_trend(f, &nd);
	}
	park_doc_fini(&f->doc);
	park_doc_move(&f->doc, &nd);
	f->have_doc = 1;
	f->fetched_wall_ms = util_wall_ms();
	log_info("feed %s: %zu items", f->cfg->id, f->doc.n + f->doc.ninfo);
	feed_ok(f, f->status, f->new_etag, f->new_last_modified);
	if (f->parent != NULL && changed)
		feed_table_arrived(f->parent);
}

/* The body is read: its tree goes to a job, or the document is rejected. */
static void
feed_read(struct feed *f)
{
	struct adapter_input in;
	struct adapter_opts o;
	char err[256], why[320];

	f->arrived = 0;
	if (adapter_reader_finish_input(f->reader, &in, err, sizeof(err)) !=
	    0) {
		f->reader_dead = 1;
		snprintf(why, sizeof(why), "rejected document: %s", err);
		feed_fail(f, why, -1);
		return;
	}
	adapter_reader_free(f->reader); /* holds nothing now */
	f->reader = NULL;
	memset(&o, 0, sizeof(o));
	o.timezone = f->cfg->timezone[0] ? f->cfg->timezone : NULL;
	o.fields = &f->cfg->fields;
	o.lang = cfg_language_name(f->owner->cfg->language);
	/* The last good table, if any (the job copies it). */
	if (f->table != NULL && f->table->have_doc)
		o.table = &f->table->doc;
	f->job = adapter_job_new_input(f->adapter, &in, &o);
}

/*
 * One piece of f's work, the first that applies: free a dead reader, step
 * the job, read queued bytes, finish the reader.  1 when something was
 * done, 0 when f has nothing to do until more bytes arrive.
 */
static int
feed_work(struct feed *f)
{
	struct feed_block *b = f->queue;
	char err[256];
	size_t n;
	int r;

	if (f->reader != NULL && f->reader_dead) {
		if (adapter_reader_release(f->reader, ADAPTER_PIECE_VALUES) ==
		    0) {
			adapter_reader_free(f->reader);
			f->reader = NULL;
			f->reader_dead = 0;
			feed_idle(f);
		}
		return 1;
	}
	if (f->job != NULL) {
		r = adapter_job_step(f->job, ADAPTER_PIECE_ITEMS);
		if (r <= 0) {
			feed_mapped(f, r);
			feed_idle(f);
		}
		return 1;
	}
	if (f->reader == NULL)
		return 0;
	if (b != NULL) {
		n = b->len - b->off;
		if (n > ADAPTER_PIECE_BYTES)
			n = ADAPTER_PIECE_BYTES;
		/* An error is kept by the reader: finish reports it. */
		adapter_reader_feed(
		    f->reader, b->data + b->off, n, err, sizeof(err));
		b->off += n;
		if (b->off == b->len) {
			f->queue = b->next;
			if (f->queue == NULL)
				f->queue_tail = NULL;
			free(b);
		}
		return 1;
	}
	if (!f->arrived)
		return 0;
	feed_read(f);
	return 1;
}

static int64_t
feed_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The work timer: pieces of all feeds' work, taking turns, until none is
 * left or FEED_SLICE_US have passed; then again on the next turn of the
 * loop, after whatever else is due (a frame).
 */
static void
feeds_on_work(struct loop_timer *t, void *arg)
{
	struct feeds *fs = arg;
	int64_t until = feed_now_us() + FEED_SLICE_US;
	int did = 1;

	while (did) {
		did = 0;
		for (size_t k = 0; k < fs->n; k++) {
			size_t i = (fs->work_next + k) % fs->n;

			did |= feed_work(fs->v[i]);
			if (fs->v[i]->table != NULL)
				did |= feed_work(fs->v[i]->table);
			if (feed_now_us() >= until) {
				fs->work_next = i + 1;
				/*
				 * Not due again in this pass of the loop's
				 * timers: the slice took over a millisecond.
				 */
				loop_timer_at(t, util_mono_ms());
				return;
			}
		}
	}
}

static void
feed_start(struct feed *f)
{
	struct fetch_header hdr[16];
	const struct cfg_header *h = f->cfg->headers.v;
	struct fetch_req req;
	char err[256];

	if (f->xfer != NULL)
		return;
	if (f->reader != NULL || f->job != NULL) {
		f->start_due = 1;
		return;
	}
	memset(&req, 0, sizeof(req));
	for (size_t i = 0; i < f->cfg->headers.n && i < 16; i++) {
		hdr[i].name = h[i].name;
		hdr[i].value = h[i].value;
	}
	req.url = f->cfg->url;
	req.timeout_ms = f->cfg->timeout_s * 1000;
	req.max_bytes = (size_t)f->cfg->max_bytes;
	req.allow_file = f->cfg->allow_file;
	req.ca_path = f->cfg->ca_path;
	req.headers = hdr;
	req.nheaders = f->cfg->headers.n < 16 ? f->cfg->headers.n : 16;
	if (f->have_doc) {
		req.etag = f->etag;
		req.last_modified = f->last_modified;
	}
	req.chunk = feed_on_chunk;
	f->reader = adapter_reader_new_for(f->adapter);
	f->xfer =
	    fetch_start(f->owner->fetch, &req, feed_done, f, err, sizeof(err));
	if (f->xfer == NULL) {
		adapter_reader_free(f->reader);
		f->reader = NULL;
		feed_fail(f, err, -1);
	}
}

static void
feed_on_timer(struct loop_timer *t, void *arg)
{
	(void)t;
	feed_start(arg);
}

static void
feed_free(struct feed *f)
{
	if (f == NULL)
		return;
	feed_free(f->table);
	fetch_cancel(f->xfer);
	loop_timer_free(f->timer);
	loop_timer_free(f->stale_timer);
	park_doc_fini(&f->doc);
	/* At once: only on shutdown, or on a reload that drops the feed. */
	feed_queue_clear(f);
	adapter_reader_free(f->reader);
	adapter_job_free(f->job);
	free(f);
}

struct feeds *
feeds_new(struct loop *l, feeds_changed_cb *cb, void *arg)
{
	struct feeds *fs = util_calloc(1, sizeof(*fs));

	fs->loop = l;
	fs->fetch = fetch_new(l);
	fs->work = loop_timer_new(l, feeds_on_work, fs);
	fs->changed = cb;
	fs->arg = arg;
	fs->rng = (uint64_t)util_wall_ms() * 2654435761ULL | 1;
	return fs;
}

void
feeds_free(struct feeds *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->n; i++)
		feed_free(fs->v[i]);
	free(fs->v);
	fetch_free(fs->fetch);
	loop_timer_free(fs->work);
	free(fs);
}

static void
feed_key(const struct cfg_feed *c, char *out, size_t size)
{
	snprintf(out, size, "%s\n%s\n%d", c->id, c->url, c->format);
}

/* A feed that fetches for the first time now. */
static struct feed *
feed_new(struct feeds *fs, const char *key)
{
	struct feed *f = util_calloc(1, sizeof(*f));

	f->owner = fs;
	f->timer = loop_timer_new(fs->loop, feed_on_timer, f);
	f->stale_timer = loop_timer_new(fs->loop, feed_on_stale_timer, f);
	park_doc_init(&f->doc);
	util_strlcpy(f->key, key, sizeof(f->key));
	loop_timer_at(f->timer, util_mono_ms());
	return f;
}

/* The table's settings: the feed's own, with the table's URL and format. */
static void
feed_table_cfg(const struct cfg_feed *cf, struct cfg_feed *t)
{
	*t = *cf;
	snprintf(t->id, sizeof(t->id), "%s table", cf->id);
	util_strlcpy(t->url, cf->table_url, sizeof(t->url));
	for (t->format = 0; adapter_names[t->format] != NULL &&
	     strcmp(adapter_names[t->format], "datex2-parking-table") != 0;)
		t->format++;
	t->interval_s = cf->table_interval_s;
	t->full_hysteresis = 0;
	t->table_url[0] = '\0';
}

/*
 * Start, keep or stop f's table feed for cf: kept (with its table) while
 * its URL is the same, started afresh when it changed.
 */
static void
feed_table_apply(struct feed *f, const struct cfg_feed *cf)
{
	char key[sizeof(f->key)];

	if (cf->table_url[0] == '\0' ||
	    strcmp(adapter_names[cf->format], "datex2-parking") != 0) {
		feed_free(f->table);
		f->table = NULL;
		return;
	}
	feed_table_cfg(cf, &f->table_cfg);
	feed_key(&f->table_cfg, key, sizeof(key));
	if (f->table != NULL && strcmp(f->table->key, key) != 0) {
		feed_free(f->table);
		f->table = NULL;
	}
	if (f->table == NULL) {
		f->table = feed_new(f->owner, key);
		f->table->parent = f;
	}
	f->table->cfg = &f->table_cfg;
	f->table->adapter = adapter_find("datex2-parking-table");
}

void
feeds_apply(struct feeds *fs, const struct cfg *cfg)
{
	const struct cfg_feed *cf = cfg->feeds.v;
	struct feed **nv = util_calloc(cfg->feeds.n, sizeof(struct feed *));

	for (size_t i = 0; i < cfg->feeds.n; i++) {
		char key[sizeof(((struct feed *)NULL)->key)];
		struct feed *f = NULL;
		feed_key(&cf[i], key, sizeof(key));
		for (size_t j = 0; j < fs->n; j++) {
			if (fs->v[j] != NULL &&
			    strcmp(fs->v[j]->key, key) == 0) {
				f = fs->v[j];
				fs->v[j] = NULL;
				break;
			}
		}
		if (f == NULL)
			f = feed_new(fs, key);
		f->cfg = &cf[i];
		f->adapter = adapter_find(adapter_names[cf[i].format]);
		feed_table_apply(f, &cf[i]);
		nv[i] = f;
	}
	for (size_t j = 0; j < fs->n; j++)
		feed_free(fs->v[j]);
	free(fs->v);
	fs->v = nv;
	fs->n = cfg->feeds.n;
	fs->cfg = cfg;
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i]->have_doc)
			feed_check_stale(fs->v[i]);
}

void
feeds_fetch_all(struct feeds *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct feed *t = fs->v[i]->table;

		/* The table first: a status document read later uses it. */
		if (t != NULL) {
			loop_timer_stop(t->timer);
			feed_start(t);
		}
		loop_timer_stop(fs->v[i]->timer);
		feed_start(fs->v[i]);
	}
}

/* A document of f (or of its table) is being read or mapped. */
static int
feed_busy(const struct feed *f)
{
	if (f == NULL)
		return 0;
	return (f->reader != NULL && !f->reader_dead) || f->job != NULL ||
	    feed_busy(f->table);
}

int
feeds_busy(const struct feeds *fs)
{
	if (fetch_active(fs->fetch) > 0)
		return 1;
	/* A document still being read or mapped; freeing does not count. */
	for (size_t i = 0; i < fs->n; i++)
		if (feed_busy(fs->v[i]))
			return 1;
	return 0;
}

const struct park_doc *
feeds_doc(const struct feeds *fs, const char *id, struct park_rules *rules)
{
	for (size_t i = 0; i < fs->n; i++) {
		const struct feed *f = fs->v[i];
		if (strcmp(f->cfg->id, id) != 0)
			continue;
		if (!f->have_doc)
			return NULL;
		rules->fetched_ms = f->fetched_wall_ms;
		rules->doc_time_ms = f->doc.time_ms;
		rules->stale_after_ms = (int64_t)f->cfg->stale_after_s * 1000;
		return &f->doc;
	}
	return NULL;
}

size_t
feeds_count(const struct feeds *fs)
{
	return fs->n;
}

void
feeds_stats(
    const struct feeds *fs, size_t i, int64_t now_ms, struct feed_stats *out)
{
	const struct feed *f = fs->v[i];
	struct park_rules ru;

	memset(out, 0, sizeof(*out));
	out->id = f->cfg->id;
	out->fetches = f->fetches;
	out->failures = f->nfailures;
	out->not_modified = f->not_modified;
	out->last_ok_wall_ms = f->have_doc ? f->fetched_wall_ms : PARK_NO_TIME;
	out->failing = f->failures > 0;
	out->stale = f->stale;
	util_strlcpy(out->last_error, f->last_error, sizeof(out->last_error));
	out->items = f->have_doc ? f->doc.n + f->doc.ninfo : 0;
	memcpy(out->latency_le, f->latency_le, sizeof(out->latency_le));
	out->latency_count = f->latency_count;
	out->latency_sum = f->latency_sum;
	out->doc_newest_ms = PARK_NO_TIME;
	if (!f->have_doc)
		return;
	ru.now_ms = now_ms;
	ru.fetched_ms = f->fetched_wall_ms;
	ru.doc_time_ms = f->doc.time_ms;
	ru.stale_after_ms = (int64_t)f->cfg->stale_after_s * 1000;
	for (size_t k = 0; k < f->doc.n; k++) {
		const struct park_item *it = &f->doc.items[k];
		int64_t t = it->time_ms != PARK_NO_TIME ? it->time_ms :
		    f->doc.time_ms != PARK_NO_TIME      ? f->doc.time_ms :
							  f->fetched_wall_ms;
		if (park_display(it, &ru, NULL) == PARK_DISPLAY_NODATA)
			out->items_nodata++;
		if (t > out->doc_newest_ms && t - now_ms <= PARK_FUTURE_MS)
			out->doc_newest_ms = t;
	}
}
