/*
 * sd: thin wrappers over libsystemd's sd_notify; the status line is kept
 * so that an unchanged status is not sent again.
 */
#include "sd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>

static char sd_last_status[256];

int64_t
sd_watchdog_interval_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return (int64_t)(usec / 1000);
}

void
sd_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
	snprintf(sd_last_status, sizeof(sd_last_status), "%s", status);
}

void
sd_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
sd_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
sd_status(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, sd_last_status) == 0)
		return;
	memcpy(sd_last_status, buf, sizeof(buf));
	sd_notifyf(0, "STATUS=%s", buf);
}

void
sd_watchdog_ping(void)
{
	sd_notify(0, "WATCHDOG=1");
}
