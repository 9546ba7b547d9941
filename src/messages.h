/*
 * messages: operator messages on the board.  Owns the message store, the
 * API, the tokens and the laid-out MULTI of each message showing, and
 * answers the renderer's question "what message does this zone show
 * now?" — including the fail-safe message (every feed stale) and the
 * start-up message (no data yet), which are configuration, not stored.
 */
#ifndef TAFEL_MESSAGES_H
#define TAFEL_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "multi.h"
#include "render.h"

struct loop;
struct httpd;
struct cfg;
struct feeds;
struct messages;

/* Called when messages change (redraw now). */
typedef void messages_changed_cb(void *arg);

/*
 * Open the store in state_dir and serve the API on h (h may be NULL: no
 * HTTP).  NULL with err filled when the state folder is unusable.
 */
struct messages *messages_new(struct loop *l, struct httpd *h,
    const char *state_dir, messages_changed_cb *cb, void *arg, char *err,
    size_t errlen);
void messages_free(struct messages *m);

/*
 * Apply a configuration (start and reload): tokens, presets, fonts.  The
 * renderer r must outlive the next call.  0, or -1 with err filled (the
 * tokens file could not be read: the previous tokens stay).
 */
int messages_configure(struct messages *m, const struct cfg *c,
    struct render *r, const struct feeds *feeds, char *err, size_t errlen);

/* The render_source message callback (ctx = struct messages *). */
const struct render_message *messages_for_zone(
    void *ctx, const char *zone, int w, int h, int64_t now_ms);

/*
 * The render_source ticker callback (ctx = struct messages *): the
 * messages of zone at now_ms as plain text, best first.  A zone whose
 * region holds a ticker lays its messages out as large as MULTI allows
 * (MULTI_DIM_MAX a side), so a message longer than the region, or of
 * several lines or pages, is accepted: the ticker runs its text on one
 * line, the lines and pages joined by spaces.
 */
size_t messages_ticker(void *ctx, const char *zone, int64_t now_ms,
    struct render_ticker_msg *out, size_t max);

/* May a request with this Authorization read monitoring endpoints? */
int messages_read_allowed(struct messages *m, const char *authorization);

/* Milliseconds until a message starts or ends (INT64_MAX: none). */
int64_t messages_next_change(struct messages *m, int64_t now_ms);

/* Active message ids (for health); returns how many were written. */
size_t messages_active(
    struct messages *m, int64_t now_ms, const char **ids, size_t max);
/* Active messages by source (metrics): counts[MSG_SOURCE_*]. */
void messages_count(struct messages *m, int64_t now_ms, size_t counts[4]);

/*
 * Lay MULTI out for a zone of cfg/layout (and the renderer's fonts) as
 * the API does; used by `tafeld multi-check`.
 */
int messages_check(const struct cfg *c, struct render *r, const char *multi,
    const char *zone, struct multi_msg *out, struct multi_error *e);

/*
 * Check every MULTI in the configuration (presets, fail-safe, start-up)
 * against the layout and fonts; each problem is added to errs with its
 * JSON path.
 */
void messages_check_config(
    const struct cfg *c, struct render *r, struct util_errs *errs);

/*
 * Messages of GPIO contacts (source gpio), keyed by their owner
 * ("gpio:tunnel").  Start shows the configured preset: without an end
 * when until_cancelled, else for the preset's duration_s.  0, or -1 with
 * err filled (no such preset, the store refused it).
 */
int messages_gpio_start(struct messages *m, const char *preset,
    const char *owner, int until_cancelled, char *err, size_t errlen);
/* Remove the owner's gpio messages; how many there were. */
size_t messages_gpio_stop(struct messages *m, const char *owner);
/* Does the owner have a gpio message in the store (active or not)? */
int messages_gpio_shown(struct messages *m, const char *owner);
/* Remove gpio messages whose owner keep() refuses (a reload, a start). */
size_t messages_gpio_prune(
    struct messages *m, int (*keep)(void *arg, const char *owner), void *arg);

/*
 * Authorize an API request of another module: 0 and the caller's name
 * in who, or -1 with resp filled (401, 403, token in the query).
 */
struct httpd_req;
struct httpd_resp;
int messages_authorize(struct messages *m, const struct httpd_req *req,
    struct httpd_resp *resp, int write, char *who, size_t size);

/* The render_msgdef of a configuration (MULTI font and graphic numbers). */
void messages_msgdef(const struct cfg *c, struct render_msgdef *md);

#endif
