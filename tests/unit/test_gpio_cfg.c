/*
 * test_gpio_cfg: the gpio and brightness sections of the configuration:
 * lines by offset or name, defaults, the cross-checks (presets, duplicate
 * names and lines, roles, HH:MM times, the twilight input), the number
 * type's bounds and the conversion into the brightness controller's
 * parameters.  Every error must name its JSON path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "brightness.h"
#include "cfg.h"
#include "fixture.h"

#define LAYOUT                                                              \
	"{\"width\":64,\"height\":32,\"regions\":[{\"name\":\"a\",\"x\":0," \
	"\"y\":0,\"w\":64,\"h\":32,\"zone\":\"z\",\"widgets\":[{\"type\":"  \
	"\"text\",\"text\":\"x\"}]}]}"
#define HEAD                                                                \
	"{\"layout\":\"l.json\",\"display\":{\"system\":\"dummy\","         \
	"\"width\":64,\"height\":32},\"messages\":{\"presets\":[{\"name\":" \
	"\"tunnel\",\"multi\":\"T\"}]},"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = fixture_dir();
	fixture_write(dir, "l.json", LAYOUT);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fixture_rmdir(dir);
	return 0;
}

static struct cfg *
load(const char *json, struct util_errs *e)
{
	char path[512];

	memset(e, 0, sizeof(*e));
	fixture_write(dir, "c.json", json);
	snprintf(path, sizeof(path), "%s/c.json", dir);
	return cfg_load(path, e);
}

static void
test_gpio_cfg_lines_by_offset_and_name_with_defaults(void **state)
{
	struct util_errs e;
	struct cfg *c =
	    load(HEAD "\"gpio\":{\"backend\":\"sim\",\"inputs\":["
		      "{\"name\":\"t\",\"line\":\"tunnel\",\"role\":"
		      "\"contact\",\"preset\":\"tunnel\"},{\"name\":"
		      "\"door\",\"line\":4,\"role\":\"door\","
		      "\"active_low\":true,\"bias\":\"pull-up\"}],"
		      "\"outputs\":[{\"name\":\"hb\",\"line\":6,"
		      "\"role\":\"heartbeat\"}],\"power_schedule\":"
		      "[{\"off\":\"23:30\",\"on\":\"05:15\"}]}}",
		&e);
	const struct cfg_gpio_input *in;
	const struct cfg_gpio_output *out;
	const struct cfg_power_window *pw;

	(void)state;
	fixture_dump(&e);
	assert_non_null(c);
	assert_int_equal(c->gpio.backend, CFG_GPIO_SIM);
	assert_string_equal(c->gpio.chip, "gpiochip0");
	assert_true(c->gpio.required);
	in = c->gpio.inputs.v;
	assert_int_equal(c->gpio.inputs.n, 2);
	assert_true(in[0].line.is_str);
	assert_string_equal(in[0].line.s, "tunnel");
	assert_int_equal(in[0].role, CFG_INPUT_CONTACT);
	assert_int_equal(in[0].mode, CFG_INPUT_WHILE_CLOSED);
	assert_int_equal(in[0].debounce_ms, 20);
	assert_int_equal(in[0].bias, CFG_GPIO_BIAS_AS_IS);
	assert_false(in[1].line.is_str);
	assert_int_equal(in[1].line.i, 4);
	assert_true(in[1].active_low);
	assert_int_equal(in[1].bias, CFG_GPIO_BIAS_PULL_UP);
	out = c->gpio.outputs.v;
	assert_int_equal(out[0].period_ms, 1000);
	pw = c->gpio.power_schedule.v;
	assert_int_equal(pw[0].off_min, 23 * 60 + 30);
	assert_int_equal(pw[0].on_min, 5 * 60 + 15);
	/* Brightness defaults: manual 100 %. */
	assert_int_equal(c->brightness.mode, CFG_BRIGHT_MANUAL);
	assert_int_equal(c->brightness.manual_percent, 100);
	assert_true(isnan(c->brightness.latitude));
	cfg_free(c);
}

/* Names become /metrics labels: nothing that could break out of one. */
static void
test_gpio_cfg_names_are_label_safe(void **state)
{
	struct util_errs e;
	struct cfg *c =
	    load(HEAD "\"gpio\":{\"backend\":\"sim\",\"inputs\":["
		      "{\"name\":\"a\\\"} 1\\n\",\"line\":1,\"role\":"
		      "\"door\"},{\"name\":\"Door_2.b-c\",\"line\":2,"
		      "\"role\":\"door\"},{\"name\":\"x y\",\"line\":3,"
		      "\"role\":\"door\"}],\"outputs\":[{\"name\":"
		      "\"h\\\\b\",\"line\":6,\"role\":\"heartbeat\"}]}}",
		&e);

	(void)state;
	assert_null(c);
	assert_int_equal(e.n, 3);
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[0].name: may only have letters, digits, "
	    "'_', '.' and '-'"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[2].name: may only have letters, digits, "
	    "'_', '.' and '-'"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.outputs[0].name: may only have letters, digits, "
	    "'_', '.' and '-'"));
}

static void
test_gpio_cfg_every_mistake_names_its_path(void **state)
{
	struct util_errs e;
	struct cfg *c =
	    load(HEAD "\"gpio\":{\"inputs\":["
		      "{\"name\":\"a\",\"line\":1,\"role\":\"contact\","
		      "\"preset\":\"nope\"},"
		      "{\"name\":\"a\",\"line\":1,\"role\":\"door\"},"
		      "{\"name\":\"b\",\"line\":-1,\"role\":\"door\"},"
		      "{\"name\":\"c\",\"line\":\"\",\"role\":\"door\"},"
		      "{\"name\":\"d\",\"line\":2,\"role\":\"contact\"},"
		      "{\"name\":\"t1\",\"line\":5,\"role\":\"twilight\"},"
		      "{\"name\":\"t2\",\"line\":6,\"role\":\"twilight\"}],"
		      "\"outputs\":[{\"name\":\"a\",\"line\":7,\"role\":"
		      "\"heartbeat\"},{\"name\":\"h2\",\"line\":5,\"role\":"
		      "\"heartbeat\"}],"
		      "\"power_schedule\":[{\"off\":\"1:00\",\"on\":\"05:00\"},"
		      "{\"off\":\"02:00\",\"on\":\"02:00\"}]},"
		      "\"brightness\":{\"mode\":\"sensor\",\"latitude\":91,"
		      "\"schedule\":[{\"time\":\"24:00\",\"percent\":5}]}}",
		&e);

	(void)state;
	assert_null(c);
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[0].preset: no preset \"nope\" in "
	    "messages.presets"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[1].name: \"a\" already used by "
	    "gpio.inputs[0]"));
	assert_true(fixture_has(
	    &e, "c.json: gpio.inputs[1].line: already used by gpio.inputs[0]"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[2].line: -1 not in "
	    "0..1023"));
	assert_true(fixture_has(
	    &e, "c.json: gpio.inputs[3].line: must be a non-empty string"));
	assert_true(fixture_has(
	    &e, "c.json: gpio.inputs[4].preset: required for role contact"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.inputs[6].role: a second twilight input "
	    "(gpio.inputs[5] is one)"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.outputs[0].name: \"a\" already used by "
	    "gpio.inputs[0]"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.outputs[1].line: already used by gpio.inputs[5]"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.outputs[1].role: a second heartbeat "
	    "(gpio.outputs[0] is one)"));
	assert_true(fixture_has(
	    &e, "c.json: gpio.power_schedule[0].off: \"1:00\" is not HH:MM"));
	assert_true(fixture_has(&e,
	    "c.json: gpio.power_schedule[1]: off and on are the same time"));
	assert_true(
	    fixture_has(&e, "c.json: brightness.latitude: 91 not in -90..90"));
	assert_true(fixture_has(
	    &e, "c.json: brightness.schedule[0].time: \"24:00\" is not HH:MM"));
	assert_true(fixture_has(&e,
	    "c.json: brightness.sensor: mode sensor needs file or "
	    "twilight_input"));
}

static void
test_gpio_cfg_brightness_params_follow_the_config(void **state)
{
	struct util_errs e;
	struct brightness_params p;
	struct cfg *c = load(HEAD
	    "\"brightness\":{\"mode\":\"sensor\",\"latitude\":47.05,"
	    "\"longitude\":8.31,\"night_percent\":7,\"sensor\":{\"file\":"
	    "\"lux\"},\"sensor_stuck_s\":3600,\"table\":[{\"up\":0,"
	    "\"down\":0,\"percent\":10},{\"up\":200,\"down\":150,"
	    "\"percent\":60}],\"schedule\":[{\"time\":\"06:30\","
	    "\"percent\":80}]}}",
	    &e);
	char want[600];

	(void)state;
	fixture_dump(&e);
	assert_non_null(c);
	snprintf(want, sizeof(want), "%s/lux", dir);
	assert_string_equal(c->brightness.sensor.file, want);
	cfg_brightness_params(c, &p);
	assert_int_equal(p.mode, BRIGHTNESS_SENSOR);
	assert_int_equal(p.sensor, BRIGHTNESS_SENSOR_LEVEL);
	assert_true(fabs(p.lat - 47.05) < 1e-9);
	assert_true(fabs(p.lon - 8.31) < 1e-9);
	assert_int_equal(p.night_percent, 7);
	assert_int_equal(p.n_levels, 2);
	assert_int_equal(p.levels[1].up, 200);
	assert_int_equal(p.levels[1].down, 150);
	assert_int_equal(p.levels[1].percent, 60);
	assert_int_equal(p.n_steps, 1);
	assert_int_equal(p.steps[0].minute, 6 * 60 + 30);
	assert_int_equal(p.sensor_stuck_ms, 3600 * 1000LL);
	cfg_free(c);
}

static void
test_gpio_cfg_controller_rules_apply(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	/* A level table whose down lies above its up: the controller says. */
	c = load(HEAD "\"brightness\":{\"mode\":\"sensor\",\"latitude\":47,"
		      "\"longitude\":8,\"sensor\":{\"file\":\"/x\"},"
		      "\"table\":[{\"up\":0,\"down\":0,\"percent\":10},"
		      "{\"up\":200,\"down\":300,\"percent\":60}]}}",
	    &e);
	assert_null(c);
	assert_true(fixture_has(&e, "c.json: brightness.table[1].down"));
	/* Sun mode needs a place. */
	c = load(HEAD "\"brightness\":{\"mode\":\"sun\"}}", &e);
	assert_null(c);
	assert_true(fixture_has(&e, "c.json: brightness.latitude"));
}

static void
test_gpio_cfg_twilight_input_must_be_a_twilight_input(void **state)
{
	struct util_errs e;
	struct cfg *c;

	(void)state;
	c = load(HEAD "\"gpio\":{\"inputs\":[{\"name\":\"d\",\"line\":1,"
		      "\"role\":\"door\"}]},\"brightness\":{\"mode\":"
		      "\"sensor\",\"latitude\":47,\"longitude\":8,\"sensor\":{"
		      "\"twilight_input\":\"d\"}}}",
	    &e);
	assert_null(c);
	assert_true(fixture_has(&e,
	    "c.json: brightness.sensor.twilight_input: no gpio input \"d\" "
	    "with role twilight"));
	c = load(HEAD "\"gpio\":{\"inputs\":[{\"name\":\"d\",\"line\":1,"
		      "\"role\":\"twilight\"}]},\"brightness\":{\"mode\":"
		      "\"sensor\",\"latitude\":47,\"longitude\":8,\"sensor\":{"
		      "\"twilight_input\":\"d\"}}}",
	    &e);
	fixture_dump(&e);
	assert_non_null(c);
	cfg_free(c);
}

static void
test_gpio_cfg_hhmm(void **state)
{
	(void)state;
	assert_int_equal(cfg_parse_hhmm("00:00"), 0);
	assert_int_equal(cfg_parse_hhmm("23:59"), 1439);
	assert_int_equal(cfg_parse_hhmm("24:00"), -1);
	assert_int_equal(cfg_parse_hhmm("12:60"), -1);
	assert_int_equal(cfg_parse_hhmm("1:00"), -1);
	assert_int_equal(cfg_parse_hhmm("01:00 "), -1);
	assert_int_equal(cfg_parse_hhmm("0a:00"), -1);
	assert_int_equal(cfg_parse_hhmm(""), -1);
}

static void
test_gpio_cfg_help_lists_the_sections(void **state)
{
	static char buf[131072];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	(void)state;
	cfg_help(f);
	fclose(f);
	assert_non_null(strstr(buf, "gpio.inputs[].line"));
	assert_non_null(strstr(buf, "integer 0..1023 or string"));
	assert_non_null(strstr(buf,
	    "one of contact, door, twilight, "
	    "test_pattern"));
	assert_non_null(strstr(buf, "gpio.power_schedule[].off"));
	assert_non_null(strstr(buf, "brightness.latitude"));
	assert_non_null(strstr(buf, "number -90..90"));
	assert_non_null(strstr(buf, "brightness.sensor.twilight_input"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    test_gpio_cfg_lines_by_offset_and_name_with_defaults),
		cmocka_unit_test(test_gpio_cfg_names_are_label_safe),
		cmocka_unit_test(test_gpio_cfg_every_mistake_names_its_path),
		cmocka_unit_test(
		    test_gpio_cfg_brightness_params_follow_the_config),
		cmocka_unit_test(test_gpio_cfg_controller_rules_apply),
		cmocka_unit_test(
		    test_gpio_cfg_twilight_input_must_be_a_twilight_input),
		cmocka_unit_test(test_gpio_cfg_hhmm),
		cmocka_unit_test(test_gpio_cfg_help_lists_the_sections),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
