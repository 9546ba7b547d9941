/*
 * messages: glue between the store, the API, the scheduler (msgsched.c)
 * and the renderer.  Laying a message out (multi_parse) measures text
 * with the renderer's fonts, so the result is cached per message and zone
 * size and dropped when the configuration (and so the fonts) changes.
 */
#include "messages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "cfg.h"
#include "feed.h"
#include "httpd.h"
#include "log.h"
#include "msgsched.h"
#include "msgstore.h"
#include "util.h"

#define MESSAGES_CACHE 16

struct messages_cached {
	char id[MSG_ID_SIZE];
	char multi_text[MSG_MULTI_SIZE];
	int w, h;
	struct multi_msg multi;
	uint64_t used;
};

struct messages {
	struct loop *loop;
	struct httpd *httpd;
	struct msgstore *store;
	struct api *api;
	struct auth *auth;
	const struct cfg *cfg;
	struct render *render;
	const struct feeds *feeds;
	messages_changed_cb *changed;
	void *arg;
	struct messages_cached cache[MESSAGES_CACHE];
	uint64_t tick;
	struct render_message shown; /* what messages_for_zone returned */
	char bad_id[MSG_ID_SIZE];    /* logged once: cannot be laid out */
};

void
messages_msgdef(const struct cfg *c, struct render_msgdef *md)
{
	const struct cfg_msg_font *f = c->messages.fonts.v;
	const struct cfg_msg_graphic *g = c->messages.graphics.v;

	memset(md, 0, sizeof(*md));
	if (c->messages.fonts.n == 0) {
		md->font[1] = "small";
		md->font[2] = "medium";
		md->font[3] = "large";
	}
	for (size_t i = 0; i < c->messages.fonts.n; i++)
		md->font[f[i].number] = f[i].font;
	for (size_t i = 0; i < c->messages.graphics.n; i++)
		md->graphic[g[i].number] = g[i].file;
}

/* The zone messages without one go to: the first message area, or all. */
static const char *
messages_default_zone(const struct cfg *c)
{
	const struct layout_region *r = c->layout->regions.v;

	for (size_t i = 0; i < c->layout->regions.n; i++)
		if (r[i].zone[0] != '\0')
			return r[i].zone;
	return MSGSCHED_BOARD;
}

/* The size of zone; 0 or -1 when the layout has no such zone. */
static int
messages_zone_size(const struct cfg *c, const char *zone, int *w, int *h)
{
	const struct layout_region *r = c->layout->regions.v;

	if (zone[0] == '\0')
		zone = messages_default_zone(c);
	if (strcmp(zone, MSGSCHED_BOARD) == 0) {
		*w = c->layout->width;
		*h = c->layout->height;
		return 0;
	}
	for (size_t i = 0; i < c->layout->regions.n; i++) {
		if (strcmp(r[i].zone, zone) == 0) {
			/*
			 * A ticker runs a message's text on one line,
			 * scrolling: any length, lines and pages joined.
			 */
			int t = layout_region_has_ticker(&r[i]);
			*w = t ? MULTI_DIM_MAX : r[i].w;
			*h = t ? MULTI_DIM_MAX : r[i].h;
			return 0;
		}
	}
	return -1;
}

static void
messages_sign(
    const struct cfg *c, struct render *r, int w, int h, struct multi_sign *s)
{
	const struct cfg_messages *mc = &c->messages;

	memset(s, 0, sizeof(*s));
	s->width = w;
	s->height = h;
	s->max_pages = mc->max_pages;
	s->default_fg = mc->default_color & 0xffffff;
	s->default_bg = mc->default_background & 0xffffff;
	s->default_font = mc->default_font;
	s->default_jl = MULTI_JL_CENTER;
	s->default_jp = MULTI_JP_MIDDLE;
	s->page_on_ds = mc->page_on_ds;
	s->page_off_ds = mc->page_off_ds;
	s->flash_on_ds = mc->flash_on_ds;
	s->flash_off_ds = mc->flash_off_ds;
	render_multi_sign(r, s);
}

int
messages_check(const struct cfg *c, struct render *r, const char *multi,
    const char *zone, struct multi_msg *out, struct multi_error *e)
{
	struct multi_sign sign;
	int w, h;

	if (messages_zone_size(c, zone, &w, &h) != 0) {
		e->code = MULTI_ERR_OTHER;
		e->pos = 0;
		snprintf(
		    e->message, sizeof(e->message), "no zone \"%s\"", zone);
		return -1;
	}
	messages_sign(c, r, w, h, &sign);
	return multi_parse(multi, &sign, out, e);
}

static void
messages_check_one(const struct cfg *c, struct render *r, const char *multi,
    const char *zone, const char *path, struct util_errs *errs)
{
	struct multi_msg out;
	struct multi_error e;

	memset(&out, 0, sizeof(out));
	memset(&e, 0, sizeof(e));
	if (messages_check(c, r, multi, zone, &out, &e) != 0)
		util_errs_add(errs, "%s: %s: %s %d at %d: %s", c->path, path,
		    multi_err_name(e.code), e.code, e.pos, e.message);
	multi_msg_free(&out);
}

void
messages_check_config(
    const struct cfg *c, struct render *r, struct util_errs *errs)
{
	const struct cfg_preset *p = c->messages.presets.v;
	const char *zone;
	char path[64];

	for (size_t i = 0; i < c->messages.presets.n; i++) {
		int w, h;
		snprintf(path, sizeof(path), "messages.presets[%zu].multi", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(p[i].name, p[j].name) == 0)
				util_errs_add(errs,
				    "%s: messages.presets[%zu].name: \"%s\" "
				    "already used",
				    c->path, i, p[i].name);
		/* An emergency preset takes the whole board. */
		zone = p[i].priority >= c->messages.emergency_priority ?
		    MSGSCHED_BOARD :
		    p[i].zone;
		if (messages_zone_size(c, zone, &w, &h) != 0) {
			util_errs_add(errs,
			    "%s: messages.presets[%zu].zone: the layout has "
			    "no zone \"%s\"",
			    c->path, i, p[i].zone);
			continue;
		}
		messages_check_one(c, r, p[i].multi, zone, path, errs);
	}
	if (c->messages.failsafe[0] != '\0')
		messages_check_one(c, r, c->messages.failsafe, MSGSCHED_BOARD,
		    "messages.failsafe", errs);
	if (c->messages.startup[0] != '\0')
		messages_check_one(c, r, c->messages.startup, MSGSCHED_BOARD,
		    "messages.startup", errs);
}

static int
messages_validate(void *ctx, const char *multi, const char *zone, int *pages,
    struct api_multi_error *ae)
{
	struct messages *m = ctx;
	struct multi_msg out;
	struct multi_error e;

	memset(&e, 0, sizeof(e));
	memset(&out, 0, sizeof(out));
	if (messages_check(m->cfg, m->render, multi, zone, &out, &e) != 0) {
		ae->code = e.code;
		ae->pos = e.pos;
		util_strlcpy(
		    ae->name, multi_err_name(e.code), sizeof(ae->name));
		util_strlcpy(ae->message, e.message, sizeof(ae->message));
		return -1;
	}
	*pages = multi_pages(&out);
	multi_msg_free(&out);
	return 0;
}

static int
messages_zone_known(void *ctx, const char *zone)
{
	struct messages *m = ctx;
	int w, h;

	return messages_zone_size(m->cfg, zone, &w, &h) == 0;
}

static void
messages_api_changed(void *ctx)
{
	struct messages *m = ctx;

	if (m->changed != NULL)
		m->changed(m->arg);
}

struct messages *
messages_new(struct loop *l, struct httpd *h, const char *state_dir,
    messages_changed_cb *cb, void *arg, char *err, size_t errlen)
{
	struct messages *m = util_calloc(1, sizeof(*m));
	struct api_ops ops;

	m->loop = l;
	m->httpd = h;
	m->changed = cb;
	m->arg = arg;
	m->store = msgstore_open(l, state_dir, err, errlen);
	if (m->store == NULL) {
		free(m);
		return NULL;
	}
	m->auth = auth_empty();
	if (h != NULL) {
		memset(&ops, 0, sizeof(ops));
		ops.validate = messages_validate;
		ops.zone_known = messages_zone_known;
		ops.changed = messages_api_changed;
		ops.ctx = m;
		m->api = api_new(h, m->store, &ops);
	}
	return m;
}

static void
messages_drop_cache(struct messages *m)
{
	for (size_t i = 0; i < MESSAGES_CACHE; i++) {
		multi_msg_free(&m->cache[i].multi);
		memset(&m->cache[i], 0, sizeof(m->cache[i]));
	}
	m->bad_id[0] = '\0';
}

void
messages_free(struct messages *m)
{
	if (m == NULL)
		return;
	msgstore_close(m->store);
	api_free(m->api);
	auth_free(m->auth);
	messages_drop_cache(m);
	free(m);
}

int
messages_configure(struct messages *m, const struct cfg *c, struct render *r,
    const struct feeds *feeds, char *err, size_t errlen)
{
	struct auth *a;

	if (c->http.tokens_file[0] != '\0') {
		int made = c->http.demo_token_file[0] != '\0' ?
		    auth_generate(c->http.tokens_file, c->http.demo_token_file,
			err, errlen) :
		    0;
		if (made < 0)
			return -1;
		if (made > 0) {
			/* The demo: a newcomer can send a message at once. */
			char *tok = util_read_file(
			    c->http.demo_token_file, 256, NULL, err, errlen);
			if (tok != NULL) {
				tok[strcspn(tok, "\n")] = '\0';
				log_notice(
				    "demo: operator token %s (saved in %s)",
				    tok, c->http.demo_token_file);
				free(tok);
			}
		}
		a = auth_load(c->http.tokens_file, err, errlen);
		if (a == NULL)
			return -1; /* nothing changed: the old tokens stay */
	} else {
		a = auth_empty();
	}
	auth_free(m->auth);
	m->auth = a;
	m->cfg = c;
	m->render = r;
	m->feeds = feeds;
	messages_drop_cache(m);
	if (m->api != NULL)
		api_configure(m->api, c, m->auth);
	return 0;
}

/* The laid-out message for msg at w x h, from the cache or fresh. */
static const struct multi_msg *
messages_layout(
    struct messages *m, const char *id, const char *text, int w, int h)
{
	struct messages_cached *slot = &m->cache[0];
	struct multi_sign sign;
	struct multi_error e;

	for (size_t i = 0; i < MESSAGES_CACHE; i++) {
		struct messages_cached *c = &m->cache[i];
		if (c->used != 0 && c->w == w && c->h == h &&
		    strcmp(c->id, id) == 0 &&
		    strcmp(c->multi_text, text) == 0) {
			c->used = ++m->tick;
			return &c->multi;
		}
		if (c->used < slot->used)
			slot = c;
	}
	multi_msg_free(&slot->multi);
	memset(slot, 0, sizeof(*slot));
	messages_sign(m->cfg, m->render, w, h, &sign);
	if (multi_parse(text, &sign, &slot->multi, &e) != 0) {
		/* Valid when stored, but not for this layout or these fonts. */
		if (strcmp(m->bad_id, id) != 0) {
			log_warn(
			    "message %s: cannot be shown in a %dx%d zone: %s",
			    id, w, h, e.message);
			util_strlcpy(m->bad_id, id, sizeof(m->bad_id));
		}
		return NULL;
	}
	util_strlcpy(slot->id, id, sizeof(slot->id));
	util_strlcpy(slot->multi_text, text, sizeof(slot->multi_text));
	slot->w = w;
	slot->h = h;
	slot->used = ++m->tick;
	return &slot->multi;
}

/* Every feed stale (fail-safe), or none has data yet (start-up)? */
static void
messages_feed_state(
    struct messages *m, int64_t now, int *all_stale, int *none_yet)
{
	size_t n = m->feeds != NULL ? feeds_count(m->feeds) : 0;

	*all_stale = n > 0;
	*none_yet = n > 0;
	for (size_t i = 0; i < n; i++) {
		struct feed_stats s;
		feeds_stats(m->feeds, i, now, &s);
		if (s.last_ok_wall_ms != PARK_NO_TIME)
			*none_yet = 0;
		if (!s.stale || s.last_ok_wall_ms == PARK_NO_TIME)
			*all_stale = 0;
	}
}

const struct render_message *
messages_for_zone(void *ctx, const char *zone, int w, int h, int64_t now_ms)
{
	struct messages *m = ctx;
	const struct msg *v, *pick;
	const char *id = NULL, *text = NULL;
	int64_t since = 0;
	size_t n;

	if (m == NULL || m->cfg == NULL)
		return NULL;
	v = msgstore_list(m->store, &n);
	pick = msgsched_pick(v, n, zone, messages_default_zone(m->cfg),
	    m->cfg->messages.emergency_priority, now_ms);
	if (pick != NULL) {
		id = pick->id;
		text = pick->multi;
		since = pick->start_ms;
	} else if (strcmp(zone, MSGSCHED_BOARD) == 0) {
		int all_stale, none_yet;
		messages_feed_state(m, now_ms, &all_stale, &none_yet);
		if (all_stale && m->cfg->messages.failsafe[0] != '\0') {
			id = "failsafe";
			text = m->cfg->messages.failsafe;
		} else if (none_yet && m->cfg->messages.startup[0] != '\0') {
			id = "startup";
			text = m->cfg->messages.startup;
		}
	}
	if (id == NULL)
		return NULL;
	m->shown.id = id;
	m->shown.since_ms = since;
	m->shown.multi = messages_layout(m, id, text, w, h);
	return m->shown.multi != NULL ? &m->shown : NULL;
}

/* The text of a laid-out message, its pages one after the other. */
static void
messages_plain(
    const struct multi_msg *mm, int64_t now_ms, char *out, size_t size)
{
	time_t now = (time_t)(now_ms / 1000);
	struct tm tm;
	size_t o = 0;

	out[0] = '\0';
	localtime_r(&now, &tm);
	for (int p = 0; p < mm->npages; p++) {
		for (int i = 0; i < mm->pages[p].nops; i++) {
			const struct multi_op *op = &mm->pages[p].ops[i];
			char field[MULTI_FIELD_MAX];
			const char *text = op->text;
			size_t len = op->len;
			if (op->kind == MULTI_OP_FIELD) {
				if (multi_field_text(op->field, &tm, field,
					sizeof(field)) != 0)
					continue;
				text = field;
				len = strlen(field);
			} else if (op->kind != MULTI_OP_TEXT &&
			    op->kind != MULTI_OP_MOVE) {
				continue;
			}
			if (len == 0 || o + len + 2 > size)
				continue;
			if (o > 0 && out[o - 1] != ' ' && text[0] != ' ')
				out[o++] = ' ';
			memcpy(out + o, text, len);
			o += len;
			out[o] = '\0';
		}
	}
}

size_t
messages_ticker(void *ctx, const char *zone, int64_t now_ms,
    struct render_ticker_msg *out, size_t max)
{
	struct messages *m = ctx;
	const struct msg *v, *pick[RENDER_TICKER_MAX];
	size_t n, k, got = 0;
	int w, h;

	if (m == NULL || m->cfg == NULL ||
	    messages_zone_size(m->cfg, zone, &w, &h) != 0)
		return 0;
	if (max > RENDER_TICKER_MAX)
		max = RENDER_TICKER_MAX;
	v = msgstore_list(m->store, &n);
	k = msgsched_list(
	    v, n, zone, messages_default_zone(m->cfg), now_ms, pick, max);
	for (size_t i = 0; i < k; i++) {
		const struct multi_msg *mm =
		    messages_layout(m, pick[i]->id, pick[i]->multi, w, h);
		if (mm == NULL)
			continue; /* logged once by messages_layout */
		util_strlcpy(out[got].id, pick[i]->id, sizeof(out[got].id));
		messages_plain(
		    mm, now_ms, out[got].text, sizeof(out[got].text));
		out[got].priority = pick[i]->priority;
		if (out[got].text[0] != '\0')
			got++;
	}
	return got;
}

int
messages_read_allowed(struct messages *m, const char *authorization)
{
	return m->api == NULL || api_read_allowed(m->api, authorization);
}

int64_t
messages_next_change(struct messages *m, int64_t now_ms)
{
	const struct msg *v;
	size_t n;

	if (msgstore_expire(m->store, now_ms) > 0 && m->changed != NULL)
		m->changed(m->arg);
	v = msgstore_list(m->store, &n);
	return msgsched_next_change(v, n, now_ms);
}

size_t
messages_active(
    struct messages *m, int64_t now_ms, const char **ids, size_t max)
{
	const struct msg *v;
	size_t n, k = 0;

	v = msgstore_list(m->store, &n);
	for (size_t i = 0; i < n && k < max; i++)
		if (msgsched_active(&v[i], now_ms))
			ids[k++] = v[i].id;
	return k;
}

void
messages_count(struct messages *m, int64_t now_ms, size_t counts[4])
{
	const struct msg *v;
	size_t n;

	memset(counts, 0, 4 * sizeof(counts[0]));
	v = msgstore_list(m->store, &n);
	for (size_t i = 0; i < n; i++)
		if (msgsched_active(&v[i], now_ms) && v[i].source >= 0 &&
		    v[i].source < 4)
			counts[v[i].source]++;
}

static const struct cfg_preset *
messages_preset(const struct cfg *c, const char *name)
{
	const struct cfg_preset *p = c->messages.presets.v;

	for (size_t i = 0; i < c->messages.presets.n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	return NULL;
}

int
messages_gpio_start(struct messages *m, const char *preset, const char *owner,
    int until_cancelled, char *err, size_t errlen)
{
	const struct cfg_preset *p =
	    m->cfg != NULL ? messages_preset(m->cfg, preset) : NULL;
	int64_t now = util_wall_ms();
	struct msg msg;

	if (p == NULL) {
		snprintf(err, errlen, "no preset \"%s\"", preset);
		return -1;
	}
	memset(&msg, 0, sizeof(msg));
	msgstore_id_new(msg.id);
	util_strlcpy(msg.multi, p->multi, sizeof(msg.multi));
	util_strlcpy(msg.zone, p->zone, sizeof(msg.zone));
	util_strlcpy(msg.owner, owner, sizeof(msg.owner));
	msg.priority = p->priority;
	msg.start_ms = now;
	msg.end_ms = !until_cancelled && p->duration_s > 0 ?
	    now + (int64_t)p->duration_s * 1000 :
	    0;
	msg.source = MSG_SOURCE_GPIO;
	msg.created_ms = now;
	if (msgstore_check(&msg, err, errlen) != 0)
		return -1;
	if (msgstore_add(m->store, &msg, NULL, NULL) != 0) {
		snprintf(
		    err, errlen, "the store refused it: %s", strerror(errno));
		return -1;
	}
	log_notice("audit: %s added message %s (preset %s, priority %d%s)",
	    owner, msg.id, preset, msg.priority,
	    msg.end_ms == 0 ? ", until the contact opens" : "");
	if (m->changed != NULL)
		m->changed(m->arg);
	return 0;
}

static size_t
messages_gpio_remove(struct messages *m,
    int (*keep)(void *arg, const char *owner), void *arg, const char *owner)
{
	char ids[64][MSG_ID_SIZE];
	char owners[64][MSG_OWNER_SIZE];
	const struct msg *v;
	size_t n, k = 0;

	v = msgstore_list(m->store, &n);
	for (size_t i = 0; i < n && k < 64; i++) {
		if (v[i].source != MSG_SOURCE_GPIO)
			continue;
		if (owner != NULL ? strcmp(v[i].owner, owner) != 0 :
				    keep(arg, v[i].owner))
			continue;
		util_strlcpy(ids[k], v[i].id, sizeof(ids[k]));
		util_strlcpy(owners[k], v[i].owner, sizeof(owners[k]));
		k++;
	}
	for (size_t i = 0; i < k; i++) {
		msgstore_remove(m->store, ids[i], NULL, NULL);
		log_notice("audit: %s cancelled message %s", owners[i], ids[i]);
	}
	if (k > 0 && m->changed != NULL)
		m->changed(m->arg);
	return k;
}

size_t
messages_gpio_stop(struct messages *m, const char *owner)
{
	return messages_gpio_remove(m, NULL, NULL, owner);
}

size_t
messages_gpio_prune(
    struct messages *m, int (*keep)(void *arg, const char *owner), void *arg)
{
	return messages_gpio_remove(m, keep, arg, NULL);
}

int
messages_gpio_shown(struct messages *m, const char *owner)
{
	const struct msg *v;
	size_t n;

	v = msgstore_list(m->store, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].source == MSG_SOURCE_GPIO &&
		    strcmp(v[i].owner, owner) == 0)
			return 1;
	return 0;
}

int
messages_authorize(struct messages *m, const struct httpd_req *req,
    struct httpd_resp *resp, int write, char *who, size_t size)
{
	if (m->api == NULL) {
		httpd_error(resp, 503, "unavailable", "no API");
		return -1;
	}
	return api_authorize(m->api, req, resp, write, who, size);
}
