/*
 * health: the monitoring endpoints.  /health follows the IETF draft
 * "Health Check Response Format for HTTP APIs": status pass | warn | fail
 * with a "checks" object of arrays keyed "component:measurement".  The
 * board fails when a frame could not be presented or when the board should
 * have changed (clock, ticker, pages) and has not for stall_s seconds; it
 * warns when a feed is failing or stale.  /metrics is the Prometheus text
 * format, written by hand because it is a few lines of printf with the
 * label escaping the format defines.
 */
#include "health.h"

#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "feed.h"
#include "httpd.h"
#include "preview.h"
#include "readout.h"
#include "snapshot.h"
#include "util.h"

static int health_refused(const struct health_board *b,
    const struct httpd_req *req, struct httpd_resp *resp);

const double health_render_bounds[HEALTH_RENDER_BUCKETS] = { 0.001, 0.002,
	0.005, 0.01, 0.02, 0.05, 0.1, 0.25 };

uint64_t
health_hash(const uint32_t *px, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		uint32_t p = px[i];
		for (int k = 0; k < 4; k++) {
			h ^= (p >> (8 * k)) & 0xff;
			h *= 1099511628211ULL;
		}
	}
	return h;
}

void
health_frame(struct health_board *b, const uint32_t *px, size_t n,
    int64_t wall_ms, double render_s)
{
	uint64_t h = health_hash(px, n);

	if (b->frames == 0 || h != b->pixel_hash)
		b->last_change_wall_ms = wall_ms;
	b->pixel_hash = h;
	b->frames++;
	b->last_frame_wall_ms = wall_ms;
	b->render_count++;
	b->render_sum += render_s;
	for (size_t i = 0; i < HEALTH_RENDER_BUCKETS; i++)
		if (render_s <= health_render_bounds[i])
			b->render_le[i]++;
}

static int
health_stalled(const struct health_board *b, int64_t now_ms)
{
	/*
	 * The renderer promised a change at due_wall_ms; if that is stall_s
	 * past and the pixels have not changed since, the board is frozen.
	 */
	return b->animating && b->due_wall_ms > 0 &&
	    now_ms - b->due_wall_ms > (int64_t)b->stall_s * 1000 &&
	    b->last_change_wall_ms < b->due_wall_ms;
}

static int
health_feed_level(const struct feed_stats *s)
{
	if (s->stale || (s->items > 0 && s->items_nodata == s->items))
		return 1; /* warn: the board shows --- for it */
	if (s->failing || s->last_ok_wall_ms == PARK_NO_TIME)
		return 1;
	return 0;
}

const char *
health_status(const struct health_board *b, int64_t now_ms)
{
	int level = 0;

	if (b->present_failed || b->frames == 0 || health_stalled(b, now_ms))
		return "fail";
	for (size_t i = 0; b->feeds != NULL && i < feeds_count(b->feeds); i++) {
		struct feed_stats s;
		feeds_stats(b->feeds, i, now_ms, &s);
		if (health_feed_level(&s) > level)
			level = health_feed_level(&s);
	}
	if (b->cabinet_level != NULL && b->cabinet_level(b->ctx))
		level = 1;
	return level ? "warn" : "pass";
}

static const char *const health_levels[] = { "pass", "warn", "fail" };

static void
health_iso(int64_t wall_ms, char *out, size_t size)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct json_object *
health_check(const char *status)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "status", json_object_new_string(status));
	return c;
}

static void
health_add(struct json_object *checks, const char *key, struct json_object *c)
{
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, c);
	json_object_object_add(checks, key, arr);
}

static void
health_feeds(
    const struct health_board *b, struct json_object *checks, int64_t now)
{
	char key[96], iso[32];

	for (size_t i = 0; b->feeds != NULL && i < feeds_count(b->feeds); i++) {
		struct feed_stats s;
		struct json_object *c;
		feeds_stats(b->feeds, i, now, &s);
		c = health_check(health_levels[health_feed_level(&s)]);
		json_object_object_add(
		    c, "componentId", json_object_new_string(s.id));
		json_object_object_add(
		    c, "componentType", json_object_new_string("datastore"));
		if (s.doc_newest_ms != PARK_NO_TIME)
			json_object_object_add(c, "observedValue",
			    json_object_new_double(
				(double)(now - s.doc_newest_ms) / 1000.0));
		else
			json_object_object_add(c, "observedValue", NULL);
		json_object_object_add(
		    c, "observedUnit", json_object_new_string("s"));
		if (s.last_ok_wall_ms != PARK_NO_TIME) {
			health_iso(s.last_ok_wall_ms, iso, sizeof(iso));
			json_object_object_add(
			    c, "time", json_object_new_string(iso));
		}
		json_object_object_add(
		    c, "output", json_object_new_string(s.last_error));
		json_object_object_add(
		    c, "stale", json_object_new_boolean(s.stale));
		json_object_object_add(
		    c, "items", json_object_new_int64((int64_t)s.items));
		json_object_object_add(c, "itemsNoData",
		    json_object_new_int64((int64_t)s.items_nodata));
		json_object_object_add(
		    c, "fetches", json_object_new_int64((int64_t)s.fetches));
		json_object_object_add(
		    c, "failures", json_object_new_int64((int64_t)s.failures));
		snprintf(key, sizeof(key), "feed:%s", s.id);
		health_add(checks, key, c);
	}
}

static struct json_object *
health_pages(const struct health_board *b)
{
	struct json_object *pages = json_object_new_object();
	struct json_object *ro, *regions;

	if (b->render == NULL)
		return pages;
	ro = readout_build(b->render, b->frame_wall, b->frame_anim, b->src);
	if (json_object_object_get_ex(ro, "regions", &regions)) {
		for (size_t i = 0; i < json_object_array_length(regions); i++) {
			struct json_object *r =
			    json_object_array_get_idx(regions, i);
			struct json_object *name, *page;
			if (json_object_object_get_ex(r, "name", &name) &&
			    json_object_object_get_ex(r, "page", &page))
				json_object_object_add(pages,
				    json_object_get_string(name),
				    json_object_get(page));
		}
	}
	json_object_put(ro);
	return pages;
}

static struct json_object *
health_message_ids(const struct health_board *b)
{
	struct json_object *arr = json_object_new_array();
	const char *ids[64];
	size_t n = b->messages != NULL ? b->messages(b->ctx, ids, 64) : 0;

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(ids[i]));
	return arr;
}

static char *
health_document(const struct health_board *b, int64_t now, int *http_status)
{
	struct json_object *top = json_object_new_object();
	struct json_object *checks = json_object_new_object();
	struct json_object *c;
	const char *status = health_status(b, now);
	char iso[32], hash[24];
	char *out;

	json_object_object_add(top, "status", json_object_new_string(status));
	json_object_object_add(
	    top, "version", json_object_new_string(b->version));
	json_object_object_add(
	    top, "releaseId", json_object_new_string(b->version));
	json_object_object_add(
	    top, "serviceId", json_object_new_string(b->service_id));
	json_object_object_add(
	    top, "description", json_object_new_string("tafel LED sign"));

	c = health_check(b->present_failed ? "fail" : "pass");
	json_object_object_add(
	    c, "componentType", json_object_new_string("component"));
	json_object_object_add(c, "system", json_object_new_string(b->system));
	json_object_object_add(c, "width", json_object_new_int(b->width));
	json_object_object_add(c, "height", json_object_new_int(b->height));
	health_add(checks, "display:board", c);

	c = health_check(
	    b->present_failed || b->frames == 0 || health_stalled(b, now) ?
		"fail" :
		"pass");
	json_object_object_add(
	    c, "observedValue", json_object_new_int64((int64_t)b->frames));
	json_object_object_add(
	    c, "observedUnit", json_object_new_string("frames"));
	if (b->last_frame_wall_ms > 0) {
		health_iso(b->last_frame_wall_ms, iso, sizeof(iso));
		json_object_object_add(c, "time", json_object_new_string(iso));
	}
	if (b->last_change_wall_ms > 0) {
		health_iso(b->last_change_wall_ms, iso, sizeof(iso));
		json_object_object_add(
		    c, "lastChange", json_object_new_string(iso));
	}
	snprintf(
	    hash, sizeof(hash), "%016llx", (unsigned long long)b->pixel_hash);
	json_object_object_add(c, "pixelHash", json_object_new_string(hash));
	json_object_object_add(
	    c, "animating", json_object_new_boolean(b->animating));
	json_object_object_add(
	    c, "stalled", json_object_new_boolean(health_stalled(b, now)));
	json_object_object_add(c, "pages", health_pages(b));
	json_object_object_add(c, "messages", health_message_ids(b));
	if (health_stalled(b, now))
		json_object_object_add(c, "output",
		    json_object_new_string("the board should animate but its "
					   "pixels have not changed"));
	health_add(checks, "rendering:frames", c);

	health_feeds(b, checks, now);

	if (b->cabinet_checks != NULL) {
		b->cabinet_checks(b->ctx, checks);
	} else {
		/* No cabinet (tests of this module): say nothing is set up. */
		c = health_check("pass");
		json_object_object_add(
		    c, "observedValue", json_object_new_int(100));
		json_object_object_add(
		    c, "observedUnit", json_object_new_string("percent"));
		json_object_object_add(
		    c, "mode", json_object_new_string("fixed"));
		json_object_object_add(c, "output",
		    json_object_new_string("no brightness control configured"));
		health_add(checks, "brightness:level", c);
		c = health_check("pass");
		json_object_object_add(c, "inputs", json_object_new_object());
		json_object_object_add(c, "output",
		    json_object_new_string("no GPIO lines configured"));
		health_add(checks, "gpio:inputs", c);
	}

	c = health_check("pass");
	json_object_object_add(
	    c, "componentType", json_object_new_string("system"));
	json_object_object_add(c, "observedValue",
	    json_object_new_int64((now - b->started_wall_ms) / 1000));
	json_object_object_add(c, "observedUnit", json_object_new_string("s"));
	health_add(checks, "uptime", c);

	json_object_object_add(top, "checks", checks);
	out = util_strdup(json_object_to_json_string_ext(
	    top, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	*http_status = strcmp(status, "fail") == 0 ? 503 : 200;
	return out;
}

static void
health_get(const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	int status;
	char *doc = health_document(arg, util_wall_ms(), &status);

	if (health_refused(arg, req, resp))
		return;
	resp->status = status;
	resp->type = "application/health+json";
	resp->body = doc;
	resp->len = strlen(doc);
}

/* A label value with \, " and newline escaped (exposition format). */
static void
health_label(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s != '\0' && o + 3 < size; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
}

static void
health_histogram(struct util_buf *b, const char *name, const char *labels,
    const double *bounds, const uint64_t *le, size_t n, uint64_t count,
    double sum)
{
	const char *sep = labels[0] != '\0' ? "," : "";

	for (size_t i = 0; i < n; i++)
		util_buf_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
		    labels, sep, bounds[i], (unsigned long long)le[i]);
	util_buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels,
	    sep, (unsigned long long)count);
	util_buf_printf(b, "%s_sum%s%s%s %.6f\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", sum);
	util_buf_printf(b, "%s_count%s%s%s %llu\n", name, labels[0] ? "{" : "",
	    labels, labels[0] ? "}" : "", (unsigned long long)count);
}

static void
health_process(struct util_buf *b)
{
	struct rusage ru;
	long rss_pages = 0, page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/self/statm", "r");

	getrusage(RUSAGE_SELF, &ru);
	util_buf_printf(b,
	    "# HELP process_cpu_seconds_total User and system CPU time "
	    "spent.\n# TYPE process_cpu_seconds_total counter\n"
	    "process_cpu_seconds_total %.3f\n",
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	if (f != NULL) {
		long size;
		if (fscanf(f, "%ld %ld", &size, &rss_pages) != 2)
			rss_pages = 0;
		fclose(f);
	}
	util_buf_printf(b,
	    "# HELP process_resident_memory_bytes Resident memory size.\n"
	    "# TYPE process_resident_memory_bytes gauge\n"
	    "process_resident_memory_bytes %ld\n",
	    rss_pages * page);
}

static char *
health_metrics(const struct health_board *b, int64_t now, size_t *len)
{
	struct util_buf o = { NULL, 0, 0 };
	char lab[160], id[96];
	size_t nc = 0;
	const struct httpd_count *hc;

	o.cap = 8192;
	o.p = util_calloc(1, o.cap);
	util_buf_printf(&o,
	    "# HELP tafel_build_info The running tafeld.\n"
	    "# TYPE tafel_build_info gauge\n"
	    "tafel_build_info{version=\"%s\"} 1\n",
	    b->version);
	util_buf_printf(&o,
	    "# HELP tafel_up 1 when health is pass or warn, 0 when it fails.\n"
	    "# TYPE tafel_up gauge\ntafel_up %d\n",
	    strcmp(health_status(b, now), "fail") != 0);
	util_buf_printf(&o,
	    "# HELP tafel_uptime_seconds Seconds since tafeld started.\n"
	    "# TYPE tafel_uptime_seconds gauge\ntafel_uptime_seconds %.3f\n",
	    (double)(now - b->started_wall_ms) / 1000.0);
	util_buf_printf(&o,
	    "# HELP tafel_frames_total Frames presented on the board.\n"
	    "# TYPE tafel_frames_total counter\ntafel_frames_total %llu\n",
	    (unsigned long long)b->frames);
	util_buf_printf(&o,
	    "# HELP tafel_frame_age_seconds Seconds since the board last "
	    "changed.\n# TYPE tafel_frame_age_seconds gauge\n"
	    "tafel_frame_age_seconds %.3f\n",
	    b->last_change_wall_ms > 0 ?
		(double)(now - b->last_change_wall_ms) / 1000.0 :
		0.0);
	util_buf_printf(&o,
	    "# HELP tafel_board_stalled 1 when the board should animate but "
	    "has not changed.\n# TYPE tafel_board_stalled gauge\n"
	    "tafel_board_stalled %d\n",
	    health_stalled(b, now));
	util_buf_printf(&o,
	    "# HELP tafel_render_seconds Time to draw and present a frame.\n"
	    "# TYPE tafel_render_seconds histogram\n");
	health_histogram(&o, "tafel_render_seconds", "", health_render_bounds,
	    b->render_le, HEALTH_RENDER_BUCKETS, b->render_count,
	    b->render_sum);
	if (b->cabinet_metrics != NULL) {
		b->cabinet_metrics(b->ctx, &o);
	} else {
		util_buf_printf(&o,
		    "# HELP tafel_brightness_percent Brightness the board is "
		    "driven at.\n# TYPE tafel_brightness_percent gauge\n"
		    "tafel_brightness_percent 100\n");
	}
	{
		static const char *const src[] = { "operator", "preset", "gpio",
			"failsafe" };
		size_t counts[4] = { 0, 0, 0, 0 };
		if (b->message_counts != NULL)
			b->message_counts(b->ctx, counts);
		util_buf_printf(&o,
		    "# HELP tafel_messages Operator messages active, by "
		    "source.\n# TYPE tafel_messages gauge\n");
		for (size_t i = 0; i < 4; i++)
			util_buf_printf(&o,
			    "tafel_messages{source=\"%s\"} %zu\n", src[i],
			    counts[i]);
	}

	if (b->feeds != NULL && feeds_count(b->feeds) > 0) {
		static const char *const heads[] = {
			"# HELP tafel_feed_fetches_total Fetches finished.\n"
			"# TYPE tafel_feed_fetches_total counter\n",
			"# HELP tafel_feed_errors_total Fetches that failed "
			"(network, HTTP status, rejected document).\n"
			"# TYPE tafel_feed_errors_total counter\n",
			"# HELP tafel_feed_not_modified_total Fetches answered "
			"304.\n# TYPE tafel_feed_not_modified_total counter\n",
			"# HELP tafel_feed_age_seconds Age of the newest data "
			"held.\n# TYPE tafel_feed_age_seconds gauge\n",
			"# HELP tafel_feed_stale 1 when no data is fresh.\n"
			"# TYPE tafel_feed_stale gauge\n",
			"# HELP tafel_feed_items Car parks in the last good "
			"document.\n# TYPE tafel_feed_items gauge\n",
			"# HELP tafel_feed_items_nodata Car parks that show "
			"---.\n# TYPE tafel_feed_items_nodata gauge\n",
		};
		for (size_t k = 0; k < sizeof(heads) / sizeof(heads[0]); k++) {
			util_buf_printf(&o, "%s", heads[k]);
			for (size_t i = 0; i < feeds_count(b->feeds); i++) {
				struct feed_stats s;
				feeds_stats(b->feeds, i, now, &s);
				health_label(s.id, id, sizeof(id));
				switch (k) {
				case 0:
					util_buf_printf(&o,
					    "tafel_feed_fetches_total{feed=\"%s\"}"
					    " %llu\n",
					    id, (unsigned long long)s.fetches);
					break;
				case 1:
					util_buf_printf(&o,
					    "tafel_feed_errors_total{feed=\"%s\"}"
					    " %llu\n",
					    id, (unsigned long long)s.failures);
					break;
				case 2:
					util_buf_printf(&o,
					    "tafel_feed_not_modified_total{feed="
					    "\"%s\"} %llu\n",
					    id,
					    (unsigned long long)s.not_modified);
					break;
				case 3:
					if (s.doc_newest_ms != PARK_NO_TIME)
						util_buf_printf(&o,
						    "tafel_feed_age_seconds{feed="
						    "\"%s\"} %.3f\n",
						    id,
						    (double)(now -
							s.doc_newest_ms) /
							1000.0);
					break;
				case 4:
					util_buf_printf(&o,
					    "tafel_feed_stale{feed=\"%s\"} %d\n",
					    id, s.stale);
					break;
				case 5:
					util_buf_printf(&o,
					    "tafel_feed_items{feed=\"%s\"} %zu\n",
					    id, s.items);
					break;
				default:
					util_buf_printf(&o,
					    "tafel_feed_items_nodata{feed=\"%s\"}"
					    " %zu\n",
					    id, s.items_nodata);
					break;
				}
			}
		}
		util_buf_printf(&o,
		    "# HELP tafel_feed_fetch_seconds Time a fetch took.\n"
		    "# TYPE tafel_feed_fetch_seconds histogram\n");
		for (size_t i = 0; i < feeds_count(b->feeds); i++) {
			struct feed_stats s;
			feeds_stats(b->feeds, i, now, &s);
			health_label(s.id, id, sizeof(id));
			snprintf(lab, sizeof(lab), "feed=\"%s\"", id);
			health_histogram(&o, "tafel_feed_fetch_seconds", lab,
			    feed_latency_bounds, s.latency_le,
			    FEED_LATENCY_BUCKETS, s.latency_count,
			    s.latency_sum);
		}
	}
	hc = b->httpd != NULL ? httpd_counts(b->httpd, &nc) : NULL;
	util_buf_printf(&o,
	    "# HELP tafel_http_requests_total HTTP requests answered.\n"
	    "# TYPE tafel_http_requests_total counter\n");
	for (size_t i = 0; i < nc; i++) {
		health_label(hc[i].route, id, sizeof(id));
		util_buf_printf(&o,
		    "tafel_http_requests_total{route=\"%s\",status=\"%d\"} "
		    "%llu\n",
		    id, hc[i].status, (unsigned long long)hc[i].n);
	}
	health_process(&o);
	*len = o.len;
	return o.p;
}

static void
health_metrics_get(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	if (health_refused(arg, req, resp))
		return;
	resp->status = 200;
	resp->type = "text/plain; version=0.0.4; charset=utf-8";
	resp->body = health_metrics(arg, util_wall_ms(), &resp->len);
}

static void
health_snapshot_get(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct health_board *b = arg;
	uint32_t *px;
	char err[256];
	size_t len;
	unsigned char *png;

	if (health_refused(arg, req, resp))
		return;
	/*
	 * Encoding costs a few ms on the loop thread: do it once per
	 * presented frame, however many clients ask.
	 */
	if (b->png == NULL || b->png_frames != b->frames) {
		px = b->pixels(b->ctx);
		if (px == NULL) {
			httpd_error(resp, 503, "unavailable",
			    "the frame is unreadable");
			return;
		}
		png = snapshot_encode(
		    px, b->width, b->height, &len, err, sizeof(err));
		free(px);
		if (png == NULL) {
			httpd_error(resp, 500, "internal", err);
			return;
		}
		free(b->png);
		b->png = png;
		b->png_len = len;
		b->png_frames = b->frames;
	}
	resp->status = 200;
	resp->type = "image/png";
	resp->body = util_calloc(1, b->png_len);
	memcpy(resp->body, b->png, b->png_len);
	resp->len = b->png_len;
}

static void
health_display_get(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	struct health_board *b = arg;
	struct json_object *ro;
	char iso[32];

	if (health_refused(arg, req, resp))
		return;
	if (b->render == NULL) {
		httpd_error(resp, 503, "unavailable", "nothing rendered yet");
		return;
	}
	ro = readout_build(b->render, b->frame_wall, b->frame_anim, b->src);
	health_iso(b->frame_wall, iso, sizeof(iso));
	json_object_object_add(ro, "time", json_object_new_string(iso));
	json_object_object_add(
	    ro, "frame", json_object_new_int64((int64_t)b->frames));
	json_object_object_add(ro, "messages", health_message_ids(b));
	/* The layout's text, but the board is blank or fully lit. */
	if (b->cover != NULL && b->cover(b->ctx) != NULL)
		json_object_object_add(
		    ro, "cover", json_object_new_string(b->cover(b->ctx)));
	httpd_text(resp, 200, "application/json",
	    json_object_to_json_string_ext(
		ro, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(ro);
}

static void
health_preview_get(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg)
{
	if (health_refused(arg, req, resp))
		return;
	(void)arg;
	httpd_text(resp, 200, "text/html; charset=utf-8", preview_html());
}

/* Monitoring is public unless http.health_public is false. */
static int
health_refused(const struct health_board *b, const struct httpd_req *req,
    struct httpd_resp *resp)
{
	if (b->read_allowed == NULL ||
	    b->read_allowed(b->ctx, httpd_header(req, "Authorization")))
		return 0;
	httpd_error(resp, 401, "unauthorized",
	    "this sign's monitoring needs a bearer token");
	return 1;
}

void
health_register(struct httpd *h, struct health_board *b)
{
	httpd_route(h, "GET", "/health", 0, health_get, b);
	httpd_route(h, "GET", "/metrics", 0, health_metrics_get, b);
	httpd_route(h, "GET", "/snapshot.png", 0, health_snapshot_get, b);
	httpd_route(h, "GET", "/api/v1/display", 0, health_display_get, b);
	httpd_route(h, "GET", "/", 0, health_preview_get, b);
}
