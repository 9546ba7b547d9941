/* test_auth: the tokens file, roles, and tokens refused in query strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "auth.h"
#include "util.h"
#include "fixture.h"

static char *dir;

static int
setup(void **state)
{
	(void)state;
	dir = fixture_dir();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fixture_rmdir(dir);
	return 0;
}

static struct auth *
load(const char *text, char *err, size_t errlen)
{
	char path[512];

	fixture_write(dir, "tokens", text);
	snprintf(path, sizeof(path), "%s/tokens", dir);
	return auth_load(path, err, errlen);
}

static void
test_auth_roles_from_the_tokens_file(void **state)
{
	char err[256], name[64];
	struct auth *a = load("# operators\n"
			      "anna:0123456789abcdef0123\n"
			      "\n"
			      "mon:viewer-token-0123456789:viewer\r\n"
			      "ctl:fedcba9876543210fedc:operator\n",
	    err, sizeof(err));

	(void)state;
	assert_non_null(a);
	assert_int_equal(auth_count(a), 3);
	assert_int_equal(
	    auth_check(a, "Bearer 0123456789abcdef0123", name, sizeof(name)),
	    AUTH_ROLE_OPERATOR);
	assert_string_equal(name, "anna");
	assert_int_equal(
	    auth_check(a, "bearer viewer-token-0123456789", name, sizeof(name)),
	    AUTH_ROLE_VIEWER);
	assert_string_equal(name, "mon");
	assert_int_equal(auth_check(a, "Bearer fedcba9876543210fedc", NULL, 0),
	    AUTH_ROLE_OPERATOR);
	auth_free(a);
}

static void
test_auth_rejects_wrong_missing_and_prefix_tokens(void **state)
{
	char err[256], name[64];
	struct auth *a = load("anna:0123456789abcdef0123\n", err, sizeof(err));

	(void)state;
	assert_int_equal(
	    auth_check(a, NULL, name, sizeof(name)), AUTH_ROLE_NONE);
	assert_int_equal(
	    auth_check(a, "Bearer 0123456789abcdef012", name, sizeof(name)),
	    AUTH_ROLE_NONE); /* a prefix is not the token */
	assert_int_equal(
	    auth_check(a, "Bearer 0123456789abcdef01234", name, sizeof(name)),
	    AUTH_ROLE_NONE);
	assert_int_equal(
	    auth_check(a, "Basic 0123456789abcdef0123", name, sizeof(name)),
	    AUTH_ROLE_NONE);
	assert_int_equal(
	    auth_check(a, "Bearer ", name, sizeof(name)), AUTH_ROLE_NONE);
	assert_string_equal(name, "");
	auth_free(a);
	a = auth_empty();
	assert_int_equal(auth_check(a, "Bearer 0123456789abcdef0123", NULL, 0),
	    AUTH_ROLE_NONE);
	auth_free(a);
}

static void
test_auth_file_errors_name_the_line(void **state)
{
	char err[256];

	(void)state;
	assert_null(load("anna:short\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tokens:1:"));
	assert_null(
	    load("ok:0123456789abcdef0123\nnocolon\n", err, sizeof(err)));
	assert_non_null(strstr(err, "tokens:2: expected name:token"));
	assert_null(load("x:0123456789abcdef0123:admin\n", err, sizeof(err)));
	assert_non_null(strstr(err, "role \"admin\""));
	assert_null(load("x:0123456789 abcdef0123\n", err, sizeof(err)));
	assert_null(auth_load("/nonexistent/tokens", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/tokens"));
}

static void
test_auth_tokens_in_query_strings_are_spotted(void **state)
{
	(void)state;
	assert_true(auth_token_in_query("token=abc"));
	assert_true(auth_token_in_query("x=1&access_token=abc"));
	assert_true(auth_token_in_query("API_KEY=abc"));
	assert_false(auth_token_in_query("tokenizer=1"));
	assert_false(auth_token_in_query("page=2"));
	assert_false(auth_token_in_query(NULL));
}

static void
test_auth_generate_once_with_private_modes(void **state)
{
	char tokens[512], out[512], err[256], name[64], *tok;
	struct auth *a;
	struct stat st;
	size_t len;

	(void)state;
	snprintf(tokens, sizeof(tokens), "%s/gen-tokens", dir);
	snprintf(out, sizeof(out), "%s/demo-token", dir);
	assert_int_equal(
	    auth_generate(tokens, out, err, sizeof(err)), 1); /* created */
	assert_int_equal(stat(tokens, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	tok = util_read_file(out, 256, &len, err, sizeof(err));
	assert_non_null(tok);
	assert_int_equal(len, 33);
	tok[32] = '\0';
	a = auth_load(tokens, err, sizeof(err));
	assert_non_null(a);
	{
		char hdr[64];
		snprintf(hdr, sizeof(hdr), "Bearer %s", tok);
		assert_int_equal(
		    auth_check(a, hdr, name, sizeof(name)), AUTH_ROLE_OPERATOR);
	}
	assert_string_equal(name, "demo");
	auth_free(a);
	/* A second start keeps the first token. */
	assert_int_equal(auth_generate(tokens, out, err, sizeof(err)), 0);
	free(tok);
	tok = util_read_file(out, 256, &len, err, sizeof(err));
	a = auth_load(tokens, err, sizeof(err));
	assert_int_equal(auth_count(a), 1);
	auth_free(a);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_roles_from_the_tokens_file),
		cmocka_unit_test(
		    test_auth_rejects_wrong_missing_and_prefix_tokens),
		cmocka_unit_test(test_auth_file_errors_name_the_line),
		cmocka_unit_test(test_auth_tokens_in_query_strings_are_spotted),
		cmocka_unit_test(test_auth_generate_once_with_private_modes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
