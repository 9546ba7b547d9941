/*
 * api_cabinet: the cabinet's endpoints under /api/v1.  GET /api/v1/gpio
 * lists the lines; POST /api/v1/gpio/sim sets a simulated input's level
 * (simulation backend only); GET, PUT and DELETE /api/v1/brightness show
 * the brightness and set or end a manual override with an expiry.  Tokens
 * are checked by the message API's rules (reads need a token, writes an
 * operator token); bodies are read strictly and a bad field is answered
 * 400 naming it.
 */
#include "api_cabinet.h"

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cabinet.h"
#include "httpd.h"
#include "log.h"
#include "messages.h"
#include "util.h"

struct api_cabinet {
	struct cabinet *cabinet;
	struct messages *messages;
};

/* A required integer field in min..max; 0, or -1 with resp filled. */
static int
apc_int(struct json_object *o, const char *field, long long min, long long max,
    long long *out, struct httpd_resp *resp)
{
	struct json_object *v;
	char msg[128];
	double d;

	if (!json_object_object_get_ex(o, field, &v)) {
		snprintf(msg, sizeof(msg), "%s: required", field);
		httpd_error(resp, 400, "badField", msg);
		return -1;
	}
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_double) &&
	    isfinite(d = json_object_get_double(v)) && d == floor(d) &&
	    fabs(d) < 1e15) {
		*out = (long long)d;
	} else {
		snprintf(msg, sizeof(msg), "%s: expected an integer", field);
		httpd_error(resp, 400, "badField", msg);
		return -1;
	}
	if (*out < min || *out > max) {
		snprintf(msg, sizeof(msg), "%s: %lld not in %lld..%lld", field,
		    *out, min, max);
		httpd_error(resp, 400, "badField", msg);
		return -1;
	}
	return 0;
}

static void
apc_gpio_get(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct api_cabinet *a = arg;

	if (messages_authorize(a->messages, req, resp, 0, NULL, 0) != 0)
		return;
	httpd_json(resp, 200, cabinet_gpio_json(a->cabinet));
}

static void
apc_gpio_sim(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	static const char *const fields[] = { "line", "value", NULL };
	struct api_cabinet *a = arg;
	struct json_object *o, *v, *top;
	long long value;
	const char *line;
	char who[64], err[160];

	if (messages_authorize(a->messages, req, resp, 1, who, sizeof(who)) !=
	    0)
		return;
	o = api_read_object(req, resp, fields);
	if (o == NULL)
		return;
	if (!json_object_object_get_ex(o, "line", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		httpd_error(resp, 400, "badField",
		    "line: required, the name of a gpio input");
		goto out;
	}
	line = json_object_get_string(v);
	if (apc_int(o, "value", 0, 1, &value, resp) != 0)
		goto out;
	if (cabinet_sim_set(a->cabinet, line, (int)value, err, sizeof(err)) !=
	    0) {
		httpd_error(resp, strncmp(err, "no gpio", 7) == 0 ? 404 : 409,
		    strncmp(err, "no gpio", 7) == 0 ? "notFound" : "conflict",
		    err);
		goto out;
	}
	log_notice(
	    "audit: %s set simulated gpio %.64s to %lld", who, line, value);
	top = json_object_new_object();
	json_object_object_add(top, "line", json_object_new_string(line));
	json_object_object_add(top, "value", json_object_new_int((int)value));
	httpd_json(resp, 200, top);
out:
	json_object_put(o);
}

static void
apc_bright(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	static const char *const fields[] = { "percent", "duration_s", NULL };
	struct api_cabinet *a = arg;
	struct json_object *o;
	long long pct, dur;
	char who[64];
	int write = strcmp(req->method, "GET") != 0;

	if (messages_authorize(
		a->messages, req, resp, write, who, sizeof(who)) != 0)
		return;
	if (strcmp(req->method, "DELETE") == 0) {
		cabinet_brightness_override(a->cabinet, -1, 0);
		log_notice("audit: %s ended the brightness override", who);
	} else if (strcmp(req->method, "PUT") == 0) {
		o = api_read_object(req, resp, fields);
		if (o == NULL)
			return;
		if (apc_int(o, "percent", 0, 100, &pct, resp) != 0 ||
		    apc_int(o, "duration_s", 1,
			cabinet_max_override_s(a->cabinet), &dur, resp) != 0) {
			json_object_put(o);
			return;
		}
		json_object_put(o);
		cabinet_brightness_override(
		    a->cabinet, (int)pct, util_wall_ms() + dur * 1000);
		log_notice("audit: %s set brightness %lld %% for %lld s", who,
		    pct, dur);
	}
	httpd_json(resp, 200, cabinet_brightness_json(a->cabinet));
}

struct api_cabinet *
api_cabinet_new(struct httpd *h, struct cabinet *k, struct messages *m)
{
	struct api_cabinet *a = util_calloc(1, sizeof(*a));

	a->cabinet = k;
	a->messages = m;
	httpd_route(h, "GET", "/api/v1/gpio", 0, apc_gpio_get, a);
	httpd_route(h, "POST", "/api/v1/gpio/sim", 0, apc_gpio_sim, a);
	httpd_route(h, "GET", "/api/v1/brightness", 0, apc_bright, a);
	httpd_route(h, "PUT", "/api/v1/brightness", 0, apc_bright, a);
	httpd_route(h, "DELETE", "/api/v1/brightness", 0, apc_bright, a);
	return a;
}

void
api_cabinet_free(struct api_cabinet *a)
{
	free(a);
}
