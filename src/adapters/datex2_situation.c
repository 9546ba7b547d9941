/*
 * datex2_situation: DATEX II SituationPublication (traffic messages), 2.3
 * (http://datex2.eu/schema/2/2_0, root d2LogicalModel, possibly inside a
 * SOAP envelope) and 3.x (d2:payload xsi:type="sit:SituationPublication");
 * FEEDS.md §5d.  Elements are matched by local name in any namespace that
 * starts with http://datex2.eu/schema/, never by prefix.
 *
 * Each situationRecord directly inside a situation is one record (info.h),
 * keyed by its id attribute (a record without a usable id is skipped: a
 * cut or invented id could merge two messages).  Per record:
 *  version   the version attribute as a number ("10" > "2"; anything but
 *            digits with an optional fraction counts as 0);
 *  time      situationRecordVersionTime;
 *  severity  the severity element's text as written, trimmed, "" if none;
 *  validity  no validity element: shown; validityStatus suspended: never,
 *            active: always, anything else or none: by
 *            validityTimeSpecification/overallStartTime and overallEndTime
 *            (info_situation_shown), kept in ms: a start's fraction below
 *            the ms is cut, an end's rounds up (12:00:00.000000001 is
 *            after 12:00:00);
 *  text      one short line for the ticker in the sign's language (de, fr,
 *            it, en; de for anything else):
 *              [ROAD [DIRECTION]: ]WHAT[, UNTIL]
 *            ROAD is the first roadNumber in the record, else the first
 *            roadName; DIRECTION the first roadDestination or
 *            alertCDirectionNamed ("Richtung Luzern"), else a tpegDirection
 *            word ("Richtung Norden"); WHAT comes from the record type
 *            (xsi:type) and its type element (abnormalTrafficType,
 *            roadOrCarriagewayOrLaneManagementType), a queue with its
 *            queueLength in whole km (metres / 1000 rounded half up, at
 *            least 1); a type not known here, "_extended" ones included,
 *            gets a generic wording; UNTIL is overallEndTime in the
 *            process's local zone as "dd.mm. HH:MM" ("bis 08.01. 18:30"),
 *            "dd.mm.yyyy HH:MM" when it is in another year than the
 *            record's version time (else creation time) or there is
 *            neither, and left out when it is before that time (an
 *            active record's end that was past when it was written);
 *            Texts in other languages are picked from multilingual values
 *            (values/value @lang), else the first value.  The line is
 *            normalised (rule 10) and cut to INFO_TEXT_LEN on a character
 *            boundary.
 * Which of several records with one id is shown, and when, is info.c's.
 */
#include "adapters/common.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "adapters/xml.h"
#include "info.h"
#include "util.h"

#define SIT_WORD_LEN    64
#define SIT_LINE_LEN    512
#define SIT_MAX_QUEUE_M 10000000 /* metres; longer is not a queue */

enum sit_lang {
	SIT_DE,
	SIT_FR,
	SIT_IT,
	SIT_EN,
	SIT_NLANG
};

/* ---- wording ---- */

enum sit_what {
	SIT_ACCIDENT,
	SIT_QUEUE,
	SIT_SLOW,
	SIT_HEAVY,
	SIT_ROADWORKS,
	SIT_CLOSURE,
	SIT_LANE,
	SIT_OBSTRUCTION,
	SIT_WEATHER,
	SIT_CONDITIONS,
	SIT_EVENT,
	SIT_DISRUPTION, /* a known type without a known kind */
	SIT_GENERIC,    /* a record type not known here */
	SIT_NWHAT
};

static const char *const sit_what_words[SIT_NWHAT][SIT_NLANG] = {
	[SIT_ACCIDENT] = { "Unfall", "accident", "incidente", "accident" },
	[SIT_QUEUE] = { "Stau", "bouchon", "coda", "queue" },
	[SIT_SLOW] = { "stockender Verkehr", "trafic ralenti",
	    "traffico rallentato", "slow traffic" },
	[SIT_HEAVY] = { "dichter Verkehr", "trafic dense", "traffico intenso",
	    "heavy traffic" },
	[SIT_ROADWORKS] = { "Baustelle", "travaux", "lavori", "roadworks" },
	[SIT_CLOSURE] = { "Sperrung", "fermeture", "chiusura", "closure" },
	[SIT_LANE] = { "Spursperrung", "voie fermée", "corsia chiusa",
	    "lane closed" },
	[SIT_OBSTRUCTION] = { "Hindernis", "obstacle", "ostacolo",
	    "obstruction" },
	[SIT_WEATHER] = { "schlechte Witterung", "intempéries", "maltempo",
	    "bad weather" },
	[SIT_CONDITIONS] = { "Strassenzustand", "état de la route",
	    "condizioni stradali", "road conditions" },
	[SIT_EVENT] = { "Veranstaltung", "manifestation", "manifestazione",
	    "event" },
	[SIT_DISRUPTION] = { "Verkehrsbehinderung", "perturbation",
	    "perturbazione", "traffic disruption" },
	[SIT_GENERIC] = { "Verkehrsmeldung", "info trafic", "info traffico",
	    "traffic information" },
};

/* Record types (xsi:type, exact) and the kind each stands for. */
static const struct {
	const char *type;
	enum sit_what what;
} sit_types[] = {
	{ "Accident", SIT_ACCIDENT },
	{ "AbnormalTraffic", SIT_QUEUE }, /* refined by its type element */
	{ "Roadworks", SIT_ROADWORKS },
	{ "MaintenanceWorks", SIT_ROADWORKS },
	{ "ConstructionWorks", SIT_ROADWORKS },
	{ "RoadOrCarriagewayOrLaneManagement", SIT_DISRUPTION },
	{ "GeneralObstruction", SIT_OBSTRUCTION },
	{ "VehicleObstruction", SIT_OBSTRUCTION },
	{ "AnimalPresenceObstruction", SIT_OBSTRUCTION },
	{ "EnvironmentalObstruction", SIT_OBSTRUCTION },
	{ "InfrastructureDamageObstruction", SIT_OBSTRUCTION },
	{ "PoorEnvironmentConditions", SIT_WEATHER },
	{ "WeatherRelatedRoadConditions", SIT_CONDITIONS },
	{ "NonWeatherRelatedRoadConditions", SIT_CONDITIONS },
	{ "PublicEvent", SIT_EVENT },
};

/* Enum values of the type elements that change the wording. */
static const struct {
	const char *word;
	enum sit_what what;
} sit_kinds[] = {
	{ "stationaryTraffic", SIT_QUEUE },
	{ "queuingTraffic", SIT_QUEUE },
	{ "slowTraffic", SIT_SLOW },
	{ "heavyTraffic", SIT_HEAVY },
	{ "roadClosed", SIT_CLOSURE },
	{ "carriagewayClosures", SIT_CLOSURE },
	{ "laneClosures", SIT_LANE },
};

/* "Richtung %s", and the tpegDirection words. */
static const char *const sit_towards[SIT_NLANG] = { "Richtung", "direction",
	"direzione", "towards" };

static const struct {
	const char *word;
	const char *text[SIT_NLANG];
} sit_bounds[] = {
	{ "northBound",
	    { "Richtung Norden", "direction nord", "direzione nord",
		"northbound" } },
	{ "southBound",
	    { "Richtung Süden", "direction sud", "direzione sud",
		"southbound" } },
	{ "eastBound",
	    { "Richtung Osten", "direction est", "direzione est",
		"eastbound" } },
	{ "westBound",
	    { "Richtung Westen", "direction ouest", "direzione ovest",
		"westbound" } },
	{ "bothWays",
	    { "beide Richtungen", "dans les deux sens",
		"in entrambe le direzioni", "both directions" } },
};

static const char *const sit_until[SIT_NLANG] = { "bis", "jusqu'au", "fino al",
	"until" };

static enum sit_lang
sit_lang_of(const char *lang)
{
	static const char *const codes[SIT_NLANG] = { "de", "fr", "it", "en" };

	for (int i = 0; lang != NULL && i < SIT_NLANG; i++)
		if (strcmp(lang, codes[i]) == 0)
			return (enum sit_lang)i;
	return SIT_DE;
}

/* ---- reading the tree ---- */

static int
sit_datex(const xmlNode *n)
{
	return adapter_xml_ns(n, ADAPTER_XML_DATEX);
}

/* The first element child of n named local in a DATEX namespace. */
static xmlNode *
sit_child(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (adapter_xml_is(c, local) && sit_datex(c))
			return c;
	return NULL;
}

/* The first DATEX element named local below from (document order). */
static xmlNode *
sit_find(xmlNode *from, const char *local)
{
	xmlNode *n = from->children;

	while (n != NULL) {
		if (adapter_xml_is(n, local) && sit_datex(n))
			return n;
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n != from && n->next == NULL)
			n = n->parent;
		if (n == from)
			break;
		n = n->next;
	}
	return NULL;
}

/* n's own text, normalised (rule 10) and cut to size; -1 when none. */
static int
sit_text(const xmlNode *n, char *buf, size_t size)
{
	char *t;

	buf[0] = '\0';
	if (n == NULL)
		return -1;
	t = adapter_xml_own_text(n);
	park_name_normalise(t, strlen(t), buf, size);
	free(t);
	return buf[0] != '\0' ? (int)strlen(buf) : -1;
}

/*
 * A value's lang attribute says language lang: "de" matches "de" and
 * "de-CH", case aside.
 */
static int
sit_lang_is(const xmlNode *v, const char *lang)
{
	char l[16];
	size_t n = strlen(lang);

	if (adapter_xml_attr(v, "lang", l, sizeof(l)) < 0)
		return 0;
	return strncasecmp(l, lang, n) == 0 && (l[n] == '\0' || l[n] == '-');
}

/*
 * A MultilingualString (values/value @lang) under n: the value in lang,
 * else the first with text; n's own text when it has no values.
 */
static int
sit_lang_text(const xmlNode *n, const char *lang, char *buf, size_t size)
{
	xmlNode *vals = sit_child(n, "values");

	buf[0] = '\0';
	if (n == NULL)
		return -1;
	if (vals == NULL)
		return sit_text(n, buf, size);
	for (xmlNode *v = vals->children; v != NULL; v = v->next)
		if (adapter_xml_is(v, "value") && sit_lang_is(v, lang) &&
		    sit_text(v, buf, size) > 0)
			return (int)strlen(buf);
	for (xmlNode *v = vals->children; v != NULL; v = v->next)
		if (adapter_xml_is(v, "value") && sit_text(v, buf, size) > 0)
			return (int)strlen(buf);
	return -1;
}

/* The time's fraction of a second goes on below the millisecond. */
static int
sit_below_ms(const char *s)
{
	const char *t = strchr(s, 'T'), *p;
	int digits = 0;

	p = strpbrk(t != NULL ? t : s, ".,");
	if (p == NULL)
		return 0;
	for (p++; *p >= '0' && *p <= '9'; p++)
		if (++digits > 3 && *p != '0')
			return 1;
	return 0;
}

/*
 * An ISO 8601 time (zone-less ones in tz): PARK_NO_TIME when n is absent,
 * PARK_BAD_TIME when it is empty, unreadable or not after the 1970 epoch.
 * Times are kept in milliseconds: with up, a fraction below the
 * millisecond rounds up (an end at 12:00:00.000000001 is after 12:00:00),
 * else down.
 */
static int64_t
sit_time(const xmlNode *n, const char *tz, int up)
{
	char buf[UTIL_ISO8601_MAX];
	int64_t t;

	if (n == NULL || sit_text(n, buf, sizeof(buf)) < 0)
		return n == NULL ? PARK_NO_TIME : PARK_BAD_TIME;
	if (util_parse_iso8601_tz(buf, tz, &t) != 0 || t <= 0)
		return PARK_BAD_TIME;
	if (up && sit_below_ms(buf))
		t++;
	return t;
}

/* The version attribute as a number: digits, an optional fraction; else 0. */
static double
sit_version(const xmlNode *rec)
{
	char v[64];
	const char *p = v;
	char *end;

	if (adapter_xml_attr(rec, "version", v, sizeof(v)) <= 0)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == v)
		return 0;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return 0;
	return strtod(v, &end);
}

/*
 * The severity as written: trimmed of blanks, cut on a character
 * boundary; "" when absent.
 */
static void
sit_severity(const xmlNode *rec, char *buf, size_t size)
{
	xmlNode *n = sit_child(rec, "severity");
	char *t;
	const char *s;
	size_t len, cut;

	buf[0] = '\0';
	if (n == NULL)
		return;
	t = adapter_xml_own_text(n);
	s = t;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		s[len - 1] == '\n'))
		len--;
	cut = len < size ? len : size - 1;
	/* Back to the start of a character if the cut fell inside one. */
	if (cut < len)
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	memcpy(buf, s, cut);
	buf[cut] = '\0';
	free(t);
}

static void
sit_validity(const xmlNode *rec, const char *tz, struct info_item *it)
{
	xmlNode *v = sit_child(rec, "validity"), *spec;
	char st[SIT_WORD_LEN];

	if (v == NULL) {
		it->validity = INFO_VALID_NONE;
		return;
	}
	sit_text(sit_child(v, "validityStatus"), st, sizeof(st));
	if (strcasecmp(st, "suspended") == 0)
		it->validity = INFO_VALID_SUSPENDED;
	else if (strcasecmp(st, "active") == 0)
		it->validity = INFO_VALID_ACTIVE;
	else
		it->validity = INFO_VALID_BY_TIME;
	spec = sit_child(v, "validityTimeSpecification");
	it->start_ms = sit_time(sit_child(spec, "overallStartTime"), tz, 0);
	it->end_ms = sit_time(sit_child(spec, "overallEndTime"), tz, 1);
}

/* ---- the line ---- */

/* queueLength in metres, or -1 when absent or not a length. */
static long long
sit_queue_m(const xmlNode *rec)
{
	char len[32];
	const char *p = len;
	long long m = 0;

	if (sit_text(sit_child(rec, "queueLength"), len, sizeof(len)) < 0)
		return -1;
	for (; *p >= '0' && *p <= '9' && m <= SIT_MAX_QUEUE_M; p++)
		m = m * 10 + (*p - '0');
	return p > len && *p == '\0' && m <= SIT_MAX_QUEUE_M ? m : -1;
}

/*
 * WHAT: by record type, refined by its type element; abnormal traffic of
 * no known kind is a queue when it has a length, else a disruption.
 */
static void
sit_what(const xmlNode *rec, enum sit_lang l, char *buf, size_t size)
{
	enum sit_what what = SIT_GENERIC, kind_what = SIT_NWHAT;
	char type[SIT_WORD_LEN], kind[SIT_WORD_LEN];
	long long m = -1;
	xmlNode *k;

	if (adapter_xml_type(rec, type, sizeof(type)) > 0)
		for (size_t i = 0; i < sizeof(sit_types) / sizeof(sit_types[0]);
		     i++)
			if (strcmp(type, sit_types[i].type) == 0)
				what = sit_types[i].what;
	k = sit_child(rec,
	    what == SIT_QUEUE ? "abnormalTrafficType" :
				"roadOrCarriagewayOrLaneManagementType");
	if ((what == SIT_QUEUE || what == SIT_DISRUPTION) &&
	    sit_text(k, kind, sizeof(kind)) > 0)
		for (size_t i = 0; i < sizeof(sit_kinds) / sizeof(sit_kinds[0]);
		     i++)
			if (strcmp(kind, sit_kinds[i].word) == 0)
				kind_what = sit_kinds[i].what;
	if (what == SIT_QUEUE) {
		m = sit_queue_m(rec);
		if (kind_what == SIT_QUEUE || kind_what == SIT_SLOW ||
		    kind_what == SIT_HEAVY)
			what = kind_what;
		else if (m <= 0)
			what = SIT_DISRUPTION;
	} else if (what == SIT_DISRUPTION &&
	    (kind_what == SIT_CLOSURE || kind_what == SIT_LANE)) {
		what = kind_what;
	}
	if (m > 0)
		snprintf(buf, size, "%s %lld km", sit_what_words[what][l],
		    (m + 500) / 1000 > 0 ? (m + 500) / 1000 : 1);
	else
		snprintf(buf, size, "%s", sit_what_words[what][l]);
}

/* ROAD [DIRECTION], or "": 1 when it starts with a road, else 0. */
static int
sit_where(
    xmlNode *rec, const char *lang, enum sit_lang l, char *buf, size_t size)
{
	char road[SIT_WORD_LEN], dir[SIT_WORD_LEN];
	const char *bound = NULL;
	xmlNode *n;

	buf[0] = '\0';
	if (sit_text(sit_find(rec, "roadNumber"), road, sizeof(road)) < 0)
		sit_lang_text(
		    sit_find(rec, "roadName"), lang, road, sizeof(road));
	n = sit_find(rec, "roadDestination");
	if (n == NULL)
		n = sit_find(rec, "alertCDirectionNamed");
	if (sit_lang_text(n, lang, dir, sizeof(dir)) < 0 &&
	    sit_text(sit_find(rec, "tpegDirection"), dir, sizeof(dir)) > 0) {
		for (size_t i = 0;
		     i < sizeof(sit_bounds) / sizeof(sit_bounds[0]); i++)
			if (strcmp(dir, sit_bounds[i].word) == 0)
				bound = sit_bounds[i].text[l];
		dir[0] = '\0';
	}
	if (bound != NULL)
		snprintf(buf, size, "%s%s%s", road, road[0] ? " " : "", bound);
	else if (dir[0] != '\0')
		snprintf(buf, size, "%s%s%s %s", road, road[0] ? " " : "",
		    sit_towards[l], dir);
	else
		snprintf(buf, size, "%s", road);
	return road[0] != '\0';
}

static int
sit_time_ok(int64_t t)
{
	return t != PARK_NO_TIME && t != PARK_BAD_TIME;
}

/*
 * UNTIL: ", bis dd.mm. HH:MM" for an end at or after the record's own
 * time (its version time, else its creation time), with the year
 * ("dd.mm.yyyy HH:MM") when the end is in another year than that time or
 * the record has neither; nothing for an end before it: such an end was
 * past when the record was written, and an active record would otherwise
 * go on saying "until" a day long gone.
 */
static void
sit_until_text(const struct info_item *it, int64_t ref, enum sit_lang l,
    char *buf, size_t size)
{
	time_t t = (time_t)(it->end_ms / 1000), r = (time_t)(ref / 1000);
	struct tm tm, rm;
	char year[8] = "";

	buf[0] = '\0';
	if (!sit_time_ok(it->end_ms) || (sit_time_ok(ref) && it->end_ms < ref))
		return;
	if (localtime_r(&t, &tm) == NULL)
		return;
	if (!sit_time_ok(ref) || localtime_r(&r, &rm) == NULL ||
	    rm.tm_year != tm.tm_year)
		snprintf(year, sizeof(year), "%04d", tm.tm_year + 1900);
	snprintf(buf, size, ", %s %02d.%02d.%s %02d:%02d", sit_until[l],
	    tm.tm_mday, tm.tm_mon + 1, year, tm.tm_hour, tm.tm_min);
}

static void
sit_line(xmlNode *rec, const struct info_item *it, int64_t ref,
    const char *lang, char *buf, size_t size)
{
	enum sit_lang l = sit_lang_of(lang);
	char where[3 * SIT_WORD_LEN], what[2 * SIT_WORD_LEN], until[64];
	char line[SIT_LINE_LEN];
	int road_first;

	road_first = sit_where(rec, lang, l, where, sizeof(where));
	sit_what(rec, l, what, sizeof(what));
	sit_until_text(it, ref, l, until, sizeof(until));
	snprintf(line, sizeof(line), "%s%s%s%s", where, where[0] ? ": " : "",
	    what, until);
	/*
	 * A line that starts with our own wording starts with a capital
	 * ("Direction ouest", "Bouchon"); a road name stays as written.
	 */
	if (road_first == 0 && line[0] >= 'a' && line[0] <= 'z')
		line[0] = (char)(line[0] - 'a' + 'A');
	park_name_normalise(line, strlen(line), buf, size);
}

/* ---- records ---- */

static int
sit_record(xmlNode *rec, const struct adapter_ctx *c)
{
	struct info_item it;
	int64_t ref;

	info_item_init(&it);
	if (adapter_xml_attr(rec, "id", it.id, sizeof(it.id)) <= 0)
		return 0;
	it.version = sit_version(rec);
	it.time_ms =
	    sit_time(sit_child(rec, "situationRecordVersionTime"), c->tz, 0);
	sit_severity(rec, it.severity, sizeof(it.severity));
	sit_validity(rec, c->tz, &it);
	ref = it.time_ms;
	if (!sit_time_ok(ref))
		ref = sit_time(
		    sit_child(rec, "situationRecordCreationTime"), c->tz, 0);
	sit_line(rec, &it, ref, c->lang, it.text, sizeof(it.text));
	if (info_add(c->out, &it) != 0) {
		snprintf(c->err, c->errlen, "more than %d situation records",
		    INFO_MAX_ITEMS);
		return -1;
	}
	return 0;
}

/*
 * The records directly inside a DATEX situation, in document order, and
 * whether the document is a SituationPublication at all (an element typed
 * so, or a situation): 0, or -1 when there are more than max.
 */
static int
sit_collect(
    xmlNode *root, size_t max, xmlNode ***out, size_t *count, int *publication)
{
	xmlNode **v = NULL, *n = root;
	size_t cnt = 0, cap = 0;
	char type[SIT_WORD_LEN];

	*out = NULL;
	*count = 0;
	*publication = 0;
	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE && sit_datex(n)) {
			if (adapter_xml_is(n, "situation") ||
			    (adapter_xml_type(n, type, sizeof(type)) > 0 &&
				strcmp(type, "SituationPublication") == 0))
				*publication = 1;
			if (adapter_xml_is(n, "situationRecord") &&
			    adapter_xml_is(n->parent, "situation") &&
			    sit_datex(n->parent)) {
				if (cnt == max) {
					free(v);
					return -1;
				}
				adapter_xml_push(&v, &cnt, &cap, n);
			}
		}
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n != root && n->next == NULL)
			n = n->parent;
		if (n == root)
			break;
		n = n->next;
	}
	*out = v;
	*count = cnt;
	return 0;
}

int
adapter_datex2_situation(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	xmlNode *root = adapter_xml_root(doc), **recs;
	size_t n;
	int pub;

	w->c.out->kind = INFO_KIND_SITUATION;
	if (root == NULL) {
		snprintf(w->c.err, w->c.errlen, "not an XML document");
		return -1;
	}
	if (sit_collect(root, INFO_MAX_ITEMS, &recs, &n, &pub) != 0) {
		snprintf(w->c.err, w->c.errlen,
		    "more than %d situation records", INFO_MAX_ITEMS);
		return -1;
	}
	if (!pub) {
		free(recs);
		snprintf(w->c.err, w->c.errlen,
		    "top level: no DATEX II SituationPublication (element "
		    "<%s> in namespace %s)",
		    (const char *)root->name,
		    root->ns != NULL && root->ns->href != NULL ?
			(const char *)root->ns->href :
			"(none)");
		return -1;
	}
	w->c.tz = o->timezone;
	w->c.lang = o->lang != NULL ? o->lang : "de";
	adapter_walk_nodes(w, recs, n, sit_record);
	return 0;
}
