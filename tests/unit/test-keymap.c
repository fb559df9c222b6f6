/*
 * Unit tests for keymaps: the embedded default and every shipped keymap
 * load without a complaint against the real action table; user files
 * rebind, unbind and extend; bad lines are reported as FILE:LINE while
 * the rest of the file applies; --readonly drops mutating actions. The
 * README's keys section must equal keymap_doc() of the defaults;
 * GENERATE=1 (scripts/gen-keys-doc) rewrites it instead.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "keymap.h"
#include "util.h"

static int
lookup(struct keymap *km, enum keymap_context ctx, const char *keys)
{
    struct keyseq s;

    assert_int_equal(keyname_parse_seq(keys, &s), 0);
    return keymap_lookup(km, ctx, &s, NULL);
}

static const char *
action_at(struct keymap *km, enum keymap_context ctx, const char *keys)
{
    int a = lookup(km, ctx, keys);
    return a < 0 ? "(none)" : km->actions[a].name;
}

static void
dump_causes(struct keymap *km)
{
    for (size_t i = 0; i < km->causes.n; i++)
        fprintf(stderr, "cause: %s\n", km->causes.v[i]);
}

static void
test_default(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);

    (void)state;
    assert_int_equal(keymap_load(km, "default"), 0);
    dump_causes(km);
    assert_int_equal(km->causes.n, 0);
    assert_string_equal(action_at(km, KEYMAP_PODS, "ctrl-d"), "pod.delete");
    assert_string_equal(action_at(km, KEYMAP_PODS, "enter"), "pod.describe");
    assert_string_equal(action_at(km, KEYMAP_PODS, "d"), "pod.describe");
    /* Pods fall back to global. */
    assert_string_equal(action_at(km, KEYMAP_PODS, "?"), "help");
    assert_string_equal(action_at(km, KEYMAP_PODS, "n"), "namespace");
    /* Logs shadow n with the next match. */
    assert_string_equal(action_at(km, KEYMAP_LOGS, "n"), "search.next");
    assert_string_equal(action_at(km, KEYMAP_LOGS, "f"), "log.follow");
    assert_string_equal(action_at(km, KEYMAP_EVENTS, "w"), "log.wrap");
    assert_string_equal(action_at(km, KEYMAP_LOGS, "ctrl-d"), "(none)");
    for (size_t i = 0; i < km->n; i++)
        assert_false(km->b[i].override);
    keymap_free(km);
}

/* Every action of the table has at least one key in default.yaml. */
static void
test_default_complete(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);

    (void)state;
    keymap_load(km, NULL);
    for (size_t a = 0; a < keymap_nactions; a++) {
        size_t i;
        for (i = 0; i < km->n; i++)
            if (km->b[i].action == a)
                break;
        if (i == km->n)
            fail_msg("action %s has no default key", keymap_actions[a].name);
    }
    keymap_free(km);
}

static void
test_shipped(void **state)
{
    static const char *names[] = {"vim", "emacs"};
    char               path[4096];

    (void)state;
    for (size_t i = 0; i < nitems(names); i++) {
        struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);
        char          *text;
        size_t         len;

        snprintf(path, sizeof path, "%s/keymaps/%s.yaml", KPOD_SOURCE_DIR,
                 names[i]);
        text = cfgfile_read(path, &len);
        assert_non_null(text);
        assert_int_equal(keymap_apply(km, keymap_default_yaml,
                                      keymap_default_yaml_len, "default"),
                         0);
        assert_int_equal(keymap_apply(km, text, len, path), 0);
        dump_causes(km);
        assert_int_equal(km->causes.n, 0);
        free(text);
        keymap_free(km);
    }
}

/* The on-disk default.yaml is the embedded one. */
static void
test_embedded_is_file(void **state)
{
    char  *text, path[4096];
    size_t len;

    (void)state;
    snprintf(path, sizeof path, "%s/keymaps/default.yaml", KPOD_SOURCE_DIR);
    text = cfgfile_read(path, &len);
    assert_non_null(text);
    assert_int_equal(len, keymap_default_yaml_len);
    assert_memory_equal(text, keymap_default_yaml, len);
    free(text);
}

static void
test_vim(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);
    struct keyseq  s;
    int            prefix = 0;

    (void)state;
    /* Named lookup finds the source tree's keymaps/vim.yaml. */
    setenv("XDG_CONFIG_HOME", "/nonexistent-kpod-test", 1);
    assert_int_equal(keymap_load(km, "vim"), 0);
    dump_causes(km);
    assert_int_equal(km->causes.n, 0);
    assert_string_equal(action_at(km, KEYMAP_PODS, "g g"), "cursor.top");
    assert_string_equal(action_at(km, KEYMAP_PODS, "D"), "pod.delete");
    assert_string_equal(action_at(km, KEYMAP_PODS, "ctrl-d"),
                        "cursor.page-down");
    assert_string_equal(action_at(km, KEYMAP_PODS, "g"), "(none)");
    keyname_parse_seq("g", &s);
    assert_int_equal(keymap_lookup(km, KEYMAP_PODS, &s, &prefix), -1);
    assert_true(prefix);
    keyname_parse_seq("j", &s);
    assert_true(keymap_lookup(km, KEYMAP_PODS, &s, &prefix) >= 0);
    assert_false(prefix);
    keymap_free(km);
}

static const char user_map[] = "# a user keymap\n"    /* 1 */
                               "bindings:\n"          /* 2 */
                               "  pods:\n"            /* 3 */
                               "    pod.delete: X\n"  /* 4 */
                               "    pod.explode: B\n" /* 5: unknown action */
                               "    pod.yaml: ctrl-nope\n" /* 6: bad key */
                               "    pod.events: [v, v]\n"  /* 7: duplicate */
                               "    pod.shell: ~\n"        /* 8: unbound */
                               "  nowhere:\n"        /* 9: unknown context */
                               "    help: h\n"       /* 10 */
                               "  logs:\n"           /* 11 */
                               "    pod.delete: D\n" /* 12: wrong context */
                               "unbind:\n"           /* 13 */
                               "  global: [z]\n";    /* 14 */

static void
test_user(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);
    char           dir[] = "/tmp/kpod-keymap-XXXXXX", path[256];
    FILE          *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/kpod", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/kpod/keymaps", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/kpod/keymaps/mine.yaml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(user_map, f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);

    assert_int_equal(keymap_load(km, "mine"), 0);
    dump_causes(km);
    assert_int_equal(km->causes.n, 5);
    {
        static const struct {
            int         line;
            const char *what;
        } want[] = {{5, "unknown action 'pod.explode'"},
                    {6, "bad key name 'ctrl-nope'"},
                    {7, "duplicate binding of 'v'"},
                    {9, "unknown context 'nowhere'"},
                    {12, "does not apply in logs"}};
        for (size_t i = 0; i < nitems(want); i++) {
            char *head = xasprintf("%s:%d: ", path, want[i].line);
            assert_true(strncmp(km->causes.v[i], head, strlen(head)) == 0);
            assert_non_null(strstr(km->causes.v[i], want[i].what));
            free(head);
        }
    }
    /* The rest applied: rebinding moved delete, the old key is free. */
    assert_string_equal(action_at(km, KEYMAP_PODS, "X"), "pod.delete");
    assert_string_equal(action_at(km, KEYMAP_PODS, "ctrl-d"), "(none)");
    assert_string_equal(action_at(km, KEYMAP_PODS, "v"), "pod.events");
    assert_string_equal(action_at(km, KEYMAP_PODS, "E"), "(none)");
    assert_string_equal(action_at(km, KEYMAP_PODS, "s"), "(none)");
    assert_string_equal(action_at(km, KEYMAP_PODS, "z"), "(none)");
    /* Untouched defaults remain (implicit extends: default). */
    assert_string_equal(action_at(km, KEYMAP_PODS, "y"), "pod.yaml");
    assert_string_equal(action_at(km, KEYMAP_PODS, "l"), "pod.logs");
    for (size_t i = 0; i < km->n; i++) {
        if (strcmp(km->actions[km->b[i].action].name, "pod.delete") == 0)
            assert_true(km->b[i].override);
        if (strcmp(km->actions[km->b[i].action].name, "pod.logs") == 0)
            assert_false(km->b[i].override);
    }
    keymap_free(km);
    unlink(path);
    snprintf(path, sizeof path, "%s/kpod/keymaps", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/kpod", dir);
    rmdir(path);
    rmdir(dir);
}

static void
test_readonly(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 1);

    (void)state;
    keymap_load(km, "default");
    assert_int_equal(km->causes.n, 0);
    assert_string_equal(action_at(km, KEYMAP_PODS, "ctrl-d"), "(none)");
    assert_string_equal(action_at(km, KEYMAP_PODS, "s"), "(none)");
    assert_string_equal(action_at(km, KEYMAP_PODS, "l"), "pod.logs");
    assert_int_equal(keymap_action_find(km, "pod.delete"), -1);
    for (size_t i = 0; i < km->n; i++)
        assert_false(km->actions[km->b[i].action].mutating);
    keymap_free(km);
}

static void
test_broken(void **state)
{
    struct keymap    *km = keymap_create(keymap_actions, keymap_nactions, 0);
    static const char loop[] = "extends: loop\n";
    static const char bad[] = "bindings:\n  pods: [\n";

    (void)state;
    assert_int_equal(keymap_apply(km, bad, strlen(bad), "bad.yaml"), -1);
    assert_int_equal(km->causes.n, 1);
    assert_true(strncmp(km->causes.v[0], "bad.yaml:", 9) == 0);
    /* extends of a missing keymap is a cause, not a crash. */
    assert_int_equal(keymap_apply(km, loop, strlen(loop), "loop.yaml"), 0);
    assert_int_equal(km->causes.n, 2);
    assert_non_null(strstr(km->causes.v[1], "loop.yaml:1: extends"));
    keymap_free(km);
}

static void
test_input(void **state)
{
    struct keymap      *km = keymap_create(keymap_actions, keymap_nactions, 0);
    struct keymap_input in = {{{0}, 0}};
    int                 top, down;

    (void)state;
    assert_int_equal(keymap_load(km, "vim"), 0);
    top = keymap_action_find(km, "cursor.top");
    down = keymap_action_find(km, "cursor.down");
    assert_int_equal(keymap_input_feed(km, &in, KEYMAP_PODS, 'g'),
                     KEYMAP_PENDING);
    assert_int_equal(keymap_input_feed(km, &in, KEYMAP_PODS, 'g'), top);
    /* g then j: g completes nothing, j alone moves down. */
    assert_int_equal(keymap_input_feed(km, &in, KEYMAP_PODS, 'g'),
                     KEYMAP_PENDING);
    assert_int_equal(keymap_input_feed(km, &in, KEYMAP_PODS, 'j'), down);
    assert_int_equal(keymap_input_feed(km, &in, KEYMAP_PODS, '%'), KEYMAP_NONE);
    assert_int_equal(in.pending.n, 0);
    keymap_free(km);
}

#define BEGIN_MARK "<!-- keys:begin: generated by scripts/gen-keys-doc -->\n"
#define END_MARK "<!-- keys:end -->\n"

static void
test_readme(void **state)
{
    struct keymap *km = keymap_create(keymap_actions, keymap_nactions, 0);
    char           path[4096], *text, *doc, *begin, *end;
    size_t         len;

    (void)state;
    keymap_load(km, NULL);
    doc = keymap_doc(km);
    /* Every context with a binding has a table; a '|' key is escaped. */
    assert_non_null(strstr(doc, "**pods**"));
    assert_non_null(strstr(doc, "| `ctrl-d` | `pod.delete` |"));
    assert_non_null(strstr(doc, "| `\\|` | `pane.split-vertical` |"));
    snprintf(path, sizeof path, "%s/README.md", KPOD_SOURCE_DIR);
    text = cfgfile_read(path, &len);
    assert_non_null(text);
    begin = strstr(text, BEGIN_MARK);
    assert_non_null(begin);
    begin += strlen(BEGIN_MARK);
    end = strstr(begin, END_MARK);
    assert_non_null(end);
    if (getenv("GENERATE") != NULL) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fwrite(text, 1, (size_t)(begin - text), f);
        fputs(doc, f);
        fputs(end, f);
        assert_int_equal(fclose(f), 0);
    } else {
        if ((size_t)(end - begin) != strlen(doc) ||
            memcmp(begin, doc, strlen(doc)) != 0)
            fail_msg("README.md's keys section differs from keymaps/"
                     "default.yaml: run scripts/gen-keys-doc");
    }
    free(text);
    free(doc);
    keymap_free(km);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_default_complete),
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_embedded_is_file),
        cmocka_unit_test(test_vim),
        cmocka_unit_test(test_user),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_broken),
        cmocka_unit_test(test_readme),
        cmocka_unit_test(test_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
