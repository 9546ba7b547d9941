/*
 * feed: the configured data feeds at run time.  Each feed fetches on its
 * own deadline, parses what arrives with its adapter and keeps the last
 * good document; a failed fetch (network, HTTP status, a rejected
 * document) keeps that document, which then turns stale by the display
 * rules.  Failures back off exponentially with jitter; 429 Retry-After is
 * honoured; conditional requests (ETag, Last-Modified) save bandwidth.
 * Only transitions are logged ("failing", "recovered", "stale").
 */
#ifndef TAFEL_FEED_H
#define TAFEL_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "park.h"

struct loop;
struct feeds;

/* Called after a feed's data changed (a new document, or it went stale). */
typedef void feeds_changed_cb(void *arg);

struct feeds *feeds_new(struct loop *l, feeds_changed_cb *cb, void *arg);
void feeds_free(struct feeds *fs);

/*
 * Apply the feeds of cfg (at start and on reload).  A feed whose id, url
 * and format are unchanged keeps its data and schedule; others start
 * afresh; removed feeds stop.  A datex2-parking feed with a table_url
 * also fetches that ParkingTablePublication every table_interval_s and
 * maps its status documents with the last good one (kept while the
 * table_url stays the same); a new table refetches the status at once.
 * cfg must outlive the next call.
 */
void feeds_apply(struct feeds *fs, const struct cfg *cfg);

/*
 * Fetch every feed (and table) now (--once: one round); feeds_busy says
 * whether any is still being fetched, read or mapped.
 */
void feeds_fetch_all(struct feeds *fs);
int feeds_busy(const struct feeds *fs);

/*
 * The last good document of feed id, or NULL (unknown feed, nothing
 * fetched yet).  rules gets the feed's times (now_ms is left alone).
 */
const struct park_doc *feeds_doc(
    const struct feeds *fs, const char *id, struct park_rules *rules);

#define FEED_LATENCY_BUCKETS 8
extern const double feed_latency_bounds[FEED_LATENCY_BUCKETS]; /* seconds */

/* Counters for logs, health and tests. */
struct feed_stats {
	const char *id;
	uint64_t fetches, failures, not_modified;
	int64_t last_ok_wall_ms; /* PARK_NO_TIME before the first */
	int failing;
	int stale;
	char last_error[256];
	size_t items;
	size_t items_nodata;   /* shown as --- at now_ms */
	int64_t doc_newest_ms; /* newest item or feed time, PARK_NO_TIME */
	/* Fetch latency histogram (cumulative buckets, Prometheus style). */
	uint64_t latency_le[FEED_LATENCY_BUCKETS];
	uint64_t latency_count;
	double latency_sum;
};
size_t feeds_count(const struct feeds *fs);
void feeds_stats(
    const struct feeds *fs, size_t i, int64_t now_ms, struct feed_stats *out);

/* The back-off delay after n consecutive failures (jitter in 0..1). */
int64_t feed_backoff_ms(int interval_s, int failures, double jitter);

#endif
