/*
 * sd: the systemd service protocol (sd_notify): READY, RELOADING,
 * STOPPING, STATUS and watchdog pings.  Outside systemd every call is a
 * cheap no-op, so the daemon calls them unconditionally.
 */
#ifndef TAFEL_SD_H
#define TAFEL_SD_H

#include <stdint.h>

/* Watchdog interval in ms from WATCHDOG_USEC, 0 when off. */
int64_t sd_watchdog_interval_ms(void);

void sd_ready(const char *status);
void sd_reloading(void);
void sd_stopping(void);
void sd_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sd_watchdog_ping(void);

#endif
