/*
 * fetch: libcurl multi_socket inside the loop.  curl's socket callback
 * maps onto loop_fd_add/mod/del, its timer callback onto one loop timer;
 * both call curl_multi_socket_action() and then collect finished
 * transfers.  Every body is capped twice: CURLOPT_MAXFILESIZE for an
 * announced length, and the write callback for a length nobody announced.
 * DNS must not block the loop: the start-up check warns when this libcurl
 * lacks an asynchronous resolver.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>

#include "log.h"
#include "loop.h"
#include "util.h"

#define FETCH_MAX_REDIRS 5
#define FETCH_USER_AGENT "tafel/0.1 (LED sign; +https://tafel.invalid)"

struct fetch {
	struct loop *loop;
	CURLM *multi;
	struct loop_timer *timer;
	struct fetch_xfer *xfers;
	size_t active;
};

struct fetch_xfer {
	struct fetch *fetch;
	CURL *easy;
	struct curl_slist *headers;
	fetch_done_cb *done;
	void *arg;
	size_t max_bytes;
	size_t received;
	int oversize;
	fetch_chunk_cb *chunk;
	int chunk_failed;
	char chunk_err[FETCH_ERR_LEN];
	int64_t started;
	struct fetch_result res;
	size_t cap;
	struct fetch_xfer *next;
};

static int fetch_curl_ready;

static void fetch_collect(struct fetch *f);

static void
fetch_xfer_free(struct fetch_xfer *x)
{
	struct fetch_xfer **xp;

	for (xp = &x->fetch->xfers; *xp != NULL; xp = &(*xp)->next) {
		if (*xp == x) {
			*xp = x->next;
			break;
		}
	}
	curl_multi_remove_handle(x->fetch->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->res.body);
	x->fetch->active--;
	free(x);
}

static void
fetch_on_fd(int fd, uint32_t events, void *arg)
{
	struct fetch *f = arg;
	int running = 0, ev = 0;

	if (events & EPOLLIN)
		ev |= CURL_CSELECT_IN;
	if (events & EPOLLOUT)
		ev |= CURL_CSELECT_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		ev |= CURL_CSELECT_ERR;
	curl_multi_socket_action(f->multi, fd, ev, &running);
	fetch_collect(f);
}

static void
fetch_on_timer(struct loop_timer *t, void *arg)
{
	struct fetch *f = arg;
	int running = 0;

	(void)t;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	fetch_collect(f);
}

/* curl: watch (or stop watching) a socket. */
static int
fetch_socket_cb(
    CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct fetch *f = userp;
	uint32_t ev = 0;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (socketp != NULL)
			loop_fd_del(f->loop, s);
		curl_multi_assign(f->multi, s, NULL);
		return 0;
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= EPOLLIN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= EPOLLOUT;
	if (socketp == NULL) {
		if (loop_fd_add(f->loop, s, ev, fetch_on_fd, f) != 0) {
			log_err("fetch: watching socket %d: %s", s,
			    strerror(errno));
			return -1;
		}
		curl_multi_assign(f->multi, s, f); /* any non-NULL marker */
	} else if (loop_fd_mod(f->loop, s, ev) != 0) {
		log_err("fetch: socket %d: %s", s, strerror(errno));
		return -1;
	}
	return 0;
}

/* curl: wake me in timeout_ms (-1 = never). */
static int
fetch_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct fetch *f = userp;

	(void)multi;
	if (timeout_ms < 0)
		loop_timer_stop(f->timer);
	else
		loop_timer_at(f->timer, util_mono_ms() + timeout_ms);
	return 0;
}

static size_t
fetch_write_cb(char *data, size_t size, size_t n, void *userp)
{
	struct fetch_xfer *x = userp;
	size_t len = size * n;
	long status = 0;

	if (x->received + len > x->max_bytes) {
		x->oversize = 1;
		return 0; /* aborts with CURLE_WRITE_ERROR */
	}
	x->received += len;
	if (x->chunk != NULL) {
		/* Error bodies (HTML pages of a 502) are not the document. */
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status != 0 && (status < 200 || status > 299))
			return len;
		if (x->chunk(data, len, x->arg, x->chunk_err,
			sizeof(x->chunk_err)) != 0) {
			x->chunk_failed = 1;
			return 0;
		}
		return len;
	}
	if (x->res.len + len + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 16384;
		char *p;
		while (cap < x->res.len + len + 1)
			cap *= 2;
		if (cap > x->max_bytes + 1)
			cap = x->max_bytes + 1;
		p = realloc(x->res.body, cap);
		if (p == NULL)
			return 0;
		x->res.body = p;
		x->cap = cap;
	}
	memcpy(x->res.body + x->res.len, data, len);
	x->res.len += len;
	x->res.body[x->res.len] = '\0';
	return len;
}

/* Copy a header's value (trimmed) when line is "name: value". */
static int
fetch_header_value(
    const char *line, size_t len, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);

	if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 ||
	    line[nl] != ':')
		return 0;
	line += nl + 1;
	len -= nl + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && strchr(" \t\r\n", line[len - 1]) != NULL)
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(out, line, len);
	out[len] = '\0';
	return 1;
}

static size_t
fetch_header_cb(char *line, size_t size, size_t n, void *userp)
{
	struct fetch_xfer *x = userp;
	size_t len = size * n;
	char retry[64];

	/* A new status line (redirect, 100-continue) starts afresh. */
	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		x->res.etag[0] = '\0';
		x->res.last_modified[0] = '\0';
		x->res.retry_after_s = -1;
	}
	fetch_header_value(line, len, "ETag", x->res.etag, sizeof(x->res.etag));
	fetch_header_value(line, len, "Last-Modified", x->res.last_modified,
	    sizeof(x->res.last_modified));
	if (fetch_header_value(
		line, len, "Retry-After", retry, sizeof(retry))) {
		char *end;
		long long s = strtoll(retry, &end, 10);
		if (end != retry && *end == '\0' && s >= 0) {
			x->res.retry_after_s = s;
		} else {
			time_t t = curl_getdate(retry, NULL);
			if (t != -1)
				x->res.retry_after_s =
				    t > time(NULL) ? t - time(NULL) : 0;
		}
	}
	return len;
}

static void
fetch_finish(struct fetch_xfer *x, CURLcode code)
{
	struct fetch_result *r = &x->res;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r->status);
	r->elapsed_ms = util_mono_ms() - x->started;
	if (r->body == NULL) {
		r->body = util_calloc(1, 1);
		x->cap = 1;
	}
	if (x->chunk_failed) {
		snprintf(r->err, sizeof(r->err), "%s", x->chunk_err);
	} else if (x->oversize) {
		snprintf(r->err, sizeof(r->err), "body larger than %zu bytes",
		    x->max_bytes);
	} else if (code == CURLE_FILESIZE_EXCEEDED) {
		snprintf(r->err, sizeof(r->err),
		    "announced body larger than %zu bytes", x->max_bytes);
	} else if (code != CURLE_OK) {
		snprintf(
		    r->err, sizeof(r->err), "%s", curl_easy_strerror(code));
	} else if (r->status != 0 && r->status != 304 &&
	    (r->status < 200 || r->status > 299)) {
		snprintf(r->err, sizeof(r->err), "HTTP %ld", r->status);
	} else {
		r->ok = 1;
	}
}

static void
fetch_collect(struct fetch *f)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct fetch_xfer *x = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(
		    msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		fetch_finish(x, msg->data.result);
		x->done(&x->res, x->arg);
		fetch_xfer_free(x);
	}
}

struct fetch *
fetch_new(struct loop *l)
{
	struct fetch *f = util_calloc(1, sizeof(*f));
	const curl_version_info_data *v;

	if (!fetch_curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			log_fatal("fetch: curl_global_init failed");
		fetch_curl_ready = 1;
		v = curl_version_info(CURLVERSION_NOW);
		if (!(v->features & CURL_VERSION_ASYNCHDNS))
			log_warn("fetch: libcurl %s resolves names "
				 "synchronously: DNS can stall frames; use IP "
				 "addresses in feed URLs",
			    v->version);
	}
	f->loop = l;
	f->multi = curl_multi_init();
	if (f->multi == NULL)
		log_fatal("fetch: curl_multi_init failed");
	f->timer = loop_timer_new(l, fetch_on_timer, f);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, fetch_socket_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, fetch_timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return f;
}

void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	while (f->xfers != NULL)
		fetch_xfer_free(f->xfers);
	curl_multi_cleanup(f->multi);
	loop_timer_free(f->timer);
	free(f);
}

static struct curl_slist *
fetch_add_header(struct curl_slist *list, const char *name, const char *value)
{
	char line[1024];
	struct curl_slist *n;

	snprintf(line, sizeof(line), "%s: %s", name, value);
	n = curl_slist_append(list, line);
	if (n == NULL)
		log_fatal("out of memory");
	return n;
}

struct fetch_xfer *
fetch_start(struct fetch *f, const struct fetch_req *req, fetch_done_cb *done,
    void *arg, char *err, size_t errlen)
{
	struct fetch_xfer *x = util_calloc(1, sizeof(*x));
	CURL *e;
	CURLMcode mc;

	x->fetch = f;
	x->done = done;
	x->arg = arg;
	x->max_bytes = req->max_bytes;
	x->chunk = req->chunk;
	x->res.retry_after_s = -1;
	x->started = util_mono_ms();
	x->easy = e = curl_easy_init();
	if (e == NULL)
		log_fatal("out of memory");
	for (size_t i = 0; i < req->nheaders; i++)
		x->headers = fetch_add_header(
		    x->headers, req->headers[i].name, req->headers[i].value);
	if (req->etag != NULL && req->etag[0] != '\0')
		x->headers =
		    fetch_add_header(x->headers, "If-None-Match", req->etag);
	if (req->last_modified != NULL && req->last_modified[0] != '\0')
		x->headers = fetch_add_header(
		    x->headers, "If-Modified-Since", req->last_modified);
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR,
	    req->allow_file ? "http,https,file" : "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRS);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* all we decode */
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)req->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)req->timeout_ms);
	curl_easy_setopt(
	    e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_bytes);
	curl_easy_setopt(e, CURLOPT_USERAGENT, FETCH_USER_AGENT);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_path != NULL && req->ca_path[0] != '\0')
		curl_easy_setopt(e, CURLOPT_CAPATH, req->ca_path);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	x->next = f->xfers;
	f->xfers = x;
	f->active++;
	mc = curl_multi_add_handle(f->multi, e);
	if (mc != CURLM_OK) {
		snprintf(err, errlen, "%s", curl_multi_strerror(mc));
		fetch_xfer_free(x);
		return NULL;
	}
	return x;
}

void
fetch_cancel(struct fetch_xfer *x)
{
	if (x != NULL)
		fetch_xfer_free(x);
}

size_t
fetch_active(const struct fetch *f)
{
	return f->active;
}
