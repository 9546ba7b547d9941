/*
 * readout: render_readout() into a json-c tree, printed once.
 */
#include "readout.h"

#include <json.h>
#include <string.h>

#include "util.h"

struct readout_ctx {
	struct json_object *regions;
	struct json_object *region; /* the widgets array of the current one */
	size_t index;
};

static void
readout_emit(void *arg, size_t region, const char *region_name, size_t page,
    const char *type, const char *text, const char *value)
{
	struct readout_ctx *c = arg;
	struct json_object *w;

	if (c->region == NULL || region != c->index) {
		struct json_object *r = json_object_new_object();
		c->region = json_object_new_array();
		c->index = region;
		json_object_object_add(
		    r, "name", json_object_new_string(region_name));
		json_object_object_add(
		    r, "page", json_object_new_int64((int64_t)page));
		json_object_object_add(r, "widgets", c->region);
		json_object_array_add(c->regions, r);
	}
	w = json_object_new_object();
	json_object_object_add(w, "type", json_object_new_string(type));
	json_object_object_add(w, "text", json_object_new_string(text));
	if (value != NULL)
		json_object_object_add(
		    w, "value", json_object_new_string(value));
	json_object_array_add(c->region, w);
}

struct json_object *
readout_build(struct render *r, int64_t wall_ms, int64_t anim_ms,
    const struct render_source *src)
{
	struct json_object *top = json_object_new_object();
	struct readout_ctx c;

	memset(&c, 0, sizeof(c));
	c.regions = json_object_new_array();
	json_object_object_add(top, "regions", c.regions);
	render_readout(r, wall_ms, anim_ms, src, readout_emit, &c);
	return top;
}

char *
readout_json(struct render *r, int64_t wall_ms, int64_t anim_ms,
    const struct render_source *src)
{
	struct json_object *top = readout_build(r, wall_ms, anim_ms, src);
	char *out;

	out = util_strdup(json_object_to_json_string_ext(
	    top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	return out;
}
