/*
 * Pod list orders (podsort.h): one comparison function over summaries,
 * numeric where the column is a number (READY as ready then total,
 * RESTARTS, AGE by creation time, IPv4 addresses), text otherwise.
 */
#include "podsort.h"

#include <stdlib.h>
#include <string.h>

static const char *
podsort_str(const char *s)
{
    return s != NULL ? s : "";
}

/* An IPv4 address as a number for sorting; -1 when not one. */
static int64_t
podsort_ipv4(const char *s)
{
    int64_t v = 0;
    int     parts = 0;

    if (s == NULL)
        return -1;
    while (parts < 4) {
        char *end;
        long  n = strtol(s, &end, 10);

        if (end == s || n < 0 || n > 255)
            return -1;
        v = v * 256 + n;
        parts++;
        s = end;
        if (parts < 4 && *s++ != '.')
            return -1;
    }
    return *s == '\0' ? v : -1;
}

static void
podsort_ready(const char *s, long *ready, long *total)
{
    char *end;

    *ready = strtol(s, &end, 10);
    *total = *end == '/' ? strtol(end + 1, NULL, 10) : 0;
}

static int
podsort_cmp3(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}

int
podsort_cmp(enum podsort s, int desc, const char *key_a,
            const struct pod_summary *a, const char *key_b,
            const struct pod_summary *b)
{
    int  c = 0;
    long ra, ta, rb, tb;

    switch (s) {
    case PODSORT_NAME:
        c = strcmp(podsort_str(a->name), podsort_str(b->name));
        break;
    case PODSORT_DEFAULT:
    case PODSORT_NAMESPACE:
        c = strcmp(podsort_str(a->ns), podsort_str(b->ns));
        break;
    case PODSORT_READY:
        podsort_ready(a->ready, &ra, &ta);
        podsort_ready(b->ready, &rb, &tb);
        c = podsort_cmp3(ra, rb);
        if (c == 0)
            c = podsort_cmp3(ta, tb);
        break;
    case PODSORT_STATUS:
        c = strcmp(podsort_str(a->status), podsort_str(b->status));
        break;
    case PODSORT_RESTARTS:
        c = podsort_cmp3(a->restarts, b->restarts);
        break;
    case PODSORT_AGE:
        /* Youngest first: the later creation is the smaller age; an
         * unknown time (0) is the oldest. */
        c = podsort_cmp3(b->created_ms, a->created_ms);
        if (c != 0 && (a->created_ms == 0 || b->created_ms == 0))
            c = a->created_ms == 0 ? 1 : -1;
        break;
    case PODSORT_IP: {
        int64_t ia = podsort_ipv4(a->ip), ib = podsort_ipv4(b->ip);

        c = podsort_cmp3(ia, ib);
        if (c == 0 && ia < 0)
            c = strcmp(podsort_str(a->ip), podsort_str(b->ip));
        break;
    }
    case PODSORT_NODE:
        c = strcmp(podsort_str(a->node), podsort_str(b->node));
        break;
    default:
        break;
    }
    if (c != 0)
        return desc ? -c : c;
    /* Ties: namespace, name, key, always ascending. */
    c = strcmp(podsort_str(a->ns), podsort_str(b->ns));
    if (c == 0)
        c = strcmp(podsort_str(a->name), podsort_str(b->name));
    if (c == 0)
        c = strcmp(key_a, key_b);
    return c;
}
