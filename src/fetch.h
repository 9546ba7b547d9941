/*
 * fetch: HTTP(S) downloads with libcurl's multi interface driven by our
 * event loop (curl's "multi_socket" pattern: curl tells us which sockets to
 * watch and when to wake it; we never block).  A transfer reports exactly
 * once, through its callback, from the loop; never from fetch_start().
 */
#ifndef TAFEL_FETCH_H
#define TAFEL_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct fetch;
struct fetch_xfer;

#define FETCH_ETAG_LEN 256
#define FETCH_DATE_LEN 64
#define FETCH_ERR_LEN  256

struct fetch_header {
	const char *name;
	const char *value;
};

/*
 * Called with each piece of a 2xx body as it arrives, when set: the body is
 * then not collected (fetch_result.body stays empty).  Return 0, or -1
 * with err filled to abort the transfer (it then fails with that reason).
 */
typedef int fetch_chunk_cb(
    const char *data, size_t len, void *arg, char *err, size_t errlen);

struct fetch_req {
	const char *url;
	int timeout_ms;
	size_t max_bytes;
	int allow_file;      /* permit file:// */
	const char *ca_path; /* NULL or "" = the system's */
	const struct fetch_header *headers;
	size_t nheaders;
	const char *etag;          /* If-None-Match, NULL or "" = none */
	const char *last_modified; /* If-Modified-Since */
	fetch_chunk_cb *chunk;     /* NULL: collect the body */
};

struct fetch_result {
	int ok;      /* a 2xx body or a 304 arrived whole */
	long status; /* HTTP status, 0 without a response */
	char *body;  /* NUL-terminated; owned by fetch, valid in callback */
	size_t len;
	char etag[FETCH_ETAG_LEN];
	char last_modified[FETCH_DATE_LEN];
	int64_t retry_after_s; /* from a 429/503 Retry-After, else -1 */
	int64_t elapsed_ms;
	char err[FETCH_ERR_LEN]; /* why it failed, when !ok */
};

typedef void fetch_done_cb(const struct fetch_result *res, void *arg);

struct fetch *fetch_new(struct loop *l);
void fetch_free(struct fetch *f); /* cancels transfers, no callbacks */

/* Start a transfer; NULL when curl refuses the request (err filled). */
struct fetch_xfer *fetch_start(struct fetch *f, const struct fetch_req *req,
    fetch_done_cb *done, void *arg, char *err, size_t errlen);
void fetch_cancel(struct fetch_xfer *x); /* no callback */

/* Transfers under way (tests). */
size_t fetch_active(const struct fetch *f);

#endif
