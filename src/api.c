/*
 * api: request bodies are read strictly (json-c strict mode, a depth cap,
 * nothing after the value, unknown fields refused) and every problem is
 * answered 400 naming the field, so a typo never silently becomes a
 * default.  Writes are deferred until the store reports the change
 * durable (httpd_defer), which is what makes a 201 a promise.
 */
#include "api.h"

#include <errno.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "cfg.h"
#include "httpd.h"
#include "log.h"
#include "msgstore.h"
#include "util.h"

#define API_MAX_DEPTH 8

struct api {
	struct httpd *httpd;
	struct msgstore *store;
	struct api_ops ops;
	const struct cfg *cfg;
	struct auth *auth;
};

/* One write waiting for the disk. */
struct api_pending {
	struct api *api;
	struct httpd_defer *defer;
	char id[MSG_ID_SIZE];
	int status;  /* answer on success: 201 or 200 */
	int removal; /* a DELETE: nothing to take back on failure */
	char *body;  /* answer body on success */
};

static void
api_iso(int64_t ms, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct json_object *
api_msg_json(const struct msg *m, int64_t now)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	json_object_object_add(o, "id", json_object_new_string(m->id));
	json_object_object_add(o, "multi", json_object_new_string(m->multi));
	json_object_object_add(o, "priority", json_object_new_int(m->priority));
	api_iso(m->start_ms, iso, sizeof(iso));
	json_object_object_add(o, "start", json_object_new_string(iso));
	if (m->end_ms > 0) {
		api_iso(m->end_ms, iso, sizeof(iso));
		json_object_object_add(o, "end", json_object_new_string(iso));
	} else {
		json_object_object_add(o, "end", NULL);
	}
	json_object_object_add(o, "zone", json_object_new_string(m->zone));
	json_object_object_add(o, "source",
	    json_object_new_string(msgstore_source_name(m->source)));
	json_object_object_add(o, "owner", json_object_new_string(m->owner));
	api_iso(m->created_ms, iso, sizeof(iso));
	json_object_object_add(o, "created", json_object_new_string(iso));
	json_object_object_add(o, "active",
	    json_object_new_boolean(
		m->start_ms <= now && (m->end_ms == 0 || now < m->end_ms)));
	return o;
}

/* Authorize: 0 and the caller's name, or -1 with resp filled. */
static int
api_auth(struct api *a, const struct httpd_req *req, struct httpd_resp *resp,
    int write, char *who, size_t size)
{
	enum auth_role role;

	if (auth_token_in_query(req->query)) {
		httpd_error(resp, 400, "tokenInQuery",
		    "tokens in query strings are refused; send "
		    "\"Authorization: Bearer TOKEN\"");
		return -1;
	}
	role =
	    auth_check(a->auth, httpd_header(req, "Authorization"), who, size);
	/* Messages name their owners: reading them needs a token too. */
	if (!write && role != AUTH_ROLE_NONE)
		return 0;
	if (role == AUTH_ROLE_NONE) {
		httpd_error(resp, 401, "unauthorized",
		    "a valid bearer token is required");
		return -1;
	}
	if (write && role != AUTH_ROLE_OPERATOR) {
		httpd_error(resp, 403, "forbidden",
		    "this token may only read; changes need an operator "
		    "token");
		return -1;
	}
	return 0;
}

int
api_authorize(struct api *a, const struct httpd_req *req,
    struct httpd_resp *resp, int write, char *who, size_t size)
{
	return api_auth(a, req, resp, write, who, size);
}

int
api_read_allowed(const struct api *a, const char *authorization)
{
	return a->cfg->http.health_public ||
	    auth_check(a->auth, authorization, NULL, 0) != AUTH_ROLE_NONE;
}

/* Parse a request body as one JSON object; NULL with resp filled. */
static struct json_object *
api_body(const struct httpd_req *req, struct httpd_resp *resp)
{
	struct json_tokener *tok = json_tokener_new_ex(API_MAX_DEPTH);
	struct json_object *o;
	char msg[160];
	size_t end;

	if (memchr(req->body, '\0', req->body_len) != NULL) {
		json_tokener_free(tok);
		httpd_error(
		    resp, 400, "badJson", "the body contains a NUL byte");
		return NULL;
	}
	/* RFC 8259: JSON text is UTF-8; anything else is malformed. */
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, req->body, (int)req->body_len);
	end = json_tokener_get_parse_end(tok);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(msg, sizeof(msg), "malformed JSON at byte %zu: %s",
		    end,
		    req->body_len == 0 ?
			"empty body" :
			json_tokener_error_desc(json_tokener_get_error(tok)));
		httpd_error(resp, 400, "badJson", msg);
		json_object_put(o);
		o = NULL;
	} else if (end < req->body_len &&
	    req->body[end + strspn(req->body + end, " \t\r\n")] != '\0') {
		httpd_error(
		    resp, 400, "badJson", "bytes after the JSON object");
		json_object_put(o);
		o = NULL;
	} else if (!json_object_is_type(o, json_type_object)) {
		httpd_error(resp, 400, "badJson", "expected a JSON object");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* Refuse keys not in allowed; 0 or -1 with resp filled. */
static int
api_known_fields(
    struct json_object *o, const char *const *allowed, struct httpd_resp *resp)
{
	char msg[160];

	json_object_object_foreach (o, key, val) {
		size_t i;
		(void)val;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			/* Quote at most 64 bytes, cut on a character boundary. */
			size_t n = strlen(key);
			if (n > 64) {
				n = 64;
				while (n > 0 &&
				    ((unsigned char)key[n] & 0xc0) == 0x80)
					n--;
			}
			snprintf(msg, sizeof(msg), "%.*s: unknown field",
			    (int)n, key);
			httpd_error(resp, 400, "badField", msg);
			return -1;
		}
	}
	return 0;
}

struct json_object *
api_read_object(const struct httpd_req *req, struct httpd_resp *resp,
    const char *const *allowed)
{
	struct json_object *o = api_body(req, resp);

	if (o != NULL && api_known_fields(o, allowed, resp) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int
api_field_error(struct httpd_resp *resp, const char *field, const char *what)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "%s: %s", field, what);
	httpd_error(resp, 400, "badField", msg);
	return -1;
}

/* A JSON integer (or integral number) in min..max. */
static int
api_int(struct json_object *o, const char *field, long long min, long long max,
    long long *out, int *present, struct httpd_resp *resp)
{
	struct json_object *v;
	char what[96];
	double d;

	*present = json_object_object_get_ex(o, field, &v);
	if (!*present)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_double) &&
	    isfinite(d = json_object_get_double(v)) && d == floor(d) &&
	    fabs(d) < 1e15) {
		*out = (long long)d;
	} else {
		return api_field_error(resp, field, "expected an integer");
	}
	if (*out < min || *out > max) {
		snprintf(what, sizeof(what), "%lld not in %lld..%lld", *out,
		    min, max);
		return api_field_error(resp, field, what);
	}
	return 0;
}

static int
api_string(struct json_object *o, const char *field, size_t max,
    const char **out, struct httpd_resp *resp)
{
	struct json_object *v;
	char what[96];

	*out = NULL;
	if (!json_object_object_get_ex(o, field, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return api_field_error(resp, field, "expected a string");
	if ((size_t)json_object_get_string_len(v) >
	    strlen(json_object_get_string(v)))
		return api_field_error(resp, field, "contains a NUL character");
	if (strlen(json_object_get_string(v)) > max) {
		snprintf(what, sizeof(what), "longer than %zu bytes", max);
		return api_field_error(resp, field, what);
	}
	*out = json_object_get_string(v);
	return 0;
}

static int
api_time(struct json_object *o, const char *field, int64_t *out, int *present,
    struct httpd_resp *resp)
{
	const char *s;

	*present = 0;
	if (api_string(o, field, 64, &s, resp) != 0)
		return -1;
	if (s == NULL)
		return 0;
	if (util_parse_iso8601(s, out) != 0)
		return api_field_error(resp, field,
		    "expected an ISO 8601 time like 2026-11-29T18:00:00+01:00");
	*present = 1;
	return 0;
}

static void
api_multi_error(struct httpd_resp *resp, const struct api_multi_error *e)
{
	struct json_object *top = json_object_new_object();
	struct json_object *err = json_object_new_object();

	json_object_object_add(err, "code", json_object_new_string(e->name));
	json_object_object_add(
	    err, "multi_error", json_object_new_int(e->code));
	json_object_object_add(err, "position", json_object_new_int(e->pos));
	json_object_object_add(
	    err, "message", json_object_new_string(e->message));
	json_object_object_add(top, "error", err);
	httpd_json(resp, 422, top);
}

/* The store has the change on disk (or failed to write it). */
static void
api_stored(void *arg, int status)
{
	struct api_pending *p = arg;
	struct httpd_resp resp;

	memset(&resp, 0, sizeof(resp));
	if (status == 0) {
		httpd_text(&resp, p->status, "application/json", p->body);
	} else if (p->removal) {
		/* Gone from the board; the store retries the write. */
		httpd_error(&resp, 503, "storageError",
		    "the message is off the board but its removal could not "
		    "be stored yet; it may return after a restart: try again");
	} else {
		/* Not durable: take it back so nobody relies on it. */
		msgstore_remove(p->api->store, p->id, NULL, NULL);
		httpd_error(&resp, 503, "storageError",
		    "the message could not be stored; try again");
		if (p->api->ops.changed != NULL)
			p->api->ops.changed(p->api->ops.ctx);
	}
	httpd_finish(p->defer, &resp);
	free(p->body);
	free(p);
}

static void
api_audit(const char *who, const char *what, const struct msg *m)
{
	char start[32], end[32] = "cancelled";

	api_iso(m->start_ms, start, sizeof(start));
	if (m->end_ms > 0)
		api_iso(m->end_ms, end, sizeof(end));
	log_notice("audit: %s %s message %s (%s, priority %d, zone \"%s\", "
		   "%s until %s): %.200s",
	    who, what, m->id, msgstore_source_name(m->source), m->priority,
	    m->zone, start, end, m->multi);
}

/* Store m and answer 201 with it once durable. */
static void
api_store(struct api *a, const struct httpd_req *req, struct httpd_resp *resp,
    struct msg *m, const char *who)
{
	struct api_pending *p;
	struct json_object *o;
	char err[160];

	if (msgstore_check(m, err, sizeof(err)) != 0) {
		httpd_error(resp, 400, "badField", err);
		return;
	}
	p = util_calloc(1, sizeof(*p));
	p->api = a;
	p->status = 201;
	util_strlcpy(p->id, m->id, sizeof(p->id));
	o = api_msg_json(m, util_wall_ms());
	p->body = util_strdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (msgstore_add(a->store, m, api_stored, p) != 0) {
		httpd_error(resp, errno == ENOSPC ? 507 : 400,
		    errno == ENOSPC ? "storeFull" : "badMessage",
		    errno == ENOSPC ? "the sign holds too many messages" :
				      "the message was refused by the store");
		free(p->body);
		free(p);
		return;
	}
	p->defer = httpd_defer(req);
	api_audit(who, "added", m);
	if (a->ops.changed != NULL)
		a->ops.changed(a->ops.ctx);
}

static int
api_check_multi(struct api *a, const char *multi, const char *zone,
    struct httpd_resp *resp, int *pages)
{
	struct api_multi_error e;

	memset(&e, 0, sizeof(e));
	if (a->ops.validate(a->ops.ctx, multi, zone, pages, &e) != 0) {
		api_multi_error(resp, &e);
		return -1;
	}
	return 0;
}

static void
api_post_message(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	static const char *const fields[] = { "multi", "priority", "duration_s",
		"end", "start", "zone", NULL };
	struct api *a = arg;
	struct json_object *o;
	struct msg m;
	const char *multi, *zone;
	long long prio = 0, dur = 0;
	int has_prio, has_dur, has_end, has_start, pages;
	int64_t now = util_wall_ms(), start = now, end = 0;
	char who[64];

	if (api_auth(a, req, resp, 1, who, sizeof(who)) != 0 ||
	    (o = api_body(req, resp)) == NULL)
		return;
	if (api_known_fields(o, fields, resp) != 0 ||
	    api_string(o, "multi", MSG_MULTI_SIZE - 1, &multi, resp) != 0 ||
	    api_int(o, "priority", MSG_PRIORITY_MIN, MSG_PRIORITY_MAX, &prio,
		&has_prio, resp) != 0 ||
	    api_int(o, "duration_s", 1, a->cfg->messages.max_duration_s, &dur,
		&has_dur, resp) != 0 ||
	    api_time(o, "end", &end, &has_end, resp) != 0 ||
	    api_time(o, "start", &start, &has_start, resp) != 0 ||
	    api_string(o, "zone", MSG_ZONE_SIZE - 1, &zone, resp) != 0)
		goto out;
	if (multi == NULL) {
		api_field_error(resp, "multi", "required");
		goto out;
	}
	if (!has_prio) {
		api_field_error(resp, "priority", "required");
		goto out;
	}
	if (has_dur == has_end) {
		api_field_error(
		    resp, "duration_s", "give either duration_s or end");
		goto out;
	}
	if (start < 0 || start > MSG_WALL_MAX) {
		api_field_error(resp, "start", "out of range");
		goto out;
	}
	if (has_dur)
		end = start + dur * 1000;
	if (end > MSG_WALL_MAX) {
		api_field_error(resp, "end", "beyond 9999-12-31");
		goto out;
	}
	if (end <= start || end <= now) {
		api_field_error(resp, "end", "must be after start and now");
		goto out;
	}
	if (end - start > (int64_t)a->cfg->messages.max_duration_s * 1000) {
		api_field_error(
		    resp, "end", "longer than messages.max_duration_s");
		goto out;
	}
	if (zone == NULL)
		zone = "";
	if (!a->ops.zone_known(a->ops.ctx, zone)) {
		api_field_error(resp, "zone", "no such zone in the layout");
		goto out;
	}
	/* An emergency takes the whole board: lay it out for that. */
	if (api_check_multi(a, multi,
		prio >= a->cfg->messages.emergency_priority ? "board" : zone,
		resp, &pages) != 0)
		goto out;
	memset(&m, 0, sizeof(m));
	msgstore_id_new(m.id);
	util_strlcpy(m.multi, multi, sizeof(m.multi));
	util_strlcpy(m.zone, zone, sizeof(m.zone));
	util_strlcpy(m.owner, who, sizeof(m.owner));
	m.priority = (int)prio;
	m.start_ms = start;
	m.end_ms = end;
	m.source = MSG_SOURCE_OPERATOR;
	m.created_ms = now;
	api_store(a, req, resp, &m, who);
out:
	json_object_put(o);
}

static void
api_list(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct api *a = arg;
	struct json_object *arr = json_object_new_array();
	struct json_object *top = json_object_new_object();
	const struct msg *v;
	int64_t now = util_wall_ms();
	size_t n;

	if (api_auth(a, req, resp, 0, NULL, 0) != 0) {
		json_object_put(arr);
		json_object_put(top);
		return;
	}
	v = msgstore_list(a->store, &n);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, api_msg_json(&v[i], now));
	json_object_object_add(top, "messages", arr);
	httpd_json(resp, 200, top);
}

static void
api_one(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct api *a = arg;
	const char *id = req->path + strlen("/api/v1/messages/");
	const struct msg *m = msgstore_find(a->store, id);
	struct api_pending *p;
	char who[64];
	struct msg copy;

	if (api_auth(a, req, resp, strcmp(req->method, "DELETE") == 0, who,
		sizeof(who)) != 0)
		return;
	if (m == NULL) {
		httpd_error(resp, 404, "notFound", "no message with this id");
		return;
	}
	if (strcmp(req->method, "GET") == 0) {
		httpd_json(resp, 200, api_msg_json(m, util_wall_ms()));
		return;
	}
	copy = *m;
	p = util_calloc(1, sizeof(*p));
	p->api = a;
	p->status = 200;
	p->removal = 1;
	util_strlcpy(p->id, id, sizeof(p->id));
	p->body = util_strdup("{\"deleted\":true}");
	if (msgstore_remove(a->store, id, api_stored, p) != 0) {
		httpd_error(resp, 404, "notFound", "no message with this id");
		free(p->body);
		free(p);
		return;
	}
	p->defer = httpd_defer(req);
	api_audit(who, "cancelled", &copy);
	if (a->ops.changed != NULL)
		a->ops.changed(a->ops.ctx);
}

static void
api_preset(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct api *a = arg;
	const char *name = req->path + strlen("/api/v1/presets/");
	const struct cfg_preset *ps = a->cfg->messages.presets.v;
	const struct cfg_preset *p = NULL;
	int64_t now = util_wall_ms();
	struct msg m;
	char who[64];

	if (api_auth(a, req, resp, 1, who, sizeof(who)) != 0)
		return;
	for (size_t i = 0; i < a->cfg->messages.presets.n; i++)
		if (strcmp(ps[i].name, name) == 0)
			p = &ps[i];
	if (p == NULL) {
		httpd_error(resp, 404, "notFound", "no preset with this name");
		return;
	}
	memset(&m, 0, sizeof(m));
	msgstore_id_new(m.id);
	util_strlcpy(m.multi, p->multi, sizeof(m.multi));
	util_strlcpy(m.zone, p->zone, sizeof(m.zone));
	util_strlcpy(m.owner, who, sizeof(m.owner));
	m.priority = p->priority;
	m.start_ms = now;
	m.end_ms = p->duration_s > 0 ? now + (int64_t)p->duration_s * 1000 : 0;
	m.source = MSG_SOURCE_PRESET;
	m.created_ms = now;
	api_store(a, req, resp, &m, who);
}

static void
api_validate(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	static const char *const fields[] = { "multi", "zone", NULL };
	struct api *a = arg;
	struct json_object *o, *top;
	const char *multi, *zone;
	int pages = 0;

	if (api_auth(a, req, resp, 0, NULL, 0) != 0 ||
	    (o = api_body(req, resp)) == NULL)
		return;
	if (api_known_fields(o, fields, resp) != 0 ||
	    api_string(o, "multi", MSG_MULTI_SIZE - 1, &multi, resp) != 0 ||
	    api_string(o, "zone", MSG_ZONE_SIZE - 1, &zone, resp) != 0)
		goto out;
	if (multi == NULL) {
		api_field_error(resp, "multi", "required");
		goto out;
	}
	if (zone != NULL && !a->ops.zone_known(a->ops.ctx, zone)) {
		api_field_error(resp, "zone", "no such zone in the layout");
		goto out;
	}
	if (api_check_multi(a, multi, zone ? zone : "", resp, &pages) != 0)
		goto out;
	top = json_object_new_object();
	json_object_object_add(top, "ok", json_object_new_boolean(1));
	json_object_object_add(top, "pages", json_object_new_int(pages));
	httpd_json(resp, 200, top);
out:
	json_object_put(o);
}

struct api *
api_new(struct httpd *h, struct msgstore *store, const struct api_ops *ops)
{
	struct api *a = util_calloc(1, sizeof(*a));

	a->httpd = h;
	a->store = store;
	a->ops = *ops;
	httpd_route(h, "POST", "/api/v1/messages", 0, api_post_message, a);
	httpd_route(h, "GET", "/api/v1/messages", 0, api_list, a);
	httpd_route(h, "GET", "/api/v1/messages/", 1, api_one, a);
	httpd_route(h, "DELETE", "/api/v1/messages/", 1, api_one, a);
	httpd_route(h, "POST", "/api/v1/presets/", 1, api_preset, a);
	httpd_route(h, "POST", "/api/v1/validate", 0, api_validate, a);
	return a;
}

void
api_configure(struct api *a, const struct cfg *c, struct auth *tokens)
{
	a->cfg = c;
	a->auth = tokens;
}

void
api_free(struct api *a)
{
	free(a);
}
