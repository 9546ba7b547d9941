/*
 * httpd: libmicrohttpd without threads of its own.  One MHD daemon per
 * listen address (IPv4 and IPv6 loopback by default); each one's epoll fd
 * is watched by the loop, and a loop timer follows MHD_get_timeout64().
 * A request body is collected across MHD's upload calls into a buffer
 * capped at max_body (413 beyond).  Errors are JSON:
 * {"error": {"code": "...", "message": "..."}}.
 */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "log.h"
#include "loop.h"
#include "util.h"

#define HTTPD_MAX_ROUTES 32

struct httpd_route {
	char method[8];
	char path[64];
	int prefix;
	httpd_handler *fn;
	void *arg;
};

struct httpd_listener {
	struct httpd *h;
	struct MHD_Daemon *mhd;
	int epfd;
	int port;
	struct loop_timer *timer;
};

/* Per-request state across MHD's calls. */
struct httpd_conn {
	char *body;
	size_t len;
	int too_big;
	struct httpd_listener *li;
	struct MHD_Connection *conn;
	int deferred; /* suspended, waiting for httpd_finish() */
	int finished; /* the answer is in pending */
	struct httpd_resp pending;
	char route[64];
};

/* A token bucket per client address (IPv4 or IPv6 text). */
#define HTTPD_RATE_SLOTS 256
struct httpd_rate {
	char addr[48];
	double tokens;
	int64_t at;
};

struct httpd {
	struct loop *loop;
	struct httpd_cfg cfg;
	struct httpd_listener lis[HTTPD_MAX_LISTEN];
	size_t nlis;
	struct httpd_route routes[HTTPD_MAX_ROUTES];
	size_t nroutes;
	struct httpd_stats stats;
	struct httpd_count counts[HTTPD_MAX_COUNTS];
	size_t ncounts;
	struct httpd_rate rates[HTTPD_RATE_SLOTS];
	char *tls_cert, *tls_key; /* PEM text MHD uses while it runs */
};

/* The request being dispatched (handlers run one at a time). */
static struct httpd_conn *httpd_current;

static void httpd_count(struct httpd *h, const char *route, int status);

struct httpd_defer {
	struct httpd_conn *c;
};

struct httpd_defer *
httpd_defer(const struct httpd_req *req)
{
	struct httpd_conn *c = httpd_current;
	struct httpd_defer *d;

	(void)req;
	if (c == NULL || c->deferred)
		return NULL;
	d = util_calloc(1, sizeof(*d));
	d->c = c;
	c->deferred = 1;
	return d;
}

void
httpd_finish(struct httpd_defer *d, struct httpd_resp *resp)
{
	struct httpd_conn *c = d->c;

	c->pending = *resp;
	memset(resp, 0, sizeof(*resp));
	c->finished = 1;
	httpd_count(c->li->h, c->route, c->pending.status);
	MHD_resume_connection(c->conn);
	free(d);
	/* Let MHD pick the resumed connection up now, not at its timeout. */
	loop_timer_at(c->li->timer, util_mono_ms());
}

/*
 * Allow rate_per_s requests per second per address with bursts of
 * rate_burst: 1 when the request may go on.  Slots are few and reused
 * oldest first, so a flood of addresses cannot grow memory.
 */
static int
httpd_rate_ok(struct httpd *h, const char *addr)
{
	struct httpd_rate *r = NULL, *oldest = &h->rates[0];
	int64_t now = util_mono_ms();

	if (h->cfg.rate_per_s <= 0)
		return 1;
	for (size_t i = 0; i < HTTPD_RATE_SLOTS; i++) {
		if (strcmp(h->rates[i].addr, addr) == 0) {
			r = &h->rates[i];
			break;
		}
		if (h->rates[i].at < oldest->at)
			oldest = &h->rates[i];
	}
	if (r == NULL) {
		r = oldest;
		util_strlcpy(r->addr, addr, sizeof(r->addr));
		r->tokens = h->cfg.rate_burst;
		r->at = now;
	}
	r->tokens += (double)(now - r->at) * h->cfg.rate_per_s / 1000.0;
	if (r->tokens > h->cfg.rate_burst)
		r->tokens = h->cfg.rate_burst;
	r->at = now;
	if (r->tokens < 1.0)
		return 0;
	r->tokens -= 1.0;
	return 1;
}

static void httpd_rearm(struct httpd_listener *li);
static enum MHD_Result httpd_query_cb(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value);

static void
httpd_on_ready(int fd, uint32_t events, void *arg)
{
	struct httpd_listener *li = arg;

	(void)fd;
	(void)events;
	MHD_run(li->mhd);
	httpd_rearm(li);
}

static void
httpd_on_timer(struct loop_timer *t, void *arg)
{
	struct httpd_listener *li = arg;

	(void)t;
	MHD_run(li->mhd);
	httpd_rearm(li);
}

static void
httpd_rearm(struct httpd_listener *li)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(li->mhd, &ms) == MHD_YES)
		loop_timer_at(li->timer, util_mono_ms() + (int64_t)ms);
	else
		loop_timer_stop(li->timer);
}

void
httpd_text(
    struct httpd_resp *resp, int status, const char *type, const char *text)
{
	free(resp->body);
	resp->status = status;
	resp->type = type;
	resp->len = strlen(text);
	resp->body = util_strdup(text);
}

void
httpd_error(
    struct httpd_resp *resp, int status, const char *code, const char *message)
{
	struct json_object *top = json_object_new_object();
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(top, "error", e);
	httpd_json(resp, status, top);
}

void
httpd_json(struct httpd_resp *resp, int status, struct json_object *o)
{
	httpd_text(resp, status, "application/json",
	    json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

const char *
httpd_header(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
httpd_query(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void
httpd_count(struct httpd *h, const char *route, int status)
{
	size_t i;

	for (i = 0; i < h->ncounts; i++)
		if (h->counts[i].status == status &&
		    strcmp(h->counts[i].route, route) == 0)
			break;
	if (i == h->ncounts) {
		if (h->ncounts == HTTPD_MAX_COUNTS)
			return; /* bounded: a scan of odd paths adds nothing */
		h->ncounts++;
		util_strlcpy(
		    h->counts[i].route, route, sizeof(h->counts[i].route));
		h->counts[i].status = status;
	}
	h->counts[i].n++;
}

const struct httpd_count *
httpd_counts(const struct httpd *h, size_t *n)
{
	*n = h->ncounts;
	return h->counts;
}

static void
httpd_dispatch(
    struct httpd *h, const struct httpd_req *req, struct httpd_resp *resp)
{
	int path_known = 0;
	const char *label = "other";

	for (size_t i = 0; i < h->nroutes; i++) {
		const struct httpd_route *r = &h->routes[i];
		int match = r->prefix ?
		    strncmp(req->path, r->path, strlen(r->path)) == 0 :
		    strcmp(req->path, r->path) == 0;
		if (!match)
			continue;
		path_known = 1;
		label = r->path;
		if (strcmp(req->method, r->method) != 0 &&
		    !(strcmp(req->method, "HEAD") == 0 &&
			strcmp(r->method, "GET") == 0))
			continue;
		r->fn(req, resp, r->arg);
		if (httpd_current != NULL && httpd_current->deferred) {
			/* Counted when httpd_finish() answers. */
			util_strlcpy(httpd_current->route, label,
			    sizeof(httpd_current->route));
			return;
		}
		if (resp->status == 0)
			httpd_error(resp, 500, "internal",
			    "handler gave no "
			    "answer");
		httpd_count(h, label, resp->status);
		return;
	}
	if (path_known)
		httpd_error(resp, 405, "methodNotAllowed",
		    "method not allowed for this path");
	else
		httpd_error(resp, 404, "notFound", "no such resource");
	httpd_count(h, label, resp->status);
}

static enum MHD_Result
httpd_send(struct MHD_Connection *conn, struct httpd_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(
	    resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(resp->body);
		return MHD_NO;
	}
	resp->body = NULL;
	MHD_add_response_header(
	    r, "Content-Type", resp->type ? resp->type : "text/plain");
	MHD_add_response_header(
	    r, "Cache-Control", resp->cache ? resp->cache : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp->retry_after[0] != '\0')
		MHD_add_response_header(r, "Retry-After", resp->retry_after);
	ret = MHD_queue_response(conn, (unsigned int)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
httpd_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct httpd_listener *li = cls;
	struct httpd *h = li->h;
	struct httpd_conn *c = *con_cls;
	struct httpd_req req;
	struct httpd_resp resp;
	char addr[48] = "?", query[512];
	int limited;
	const union MHD_ConnectionInfo *ci;
	int cls_idx;

	(void)version;
	if (c == NULL) {
		c = util_calloc(1, sizeof(*c));
		c->li = li;
		c->conn = conn;
		*con_cls = c;
		return MHD_YES; /* headers only; the body may follow */
	}
	if (c->deferred) {
		/* Resumed: send the answer a handler finished with. */
		if (!c->finished)
			return MHD_YES;
		resp = c->pending;
		memset(&c->pending, 0, sizeof(c->pending));
		c->deferred = 0;
		goto send;
	}
	if (*upload_size > 0) {
		if (!c->too_big && c->len + *upload_size <= h->cfg.max_body) {
			char *p = realloc(c->body, c->len + *upload_size + 1);
			if (p == NULL)
				log_fatal("out of memory");
			c->body = p;
			memcpy(c->body + c->len, upload, *upload_size);
			c->len += *upload_size;
			c->body[c->len] = '\0';
		} else {
			c->too_big = 1;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&resp, 0, sizeof(resp));
	memset(&req, 0, sizeof(req));
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)(const void *)sa)
				 ->sin_addr,
			    addr, sizeof(addr));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)sa)
				 ->sin6_addr,
			    addr, sizeof(addr));
	}
	query[0] = '\0';
	MHD_get_connection_values(
	    conn, MHD_GET_ARGUMENT_KIND, httpd_query_cb, query);
	req.query = query[0] != '\0' ? query : NULL;
	req.client = addr;
	req.method = method;
	req.path = url;
	req.body = c->body ? c->body : "";
	req.body_len = c->len;
	req.conn = conn;
	limited = !httpd_rate_ok(h, addr);
	if (limited || c->too_big) {
		/* Refused early, but counted under the route it asked for. */
		const char *label = "other";
		for (size_t i = 0; i < h->nroutes; i++) {
			const struct httpd_route *r = &h->routes[i];
			if (r->prefix ?
				strncmp(url, r->path, strlen(r->path)) == 0 :
				strcmp(url, r->path) == 0)
				label = r->path;
		}
		util_strlcpy(c->route, label, sizeof(c->route));
	}
	if (limited) {
		httpd_error(&resp, 429, "tooManyRequests",
		    "too many requests from this address; slow down");
		util_strlcpy(resp.retry_after, "1", sizeof(resp.retry_after));
		httpd_count(h, c->route, resp.status);
	} else if (c->too_big) {
		char msg[64];
		snprintf(msg, sizeof(msg), "request body over %zu bytes",
		    h->cfg.max_body);
		httpd_error(&resp, 413, "payloadTooLarge", msg);
		httpd_count(h, c->route, resp.status);
	} else {
		httpd_current = c;
		httpd_dispatch(h, &req, &resp);
		httpd_current = NULL;
		if (c->deferred) {
			MHD_suspend_connection(conn);
			return MHD_YES;
		}
	}
send:
	if (resp.status == 0)
		httpd_error(&resp, 500, "internal", "handler gave no answer");
	h->stats.requests++;
	cls_idx = resp.status / 100;
	if (cls_idx >= 1 && cls_idx <= 5)
		h->stats.by_status[cls_idx]++;
	return httpd_send(conn, &resp);
}

/* Rebuild "a=1&b=2" from MHD's parsed arguments (auth checks it). */
static enum MHD_Result
httpd_query_cb(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	char *q = cls;
	size_t used = strlen(q);

	(void)kind;
	snprintf(q + used, 512 - used, "%s%s=%s", used ? "&" : "", key,
	    value ? value : "");
	return MHD_YES;
}

static void
httpd_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd_conn *c = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (c != NULL) {
		free(c->body);
		free(c->pending.body);
		free(c);
		*con_cls = NULL;
	}
}

/* "127.0.0.1:8080" or "[::1]:8080" into ss. */
static int
httpd_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':' ||
		    (size_t)(close - s - 1) >= sizeof(host))
			return -1;
		snprintf(
		    host, sizeof(host), "%.*s", (int)(close - s - 1), s + 1);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || port < 0 ||
	    port > 65535)
		return -1;
	if (s[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -1;
		*len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -1;
		*len = sizeof(*a4);
	}
	return 0;
}

int
httpd_check_addr(const char *s)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return httpd_parse_addr(s, &ss, &len);
}

struct httpd *
httpd_new(struct loop *l, const struct httpd_cfg *c, char *err, size_t errlen)
{
	struct httpd *h = util_calloc(1, sizeof(*h));

	h->loop = l;
	h->cfg = *c;
	if (c->tls_cert[0] != '\0' || c->tls_key[0] != '\0') {
		h->tls_cert =
		    util_read_file(c->tls_cert, 1 << 20, NULL, err, errlen);
		if (h->tls_cert == NULL)
			goto fail;
		h->tls_key =
		    util_read_file(c->tls_key, 1 << 20, NULL, err, errlen);
		if (h->tls_key == NULL)
			goto fail;
	}
	for (size_t i = 0; i < c->nlisten; i++) {
		struct httpd_listener *li = &h->lis[i];
		struct sockaddr_storage ss;
		const union MHD_DaemonInfo *info;
		socklen_t len;
		unsigned int flags =
		    MHD_USE_EPOLL | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;

		if (httpd_parse_addr(c->listen[i], &ss, &len) != 0) {
			snprintf(err, errlen,
			    "http.listen: \"%s\" is not an "
			    "address:port",
			    c->listen[i]);
			goto fail;
		}
		if (ss.ss_family == AF_INET6)
			flags |= MHD_USE_IPv6;
		if (h->tls_cert != NULL)
			flags |= MHD_USE_TLS;
		li->h = h;
		{
			/* The TLS options only when TLS is on: MHD refuses them
			 * otherwise. */
			struct MHD_OptionItem tls[] = {
				{ MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert },
				{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key },
				{ MHD_OPTION_END, 0, NULL },
			};
			if (h->tls_cert == NULL)
				tls[0].option = MHD_OPTION_END;
			li->mhd = MHD_start_daemon(flags, 0, NULL, NULL,
			    httpd_access, li, MHD_OPTION_ARRAY, tls,
			    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			    MHD_OPTION_CONNECTION_LIMIT,
			    (unsigned int)c->max_connections,
			    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
			    (unsigned int)c->max_per_client,
			    MHD_OPTION_CONNECTION_TIMEOUT,
			    (unsigned int)c->timeout_s,
			    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
			    MHD_OPTION_NOTIFY_COMPLETED, httpd_completed, li,
			    MHD_OPTION_END);
		}
		if (li->mhd == NULL) {
			snprintf(err, errlen,
			    "http: cannot listen on %s (address in use "
			    "or not available)",
			    c->listen[i]);
			goto fail;
		}
		h->nlis++;
		info = MHD_get_daemon_info(li->mhd, MHD_DAEMON_INFO_EPOLL_FD);
		li->epfd = info->epoll_fd;
		info = MHD_get_daemon_info(li->mhd, MHD_DAEMON_INFO_BIND_PORT);
		li->port = info != NULL ? info->port : 0;
		li->timer = loop_timer_new(l, httpd_on_timer, li);
		if (loop_fd_add(l, li->epfd, EPOLLIN, httpd_on_ready, li) !=
		    0) {
			snprintf(err, errlen, "http: %s", strerror(errno));
			goto fail;
		}
		log_notice(
		    "http: listening on %s (port %d)", c->listen[i], li->port);
	}
	return h;
fail:
	httpd_free(h);
	return NULL;
}

void
httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nlis; i++) {
		struct httpd_listener *li = &h->lis[i];
		if (li->timer != NULL) {
			loop_fd_del(h->loop, li->epfd);
			loop_timer_free(li->timer);
		}
		MHD_stop_daemon(li->mhd);
	}
	if (h->tls_key != NULL)
		explicit_bzero(h->tls_key, strlen(h->tls_key));
	free(h->tls_key);
	free(h->tls_cert);
	free(h);
}

void
httpd_route(struct httpd *h, const char *method, const char *path, int prefix,
    httpd_handler *fn, void *arg)
{
	struct httpd_route *r;

	if (h->nroutes == HTTPD_MAX_ROUTES)
		log_fatal("httpd: too many routes");
	r = &h->routes[h->nroutes++];
	util_strlcpy(r->method, method, sizeof(r->method));
	util_strlcpy(r->path, path, sizeof(r->path));
	r->prefix = prefix;
	r->fn = fn;
	r->arg = arg;
}

int
httpd_port(const struct httpd *h, size_t n)
{
	return n < h->nlis ? h->lis[n].port : 0;
}

void
httpd_get_stats(const struct httpd *h, struct httpd_stats *out)
{
	*out = h->stats;
}
