/*
 * tafelctl: the command-line client of tafeld for operators and
 * maintainers.  It owns the client side of the HTTP API: where the server
 * and the token come from (option, environment, config file, default), one
 * blocking request per run with libcurl's easy interface (a CLI does one
 * thing and exits, so the daemon's no-blocking rule does not apply), and
 * turning the answer into readable text or JSON and an exit code a script
 * can test.
 *
 * Commands live in one table (ctl_cmds): status reads /health; send, list,
 * cancel, preset and validate speak the operator API under /api/v1 (see
 * docs/openapi.yaml).  Request bodies are built with json-c, never pasted
 * together, and names that go into a URL path are percent-encoded.  Times
 * given on the command line are read in the operator's local zone and sent
 * as UTC, so the server's zone cannot shift them.
 *
 * Everything the server sends is untrusted: the body is capped at 1 MiB
 * and the request at --timeout, the document is parsed strictly (json-c
 * strict mode, UTF-8 checked, bounded depth, no trailing bytes) and
 * checked field by field against the format it should have before
 * anything is printed, and strings from it reach the terminal with control
 * characters replaced, so that a broken or hostile server can neither
 * crash the client nor drive the operator's terminal.
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
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CTL_DEFAULT_SERVER   "http://127.0.0.1:8080"
#define CTL_CONF_NAME        "tafel/tafelctl.conf"
#define CTL_BODY_MAX         ((size_t)1024 * 1024) /* bytes of an answer */
#define CTL_TIMEOUT_S        5.0                   /* default --timeout */
#define CTL_TIMEOUT_MAX_S    3600.0
#define CTL_URL_MAX          2048
#define CTL_TOKEN_MAX        1024
#define CTL_CONF_MAX         ((size_t)64 * 1024) /* bytes of a config file */
#define CTL_JSON_DEPTH       32
#define CTL_ERR_LEN          1024
#define CTL_SHOW_MAX         120 /* characters of a server string shown */
#define CTL_KEY_SHOW_MAX     40  /* characters of a check name shown */
#define CTL_LINES_MAX        256 /* check lines printed; more are counted */
#define CTL_LABEL_LEN        160
#define CTL_DETAIL_LEN       1024
#define CTL_LABEL_COL_MAX    24  /* widest label column */
#define CTL_DETAIL_COL_MAX   44  /* widest detail column */
#define CTL_PRIORITY_DEFAULT 100 /* send without -p; presets default so */
#define CTL_PRIORITY_MIN     1
#define CTL_PRIORITY_MAX     255
#define CTL_DURATION_MAX_S   315360000LL /* ten years; the server caps lower */
#define CTL_ID_MAX           39          /* message ids: [0-9A-Za-z_.-] */
#define CTL_PREFIX_MIN       6   /* shortest id prefix cancel resolves */
#define CTL_SHORT_ID         8   /* id characters in the list table */
#define CTL_MULTI_COL_MAX    48  /* MULTI characters in the list table */
#define CTL_CELL_MAX         20  /* zone, source, owner characters there */
#define CTL_CARET_MAX        120 /* longest MULTI shown with a caret */
#define CTL_CMD_OPTS_MAX     8   /* options of one command */
#define CTL_NAME_MAX         255 /* bytes of a preset name */

/* Exit codes: a script tests these. */
enum ctl_exit {
	CTL_EXIT_PASS = 0,    /* status: pass; other commands: done */
	CTL_EXIT_WARN = 1,    /* status: warn */
	CTL_EXIT_REFUSED = 1, /* the server refused the request (4xx) */
	CTL_EXIT_FAIL = 2,    /* status: fail */
	CTL_EXIT_SERVER = 3,  /* unreachable, 5xx, or an answer we cannot use */
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
	CTL_OPT_START,
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
	const char *opts; /* the command's own options, usage lines */
};

/*
 * A command's own options, parsed together with the global ones: set()
 * takes one (its getopt character and value) and returns 0, or -1 after
 * printing what is wrong.
 */
struct ctl_cmd_opts {
	const struct option *longs; /* { NULL } terminated */
	const char *shorts;         /* getopt letters, "p:d:" */
	int (*set)(void *arg, int ch, const char *val);
	void *arg;
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
static int ctl_cmd_send(struct ctl *c, int argc, char **argv);
static int ctl_cmd_list(struct ctl *c, int argc, char **argv);
static int ctl_cmd_cancel(struct ctl *c, int argc, char **argv);
static int ctl_cmd_preset(struct ctl *c, int argc, char **argv);
static int ctl_cmd_validate(struct ctl *c, int argc, char **argv);
static int ctl_cmd_gpio(struct ctl *c, int argc, char **argv);
static int ctl_cmd_brightness(struct ctl *c, int argc, char **argv);

static const struct ctl_cmd ctl_cmds[] = {
	{ "status", ctl_cmd_status, "",
	    "the board's health: feeds, rendering, display, uptime", NULL },
	{ "send", ctl_cmd_send, "[OPTIONS] MULTI",
	    "show a message (NTCIP 1203 MULTI); prints its id",
	    "    -p, --priority N   1..255 (default 100; the emergency "
	    "priority, 255\n"
	    "                       unless configured, takes the whole "
	    "board)\n"
	    "    -d, --duration D   how long it shows: 90 (seconds), 90s, "
	    "30m, 2h, 1d,\n"
	    "                       1h30m ...\n"
	    "    -u, --until TIME   or until TIME (ISO 8601: "
	    "2026-11-29T18:00, local\n"
	    "                       time unless it ends in Z or an offset); "
	    "one of\n"
	    "                       -d and -u is needed\n"
	    "    --start TIME       not before TIME (default: now)\n"
	    "    -z, --zone NAME    the layout zone (default: the default "
	    "zone)\n" },
	{ "list", ctl_cmd_list, "", "the messages on the board", NULL },
	{ "cancel", ctl_cmd_cancel, "ID",
	    "remove a message (its id, or its first 6+ characters)", NULL },
	{ "preset", ctl_cmd_preset, "NAME",
	    "show a preset of the configuration; prints its id", NULL },
	{ "validate", ctl_cmd_validate, "[-z ZONE] MULTI",
	    "check MULTI, show nothing: 'ok N pages' or the error", NULL },
	{ "gpio", ctl_cmd_gpio, "[set NAME 0|1]",
	    "the cabinet's GPIO lines; set: drive a simulated input (the "
	    "line's level, gpio.backend \"sim\" only)",
	    NULL },
	{ "brightness", ctl_cmd_brightness, "[PERCENT [DURATION]|auto]",
	    "show the brightness; PERCENT overrides it for DURATION "
	    "(default 1h);\n"
	    "                         auto ends the override",
	    NULL },
};

#define CTL_NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void
ctl_usage(FILE *f)
{
	fprintf(f,
	    "usage: tafelctl [-s URL] [-t TOKEN] [-c FILE] [--json] "
	    "[--timeout S]\n"
	    "                COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n");
	for (size_t i = 0; i < CTL_NCMDS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", ctl_cmds[i].name,
		    ctl_cmds[i].args);
		if (strlen(head) > 22)
			fprintf(f, "  %s\n  %-22s %s\n", head, "",
			    ctl_cmds[i].help);
		else
			fprintf(f, "  %-22s %s\n", head, ctl_cmds[i].help);
		if (ctl_cmds[i].opts != NULL)
			fputs(ctl_cmds[i].opts, f);
	}
	fprintf(f,
	    "A MULTI or name that starts with '-' goes after '--'.\n"
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
	    "  --json            print the server's JSON document (error "
	    "documents too)\n"
	    "  --timeout S       give up after S seconds (default 5)\n"
	    "  -h, --help        this text\n"
	    "  -V, --version     print the version\n"
	    "\n"
	    "exit status: status: 0 pass, 1 warn, 2 fail; the other "
	    "commands: 0 done,\n"
	    "1 refused by the server (HTTP 4xx: the message says why); all: "
	    "3 server\n"
	    "unreachable, failing (HTTP 5xx) or a bad answer, 64 usage or "
	    "config file error\n");
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
 * Options, before the command or after it.  Before the command getopt_long
 * stops at the first argument ('+'), so the command name and its arguments
 * are never taken for options; main calls this again on the command's own
 * argv with the command's options (cmd, may be NULL), and there options may
 * follow the arguments ("validate MULTI --zone z").  *first is the index
 * of the first non-option.  -1 means exit with *code.
 */
static int
ctl_opts(struct ctl *c, int argc, char **argv, const struct ctl_cmd_opts *cmd,
    int *first, int *code)
{
	struct option longs[sizeof(ctl_long_opts) / sizeof(ctl_long_opts[0]) +
	    CTL_CMD_OPTS_MAX];
	char err[CTL_ERR_LEN], shorts[64];
	size_t n = 0;
	int ch;

	for (const struct option *o = ctl_long_opts; o->name != NULL; o++)
		longs[n++] = *o;
	for (const struct option *o = cmd != NULL ? cmd->longs : NULL;
	     o != NULL && o->name != NULL; o++) {
		if (n + 1 == sizeof(longs) / sizeof(longs[0]))
			log_fatal("tafelctl: too many options");
		longs[n++] = *o;
	}
	memset(&longs[n], 0, sizeof(longs[n]));
	snprintf(shorts, sizeof(shorts), "%s:s:t:c:hV%s",
	    cmd != NULL ? "" : "+", cmd != NULL ? cmd->shorts : "");
	optind = 0; /* glibc: start over on a new argv */
	opterr = 0; /* our messages, which name tafelctl */
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
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
		case '?':
			if (optopt != 0)
				ctl_err("unknown option '-%c'", optopt);
			else
				ctl_err(
				    "unknown option '%s'", argv[optind - 1]);
			goto usage;
		default:
			if (cmd == NULL || cmd->set(cmd->arg, ch, optarg) != 0)
				goto usage;
			break;
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

static void
ctl_header(struct curl_slist **hdrs, const char *line)
{
	struct curl_slist *h = curl_slist_append(*hdrs, line);

	if (h == NULL)
		log_fatal("out of memory");
	*hdrs = h;
}

/*
 * One request: method ("GET", "POST", "DELETE") on url, with a JSON body
 * for POST (NULL: an empty body), the answer in r.  The token goes in an
 * Authorization header, never in the URL; redirects are not followed (the
 * header must not travel elsewhere); the path goes out as built, since
 * its parts are percent-encoded already and "." must not be folded away.
 */
static int
ctl_request(const struct ctl *c, const char *method, const char *url,
    const char *accept, const char *body, struct ctl_resp *r, char *err,
    size_t errlen)
{
	char cerr[CURL_ERROR_SIZE], hdr[CTL_TOKEN_MAX + 32];
	struct curl_slist *hdrs = NULL;
	const char *type = NULL;
	int post = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0;
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
	snprintf(hdr, sizeof(hdr), "Accept: %s", accept);
	ctl_header(&hdrs, hdr);
	if (post) {
		/*
		 * JSON, or no Content-Type at all for an empty body; and no
		 * "Expect: 100-continue" round trip for a long MULTI.
		 */
		ctl_header(&hdrs,
		    body != NULL ? "Content-Type: application/json" :
				   "Content-Type:");
		ctl_header(&hdrs, "Expect:");
	}
	if (c->token[0] != '\0') {
		snprintf(
		    hdr, sizeof(hdr), "Authorization: Bearer %s", c->token);
		ctl_header(&hdrs, hdr);
		explicit_bzero(hdr, sizeof(hdr));
	}
	ok = CTL_SETOPT(curl, CURLOPT_URL, url) &&
	    CTL_SETOPT(curl, CURLOPT_PATH_AS_IS, 1L) &&
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
	if (ok && post)
		ok = CTL_SETOPT(curl, CURLOPT_POST, 1L) &&
		    (strcmp(method, "POST") == 0 ||
			CTL_SETOPT(curl, CURLOPT_CUSTOMREQUEST, method)) &&
		    CTL_SETOPT(curl, CURLOPT_POSTFIELDSIZE_LARGE,
			(curl_off_t)(body != NULL ? strlen(body) : 0)) &&
		    CTL_SETOPT(
			curl, CURLOPT_POSTFIELDS, body != NULL ? body : "");
	else if (ok)
		ok = CTL_SETOPT(curl, CURLOPT_HTTPGET, 1L) &&
		    (strcmp(method, "GET") == 0 ||
			CTL_SETOPT(curl, CURLOPT_CUSTOMREQUEST, method));
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

static int
ctl_get(const struct ctl *c, const char *url, struct ctl_resp *r, char *err,
    size_t errlen)
{
	return ctl_request(c, "GET", url,
	    "application/health+json, application/json", NULL, r, err, errlen);
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
/* The operator API: arguments */

/* Commands without options of their own still take the global ones. */
static const struct option ctl_no_opts[] = { { NULL, 0, NULL, 0 } };
static const struct ctl_cmd_opts ctl_plain_opts = { ctl_no_opts, "", NULL,
	NULL };

/* Strict UTF-8 (no overlong forms, surrogates or code points > U+10FFFF). */
static int
ctl_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		uint32_t cp;
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			cp = *p & 0x07;
		} else {
			return 0;
		}
		for (int k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return 0; /* also stops at the NUL */
			cp = cp << 6 | (p[k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* A message id as the server makes them: 1..39 of [0-9A-Za-z_.-]. */
static int
ctl_id_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CTL_ID_MAX &&
	    strspn(s,
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz_.-") == n;
}

/* An integer in min..max, all of arg. */
static int
ctl_parse_int(const char *arg, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * A duration: plain seconds ("90") or numbers with units, largest first,
 * each unit once ("90s", "30m", "2h", "1d", "1h30m").  1 s .. ten years;
 * the server has the real limit (messages.max_duration_s).
 */
static int
ctl_parse_duration(const char *arg, long long *secs)
{
	static const char units[] = "dhms";
	static const long long unit_s[] = { 86400, 3600, 60, 1 };
	const char *p = arg;
	long long total = 0;
	size_t next = 0; /* units before this one are used up */

	if (*p >= '0' && *p <= '9' &&
	    ctl_parse_int(arg, 1, CTL_DURATION_MAX_S, secs) == 0)
		return 0;
	while (*p != '\0') {
		long long n = 0;
		const char *u;
		int digits = 0;

		for (; *p >= '0' && *p <= '9'; p++, digits++) {
			n = n * 10 + (*p - '0');
			if (n > CTL_DURATION_MAX_S)
				return -1;
		}
		if (digits == 0 || *p == '\0' ||
		    (u = strchr(units + next, *p)) == NULL)
			return -1;
		next = (size_t)(u - units) + 1;
		total += n * unit_s[u - units];
		if (total > CTL_DURATION_MAX_S)
			return -1;
		p++;
	}
	if (total < 1)
		return -1;
	*secs = total;
	return 0;
}

/*
 * An ISO 8601 time from the command line, read in the local zone unless
 * it names one, as UTC text for the server.
 */
static int
ctl_parse_time(const char *arg, char *out, size_t size)
{
	struct tm tm;
	time_t t;
	int64_t ms;
	char base[32];

	if (util_parse_iso8601(arg, &ms) != 0)
		return -1;
	t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	if (ms % 1000 != 0)
		snprintf(out, size, "%s.%03dZ", base,
		    (int)(((ms % 1000) + 1000) % 1000));
	else
		snprintf(out, size, "%sZ", base);
	return 0;
}

/* A time from the server for the table: local "2026-11-29 18:00". */
static void
ctl_local_time(const char *iso, char *out, size_t size)
{
	struct tm tm;
	int64_t ms;
	time_t t;

	if (iso == NULL || util_parse_iso8601(iso, &ms) != 0) {
		snprintf(out, size, "-");
		return;
	}
	t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, size, "?");
}

/* A command-line value in an error message, harmless and short. */
#define CTL_ARG_SHOW(buf, arg) ctl_show((buf), sizeof(buf), (arg), 40)

/* ------------------------------------------------------------------ */
/* The operator API: requests and answers */

/* What an error document says: {"error": {"code", "message", ...}}. */
struct ctl_api_error {
	char code[CTL_KEY_SHOW_MAX * 4 + 4];
	char message[CTL_SHOW_MAX * 4 + 4];
	long long multi_error; /* NTCIP multiSyntaxError; -1: none */
	long long position;    /* code point offset in the MULTI; -1: none */
};

/* 0 when doc is an error document; e gets what it says, made printable. */
static int
ctl_error_of(struct json_object *doc, struct ctl_api_error *e)
{
	struct json_object *o, *v;
	const char *s;

	memset(e, 0, sizeof(*e));
	e->multi_error = e->position = -1;
	o = json_object_is_type(doc, json_type_object) ?
	    ctl_member(doc, "error") :
	    NULL;
	if (!json_object_is_type(o, json_type_object))
		return -1;
	if ((s = ctl_string(o, "code")) != NULL)
		ctl_show(e->code, sizeof(e->code), s, CTL_KEY_SHOW_MAX);
	if ((s = ctl_string(o, "message")) != NULL)
		ctl_show(e->message, sizeof(e->message), s, CTL_SHOW_MAX);
	v = ctl_member(o, "multi_error");
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		e->multi_error = json_object_get_int64(v);
	v = ctl_member(o, "position");
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0)
		e->position = json_object_get_int64(v);
	return 0;
}

/* The message of a JSON error body ({"error": {"message"}}), if any. */
static void
ctl_error_message(const struct ctl_resp *r, char *out, size_t size)
{
	char err[CTL_ERR_LEN];
	struct ctl_api_error e;
	struct json_object *doc;

	out[0] = '\0';
	doc = ctl_parse_json(r->body, r->len, err, sizeof(err));
	if (doc != NULL && ctl_error_of(doc, &e) == 0)
		util_strlcpy(out, e.message, size);
	json_object_put(doc);
}

static void
ctl_print_json(struct json_object *doc)
{
	printf("%s\n",
	    json_object_to_json_string_ext(doc,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/*
 * The MULTI again with a caret under the character at pos, when it is
 * short and plain enough for the caret to land in the right column.
 */
static void
ctl_caret(FILE *f, const char *multi, long long pos)
{
	char shown[CTL_CARET_MAX * 4 + 4];

	if (multi == NULL || pos < 0)
		return;
	ctl_show(shown, sizeof(shown), multi, CTL_CARET_MAX);
	if (strcmp(shown, multi) != 0 || (size_t)pos > ctl_width(shown))
		return; /* cut, or control characters in it */
	fprintf(f, "  %s\n  %*s^\n", shown, (int)pos, "");
}

/* "error unsupportedTag 3 at 5: message", as tafeld multi-check says. */
static void
ctl_multi_error_line(const struct ctl_api_error *e, char *out, size_t size)
{
	snprintf(out, size, "error %s %lld at %lld%s%s",
	    e->code[0] != '\0' ? e->code : "?", e->multi_error, e->position,
	    e->message[0] != '\0' ? ": " : "", e->message);
}

/*
 * Say on stderr why a request did not succeed: the HTTP status and the
 * server's words, and how to get a token when that is the problem; with
 * --json the server's error document goes to stdout as well.  The exit
 * code: refused (4xx) or the server's trouble (anything else).
 */
static int
ctl_say_failed(const struct ctl *c, const char *method, const char *url,
    long status, struct json_object *edoc, const char *multi)
{
	struct ctl_api_error e;
	char line[CTL_SHOW_MAX * 8 + 64];
	int have = edoc != NULL && ctl_error_of(edoc, &e) == 0;

	if (c->json && have)
		ctl_print_json(edoc);
	if (status >= 300 && status < 400) {
		ctl_err("%s %s: HTTP %ld (redirects are not followed: give "
			"the final URL)",
		    method, url, status);
	} else if (have && e.multi_error >= 0 && e.position >= 0) {
		ctl_multi_error_line(&e, line, sizeof(line));
		ctl_err("%s %s: HTTP %ld: %s", method, url, status, line);
		ctl_caret(stderr, multi, e.position);
	} else if (have) {
		ctl_err("%s %s: HTTP %ld%s%s%s%s%s", method, url, status,
		    e.code[0] != '\0' ? " (" : "", e.code,
		    e.code[0] != '\0' ? ")" : "",
		    e.message[0] != '\0' ? ": " : "", e.message);
	} else {
		ctl_err("%s %s: HTTP %ld", method, url, status);
	}
	if (status == 401 && c->token[0] == '\0')
		ctl_err("this needs a token: give it with -t, TAFEL_TOKEN or "
			"'token =' in the config file");
	else if (status == 401)
		ctl_err("the token was not accepted: check -t, TAFEL_TOKEN "
			"or 'token =' in the config file");
	else if (status == 403)
		ctl_err("this needs an operator token (this one may only "
			"read): -t, TAFEL_TOKEN or 'token =' in the config "
			"file");
	return status >= 400 && status < 500 ? CTL_EXIT_REFUSED :
					       CTL_EXIT_SERVER;
}

/* The answer of ctl_api. */
struct ctl_answer {
	long status;
	struct json_object *doc; /* the JSON object answered, or NULL */
	char url[CTL_URL_MAX + 512];
};

/*
 * One request to the API: method on path (below the server), body a JSON
 * object or NULL.  0 when the server did it (2xx; ans->doc is the JSON
 * object it answered, NULL for 204 No Content).  Otherwise the exit code
 * after saying why on stderr, except for the status `quiet` (404, 422, or
 * 0 for none), which comes back unsaid as CTL_EXIT_REFUSED with the error
 * document, if any, in ans->doc for the caller to deal with.  multi, if
 * not NULL, is shown under a MULTI error.
 */
static int
ctl_api(const struct ctl *c, const char *method, const char *path,
    struct json_object *body, const char *multi, long quiet,
    struct ctl_answer *ans)
{
	char err[CTL_ERR_LEN], perr[CTL_ERR_LEN], type[64 + 4];
	struct json_object *doc = NULL;
	struct ctl_resp r;
	int code = 0;

	memset(ans, 0, sizeof(*ans));
	snprintf(ans->url, sizeof(ans->url), "%s%s", c->server, path);
	if (ctl_request(c, method, ans->url, "application/json",
		body != NULL ? json_object_to_json_string_ext(body,
				   JSON_C_TO_STRING_PLAIN |
				       JSON_C_TO_STRING_NOSLASHESCAPE) :
			       NULL,
		&r, err, sizeof(err)) == -1) {
		ctl_err("cannot reach %s: %s", ans->url, err);
		free(r.body);
		return CTL_EXIT_SERVER;
	}
	ans->status = r.status;
	if (r.type[0] == '\0' || strcasestr(r.type, "json") != NULL)
		doc = ctl_parse_json(r.body, r.len, perr, sizeof(perr));
	if (r.status < 200 || r.status >= 300) {
		if (r.status == quiet) {
			ans->doc = doc;
			free(r.body);
			return CTL_EXIT_REFUSED;
		}
		code =
		    ctl_say_failed(c, method, ans->url, r.status, doc, multi);
		json_object_put(doc);
		free(r.body);
		return code;
	}
	if (r.len == 0 && r.status == 204) {
		free(r.body);
		return 0;
	}
	if (r.type[0] != '\0' && strcasestr(r.type, "json") == NULL) {
		ctl_show(type, sizeof(type), r.type, 64);
		ctl_err("%s %s: HTTP %ld with Content-Type %s, not JSON",
		    method, ans->url, r.status, type);
		code = CTL_EXIT_SERVER;
	} else if (doc == NULL) {
		ctl_err("%s %s: bad answer: %s", method, ans->url, perr);
		code = CTL_EXIT_SERVER;
	} else if (!json_object_is_type(doc, json_type_object)) {
		ctl_err("%s %s: bad answer: want an object, got %s", method,
		    ans->url, json_type_to_name(json_object_get_type(doc)));
		code = CTL_EXIT_SERVER;
	}
	free(r.body);
	if (code != 0) {
		json_object_put(doc);
		return code;
	}
	ans->doc = doc;
	return 0;
}

/* The fields of a message the client knows; others are left alone. */
static const struct ctl_field ctl_msg_fields[] = {
	{ "id", CTL_W_STRING, 1 },
	{ "multi", CTL_W_STRING, 0 },
	{ "priority", CTL_W_COUNT, 0 },
	{ "start", CTL_W_TIME, 0 },
	{ "end", CTL_W_TIME, 0 }, /* null: until cancelled */
	{ "zone", CTL_W_STRING, 0 },
	{ "source", CTL_W_STRING, 0 },
	{ "owner", CTL_W_STRING, 0 },
	{ "created", CTL_W_TIME, 0 },
	{ "active", CTL_W_BOOL, 0 },
	{ NULL, CTL_W_ANY, 0 },
};

/* Check one message object; its id must be one the server could make. */
static void
ctl_check_msg(struct json_object *m, const char *path, struct util_errs *errs)
{
	const char *id;
	char shown[48];

	if (!json_object_is_type(m, json_type_object)) {
		util_errs_add(errs, "%s: want an object, got %s", path,
		    json_type_to_name(json_object_get_type(m)));
		return;
	}
	ctl_check_fields(m, ctl_msg_fields, path, errs);
	id = ctl_string(m, "id");
	if (id != NULL && !ctl_id_ok(id)) {
		ctl_show(shown, sizeof(shown), id, 40);
		util_errs_add(errs, "%s%sid: \"%s\" is not a message id", path,
		    path[0] != '\0' ? "." : "", shown);
	}
}

/* 0, or CTL_EXIT_SERVER after listing what is wrong with the answer. */
static int
ctl_report(const char *method, const char *url, const char *what,
    const struct util_errs *errs)
{
	if (util_errs_count(errs) == 0)
		return 0;
	ctl_err("%s %s: bad answer, not %s:", method, url, what);
	for (size_t i = 0; i < errs->n; i++)
		fprintf(stderr, "  %s\n", errs->msg[i]);
	if (errs->dropped > 0)
		fprintf(stderr, "  ... and %zu more\n", errs->dropped);
	return CTL_EXIT_SERVER;
}

/*
 * A message the server made (send, preset): its id on stdout, or with
 * --json the whole answer.
 */
static int
ctl_print_made(
    const struct ctl *c, const char *method, const struct ctl_answer *ans)
{
	struct util_errs errs;
	int code;

	memset(&errs, 0, sizeof(errs));
	if (ans->doc == NULL)
		util_errs_add(&errs, "an empty answer");
	else
		ctl_check_msg(ans->doc, "", &errs);
	code = ctl_report(method, ans->url, "a message", &errs);
	if (code != 0)
		return code;
	if (c->json)
		ctl_print_json(ans->doc);
	else
		printf("%s\n", ctl_string(ans->doc, "id"));
	return 0;
}

/* ------------------------------------------------------------------ */
/* The operator API: commands */

struct ctl_send_args {
	long long priority;
	long long duration_s; /* 0: not given */
	char until[64];       /* UTC ISO 8601, "" when not given */
	char start[64];
	const char *zone; /* NULL: the default zone */
};

enum ctl_send_opt {
	CTL_SEND_PRIORITY = 'p',
	CTL_SEND_DURATION = 'd',
	CTL_SEND_UNTIL = 'u',
	CTL_SEND_ZONE = 'z',
};

static const struct option ctl_send_longs[] = {
	{ "priority", required_argument, NULL, CTL_SEND_PRIORITY },
	{ "duration", required_argument, NULL, CTL_SEND_DURATION },
	{ "until", required_argument, NULL, CTL_SEND_UNTIL },
	{ "start", required_argument, NULL, CTL_OPT_START },
	{ "zone", required_argument, NULL, CTL_SEND_ZONE },
	{ NULL, 0, NULL, 0 },
};

static const struct option ctl_zone_longs[] = {
	{ "zone", required_argument, NULL, CTL_SEND_ZONE },
	{ NULL, 0, NULL, 0 },
};

static int
ctl_zone_opt(const char **zone, const char *val)
{
	char shown[48];

	if (!ctl_utf8_ok(val)) {
		CTL_ARG_SHOW(shown, val);
		ctl_err("-z: '%s' is not UTF-8 text", shown);
		return -1;
	}
	*zone = val;
	return 0;
}

static int
ctl_send_opt(void *arg, int ch, const char *val)
{
	struct ctl_send_args *a = arg;
	char shown[48];

	CTL_ARG_SHOW(shown, val);
	switch (ch) {
	case CTL_SEND_PRIORITY:
		if (ctl_parse_int(val, CTL_PRIORITY_MIN, CTL_PRIORITY_MAX,
			&a->priority) == 0)
			return 0;
		ctl_err("-p: '%s' is not a priority in %d..%d", shown,
		    CTL_PRIORITY_MIN, CTL_PRIORITY_MAX);
		return -1;
	case CTL_SEND_DURATION:
		if (ctl_parse_duration(val, &a->duration_s) == 0)
			return 0;
		ctl_err("-d: '%s' is not a duration like 90, 90s, 30m, 2h, "
			"1d or 1h30m",
		    shown);
		return -1;
	case CTL_SEND_UNTIL:
	case CTL_OPT_START:
		if (ctl_parse_time(val,
			ch == CTL_SEND_UNTIL ? a->until : a->start,
			sizeof(a->until)) == 0)
			return 0;
		ctl_err("%s: '%s' is not an ISO 8601 time like "
			"2026-11-29T18:00 or 2026-11-29T18:00:00+01:00",
		    ch == CTL_SEND_UNTIL ? "-u" : "--start", shown);
		return -1;
	case CTL_SEND_ZONE:
		return ctl_zone_opt(&a->zone, val);
	default:
		return -1;
	}
}

/* The one argument a command takes (MULTI, ID, NAME); NULL: usage. */
static const char *
ctl_one_arg(int argc, char **argv, int first, const char *what)
{
	if (first >= argc) {
		ctl_err("%s: %s is missing", argv[0], what);
		return NULL;
	}
	if (first + 1 < argc) {
		ctl_err("%s takes one %s; quote it if it has spaces", argv[0],
		    what);
		return NULL;
	}
	return argv[first];
}

static const char *
ctl_multi_arg(int argc, char **argv, int first)
{
	const char *multi = ctl_one_arg(argc, argv, first, "MULTI");

	if (multi != NULL && !ctl_utf8_ok(multi)) {
		ctl_err("%s: MULTI is not UTF-8 text", argv[0]);
		return NULL;
	}
	return multi;
}

static int
ctl_cmd_send(struct ctl *c, int argc, char **argv)
{
	struct ctl_send_args a = { .priority = CTL_PRIORITY_DEFAULT };
	const struct ctl_cmd_opts opts = { ctl_send_longs,
		"p:d:u:z:", ctl_send_opt, &a };
	struct json_object *body;
	struct ctl_answer ans;
	const char *multi;
	int first, code;

	if (ctl_opts(c, argc, argv, &opts, &first, &code) == -1)
		return code;
	if ((multi = ctl_multi_arg(argc, argv, first)) == NULL)
		return CTL_EXIT_USAGE;
	if ((a.duration_s > 0) == (a.until[0] != '\0')) {
		ctl_err("send: say how long the message shows: -d DURATION "
			"or -u TIME (one of them)");
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	body = json_object_new_object();
	json_object_object_add(body, "multi", json_object_new_string(multi));
	json_object_object_add(
	    body, "priority", json_object_new_int64(a.priority));
	if (a.duration_s > 0)
		json_object_object_add(
		    body, "duration_s", json_object_new_int64(a.duration_s));
	else
		json_object_object_add(
		    body, "end", json_object_new_string(a.until));
	if (a.start[0] != '\0')
		json_object_object_add(
		    body, "start", json_object_new_string(a.start));
	if (a.zone != NULL)
		json_object_object_add(
		    body, "zone", json_object_new_string(a.zone));
	code = ctl_api(c, "POST", "/api/v1/messages", body, multi, 0, &ans);
	json_object_put(body);
	if (code == 0)
		code = ctl_print_made(c, "POST", &ans);
	json_object_put(ans.doc);
	return code;
}

/* One line of the list table, every cell printable. */
struct ctl_row {
	char id[CTL_SHORT_ID + 1];
	char priority[16];
	char zone[CTL_CELL_MAX * 4 + 4];
	char source[CTL_CELL_MAX * 4 + 4];
	char owner[CTL_CELL_MAX * 4 + 4];
	char until[32];
	char active[8];
	char multi[CTL_MULTI_COL_MAX * 4 + 4];
};

#define CTL_COLS 7 /* MULTI, the last, is not padded */

static void
ctl_cell(
    char *out, size_t size, struct json_object *m, const char *name, size_t max)
{
	const char *s = ctl_string(m, name);

	ctl_show(out, size, s != NULL && s[0] != '\0' ? s : "-", max);
}

static void
ctl_row(struct json_object *m, struct ctl_row *r)
{
	struct json_object *prio = ctl_member(m, "priority");
	struct json_object *active = ctl_member(m, "active");

	/* Checked: an id of [0-9A-Za-z_.-]. */
	snprintf(r->id, sizeof(r->id), "%s", ctl_string(m, "id"));
	if (prio != NULL)
		snprintf(r->priority, sizeof(r->priority), "%lld",
		    (long long)json_object_get_int64(prio));
	else
		snprintf(r->priority, sizeof(r->priority), "-");
	ctl_cell(r->zone, sizeof(r->zone), m, "zone", CTL_CELL_MAX);
	ctl_cell(r->source, sizeof(r->source), m, "source", CTL_CELL_MAX);
	ctl_cell(r->owner, sizeof(r->owner), m, "owner", CTL_CELL_MAX);
	ctl_local_time(ctl_string(m, "end"), r->until, sizeof(r->until));
	snprintf(r->active, sizeof(r->active), "%s",
	    active == NULL                      ? "-" :
		json_object_get_boolean(active) ? "yes" :
						  "no");
	ctl_cell(r->multi, sizeof(r->multi), m, "multi", CTL_MULTI_COL_MAX);
}

static void
ctl_print_rows(const struct ctl_row *rows, size_t n)
{
	static const struct ctl_row head = { "ID", "PRIO", "ZONE", "SOURCE",
		"OWNER", "UNTIL", "ACTIVE", "MULTI" };
	size_t w[CTL_COLS] = { 0 };

	for (size_t i = 0; i <= n; i++) {
		const struct ctl_row *r = i < n ? &rows[i] : &head;
		const char *cells[CTL_COLS] = { r->id, r->priority, r->zone,
			r->source, r->owner, r->until, r->active };

		for (size_t k = 0; k < CTL_COLS; k++)
			if (ctl_width(cells[k]) > w[k])
				w[k] = ctl_width(cells[k]);
	}
	for (size_t i = 0; i <= n; i++) {
		const struct ctl_row *r = i == 0 ? &head : &rows[i - 1];
		const char *cells[CTL_COLS] = { r->id, r->priority, r->zone,
			r->source, r->owner, r->until, r->active };

		for (size_t k = 0; k < CTL_COLS; k++) {
			/* Numbers to the right, words to the left. */
			if (k == 1)
				ctl_pad(ctl_width(cells[k]), w[k]);
			fputs(cells[k], stdout);
			if (k != 1)
				ctl_pad(ctl_width(cells[k]), w[k]);
			fputs("  ", stdout);
		}
		printf("%s\n", r->multi);
	}
}

/* GET the messages: 0 with the checked "messages" array borrowed from doc. */
static int
ctl_get_messages(
    const struct ctl *c, struct ctl_answer *ans, struct json_object **list)
{
	struct util_errs errs;
	int code;

	code = ctl_api(c, "GET", "/api/v1/messages", NULL, NULL, 0, ans);
	if (code != 0)
		return code;
	memset(&errs, 0, sizeof(errs));
	*list = ans->doc != NULL ? ctl_member(ans->doc, "messages") : NULL;
	if (!json_object_is_type(*list, json_type_array)) {
		util_errs_add(&errs, "messages: want an array");
	} else {
		for (size_t i = 0; i < json_object_array_length(*list); i++) {
			char path[32];

			snprintf(path, sizeof(path), "messages[%zu]", i);
			ctl_check_msg(
			    json_object_array_get_idx(*list, i), path, &errs);
		}
	}
	return ctl_report("GET", ans->url, "a message list", &errs);
}

static int
ctl_cmd_list(struct ctl *c, int argc, char **argv)
{
	struct json_object *list;
	struct ctl_answer ans;
	struct ctl_row *rows;
	int first, code;
	size_t n;

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
		return code;
	if (first < argc) {
		ctl_err("list takes no arguments");
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	code = ctl_get_messages(c, &ans, &list);
	if (code != 0) {
		json_object_put(ans.doc);
		return code;
	}
	if (c->json) {
		ctl_print_json(ans.doc);
		json_object_put(ans.doc);
		return 0;
	}
	n = json_object_array_length(list);
	if (n == 0) {
		printf("no messages\n");
		json_object_put(ans.doc);
		return 0;
	}
	rows = util_calloc(n, sizeof(*rows));
	for (size_t i = 0; i < n; i++)
		ctl_row(json_object_array_get_idx(list, i), &rows[i]);
	ctl_print_rows(rows, n);
	free(rows);
	json_object_put(ans.doc);
	return 0;
}

/*
 * The full id of the one message whose id starts with prefix, as the list
 * table shows them: 0, or the exit code after saying why not.
 */
static int
ctl_resolve_prefix(
    const struct ctl *c, const char *prefix, char *id, size_t size)
{
	struct json_object *list;
	struct ctl_answer ans;
	size_t found = 0;
	int code;

	code = ctl_get_messages(c, &ans, &list);
	if (code != 0) {
		json_object_put(ans.doc);
		return code;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *one =
		    ctl_string(json_object_array_get_idx(list, i), "id");

		if (strncmp(one, prefix, strlen(prefix)) == 0 && found++ == 0)
			util_strlcpy(id, one, size);
	}
	json_object_put(ans.doc);
	if (found == 1)
		return 0;
	if (found > 1)
		ctl_err("cancel: %zu messages have ids starting with %s; give "
			"more of the id",
		    found, prefix);
	return CTL_EXIT_REFUSED;
}

static int
ctl_cmd_cancel(struct ctl *c, int argc, char **argv)
{
	char path[64], full[CTL_ID_MAX + 1], shown[48];
	struct ctl_answer ans;
	const char *id;
	int first, code;

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
		return code;
	if ((id = ctl_one_arg(argc, argv, first, "ID")) == NULL)
		return CTL_EXIT_USAGE;
	if (!ctl_id_ok(id)) {
		CTL_ARG_SHOW(shown, id);
		ctl_err("cancel: '%s' is not a message id (1..%d of 0-9, A-Z, "
			"a-z, '_', '.', '-'; 'tafelctl list' shows them)",
		    shown, CTL_ID_MAX);
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	snprintf(path, sizeof(path), "/api/v1/messages/%s", id);
	code = ctl_api(c, "DELETE", path, NULL, NULL, 404, &ans);
	if (code == CTL_EXIT_REFUSED && ans.status == 404) {
		/* Not an id: perhaps the start of one, as list shows them. */
		int rc = strlen(id) >= CTL_PREFIX_MIN ?
		    ctl_resolve_prefix(c, id, full, sizeof(full)) :
		    CTL_EXIT_REFUSED;

		if (rc == 0) {
			json_object_put(ans.doc);
			snprintf(
			    path, sizeof(path), "/api/v1/messages/%s", full);
			id = full;
			code = ctl_api(c, "DELETE", path, NULL, NULL, 0, &ans);
		} else if (rc == CTL_EXIT_REFUSED) {
			code = ctl_say_failed(
			    c, "DELETE", ans.url, 404, ans.doc, NULL);
		} else {
			code = rc;
		}
	}
	if (code == 0) {
		if (c->json && ans.doc != NULL)
			ctl_print_json(ans.doc);
		else if (!c->json)
			printf("cancelled %s\n", id);
	}
	json_object_put(ans.doc);
	return code;
}

static int
ctl_cmd_preset(struct ctl *c, int argc, char **argv)
{
	char path[CTL_URL_MAX], shown[48];
	struct ctl_answer ans;
	const char *name;
	char *esc;
	CURL *curl;
	int first, code;

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
		return code;
	if ((name = ctl_one_arg(argc, argv, first, "NAME")) == NULL)
		return CTL_EXIT_USAGE;
	if (name[0] == '\0' || !ctl_utf8_ok(name) ||
	    strlen(name) > CTL_NAME_MAX) {
		CTL_ARG_SHOW(shown, name);
		ctl_err("preset: '%s' is not a preset name", shown);
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	curl = curl_easy_init();
	esc = curl != NULL ? curl_easy_escape(curl, name, 0) : NULL;
	curl_easy_cleanup(curl);
	if (esc == NULL) {
		ctl_err("preset: cannot encode the name (libcurl)");
		return CTL_EXIT_SERVER;
	}
	snprintf(path, sizeof(path), "/api/v1/presets/%s", esc);
	curl_free(esc);
	code = ctl_api(c, "POST", path, NULL, NULL, 0, &ans);
	if (code == 0)
		code = ctl_print_made(c, "POST", &ans);
	json_object_put(ans.doc);
	return code;
}

static int
ctl_validate_opt(void *arg, int ch, const char *val)
{
	return ch == CTL_SEND_ZONE ? ctl_zone_opt(arg, val) : -1;
}

static int
ctl_cmd_validate(struct ctl *c, int argc, char **argv)
{
	const char *zone = NULL, *multi;
	const struct ctl_cmd_opts opts = { ctl_zone_longs,
		"z:", ctl_validate_opt, &zone };
	struct json_object *body, *ok, *pages;
	char line[CTL_SHOW_MAX * 8 + 64];
	struct ctl_api_error e;
	struct ctl_answer ans;
	int first, code;
	long long n;

	if (ctl_opts(c, argc, argv, &opts, &first, &code) == -1)
		return code;
	if ((multi = ctl_multi_arg(argc, argv, first)) == NULL)
		return CTL_EXIT_USAGE;
	if (ctl_resolve(c) == -1)
		return CTL_EXIT_USAGE;
	body = json_object_new_object();
	json_object_object_add(body, "multi", json_object_new_string(multi));
	if (zone != NULL)
		json_object_object_add(
		    body, "zone", json_object_new_string(zone));
	code = ctl_api(c, "POST", "/api/v1/validate", body, multi, 422, &ans);
	json_object_put(body);
	if (code == CTL_EXIT_REFUSED && ans.status == 422) {
		/* The MULTI is wrong: that is this command's answer. */
		if (ans.doc == NULL || ctl_error_of(ans.doc, &e) != 0 ||
		    e.multi_error < 0 || e.position < 0) {
			code = ctl_say_failed(
			    c, "POST", ans.url, 422, ans.doc, multi);
		} else if (c->json) {
			ctl_print_json(ans.doc);
		} else {
			ctl_multi_error_line(&e, line, sizeof(line));
			printf("%s\n", line);
			ctl_caret(stdout, multi, e.position);
		}
	} else if (code == 0) {
		ok = ans.doc != NULL ? ctl_member(ans.doc, "ok") : NULL;
		pages = ans.doc != NULL ? ctl_member(ans.doc, "pages") : NULL;
		if (!json_object_is_type(ok, json_type_boolean) ||
		    !json_object_get_boolean(ok) ||
		    !ctl_is(pages, CTL_W_COUNT)) {
			ctl_err("POST %s: bad answer: want {\"ok\": true, "
				"\"pages\": N}",
			    ans.url);
			code = CTL_EXIT_SERVER;
		} else if (c->json) {
			ctl_print_json(ans.doc);
		} else {
			n = (long long)json_object_get_int64(pages);
			printf("ok %lld page%s\n", n, n == 1 ? "" : "s");
		}
	}
	json_object_put(ans.doc);
	return code;
}

/* ------------------------------------------------------------------ */
/* Commands */

/* ------------------------------------------------------------------ */
/* The cabinet: GPIO lines and brightness */

/* One line of "tafelctl gpio": name, role, state or value. */
static void
ctl_print_lines(struct json_object *doc, const char *key, int inputs)
{
	struct json_object *lines = ctl_member(doc, key);
	char name[48], role[48], state[48];

	if (!json_object_is_type(lines, json_type_object))
		return;
	json_object_object_foreach (lines, k, v) {
		const char *r = ctl_string(v, "role");
		const char *st = ctl_string(v, "state");
		double val;
		ctl_show(name, sizeof(name), k, 24);
		ctl_show(role, sizeof(role), r != NULL ? r : "?", 16);
		if (inputs && st != NULL)
			ctl_show(state, sizeof(state), st, 16);
		else if (ctl_number(v, "value", &val) == 0)
			snprintf(state, sizeof(state), "%s",
			    val != 0 ? "on" : "off");
		else
			snprintf(state, sizeof(state), "unavailable");
		printf("%-6s %-20s %-14s %s\n", inputs ? "input" : "output",
		    name, role, state);
	}
}

static int
ctl_cmd_gpio(struct ctl *c, int argc, char **argv)
{
	struct json_object *body = NULL, *v;
	struct ctl_answer ans;
	char shown[64];
	long long level;
	int first, code;
	const char *chip, *backend, *err;

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
		return code;
	if (first < argc && strcmp(argv[first], "set") == 0) {
		if (argc - first != 3 || !ctl_utf8_ok(argv[first + 1]) ||
		    argv[first + 1][0] == '\0' ||
		    ctl_parse_int(argv[first + 2], 0, 1, &level) != 0) {
			ctl_err("usage: tafelctl gpio set NAME 0|1");
			return CTL_EXIT_USAGE;
		}
		body = json_object_new_object();
		json_object_object_add(
		    body, "line", json_object_new_string(argv[first + 1]));
		json_object_object_add(
		    body, "value", json_object_new_int((int)level));
	} else if (first < argc) {
		ctl_err("usage: tafelctl gpio [set NAME 0|1]");
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1) {
		json_object_put(body);
		return CTL_EXIT_USAGE;
	}
	code = ctl_api(c, body != NULL ? "POST" : "GET",
	    body != NULL ? "/api/v1/gpio/sim" : "/api/v1/gpio", body, NULL, 0,
	    &ans);
	json_object_put(body);
	if (code != 0 || ans.doc == NULL) {
		json_object_put(ans.doc);
		return code != 0 ? code : CTL_EXIT_SERVER;
	}
	if (c->json) {
		ctl_print_json(ans.doc);
	} else if (first < argc) {
		CTL_ARG_SHOW(shown, argv[first + 1]);
		printf("%s set to %lld\n", shown, level);
	} else {
		chip = ctl_string(ans.doc, "chip");
		backend = ctl_string(ans.doc, "backend");
		err = ctl_string(ans.doc, "error");
		v = ctl_member(ans.doc, "configured");
		if (!json_object_is_type(v, json_type_boolean) ||
		    !json_object_get_boolean(v)) {
			printf("no GPIO lines configured\n");
		} else {
			ctl_show(shown, sizeof(shown), chip ? chip : "?", 48);
			/* The simulation backend names itself in the chip. */
			printf("chip %s%s\n", shown,
			    backend != NULL && strcmp(backend, "sim") == 0 ?
				"" :
				" (libgpiod)");
			if (err != NULL) {
				ctl_show(shown, sizeof(shown), err, 60);
				printf("error: %s\n", shown);
			}
			ctl_print_lines(ans.doc, "inputs", 1);
			ctl_print_lines(ans.doc, "outputs", 0);
		}
	}
	json_object_put(ans.doc);
	return 0;
}

static int
ctl_cmd_brightness(struct ctl *c, int argc, char **argv)
{
	struct json_object *body = NULL;
	struct ctl_answer ans;
	const char *method = "GET", *mode, *why, *until;
	struct json_object *ov;
	long long pct = 0, dur = 3600;
	char shown[128], when[64];
	double now_pct;
	int first, code, n;

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
		return code;
	n = argc - first;
	if (n == 1 && strcmp(argv[first], "auto") == 0) {
		method = "DELETE";
	} else if (n == 1 || n == 2) {
		if (ctl_parse_int(argv[first], 0, 100, &pct) != 0 ||
		    (n == 2 &&
			ctl_parse_duration(argv[first + 1], &dur) != 0)) {
			ctl_err("usage: tafelctl brightness [PERCENT "
				"[DURATION]|auto] (PERCENT 0..100)");
			return CTL_EXIT_USAGE;
		}
		method = "PUT";
		body = json_object_new_object();
		json_object_object_add(
		    body, "percent", json_object_new_int((int)pct));
		json_object_object_add(
		    body, "duration_s", json_object_new_int64(dur));
	} else if (n != 0) {
		ctl_err("usage: tafelctl brightness [PERCENT [DURATION]|auto]");
		return CTL_EXIT_USAGE;
	}
	if (ctl_resolve(c) == -1) {
		json_object_put(body);
		return CTL_EXIT_USAGE;
	}
	code = ctl_api(c, method, "/api/v1/brightness", body, NULL, 0, &ans);
	json_object_put(body);
	if (code != 0 || ans.doc == NULL) {
		json_object_put(ans.doc);
		return code != 0 ? code : CTL_EXIT_SERVER;
	}
	if (c->json) {
		ctl_print_json(ans.doc);
		json_object_put(ans.doc);
		return 0;
	}
	mode = ctl_string(ans.doc, "mode");
	why = ctl_string(ans.doc, "reason");
	if (ctl_number(ans.doc, "percent", &now_pct) != 0 || mode == NULL) {
		ctl_err("%s /api/v1/brightness: bad answer: no percent or mode",
		    method);
		json_object_put(ans.doc);
		return CTL_EXIT_SERVER;
	}
	ctl_show(shown, sizeof(shown), why != NULL ? why : "", 100);
	printf("%.0f %% (%s mode", now_pct, mode);
	if (shown[0] != '\0')
		printf(": %s", shown);
	printf(")\n");
	ov = ctl_member(ans.doc, "override");
	until = ov != NULL ? ctl_string(ov, "until") : NULL;
	if (until != NULL) {
		ctl_local_time(until, when, sizeof(when));
		printf("override until %s\n", when);
	}
	json_object_put(ans.doc);
	return 0;
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

	if (ctl_opts(c, argc, argv, &ctl_plain_opts, &first, &code) == -1)
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
	if (ctl_opts(&c, argc, argv, NULL, &first, &code) == -1)
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
