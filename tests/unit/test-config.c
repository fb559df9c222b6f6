/*
 * Unit tests for the config file: the table's defaults, every option set
 * from a file, the generated documentation loading back without a
 * complaint, bad values reported as FILE:LINE keeping their defaults,
 * and per-context readonly and namespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "util.h"

static void
test_defaults(void **state)
{
    struct config *c = config_create();

    (void)state;
    assert_string_equal(c->theme, "default");
    assert_string_equal(c->keymap, "default");
    assert_string_equal(c->namespace, "");
    assert_string_equal(c->shell, "sh -c \"clear; (bash || ash || sh)\"");
    assert_int_equal(c->log_buffer_lines, 100000);
    assert_int_equal(c->refresh_cap, 60);
    assert_true(c->confirm_delete);
    assert_true(c->mouse);
    assert_false(c->readonly);
    assert_false(config_readonly(c, "any"));
    config_free(c);
}

/* The docs are a config file: it loads clean and changes nothing. */
static void
test_doc(void **state)
{
    struct config *c = config_create();
    char          *doc = config_doc();

    (void)state;
    for (size_t i = 0; i < config_noptions; i++)
        assert_non_null(strstr(doc, config_options[i].name));
    assert_int_equal(config_apply(c, doc, strlen(doc), "doc.yaml"), 0);
    for (size_t i = 0; i < c->causes.n; i++)
        fprintf(stderr, "cause: %s\n", c->causes.v[i]);
    assert_int_equal(c->causes.n, 0);
    assert_int_equal(c->refresh_cap, 60);
    assert_true(config_readonly(c, "production"));
    assert_false(config_readonly(c, "staging"));
    assert_string_equal(config_namespace(c, "production"), "web");
    free(doc);
    config_free(c);
}

static void
test_values(void **state)
{
    static const char text[] = "theme: solarized-dark\n"  /* 1 */
                               "keymap: vim\n"            /* 2 */
                               "namespace: kube-system\n" /* 3 */
                               "shell: /bin/bash\n"       /* 4 */
                               "log-buffer-lines: 500\n"  /* 5 */
                               "refresh-cap: 30\n"        /* 6 */
                               "confirm-delete: no\n"     /* 7 */
                               "mouse: off\n"             /* 8 */
                               "readonly: true\n"         /* 9 */
                               "contexts:\n"              /* 10 */
                               "  dev: {readonly: false}\n";
    struct config *c = config_create();

    (void)state;
    assert_int_equal(config_apply(c, text, strlen(text), "c.yaml"), 0);
    assert_int_equal(c->causes.n, 0);
    assert_string_equal(c->theme, "solarized-dark");
    assert_string_equal(c->keymap, "vim");
    assert_string_equal(config_namespace(c, "x"), "kube-system");
    assert_string_equal(c->shell, "/bin/bash");
    assert_int_equal(c->log_buffer_lines, 500);
    assert_int_equal(c->refresh_cap, 30);
    assert_false(c->confirm_delete);
    assert_false(c->mouse);
    assert_true(config_readonly(c, "prod"));
    assert_false(config_readonly(c, "dev"));
    config_free(c);
}

static void
test_bad(void **state)
{
    static const char text[] = "refresh-cap: 0\n"           /* 1 */
                               "log-buffer-lines: lots\n"   /* 2 */
                               "colour: yes\n"              /* 3 */
                               "mouse: maybe\n"             /* 4 */
                               "theme: light\n"             /* 5 */
                               "theme2: [a]\n"              /* 6 */
                               "contexts:\n"                /* 7 */
                               "  prod: {readonly: sure}\n" /* 8 */
                               "keymap: [vim]\n";           /* 9 */
    static const char *want[] = {"c.yaml:1: refresh-cap: expected a number",
                                 "c.yaml:2: log-buffer-lines: expected",
                                 "c.yaml:3: unknown option 'colour'",
                                 "c.yaml:4: mouse: expected true or false",
                                 "c.yaml:6: unknown option 'theme2'",
                                 "c.yaml:8: readonly: expected true",
                                 "c.yaml:9: keymap: expected a string"};
    struct config     *c = config_create();

    (void)state;
    assert_int_equal(config_apply(c, text, strlen(text), "c.yaml"), 0);
    for (size_t i = 0; i < c->causes.n; i++)
        fprintf(stderr, "cause: %s\n", c->causes.v[i]);
    assert_int_equal(c->causes.n, nitems(want));
    for (size_t i = 0; i < nitems(want); i++)
        assert_true(strncmp(c->causes.v[i], want[i], strlen(want[i])) == 0);
    /* Bad values keep defaults; the good line applied. */
    assert_int_equal(c->refresh_cap, 60);
    assert_int_equal(c->log_buffer_lines, 100000);
    assert_true(c->mouse);
    assert_string_equal(c->theme, "light");
    assert_string_equal(c->keymap, "default");
    assert_false(config_readonly(c, "prod"));
    config_free(c);

    c = config_create();
    assert_int_equal(config_apply(c, "a: [", 4, "broken.yaml"), -1);
    assert_int_equal(c->causes.n, 1);
    assert_true(strncmp(c->causes.v[0], "broken.yaml:", 12) == 0);
    /* A missing default file is fine; a missing named one is a cause. */
    setenv("XDG_CONFIG_HOME", "/nonexistent-kpod-test", 1);
    assert_int_equal(config_load(c, NULL), 0);
    assert_int_equal(c->causes.n, 1);
    assert_int_equal(config_load(c, "/nonexistent-kpod-test/c.yaml"), -1);
    assert_int_equal(c->causes.n, 2);
    config_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_doc),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
