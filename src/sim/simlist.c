/*
 * Reading handlers shared by pods and events: LIST of a collection (all
 * namespaces or one; selectors; limit/continue pages of one consistent
 * resourceVersion), GET of one object, and the hand-off of ?watch= requests
 * to simwatch.c. Answers are JSON lists or server-side Tables, whichever
 * the Accept header asks for.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simlist.h"
#include "simsel.h"
#include "simstore.h"
#include "simtable.h"
#include "simwatch.h"

/* "{"kind":"Pod","apiVersion":"v1",...}" from a list-item text. */
void
simlist_full_object(struct kbuf *b, const struct simres *res,
                    struct simsnap *snap)
{
    kbuf_printf(b, "{\"kind\":\"%s\",\"apiVersion\":\"v1\"", res->kind);
    if (snap->len > 2)
        kbuf_puts(b, ",");
    kbuf_append(b, snap->text + 1, snap->len - 1);
}

static char *
simlist_token(uint64_t rv, const char *key)
{
    struct kbuf b;
    const char *s;

    kbuf_init(&b);
    kbuf_printf(&b, "%llu.", (unsigned long long)rv);
    for (s = key; *s != '\0'; s++)
        kbuf_printf(&b, "%02x", (unsigned char)*s);
    return kbuf_steal(&b);
}

static int
simlist_untoken(const char *tok, uint64_t *rv, char **key)
{
    char       *end;
    const char *s;
    struct kbuf b;

    *rv = strtoull(tok, &end, 10);
    if (end == tok || *end != '.')
        return -1;
    kbuf_init(&b);
    for (s = end + 1; s[0] != '\0' && s[1] != '\0'; s += 2) {
        char hex[3] = {s[0], s[1], 0}, ch;

        ch = (char)strtol(hex, NULL, 16);
        kbuf_append(&b, &ch, 1);
    }
    *key = kbuf_steal(&b);
    if (*key == NULL)
        *key = xstrdup("");
    return 0;
}

static const char *
simlist_key_of(struct simsnap *snap, char *buf, size_t len)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(snap->obj, "metadata");
    const char  *ns =
        cJSON_GetStringValue(cJSON_GetObjectItem(meta, "namespace"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(meta, "name"));

    snprintf(buf, len, "%s/%s", ns ? ns : "", name ? name : "");
    return buf;
}

/* GET on a collection. */
void
simlist_collection(struct simreq *r, const struct simres *res, const char *ns)
{
    struct sim      *sim = r->sim;
    struct simsel    sel;
    char            *cause = NULL, *startkey = NULL, keybuf[512];
    const char      *limit_s = simhttp_query(r, "limit");
    const char      *cont = simhttp_query(r, "continue");
    long             limit = limit_s ? strtol(limit_s, NULL, 10) : 0;
    uint64_t         rv = simstore_rv(sim->store);
    struct simsnap **snaps;
    size_t           n, i, sent = 0, remaining = 0;
    struct kbuf      b;
    int              table = simtable_wanted(r);
    int64_t          now = know_ms();
    char            *next = NULL;

    if (simhttp_query_bool(r, "watch")) {
        simwatch_start(r, res, ns);
        return;
    }
    if (simsel_parse(&sel, res, simhttp_query(r, "labelSelector"),
                     simhttp_query(r, "fieldSelector"), &cause) != 0) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL, "%s", cause);
        free(cause);
        return;
    }
    if (cont != NULL && *cont != '\0') {
        uint64_t trv;

        if (simlist_untoken(cont, &trv, &startkey) != 0) {
            simhttp_status(r, 400, "BadRequest", NULL, NULL,
                           "continue key is not valid: invalid token");
            simsel_done(&sel);
            return;
        }
        if (trv < simstore_compacted(sim->store, res)) {
            simhttp_status(
                r, 410, "Expired", NULL, NULL,
                "The provided continue parameter is too old to display a "
                "consistent list result. You can start a new list without "
                "the continue parameter, or use the continue token in this "
                "response to retrieve the remainder of the results. "
                "Continuing with the provided token results in an "
                "inconsistent list - objects that were created, modified, "
                "or deleted between the time the first chunk was returned "
                "and now may show up in the list.");
            free(startkey);
            simsel_done(&sel);
            return;
        }
        rv = trv;
    }
    n = simstore_list(sim->store, res, ns, &snaps);
    kbuf_init(&b);
    if (table) {
        kbuf_printf(&b,
                    "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
                    "\"metadata\":{\"resourceVersion\":\"%llu\"",
                    (unsigned long long)rv);
    } else {
        kbuf_printf(&b,
                    "{\"kind\":\"%s\",\"apiVersion\":\"v1\",\"metadata\":{"
                    "\"resourceVersion\":\"%llu\"",
                    res->listkind, (unsigned long long)rv);
    }
    /* items go to a second buffer; metadata.continue needs the count */
    {
        struct kbuf items;

        kbuf_init(&items);
        /* The listing is sorted by key: a continued page starts after
         * its token's key, found by binary search (not a scan of every
         * earlier page). */
        i = 0;
        if (startkey != NULL) {
            size_t lo = 0, hi = n;

            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (strcmp(simlist_key_of(snaps[mid], keybuf, sizeof keybuf),
                           startkey) <= 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            i = lo;
        }
        for (; i < n; i++) {
            const char *key;

            if (limit > 0 && (long)sent >= limit && sel.nterms == 0) {
                /* Without a selector the rest need not be looked at. */
                remaining += n - i;
                break;
            }
            if (!simsel_match(&sel, snaps[i]->obj))
                continue;
            if (limit > 0 && (long)sent >= limit) {
                remaining++;
                continue;
            }
            key = simlist_key_of(snaps[i], keybuf, sizeof keybuf);
            if (sent > 0)
                kbuf_puts(&items, ",");
            if (table)
                simtable_row(&items, res, snaps[i], now, simtable_include(r));
            else
                kbuf_append(&items, snaps[i]->text, snaps[i]->len);
            sent++;
            if (limit > 0 && (long)sent == limit) {
                free(next);
                next = simlist_token(rv, key);
            }
        }
        if (remaining > 0 && next != NULL) {
            kbuf_printf(&b, ",\"continue\":\"%s\",\"remainingItemCount\":%zu",
                        next, remaining);
        }
        kbuf_puts(&b, "}");
        if (table) {
            kbuf_puts(&b, ",\"columnDefinitions\":");
            simtable_columns(&b, res);
            kbuf_puts(&b, ",\"rows\":[");
        } else
            kbuf_puts(&b, ",\"items\":[");
        kbuf_append(&b, items.data ? items.data : "", items.len);
        kbuf_puts(&b, "]}");
        kbuf_done(&items);
    }
    simhttp_respond(r, 200, table ? SIMTABLE_CONTENT_TYPE : "application/json",
                    b.data, b.len, NULL);
    kbuf_done(&b);
    free(next);
    free(snaps);
    free(startkey);
    simsel_done(&sel);
}

/* GET of one object. */
void
simlist_get(struct simreq *r, const struct simres *res, const char *ns,
            const char *name)
{
    struct simsnap *snap = simstore_get(r->sim->store, res, ns, name);
    struct kbuf     b;
    int             table = simtable_wanted(r);

    if (snap == NULL) {
        simhttp_status(r, 404, "NotFound", name, res->resource,
                       "%s \"%s\" not found", res->resource, name);
        return;
    }
    kbuf_init(&b);
    if (table) {
        kbuf_printf(&b,
                    "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\","
                    "\"metadata\":{\"resourceVersion\":\"%llu\"},"
                    "\"columnDefinitions\":",
                    (unsigned long long)simstore_rv(r->sim->store));
        simtable_columns(&b, res);
        kbuf_puts(&b, ",\"rows\":[");
        simtable_row(&b, res, snap, know_ms(), simtable_include(r));
        kbuf_puts(&b, "]}");
    } else
        simlist_full_object(&b, res, snap);
    simhttp_respond(r, 200, table ? SIMTABLE_CONTENT_TYPE : "application/json",
                    b.data, b.len, NULL);
    kbuf_done(&b);
}
