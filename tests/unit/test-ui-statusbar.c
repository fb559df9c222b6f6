/*
 * Unit tests for the status bar text: context, namespace, each connection
 * state (connecting, live, retrying with a countdown, error with the
 * server's message) and the pod count, always exactly the bar's width.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cells.h"
#include "util.h"
#include "widget-statusbar.h"

#define NOW 1700000000000LL

static char *
conn(const struct widget_statusbar *sb, int64_t now)
{
    struct kbuf b;

    kbuf_init(&b);
    widget_statusbar_conn_text(sb, now, &b);
    return kbuf_steal(&b);
}

static char *
bar(const struct widget_statusbar *sb, int width)
{
    struct kbuf b;

    kbuf_init(&b);
    widget_statusbar_format(sb, NOW, width, &b);
    return b.data != NULL ? kbuf_steal(&b) : xstrdup("");
}

static void
test_states(void **state)
{
    struct widget_statusbar sb;
    struct reflector_status st;
    char                   *s;

    (void)state;
    widget_statusbar_init(&sb, "kind-dev", "default");
    s = conn(&sb, NOW);
    assert_string_equal(s, "connecting");
    free(s);

    memset(&st, 0, sizeof st);
    st.state = REFLECTOR_LIVE;
    widget_statusbar_set_conn(&sb, &st);
    s = conn(&sb, NOW);
    assert_string_equal(s, "live");
    free(s);

    st.state = REFLECTOR_RETRYING;
    st.retry_at_ms = NOW + 2500;
    st.error = "Get \"http://127.0.0.1:1/api/v1/pods\": connection refused";
    widget_statusbar_set_conn(&sb, &st);
    /* The message is copied: the reflector may free its own. */
    st.error = NULL;
    s = conn(&sb, NOW);
    assert_string_equal(s, "retrying in 3s: Get "
                           "\"http://127.0.0.1:1/api/v1/pods\": "
                           "connection refused");
    free(s);
    s = conn(&sb, NOW + 1600); /* counts down with the clock */
    assert_true(strncmp(s, "retrying in 1s: ", 16) == 0);
    free(s);
    s = conn(&sb, NOW + 9000); /* overdue: never negative */
    assert_true(strncmp(s, "retrying in 0s: ", 16) == 0);
    free(s);

    st.state = REFLECTOR_STOPPED;
    st.error = "pods is forbidden: User \"bob\" cannot list pods";
    widget_statusbar_set_conn(&sb, &st);
    s = conn(&sb, NOW);
    assert_string_equal(s, "error: pods is forbidden: User \"bob\" cannot "
                           "list pods");
    free(s);
    widget_statusbar_done(&sb);
}

static void
test_line(void **state)
{
    struct widget_statusbar sb;
    struct reflector_status st;
    char                   *s;
    int                     w;

    (void)state;
    widget_statusbar_init(&sb, "kpod-sim (demo)", NULL);
    memset(&st, 0, sizeof st);
    st.state = REFLECTOR_LIVE;
    widget_statusbar_set_conn(&sb, &st);
    sb.pods = 2;
    s = bar(&sb, 80);
    assert_int_equal(cells_width(s), 80);
    assert_non_null(strstr(s, " kpod-sim (demo) | all namespaces | 2 pods | "
                              "live "));
    assert_non_null(strstr(s, "q quit"));
    free(s);
    sb.pods = 1;
    s = bar(&sb, 80);
    assert_non_null(strstr(s, "| 1 pod |"));
    free(s);

    /* A multi-line server message stays on one line. */
    st.state = REFLECTOR_RETRYING;
    st.retry_at_ms = NOW + 1000;
    st.error = "line one\nline two";
    widget_statusbar_set_conn(&sb, &st);
    s = bar(&sb, 100);
    assert_null(strchr(s, '\n'));
    assert_non_null(strstr(s, "line one line two"));
    free(s);
    for (w = 1; w < 100; w++) {
        s = bar(&sb, w);
        assert_int_equal(cells_width(s), w);
        free(s);
    }
    widget_statusbar_done(&sb);
}

/* After a switch: context, cluster, user and namespace; a narrow bar
 * drops the cluster and user before it cuts anything else. */
static void
test_where(void **state)
{
    struct widget_statusbar sb;
    struct reflector_status st;
    char                   *s;
    int                     w;

    (void)state;
    widget_statusbar_init(&sb, "kind-dev", "default");
    memset(&st, 0, sizeof st);
    st.state = REFLECTOR_LIVE;
    widget_statusbar_set_conn(&sb, &st);
    widget_statusbar_set_where(&sb, "prod-eu", "eks-eu-1", "alice", "payments");
    sb.pods = 3;
    s = bar(&sb, 100);
    assert_non_null(strstr(s, " prod-eu (cluster eks-eu-1, user alice) | "
                              "payments | 3 pods | live"));
    free(s);
    s = bar(&sb, 50);
    assert_int_equal(cells_width(s), 50);
    assert_non_null(strstr(s, " prod-eu | payments | 3 pods | live"));
    assert_null(strstr(s, "eks-eu-1"));
    free(s);
    widget_statusbar_set_where(&sb, "in-cluster", "", NULL, NULL);
    s = bar(&sb, 100);
    assert_non_null(strstr(s, " in-cluster | all namespaces | 3 pods"));
    free(s);
    widget_statusbar_set_where(&sb, "kind-kind", "kind-kind", "kind-kind",
                               "default");
    s = bar(&sb, 100);
    assert_non_null(strstr(s, " kind-kind | default | 3 pods"));
    free(s);
    widget_statusbar_set_where(&sb, "dev", "dev", "bob", "default");
    s = bar(&sb, 100);
    assert_non_null(strstr(s, " dev (user bob) | default |"));
    free(s);
    for (w = 1; w < 100; w++) {
        s = bar(&sb, w);
        assert_int_equal(cells_width(s), w);
        free(s);
    }
    widget_statusbar_done(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_where),
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
