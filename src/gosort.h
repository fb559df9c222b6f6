/*
 * Go's sort.Sort (pattern-defeating quicksort, Go 1.19 and later), ported
 * so that kpod orders equal elements exactly as kubectl does: sort.Sort is
 * not stable, and describe's Events table, tolerations and topology spread
 * constraints show ties in whatever order Go's algorithm leaves them.
 */
#ifndef KPOD_GOSORT_H
#define KPOD_GOSORT_H

#include <stddef.h>

/* less(data, i, j): element i sorts before j. swap exchanges them. */
typedef int (*gosort_less_cb)(void *data, size_t i, size_t j);
typedef void (*gosort_swap_cb)(void *data, size_t i, size_t j);

/* sort.Sort / sort.Slice on n elements. */
void gosort_sort(void *data, size_t n, gosort_less_cb, gosort_swap_cb);

/* sort.Sort on an array of pointers with a qsort-style comparator
 * (cmp < 0 means less); the common case. */
void gosort_ptrs(void **v, size_t n, int (*cmp)(const void *, const void *));

#endif
