/*
 * test_gpio: the backends behind gpio.h.  The simulation backend fully
 * (lines by offset and name, busy lines, active-low, bias, edges through
 * its eventfd, rising edges, an unplugged line, outputs); the libgpiod
 * backend where no hardware is needed: a chip no machine has is not
 * found, and the error names it.  Real lines are the VM test's job
 * (make test-vm).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <string.h>

#include "gpio.h"

static const struct gpio_backend *sim = &gpio_backend_sim;

static struct gpio_line *
req(struct gpio_chip *c, const char *name, unsigned int off, int output,
    int active_low, int bias, char *err, size_t errlen, enum gpio_error *why)
{
	struct gpio_line_req r;

	memset(&r, 0, sizeof(r));
	r.consumer = "test";
	r.line_name = name;
	r.offset = off;
	r.output = output;
	r.active_low = active_low;
	r.bias = bias;
	return sim->request(c, &r, why, err, errlen);
}

static int
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void
test_gpio_sim_edges_arrive_through_the_event_fd(void **state)
{
	enum gpio_error why = GPIO_ERR_NONE;
	char err[256];
	struct gpio_chip *c = sim->open("gpiochip0", &why, err, sizeof(err));
	struct gpio_line *l;
	unsigned int rising;
	int fd;

	(void)state;
	assert_non_null(c);
	assert_string_equal(sim->chip_name(c), "gpiochip0 (simulation)");
	l = req(c, NULL, 3, 0, 0, GPIO_BIAS_AS_IS, err, sizeof(err), &why);
	assert_non_null(l);
	assert_int_equal(sim->offset(l), 3);
	fd = sim->event_fd(l);
	assert_true(fd >= 0);
	assert_int_equal(sim->get(l), 0);
	assert_false(readable(fd));
	/* A new level is an edge; the same level again is none. */
	assert_int_equal(gpio_sim_drive(l, 1), 0);
	assert_true(readable(fd));
	assert_int_equal(sim->read_events(l, &rising), 1);
	assert_int_equal(rising, 1);
	assert_false(readable(fd));
	assert_int_equal(sim->read_events(l, &rising), 0);
	assert_int_equal(rising, 0);
	assert_int_equal(sim->get(l), 1);
	assert_int_equal(gpio_sim_drive(l, 1), 0);
	assert_false(readable(fd));
	assert_int_equal(gpio_sim_drive(l, 0), 0);
	assert_int_equal(gpio_sim_drive(l, 1), 0);
	assert_int_equal(sim->read_events(l, &rising), 2);
	assert_int_equal(rising, 1);
	/* A short pulse: two edges, one closing, the level back low. */
	assert_int_equal(gpio_sim_drive(l, 0), 0);
	assert_int_equal(sim->read_events(l, &rising), 1);
	assert_int_equal(rising, 0);
	assert_int_equal(gpio_sim_drive(l, 1), 0);
	assert_int_equal(gpio_sim_drive(l, 0), 0);
	assert_int_equal(sim->read_events(l, &rising), 2);
	assert_int_equal(rising, 1);
	assert_int_equal(sim->get(l), 0);
	sim->release(l);
	sim->close(c);
}

/* An unplugged line: its fd stays readable and reading fails. */
static void
test_gpio_sim_unplugged_line_fails(void **state)
{
	enum gpio_error why = GPIO_ERR_NONE;
	char err[256];
	struct gpio_chip *c = sim->open("gpiochip0", &why, err, sizeof(err));
	struct gpio_line *l, *o;
	unsigned int rising;
	int fd;

	(void)state;
	l = req(c, NULL, 3, 0, 0, GPIO_BIAS_AS_IS, err, sizeof(err), &why);
	o = req(c, NULL, 4, 1, 0, GPIO_BIAS_AS_IS, err, sizeof(err), &why);
	fd = sim->event_fd(l);
	assert_int_equal(gpio_sim_unplug(l), 0);
	assert_int_equal(gpio_sim_unplug(o), 0);
	assert_true(readable(fd));
	errno = 0;
	assert_int_equal(sim->read_events(l, &rising), -1);
	assert_int_equal(errno, ENODEV);
	assert_true(readable(fd));
	assert_int_equal(sim->get(l), -1);
	assert_int_equal(sim->set(o, 1), -1);
	assert_int_equal(errno, ENODEV);
	sim->release(l);
	sim->release(o);
	/* The offset can be requested again. */
	l = req(c, NULL, 3, 0, 0, GPIO_BIAS_AS_IS, err, sizeof(err), &why);
	assert_non_null(l);
	assert_int_equal(sim->get(l), 0);
	sim->release(l);
	sim->close(c);
}

static void
test_gpio_sim_active_low_and_bias(void **state)
{
	enum gpio_error why;
	char err[256];
	struct gpio_chip *c = sim->open("/dev/gpiochip4", &why, err, 256);
	struct gpio_line *in, *out;

	(void)state;
	assert_string_equal(sim->chip_name(c), "gpiochip4 (simulation)");
	/* Pulled up and active low: an idle button reads inactive. */
	in = req(c, "button", 0, 0, 1, GPIO_BIAS_PULL_UP, err, 256, &why);
	assert_non_null(in);
	assert_int_equal(gpio_sim_level(in), 1);
	assert_int_equal(sim->get(in), 0);
	gpio_sim_drive(in, 0);
	assert_int_equal(sim->get(in), 1);
	/* Outputs: the logical value set, the level inverted when low. */
	out = req(c, NULL, 7, 1, 1, GPIO_BIAS_AS_IS, err, 256, &why);
	assert_non_null(out);
	assert_int_equal(sim->event_fd(out), -1);
	assert_int_equal(sim->set(out, 1), 0);
	assert_int_equal(gpio_sim_level(out), 0);
	assert_int_equal(sim->get(out), 1);
	assert_int_equal(gpio_sim_drive(out, 1), -1);
	assert_int_equal(sim->set(in, 1), -1);
	sim->release(in);
	sim->release(out);
	sim->close(c);
}

static void
test_gpio_sim_busy_lines_name_chip_and_line(void **state)
{
	enum gpio_error why = GPIO_ERR_NONE;
	char err[256];
	struct gpio_chip *c = sim->open("gpiochip0", &why, err, sizeof(err));
	struct gpio_line *a, *b, *o;
	struct gpio_line_req r;

	(void)state;
	a = req(c, "door", 0, 0, 0, 0, err, sizeof(err), &why);
	assert_non_null(a);
	b = req(c, "door", 0, 0, 0, 0, err, sizeof(err), &why);
	assert_null(b);
	assert_int_equal(why, GPIO_ERR_BUSY);
	assert_string_equal(
	    err, "gpio: chip gpiochip0 (simulation) line 32 (\"door\"): busy");
	/* The named line took an offset: asking for that offset is busy. */
	b = req(c, NULL, sim->offset(a), 1, 0, 0, err, sizeof(err), &why);
	assert_null(b);
	assert_int_equal(why, GPIO_ERR_BUSY);
	b = req(c, NULL, 64, 0, 0, 0, err, sizeof(err), &why);
	assert_null(b);
	assert_int_equal(why, GPIO_ERR_NO_LINE);
	assert_string_equal(
	    err, "gpio: chip gpiochip0 (simulation) line 64: no such line");
	/* A line by offset is named by its config label in messages. */
	memset(&r, 0, sizeof(r));
	r.offset = 5;
	r.label = "relay";
	r.output = 1;
	o = sim->request(c, &r, &why, err, sizeof(err));
	assert_non_null(o);
	assert_null(sim->request(c, &r, &why, err, sizeof(err)));
	assert_string_equal(
	    err, "gpio: chip gpiochip0 (simulation) line 5 (\"relay\"): busy");
	/* A label is no line name: a line called "relay" is another line. */
	b = req(c, "relay", 0, 0, 0, 0, err, sizeof(err), &why);
	assert_non_null(b);
	sim->release(b);
	sim->release(o);
	/* Released, it can be requested again. */
	sim->release(a);
	a = req(c, "door", 0, 0, 0, 0, err, sizeof(err), &why);
	assert_non_null(a);
	sim->release(a);
	sim->close(c);
}

/*
 * Names no machine has, so the test runs everywhere (also on one with
 * GPIO chips): by name, by path and by label.
 */
static void
test_gpio_gpiod_missing_chip_is_named(void **state)
{
	const struct gpio_backend *be = &gpio_backend_gpiod;
	enum gpio_error why = GPIO_ERR_NONE;
	char err[256];

	(void)state;
	assert_null(be->open("tafel-no-such-chip", &why, err, sizeof(err)));
	assert_int_equal(why, GPIO_ERR_NO_CHIP);
	assert_string_equal(
	    err, "gpio: chip \"tafel-no-such-chip\": no such chip");
	assert_null(
	    be->open("/dev/tafel-no-such-chip", &why, err, sizeof(err)));
	assert_int_equal(why, GPIO_ERR_NO_CHIP);
	assert_string_equal(
	    err, "gpio: chip \"/dev/tafel-no-such-chip\": no such chip");
	assert_null(be->open("tafel-sim.9-node9", &why, err, sizeof(err)));
	assert_string_equal(
	    err, "gpio: chip \"tafel-sim.9-node9\": no such chip");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_gpio_sim_edges_arrive_through_the_event_fd),
		cmocka_unit_test(test_gpio_sim_unplugged_line_fails),
		cmocka_unit_test(test_gpio_sim_active_low_and_bias),
		cmocka_unit_test(test_gpio_sim_busy_lines_name_chip_and_line),
		cmocka_unit_test(test_gpio_gpiod_missing_chip_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
