/*
 * gpio: GPIO lines behind one small backend interface, so that the glue
 * (cabinet.c) is the same for libgpiod 1.6 (gpio_gpiod.c), a later
 * libgpiod 2 backend, and the simulation backend of the demo and tests
 * (gpio_sim.c).  A chip is opened by path, name or label; lines are
 * requested by offset or by line name, as inputs with edge events or as
 * outputs.  Every input has a file descriptor that becomes readable when
 * an edge arrived, for the event loop; nothing polls and nothing sleeps.
 * Errors name the chip and the line.
 */
#ifndef TAFEL_GPIO_H
#define TAFEL_GPIO_H

#include <stddef.h>

enum gpio_bias {
	GPIO_BIAS_AS_IS,
	GPIO_BIAS_DISABLE,
	GPIO_BIAS_PULL_UP,
	GPIO_BIAS_PULL_DOWN,
};

/* What an open or request failed on (a required chip refuses to start). */
enum gpio_error {
	GPIO_ERR_NONE,
	GPIO_ERR_NO_CHIP,
	GPIO_ERR_NO_LINE,
	GPIO_ERR_BUSY,
	GPIO_ERR_OTHER,
};

struct gpio_line_req {
	const char *consumer;  /* shown by gpioinfo ("tafeld") */
	const char *line_name; /* NULL: by offset */
	const char *label;     /* the config's name, for messages */
	unsigned int offset;
	int output;
	int active_low;
	int bias;    /* enum gpio_bias */
	int initial; /* outputs: logical value at request */
};

struct gpio_chip;
struct gpio_line;

struct gpio_backend {
	const char *name; /* "gpiod", "sim" */
	/* Open by path, name or label; NULL with err filled. */
	struct gpio_chip *(*open)(
	    const char *chip, enum gpio_error *why, char *err, size_t errlen);
	void (*close)(struct gpio_chip *c);
	/* The chip's name ("gpiochip0") for messages. */
	const char *(*chip_name)(const struct gpio_chip *c);
	struct gpio_line *(*request)(struct gpio_chip *c,
	    const struct gpio_line_req *r, enum gpio_error *why, char *err,
	    size_t errlen);
	void (*release)(struct gpio_line *l);
	unsigned int (*offset)(const struct gpio_line *l);
	/* Inputs: readable when edges arrived; -1 for outputs. */
	int (*event_fd)(struct gpio_line *l);
	/*
	 * Drain the pending edge events: how many, or -1 with errno set (the
	 * line is gone: the chip was removed, the fd broke).  *rising counts
	 * the events that made the logical value 1 (a closing), so a pulse
	 * shorter than the loop's reaction is still seen.
	 */
	int (*read_events)(struct gpio_line *l, unsigned int *rising);
	/* Logical value (active_low applied): 0, 1, or -1. */
	int (*get)(struct gpio_line *l);
	int (*set)(struct gpio_line *l, int value);
};

extern const struct gpio_backend gpio_backend_gpiod;
extern const struct gpio_backend gpio_backend_sim;

/*
 * The simulation backend's line level, as a wire would set it: the
 * physical level (active_low still applies when it is read).  Setting a
 * requested input to a new level queues an edge on its event fd.  0, or
 * -1 when l is not a simulated line.
 */
int gpio_sim_drive(struct gpio_line *l, int level);
/* The physical level of a simulated line (outputs: what was driven). */
int gpio_sim_level(const struct gpio_line *l);
/*
 * Unplug a simulated line, as when its chip is removed: its event fd
 * turns readable and stays so, and reading events or the level fails
 * with ENODEV until the line is released.  0, or -1 (not simulated).
 */
int gpio_sim_unplug(struct gpio_line *l);

#endif
