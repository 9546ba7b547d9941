/*
 * health: what maintainers read remotely.  GET /health (IETF "Health Check
 * Response Format for HTTP APIs", application/health+json), GET /metrics
 * (Prometheus text format), GET /snapshot.png (exactly the board's pixels),
 * GET /api/v1/display (what the board shows, as text) and GET / (the live
 * preview page).  Everything is read from the daemon's state on the loop
 * thread when asked; nothing is cached that could go stale.
 */
#ifndef TAFEL_HEALTH_H
#define TAFEL_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "render.h"

struct httpd;
struct feeds;
struct json_object;
struct util_buf;

#define HEALTH_RENDER_BUCKETS 8

/* The board's state, kept current by main. */
struct health_board {
	const char *version;
	char service_id[128];
	const char *system; /* DirectFB system */
	int width, height;
	int64_t started_wall_ms;
	uint64_t frames;
	int64_t last_frame_wall_ms;  /* 0 before the first */
	int64_t last_change_wall_ms; /* when the pixels last changed */
	uint64_t pixel_hash;         /* FNV-1a of the frame's pixels */
	int animating;               /* the board is due to change */
	int64_t due_wall_ms;         /* when that change is due */
	int present_failed;
	int stall_s;
	/* Render time (draw + present) histogram. */
	uint64_t render_le[HEALTH_RENDER_BUCKETS];
	uint64_t render_count;
	double render_sum;
	/* What the board shows, for the readout. */
	struct render *render;
	int64_t frame_wall, frame_anim;
	const struct render_source *src;
	const struct feeds *feeds;
	const struct httpd *httpd;
	/* The last /snapshot.png, reused while the frame is the same. */
	unsigned char *png;
	size_t png_len;
	uint64_t png_frames;
	/* May this request read (http.health_public, else a token)? */
	int (*read_allowed)(void *ctx, const char *authorization);
	/* Active operator message ids, and active messages by source. */
	size_t (*messages)(void *ctx, const char **ids, size_t max);
	void (*message_counts)(void *ctx, size_t counts[4]);
	/*
	 * The cabinet (GPIO lines, brightness): 1 when it warns, its checks
	 * ("gpio:inputs", "gpio:outputs", "brightness:level") and its metrics
	 * lines (appended to out).  NULL: placeholders say nothing is set up.
	 */
	int (*cabinet_level)(void *ctx);
	void (*cabinet_checks)(void *ctx, struct json_object *checks);
	void (*cabinet_metrics)(void *ctx, struct util_buf *out);
	/* What covers the layout now: "blank", "test_pattern" or NULL. */
	const char *(*cover)(void *ctx);
	/* Pixels of the frame on the board now (caller frees). */
	uint32_t *(*pixels)(void *ctx);
	void *ctx;
};

extern const double health_render_bounds[HEALTH_RENDER_BUCKETS];

/* Record one presented frame: its pixels and how long it took. */
void health_frame(struct health_board *b, const uint32_t *px, size_t n,
    int64_t wall_ms, double render_s);

/* Serve the endpoints above from b. */
void health_register(struct httpd *h, struct health_board *b);

/* pass / warn / fail, as /health would say now (tests, STATUS=). */
const char *health_status(const struct health_board *b, int64_t now_ms);

/* 64-bit FNV-1a over the pixels. */
uint64_t health_hash(const uint32_t *px, size_t n);

#endif
