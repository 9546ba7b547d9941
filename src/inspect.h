/*
 * inspect: "tafeld inspect FORMAT FILE": run one feed document through its
 * adapter and the display rules and print what the board would show, one
 * JSON object per car park.  Operators try a new feed with it before it
 * goes on a sign, and the feed fixture tests (tests/feeds/) compare its
 * output byte for byte.
 */
#ifndef TAFEL_INSPECT_H
#define TAFEL_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#define INSPECT_MAX_FILE ((size_t)64 * 1024 * 1024) /* bytes of one document */

struct inspect_args {
	const char *format;
	const char *path;
	const char *table; /* datex2-parking: the table document, or NULL */
	int64_t now_ms;
	int64_t stale_after_ms;
	const char *timezone; /* zone-less times; NULL = the format's rule */
	const char *lang;     /* texts: "de" (NULL), "fr", "it", "en" */
};

/*
 * Print what the board shows of the document at a->path, one line each,
 * by kind of document:
 *   parking:   {"id": "SP03", "name": "Kesselturm", "free": 106,
 *               "total": 340, "display": "106"} in document order;
 *   travel:    {"id": "…", "display": "9 min"|"---", "delay": "+4"|""};
 *   situation: {"id": "…", "text": "…", "severity": "…"}, the records
 *              shown at now;
 *   departure: {"time": "12:04", "line": "IR 2379", "to": "Zürich HB",
 *               "platform": "5", "delay": "+3"|""} in display order,
 *              local times in the process's zone.
 * Returns 0; 1 when the document (or the table) is rejected as a whole
 * (nothing on out, the reason on errf); 2 for an unknown format (with the
 * list of formats on errf) or a table given with a format other than
 * datex2-parking.
 */
int inspect_run(const struct inspect_args *a, FILE *out, FILE *errf);

#endif
