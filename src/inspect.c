/*
 * inspect: one feed document through the same adapter and display rules
 * the daemon uses, printed as one JSON object per shown car park.  The
 * document is read from a file (capped like a fetched body), the fetch
 * time is "now", and nothing is printed on out unless the whole document
 * was accepted, so a rejected document is told apart from an empty one.
 *
 * Each line is built with json-c (escaping, UTF-8) but assembled here, so
 * that the spacing is fixed: {"id": "x", "name": "y", "free": 1, ...}.
 */
#include "inspect.h"

#include <inttypes.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "info.h"
#include "park.h"
#include "util.h"

static void
inspect_formats(FILE *errf)
{
	for (size_t i = 0; adapter_names[i] != NULL; i++)
		fprintf(errf, "%s%s", i > 0 ? ", " : "", adapter_names[i]);
}

static struct json_object *
inspect_count(int64_t v)
{
	return v == PARK_NO_COUNT ? NULL : json_object_new_int64(v);
}

/* One line from o; keys in its order, one space after : and ,. */
static void
inspect_print(struct json_object *o, FILE *out)
{
	const int flags =
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	int first = 1;

	fputc('{', out);
	json_object_object_foreach (o, key, val) {
		struct json_object *k = json_object_new_string(key);

		fprintf(out, "%s%s: %s", first ? "" : ", ",
		    json_object_to_json_string_ext(k, flags),
		    json_object_to_json_string_ext(val, flags));
		json_object_put(k);
		first = 0;
	}
	fputs("}\n", out);
	json_object_put(o);
}

static void
inspect_item(const struct park_item *it, const struct park_rules *r, FILE *out)
{
	struct json_object *o = json_object_new_object();
	enum park_display d;
	char num[24];
	int64_t shown;

	d = park_display(it, r, &shown);
	if (d == PARK_DISPLAY_NUMBER)
		snprintf(num, sizeof(num), "%" PRId64, shown);
	else
		snprintf(num, sizeof(num), "%s", park_display_name(d));
	json_object_object_add(o, "id", json_object_new_string(it->id));
	json_object_object_add(o, "name", json_object_new_string(it->name));
	json_object_object_add(o, "free", inspect_count(it->free));
	json_object_object_add(o, "total", inspect_count(it->total));
	json_object_object_add(o, "display", json_object_new_string(num));
	inspect_print(o, out);
}

static void
inspect_info(const struct park_doc *d, const struct info_item *it,
    const struct park_rules *r, FILE *out)
{
	struct json_object *o;
	char a[32], b[32];

	switch (d->kind) {
	case INFO_KIND_TRAVEL:
		info_travel_text(it, r, a, sizeof(a), b, sizeof(b));
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(it->id));
		json_object_object_add(o, "display", json_object_new_string(a));
		json_object_object_add(o, "delay", json_object_new_string(b));
		break;
	case INFO_KIND_SITUATION:
		if (!info_situation_shown(it, r->now_ms))
			return;
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(it->id));
		json_object_object_add(
		    o, "text", json_object_new_string(it->text));
		json_object_object_add(
		    o, "severity", json_object_new_string(it->severity));
		break;
	case INFO_KIND_DEPARTURE:
		if (!info_departure_shown(it, r->now_ms))
			return;
		info_departure_time(it, a, sizeof(a));
		info_departure_delay(it, b, sizeof(b));
		o = json_object_new_object();
		json_object_object_add(o, "time", json_object_new_string(a));
		json_object_object_add(
		    o, "line", json_object_new_string(it->line));
		json_object_object_add(
		    o, "to", json_object_new_string(it->text));
		json_object_object_add(
		    o, "platform", json_object_new_string(it->platform));
		json_object_object_add(o, "delay", json_object_new_string(b));
		break;
	default:
		return;
	}
	inspect_print(o, out);
}

/* One document through format's adapter into doc; 0, or 1 (said why). */
static int
inspect_load(const char *format, const char *path,
    const struct adapter_opts *opts, struct park_doc *doc, FILE *errf)
{
	const struct adapter *a = adapter_find(format);
	char err[512];
	size_t len;
	char *body;
	int r;

	body = util_read_file(path, INSPECT_MAX_FILE, &len, err, sizeof(err));
	if (body == NULL) {
		fprintf(errf, "inspect: %s\n", err);
		return 1;
	}
	r = adapter_parse(a, body, len, opts, doc, err, sizeof(err));
	free(body);
	if (r != 0) {
		fprintf(errf, "inspect: %s: %s\n", path, err);
		return 1;
	}
	return 0;
}

int
inspect_run(const struct inspect_args *args, FILE *out, FILE *errf)
{
	struct adapter_opts opts = { args->timezone, NULL, args->lang, NULL };
	struct park_rules rules;
	struct park_doc doc, table;
	int r = 0;

	if (adapter_find(args->format) == NULL) {
		fprintf(errf,
		    "inspect: unknown format \"%s\" (formats: ", args->format);
		inspect_formats(errf);
		fprintf(errf, ")\n");
		return 2;
	}
	if (args->table != NULL &&
	    strcmp(args->format, "datex2-parking") != 0) {
		fprintf(errf,
		    "inspect: --table applies to datex2-parking "
		    "only\n");
		return 2;
	}
	park_doc_init(&doc);
	park_doc_init(&table);
	if (args->table != NULL) {
		r = inspect_load(
		    "datex2-parking-table", args->table, &opts, &table, errf);
		opts.table = &table;
	}
	if (r == 0)
		r = inspect_load(args->format, args->path, &opts, &doc, errf);
	if (r == 0) {
		rules.now_ms = args->now_ms;
		rules.fetched_ms = args->now_ms;
		rules.doc_time_ms = doc.time_ms;
		rules.stale_after_ms = args->stale_after_ms;
		for (size_t i = 0; i < doc.n; i++)
			inspect_item(&doc.items[i], &rules, out);
		for (size_t i = 0; i < doc.ninfo; i++)
			inspect_info(&doc, &doc.info[i], &rules, out);
	}
	park_doc_fini(&doc);
	park_doc_fini(&table);
	return r;
}
