/*
 * test_display: brightness through real DirectFB (system=dummy).  The
 * frame surface keeps what was drawn (snapshots and health read it); the
 * primary layer, which is the board, gets the colours scaled.  And the
 * backlight/PWM sysfs writer against a directory laid out like sysfs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "display.h"

#define W 64
#define H 32

static struct display *disp;

/* Known colours: four vertical bands and a white pixel. */
static const uint32_t bands[4] = { 0xffffffffu, 0xffff8000u, 0xff10c0f0u,
	0xff000000u };

static int
setup(void **state)
{
	struct cfg_display c;
	char err[256];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.system = CFG_SYSTEM_DUMMY;
	c.width = W;
	c.height = H;
	disp = display_open(&c, err, sizeof(err));
	if (disp == NULL)
		fprintf(stderr, "display_open: %s\n", err);
	return disp == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	display_close(disp);
	return 0;
}

static void
draw_bands(void)
{
	IDirectFBSurface *f = display_frame(disp);

	for (int i = 0; i < 4; i++) {
		uint32_t c = bands[i];

		f->SetColor(f, (u8)(c >> 16), (u8)(c >> 8), (u8)c, 0xff);
		f->FillRectangle(f, i * W / 4, 0, W / 4, H);
	}
}

static uint32_t
scaled(uint32_t c, int percent)
{
	uint32_t out = 0xff000000u;

	for (int shift = 0; shift <= 16; shift += 8) {
		uint32_t v = (c >> shift) & 0xff;

		out |= (v * (uint32_t)percent / 100) << shift;
	}
	return out;
}

/* Every channel within one step of want (DirectFB rounds its own way). */
static void
assert_near(uint32_t got, uint32_t want, int x, int y)
{
	for (int shift = 0; shift <= 16; shift += 8) {
		int g = (int)((got >> shift) & 0xff);
		int w = (int)((want >> shift) & 0xff);

		if (abs(g - w) > 1)
			fail_msg("pixel %d,%d: 0x%08x, want about 0x%08x", x, y,
			    got, want);
	}
}

static void
check_board(int percent)
{
	uint32_t *board, *frame;

	assert_int_equal(display_set_brightness(disp, percent), 0);
	assert_int_equal(display_brightness(disp), percent);
	draw_bands();
	assert_int_equal(display_present(disp), 0);
	board = display_board_pixels(disp);
	frame = display_pixels(disp);
	assert_non_null(board);
	assert_non_null(frame);
	for (int y = 0; y < H; y++)
		for (int x = 0; x < W; x++) {
			uint32_t want = bands[x / (W / 4)];
			size_t i = (size_t)y * W + (size_t)x;

			/* The frame (snapshot, health) is as drawn... */
			assert_int_equal(frame[i], want);
			/* ...the board is dimmed. */
			if (percent == 100 || percent == 0)
				assert_int_equal(
				    board[i], scaled(want, percent));
			else
				assert_near(
				    board[i], scaled(want, percent), x, y);
		}
	free(board);
	free(frame);
}

static void
test_display_full_brightness_shows_the_frame(void **state)
{
	(void)state;
	check_board(100);
}

static void
test_display_half_brightness_scales_the_board_only(void **state)
{
	(void)state;
	check_board(50);
	check_board(25);
}

static void
test_display_zero_brightness_darkens_the_board(void **state)
{
	(void)state;
	check_board(0);
	/* And back: the next present shows the frame again. */
	check_board(100);
}

static void
test_display_brightness_out_of_range_is_clamped(void **state)
{
	(void)state;
	assert_int_equal(display_set_brightness(disp, 140), -1);
	assert_int_equal(display_brightness(disp), 100);
	assert_int_equal(display_set_brightness(disp, -3), -1);
	assert_int_equal(display_brightness(disp), 0);
	assert_int_equal(display_set_brightness(disp, 100), 0);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
get(const char *dir, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_display_backlight_write_scales_to_max(void **state)
{
	char dir[] = "/tmp/tafel-backlight-XXXXXX", path[256], err[256];
	char got[32];

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* /sys/class/backlight/X: brightness and max_brightness. */
	put(dir, "max_brightness", "255\n");
	put(dir, "brightness", "255\n");
	snprintf(path, sizeof(path), "%s/brightness", dir);
	assert_int_equal(
	    display_backlight_write(path, 50, err, sizeof(err)), 0);
	get(dir, "brightness", got, sizeof(got));
	assert_string_equal(got, "128\n");
	assert_int_equal(display_backlight_write(path, 0, err, sizeof(err)), 0);
	get(dir, "brightness", got, sizeof(got));
	assert_string_equal(got, "0\n");
	assert_int_equal(
	    display_backlight_write(path, 101, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "101 not in 0..100"));
	/* A PWM channel: duty_cycle scaled to period (ns). */
	put(dir, "period", "1000000\n");
	put(dir, "duty_cycle", "0\n");
	snprintf(path, sizeof(path), "%s/duty_cycle", dir);
	assert_int_equal(
	    display_backlight_write(path, 25, err, sizeof(err)), 0);
	get(dir, "duty_cycle", got, sizeof(got));
	assert_string_equal(got, "250000\n");
	/* A period near LONG_MAX: max * percent would overflow. */
	put(dir, "period", "9223372036854775800\n");
	assert_int_equal(
	    display_backlight_write(path, 50, err, sizeof(err)), 0);
	get(dir, "duty_cycle", got, sizeof(got));
	assert_string_equal(got, "4611686018427387900\n");
	/* A bad or missing scale names the file. */
	put(dir, "period", "zero\n");
	assert_int_equal(
	    display_backlight_write(path, 25, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/period: not a positive number"));
	snprintf(path, sizeof(path), "%s/duty_cycle", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/period", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/max_brightness", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/brightness", dir);
	assert_int_equal(
	    display_backlight_write(path, 50, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/max_brightness: No such file"));
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_full_brightness_shows_the_frame),
		cmocka_unit_test(
		    test_display_half_brightness_scales_the_board_only),
		cmocka_unit_test(
		    test_display_zero_brightness_darkens_the_board),
		cmocka_unit_test(
		    test_display_brightness_out_of_range_is_clamped),
		cmocka_unit_test(test_display_backlight_write_scales_to_max),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
