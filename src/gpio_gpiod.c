/*
 * gpio_gpiod: the libgpiod 1.6 backend (Debian 12's version, the kernel's
 * v1 character-device uAPI).  That uAPI has no debounce, so debouncing is
 * the caller's job (a loop timer, then a read).  Event fds are switched to
 * non-blocking so that draining them never blocks the loop.
 */
#include "gpio.h"

#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct gpio_chip {
	struct gpiod_chip *chip;
	char name[64];
};

struct gpio_line {
	struct gpiod_line *line;
	int output;
};

static struct gpio_chip *
gpiod_be_open(const char *desc, enum gpio_error *why, char *err, size_t errlen)
{
	struct gpiod_chip *ch;
	struct gpio_chip *c;

	errno = 0;
	ch = gpiod_chip_open_lookup(desc);
	if (ch == NULL) {
		int e = errno;
		*why = e == ENOENT || e == ENOTTY || e == ENODEV || e == 0 ?
		    GPIO_ERR_NO_CHIP :
		    GPIO_ERR_OTHER;
		if (*why == GPIO_ERR_NO_CHIP)
			snprintf(err, errlen, "gpio: chip \"%s\": no such chip",
			    desc);
		else
			snprintf(err, errlen, "gpio: chip \"%s\": %s", desc,
			    strerror(e));
		return NULL;
	}
	c = util_calloc(1, sizeof(*c));
	c->chip = ch;
	util_strlcpy(c->name, gpiod_chip_name(ch), sizeof(c->name));
	return c;
}

static void
gpiod_be_close(struct gpio_chip *c)
{
	if (c == NULL)
		return;
	gpiod_chip_close(c->chip);
	free(c);
}

static const char *
gpiod_be_chip_name(const struct gpio_chip *c)
{
	return c->name;
}

/* "line 3 (\"door\")" or "line \"door\"" for messages. */
static void
gpiod_be_what(
    const struct gpio_line_req *r, struct gpiod_line *l, char *out, size_t size)
{
	const char *name = l != NULL ? gpiod_line_name(l) : NULL;

	if (name == NULL || name[0] == '\0')
		name = r->line_name != NULL ? r->line_name : r->label;
	if (l != NULL && name != NULL)
		snprintf(
		    out, size, "line %u (\"%s\")", gpiod_line_offset(l), name);
	else if (l != NULL)
		snprintf(out, size, "line %u", gpiod_line_offset(l));
	else if (r->line_name != NULL)
		snprintf(out, size, "line \"%s\"", r->line_name);
	else
		snprintf(out, size, "line %u", r->offset);
}

static struct gpio_line *
gpiod_be_request(struct gpio_chip *c, const struct gpio_line_req *r,
    enum gpio_error *why, char *err, size_t errlen)
{
	struct gpiod_line_request_config rc;
	struct gpiod_line *l;
	struct gpio_line *out;
	char what[128];
	int fd, fl;

	errno = 0;
	if (r->line_name != NULL)
		l = gpiod_chip_find_line(c->chip, r->line_name);
	else
		l = gpiod_chip_get_line(c->chip, r->offset);
	if (l == NULL) {
		gpiod_be_what(r, NULL, what, sizeof(what));
		*why = GPIO_ERR_NO_LINE;
		snprintf(err, errlen, "gpio: chip %s %s: no such line", c->name,
		    what);
		return NULL;
	}
	memset(&rc, 0, sizeof(rc));
	rc.consumer = r->consumer != NULL ? r->consumer : "tafeld";
	rc.request_type = r->output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT :
				      GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
	if (r->active_low)
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
	switch (r->bias) {
	case GPIO_BIAS_DISABLE:
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
		break;
	case GPIO_BIAS_PULL_UP:
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
		break;
	case GPIO_BIAS_PULL_DOWN:
		rc.flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
		break;
	default:
		break;
	}
	if (gpiod_line_request(l, &rc, r->initial) != 0) {
		int e = errno;
		gpiod_be_what(r, l, what, sizeof(what));
		*why = e == EBUSY ? GPIO_ERR_BUSY : GPIO_ERR_OTHER;
		snprintf(err, errlen, "gpio: chip %s %s: %s", c->name, what,
		    e == EBUSY ? "busy" : strerror(e));
		return NULL;
	}
	if (!r->output) {
		fd = gpiod_line_event_get_fd(l);
		fl = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
		if (fl == -1 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
			gpiod_be_what(r, l, what, sizeof(what));
			*why = GPIO_ERR_OTHER;
			snprintf(err, errlen, "gpio: chip %s %s: event fd: %s",
			    c->name, what, strerror(errno));
			gpiod_line_release(l);
			return NULL;
		}
	}
	out = util_calloc(1, sizeof(*out));
	out->line = l;
	out->output = r->output;
	return out;
}

static void
gpiod_be_release(struct gpio_line *l)
{
	if (l == NULL)
		return;
	gpiod_line_release(l->line);
	free(l);
}

static unsigned int
gpiod_be_offset(const struct gpio_line *l)
{
	return gpiod_line_offset(l->line);
}

static int
gpiod_be_event_fd(struct gpio_line *l)
{
	return l->output ? -1 : gpiod_line_event_get_fd(l->line);
}

/*
 * The v1 uAPI reports an edge as rising when the line's logical value
 * (active-low applied) read 1 in the kernel's handler, so rising edges
 * are closings whatever the polarity.  A read that fails with anything
 * but EAGAIN (ENODEV when the chip is gone, EIO on a short read) is -1:
 * the caller stops watching the fd.
 */
static int
gpiod_be_read_events(struct gpio_line *l, unsigned int *rising)
{
	struct gpiod_line_event ev[16];
	int fd = gpiod_be_event_fd(l), n, total = 0;

	*rising = 0;
	if (fd < 0) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		n = gpiod_line_event_read_fd_multiple(fd, ev, 16);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? total :
									 -1;
		for (int i = 0; i < n; i++)
			if (ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE)
				(*rising)++;
		total += n;
		if (n < 16)
			return total;
	}
}

static int
gpiod_be_get(struct gpio_line *l)
{
	return gpiod_line_get_value(l->line);
}

static int
gpiod_be_set(struct gpio_line *l, int value)
{
	return gpiod_line_set_value(l->line, value ? 1 : 0);
}

const struct gpio_backend gpio_backend_gpiod = {
	.name = "gpiod",
	.open = gpiod_be_open,
	.close = gpiod_be_close,
	.chip_name = gpiod_be_chip_name,
	.request = gpiod_be_request,
	.release = gpiod_be_release,
	.offset = gpiod_be_offset,
	.event_fd = gpiod_be_event_fd,
	.read_events = gpiod_be_read_events,
	.get = gpiod_be_get,
	.set = gpiod_be_set,
};
