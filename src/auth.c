/*
 * auth: the tokens file and constant-time comparison.  Every stored token
 * is compared with the offered one, byte by byte over the longest length,
 * so neither the position of a mismatch nor which token matched shows in
 * the time taken.
 */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "util.h"

#define AUTH_MAX_FILE 65536

struct auth_token {
	char name[AUTH_NAME_LEN];
	char token[AUTH_TOKEN_MAX + 1];
	size_t len;
	enum auth_role role;
};

struct auth {
	struct auth_token v[AUTH_MAX_TOKENS];
	size_t n;
};

static int
auth_token_chars(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] == ':' || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

struct auth *
auth_empty(void)
{
	return util_calloc(1, sizeof(struct auth));
}

struct auth *
auth_load(const char *path, char *err, size_t errlen)
{
	struct auth *a = auth_empty();
	char *text, *line, *next;
	size_t len;
	int lineno = 0;

	text = util_read_file(path, AUTH_MAX_FILE, &len, err, errlen);
	if (text == NULL) {
		free(a);
		return NULL;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		struct auth_token *t;
		char *f1, *f2;
		size_t nl;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		nl = strlen(line);
		if (nl > 0 && line[nl - 1] == '\r')
			line[--nl] = '\0';
		if (nl == 0 || line[0] == '#')
			continue;
		f1 = strchr(line, ':');
		if (f1 == NULL || f1 == line) {
			snprintf(err, errlen, "%s:%d: expected name:token",
			    path, lineno);
			goto fail;
		}
		*f1++ = '\0';
		f2 = strchr(f1, ':');
		if (f2 != NULL)
			*f2++ = '\0';
		if (a->n == AUTH_MAX_TOKENS) {
			snprintf(err, errlen, "%s:%d: more than %d tokens",
			    path, lineno, AUTH_MAX_TOKENS);
			goto fail;
		}
		t = &a->v[a->n];
		t->len = strlen(f1);
		if (t->len < AUTH_TOKEN_MIN || t->len > AUTH_TOKEN_MAX ||
		    !auth_token_chars(f1, t->len)) {
			snprintf(err, errlen,
			    "%s:%d: token of \"%s\" must be %d..%d printable "
			    "characters without ':' or spaces",
			    path, lineno, line, AUTH_TOKEN_MIN, AUTH_TOKEN_MAX);
			goto fail;
		}
		if (util_strlcpy(t->name, line, sizeof(t->name)) != 0) {
			snprintf(
			    err, errlen, "%s:%d: name too long", path, lineno);
			goto fail;
		}
		memcpy(t->token, f1, t->len + 1);
		if (f2 == NULL || strcmp(f2, "operator") == 0) {
			t->role = AUTH_ROLE_OPERATOR;
		} else if (strcmp(f2, "viewer") == 0) {
			t->role = AUTH_ROLE_VIEWER;
		} else {
			snprintf(err, errlen,
			    "%s:%d: role \"%.32s\" is not operator or viewer",
			    path, lineno, f2);
			goto fail;
		}
		a->n++;
	}
	free(text);
	return a;
fail:
	free(text);
	free(a);
	return NULL;
}

void
auth_free(struct auth *a)
{
	if (a != NULL)
		explicit_bzero(a, sizeof(*a));
	free(a);
}

size_t
auth_count(const struct auth *a)
{
	return a->n;
}

/* Equal in constant time for a given stored token. */
static int
auth_equal(const struct auth_token *t, const char *s, size_t len)
{
	volatile unsigned char diff = (unsigned char)(t->len != len);

	for (size_t i = 0; i < AUTH_TOKEN_MAX; i++) {
		unsigned char x = i < t->len ? (unsigned char)t->token[i] : 0;
		unsigned char y = i < len ? (unsigned char)s[i] : 0;
		diff |= x ^ y;
	}
	return diff == 0;
}

enum auth_role
auth_check(
    const struct auth *a, const char *authorization, char *name, size_t size)
{
	enum auth_role role = AUTH_ROLE_NONE;
	const char *tok;
	size_t len;

	if (name != NULL && size > 0)
		name[0] = '\0';
	if (authorization == NULL ||
	    strncasecmp(authorization, "Bearer ", 7) != 0)
		return AUTH_ROLE_NONE;
	tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	if (len == 0 || len > AUTH_TOKEN_MAX)
		return AUTH_ROLE_NONE;
	/* Compare with every token, match or not. */
	for (size_t i = 0; i < a->n; i++) {
		if (auth_equal(&a->v[i], tok, len) && role == AUTH_ROLE_NONE) {
			role = a->v[i].role;
			if (name != NULL)
				util_strlcpy(name, a->v[i].name, size);
		}
	}
	return role;
}

int
auth_token_in_query(const char *query)
{
	static const char *const keys[] = { "token", "access_token", "bearer",
		"auth", "authorization", "api_key", "apikey" };

	if (query == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t kl = strlen(keys[i]);
		for (const char *p = query; (p = strcasestr(p, keys[i]));
		     p += kl) {
			if ((p == query || p[-1] == '&' || p[-1] == '?') &&
			    p[kl] == '=')
				return 1;
		}
	}
	return 0;
}

int
auth_generate(const char *path, const char *token_out, char *err, size_t errlen)
{
	unsigned char raw[16];
	char hex[33], line[64];
	int fd;

	if (access(path, F_OK) == 0)
		return 0;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	snprintf(line, sizeof(line), "demo:%s:operator\n", hex);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(line, sizeof(line), "%s\n", hex);
	fd = open(token_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		snprintf(err, errlen, "%s: %s", token_out, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	explicit_bzero(line, sizeof(line));
	return 1;
}
