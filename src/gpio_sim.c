/*
 * gpio_sim: the simulation backend, for the demo and for machines without
 * GPIO.  It never stands in for testing the libgpiod path (that is what
 * the gpio-sim VM test does); it exists so that the same cabinet code runs
 * here, with line levels set through the API.  Each input has an eventfd
 * that a new level makes readable, so the event loop handles simulated
 * edges exactly like kernel line events.  Lines appear on first request:
 * by offset, or by name (a named line takes the next free offset); a line
 * requested twice is busy, as on a real chip.
 */
#include "gpio.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util.h"

#define GPIO_SIM_LINES 64

struct gpio_line {
	struct gpio_chip *chip;
	unsigned int offset;
	char name[64];  /* line name ("" when requested by offset) */
	char label[64]; /* for messages: the name, or the config's */
	int output;
	int active_low;
	int level;           /* physical */
	int efd;             /* inputs */
	unsigned int rising; /* activations since the last read_events */
	int unplugged;
};

struct gpio_chip {
	char name[72];
	struct gpio_line *lines[GPIO_SIM_LINES];
	unsigned int next_named; /* offsets for lines requested by name */
};

static struct gpio_chip *
sim_open(const char *desc, enum gpio_error *why, char *err, size_t errlen)
{
	struct gpio_chip *c = util_calloc(1, sizeof(*c));
	const char *base = strrchr(desc, '/');

	(void)why;
	(void)err;
	(void)errlen;
	snprintf(c->name, sizeof(c->name), "%s (simulation)",
	    base != NULL ? base + 1 : desc);
	c->next_named = GPIO_SIM_LINES / 2;
	return c;
}

static void
sim_close(struct gpio_chip *c)
{
	free(c);
}

static const char *
sim_chip_name(const struct gpio_chip *c)
{
	return c->name;
}

static struct gpio_line *
sim_request(struct gpio_chip *c, const struct gpio_line_req *r,
    enum gpio_error *why, char *err, size_t errlen)
{
	struct gpio_line *l;
	unsigned int off = r->offset;

	if (r->line_name != NULL) {
		for (off = 0; off < GPIO_SIM_LINES; off++)
			if (c->lines[off] != NULL &&
			    c->lines[off]->name[0] != '\0' &&
			    strcmp(c->lines[off]->name, r->line_name) == 0)
				break;
		if (off < GPIO_SIM_LINES) {
			*why = GPIO_ERR_BUSY;
			snprintf(err, errlen,
			    "gpio: chip %s line %u (\"%s\"): busy", c->name,
			    off, r->line_name);
			return NULL;
		}
		off = c->next_named;
		while (off < GPIO_SIM_LINES && c->lines[off] != NULL)
			off++;
		c->next_named = off + 1;
	}
	if (off >= GPIO_SIM_LINES) {
		*why = GPIO_ERR_NO_LINE;
		snprintf(err, errlen, "gpio: chip %s line %u: no such line",
		    c->name, off);
		return NULL;
	}
	if (c->lines[off] != NULL) {
		*why = GPIO_ERR_BUSY;
		snprintf(err, errlen, "gpio: chip %s line %u (\"%s\"): busy",
		    c->name, off, c->lines[off]->label);
		return NULL;
	}
	l = util_calloc(1, sizeof(*l));
	l->chip = c;
	l->offset = off;
	l->output = r->output;
	l->active_low = r->active_low;
	l->efd = -1;
	if (r->line_name != NULL)
		util_strlcpy(l->name, r->line_name, sizeof(l->name));
	util_strlcpy(l->label,
	    l->name[0] != '\0' ? l->name : (r->label != NULL ? r->label : ""),
	    sizeof(l->label));
	if (r->output) {
		l->level = (r->initial ? 1 : 0) ^ (r->active_low ? 1 : 0);
	} else {
		/* An unconnected line reads what its bias pulls it to. */
		l->level = r->bias == GPIO_BIAS_PULL_UP ? 1 : 0;
		l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (l->efd == -1) {
			*why = GPIO_ERR_OTHER;
			snprintf(err, errlen, "gpio: chip %s line %u: %s",
			    c->name, off, strerror(errno));
			free(l);
			return NULL;
		}
	}
	c->lines[off] = l;
	return l;
}

static void
sim_release(struct gpio_line *l)
{
	if (l == NULL)
		return;
	l->chip->lines[l->offset] = NULL;
	if (l->efd != -1)
		close(l->efd);
	free(l);
}

static unsigned int
sim_offset(const struct gpio_line *l)
{
	return l->offset;
}

static int
sim_event_fd(struct gpio_line *l)
{
	return l->efd;
}

static int
sim_read_events(struct gpio_line *l, unsigned int *rising)
{
	uint64_t n;

	*rising = 0;
	if (l->efd == -1 || l->unplugged) {
		errno = l->unplugged ? ENODEV : EINVAL;
		return -1;
	}
	if (read(l->efd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return errno == EAGAIN ? 0 : -1;
	*rising = l->rising;
	l->rising = 0;
	return (int)n;
}

static int
sim_get(struct gpio_line *l)
{
	if (l->unplugged) {
		errno = ENODEV;
		return -1;
	}
	return l->level ^ (l->active_low ? 1 : 0);
}

static int
sim_set(struct gpio_line *l, int value)
{
	if (l->unplugged) {
		errno = ENODEV;
		return -1;
	}
	if (!l->output) {
		errno = EPERM;
		return -1;
	}
	l->level = (value ? 1 : 0) ^ (l->active_low ? 1 : 0);
	return 0;
}

int
gpio_sim_drive(struct gpio_line *l, int level)
{
	uint64_t one = 1;

	if (l == NULL || l->chip == NULL || l->output)
		return -1;
	level = level ? 1 : 0;
	if (level == l->level)
		return 0;
	l->level = level;
	if ((level ^ (l->active_low ? 1 : 0)) == 1)
		l->rising++;
	if (write(l->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -1;
	return 0;
}

int
gpio_sim_level(const struct gpio_line *l)
{
	return l->level;
}

int
gpio_sim_unplug(struct gpio_line *l)
{
	uint64_t one = 1;

	if (l == NULL || l->chip == NULL)
		return -1;
	l->unplugged = 1;
	if (l->efd != -1 &&
	    write(l->efd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -1;
	return 0;
}

const struct gpio_backend gpio_backend_sim = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.chip_name = sim_chip_name,
	.request = sim_request,
	.release = sim_release,
	.offset = sim_offset,
	.event_fd = sim_event_fd,
	.read_events = sim_read_events,
	.get = sim_get,
	.set = sim_set,
};
