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

/* One line; keys in the order of the object, one space after : and ,. */
static void
inspect_item(const struct park_item *it, const struct park_rules *r, FILE *out)
{
	const int flags =
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
	struct json_object *o = json_object_new_object();
	enum park_display d;
	char num[24];
	int64_t shown;
	int first = 1;

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

int
inspect_run(const char *format, const char *path, int64_t now_ms,
    int64_t stale_after_ms, const char *timezone, FILE *out, FILE *errf)
{
	const struct adapter *a = adapter_find(format);
	struct adapter_opts opts = { timezone, NULL };
	struct park_rules rules;
	struct park_doc doc;
	char err[512];
	size_t len;
	char *body;
	int r;

	if (a == NULL) {
		fprintf(
		    errf, "inspect: unknown format \"%s\" (formats: ", format);
		inspect_formats(errf);
		fprintf(errf, ")\n");
		return 2;
	}
	body = util_read_file(path, INSPECT_MAX_FILE, &len, err, sizeof(err));
	if (body == NULL) {
		fprintf(errf, "inspect: %s\n", err);
		return 1;
	}
	park_doc_init(&doc);
	r = adapter_parse(a, body, len, &opts, &doc, err, sizeof(err));
	free(body);
	if (r != 0) {
		fprintf(errf, "inspect: %s: %s\n", path, err);
		park_doc_fini(&doc);
		return 1;
	}
	rules.now_ms = now_ms;
	rules.fetched_ms = now_ms;
	rules.doc_time_ms = doc.time_ms;
	rules.stale_after_ms = stale_after_ms;
	for (size_t i = 0; i < doc.n; i++)
		inspect_item(&doc.items[i], &rules, out);
	park_doc_fini(&doc);
	return 0;
}
