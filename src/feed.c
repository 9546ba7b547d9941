/*
 * feed: per-feed schedule and state.  Everything runs on the loop thread:
 * a feed's timer starts a transfer, the transfer's callback parses the
 * body (the adapters are fast enough for documents of a few MiB; see
 * bench/), swaps the document in and schedules the next fetch.  A second
 * timer per feed fires when the freshest data it holds turns stale, so the
 * board changes to "---" on time without any new fetch.
 */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "fetch.h"
#include "log.h"
#include "loop.h"
#include "util.h"

#define FEED_BACKOFF_CAP_MS (15 * 60 * 1000)

const double feed_latency_bounds[FEED_LATENCY_BUCKETS] = { 0.05, 0.1, 0.25,
	0.5, 1, 2.5, 5, 10 };

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

	for (size_t i = 0; i < f->doc.n; i++) {
		int64_t t = f->doc.items[i].time_ms;
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
	int stale = f->have_doc && !feed_any_fresh(f, now, &recheck);

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

static void
feed_done(const struct fetch_result *res, void *arg)
{
	struct feed *f = arg;
	struct adapter_opts o;
	struct park_doc nd;
	char err[256], why[320];

	f->xfer = NULL;
	f->fetches++;
	f->latency_count++;
	f->latency_sum += (double)res->elapsed_ms / 1000.0;
	for (size_t i = 0; i < FEED_LATENCY_BUCKETS; i++)
		if ((double)res->elapsed_ms / 1000.0 <= feed_latency_bounds[i])
			f->latency_le[i]++;
	if (!res->ok) {
		feed_fail(f, res->err, res->retry_after_s);
		return;
	}
	if (res->status == 304 && f->have_doc) {
		f->not_modified++;
		f->fetched_wall_ms = util_wall_ms();
	} else {
		memset(&o, 0, sizeof(o));
		o.timezone = f->cfg->timezone[0] ? f->cfg->timezone : NULL;
		o.fields = &f->cfg->fields;
		park_doc_init(&nd);
		if (adapter_parse(f->adapter, res->body, res->len, &o, &nd, err,
			sizeof(err)) != 0) {
			snprintf(
			    why, sizeof(why), "rejected document: %s", err);
			feed_fail(f, why, -1);
			return;
		}
		feed_hysteresis(f, &nd);
		feed_trend(f, &nd);
		park_doc_fini(&f->doc);
		park_doc_move(&f->doc, &nd);
		f->have_doc = 1;
		f->fetched_wall_ms = util_wall_ms();
		log_info("feed %s: %zu items", f->cfg->id, f->doc.n);
	}
	/* A 304 need not repeat the validators: keep the ones we have. */
	if (res->status != 304 || res->etag[0] != '\0')
		util_strlcpy(f->etag, res->etag, sizeof(f->etag));
	if (res->status != 304 || res->last_modified[0] != '\0')
		util_strlcpy(f->last_modified, res->last_modified,
		    sizeof(f->last_modified));
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
feed_start(struct feed *f)
{
	struct fetch_header hdr[16];
	const struct cfg_header *h = f->cfg->headers.v;
	struct fetch_req req;
	char err[256];

	if (f->xfer != NULL)
		return;
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
	f->xfer =
	    fetch_start(f->owner->fetch, &req, feed_done, f, err, sizeof(err));
	if (f->xfer == NULL)
		feed_fail(f, err, -1);
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
	fetch_cancel(f->xfer);
	loop_timer_free(f->timer);
	loop_timer_free(f->stale_timer);
	park_doc_fini(&f->doc);
	free(f);
}

struct feeds *
feeds_new(struct loop *l, feeds_changed_cb *cb, void *arg)
{
	struct feeds *fs = util_calloc(1, sizeof(*fs));

	fs->loop = l;
	fs->fetch = fetch_new(l);
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
	free(fs);
}

static void
feed_key(const struct cfg_feed *c, char *out, size_t size)
{
	snprintf(out, size, "%s\n%s\n%d", c->id, c->url, c->format);
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
		if (f == NULL) {
			f = util_calloc(1, sizeof(*f));
			f->owner = fs;
			f->timer = loop_timer_new(fs->loop, feed_on_timer, f);
			f->stale_timer =
			    loop_timer_new(fs->loop, feed_on_stale_timer, f);
			park_doc_init(&f->doc);
			util_strlcpy(f->key, key, sizeof(f->key));
			loop_timer_at(f->timer, util_mono_ms());
		}
		f->cfg = &cf[i];
		f->adapter = adapter_find(adapter_names[cf[i].format]);
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
		loop_timer_stop(fs->v[i]->timer);
		feed_start(fs->v[i]);
	}
}

int
feeds_busy(const struct feeds *fs)
{
	return fetch_active(fs->fetch) > 0;
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
feeds_stats(const struct feeds *fs, size_t i, int64_t now_ms,
    struct feed_stats *out)
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
	out->items = f->have_doc ? f->doc.n : 0;
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
		int64_t t = it->time_ms != PARK_NO_TIME ? it->time_ms
		    : f->doc.time_ms != PARK_NO_TIME    ? f->doc.time_ms
							: f->fetched_wall_ms;
		if (park_display(it, &ru, NULL) == PARK_DISPLAY_NODATA)
			out->items_nodata++;
		if (t > out->doc_newest_ms && t - now_ms <= PARK_FUTURE_MS)
			out->doc_newest_ms = t;
	}
}
