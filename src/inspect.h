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

/*
 * Print each shown car park of the document at path, in document order:
 *   {"id": "SP03", "name": "Kesselturm", "free": 106, "total": 340,
 *    "display": "106"}
 * timezone (NULL = the format's rule) is for zone-less times.  Returns 0;
 * 1 when the document is rejected as a whole (nothing on out, the reason
 * on errf); 2 for an unknown format (with the list of formats on errf).
 */
int inspect_run(const char *format, const char *path, int64_t now_ms,
    int64_t stale_after_ms, const char *timezone, FILE *out, FILE *errf);

#endif
