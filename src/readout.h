/*
 * readout: what the board shows, as JSON text, for people and programs that
 * cannot look at the pixels (tests, web mirrors, accessibility; later the
 * HTTP API).  Built from render_readout(), so it is exactly what the
 * renderer draws for the same times and data.
 */
#ifndef TAFEL_READOUT_H
#define TAFEL_READOUT_H

#include <stdint.h>

#include "render.h"

/*
 * {"regions": [{"name": "row1", "page": 0, "widgets": [{"type": "park",
 * "text": "Altstadt", "value": "187"}, ...]}, ...]} as a caller-freed string.
 */
char *readout_json(struct render *r, int64_t wall_ms, int64_t anim_ms,
    const struct render_source *src);

struct json_object;
/* The same as a json-c object the caller puts (health, the API add to it). */
struct json_object *readout_build(struct render *r, int64_t wall_ms,
    int64_t anim_ms, const struct render_source *src);

#endif
