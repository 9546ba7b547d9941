/*
 * tafelctl: the command-line client of tafeld for operators and
 * maintainers.  It owns the client side of the HTTP API: where the server
 * and the token come from (option, environment, config file, default), one
 * blocking request per run with libcurl's easy interface (a CLI does one
 * thing and exits, so the daemon's no-blocking rule does not apply), and
 * turning the answer into readable text or JSON and an exit code a script
 * can test.
 *
 * Commands live in one table (ctl_cmds); the operator message commands of
 * issue 5 are in it already and say that they are not implemented yet.
 *
 * Everything the server sends is untrusted: the body is capped at 1 MiB
 * and the request at --timeout, the document is parsed strictly (json-c
 * strict mode, UTF-8 checked, bounded depth, no trailing bytes) and
 * checked field by field against the health format before anything is
 * printed, and strings from it reach the terminal with control characters
 * replaced, so that a broken or hostile server can neither crash the
 * client nor drive the operator's terminal.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CTL_DEFAULT_SERVER "http://127.0.0.1:8080"
#define CTL_CONF_NAME      "tafel/tafelctl.conf"
#define CTL_BODY_MAX       ((size_t)1024 * 1024) /* bytes of an answer */
#define CTL_TIMEOUT_S      5.0                   /* default --timeout */
#define CTL_TIMEOUT_MAX_S  3600.0
#define CTL_URL_MAX        2048
#define CTL_TOKEN_MAX      1024
#define CTL_CONF_MAX       ((size_t)64 * 1024) /* bytes of a config file */
#define CTL_JSON_DEPTH     32
#define CTL_ERR_LEN        1024
#define CTL_SHOW_MAX       120 /* characters of a server string shown */
#define CTL_KEY_SHOW_MAX   40  /* characters of a check name shown */
#define CTL_LINES_MAX      256 /* check lines printed; more are counted */
#define CTL_LABEL_LEN      160
#define CTL_DETAIL_LEN     1024
#define CTL_LABEL_COL_MAX  24 /* widest label column */
#define CTL_DETAIL_COL_MAX 44 /* widest detail column */

/* Exit codes: a script tests these. */
enum ctl_exit {
	CTL_EXIT_PASS = 0,
	CTL_EXIT_WARN = 1,
	CTL_EXIT_FAIL = 2,
	CTL_EXIT_NOT_YET = 2, /* a command of a later issue */
	CTL_EXIT_SERVER = 3,  /* unreachable, or an answer we cannot use */
	CTL_EXIT_USAGE = 64,  /* EX_USAGE: options, arguments, config file */
};

/* Health states, in order of badness. */
enum ctl_health {
	CTL_HEALTH_NONE = -1, /* not given */
	CTL_HEALTH_PASS = 0,
	CTL_HEALTH_WARN,
	CTL_HEALTH_FAIL,
};

static const char *const ctl_health_names[] = { "pass", "warn", "fail" };

static const char *
ctl_health_name(enum ctl_health h)
{
	return h >= CTL_HEALTH_PASS && h <= CTL_HEALTH_FAIL ?
	    ctl_health_names[h] :
	    "?";
}

enum ctl_opt_long {
	CTL_OPT_JSON = 256,
	CTL_OPT_TIMEOUT,
};

struct ctl {
	char server[CTL_URL_MAX]; /* without a trailing '/' */
	char token[CTL_TOKEN_MAX];
	int server_set;     /* from -s or TAFEL_SERVER, else from config */
	int token_set;      /* "" counts as set: no token */
	const char *config; /* -c FILE, or NULL to look in the usual places */
	int json;
	long timeout_ms;
	int colour;
};

struct ctl_cmd {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *args; /* for the usage text */
	const char *help;
};

static const struct option ctl_long_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "token", required_argument, NULL, 't' },
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, CTL_OPT_JSON },
	{ "timeout", required_argument, NULL, CTL_OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void ctl_cat(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ctl_err(const char *fmt, ...)
{
	char line[CTL_ERR_LEN * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tafelctl: %s\n", line);
}

/* Append to a NUL-terminated buffer; a cut is fine for display text. */
static void
ctl_cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/*
 * Copy a string from the server for the terminal: C0 and C1 control
 * characters and DEL become '?', so that no escape sequence reaches it, and
 * at most max characters are kept ("..." marks a cut).  The input is
 * UTF-8 checked by the parser; a broken sequence is shown as '?' anyway.
 */
static void
ctl_show(char *dst, size_t size, const char *src, size_t max)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, chars = 0;

	if (size < 4) {
		if (size > 0)
			dst[0] = '\0';
		return;
	}
	while (*s != '\0') {
		size_t n = 1, need, k;
		int bad;

		if (*s >= 0xf0)
			n = 4;
		else if (*s >= 0xe0)
			n = 3;
		else if (*s >= 0xc0)
			n = 2;
		bad = *s < 0x20 || *s == 0x7f || (*s >= 0x80 && *s < 0xc0) ||
		    *s >= 0xf8;
		for (k = 1; k < n; k++) {
			if ((s[k] & 0xc0) != 0x80) {
				bad = 1;
				n = k;
				break;
			}
		}
		if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			bad = 1; /* U+0080..U+009F */
		need = bad ? 1 : n;
		if (chars == max || o + need + 4 > size) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (bad)
			dst[o] = '?';
		else
			memcpy(dst + o, s, n);
		o += need;
		s += n;
		chars++;
	}
	dst[o] = '\0';
}

/* Characters a terminal shows for a UTF-8 string (one per code point). */
static size_t
ctl_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* ------------------------------------------------------------------ */
/* Usage and options */

static int ctl_cmd_status(struct ctl *c, int argc, char **argv);
static int ctl_cmd_later(struct ctl *c, int argc, char **argv);

static const struct ctl_cmd ctl_cmds[] = {
	{ "status", ctl_cmd_status, "",
	    "the board's health: feeds, rendering, display, uptime" },
	{ "send", ctl_cmd_later, "MULTI", "show a message (issue 5)" },
	{ "list", ctl_cmd_later, "", "list the active messages (issue 5)" },
	{ "cancel", ctl_cmd_later, "ID", "remove a message (issue 5)" },
	{ "preset", ctl_cmd_later, "NAME", "activate a preset (issue 5)" },
	{ "validate", ctl_cmd_later, "MULTI",
	    "check MULTI text without showing it (issue 5)" },
};

#define CTL_NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
ctl_usage(FILE *f)
{
	fprintf(f,
	    "usage: tafelctl [-s URL] [-t TOKEN] [-c FILE] [--json] "
	    "[--timeout S] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n");
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", ctl_cmds[i].name,
		    ctl_cmds[i].args);
		fprintf(f, "  %-15s %s\n", head, ctl_cmds[i].help);
	}
	fprintf(f,
	    "\n"
	    "options (before or after the command):\n"
	    "  -s, --server URL  tafeld's base URL (else $TAFEL_SERVER, the "
	    "config file,\n"
	    "                    " CTL_DEFAULT_SERVER ")\n"
	    "  -t, --token TOKEN bearer token (else $TAFEL_TOKEN, the config "
	    "file); other\n"
	    "                    users can read a command line, so prefer "
	    "those two\n"
	    "  -c, --config FILE config file (else "
	    "$XDG_CONFIG_HOME/" CTL_CONF_NAME ",\n"
	    "                    ~/.config/" CTL_CONF_NAME ", " TAFEL_SYSCONFDIR
	    "/" CTL_CONF_NAME ";\n"
	    "                    the first that exists; lines "
	    "'server = URL', 'token = T')\n"
	    "  --json            print the server's JSON document\n"
	    "  --timeout S       give up after S seconds (default 5)\n"
	    "  -h, --help        this text\n"
	    "  -V, --version     print the version\n"
	    "\n"
	    "exit status: 0 pass, 1 warn, 2 fail, 3 server unreachable or "
	    "bad answer,\n"
	    "64 usage or config file error\n");
}

static int
ctl_parse_timeout(const char *arg, long *ms)
{
	char *end;
	double s;

	errno = 0;
	s = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !isfinite(s) ||
	    s <= 0 || s > CTL_TIMEOUT_MAX_S)
		return -1;
	*ms = (long)(s * 1000 + 0.5);
	if (*ms < 1)
		*ms = 1;
	return 0;
}

/* A value that goes into a header or URL: printable, bounded. */
static int
ctl_plain(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return n < max;
}

/*
 * The server's base URL: http or https, a host, no query or fragment
 * (nothing secret belongs in a URL), trailing slashes dropped.
 */
static int
ctl_set_server(struct ctl *c, const char *url, char *err, size_t errlen)
{
	const char *rest;
	size_t n;

	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		rest = NULL;
	if (rest == NULL || *rest == '\0' || *rest == '/' ||
	    !ctl_plain(url, sizeof(c->server)) || strpbrk(url, "?#") != NULL) {
		char shown[CTL_SHOW_MAX + 4];

		ctl_show(shown, sizeof(shown), url, CTL_SHOW_MAX);
		snprintf(err, errlen,
		    "server '%s' is not an http:// or https:// URL without "
		    "query or fragment",
		    shown);
		return -1;
	}
	util_strlcpy(c->server, url, sizeof(c->server));
	n = strlen(c->server);
	while (n > 0 && c->server[n - 1] == '/')
		c->server[--n] = '\0';
	c->server_set = 1;
	return 0;
}

static int
ctl_set_token(struct ctl *c, const char *token, char *err, size_t errlen)
{
	if (!ctl_plain(token, sizeof(c->token))) {
		snprintf(err, errlen,
		    "a token has no spaces or control characters and at "
		    "most %d bytes",
		    CTL_TOKEN_MAX - 1);
		return -1;
	}
	util_strlcpy(c->token, token, sizeof(c->token));
	c->token_set = 1;
	return 0;
}

/*
 * Options, before the command or after it: getopt_long stops at the first
 * argument ('+'), so the command name and its arguments are never taken
 * for options; main calls this again on the command's own argv.  *first is
 * the index of the first non-option.  -1 means exit with *code.
 */
static int
ctl_opts(struct ctl *c, int argc, char **argv, int *first, int *code)
{
	char err[CTL_ERR_LEN];
	int ch;

	optind = 0; /* glibc: start over on a new argv */
	opterr = 0; /* our messages, which name tafelctl */
	while ((ch = getopt_long(
		    argc, argv, "+:s:t:c:hV", ctl_long_opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (ctl_set_server(c, optarg, err, sizeof(err)) == -1) {
				ctl_err("-s: %s", err);
				goto usage;
			}
			break;
		case 't':
			if (ctl_set_token(c, optarg, err, sizeof(err)) == -1) {
				ctl_err("-t: %s", err);
				goto usage;
			}
			break;
		case 'c':
			c->config = optarg;
			break;
		case CTL_OPT_JSON:
			c->json = 1;
			break;
		case CTL_OPT_TIMEOUT:
			if (ctl_parse_timeout(optarg, &c->timeout_ms) == -1) {
				ctl_err("--timeout: '%s' is not a number of "
					"seconds in (0, %g]",
				    optarg, CTL_TIMEOUT_MAX_S);
				goto usage;
			}
			break;
		case 'h':
			ctl_usage(stdout);
			*code = 0;
			return -1;
		case 'V':
			printf("tafelctl %s\n", TAFEL_VERSION);
			*code = 0;
			return -1;
		case ':':
			ctl_err("option '%s' needs a value", argv[optind - 1]);
			goto usage;
		default:
			if (optopt != 0)
				ctl_err("unknown option '-%c'", optopt);
			else
				ctl_err(
				    "unknown option '%s'", argv[optind - 1]);
			goto usage;
		}
	}
	*first = optind;
	return 0;
usage:
	fprintf(stderr, "(tafelctl -h lists the options)\n");
	*code = CTL_EXIT_USAGE;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Config file */

/* Strip blanks at both ends, in place. */
static char *
ctl_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Read "key = value" lines; '#' starts a comment line.  Only keys not set
 * by an option or the environment are taken.  Every error is reported,
 * each with its line number.
 */
static int
ctl_read_config(struct ctl *c, const char *path)
{
	char err[CTL_ERR_LEN], where[PATH_MAX + 32];
	struct util_errs errs;
	int seen_server = 0, seen_token = 0;
	char *buf, *line, *next;
	struct stat st;
	size_t len;
	int lineno = 0;

	memset(&errs, 0, sizeof(errs));
	buf = util_read_file(path, CTL_CONF_MAX, &len, err, sizeof(err));
	if (buf == NULL) {
		ctl_err("%s", err);
		return -1;
	}
	if (strlen(buf) != len) {
		ctl_err("%s: not a text file (NUL byte)", path);
		free(buf);
		return -1;
	}
	for (line = buf; line != NULL; line = next) {
		char *eq, *key, *val;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		lineno++;
		key = ctl_trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			util_errs_add(
			    &errs, "%s:%d: want 'key = value'", path, lineno);
			continue;
		}
		*eq = '\0';
		key = ctl_trim(key);
		val = ctl_trim(eq + 1);
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (strcmp(key, "server") == 0) {
			if (seen_server++)
				util_errs_add(
				    &errs, "%s: server given twice", where);
			else if (!c->server_set &&
			    ctl_set_server(c, val, err, sizeof(err)) == -1)
				util_errs_add(&errs, "%s: %s", where, err);
		} else if (strcmp(key, "token") == 0) {
			if (seen_token++)
				util_errs_add(
				    &errs, "%s: token given twice", where);
			else if (!c->token_set &&
			    ctl_set_token(c, val, err, sizeof(err)) == -1)
				util_errs_add(&errs, "%s: %s", where, err);
		} else {
			char shown[CTL_KEY_SHOW_MAX + 4];

			ctl_show(shown, sizeof(shown), key, CTL_KEY_SHOW_MAX);
			util_errs_add(&errs,
			    "%s: unknown key '%s' (server, token)", where,
			    shown);
		}
	}
	free(buf);
	for (size_t i = 0; i < errs.n; i++)
		ctl_err("%s", errs.msg[i]);
	if (errs.dropped > 0)
		ctl_err("... and %zu more errors", errs.dropped);
	if (util_errs_count(&errs) > 0)
		return -1;
	/* Like ssh: a token readable by everyone is no secret. */
	if (seen_token && stat(path, &st) == 0 && (st.st_mode & S_IROTH))
		ctl_err("warning: %s holds a token and everyone can read it "
			"(chmod o-r)",
		    path);
	return 0;
}

/* The config file to read: -c, else the first of the usual that exists. */
static int
ctl_find_config(const struct ctl *c, char *path, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct stat st;
	int n;

	if (c->config != NULL)
		return util_strlcpy(path, c->config, size) == 0 ? 1 : -1;
	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(path, size, "%s/%s", xdg, CTL_CONF_NAME);
		if (n > 0 && (size_t)n < size && stat(path, &st) == 0)
			return 1;
	}
	if (home != NULL && home[0] == '/') {
		n = snprintf(path, size, "%s/.config/%s", home, CTL_CONF_NAME);
		if (n > 0 && (size_t)n < size && stat(path, &st) == 0)
			return 1;
	}
	n = snprintf(path, size, "%s/%s", TAFEL_SYSCONFDIR, CTL_CONF_NAME);
	if (n > 0 && (size_t)n < size && stat(path, &st) == 0)
		return 1;
	return 0;
}

/*
 * Server and token: option, else environment, else config file, else the
 * default server and no token.  An empty TAFEL_TOKEN (or -t '') means "no
 * token" and stops the search.
 */
static int
ctl_resolve(struct ctl *c)
{
	char path[PATH_MAX], err[CTL_ERR_LEN];
	const char *env;
	int r;

	env = getenv("TAFEL_SERVER");
	if (!c->server_set && env != NULL && env[0] != '\0' &&
	    ctl_set_server(c, env, err, sizeof(err)) == -1) {
		ctl_err("TAFEL_SERVER: %s", err);
		return -1;
	}
	env = getenv("TAFEL_TOKEN");
	if (!c->token_set && env != NULL &&
	    ctl_set_token(c, env, err, sizeof(err)) == -1) {
		ctl_err("TAFEL_TOKEN: %s", err);
		return -1;
	}
	if (!c->server_set || !c->token_set || c->config != NULL) {
		r = ctl_find_config(c, path, sizeof(path));
		if (r == -1) {
			ctl_err("-c: path too long");
			return -1;
		}
		if (r == 1 && ctl_read_config(c, path) == -1)
			return -1;
	}
	if (!c->server_set)
		ctl_set_server(c, CTL_DEFAULT_SERVER, err, sizeof(err));
	return 0;
}

/* ------------------------------------------------------------------ */
/* HTTP */

struct ctl_resp {
	char *body; /* CTL_BODY_MAX + 1 bytes, NUL-terminated */
	size_t len;
	int too_big;
	long status;
	char type[128]; /* Content-Type, "" when none */
};

static size_t
ctl_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ctl_resp *r = arg;
	size_t n = size * nmemb;

	if (n > CTL_BODY_MAX - r->len) {
		r->too_big = 1;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

#define CTL_SETOPT(h, opt, val) \
	(curl_easy_setopt((h), (opt), (val)) == CURLE_OK)

/*
 * GET url into r.  The token goes in an Authorization header, never in the
 * URL; redirects are not followed (the header must not travel elsewhere).
 */
static int
ctl_get(const struct ctl *c, const char *url, struct ctl_resp *r, char *err,
    size_t errlen)
{
	char cerr[CURL_ERROR_SIZE], auth[CTL_TOKEN_MAX + 32];
	struct curl_slist *hdrs = NULL, *h;
	const char *type = NULL;
	CURLcode rc;
	CURL *curl;
	int ok;

	memset(r, 0, sizeof(*r));
	r->body = util_calloc(1, CTL_BODY_MAX + 1);
	cerr[0] = '\0';
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	hdrs = curl_slist_append(
	    NULL, "Accept: application/health+json, application/json");
	if (hdrs == NULL)
		log_fatal("out of memory");
	if (c->token[0] != '\0') {
		snprintf(
		    auth, sizeof(auth), "Authorization: Bearer %s", c->token);
		h = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, sizeof(auth));
		if (h == NULL)
			log_fatal("out of memory");
		hdrs = h;
	}
	ok = CTL_SETOPT(curl, CURLOPT_URL, url) &&
	    CTL_SETOPT(curl, CURLOPT_HTTPGET, 1L) &&
	    CTL_SETOPT(curl, CURLOPT_NOSIGNAL, 1L) &&
	    CTL_SETOPT(curl, CURLOPT_PROTOCOLS_STR, "http,https") &&
	    CTL_SETOPT(curl, CURLOPT_FOLLOWLOCATION, 0L) &&
	    CTL_SETOPT(curl, CURLOPT_TIMEOUT_MS, c->timeout_ms) &&
	    CTL_SETOPT(curl, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms) &&
	    CTL_SETOPT(
		curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CTL_BODY_MAX) &&
	    CTL_SETOPT(curl, CURLOPT_WRITEFUNCTION, ctl_write_cb) &&
	    CTL_SETOPT(curl, CURLOPT_WRITEDATA, r) &&
	    CTL_SETOPT(curl, CURLOPT_ERRORBUFFER, cerr) &&
	    CTL_SETOPT(curl, CURLOPT_USERAGENT, "tafelctl/" TAFEL_VERSION) &&
	    CTL_SETOPT(curl, CURLOPT_HTTPHEADER, hdrs);
	if (!ok) {
		snprintf(err, errlen, "libcurl refused an option (%s)",
		    curl_version());
		goto fail;
	}
	rc = curl_easy_perform(curl);
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, errlen, "the answer is larger than %zu KiB",
		    CTL_BODY_MAX / 1024);
		goto fail;
	}
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s%s%s", curl_easy_strerror(rc),
		    cerr[0] != '\0' ? ": " : "", cerr);
		goto fail;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK &&
	    type != NULL)
		util_strlcpy(r->type, type, sizeof(r->type));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	return 0;
fail:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(curl);
	return -1;
}

/*
 * Parse a whole body as one JSON value: strict syntax, valid UTF-8, depth
 * bounded, nothing but blanks after it.  The caller owns the result.
 */
static struct json_object *
ctl_parse_json(const char *body, size_t len, char *err, size_t errlen)
{
	struct json_object *doc;
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	if (len == 0) {
		snprintf(err, errlen, "empty answer");
		return NULL;
	}
	if (memchr(body, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in the answer");
		return NULL;
	}
	tok = json_tokener_new_ex(CTL_JSON_DEPTH);
	if (tok == NULL)
		log_fatal("out of memory");
	json_tokener_set_flags(
	    tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		snprintf(
		    err, errlen, "not JSON: ends too early (%zu bytes)", len);
		json_object_put(doc);
		return NULL;
	}
	if (jerr != json_tokener_success) {
		snprintf(err, errlen, "not JSON: %s at byte %zu",
		    json_tokener_error_desc(jerr), end);
		json_object_put(doc);
		return NULL;
	}
	for (; end < len; end++) {
		if (strchr(" \t\r\n", body[end]) == NULL) {
			snprintf(err, errlen,
			    "not JSON: bytes after the document at byte %zu",
			    end);
			json_object_put(doc);
			return NULL;
		}
	}
	return doc;
}

/* ------------------------------------------------------------------ */
/* The health document: its shape */

enum ctl_want {
	CTL_W_ANY,
	CTL_W_STRING,
	CTL_W_BOOL,
	CTL_W_COUNT,  /* integer >= 0 */
	CTL_W_NUMBER, /* integer or finite decimal */
	CTL_W_STATUS, /* "pass", "warn" or "fail" */
	CTL_W_TIME,   /* ISO 8601 string */
	CTL_W_OBJECT,
	CTL_W_ARRAY,
	CTL_W_IDS,   /* array of strings or integers */
	CTL_W_PAGES, /* object of strings or integers */
};

static const char *const ctl_want_names[] = {
	[CTL_W_ANY] = "anything",
	[CTL_W_STRING] = "a string",
	[CTL_W_BOOL] = "true or false",
	[CTL_W_COUNT] = "an integer >= 0",
	[CTL_W_NUMBER] = "a number",
	[CTL_W_STATUS] = "\"pass\", \"warn\" or \"fail\"",
	[CTL_W_TIME] = "an ISO 8601 time string",
	[CTL_W_OBJECT] = "an object",
	[CTL_W_ARRAY] = "an array",
	[CTL_W_IDS] = "an array of strings or integers",
	[CTL_W_PAGES] = "an object of strings or integers",
};

/* A known field; null counts as absent, other fields are left alone. */
struct ctl_field {
	const char *name;
	enum ctl_want want;
	int required;
};

/* The kinds of check the summary knows; others are shown generically. */
enum ctl_kind {
	CTL_KIND_DISPLAY,
	CTL_KIND_RENDERING,
	CTL_KIND_FEED,
	CTL_KIND_OTHER,
	CTL_KIND_UPTIME,
	CTL_KIND_N, /* also the printing order */
};

static const struct ctl_field ctl_top_fields[] = {
	{ "status", CTL_W_STATUS, 1 },
	{ "version", CTL_W_STRING, 0 },
	{ "releaseId", CTL_W_STRING, 0 },
	{ "serviceId", CTL_W_STRING, 0 },
	{ "description", CTL_W_STRING, 0 },
	{ "output", CTL_W_STRING, 0 },
	{ "notes", CTL_W_ARRAY, 0 },
	{ "links", CTL_W_OBJECT, 0 },
	{ "checks", CTL_W_OBJECT, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

/* The draft's fields of every check. */
static const struct ctl_field ctl_common_fields[] = {
	{ "status", CTL_W_STATUS, 0 },
	{ "componentId", CTL_W_STRING, 0 },
	{ "componentType", CTL_W_STRING, 0 },
	{ "observedUnit", CTL_W_STRING, 0 },
	{ "time", CTL_W_TIME, 0 },
	{ "output", CTL_W_STRING, 0 },
	{ "affectedEndpoints", CTL_W_ARRAY, 0 },
	{ "links", CTL_W_OBJECT, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

static const struct ctl_field ctl_feed_fields[] = {
	{ "observedValue", CTL_W_NUMBER, 0 }, /* age in s; null: no data */
	{ "stale", CTL_W_BOOL, 0 },
	{ "items", CTL_W_COUNT, 0 },
	{ "itemsNoData", CTL_W_COUNT, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

static const struct ctl_field ctl_rendering_fields[] = {
	{ "observedValue", CTL_W_COUNT, 0 }, /* frames presented */
	{ "pixelHash", CTL_W_STRING, 0 },
	{ "pages", CTL_W_PAGES, 0 },
	{ "messages", CTL_W_IDS, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

static const struct ctl_field ctl_display_fields[] = {
	{ "system", CTL_W_STRING, 0 },
	{ "width", CTL_W_COUNT, 0 },
	{ "height", CTL_W_COUNT, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

static const struct ctl_field ctl_uptime_fields[] = {
	{ "observedValue", CTL_W_NUMBER, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

static const struct ctl_field *const ctl_kind_fields[] = {
	[CTL_KIND_DISPLAY] = ctl_display_fields,
	[CTL_KIND_RENDERING] = ctl_rendering_fields,
	[CTL_KIND_FEED] = ctl_feed_fields,
	[CTL_KIND_OTHER] = NULL,
	[CTL_KIND_UPTIME] = ctl_uptime_fields,
};

/* "feed:pls" is a feed; "display" and "display:board" are the display. */
static int
ctl_key_is(const char *key, const char *name)
{
	size_t n = strlen(name);

	return strncmp(key, name, n) == 0 && (key[n] == '\0' || key[n] == ':');
}

static enum ctl_kind
ctl_kind_of(const char *key)
{
	if (ctl_key_is(key, "display"))
		return CTL_KIND_DISPLAY;
	if (ctl_key_is(key, "rendering"))
		return CTL_KIND_RENDERING;
	if (ctl_key_is(key, "feed"))
		return CTL_KIND_FEED;
	if (ctl_key_is(key, "uptime"))
		return CTL_KIND_UPTIME;
	return CTL_KIND_OTHER;
}

static enum ctl_health
ctl_health_parse(const char *s)
{
	for (int i = CTL_HEALTH_PASS; i <= CTL_HEALTH_FAIL; i++)
		if (strcmp(s, ctl_health_names[i]) == 0)
			return (enum ctl_health)i;
	return CTL_HEALTH_NONE;
}

static int
ctl_is_number(struct json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	    (json_object_is_type(v, json_type_double) &&
		isfinite(json_object_get_double(v)));
}

static int
ctl_is_id(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) ||
	    json_object_is_type(v, json_type_int);
}

static int
ctl_is(struct json_object *v, enum ctl_want want)
{
	int64_t t;

	switch (want) {
	case CTL_W_ANY:
		return 1;
	case CTL_W_STRING:
		return json_object_is_type(v, json_type_string);
	case CTL_W_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case CTL_W_COUNT:
		return json_object_is_type(v, json_type_int) &&
		    json_object_get_int64(v) >= 0;
	case CTL_W_NUMBER:
		return ctl_is_number(v);
	case CTL_W_STATUS:
		return json_object_is_type(v, json_type_string) &&
		    ctl_health_parse(json_object_get_string(v)) !=
		    CTL_HEALTH_NONE;
	case CTL_W_TIME:
		return json_object_is_type(v, json_type_string) &&
		    util_parse_iso8601(json_object_get_string(v), &t) == 0;
	case CTL_W_OBJECT:
		return json_object_is_type(v, json_type_object);
	case CTL_W_ARRAY:
		return json_object_is_type(v, json_type_array);
	case CTL_W_IDS:
		if (!json_object_is_type(v, json_type_array))
			return 0;
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!ctl_is_id(json_object_array_get_idx(v, i)))
				return 0;
		return 1;
	case CTL_W_PAGES: {
		if (!json_object_is_type(v, json_type_object))
			return 0;
		json_object_object_foreach (v, pk, pv) {
			(void)pk;
			if (!ctl_is_id(pv))
				return 0;
		}
		return 1;
	}
	}
	return 0;
}

/* What a value is, for an error message. */
static void
ctl_describe(struct json_object *v, char *out, size_t size)
{
	char shown[48];

	if (json_object_is_type(v, json_type_string)) {
		ctl_show(shown, sizeof(shown), json_object_get_string(v), 24);
		snprintf(out, size, "string \"%s\"", shown);
	} else if (json_object_is_type(v, json_type_int)) {
		snprintf(
		    out, size, "%lld", (long long)json_object_get_int64(v));
	} else if (json_object_is_type(v, json_type_double)) {
		snprintf(out, size, "%g", json_object_get_double(v));
	} else {
		snprintf(out, size, "%s",
		    json_type_to_name(json_object_get_type(v)));
	}
}

static void
ctl_check_fields(struct json_object *obj, const struct ctl_field *fields,
    const char *path, struct util_errs *errs)
{
	for (const struct ctl_field *f = fields; f->name != NULL; f++) {
		struct json_object *v = NULL;
		char got[96];

		if (!json_object_object_get_ex(obj, f->name, &v) || v == NULL) {
			if (f->required)
				util_errs_add(errs, "%s%s%s: missing", path,
				    path[0] != '\0' ? "." : "", f->name);
			continue;
		}
		if (ctl_is(v, f->want))
			continue;
		ctl_describe(v, got, sizeof(got));
		util_errs_add(errs, "%s%s%s: want %s, got %s", path,
		    path[0] != '\0' ? "." : "", f->name,
		    ctl_want_names[f->want], got);
	}
}

/*
 * Check the document against the health format.  Fields the client does
 * not know are allowed (the draft is extensible, newer daemons add
 * checks); the ones it knows must have the right type.
 */
static void
ctl_validate(struct json_object *doc, struct util_errs *errs)
{
	struct json_object *checks = NULL;

	if (!json_object_is_type(doc, json_type_object)) {
		util_errs_add(errs, "want an object, got %s",
		    json_type_to_name(json_object_get_type(doc)));
		return;
	}
	ctl_check_fields(doc, ctl_top_fields, "", errs);
	if (!json_object_object_get_ex(doc, "checks", &checks) ||
	    !json_object_is_type(checks, json_type_object))
		return;
	json_object_object_foreach (checks, key, list) {
		enum ctl_kind kind = ctl_kind_of(key);
		char name[CTL_KEY_SHOW_MAX + 4], path[128];

		ctl_show(name, sizeof(name), key, CTL_KEY_SHOW_MAX);
		if (!json_object_is_type(list, json_type_array)) {
			util_errs_add(errs, "checks.%s: want an array, got %s",
			    name,
			    json_type_to_name(json_object_get_type(list)));
			continue;
		}
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *one =
			    json_object_array_get_idx(list, i);

			snprintf(path, sizeof(path), "checks.%s[%zu]", name, i);
			if (!json_object_is_type(one, json_type_object)) {
				util_errs_add(errs,
				    "%s: want an object, got %s", path,
				    json_type_to_name(
					json_object_get_type(one)));
				continue;
			}
			ctl_check_fields(one, ctl_common_fields, path, errs);
			if (ctl_kind_fields[kind] != NULL)
				ctl_check_fields(
				    one, ctl_kind_fields[kind], path, errs);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The health document: the summary */

struct ctl_line {
	char label[CTL_LABEL_LEN];
	char detail[CTL_DETAIL_LEN];
	enum ctl_health status; /* CTL_HEALTH_NONE: not shown */
};

struct ctl_lines {
	struct ctl_line *v; /* CTL_LINES_MAX */
	size_t n;
	size_t dropped;
};

/* Borrowed member, NULL when absent or null (checked types: see above). */
static struct json_object *
ctl_member(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

static const char *
ctl_string(struct json_object *o, const char *name)
{
	struct json_object *v = ctl_member(o, name);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) :
	    NULL;
}

static int
ctl_number(struct json_object *o, const char *name, double *out)
{
	struct json_object *v = ctl_member(o, name);

	if (v == NULL || !ctl_is_number(v))
		return -1;
	*out = json_object_get_double(v);
	return 0;
}

static enum ctl_health
ctl_status_of(struct json_object *o)
{
	const char *s = ctl_string(o, "status");

	return s != NULL ? ctl_health_parse(s) : CTL_HEALTH_NONE;
}

/* A duration for people: "0.4 s", "12 s", "3 min 05 s", "2 h 03 min". */
static void
ctl_duration(double s, char *out, size_t size)
{
	long t;

	if (!(s >= 0))
		s = 0;
	if (s < 10) {
		snprintf(out, size, "%.1f s", s);
		return;
	}
	if (s > 1e12)
		s = 1e12;
	t = (long)s;
	if (t < 60)
		snprintf(out, size, "%ld s", t);
	else if (t < 3600)
		snprintf(out, size, "%ld min %02ld s", t / 60, t % 60);
	else if (t < 86400)
		snprintf(out, size, "%ld h %02ld min", t / 3600, t % 3600 / 60);
	else
		snprintf(
		    out, size, "%ld d %02ld h", t / 86400, t % 86400 / 3600);
}

/* ", " between the parts of a detail. */
static void
ctl_part(char *d, size_t size, const char *fmt, const char *arg)
{
	if (d[0] != '\0')
		ctl_cat(d, size, ", ");
	ctl_cat(d, size, fmt, arg);
}

/* "1 frame", "3 frames". */
static void
ctl_count(char *d, size_t size, long long n, const char *one, const char *many)
{
	if (d[0] != '\0')
		ctl_cat(d, size, ", ");
	ctl_cat(d, size, "%lld %s", n, n == 1 ? one : many);
}

static void
ctl_add_output(
    struct json_object *one, char *d, size_t size, const char *prefix)
{
	const char *output = ctl_string(one, "output");
	char shown[CTL_SHOW_MAX * 4 + 4];

	if (output == NULL || output[0] == '\0')
		return;
	ctl_show(shown, sizeof(shown), output, CTL_SHOW_MAX);
	if (d[0] != '\0')
		ctl_cat(d, size, ", ");
	ctl_cat(d, size, "%s%s", prefix, shown);
}

/* Any JSON value, short, for the generic line. */
static void
ctl_value(struct json_object *v, char *out, size_t size)
{
	if (json_object_is_type(v, json_type_string))
		ctl_show(out, size, json_object_get_string(v), CTL_SHOW_MAX);
	else if (json_object_is_type(v, json_type_double))
		snprintf(out, size, "%g", json_object_get_double(v));
	else
		/* JSON text escapes control characters itself. */
		ctl_show(out, size,
		    json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
		    CTL_SHOW_MAX);
}

static void
ctl_detail_feed(struct json_object *one, char *d, size_t size)
{
	struct json_object *stale = ctl_member(one, "stale");
	struct json_object *items = ctl_member(one, "items");
	struct json_object *nodata = ctl_member(one, "itemsNoData");
	char buf[64];
	double age;

	if (stale != NULL && json_object_get_boolean(stale))
		ctl_part(d, size, "%s", "stale");
	if (ctl_number(one, "observedValue", &age) == 0) {
		ctl_duration(age, buf, sizeof(buf));
		ctl_part(d, size, "age %s", buf);
	} else {
		ctl_part(d, size, "%s", "no data yet");
	}
	if (items != NULL)
		ctl_count(d, size, (long long)json_object_get_int64(items),
		    "item", "items");
	if (nodata != NULL) {
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_object_get_int64(nodata));
		ctl_part(d, size, "%s shown as ---", buf);
	}
	ctl_add_output(one, d, size, "last error: ");
}

static void
ctl_detail_rendering(
    struct json_object *one, char *d, size_t size, int64_t now_ms)
{
	struct json_object *frames = ctl_member(one, "observedValue");
	struct json_object *msgs = ctl_member(one, "messages");
	const char *when = ctl_string(one, "time");
	char buf[64];
	int64_t t;

	if (frames != NULL)
		ctl_count(d, size, (long long)json_object_get_int64(frames),
		    "frame", "frames");
	if (when != NULL && util_parse_iso8601(when, &t) == 0) {
		ctl_duration((double)(now_ms - t) / 1000, buf, sizeof(buf));
		ctl_part(d, size, "last %s ago", buf);
	} else {
		ctl_part(d, size, "%s", "no frame yet");
	}
	if (msgs != NULL && json_object_array_length(msgs) > 0)
		ctl_count(d, size, (long long)json_object_array_length(msgs),
		    "message", "messages");
	ctl_add_output(one, d, size, "");
}

static void
ctl_detail_display(struct json_object *one, char *d, size_t size)
{
	const char *sys = ctl_string(one, "system");
	struct json_object *w = ctl_member(one, "width");
	struct json_object *h = ctl_member(one, "height");
	char shown[CTL_SHOW_MAX * 4 + 4];

	if (sys != NULL) {
		ctl_show(shown, sizeof(shown), sys, CTL_SHOW_MAX);
		ctl_cat(d, size, "%s", shown);
	}
	if (w != NULL && h != NULL)
		ctl_cat(d, size, "%s%lldx%lld", d[0] != '\0' ? " " : "",
		    (long long)json_object_get_int64(w),
		    (long long)json_object_get_int64(h));
	ctl_add_output(one, d, size, "");
}

static void
ctl_detail_other(struct json_object *one, char *d, size_t size)
{
	struct json_object *v = ctl_member(one, "observedValue");
	const char *unit = ctl_string(one, "observedUnit");
	char buf[CTL_SHOW_MAX * 4 + 4];

	if (v != NULL) {
		ctl_value(v, buf, sizeof(buf));
		ctl_cat(d, size, "%s", buf);
		if (unit != NULL && unit[0] != '\0') {
			ctl_show(buf, sizeof(buf), unit, 16);
			ctl_cat(d, size, " %s", buf);
		}
	}
	ctl_add_output(one, d, size, "");
}

static void
ctl_label(const char *key, enum ctl_kind kind, struct json_object *one,
    size_t count, char *out, size_t size)
{
	const char *id = ctl_string(one, "componentId");
	const char *colon = strchr(key, ':');
	char shown[CTL_KEY_SHOW_MAX * 4 + 4], *cut;

	switch (kind) {
	case CTL_KIND_DISPLAY:
	case CTL_KIND_RENDERING:
	case CTL_KIND_UPTIME:
		ctl_show(out, size, key, CTL_KEY_SHOW_MAX);
		cut = strchr(out, ':');
		if (cut != NULL)
			*cut = '\0'; /* "display:board" */
		if (count > 1 && id != NULL) {
			ctl_show(shown, sizeof(shown), id, CTL_KEY_SHOW_MAX);
			ctl_cat(out, size, " %s", shown);
		}
		return;
	case CTL_KIND_FEED:
		ctl_show(shown, sizeof(shown),
		    id != NULL && id[0] != '\0' ? id :
			colon != NULL           ? colon + 1 :
						  "?",
		    CTL_KEY_SHOW_MAX);
		snprintf(out, size, "feed %s", shown);
		return;
	case CTL_KIND_OTHER:
	case CTL_KIND_N:
		break;
	}
	/* "brightness:panel" reads "brightness panel". */
	ctl_show(out, size, key, CTL_KEY_SHOW_MAX);
	for (char *p = out; *p != '\0'; p++)
		if (*p == ':')
			*p = ' ';
	if (count > 1 && id != NULL) {
		ctl_show(shown, sizeof(shown), id, CTL_KEY_SHOW_MAX);
		ctl_cat(out, size, " %s", shown);
	}
}

static void
ctl_collect(struct json_object *checks, struct ctl_lines *ls, int64_t now_ms)
{
	for (int kind = 0; kind < CTL_KIND_N; kind++) {
		json_object_object_foreach (checks, key, list) {
			size_t n = json_object_array_length(list);

			if (ctl_kind_of(key) != (enum ctl_kind)kind)
				continue;
			for (size_t i = 0; i < n; i++) {
				struct json_object *one =
				    json_object_array_get_idx(list, i);
				struct ctl_line *l;

				if (ls->n == CTL_LINES_MAX) {
					ls->dropped++;
					continue;
				}
				l = &ls->v[ls->n++];
				ctl_label(key, (enum ctl_kind)kind, one, n,
				    l->label, sizeof(l->label));
				l->detail[0] = '\0';
				l->status = ctl_status_of(one);
				switch ((enum ctl_kind)kind) {
				case CTL_KIND_DISPLAY:
					ctl_detail_display(
					    one, l->detail, sizeof(l->detail));
					break;
				case CTL_KIND_RENDERING:
					ctl_detail_rendering(one, l->detail,
					    sizeof(l->detail), now_ms);
					break;
				case CTL_KIND_FEED:
					ctl_detail_feed(
					    one, l->detail, sizeof(l->detail));
					break;
				case CTL_KIND_UPTIME: {
					double s;

					if (ctl_number(
						one, "observedValue", &s) == 0)
						ctl_duration(s, l->detail,
						    sizeof(l->detail));
					/* Uptime is a fact, not a verdict. */
					if (l->status == CTL_HEALTH_PASS)
						l->status = CTL_HEALTH_NONE;
					break;
				}
				case CTL_KIND_OTHER:
				case CTL_KIND_N:
					ctl_detail_other(
					    one, l->detail, sizeof(l->detail));
					break;
				}
			}
		}
	}
}

static const char *
ctl_colour_of(enum ctl_health h)
{
	switch (h) {
	case CTL_HEALTH_PASS:
		return "\033[32m";
	case CTL_HEALTH_WARN:
		return "\033[33m";
	case CTL_HEALTH_FAIL:
		return "\033[1;31m";
	case CTL_HEALTH_NONE:
		break;
	}
	return "";
}

static void
ctl_print_status(const struct ctl *c, enum ctl_health h, int upper)
{
	const char *name = ctl_health_name(h);

	if (c->colour)
		fputs(ctl_colour_of(h), stdout);
	for (const char *p = name; *p != '\0'; p++)
		putchar(upper ? *p - 'a' + 'A' : *p);
	if (c->colour)
		fputs("\033[0m", stdout);
}

static void
ctl_pad(size_t have, size_t want)
{
	for (; have < want; have++)
		putchar(' ');
}

static void
ctl_print_health(
    const struct ctl *c, struct json_object *doc, enum ctl_health status)
{
	const char *version = ctl_string(doc, "version");
	const char *sid = ctl_string(doc, "serviceId");
	struct json_object *checks = ctl_member(doc, "checks");
	char shown[CTL_SHOW_MAX * 4 + 4];
	size_t lw = 0, dw = 0;
	struct ctl_lines ls;

	fputs("tafel", stdout);
	if (version != NULL) {
		ctl_show(shown, sizeof(shown), version, 32);
		printf(" %s", shown);
	}
	printf(" at %s", c->server);
	if (sid != NULL && sid[0] != '\0') {
		ctl_show(shown, sizeof(shown), sid, 64);
		printf(" (%s)", shown);
	}
	fputs(": ", stdout);
	ctl_print_status(c, status, 1);
	putchar('\n');
	shown[0] = '\0';
	ctl_add_output(doc, shown, sizeof(shown), "");
	if (shown[0] != '\0')
		printf("  %s\n", shown);
	if (checks == NULL)
		return;

	memset(&ls, 0, sizeof(ls));
	ls.v = util_calloc(CTL_LINES_MAX, sizeof(*ls.v));
	ctl_collect(checks, &ls, util_wall_ms());
	for (size_t i = 0; i < ls.n; i++) {
		size_t w = ctl_width(ls.v[i].label);
		size_t d = ctl_width(ls.v[i].detail);

		if (w > lw && w <= CTL_LABEL_COL_MAX)
			lw = w;
		if (ls.v[i].status != CTL_HEALTH_NONE && d > dw &&
		    d <= CTL_DETAIL_COL_MAX)
			dw = d;
	}
	for (size_t i = 0; i < ls.n; i++) {
		const struct ctl_line *l = &ls.v[i];

		printf("  %s", l->label);
		ctl_pad(ctl_width(l->label), lw);
		printf(" %s", l->detail);
		if (l->status != CTL_HEALTH_NONE) {
			ctl_pad(ctl_width(l->detail), dw);
			fputs("  ", stdout);
			ctl_print_status(c, l->status, 0);
		}
		putchar('\n');
	}
	if (ls.dropped > 0)
		printf("  ... and %zu more checks (--json shows them)\n",
		    ls.dropped);
	free(ls.v);
}

/* ------------------------------------------------------------------ */
/* Commands */

/* The message of a JSON error body ({"error": {"message"}}), if any. */
static void
ctl_error_message(const struct ctl_resp *r, char *out, size_t size)
{
	char err[CTL_ERR_LEN];
	struct json_object *doc, *e;
	const char *msg;

	out[0] = '\0';
	doc = ctl_parse_json(r->body, r->len, err, sizeof(err));
	if (doc == NULL)
		return;
	e = json_object_is_type(doc, json_type_object) ?
	    ctl_member(doc, "error") :
	    NULL;
	msg = json_object_is_type(e, json_type_object) ?
	    ctl_string(e, "message") :
	    NULL;
	if (msg != NULL)
		ctl_show(out, size, msg, CTL_SHOW_MAX);
	json_object_put(doc);
}

static int
ctl_cmd_status(struct ctl *c, int argc, char **argv)
{
	char url[CTL_URL_MAX + 16], err[CTL_ERR_LEN];
	char msg[CTL_SHOW_MAX * 4 + 4];
	enum ctl_health status;
	struct json_object *doc;
	struct util_errs errs;
	struct ctl_resp r;
	int first, code;

	if (ctl_opts(c, argc, argv, &first, &code) == -1)
		return code;
	if (first < argc) {
		ctl_err("status takes no arguments");
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	snprintf(url, sizeof(url), "%s/health", c->server);

	if (ctl_get(c, url, &r, err, sizeof(err)) == -1) {
		ctl_err("cannot reach %s: %s", url, err);
		free(r.body);
		return CTL_EXIT_SERVER;
	}
	if (r.status != 200 && r.status != 503) {
		ctl_error_message(&r, msg, sizeof(msg));
		ctl_err("%s: HTTP %ld%s%s%s", url, r.status,
		    msg[0] != '\0' ? ": " : "", msg,
		    r.status == 401 || r.status == 403 ?
			" (token: -t, TAFEL_TOKEN or 'token =' in the "
			"config file)" :
			r.status >= 300 && r.status < 400 ?
			" (redirects are not followed: give the final URL)" :
			"");
		free(r.body);
		return CTL_EXIT_SERVER;
	}
	if (r.type[0] != '\0' && strcasestr(r.type, "json") == NULL) {
		ctl_show(msg, sizeof(msg), r.type, 64);
		ctl_err("%s: HTTP %ld with Content-Type %s, not JSON", url,
		    r.status, msg);
		free(r.body);
		return CTL_EXIT_SERVER;
	}
	doc = ctl_parse_json(r.body, r.len, err, sizeof(err));
	free(r.body);
	if (doc == NULL) {
		ctl_err("%s: bad answer: %s", url, err);
		return CTL_EXIT_SERVER;
	}
	memset(&errs, 0, sizeof(errs));
	ctl_validate(doc, &errs);
	if (util_errs_count(&errs) > 0) {
		ctl_err("%s: not a health document:", url);
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "  %s\n", errs.msg[i]);
		if (errs.dropped > 0)
			fprintf(stderr, "  ... and %zu more\n", errs.dropped);
		json_object_put(doc);
		return CTL_EXIT_SERVER;
	}
	status = ctl_status_of(doc);
	if (status == CTL_HEALTH_NONE) /* validated above; be safe anyway */
		status = CTL_HEALTH_FAIL;
	/* 503 is the server's own word for fail; believe the worse. */
	if (r.status == 503 && status != CTL_HEALTH_FAIL) {
		ctl_err("warning: %s: HTTP 503 but status \"%s\"; taking fail",
		    url, ctl_health_name(status));
		status = CTL_HEALTH_FAIL;
	}
	if (c->json)
		printf("%s\n",
		    json_object_to_json_string_ext(doc,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			    JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		ctl_print_health(c, doc, status);
	json_object_put(doc);
	return status == CTL_HEALTH_PASS ? CTL_EXIT_PASS :
	    status == CTL_HEALTH_WARN    ? CTL_EXIT_WARN :
					   CTL_EXIT_FAIL;
}

static int
ctl_cmd_later(struct ctl *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	ctl_err("%s: not implemented yet: the operator message API is issue 5",
	    argv[0]);
	return CTL_EXIT_NOT_YET;
}

int
main(int argc, char **argv)
{
	const char *term = getenv("TERM");
	const char *nocolour = getenv("NO_COLOR");
	struct ctl c;
	int first, code;

	log_init("tafelctl", LOG_LEVEL_ERR);
	memset(&c, 0, sizeof(c));
	c.timeout_ms = (long)(CTL_TIMEOUT_S * 1000);
	c.colour = isatty(STDOUT_FILENO) &&
	    (nocolour == NULL || nocolour[0] == '\0') &&
	    (term == NULL || strcmp(term, "dumb") != 0);
	if (ctl_opts(&c, argc, argv, &first, &code) == -1)
		return code;
	if (first >= argc) {
		ctl_err("no command given");
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		if (strcmp(argv[first], ctl_cmds[i].name) != 0)
			continue;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			ctl_err("cannot initialise libcurl");
			return CTL_EXIT_SERVER;
		}
		code = ctl_cmds[i].run(&c, argc - first, argv + first);
		curl_global_cleanup();
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ctl_err("writing the output: %s", strerror(errno));
			return CTL_EXIT_SERVER;
		}
		return code;
	}
	{
		char shown[CTL_KEY_SHOW_MAX + 4];

		ctl_show(shown, sizeof(shown), argv[first], CTL_KEY_SHOW_MAX);
		ctl_err("unknown command '%s' (tafelctl -h lists them)", shown);
	}
	return CTL_EXIT_USAGE;
}
