/*
 * auth: bearer tokens for the HTTP API.  A tokens file holds one token per
 * line, "name:token" or "name:token:role" (role operator, the default, may
 * change messages; viewer may only read).  Tokens are compared in constant
 * time; a token in a query string is refused outright, since URLs end up
 * in logs and browser histories.
 */
#ifndef TAFEL_AUTH_H
#define TAFEL_AUTH_H

#include <stddef.h>

#define AUTH_MAX_TOKENS 64
#define AUTH_NAME_LEN   64
#define AUTH_TOKEN_MIN  16 /* characters: shorter tokens are refused */
#define AUTH_TOKEN_MAX  128

enum auth_role {
	AUTH_ROLE_NONE, /* no or unknown token */
	AUTH_ROLE_VIEWER,
	AUTH_ROLE_OPERATOR,
};

struct auth;

/* Load path; NULL with every problem (file:line) in err. */
struct auth *auth_load(const char *path, char *err, size_t errlen);
/* No tokens at all (no tokens file configured): every write is refused. */
struct auth *auth_empty(void);
void auth_free(struct auth *a);
size_t auth_count(const struct auth *a);

/*
 * The role of an "Authorization" header value ("Bearer TOKEN"); name gets
 * the token's name for the audit log.
 */
enum auth_role auth_check(
    const struct auth *a, const char *authorization, char *name, size_t size);

/* Does a query string carry something that looks like a token? */
int auth_token_in_query(const char *query);

/*
 * The demo: create path with one operator token "demo:<random>" (0600)
 * unless it exists, and write the bare token to token_out.  1 when it
 * created them, 0 when path existed, -1 on error.
 */
int auth_generate(
    const char *path, const char *token_out, char *err, size_t errlen);

#endif
