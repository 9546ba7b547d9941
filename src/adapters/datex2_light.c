/*
 * datex2_light: park-api-v3's DATEX II "Parking Publication Light" JSON
 * (FEEDS.md §5b), a parking format with the same display rules as the
 * others.
 *
 *  {"parkingPublicationLight": {"name": "...", "publicationTime": "...",
 *   "parkingSite": [{"_id": "12", "name": "Altstadt", "numberOfSpaces":
 *   340, "availableSpaces": 106, "isOpenNow": true, "temporaryClosed":
 *   false, "occupancyTrend": "increasing", "lastUpdate":
 *   "2026-01-08T12:39:46Z"}]}, "_version": "3.4", "_modelBaseVersion": "3"}
 *
 * State: temporaryClosed true or isOpenNow false is CLOSED, isOpenNow true
 * is open, absent leaves it to the numbers; no availableSpaces shows "---"
 * (park.c).  Names are a string, or given in several languages; then the
 * one in the sign's language is taken, else the first one given.  The
 * shapes accepted for several languages: {"de": "...", "fr": "..."}, an
 * array of {"lang"|"_lang": "de", "value"|"$"|"text": "..."}, or such an
 * array (or one such object) under "values", or under "values"."value"
 * (XML attributes become "_"-prefixed keys in this JSON).  The only known
 * producer writes UTC, so zone-less times are UTC unless configured.
 */
#include "adapters/common.h"

#include <json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "info.h"

/* A language entry's text when its language is lang (NULL: any). */
static struct json_object *
light_entry(struct json_object *e, const char *lang)
{
	static const char *const lang_keys[] = { "lang", "_lang" };
	static const char *const text_keys[] = { "value", "$", "text",
		"_value" };
	struct json_object *l = NULL, *t = NULL;

	for (size_t i = 0; i < 2 && l == NULL; i++)
		l = adapter_get(e, lang_keys[i]);
	for (size_t i = 0; i < 4 && t == NULL; i++)
		t = adapter_get(e, text_keys[i]);
	if (!json_object_is_type(t, json_type_string))
		return NULL;
	if (lang != NULL &&
	    !(json_object_is_type(l, json_type_string) &&
		strcasecmp(json_object_get_string(l), lang) == 0))
		return NULL;
	return t;
}

/* In a list of language entries (or one entry): see light_entry. */
static struct json_object *
light_list(struct json_object *v, const char *lang)
{
	size_t n;

	if (json_object_is_type(v, json_type_object))
		return light_entry(v, lang);
	if (!json_object_is_type(v, json_type_array))
		return NULL;
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++) {
		struct json_object *t =
		    light_entry(json_object_array_get_idx(v, i), lang);

		if (t != NULL)
			return t;
	}
	return NULL;
}

/* The name's text in language lang (NULL: the first one), or NULL. */
static struct json_object *
light_name_in(struct json_object *name, const char *lang)
{
	struct json_object *vals = adapter_get(name, "values"), *t;

	if (json_object_is_type(name, json_type_array))
		return light_list(name, lang);
	if (!json_object_is_type(name, json_type_object))
		return NULL;
	if (vals != NULL) {
		t = light_list(vals, lang);
		if (t == NULL)
			t = light_list(adapter_get(vals, "value"), lang);
		return t;
	}
	/* Keyed by language: {"de": "...", "fr": "..."}. */
	if (lang != NULL) {
		t = adapter_get(name, lang);
		return json_object_is_type(t, json_type_string) ? t : NULL;
	}
	json_object_object_foreach (name, key, val) {
		(void)key;
		if (json_object_is_type(val, json_type_string))
			return val;
	}
	return NULL;
}

static struct json_object *
light_name(struct json_object *name, const char *lang)
{
	struct json_object *t;

	if (name == NULL || json_object_is_type(name, json_type_string))
		return name;
	t = light_name_in(name, lang);
	return t != NULL ? t : light_name_in(name, NULL);
}

static int
light_state(struct json_object *site)
{
	int closed, open;

	if (park_json_bool(adapter_get(site, "temporaryClosed"), &closed) ==
		0 &&
	    closed)
		return PARK_STATE_CLOSED;
	if (park_json_bool(adapter_get(site, "isOpenNow"), &open) == 0)
		return open ? PARK_STATE_OPEN : PARK_STATE_CLOSED;
	return PARK_STATE_ABSENT;
}

/* DATEX ParkingOccupancyTrend: increasing* fills, decreasing* empties. */
static int
light_trend(struct json_object *v)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return PARK_TREND_NONE;
	s = json_object_get_string(v);
	if (strncmp(s, "increasing", 10) == 0)
		return PARK_TREND_FILLING;
	if (strncmp(s, "decreasing", 10) == 0)
		return PARK_TREND_EMPTYING;
	if (strcmp(s, "stable") == 0)
		return PARK_TREND_STEADY;
	return PARK_TREND_NONE;
}

static int
light_site(struct json_object *site, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	if (adapter_id(adapter_get(site, "_id"), it.id, sizeof(it.id)) < 0)
		return 0;
	it.free = adapter_count(adapter_get(site, "availableSpaces"));
	it.total = adapter_count(adapter_get(site, "numberOfSpaces"));
	it.time_ms = park_json_when(adapter_get(site, "lastUpdate"), c->tz);
	it.state = light_state(site);
	it.trend = light_trend(adapter_get(site, "occupancyTrend"));
	return adapter_add(
	    c, &it, light_name(adapter_get(site, "name"), c->lang), NULL);
}

int
adapter_datex2_light(struct json_object *root, const struct adapter_opts *o,
    struct adapter_walk *w)
{
	struct json_object *pub = adapter_get(root, "parkingPublicationLight");
	struct json_object *sites = adapter_array(pub, "parkingSite");

	w->c.out->kind = INFO_KIND_PARK;
	if (sites == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected object with "
		    "parkingPublicationLight.parkingSite[]");
		return -1;
	}
	w->c.tz = o->timezone != NULL ? o->timezone : "UTC";
	w->c.lang = o->lang != NULL ? o->lang : "de";
	w->c.out->time_ms =
	    park_json_when(adapter_get(pub, "publicationTime"), w->c.tz);
	adapter_walk_array(w, sites, light_site);
	return 0;
}
