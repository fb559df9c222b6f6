/*
 * Unit tests for the port of Go's sort.Sort. The expected orders are what
 * the real kubectl 1.32.4 printed in describe's Events table for event
 * lists whose lastTimestamps tie a lot (keys below are the rank of each
 * event's lastTimestamp, in list order; the order is the list indexes as
 * kubectl printed them). Ties are where an unstable sort shows itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gosort.h"
#include "util.h"

struct gcase {
    size_t n;
    int    keys[128];
    int    order[128];
};

static const struct gcase cases[] = {
    {20,
     {1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0},
     {10, 13, 2, 16, 4, 5, 6, 15, 19, 12, 7, 11, 17, 1, 14, 0, 3, 9, 18, 8}},
    {100,
     {2, 2, 2, 1, 2, 0, 0, 1, 1, 0, 2, 0, 2, 0, 0, 2, 1, 0, 1, 0,
      0, 1, 0, 1, 0, 1, 2, 2, 1, 1, 1, 1, 1, 0, 2, 0, 2, 2, 2, 2,
      2, 1, 2, 2, 0, 0, 1, 0, 0, 0, 2, 1, 1, 0, 0, 1, 0, 1, 1, 1,
      2, 1, 0, 0, 1, 0, 0, 2, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0,
      0, 0, 1, 1, 0, 2, 1, 0, 2, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0},
     {44, 99, 98, 97, 96, 5,  6,  95, 94, 9,  89, 11, 87, 13, 14, 84, 81,
      17, 80, 19, 20, 79, 22, 78, 24, 74, 72, 71, 66, 65, 63, 62, 56, 33,
      54, 35, 53, 49, 48, 47, 45, 51, 70, 3,  41, 7,  46, 8,  93, 92, 91,
      90, 52, 86, 83, 55, 32, 57, 58, 59, 82, 61, 31, 30, 64, 29, 28, 16,
      68, 69, 18, 21, 23, 73, 25, 75, 76, 77, 88, 42, 10, 67, 60, 34, 15,
      85, 0,  12, 1,  27, 36, 50, 37, 38, 39, 40, 4,  43, 2,  26}},
    {64,
     {0, 2, 0, 6, 3, 0, 4, 6, 6, 5, 1, 2, 3, 0, 1, 4, 4, 0, 6, 4, 3, 0,
      5, 1, 0, 3, 2, 2, 1, 6, 5, 2, 2, 1, 0, 1, 4, 1, 0, 2, 1, 6, 0, 3,
      4, 6, 4, 0, 3, 0, 4, 3, 1, 6, 0, 5, 1, 1, 0, 4, 6, 6, 2, 5},
     {54, 38, 2,  24, 0,  5,  58, 21, 34, 47, 49, 42, 17, 13, 40, 14,
      37, 28, 35, 10, 33, 52, 56, 23, 57, 31, 26, 27, 1,  11, 62, 39,
      32, 12, 43, 20, 4,  51, 25, 48, 44, 50, 36, 6,  19, 59, 46, 16,
      15, 22, 30, 9,  63, 55, 18, 53, 7,  3,  8,  45, 60, 61, 41, 29}},
};

struct items {
    int *key;
    int *idx;
};

static int
items_less(void *data, size_t i, size_t j)
{
    struct items *it = data;

    return it->key[i] < it->key[j];
}

static void
items_swap(void *data, size_t i, size_t j)
{
    struct items *it = data;
    int           k = it->key[i], x = it->idx[i];

    it->key[i] = it->key[j];
    it->idx[i] = it->idx[j];
    it->key[j] = k;
    it->idx[j] = x;
}

static void
test_kubectl_orders(void **state)
{
    (void)state;
    for (size_t c = 0; c < nitems(cases); c++) {
        struct items it;

        it.key = xcalloc(cases[c].n, sizeof *it.key);
        it.idx = xcalloc(cases[c].n, sizeof *it.idx);
        for (size_t i = 0; i < cases[c].n; i++) {
            it.key[i] = cases[c].keys[i];
            it.idx[i] = (int)i;
        }
        gosort_sort(&it, cases[c].n, items_less, items_swap);
        for (size_t i = 0; i < cases[c].n; i++)
            if (it.idx[i] != cases[c].order[i])
                fail_msg("case %zu: position %zu holds item %d, kubectl "
                         "printed item %d",
                         c, i, it.idx[i], cases[c].order[i]);
        free(it.key);
        free(it.idx);
    }
}

static int
int_cmp(const void *a, const void *b)
{
    int x = **(int *const *)a, y = **(int *const *)b;

    return x < y ? -1 : x > y;
}

/* Whatever the input, the result is sorted and a permutation. */
static void
test_sorted_permutation(void **state)
{
    unsigned seed = 7;
    (void)state;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(round * 7 % 300);
        int   *vals = xcalloc(n ? n : 1, sizeof *vals);
        int  **ptrs = xcalloc(n ? n : 1, sizeof *ptrs);
        long   sum = 0, sum2 = 0;

        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* few distinct values, sorted runs and reversed runs */
            vals[i] = round % 3 == 0   ? (int)((seed >> 16) % 4)
                      : round % 3 == 1 ? (int)(n - i)
                                       : (int)((seed >> 16) % 1000);
            ptrs[i] = &vals[i];
            sum += vals[i];
        }
        gosort_ptrs((void **)ptrs, n, int_cmp);
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                assert_true(*ptrs[i - 1] <= *ptrs[i]);
            sum2 += *ptrs[i];
        }
        assert_int_equal(sum, sum2);
        free(vals);
        free(ptrs);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kubectl_orders),
        cmocka_unit_test(test_sorted_permutation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
