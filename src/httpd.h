/*
 * httpd: the daemon's HTTP server, libmicrohttpd in external epoll mode:
 * MHD's epoll fd sits in our loop and MHD_run() is called when it is
 * readable or MHD's timeout expires, so requests are served on the loop
 * thread between frames and handlers may read the daemon's state directly.
 * Handlers must be quick (they run on the render thread); bodies, headers,
 * connections and per-client connections are bounded by configuration.
 */
#ifndef TAFEL_HTTPD_H
#define TAFEL_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct httpd;
struct MHD_Connection;

#define HTTPD_MAX_LISTEN 4

struct httpd_cfg {
	char
	    tls_cert[4096]; /* PEM file; with tls_key: HTTPS on every address */
	char tls_key[4096];
	int rate_per_s; /* requests per second per client address */
	int rate_burst;
	char listen[HTTPD_MAX_LISTEN][64]; /* "127.0.0.1:8080", "[::1]:8080" */
	size_t nlisten;
	int max_connections;
	int max_per_client;
	int timeout_s;
	size_t max_body;
};

struct httpd_req {
	const char *method;
	const char *path;   /* without the query string */
	const char *query;  /* raw query string or NULL */
	const char *client; /* the client's address, for logs and limits */
	const char *body;   /* NUL-terminated, may be empty */
	size_t body_len;
	struct MHD_Connection *conn;
};

struct httpd_resp {
	int status;
	const char *type; /* Content-Type, static */
	char *body;       /* malloc'd; httpd frees it */
	size_t len;
	const char *cache; /* Cache-Control, NULL = "no-store" */
	char retry_after[16];
};

/*
 * A handler that cannot answer at once (the answer waits for the disk)
 * calls httpd_defer() and leaves resp alone; the connection is suspended
 * until httpd_finish() hands over the answer.  Every deferred request must
 * be finished exactly once.
 */
struct httpd_defer;
struct httpd_defer *httpd_defer(const struct httpd_req *req);
void httpd_finish(struct httpd_defer *d, struct httpd_resp *resp);

typedef void httpd_handler(
    const struct httpd_req *req, struct httpd_resp *resp, void *arg);

/* Start listening on every address; NULL with err filled on failure. */
struct httpd *httpd_new(
    struct loop *l, const struct httpd_cfg *c, char *err, size_t errlen);
void httpd_free(struct httpd *h);

/*
 * Route method + path to fn.  A path ending in '/' with prefix set matches
 * everything below it.  Unknown paths give 404, known paths with another
 * method 405, both as JSON errors.
 */
void httpd_route(struct httpd *h, const char *method, const char *path,
    int prefix, httpd_handler *fn, void *arg);

/* The port the n-th address listens on (after a ":0" request). */
int httpd_port(const struct httpd *h, size_t n);

const char *httpd_header(const struct httpd_req *r, const char *name);
const char *httpd_query(const struct httpd_req *r, const char *name);

/* Fill resp with text (copied) or a JSON error body. */
void httpd_text(
    struct httpd_resp *resp, int status, const char *type, const char *text);
void httpd_error(
    struct httpd_resp *resp, int status, const char *code, const char *message);
/* Fill resp with o as compact JSON; o is taken (put). */
struct json_object;
void httpd_json(struct httpd_resp *resp, int status, struct json_object *o);

/* Requests answered, by status class, for metrics. */
struct httpd_stats {
	uint64_t requests;
	uint64_t by_status[6]; /* 1xx .. 5xx at [1] .. [5] */
};
void httpd_get_stats(const struct httpd *h, struct httpd_stats *out);

/* Requests by route (its path, "other" for unknown paths) and status. */
#define HTTPD_MAX_COUNTS 64
struct httpd_count {
	char route[64];
	int status;
	uint64_t n;
};
const struct httpd_count *httpd_counts(const struct httpd *h, size_t *n);

/* 0 when s is an "address:port" httpd_new() accepts (config checks). */
int httpd_check_addr(const char *s);

#endif
