/*
 * A port of the pdqsort in Go's sort package (zsortinterface.go and
 * sort.go), step for step, including its deterministic xorshift pattern
 * breaker (shifts 13, 17, 5: with these the orders match what kubectl
 * 1.32.4 prints), so ties come out in Go's order. Used where kubectl calls
 * sort.Sort or sort.Slice on data that can hold equal keys.
 */
#include <stdint.h>

#include "gosort.h"

struct gosort {
    void          *data;
    gosort_less_cb less;
    gosort_swap_cb swap;
};

enum gosort_hint { GOSORT_UNKNOWN, GOSORT_INCREASING, GOSORT_DECREASING };

#define LESS(s, i, j) ((s)->less((s)->data, (size_t)(i), (size_t)(j)))
#define SWAP(s, i, j) ((s)->swap((s)->data, (size_t)(i), (size_t)(j)))

static int
gosort_bits_len(uint64_t x)
{
    int n = 0;

    while (x != 0) {
        n++;
        x >>= 1;
    }
    return n;
}

static void
gosort_insertion(struct gosort *s, long a, long b)
{
    for (long i = a + 1; i < b; i++)
        for (long j = i; j > a && LESS(s, j, j - 1); j--)
            SWAP(s, j, j - 1);
}

static void
gosort_sift_down(struct gosort *s, long lo, long hi, long first)
{
    long root = lo;

    for (;;) {
        long child = 2 * root + 1;

        if (child >= hi)
            return;
        if (child + 1 < hi && LESS(s, first + child, first + child + 1))
            child++;
        if (!LESS(s, first + root, first + child))
            return;
        SWAP(s, first + root, first + child);
        root = child;
    }
}

static void
gosort_heap(struct gosort *s, long a, long b)
{
    long first = a, lo = 0, hi = b - a;

    for (long i = (hi - 1) / 2; i >= 0; i--)
        gosort_sift_down(s, i, hi, first);
    for (long i = hi - 1; i >= 0; i--) {
        SWAP(s, first, first + i);
        gosort_sift_down(s, lo, i, first);
    }
}

static long
gosort_partition(struct gosort *s, long a, long b, long pivot, int *already)
{
    long i, j;

    SWAP(s, a, pivot);
    i = a + 1;
    j = b - 1;
    while (i <= j && LESS(s, i, a))
        i++;
    while (i <= j && !LESS(s, j, a))
        j--;
    if (i > j) {
        SWAP(s, j, a);
        *already = 1;
        return j;
    }
    SWAP(s, i, j);
    i++;
    j--;
    for (;;) {
        while (i <= j && LESS(s, i, a))
            i++;
        while (i <= j && !LESS(s, j, a))
            j--;
        if (i > j)
            break;
        SWAP(s, i, j);
        i++;
        j--;
    }
    SWAP(s, j, a);
    *already = 0;
    return j;
}

static long
gosort_partition_equal(struct gosort *s, long a, long b, long pivot)
{
    long i, j;

    SWAP(s, a, pivot);
    i = a + 1;
    j = b - 1;
    for (;;) {
        while (i <= j && !LESS(s, a, i))
            i++;
        while (i <= j && LESS(s, a, j))
            j--;
        if (i > j)
            break;
        SWAP(s, i, j);
        i++;
        j--;
    }
    return i;
}

static int
gosort_partial_insertion(struct gosort *s, long a, long b)
{
    const int  max_steps = 5;
    const long shortest_shifting = 50;
    long       i = a + 1;

    for (int step = 0; step < max_steps; step++) {
        while (i < b && !LESS(s, i, i - 1))
            i++;
        if (i == b)
            return 1;
        if (b - a < shortest_shifting)
            return 0;
        SWAP(s, i, i - 1);
        if (i - a >= 2) {
            for (long j = i - 1; j >= 1; j--) {
                if (!LESS(s, j, j - 1))
                    break;
                SWAP(s, j, j - 1);
            }
        }
        if (b - i >= 2) {
            for (long j = i + 1; j < b; j++) {
                if (!LESS(s, j, j - 1))
                    break;
                SWAP(s, j, j - 1);
            }
        }
    }
    return 0;
}

static void
gosort_break_patterns(struct gosort *s, long a, long b)
{
    long length = b - a;

    if (length >= 8) {
        uint64_t random = (uint64_t)length;
        uint64_t modulus = (uint64_t)1 << gosort_bits_len((uint64_t)length);

        for (long idx = a + (length / 4) * 2 - 1;
             idx <= a + (length / 4) * 2 + 1; idx++) {
            long other;

            random ^= random << 13;
            random ^= random >> 17;
            random ^= random << 5;
            other = (long)((unsigned long)random & (modulus - 1));
            if (other >= length)
                other -= length;
            SWAP(s, idx, a + other);
        }
    }
}

static void
gosort_order2(struct gosort *s, long *a, long *b, int *swaps)
{
    if (LESS(s, *b, *a)) {
        long t = *a;

        (*swaps)++;
        *a = *b;
        *b = t;
    }
}

static long
gosort_median(struct gosort *s, long a, long b, long c, int *swaps)
{
    gosort_order2(s, &a, &b, swaps);
    gosort_order2(s, &b, &c, swaps);
    gosort_order2(s, &a, &b, swaps);
    return b;
}

static long
gosort_choose_pivot(struct gosort *s, long a, long b, enum gosort_hint *hint)
{
    const long shortest_ninther = 50;
    const int  max_swaps = 4 * 3;
    long       l = b - a;
    int        swaps = 0;
    long       i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;

    if (l >= 8) {
        if (l >= shortest_ninther) {
            i = gosort_median(s, i - 1, i, i + 1, &swaps);
            j = gosort_median(s, j - 1, j, j + 1, &swaps);
            k = gosort_median(s, k - 1, k, k + 1, &swaps);
        }
        j = gosort_median(s, i, j, k, &swaps);
    }
    if (swaps == 0)
        *hint = GOSORT_INCREASING;
    else if (swaps == max_swaps)
        *hint = GOSORT_DECREASING;
    else
        *hint = GOSORT_UNKNOWN;
    return j;
}

static void
gosort_reverse(struct gosort *s, long a, long b)
{
    for (long i = a, j = b - 1; i < j; i++, j--)
        SWAP(s, i, j);
}

static void
gosort_pdq(struct gosort *s, long a, long b, int limit)
{
    const long max_insertion = 12;
    int        was_balanced = 1, was_partitioned = 1;

    for (;;) {
        long             length = b - a, pivot, mid, left, right;
        enum gosort_hint hint;
        int              already;

        if (length <= max_insertion) {
            gosort_insertion(s, a, b);
            return;
        }
        if (limit == 0) {
            gosort_heap(s, a, b);
            return;
        }
        if (!was_balanced) {
            gosort_break_patterns(s, a, b);
            limit--;
        }
        pivot = gosort_choose_pivot(s, a, b, &hint);
        if (hint == GOSORT_DECREASING) {
            gosort_reverse(s, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = GOSORT_INCREASING;
        }
        if (was_balanced && was_partitioned && hint == GOSORT_INCREASING &&
            gosort_partial_insertion(s, a, b))
            return;
        if (a > 0 && !LESS(s, a - 1, pivot)) {
            a = gosort_partition_equal(s, a, b, pivot);
            continue;
        }
        mid = gosort_partition(s, a, b, pivot, &already);
        was_partitioned = already;
        left = mid - a;
        right = b - mid;
        if (left < right) {
            was_balanced = left >= length / 8;
            gosort_pdq(s, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right >= length / 8;
            gosort_pdq(s, mid + 1, b, limit);
            b = mid;
        }
    }
}

void
gosort_sort(void *data, size_t n, gosort_less_cb less, gosort_swap_cb swap)
{
    struct gosort s = {data, less, swap};

    if (n <= 1)
        return;
    gosort_pdq(&s, 0, (long)n, gosort_bits_len(n));
}

struct gosort_ptrs {
    void **v;
    int (*cmp)(const void *, const void *);
};

static int
gosort_ptrs_less(void *data, size_t i, size_t j)
{
    struct gosort_ptrs *p = data;

    return p->cmp(&p->v[i], &p->v[j]) < 0;
}

static void
gosort_ptrs_swap(void *data, size_t i, size_t j)
{
    struct gosort_ptrs *p = data;
    void               *t = p->v[i];

    p->v[i] = p->v[j];
    p->v[j] = t;
}

void
gosort_ptrs(void **v, size_t n, int (*cmp)(const void *, const void *))
{
    struct gosort_ptrs p = {v, cmp};

    gosort_sort(&p, n, gosort_ptrs_less, gosort_ptrs_swap);
}
