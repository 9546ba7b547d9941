/*
 * pls_rss: the Zürich parking guidance RSS (www.pls-zh.ch/plsFeed/rss,
 * FEEDS.md §6.1).  One RSS 2.0 <item> per car park:
 *
 *  <item><title>Parkhaus Accu / Otto-Schütz-Weg</title>
 *   <link>https://www.pls-zh.ch/parkhaus/accu.jsp?pid=accu</link>
 *   <description>open /  131</description>
 *   <guid>https://www.pls-zh.ch/parkhaus/accu.jsp?pid=accu</guid>
 *   <dc:date>2026-09-22T09:05:00Z</dc:date></item>
 *
 *  - name: the title before " / " (the address follows), without a
 *    leading "Parkhaus ", "Parkgarage " or "Parkplatz ";
 *  - id: the pid query parameter of the guid, else of the link (it is
 *    what the operator's own pages use and stays when a name is
 *    reworded); without one the guid, then the link, as it is; with
 *    neither the name (park_doc_add);
 *  - description "<state> / <free>": open, closed, or "????" (any '?' in
 *    the state: no data, "---"); the count is right-aligned with blanks
 *    and "???" when unknown; other words go through rule 9;
 *  - time: dc:date (ISO 8601), the channel's for the feed; the feed has
 *    no capacity.  A count of
 *    999 (seen for Messe Zürich) is shown as it is: with no capacity it
 *    cannot be told from a real count.
 */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "adapters/common.h"
#include "adapters/xml.h"
#include "info.h"
#include "park.h"

#define RSS_TEXT_LEN  512
#define RSS_DC        "http://purl.org/dc/elements/1.1/"
#define RSS_MAX_ITEMS PARK_MAX_ITEMS

static const char *const rss_kinds[] = {
	"Parkhaus ",
	"Parkgarage ",
	"Parkplatz ",
};

/* Title → name (rule 10 applied), "" when there is none. */
static void
rss_name(const xmlNode *item, char *buf, size_t size)
{
	char t[RSS_TEXT_LEN];
	const char *s = t, *cut;
	size_t len;

	buf[0] = '\0';
	if (adapter_xml_text(adapter_xml_child(item, "title"), t, sizeof(t)) <
	    0)
		return;
	cut = strstr(t, " / ");
	len = cut != NULL ? (size_t)(cut - t) : strlen(t);
	for (size_t i = 0; i < sizeof(rss_kinds) / sizeof(rss_kinds[0]); i++) {
		size_t k = strlen(rss_kinds[i]);

		/* "Parkhaus / Strasse" keeps its only word. */
		if (len > k && strncmp(s, rss_kinds[i], k) == 0) {
			s += k;
			len -= k;
			break;
		}
	}
	park_name_normalise(s, len, buf, size);
}

/*
 * The value of the query parameter pid in url into buf: 1, or 0 when
 * there is none (or it is empty or too long).
 */
static int
rss_pid(const char *url, char *buf, size_t size)
{
	const char *q = strchr(url, '?'), *p, *end;
	size_t len;

	for (p = q; p != NULL; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, "pid=", 4) != 0)
			continue;
		p += 5;
		end = p + strcspn(p, "&#");
		len = (size_t)(end - p);
		if (len == 0 || len >= size)
			return 0;
		memcpy(buf, p, len);
		buf[len] = '\0';
		return 1;
	}
	return 0;
}

/* The id as the header says; "" when there is none (or it is unusable). */
static void
rss_id(const xmlNode *item, char *buf, size_t size)
{
	char guid[RSS_TEXT_LEN], link[RSS_TEXT_LEN];
	int hg, hl;

	buf[0] = '\0';
	hg = adapter_xml_text(
		 adapter_xml_child(item, "guid"), guid, sizeof(guid)) > 0;
	hl = adapter_xml_text(
		 adapter_xml_child(item, "link"), link, sizeof(link)) > 0;
	if ((hg && rss_pid(guid, buf, size)) ||
	    (hl && rss_pid(link, buf, size)))
		return;
	if (hg && strlen(guid) < size)
		memcpy(buf, guid, strlen(guid) + 1);
	else if (hl && strlen(link) < size)
		memcpy(buf, link, strlen(link) + 1);
}

/*
 * "<state> / <free>" into it->state and it->free; a text without " / "
 * is a state alone.  Missing or blank, the state is absent (rule 9: the
 * numbers decide, and without a count that is "---").
 */
static void
rss_description(const xmlNode *item, struct park_item *it)
{
	char d[RSS_TEXT_LEN], *slash, *num = NULL;
	int64_t v = 0;
	size_t len;

	if (adapter_xml_text(
		adapter_xml_child(item, "description"), d, sizeof(d)) < 0)
		return;
	slash = strchr(d, '/');
	if (slash != NULL) {
		*slash = '\0';
		num = slash + 1;
	}
	if (strchr(d, '?') != NULL)
		it->state = PARK_STATE_NODATA;
	else
		it->state = (int)park_state_word(d, strlen(d));
	if (num == NULL)
		return;
	while (*num == ' ' || *num == '\t')
		num++;
	len = strlen(num);
	while (len > 0 && (num[len - 1] == ' ' || num[len - 1] == '\t'))
		len--;
	if (len == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		if (num[i] < '0' || num[i] > '9')
			return;
		v = v * 10 + (num[i] - '0');
		if (v > 2147483647)
			return;
	}
	it->free = v;
}

/* The dc:date child of n, or NULL. */
static xmlNode *
rss_date(const xmlNode *n)
{
	for (xmlNode *d = adapter_xml_child(n, "date"); d != NULL;
	     d = adapter_xml_next(d, "date"))
		if (adapter_xml_ns(d, RSS_DC))
			return d;
	return NULL;
}

static int
rss_item(struct _xmlNode *item, const struct adapter_ctx *c)
{
	struct park_item it;

	adapter_item_init(&it);
	rss_id(item, it.id, sizeof(it.id));
	rss_name(item, it.name, sizeof(it.name));
	rss_description(item, &it);
	it.time_ms = adapter_xml_when(rss_date(item), c->tz);
	if (park_doc_add(c->out, &it) != 0) {
		snprintf(c->err, c->errlen, "more than %d car parks",
		    PARK_MAX_ITEMS);
		return -1;
	}
	return 0;
}

int
adapter_pls_rss(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	xmlNode *root = adapter_xml_root(doc), *channel, **v = NULL, *n;
	size_t cnt = 0, cap = 0;

	w->c.tz = o->timezone;
	w->c.out->kind = INFO_KIND_PARK;
	channel = adapter_xml_is(root, "rss") && root->ns == NULL ?
	    adapter_xml_child(root, "channel") :
	    NULL;
	if (channel == NULL) {
		snprintf(w->c.err, w->c.errlen,
		    "top level: expected <rss><channel> (RSS 2.0)");
		return -1;
	}
	/* The channel's dc:date is the feed's time (for undated items). */
	w->c.out->time_ms = adapter_xml_when(rss_date(channel), w->c.tz);
	/* Only the channel's own items: no search through the tree. */
	for (n = adapter_xml_child(channel, "item"); n != NULL;
	     n = adapter_xml_next(n, "item")) {
		if (cnt == RSS_MAX_ITEMS) {
			free(v);
			snprintf(w->c.err, w->c.errlen,
			    "more than %d car parks", PARK_MAX_ITEMS);
			return -1;
		}
		adapter_xml_push(&v, &cnt, &cap, n);
	}
	adapter_walk_nodes(w, v, cnt, rss_item);
	return 0;
}
