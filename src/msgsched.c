/*
 * msgsched: a linear scan; a sign holds at most MSGSTORE_MAX messages and
 * usually a handful, and the scan runs once per frame at most.
 */
#include "msgsched.h"

#include <string.h>

int
msgsched_active(const struct msg *m, int64_t now_ms)
{
	return m->start_ms <= now_ms && (m->end_ms == 0 || now_ms < m->end_ms);
}

/* Does a outrank b: higher priority, then newer, then the later id? */
static int
msgsched_better(const struct msg *a, const struct msg *b)
{
	if (b == NULL)
		return 1;
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->created_ms != b->created_ms)
		return a->created_ms > b->created_ms;
	return strcmp(a->id, b->id) > 0; /* any fixed order will do */
}

const struct msg *
msgsched_emergency(const struct msg *v, size_t n, int emergency, int64_t now_ms)
{
	const struct msg *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (v[i].priority >= emergency &&
		    msgsched_active(&v[i], now_ms) &&
		    msgsched_better(&v[i], best))
			best = &v[i];
	return best;
}

const struct msg *
msgsched_pick(const struct msg *v, size_t n, const char *zone,
    const char *default_zone, int emergency, int64_t now_ms)
{
	const struct msg *best = NULL;
	int board = strcmp(zone, MSGSCHED_BOARD) == 0;

	if (board) {
		best = msgsched_emergency(v, n, emergency, now_ms);
		if (best != NULL)
			return best;
	}
	for (size_t i = 0; i < n; i++) {
		const char *z = v[i].zone[0] != '\0' ? v[i].zone : default_zone;
		if (strcmp(z, zone) != 0 || !msgsched_active(&v[i], now_ms))
			continue;
		if (msgsched_better(&v[i], best))
			best = &v[i];
	}
	return best;
}

size_t
msgsched_list(const struct msg *v, size_t n, const char *zone,
    const char *default_zone, int64_t now_ms, const struct msg **out,
    size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && max > 0; i++) {
		const char *z = v[i].zone[0] != '\0' ? v[i].zone : default_zone;
		size_t j;
		if (strcmp(z, zone) != 0 || !msgsched_active(&v[i], now_ms))
			continue;
		/* Insertion into the best-first list, the worst falls off. */
		if (k == max && !msgsched_better(&v[i], out[k - 1]))
			continue;
		j = k < max ? k++ : k - 1;
		for (; j > 0 && msgsched_better(&v[i], out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = &v[i];
	}
	return k;
}

int64_t
msgsched_next_change(const struct msg *v, size_t n, int64_t now_ms)
{
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < n; i++) {
		if (v[i].start_ms > now_ms && v[i].start_ms - now_ms < next)
			next = v[i].start_ms - now_ms;
		if (v[i].end_ms > now_ms && v[i].end_ms - now_ms < next)
			next = v[i].end_ms - now_ms;
	}
	return next;
}
