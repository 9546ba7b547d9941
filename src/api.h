/*
 * api: the operator API under /api/v1 — messages, presets, validation.
 * Every write needs an operator token (401 without a token, 403 for a
 * viewer token); tokens in query strings are refused; every change is
 * logged with who, what and when.  A message is answered 201 only once
 * the store has it on disk.
 */
#ifndef TAFEL_API_H
#define TAFEL_API_H

#include <stddef.h>
#include <stdint.h>

struct httpd;
struct msgstore;
struct auth;
struct cfg;

/* A MULTI string checked against the sign (multi.h does the work). */
struct api_multi_error {
	int code; /* NTCIP multiSyntaxError */
	int pos;  /* 0-based character offset */
	char name[32];
	char message[160];
};
typedef int api_validate_cb(void *ctx, const char *multi, const char *zone,
    int *pages, struct api_multi_error *e);

struct api_ops {
	api_validate_cb *validate;
	/* A zone name the layout knows ("" = the default zone). */
	int (*zone_known)(void *ctx, const char *zone);
	/* Messages changed: redraw. */
	void (*changed)(void *ctx);
	void *ctx;
};

struct api;

struct api *api_new(
    struct httpd *h, struct msgstore *store, const struct api_ops *ops);
void api_free(struct api *a);

/* The configuration in force (presets, limits) and its tokens. */
void api_configure(struct api *a, const struct cfg *c, struct auth *tokens);

/*
 * Authorize a request (other modules' endpoints): 0 with the token's name
 * in who, or -1 with resp filled (401, 403, 400 for a token in the query).
 */
struct httpd_req;
struct httpd_resp;
int api_authorize(struct api *a, const struct httpd_req *req,
    struct httpd_resp *resp, int write, char *who, size_t size);

/*
 * The request body as one strict JSON object (UTF-8, nothing after it)
 * with no keys but those in allowed (NULL-terminated): the object (the
 * caller puts it), or NULL with resp filled (400 badJson or badField).
 */
struct json_object;
struct json_object *api_read_object(const struct httpd_req *req,
    struct httpd_resp *resp, const char *const *allowed);

/* Whether reading monitoring endpoints needs a token (health_public). */
int api_read_allowed(const struct api *a, const char *authorization);

#endif
