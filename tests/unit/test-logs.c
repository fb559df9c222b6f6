/*
 * logs: the timestamp prefix (RFC3339Nano with 9 fractional digits as the
 * kubelet writes it, fewer digits, offsets, no text, malformed ones) and
 * the duplicate dropping across reconnects: lines replayed from sinceTime
 * (also when it was rounded down to the second) are dropped, identical
 * lines that really were logged twice are kept, new lines pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "logbuf.h"
#include "logs.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S(x) x, sizeof(x) - 1

static void
test_parse_ts(void **state)
{
    int64_t ns = -1;
    size_t  n;
    char    buf[64];

    n = logs_parse_ts(S("2024-05-01T10:00:00.123456789Z hello"), &ns);
    assert_int_equal(n, 31);
    /* 2024-05-01T10:00:00Z = 1714557600 */
    assert_true(ns == 1714557600LL * 1000000000 + 123456789);
    /* Leap day, end of a year, the epoch. */
    n = logs_parse_ts(S("2024-02-29T23:59:59.999999999Z x"), &ns);
    assert_int_equal(n, 31);
    assert_true(ns == 1709251199LL * 1000000000 + 999999999);
    n = logs_parse_ts(S("1970-01-01T00:00:00.000000001Z "), &ns);
    assert_int_equal(n, 31);
    assert_true(ns == 1);
    /* Fewer digits scale up; none at all is seconds. */
    n = logs_parse_ts(S("2024-05-01T10:00:00.5Z x"), &ns);
    assert_int_equal(n, 23);
    assert_true(ns == 1714557600LL * 1000000000 + 500000000);
    n = logs_parse_ts(S("2024-05-01T10:00:00Z x"), &ns);
    assert_int_equal(n, 21);
    assert_true(ns == 1714557600LL * 1000000000);
    /* An offset. */
    n = logs_parse_ts(S("2024-05-01T12:30:00.000000007+02:30 x"), &ns);
    assert_int_equal(n, 36);
    assert_true(ns == 1714557600LL * 1000000000 + 7);
    /* Empty text: the line is just the timestamp (with or without the
     * space). */
    n = logs_parse_ts(S("2024-05-01T10:00:00.123456789Z"), &ns);
    assert_int_equal(n, 30);
    n = logs_parse_ts(S("2024-05-01T10:00:00.123456789Z "), &ns);
    assert_int_equal(n, 31);
    /* Not timestamps. */
    assert_int_equal(logs_parse_ts(S("hello world, this is a log line"), &ns),
                     0);
    assert_int_equal(logs_parse_ts(S("2024-05-01T10:00:00.1234567891Z x"), &ns),
                     0); /* 10 digits */
    assert_int_equal(logs_parse_ts(S("2024-05-01T10:00:00.Z x"), &ns), 0);
    assert_int_equal(logs_parse_ts(S("2024-13-01T10:00:00Z x"), &ns), 0);
    assert_int_equal(logs_parse_ts(S("2024-05-01T10:00:00.1Zx"), &ns), 0);
    assert_int_equal(logs_parse_ts(S("2024-05-01 10:00:00Z x"), &ns), 0);
    assert_int_equal(logs_parse_ts(S("2024-05-01T10:00"), &ns), 0);

    /* Round trip with the formatter used for sinceTime, over many values
     * (checked against the C library's calendar too). */
    for (int64_t t = 0; t < 4000000000LL; t += 7777777) {
        int64_t   v = t * 1000000000 + (t % 1000000000);
        time_t    tt = (time_t)t;
        struct tm tm;
        char      want[32];

        logbuf_format_ts(buf, sizeof buf, v);
        gmtime_r(&tt, &tm);
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
        assert_memory_equal(buf, want, 19);
        assert_int_equal(logs_parse_ts(buf, strlen(buf), &ns), 30);
        assert_true(ns == v);
    }
}

static int
check(struct logs_dedup *dd, int64_t ts, const char *text)
{
    return logs_dedup_check(dd, ts, text, strlen(text));
}

static void
test_dedup_replay(void **state)
{
    struct logs_dedup dd;

    logs_dedup_init(&dd);
    /* A live stream: everything passes, even equal texts at one time. */
    assert_true(check(&dd, 100, "a"));
    assert_true(check(&dd, 200, "b"));
    assert_true(check(&dd, 300, "c"));
    assert_true(check(&dd, 300, "c")); /* logged twice in the same ns */
    assert_true(check(&dd, 300, "d"));
    /* Reconnect from sinceTime 300: the server repeats from 300 (or from
     * an earlier second when it rounds down). */
    logs_dedup_resume(&dd);
    assert_false(check(&dd, 100, "a"));
    assert_false(check(&dd, 200, "b"));
    assert_false(check(&dd, 300, "c"));
    assert_false(check(&dd, 300, "c")); /* both copies were seen */
    assert_false(check(&dd, 300, "d"));
    assert_true(check(&dd, 300, "e")); /* new at the same time */
    assert_true(check(&dd, 400, "f")); /* newer: replay is over */
    assert_true(check(&dd, 400, "f")); /* a real second copy */
    assert_int_equal(dd.replay, 0);
    /* Another drop right away: only what was seen at 400 is dropped, and
     * only as many copies as were seen. */
    logs_dedup_resume(&dd);
    assert_false(check(&dd, 400, "f"));
    assert_false(check(&dd, 400, "f"));
    assert_true(check(&dd, 400, "f")); /* a third copy is new */
    assert_true(check(&dd, 401, "g"));
    /* Out-of-order in a live stream passes. */
    assert_true(check(&dd, 350, "late"));
    logs_dedup_done(&dd);
}

static void
test_dedup_fresh(void **state)
{
    struct logs_dedup dd;

    logs_dedup_init(&dd);
    /* Resume before anything was seen: nothing is dropped. */
    logs_dedup_resume(&dd);
    assert_int_equal(dd.replay, 0);
    assert_true(check(&dd, 5, "x"));
    assert_true(check(&dd, 5, "x"));
    /* Binary text with NULs compares by length. */
    logs_dedup_resume(&dd);
    assert_true(logs_dedup_check(&dd, 5, "x\0y", 3));
    assert_false(check(&dd, 5, "x"));
    assert_false(check(&dd, 5, "x"));
    logs_dedup_done(&dd);
}

/* A replay of a long stream with random drops: every line exactly once. */
static void
test_dedup_random_drops(void **state)
{
    struct logs_dedup dd;
    int64_t           ts[3000];
    int               seen[3000] = {0};
    int               i, next = 0, got = 0;
    char              text[32];
    unsigned          r = 12345;

    /* Timestamps with many ties (ten lines per tick). */
    for (i = 0; i < 3000; i++)
        ts[i] = 1000000000LL + (i / 10) * 1000;
    logs_dedup_init(&dd);
    while (next < 3000) {
        int n = (int)((r = r * 1103515245 + 12345) >> 16) % 200 + 1;
        int from = next;

        /* The server resends from the last delivered line's second,
         * rounded down like a seconds-precision sinceTime would. */
        if (next > 0) {
            int64_t since = ts[next - 1] - ts[next - 1] % 1000000;

            logs_dedup_resume(&dd);
            for (from = 0; ts[from] < since; from++)
                ;
        }
        for (i = from; i < 3000 && i < next + n; i++) {
            snprintf(text, sizeof text, "line %d", i % 5); /* twice per tick */
            if (logs_dedup_check(&dd, ts[i], text, strlen(text))) {
                assert_true(i >= next);
                seen[i]++;
                got++;
            }
        }
        next = i;
    }
    assert_int_equal(got, 3000);
    for (i = 0; i < 3000; i++)
        assert_int_equal(seen[i], 1);
    logs_dedup_done(&dd);
}

static void
test_status_text(void **state)
{
    struct logs_status st = {0};
    char               buf[256];

    st.state = LOGS_FOLLOWING;
    logs_status_text(&st, 0, buf, sizeof buf);
    assert_string_equal(buf, "following");
    st.state = LOGS_RECONNECTING;
    st.retry_at_ms = 10000;
    st.message = "connection refused";
    logs_status_text(&st, 7200, buf, sizeof buf);
    assert_string_equal(buf, "reconnecting in 3s: connection refused");
    st.state = LOGS_ENDED;
    st.exit_code = 137;
    st.exit_reason = "OOMKilled";
    logs_status_text(&st, 0, buf, sizeof buf);
    assert_string_equal(buf, "ended: exit 137 (OOMKilled)");
    st.state = LOGS_ERROR;
    st.message = "container \"x\" in pod \"y\" is waiting to start: "
                 "ContainerCreating";
    logs_status_text(&st, 0, buf, sizeof buf);
    assert_string_equal(buf, "error: container \"x\" in pod \"y\" is "
                             "waiting to start: ContainerCreating");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ts),
        cmocka_unit_test(test_dedup_replay),
        cmocka_unit_test(test_dedup_fresh),
        cmocka_unit_test(test_dedup_random_drops),
        cmocka_unit_test(test_status_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
