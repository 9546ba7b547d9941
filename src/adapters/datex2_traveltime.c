/*
 * datex2_traveltime: DATEX II travel times (FEEDS.md §5c) into travel
 * records (info.h): v2.3 ElaboratedDataPublication (elaboratedData/
 * basicData xsi:type="TravelTimeData"), v2.3 MeasuredDataPublication
 * (siteMeasurements/measuredValue/measuredValue/basicData) and v3
 * roadTrafficData (the same publications, physicalQuantity/basicData).
 * Every element whose xsi:type is TravelTimeData (in a DATEX namespace,
 * whatever its name or prefix) is one record, so all three are read by
 * the same code.
 *
 *  - id: the predefinedLocationReference @id under the record's
 *    pertinentLocation: the route the sign's configuration names.  A
 *    record without one (measured data often has none) takes the id of
 *    its site, siteMeasurements/measurementSiteReference @id; with
 *    neither it is skipped, as nothing could refer to it.  Records with
 *    the same id are all kept, in document order; the board takes the
 *    first (info_find).
 *  - travel time and free-flow time: travelTime/duration and
 *    freeFlowTravelTime/duration, seconds as xs:float; a value whose
 *    dataError is true (or not a boolean) is no value: the travel time
 *    then shows "---" and the free-flow time gives no delay.
 *  - time: measurementOrCalculationTime of the record, else the
 *    measurementTimeDefault of its site or the timeDefault of the
 *    publication, else the publicationTime (the document's time).
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
#include "park.h"

#define TT_WORD_LEN    64
#define TT_MAX_SECONDS 1e6 /* 11 days: beyond it no travel time is real */

/* The text of n is true (1), false (0), or something else (-1). */
static int
tt_bool(const xmlNode *n)
{
	char w[TT_WORD_LEN];

	if (adapter_xml_text(n, w, sizeof(w)) < 0)
		return -1;
	if (strcasecmp(w, "true") == 0 || strcmp(w, "1") == 0)
		return 1;
	if (strcasecmp(w, "false") == 0 || strcmp(w, "0") == 0)
		return 0;
	return -1;
}

/*
 * A DurationValue (travelTime, freeFlowTravelTime) in seconds as given
 * (not rounded: minutes are rounded once, info_travel), or
 * INFO_NO_DURATION; *error is set when it carries a dataError that is not
 * plainly false.
 */
static double
tt_duration(const xmlNode *v, int *error)
{
	char buf[TT_WORD_LEN], *end;
	const xmlNode *de;
	double s;

	*error = 0;
	if (v == NULL)
		return INFO_NO_DURATION;
	de = adapter_xml_child(v, "dataError");
	if (de != NULL && tt_bool(de) != 0) {
		*error = 1;
		return INFO_NO_DURATION;
	}
	if (adapter_xml_path_text(v, "duration", buf, sizeof(buf)) < 0)
		return INFO_NO_DURATION;
	s = strtod(buf, &end);
	if (end == buf || *end != '\0' || !isfinite(s) || s < 0 ||
	    s > TT_MAX_SECONDS)
		return INFO_NO_DURATION;
	return s;
}

/* The record's id as the header says; 0, or -1 when it has none. */
static int
tt_id(xmlNode *rec, char *buf, size_t size)
{
	xmlNode *ref, *a;

	ref = adapter_xml_child(rec, "pertinentLocation");
	if (ref != NULL)
		ref = adapter_xml_find(
		    ref, "predefinedLocationReference", ADAPTER_XML_DATEX);
	if (ref != NULL && adapter_xml_attr(ref, "id", buf, size) > 0)
		return 0;
	for (a = rec->parent; a != NULL && a->type == XML_ELEMENT_NODE;
	     a = a->parent) {
		if (!adapter_xml_is(a, "siteMeasurements"))
			continue;
		ref = adapter_xml_child(a, "measurementSiteReference");
		if (adapter_xml_attr(ref, "id", buf, size) > 0)
			return 0;
		break;
	}
	return -1;
}

/* The record's time, else the nearest default above it. */
static int64_t
tt_time(xmlNode *rec, const char *tz)
{
	xmlNode *t = adapter_xml_child(rec, "measurementOrCalculationTime");

	for (xmlNode *a = rec->parent;
	     t == NULL && a != NULL && a->type == XML_ELEMENT_NODE;
	     a = a->parent) {
		t = adapter_xml_child(a, "measurementTimeDefault");
		if (t == NULL)
			t = adapter_xml_child(a, "timeDefault");
	}
	return adapter_xml_when(t, tz);
}

static int
tt_record(struct _xmlNode *rec, const struct adapter_ctx *c)
{
	struct info_item it;
	int err, ignored;

	info_item_init(&it);
	if (tt_id(rec, it.id, sizeof(it.id)) != 0)
		return 0;
	it.travel_s = tt_duration(adapter_xml_child(rec, "travelTime"), &err);
	it.error = err;
	/* A free-flow time in error is only no free-flow time: no delay. */
	it.freeflow_s =
	    tt_duration(adapter_xml_child(rec, "freeFlowTravelTime"), &ignored);
	it.time_ms = tt_time(rec, c->tz);
	if (info_add(c->out, &it) != 0) {
		snprintf(c->err, c->errlen, "more than %d travel times",
		    INFO_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_datex2_traveltime(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	xmlNode *root = adapter_xml_root(doc), *pub, **v;
	char name[48];
	long n;

	w->c.tz = o->timezone;
	w->c.out->kind = INFO_KIND_TRAVEL;
	pub = adapter_xml_find_type(
	    root, "ElaboratedDataPublication", ADAPTER_XML_DATEX);
	if (pub == NULL)
		pub = adapter_xml_find_type(
		    root, "MeasuredDataPublication", ADAPTER_XML_DATEX);
	if (pub == NULL) {
		park_name_normalise((const char *)root->name,
		    strlen((const char *)root->name), name, sizeof(name));
		snprintf(w->c.err, w->c.errlen,
		    "top level: no DATEX II ElaboratedDataPublication or "
		    "MeasuredDataPublication (root element <%s>)",
		    name);
		return -1;
	}
	w->c.out->time_ms = adapter_xml_when(
	    adapter_xml_child(pub, "publicationTime"), w->c.tz);
	n = adapter_xml_collect_type(
	    pub, "TravelTimeData", ADAPTER_XML_DATEX, INFO_MAX_ITEMS, &v);
	if (n < 0) {
		snprintf(w->c.err, w->c.errlen, "more than %d travel times",
		    INFO_MAX_ITEMS);
		return -1;
	}
	adapter_walk_nodes(w, v, (size_t)n, tt_record);
	return 0;
}
