/*
 * datex2_parking: DATEX II parking status and parking tables (FEEDS.md
 * §5a, §5b).  The status publication (ParkingStatusPublication) says how
 * many spaces are free and whether a site is open; the table publication
 * (ParkingTablePublication, a second document fetched on its own
 * schedule) says what the sites are called and how big they are.
 *
 * Both generations of the status model are read:
 *  - DATEX II 2.3 and v3.0-3.3: parkingRecordStatus (xsi:type
 *    ParkingSiteStatus) with parkingRecordReference @id,
 *    parkingStatusOriginTime, parkingOccupancy{parkingNumberOfVacantSpaces,
 *    parkingNumberOfSpacesOverride, parkingNumberOfOccupiedSpaces,
 *    parkingOccupancy, parkingOccupancyTrend}, parkingSiteStatus,
 *    parkingSiteOpeningStatus;
 *  - v3.5+ (3.7): parkingStatusInformation (xsi:type PlaceStatus) with
 *    reference @id, lastUpdated, openingStatus, occupancy{
 *    numberOfVacantSpaces, numberOfOccupiedSpaces, occupancy,
 *    occupancyTrend}, status.
 * Elements are matched by local name in any DATEX namespace (an href
 * starting with http://datex2.eu/schema/), never by prefix.
 *
 * Choices the standard leaves open (see also the issue):
 *  - free spaces: the vacant count; when it is missing or negative (-1 =
 *    "no count"), the capacity minus the occupied count, then the capacity
 *    times (100 - occupancy %); capacity is the record's override, else
 *    the table's.  Fractional counts are no counts (12.0 is 12).
 *  - state: closed and closedAbnormal close the site whatever the counts;
 *    full and fullAtEntrance show FULL; spacesAvailable and almostFull
 *    show the number (almostFull is no reason to hide it); unknown,
 *    other, _extended and values we do not know leave it to the numbers.
 *  - with a table, a record whose id is not in it is not shown; without
 *    one the names are the ids.
 *  - the record's own time, else the publication time, decides staleness;
 *    of duplicated records the newest wins (park_doc_add, rule 11).
 */
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapter.h"
#include "adapters/common.h"
#include "adapters/xml.h"
#include "info.h"
#include "log.h"
#include "park.h"

#define DATEX_WORD_LEN 64

/* What a DATEX enum value says about the site (before the numbers). */
enum datex_says {
	DATEX_SAYS_NOTHING, /* absent, unknown, _extended, not ours */
	DATEX_SAYS_OPEN,
	DATEX_SAYS_FULL,
	DATEX_SAYS_CLOSED,
};

static const struct {
	const char *word;
	enum datex_says says;
} datex_words[] = {
	/* ParkingSiteStatusEnum / v3.7 status */
	{ "spacesAvailable", DATEX_SAYS_OPEN },
	{ "almostFull", DATEX_SAYS_OPEN },
	{ "fullAtEntrance", DATEX_SAYS_FULL },
	{ "full", DATEX_SAYS_FULL },
	/* OpeningStatusEnum */
	{ "open", DATEX_SAYS_OPEN },
	{ "closed", DATEX_SAYS_CLOSED },
	{ "closedAbnormal", DATEX_SAYS_CLOSED },
};

static enum datex_says
datex_word(const xmlNode *n)
{
	char w[DATEX_WORD_LEN];

	if (adapter_xml_text(n, w, sizeof(w)) < 0)
		return DATEX_SAYS_NOTHING;
	for (size_t i = 0; i < sizeof(datex_words) / sizeof(datex_words[0]);
	     i++)
		if (strcasecmp(w, datex_words[i].word) == 0)
			return datex_words[i].says;
	return DATEX_SAYS_NOTHING;
}

/* Opening status and site status together: closed, then full, then open. */
static int
datex_state(const xmlNode *opening, const xmlNode *site)
{
	enum datex_says o = datex_word(opening), s = datex_word(site);

	if (o == DATEX_SAYS_CLOSED || s == DATEX_SAYS_CLOSED)
		return PARK_STATE_CLOSED;
	if (s == DATEX_SAYS_FULL || o == DATEX_SAYS_FULL)
		return PARK_STATE_FULL;
	if (o == DATEX_SAYS_OPEN || s == DATEX_SAYS_OPEN)
		return PARK_STATE_OPEN;
	if (opening != NULL || site != NULL)
		return PARK_STATE_UNKNOWN;
	return PARK_STATE_ABSENT;
}

/* Occupancy trend: increasing occupancy = filling. */
static int
datex_trend(const xmlNode *n)
{
	char w[DATEX_WORD_LEN];

	if (adapter_xml_text(n, w, sizeof(w)) < 0)
		return PARK_TREND_NONE;
	if (strcasecmp(w, "increasing") == 0)
		return PARK_TREND_FILLING;
	if (strcasecmp(w, "decreasing") == 0)
		return PARK_TREND_EMPTYING;
	if (strcasecmp(w, "stable") == 0)
		return PARK_TREND_STEADY;
	return PARK_TREND_NONE;
}

/* A percentage 0..100 in the text of n (a decimal), or -1. */
static double
datex_percent(const xmlNode *n)
{
	char buf[DATEX_WORD_LEN], *end;
	double v;

	if (adapter_xml_text(n, buf, sizeof(buf)) < 0)
		return -1;
	v = strtod(buf, &end);
	if (end == buf || *end != '\0' || !isfinite(v) || v < 0 || v > 100)
		return -1;
	return v;
}

/* The first child of n named a, else b. */
static xmlNode *
datex_child2(const xmlNode *n, const char *a, const char *b)
{
	xmlNode *c = adapter_xml_child(n, a);

	return c != NULL ? c : adapter_xml_child(n, b);
}

/*
 * The fields of one record, read from where its generation keeps them:
 * free spaces as the choices say, the capacity from the override
 * or the table.  0 when it is to be added, 1 when it is skipped (no
 * usable id, or not in the table).
 */
static int
datex_record(const xmlNode *rec, const struct adapter_ctx *c, int v37,
    struct park_item *it)
{
	const xmlNode *ref, *occ, *when, *opening, *site;
	const struct park_item *row = NULL;
	int64_t occupied, over;
	double pct;

	adapter_item_init(it);
	if (v37) {
		ref = adapter_xml_child(rec, "reference");
		when = adapter_xml_child(rec, "lastUpdated");
		occ = adapter_xml_child(rec, "occupancy");
		opening = adapter_xml_child(rec, "openingStatus");
		site = adapter_xml_child(rec, "status");
	} else {
		ref = adapter_xml_child(rec, "parkingRecordReference");
		when = adapter_xml_child(rec, "parkingStatusOriginTime");
		occ = adapter_xml_child(rec, "parkingOccupancy");
		opening = adapter_xml_child(rec, "parkingSiteOpeningStatus");
		site = adapter_xml_child(rec, "parkingSiteStatus");
	}
	/* An id too long to keep whole could merge two sites: skipped. */
	if (adapter_xml_attr(ref, "id", it->id, sizeof(it->id)) <= 0)
		return 1;
	if (c->table != NULL) {
		row = park_doc_find(c->table, it->id);
		if (row == NULL)
			return 1;
		memcpy(it->name, row->name, sizeof(it->name));
		it->total = row->total;
	}
	over = adapter_xml_count(datex_child2(
	    occ, "parkingNumberOfSpacesOverride", "numberOfSpacesOverride"));
	if (over > 0)
		it->total = over;
	it->free = adapter_xml_count(datex_child2(
	    occ, "parkingNumberOfVacantSpaces", "numberOfVacantSpaces"));
	if (it->free == PARK_NO_COUNT && it->total > 0) {
		occupied = adapter_xml_count(datex_child2(occ,
		    "parkingNumberOfOccupiedSpaces", "numberOfOccupiedSpaces"));
		pct = datex_percent(
		    datex_child2(occ, "parkingOccupancy", "occupancy"));
		if (occupied != PARK_NO_COUNT && occupied <= it->total)
			it->free = it->total - occupied;
		else if (occupied == PARK_NO_COUNT && pct >= 0)
			it->free = it->total -
			    (int64_t)floor((double)it->total * pct / 100 + 0.5);
	}
	it->trend = datex_trend(
	    datex_child2(occ, "parkingOccupancyTrend", "occupancyTrend"));
	it->time_ms = adapter_xml_when(when, c->tz);
	it->state = datex_state(opening, site);
	return 0;
}

static int
datex_add(const struct adapter_ctx *c, const struct park_item *it)
{
	if (park_doc_add(c->out, it) != 0) {
		snprintf(c->err, c->errlen, "more than %d car parks",
		    PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

/* One record of either generation (by its element name). */
static int
datex_status_one(struct _xmlNode *rec, const struct adapter_ctx *c)
{
	struct park_item it;
	int v37 = adapter_xml_is(rec, "parkingStatusInformation");

	if (datex_record(rec, c, v37, &it) != 0)
		return 0;
	return datex_add(c, &it);
}

/* The name of the root element, quoted safely for an error message. */
static void
datex_root_name(xmlDoc *doc, char *buf, size_t size)
{
	const xmlNode *root = adapter_xml_root(doc);
	const char *n = root != NULL ? (const char *)root->name : "";

	park_name_normalise(n, strlen(n), buf, size);
}

/*
 * The publication element of type (DATEX namespace) in doc, with the
 * document's time set from its publicationTime; NULL with err filled.
 */
static xmlNode *
datex_publication(xmlDoc *doc, const char *type, const struct adapter_walk *w)
{
	xmlNode *pub = adapter_xml_find_type(
	    adapter_xml_root(doc), type, ADAPTER_XML_DATEX);
	char root[48];

	if (pub == NULL) {
		datex_root_name(doc, root, sizeof(root));
		snprintf(w->c.err, w->c.errlen,
		    "top level: no DATEX II %s (root element <%s>)", type,
		    root);
		return NULL;
	}
	w->c.out->time_ms = adapter_xml_when(
	    adapter_xml_child(pub, "publicationTime"), w->c.tz);
	return pub;
}

/*
 * The records of both generations, in one array for the walk: a document
 * normally holds one kind, and nothing is lost if it holds both.
 */
static int
datex_walk_records(struct adapter_walk *w, xmlNode *pub)
{
	xmlNode **a = NULL, **b = NULL;
	long na, nb;

	na = adapter_xml_collect(
	    pub, "parkingRecordStatus", ADAPTER_XML_DATEX, PARK_MAX_ITEMS, &a);
	nb = adapter_xml_collect(pub, "parkingStatusInformation",
	    ADAPTER_XML_DATEX, PARK_MAX_ITEMS, &b);
	if (na < 0 || nb < 0 || na + nb > PARK_MAX_ITEMS) {
		free(a);
		free(b);
		snprintf(w->c.err, w->c.errlen, "more than %d car parks",
		    PARK_MAX_ITEMS);
		return -1;
	}
	if (nb > 0) {
		a = reallocarray(a, (size_t)(na + nb), sizeof(xmlNode *));
		if (a == NULL)
			log_fatal("out of memory");
		memcpy(a + na, b, (size_t)nb * sizeof(xmlNode *));
	}
	free(b);
	adapter_walk_nodes(w, a, (size_t)(na + nb), datex_status_one);
	return 0;
}

int
adapter_datex2_parking(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	xmlNode *pub;

	w->c.tz = o->timezone;
	w->c.out->kind = INFO_KIND_PARK;
	pub = datex_publication(doc, "ParkingStatusPublication", w);
	if (pub == NULL)
		return -1;
	return datex_walk_records(w, pub);
}

/* ---- the table ---- */

/* One parkingRecord: id, name in the sign's language, capacity. */
static int
datex_table_one(struct _xmlNode *rec, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	if (adapter_xml_attr(rec, "id", it.id, sizeof(it.id)) <= 0)
		return 0;
	if (adapter_xml_lang_text(adapter_xml_child(rec, "parkingName"),
		c->lang, it.name, sizeof(it.name)) < 0)
		it.name[0] = '\0'; /* park_doc_add: the id */
	it.total =
	    adapter_xml_count(adapter_xml_child(rec, "parkingNumberOfSpaces"));
	if (it.total == 0)
		it.total = PARK_NO_COUNT; /* rule 5: 0 is no capacity */
	return datex_add(c, &it);
}

int
adapter_datex2_parking_table(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	xmlNode *pub, **v = NULL;
	long n;

	w->c.tz = o->timezone;
	w->c.out->kind = INFO_KIND_PARK;
	pub = datex_publication(doc, "ParkingTablePublication", w);
	if (pub == NULL)
		return -1;
	n = adapter_xml_collect(
	    pub, "parkingRecord", ADAPTER_XML_DATEX, PARK_MAX_ITEMS, &v);
	if (n < 0) {
		snprintf(w->c.err, w->c.errlen, "more than %d car parks",
		    PARK_MAX_ITEMS);
		return -1;
	}
	adapter_walk_nodes(w, v, (size_t)n, datex_table_one);
	return 0;
}
