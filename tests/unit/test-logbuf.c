/*
 * logbuf: eviction by line count and by bytes with the evicted count and
 * stable sequence numbers, growth of the ring, search (substring, ASCII
 * case-insensitive, regex, every match in a line, both directions), filter
 * iteration that keeps markers, 1 MiB lines kept whole and longer ones
 * flagged, and saving to a new 0600 file under XDG_STATE_HOME.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "logbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
add(struct logbuf *lb, const char *s)
{
    logbuf_add(lb, s, strlen(s), 0, 0, 0);
}

static void
test_ring_eviction(void **state)
{
    struct logbuf *lb = logbuf_create(1000, 0);
    char           line[32];
    uint64_t       i, seq;

    assert_null(logbuf_get(lb, 0));
    for (i = 0; i < 2500; i++) {
        snprintf(line, sizeof line, "line %llu", (unsigned long long)i);
        seq = logbuf_add(lb, line, strlen(line), (int64_t)i, 0, 0);
        assert_int_equal(seq, i);
    }
    assert_int_equal(logbuf_count(lb), 1000);
    assert_int_equal(logbuf_evicted(lb), 1500);
    assert_int_equal(logbuf_first(lb), 1500);
    assert_int_equal(logbuf_end(lb), 2500);
    assert_null(logbuf_get(lb, 1499));
    assert_null(logbuf_get(lb, 2500));
    /* Every held line is the right one, in order. */
    for (i = 1500; i < 2500; i++) {
        const struct logbuf_line *l = logbuf_get(lb, i);

        snprintf(line, sizeof line, "line %llu", (unsigned long long)i);
        assert_non_null(l);
        assert_string_equal(l->text, line);
        assert_int_equal(l->ts_ns, (int64_t)i);
    }
    assert_int_equal(logbuf_bytes(lb), 1000 * strlen("line 1500"));
    logbuf_clear(lb);
    assert_int_equal(logbuf_count(lb), 0);
    assert_int_equal(logbuf_evicted(lb), 2500);
    assert_int_equal(logbuf_bytes(lb), 0);
    logbuf_free(lb);

    /* The default bound is 100,000 lines. */
    lb = logbuf_create(0, 0);
    for (i = 0; i < 100005; i++)
        add(lb, "x");
    assert_int_equal(logbuf_count(lb), 100000);
    assert_int_equal(logbuf_evicted(lb), 5);
    assert_string_equal(logbuf_get(lb, 5)->text, "x");
    logbuf_free(lb);
}

static void
test_byte_bound(void **state)
{
    struct logbuf *lb = logbuf_create(100, 1000);
    char           line[100];
    int            i;

    memset(line, 'a', sizeof line);
    for (i = 0; i < 25; i++)
        logbuf_add(lb, line, sizeof line, 0, 0, 0);
    assert_int_equal(logbuf_count(lb), 10);
    assert_int_equal(logbuf_evicted(lb), 15);
    assert_true(logbuf_bytes(lb) <= 1000);
    /* One line bigger than the budget still stays (alone). */
    {
        char *big = xmalloc(5000);

        memset(big, 'b', 5000);
        logbuf_add(lb, big, 5000, 0, 0, 0);
        free(big);
    }
    assert_int_equal(logbuf_count(lb), 1);
    assert_int_equal(logbuf_evicted(lb), 25);
    assert_int_equal(logbuf_get(lb, 25)->len, 5000);
    logbuf_free(lb);
}

static void
test_long_lines(void **state)
{
    struct logbuf            *lb = logbuf_create(10, 0);
    size_t                    n = LOGBUF_MAX_LINE;
    char                     *big = xmalloc(n + 100);
    const struct logbuf_line *l;
    uint64_t                  seq;

    memset(big, 'q', n + 100);
    big[n - 1] = 'E';
    seq = logbuf_add(lb, big, n, 0, 0, 0);
    l = logbuf_get(lb, seq);
    assert_int_equal(l->len, n);
    assert_int_equal(l->flags & LOGBUF_TRUNCATED, 0);
    assert_int_equal(l->text[n - 1], 'E');
    assert_memory_equal(l->text, big, n);
    seq = logbuf_add(lb, big, n + 100, 0, 0, 0);
    l = logbuf_get(lb, seq);
    assert_int_equal(l->len, n);
    assert_true(l->flags & LOGBUF_TRUNCATED);
    /* NUL bytes inside a line are kept. */
    seq = logbuf_add(lb, "a\0b", 3, 0, 0, 0);
    l = logbuf_get(lb, seq);
    assert_int_equal(l->len, 3);
    assert_memory_equal(l->text, "a\0b", 3);
    free(big);
    logbuf_free(lb);
}

static void
test_query_match(void **state)
{
    struct logbuf_query *q;
    char                *cause = NULL;
    size_t               off, len;
    const char          *t = "Error: disk error, ERROR again";

    q = logbuf_query_create("error", 0, &cause);
    assert_non_null(q);
    assert_int_equal(logbuf_query_match(q, t, strlen(t), 0, &off, &len), 1);
    assert_int_equal(off, 12);
    assert_int_equal(len, 5);
    assert_int_equal(logbuf_query_match(q, t, strlen(t), off + len, &off, &len),
                     0);
    logbuf_query_free(q);

    /* Case-insensitive: every match, in order. */
    q = logbuf_query_create("ERROR", LOGBUF_ICASE, &cause);
    {
        size_t from = 0, offs[3], n = 0;

        while (logbuf_query_match(q, t, strlen(t), from, &off, &len)) {
            assert_true(n < 3);
            offs[n++] = off;
            from = off + (len ? len : 1);
        }
        assert_int_equal(n, 3);
        assert_int_equal(offs[0], 0);
        assert_int_equal(offs[1], 12);
        assert_int_equal(offs[2], 19);
    }
    logbuf_query_free(q);

    /* Regex, with ^ only at the line's start and NUL bytes in the line. */
    q = logbuf_query_create("^E[a-z]+", LOGBUF_REGEX, &cause);
    assert_int_equal(logbuf_query_match(q, t, strlen(t), 0, &off, &len), 1);
    assert_int_equal(off, 0);
    assert_int_equal(len, 5);
    assert_int_equal(logbuf_query_match(q, t, strlen(t), 1, &off, &len), 0);
    logbuf_query_free(q);
    q = logbuf_query_create("b+c", LOGBUF_REGEX | LOGBUF_ICASE, &cause);
    assert_int_equal(logbuf_query_match(q, "a\0xBBc", 6, 0, &off, &len), 1);
    assert_int_equal(off, 3);
    assert_int_equal(len, 3);
    logbuf_query_free(q);
    /* Substring search past a NUL too. */
    q = logbuf_query_create("xb", 0, &cause);
    assert_int_equal(logbuf_query_match(q, "a\0xb", 4, 0, &off, &len), 1);
    assert_int_equal(off, 2);
    logbuf_query_free(q);

    /* Bad patterns say why. */
    assert_null(logbuf_query_create("a(", LOGBUF_REGEX, &cause));
    assert_non_null(cause);
    assert_non_null(strstr(cause, "regular expression"));
    free(cause);
    cause = NULL;
    assert_null(logbuf_query_create("", 0, &cause));
    free(cause);
}

static void
test_find_and_filter(void **state)
{
    struct logbuf       *lb = logbuf_create(5, 0);
    struct logbuf_query *q;
    struct logbuf_match  m;
    char                *cause = NULL;
    uint64_t             seq;
    uint64_t             got[8];
    int                  n;

    add(lb, "zero match"); /* 0, evicted below */
    add(lb, "one");        /* 1, evicted */
    add(lb, "two match");  /* 2 */
    add(lb, "three");      /* 3 */
    logbuf_add(lb, "--- restarted ---", 17, 0, 0, LOGBUF_MARKER); /* 4 */
    add(lb, "five");                                              /* 5 */
    add(lb, "six MATCH");                                         /* 6 */
    assert_int_equal(logbuf_first(lb), 2);
    q = logbuf_query_create("match", LOGBUF_ICASE, &cause);

    assert_int_equal(logbuf_find(lb, q, 0, 1, &m), 1);
    assert_int_equal(m.seq, 2);
    assert_int_equal(m.off, 4);
    assert_int_equal(m.len, 5);
    assert_int_equal(logbuf_find(lb, q, 3, 1, &m), 1);
    assert_int_equal(m.seq, 6);
    assert_int_equal(logbuf_find(lb, q, 7, 1, &m), 0);
    assert_int_equal(logbuf_find(lb, q, 100, -1, &m), 1);
    assert_int_equal(m.seq, 6);
    assert_int_equal(logbuf_find(lb, q, 5, -1, &m), 1);
    assert_int_equal(m.seq, 2);
    assert_int_equal(logbuf_find(lb, q, 1, -1, &m), 0);

    /* Filter: matching lines and the marker, both directions. */
    n = 0;
    for (seq = 0; logbuf_filter_next(lb, q, &seq, 1); seq++)
        got[n++] = seq;
    assert_int_equal(n, 3);
    assert_int_equal(got[0], 2);
    assert_int_equal(got[1], 4);
    assert_int_equal(got[2], 6);
    n = 0;
    seq = UINT64_MAX;
    while (logbuf_filter_next(lb, q, &seq, -1)) {
        got[n++] = seq;
        if (seq == 0)
            break;
        seq--;
    }
    assert_int_equal(n, 3);
    assert_int_equal(got[0], 6);
    assert_int_equal(got[2], 2);
    /* NULL query = every line. */
    n = 0;
    for (seq = 0; logbuf_filter_next(lb, NULL, &seq, 1); seq++)
        n++;
    assert_int_equal(n, 5);
    logbuf_query_free(q);
    logbuf_free(lb);
}

static void
test_save(void **state)
{
    char           tmpl[] = "/tmp/kpod-logbuf-XXXXXX";
    char          *dir = mkdtemp(tmpl), *state_home, *path, *cause = NULL;
    char          *want_dir, buf[256];
    struct logbuf *lb = logbuf_create(2, 0);
    struct stat    st;
    FILE          *f;
    size_t         n;

    assert_non_null(dir);
    state_home = xasprintf("%s/state", dir);
    setenv("XDG_STATE_HOME", state_home, 1);
    add(lb, "evicted");
    logbuf_add(lb, "first", 5, 1700000000123456789LL, 0, 0);
    logbuf_add(lb, "sec\0ond", 7, 1700000001000000000LL, 0, 0);

    path = logbuf_save(lb, "ns/pod:c", 1, &cause);
    assert_non_null(path);
    want_dir = xasprintf("%s/kpod/", state_home);
    assert_memory_equal(path, want_dir, strlen(want_dir));
    assert_null(strchr(path + strlen(want_dir), '/'));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    f = fopen(path, "r");
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(n, 37 + 39);
    assert_memory_equal(buf,
                        "2023-11-14T22:13:20.123456789Z first\n"
                        "2023-11-14T22:13:21.000000000Z sec\0ond\n",
                        n);
    /* The directory is private too. */
    want_dir[strlen(want_dir) - 1] = '\0';
    assert_int_equal(stat(want_dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    /* A second save in the same second gets a new file, not the old. */
    {
        char *p2 = logbuf_save(lb, "ns/pod:c", 0, &cause);

        assert_non_null(p2);
        assert_string_not_equal(p2, path);
        f = fopen(p2, "r");
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        assert_int_equal(n, 14);
        assert_memory_equal(buf, "first\nsec\0ond\n", n);
        unlink(p2);
        free(p2);
    }
    unlink(path);
    free(path);

    /* Without XDG_STATE_HOME: ~/.local/state/kpod. */
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", dir, 1);
    path = logbuf_save(lb, "x", 0, &cause);
    assert_non_null(path);
    free(want_dir);
    want_dir = xasprintf("%s/.local/state/kpod/x-", dir);
    assert_memory_equal(path, want_dir, strlen(want_dir));
    unlink(path);
    free(path);

    /* Unwritable place: an error, no path. */
    setenv("XDG_STATE_HOME", "/proc/kpod-cannot", 1);
    assert_null(logbuf_save(lb, "x", 0, &cause));
    assert_non_null(cause);
    free(cause);

    free(want_dir);
    free(state_home);
    logbuf_free(lb);
    {
        char *cmd = xasprintf("rm -rf '%s'", dir);

        assert_int_equal(system(cmd), 0);
        free(cmd);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_eviction),
        cmocka_unit_test(test_byte_bound),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_query_match),
        cmocka_unit_test(test_find_and_filter),
        cmocka_unit_test(test_save),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
