/*
 * Real pods against real kubectl rows: for every fixture in
 * $KPOD_SHARED/fixtures/real-pods with an expected-get*.txt, parse pod.yaml
 * with kyaml, find the pod's row, and compare it cell by cell (split on runs
 * of two or more spaces, as the fixtures README says). AGE is compared with
 * the clock frozen at creationTimestamp + the published age.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "kyaml.h"
#include "pod.h"
#include "testutil.h"
#include "util.h"

#define MAXCOLS 16

/* Split a line in place on runs of two or more spaces. */
static int
split_cells(char *line, char **cells)
{
    int   n = 0;
    char *p = line;

    while (*p == ' ')
        p++;
    while (*p != '\0' && n < MAXCOLS) {
        char *end = strstr(p, "  ");

        cells[n++] = p;
        if (end == NULL)
            break;
        *end = '\0';
        p = end + 2;
        while (*p == ' ')
            p++;
    }
    if (n > 0) {
        char  *last = cells[n - 1];
        size_t l = strlen(last);

        while (l > 0 && (last[l - 1] == ' ' || last[l - 1] == '\r'))
            last[--l] = '\0';
    }
    return n;
}

/* "2m9s", "54m", "13s", "5d" ... back to ms. */
static int64_t
parse_age(const char *s)
{
    int64_t total = 0, v = 0;

    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            v = v * 10 + (*s - '0');
            continue;
        }
        switch (*s) {
        case 's':
            total += v * 1000;
            break;
        case 'm':
            total += v * 60000;
            break;
        case 'h':
            total += v * 3600000;
            break;
        case 'd':
            total += v * 86400000;
            break;
        case 'y':
            total += v * 86400000 * 365;
            break;
        default:
            fail_msg("bad age \"%s\"", s);
        }
        v = 0;
    }
    return total;
}

static const struct {
    const char  *header;
    enum pod_col col;
} header_cols[] = {
    {"NAMESPACE", POD_COL_NAMESPACE},
    {"NAME", POD_COL_NAME},
    {"READY", POD_COL_READY},
    {"STATUS", POD_COL_STATUS},
    {"RESTARTS", POD_COL_RESTARTS},
    {"AGE", POD_COL_AGE},
    {"IP", POD_COL_IP},
    {"NODE", POD_COL_NODE},
    {"NOMINATED NODE", POD_COL_NOMINATED},
    {"READINESS GATES", POD_COL_GATES},
    {"LABELS", POD_COL_LABELS},
};

/* Known snapshot mismatches (fixtures README): only these columns hold. */
static int
column_usable(const char *casename, enum pod_col col)
{
    if (strstr(casename, "case13") != NULL)
        return col == POD_COL_READY || col == POD_COL_STATUS ||
               col == POD_COL_NAME || col == POD_COL_NAMESPACE;
    return 1;
}

/* Compare the pod's row in one listing; returns the number of cells. */
static int
check_listing(const char *casename, const char *path,
              const struct pod_summary *ps)
{
    char        *text = testutil_slurp(path, NULL), *line, *save = NULL;
    char        *hdr[MAXCOLS], *row[MAXCOLS];
    int          nh = -1, checked = 0, found = 0;
    enum pod_col cols[MAXCOLS];

    if (text == NULL)
        fail_msg("cannot read %s", path);
    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        int nr, name_at = -1, ns_at = -1;

        if (nh < 0) {
            nh = split_cells(line, hdr);
            for (int i = 0; i < nh; i++) {
                size_t k;

                for (k = 0; k < nitems(header_cols); k++)
                    if (strcmp(hdr[i], header_cols[k].header) == 0)
                        break;
                if (k == nitems(header_cols))
                    fail_msg("%s: unknown column %s", path, hdr[i]);
                cols[i] = header_cols[k].col;
            }
            continue;
        }
        nr = split_cells(line, row);
        for (int i = 0; i < nr && i < nh; i++) {
            if (cols[i] == POD_COL_NAME)
                name_at = i;
            if (cols[i] == POD_COL_NAMESPACE)
                ns_at = i;
        }
        if (name_at < 0 || strcmp(row[name_at], ps->name) != 0)
            continue;
        if (ns_at >= 0 && strcmp(row[ns_at], ps->ns) != 0)
            continue;
        if (nr != nh)
            fail_msg("%s: row has %d cells, header %d", path, nr, nh);
        found = 1;
        for (int i = 0; i < nr; i++) {
            char    got[256];
            int64_t now;

            if (!column_usable(casename, cols[i]))
                continue;
            /* Freeze the clock at creation + the published age. */
            now = 0;
            for (int k = 0; k < nh; k++)
                if (cols[k] == POD_COL_AGE)
                    now = ps->created_ms + parse_age(row[k]);
            pod_summary_cell(ps, cols[i], now, got, sizeof got);
            if (strcmp(got, row[i]) != 0)
                fail_msg("%s: %s is \"%s\", kubectl printed \"%s\"", casename,
                         hdr[i], got, row[i]);
            checked++;
        }
    }
    if (!found)
        fail_msg("%s: no row for %s/%s", path, ps->ns, ps->name);
    free(text);
    return checked;
}

static void
test_realpods(void **state)
{
    const char    *shared = getenv("KPOD_SHARED");
    char          *dir;
    DIR           *d;
    struct dirent *e;
    int            cases = 0, cells = 0;
    (void)state;
    if (shared == NULL)
        fail_msg("KPOD_SHARED is not set");
    dir = xasprintf("%s/fixtures/real-pods", shared);
    if ((d = opendir(dir)) == NULL)
        fail_msg("cannot open %s", dir);
    while ((e = readdir(d)) != NULL) {
        static const char *const listings[] = {"expected-get.txt",
                                               "expected-get-wide.txt"};
        char                    *path, *cause = NULL;
        cJSON                  **docs;
        size_t                   ndocs;
        struct pod_summary       ps;

        if (strncmp(e->d_name, "case", 4) != 0)
            continue;
        path = xasprintf("%s/%s/pod.yaml", dir, e->d_name);
        if (kyaml_parse_file(path, &docs, &ndocs, &cause) != 0)
            fail_msg("%s", cause);
        assert_int_equal(ndocs, 1);
        assert_int_equal(pod_summary_init(&ps, docs[0]), 0);
        for (size_t i = 0; i < nitems(listings); i++) {
            char *lpath = xasprintf("%s/%s/%s", dir, e->d_name, listings[i]);
            FILE *f = fopen(lpath, "r");

            if (f != NULL) {
                fclose(f);
                cells += check_listing(e->d_name, lpath, &ps);
                if (i == 0)
                    cases++;
            }
            free(lpath);
        }
        pod_summary_done(&ps);
        kyaml_free_docs(docs, ndocs);
        free(path);
    }
    closedir(d);
    free(dir);
    printf("# %d cases, %d cells equal to kubectl's\n", cases, cells);
    assert_int_equal(cases, 14);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realpods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
