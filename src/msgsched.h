/*
 * msgsched: which operator message a zone shows now.  Each zone (a layout
 * region's message area, or "board" for the whole board) shows its
 * highest-priority active message, ties to the newest; a message at or
 * above the emergency priority takes the whole board whatever its zone.
 * Pure functions of the message list and "now", so the board falls back
 * to its own content the moment a message ends, with no timer of its own.
 */
#ifndef TAFEL_MSGSCHED_H
#define TAFEL_MSGSCHED_H

#include <stddef.h>
#include <stdint.h>

#include "msgstore.h"

#define MSGSCHED_BOARD "board" /* the zone that is the whole board */

/* Is m showing at now (start <= now < end)? */
int msgsched_active(const struct msg *m, int64_t now_ms);

/*
 * The message zone shows at now, or NULL.  zone "" in a message means
 * default_zone.  For MSGSCHED_BOARD, emergencies of every zone count too.
 */
const struct msg *msgsched_pick(const struct msg *v, size_t n, const char *zone,
    const char *default_zone, int emergency, int64_t now_ms);

/*
 * Every message zone shows at now, best first (the order msgsched_pick
 * picks by: priority, then newest), at most max of them into out; returns
 * how many.  For a ticker, which runs them all in turn.
 */
size_t msgsched_list(const struct msg *v, size_t n, const char *zone,
    const char *default_zone, int64_t now_ms, const struct msg **out,
    size_t max);

/* Is an emergency message active (it then owns the whole board)? */
const struct msg *msgsched_emergency(
    const struct msg *v, size_t n, int emergency, int64_t now_ms);

/* Milliseconds until some message starts or ends; INT64_MAX if none. */
int64_t msgsched_next_change(const struct msg *v, size_t n, int64_t now_ms);

#endif
