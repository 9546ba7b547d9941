/*
 * info: travel times, traffic situations and departures: the records and
 * the rules for what the board shows of them (see info.h).
 */
#include "info.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "util.h"

void
info_item_init(struct info_item *it)
{
	memset(it, 0, sizeof(*it));
	it->time_ms = PARK_NO_TIME;
	it->start_ms = PARK_NO_TIME;
	it->end_ms = PARK_NO_TIME;
	it->travel_s = INFO_NO_DURATION;
	it->freeflow_s = INFO_NO_DURATION;
	it->delay_min = INFO_NO_DELAY;
}

int
info_add(struct park_doc *d, const struct info_item *it)
{
	if (d->ninfo >= INFO_MAX_ITEMS)
		return -1;
	if (d->ninfo == d->infocap) {
		size_t cap = d->infocap ? d->infocap * 2 : 16;
		struct info_item *n = reallocarray(d->info, cap, sizeof(*n));

		if (n == NULL)
			log_fatal("out of memory");
		d->info = n;
		d->infocap = cap;
	}
	d->info[d->ninfo++] = *it;
	return 0;
}

const struct info_item *
info_find(const struct park_doc *d, const char *id)
{
	for (size_t i = 0; i < d->ninfo; i++)
		if (strcmp(d->info[i].id, id) == 0)
			return &d->info[i];
	return NULL;
}

/* ---- travel times ---- */

/* x rounded half up (towards +infinity at .5). */
static long long
info_round(double x)
{
	return (long long)floor(x + 0.5);
}

int
info_travel(const struct info_item *it, const struct park_rules *r,
    int *minutes, int *delay)
{
	struct park_item p;
	int64_t shown;
	long long m, dl;

	*minutes = 0;
	*delay = 0;
	if (it->error || !(it->travel_s >= 0))
		return 0;
	/* Freshness: the parking rules on a record with a count. */
	memset(&p, 0, sizeof(p));
	p.free = 1;
	p.total = PARK_NO_COUNT;
	p.state = PARK_STATE_ABSENT;
	p.time_ms = it->time_ms;
	if (park_display(&p, r, &shown) != PARK_DISPLAY_NUMBER)
		return 0;
	m = info_round(it->travel_s / 60.0);
	if (m < 1)
		m = 1;
	if (m > 9999)
		return 0; /* not a travel time a board can vouch for */
	*minutes = (int)m;
	if (it->freeflow_s >= 0) {
		dl = info_round((it->travel_s - it->freeflow_s) / 60.0);
		*delay = dl >= 1 && dl <= 9999 ? (int)dl : 0;
	}
	return 1;
}

void
info_travel_text(const struct info_item *it, const struct park_rules *r,
    char *display, size_t dsize, char *delay, size_t lsize)
{
	int m, dl;

	if (!info_travel(it, r, &m, &dl)) {
		snprintf(display, dsize, "---");
		snprintf(delay, lsize, "%s", "");
		return;
	}
	snprintf(display, dsize, "%d min", m);
	if (dl >= 1)
		snprintf(delay, lsize, "+%d", dl);
	else
		snprintf(delay, lsize, "%s", "");
}

/* ---- situations ---- */

int
info_situation_shown(const struct info_item *it, int64_t now_ms)
{
	switch (it->validity) {
	case INFO_VALID_NONE:
	case INFO_VALID_ACTIVE:
		return 1;
	case INFO_VALID_SUSPENDED:
		return 0;
	default:
		break;
	}
	if (it->start_ms == PARK_NO_TIME || it->start_ms == PARK_BAD_TIME ||
	    it->start_ms > now_ms)
		return 0;
	if (it->end_ms == PARK_NO_TIME)
		return 1;
	return it->end_ms != PARK_BAD_TIME && now_ms < it->end_ms;
}

int
info_severity_rank(const char *severity)
{
	static const char *const words[] = { "lowest", "low", "medium", "high",
		"highest" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(severity, words[i]) == 0)
			return (int)i + 1;
	return 0;
}

/*
 * One record per id: the winner is the highest version, then the later
 * version time, then the first; it takes the first occurrence's place.
 */
static int
info_wins(const struct info_item *a, const struct info_item *b)
{
	if (a->version != b->version)
		return a->version > b->version;
	return a->time_ms != PARK_NO_TIME && a->time_ms != PARK_BAD_TIME &&
	    (b->time_ms == PARK_NO_TIME || b->time_ms == PARK_BAD_TIME ||
		a->time_ms > b->time_ms);
}

static const struct info_item *info_sort_base;

/* Indices by id, then by position. */
static int
info_by_id(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(info_sort_base[x].id, info_sort_base[y].id);

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

static void
info_situations_merge(struct park_doc *d)
{
	size_t *idx, n = 0;
	char *drop;

	if (d->ninfo < 2)
		return;
	idx = util_calloc(d->ninfo, sizeof(*idx));
	drop = util_calloc(d->ninfo, 1);
	for (size_t i = 0; i < d->ninfo; i++)
		idx[i] = i;
	info_sort_base = d->info;
	qsort(idx, d->ninfo, sizeof(*idx), info_by_id);
	info_sort_base = NULL;
	for (size_t g = 0; g < d->ninfo;) {
		size_t first = idx[g], best = idx[g], e = g + 1;

		for (; e < d->ninfo &&
		     strcmp(d->info[idx[e]].id, d->info[first].id) == 0;
		     e++) {
			drop[idx[e]] = 1;
			if (info_wins(&d->info[idx[e]], &d->info[best]))
				best = idx[e];
		}
		if (best != first)
			d->info[first] = d->info[best];
		g = e;
	}
	for (size_t i = 0; i < d->ninfo; i++) {
		if (drop[i])
			continue;
		if (n != i)
			d->info[n] = d->info[i];
		n++;
	}
	d->ninfo = n;
	free(idx);
	free(drop);
}

/* ---- departures ---- */

/* Scheduled time plus max(delay, 0) minutes: the last moment shown. */
static int64_t
info_departure_until(const struct info_item *it)
{
	int64_t late = it->delay_min != INFO_NO_DELAY && it->delay_min > 0 ?
	    (int64_t)it->delay_min * 60000 :
	    0,
		until;

	if (__builtin_add_overflow(it->time_ms, late, &until))
		return INT64_MAX;
	return until;
}

int
info_departure_shown(const struct info_item *it, int64_t now_ms)
{
	if (it->time_ms == PARK_NO_TIME)
		return 0;
	return info_departure_until(it) >= now_ms;
}

void
info_departure_time(const struct info_item *it, char *buf, size_t size)
{
	time_t t = (time_t)(it->time_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "--:--");
		return;
	}
	snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void
info_departure_delay(const struct info_item *it, char *buf, size_t size)
{
	if (it->delay_min != INFO_NO_DELAY && it->delay_min >= 1)
		snprintf(buf, size, "+%d", (int)it->delay_min);
	else
		snprintf(buf, size, "%s", "");
}

static int
info_by_time(const void *a, const void *b)
{
	const struct info_item *x = a, *y = b;

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	/* qsort is not stable: the document order decides (kept in version). */
	return x->version < y->version ? -1 : x->version > y->version;
}

static void
info_departures_sort(struct park_doc *d)
{
	size_t n = 0;

	/* qsort must not see the NULL array of an empty document. */
	if (d->ninfo == 0)
		return;
	for (size_t i = 0; i < d->ninfo; i++)
		d->info[i].version = (double)i;
	qsort(d->info, d->ninfo, sizeof(*d->info), info_by_time);
	for (size_t i = 0; i < d->ninfo; i++) {
		struct info_item *dup = NULL;

		d->info[i].version = 0;
		/* Sorted: a duplicate is among the kept ones of its time. */
		for (size_t j = n;
		     j > 0 && d->info[j - 1].time_ms == d->info[i].time_ms; j--)
			if (strcmp(d->info[j - 1].line, d->info[i].line) == 0 &&
			    strcmp(d->info[j - 1].text, d->info[i].text) == 0) {
				dup = &d->info[j - 1];
				break;
			}
		if (dup != NULL) {
			/* The one shown longest takes the first one's place. */
			if (info_departure_until(&d->info[i]) >
			    info_departure_until(dup))
				*dup = d->info[i];
			continue;
		}
		if (n != i)
			d->info[n] = d->info[i];
		n++;
	}
	d->ninfo = n;
}

void
info_doc_finish(struct park_doc *d)
{
	if (d->kind == INFO_KIND_SITUATION)
		info_situations_merge(d);
	else if (d->kind == INFO_KIND_DEPARTURE)
		info_departures_sort(d);
}
