/*
 * info: the traffic and travel records that are not car parks: travel
 * times on a route, traffic situations (incidents, roadworks, closures)
 * and public-transport departures.  The adapters for DATEX II and
 * transport.opendata.ch fill them into park_doc's info list (park.h), so
 * that fetching, reading in pieces, keeping the last good document and
 * inspecting work as for parking; what the board shows of them is decided
 * here, by pure functions of the record and "now", like park_display().
 *
 * Which fields a record uses depends on the document's kind:
 *  travel:    id (location reference), travel_s, freeflow_s (seconds as
 *             the document gives them, rounded only to minutes), error,
 *             time_ms (measurement time, or PARK_NO_TIME);
 *  situation: id (situationRecord id), text (the ticker line, in the
 *             sign's language), severity (as written, trimmed), version
 *             (its number), time_ms (version time), start_ms/end_ms and
 *             validity (when it is shown);
 *  departure: text (destination), line, platform, time_ms (scheduled
 *             departure), delay_min (or INFO_NO_DELAY).
 */
#ifndef TAFEL_INFO_H
#define TAFEL_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "park.h"

#define INFO_TEXT_LEN     192
#define INFO_LINE_LEN     32
#define INFO_PLATFORM_LEN 16
#define INFO_SEVERITY_LEN 32
#define INFO_MAX_ITEMS    20000  /* per document; more is rejected */
#define INFO_NO_DURATION  (-1.0) /* any negative duration: none */
#define INFO_NO_DELAY     INT32_MIN

/* What kind of records a document holds (park_doc.kind). */
enum info_kind {
	INFO_KIND_PARK, /* park_doc.items; info is empty */
	INFO_KIND_TRAVEL,
	INFO_KIND_SITUATION,
	INFO_KIND_DEPARTURE,
};

/* A situation record's validity status. */
enum info_validity {
	INFO_VALID_NONE,     /* no validity element at all: shown */
	INFO_VALID_BY_TIME,  /* definedByValidityTimeSpec, planned, absent */
	INFO_VALID_ACTIVE,   /* active: shown */
	INFO_VALID_SUSPENDED /* suspended: never shown */
};

struct info_item {
	char id[PARK_ID_LEN];
	char text[INFO_TEXT_LEN];
	char line[INFO_LINE_LEN];
	char platform[INFO_PLATFORM_LEN];
	char severity[INFO_SEVERITY_LEN];
	int64_t time_ms;
	int64_t start_ms, end_ms; /* PARK_NO_TIME when not given */
	double travel_s;          /* seconds; INFO_NO_DURATION when absent */
	double freeflow_s;        /* seconds; INFO_NO_DURATION when absent */
	double version;           /* situation record version, 0 if none */
	int32_t delay_min;        /* INFO_NO_DELAY when none */
	int validity;             /* enum info_validity */
	int error;                /* travel: dataError was true */
};

/* An empty record: no times, no durations, no delay. */
void info_item_init(struct info_item *it);

/*
 * Append a record to d (d->kind must say which); -1 when the document
 * already holds INFO_MAX_ITEMS (the caller rejects it).
 */
int info_add(struct park_doc *d, const struct info_item *it);
/* The record with id, the first one if several; NULL if none. */
const struct info_item *info_find(const struct park_doc *d, const char *id);

/*
 * Travel time: 1 with *minutes (seconds / 60 rounded half up, at least 1)
 * and *delay (round((travel - free flow) / 60) half up, 0 when not known
 * or not positive), each rounded once from the seconds as given (149.9996
 * s is 2 min), or 0 for "---": dataError, no travel time, or stale or
 * future data by the parking rules (the record's time, else the
 * document's, against r).
 */
int info_travel(const struct info_item *it, const struct park_rules *r,
    int *minutes, int *delay);
/* "9 min" / "---" and "+4" / "" (the inspect output and the board). */
void info_travel_text(const struct info_item *it, const struct park_rules *r,
    char *display, size_t dsize, char *delay, size_t lsize);

/*
 * Situation: 1 when the record is shown at now_ms.  By validity: NONE
 * (no validity element) and ACTIVE are shown, SUSPENDED never; BY_TIME
 * (any other status, or none given beside a time specification) is shown
 * when its start is at or before now and it has no end or now is before
 * the end.  A start that is missing or unreadable (PARK_BAD_TIME), or an
 * unreadable end, never shows a BY_TIME record.
 */
int info_situation_shown(const struct info_item *it, int64_t now_ms);
/*
 * Severity rank for ordering and colour, from the DATEX II severity words
 * (case aside): highest 5, high 4, medium 3, low 2, lowest 1; "none",
 * "unknown", "" and anything else 0.
 */
int info_severity_rank(const char *severity);

/*
 * Departure: 1 while shown at now_ms (rule S3: dropped once scheduled time
 * plus max(delay, 0) minutes is before now; at exactly now it is shown).
 * A record without a time (PARK_NO_TIME) is never shown.
 */
int info_departure_shown(const struct info_item *it, int64_t now_ms);
/* "12:04" in the process's local zone; "+3" or "" for the delay. */
void info_departure_time(const struct info_item *it, char *buf, size_t size);
void info_departure_delay(const struct info_item *it, char *buf, size_t size);

/*
 * Document-level rules run once all records are mapped: situations keep
 * one record per id (highest version as a number, then the later version
 * time, then the first), in the place of the id's first occurrence;
 * departures are sorted by scheduled time (stable: document order among
 * equal times, S1) and entries identical in line, destination and
 * scheduled time are kept once (S7).  Of such duplicates the one shown
 * longest stays (the largest max(delay, 0); on a tie the first), so that
 * one of them is shown as long as any of them would be (S3).
 */
void info_doc_finish(struct park_doc *d);

#endif
