/*
 * Unit tests for the Go text/tabwriter port: kubectl get's settings
 * (minwidth 6, padding 3) on the documented pod table, describe's settings
 * (minwidth 0, padding 2) on nested column blocks, trailing padding of
 * empty last-but-one cells, rune counting and incremental flushes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tabwriter.h"

static void
test_get_table(void **state)
{
    struct tabwriter tw;
    char            *out;
    (void)state;
    tabwriter_init(&tw, 6, 3);
    tabwriter_puts(&tw, "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\n"
                        "web-0\t1/1\tRunning\t1 (15s ago)\t91s\n"
                        "db-0\t0/1\tCrashLoopBackOff\t5 (3m10s ago)\t2m3s\n"
                        "job-x7k2p\t0/1\tCompleted\t0\t47h\n"
                        "pending-1\t0/1\tPending\t0\t5s\n");
    out = tabwriter_finish(&tw);
    assert_string_equal(
        out, "NAME        READY   STATUS             RESTARTS        AGE\n"
             "web-0       1/1     Running            1 (15s ago)     91s\n"
             "db-0        0/1     CrashLoopBackOff   5 (3m10s ago)   2m3s\n"
             "job-x7k2p   0/1     Completed          0               47h\n"
             "pending-1   0/1     Pending            0               5s\n");
    free(out);
    tabwriter_done(&tw);
}

static void
test_describe_blocks(void **state)
{
    struct tabwriter tw;
    char            *out;
    (void)state;
    tabwriter_init(&tw, 0, 2);
    tabwriter_puts(&tw, "Name:\tbar\nStatus:\t\nIPs:\t<none>\n"
                        "Containers: <none>\nVolumes:\n  image:\n"
                        "    Type:\tImage\n    Reference:\timage\n"
                        "QoS Class:\tBestEffort\n");
    tabwriter_flush(&tw);
    /* After a flush, later lines align on their own. */
    tabwriter_puts(&tw, "Events:\n  Type\tReason\n  ----\t------\n"
                        "  Normal\tScheduled\n");
    out = tabwriter_finish(&tw);
    assert_string_equal(out, "Name:    bar\n"
                             "Status:  \n"
                             "IPs:     <none>\n"
                             "Containers: <none>\n"
                             "Volumes:\n"
                             "  image:\n"
                             "    Type:       Image\n"
                             "    Reference:  image\n"
                             "QoS Class:      BestEffort\n"
                             "Events:\n"
                             "  Type    Reason\n"
                             "  ----    ------\n"
                             "  Normal  Scheduled\n");
    free(out);
    tabwriter_done(&tw);
}

static void
test_nested_and_runes(void **state)
{
    struct tabwriter tw;
    char            *out;
    (void)state;
    tabwriter_init(&tw, 0, 2);
    /* Column 1 exists only on the middle line: its block is that line. A
     * two-byte UTF-8 character counts as one. */
    tabwriter_puts(&tw, "A:\tx\nBBB:\t\xc3\xa9t\xc3\xa9\tOptional: true\n"
                        "C:\ty\nno newline at end");
    out = tabwriter_finish(&tw);
    assert_string_equal(out, "A:    x\n"
                             "BBB:  \xc3\xa9t\xc3\xa9  Optional: true\n"
                             "C:    y\n"
                             "no newline at end");
    free(out);
    out = tabwriter_finish(&tw);
    assert_string_equal(out, "");
    free(out);
    tabwriter_done(&tw);
    tabwriter_done(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_table),
        cmocka_unit_test(test_describe_blocks),
        cmocka_unit_test(test_nested_and_runes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
