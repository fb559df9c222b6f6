/*
 * Event summaries with kubectl's rules: printEvent for `kubectl get
 * events` (LAST SEEN, FIRST SEEN, COUNT, OBJECT, SOURCE) and the describe /
 * `kubectl events` age with its "(xN over T)" aggregation, series and
 * eventTime handled as kubectl does (research/kubectl-printing.md §5).
 * No table layout and no sorting of lists here; callers do that.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "event.h"
#include "store.h"
#include "pod.h"
#include "util.h"

const char *const event_col_names[EVENT_NCOLS] = {
    [EVENT_COL_NAMESPACE] = "NAMESPACE",
    [EVENT_COL_LAST_SEEN] = "LAST SEEN",
    [EVENT_COL_TYPE] = "TYPE",
    [EVENT_COL_REASON] = "REASON",
    [EVENT_COL_OBJECT] = "OBJECT",
    [EVENT_COL_SUBOBJECT] = "SUBOBJECT",
    [EVENT_COL_SOURCE] = "SOURCE",
    [EVENT_COL_MESSAGE] = "MESSAGE",
    [EVENT_COL_FIRST_SEEN] = "FIRST SEEN",
    [EVENT_COL_COUNT] = "COUNT",
    [EVENT_COL_NAME] = "NAME",
};

static const char *
event_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : "";
}

int64_t
event_time_ms(const char *s)
{
    int64_t     t = ktime_parse(s);
    const char *dot;
    int64_t     ms = 0;

    if (t <= 0)
        return 0;
    /* ktime_parse drops fractions; keep milliseconds, since Go computes
     * ages from the full time before truncating to seconds. */
    dot = strchr(s, '.');
    if (dot != NULL && dot > strchr(s, 'T')) {
        int n = 0;

        for (dot++; n < 3 && isdigit((unsigned char)*dot); dot++, n++)
            ms = ms * 10 + (*dot - '0');
        for (; n < 3; n++)
            ms *= 10;
    }
    return t * 1000 + ms;
}

static char *
event_trim(const char *s)
{
    const char *e = s + strlen(s);

    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return xstrndup(s, (size_t)(e - s));
}

int
event_summary_init(struct event_summary *es, const struct cJSON *ev)
{
    const cJSON *meta, *obj, *src, *series, *v;

    memset(es, 0, sizeof *es);
    if (!cJSON_IsObject(ev))
        return -1;
    meta = cJSON_GetObjectItemCaseSensitive(ev, "metadata");
    obj = cJSON_GetObjectItemCaseSensitive(ev, "involvedObject");
    src = cJSON_GetObjectItemCaseSensitive(ev, "source");
    series = cJSON_GetObjectItemCaseSensitive(ev, "series");

    es->uid = xstrdup(event_str(meta, "uid"));
    es->ns = xstrdup(event_str(meta, "namespace"));
    es->name = xstrdup(event_str(meta, "name"));
    es->type = xstrdup(event_str(ev, "type"));
    es->reason = xstrdup(event_str(ev, "reason"));
    es->kind = xstrdup(event_str(obj, "kind"));
    es->obj_name = xstrdup(event_str(obj, "name"));
    es->obj_uid = xstrdup(event_str(obj, "uid"));
    es->fieldpath = xstrdup(event_str(obj, "fieldPath"));
    /* core/v1 sends the reporting controller as "reportingComponent";
     * "reportingController" (events.k8s.io/v1) is accepted too. */
    if (*event_str(src, "component") != '\0') {
        es->from = xstrdup(event_str(src, "component"));
        es->from_component = 1;
    } else if (*event_str(ev, "reportingComponent") != '\0') {
        es->from = xstrdup(event_str(ev, "reportingComponent"));
        es->from_component = 2;
    } else
        es->from = xstrdup(event_str(ev, "reportingController"));
    es->host = xstrdup(*event_str(src, "host") != '\0'
                           ? event_str(src, "host")
                           : event_str(ev, "reportingInstance"));
    es->message = event_trim(event_str(ev, "message"));
    es->event_time_ms = event_time_ms(event_str(ev, "eventTime"));
    es->first_ms = event_time_ms(event_str(ev, "firstTimestamp"));
    es->last_ms = event_time_ms(event_str(ev, "lastTimestamp"));
    v = cJSON_GetObjectItemCaseSensitive(ev, "count");
    es->count = cJSON_IsNumber(v) ? v->valueint : 0;
    if (cJSON_IsObject(series)) {
        es->has_series = 1;
        v = cJSON_GetObjectItemCaseSensitive(series, "count");
        es->series_count = cJSON_IsNumber(v) ? v->valueint : 0;
        es->series_last_ms =
            event_time_ms(event_str(series, "lastObservedTime"));
    }
    return 0;
}

void
event_summary_done(struct event_summary *es)
{
    if (es == NULL)
        return;
    free(es->uid);
    free(es->ns);
    free(es->name);
    free(es->type);
    free(es->reason);
    free(es->kind);
    free(es->obj_name);
    free(es->obj_uid);
    free(es->fieldpath);
    free(es->from);
    free(es->host);
    free(es->message);
    memset(es, 0, sizeof *es);
}

char *
event_summary_age(const struct event_summary *es, int64_t now_ms, char *buf,
                  size_t len)
{
    char first[32], last[32];

    /* describe: the first time is eventTime, else firstTimestamp. */
    if (es->event_time_ms != 0)
        duration_since(es->event_time_ms, now_ms, first, sizeof first);
    else
        duration_since(es->first_ms, now_ms, first, sizeof first);
    if (es->has_series)
        snprintf(buf, len, "%s (x%d over %s)",
                 duration_since(es->series_last_ms, now_ms, last, sizeof last),
                 es->series_count, first);
    else if (es->count > 1)
        snprintf(buf, len, "%s (x%d over %s)",
                 duration_since(es->last_ms, now_ms, last, sizeof last),
                 es->count, first);
    else
        snprintf(buf, len, "%s", first);
    return buf;
}

int64_t
event_summary_describe_key(const struct event_summary *es)
{
    return es->last_ms;
}

int64_t
event_summary_events_key(const struct event_summary *es)
{
    if (es->has_series && es->series_last_ms != 0)
        return es->series_last_ms;
    if (es->last_ms != 0)
        return es->last_ms;
    return es->event_time_ms;
}

/* printEvent's FIRST SEEN and LAST SEEN times. */
static int64_t
event_first_seen(const struct event_summary *es)
{
    return es->first_ms != 0 ? es->first_ms : es->event_time_ms;
}

static int64_t
event_last_seen(const struct event_summary *es)
{
    if (es->has_series)
        return es->series_last_ms;
    return es->last_ms != 0 ? es->last_ms : event_first_seen(es);
}

char *
event_summary_cell(const struct event_summary *es, enum event_col col,
                   int64_t now_ms, char *buf, size_t len)
{
    char *lower;

    if (len == 0)
        return buf;
    switch (col) {
    case EVENT_COL_NAMESPACE:
        snprintf(buf, len, "%s", es->ns);
        break;
    case EVENT_COL_LAST_SEEN:
        duration_since(event_last_seen(es), now_ms, buf, len);
        break;
    case EVENT_COL_TYPE:
        snprintf(buf, len, "%s", es->type);
        break;
    case EVENT_COL_REASON:
        snprintf(buf, len, "%s", es->reason);
        break;
    case EVENT_COL_OBJECT:
        lower = xstrdup(es->kind);
        for (char *p = lower; *p != '\0'; p++)
            *p = (char)tolower((unsigned char)*p);
        if (*es->obj_name != '\0')
            snprintf(buf, len, "%s/%s", lower, es->obj_name);
        else
            snprintf(buf, len, "%s", lower);
        free(lower);
        break;
    case EVENT_COL_SUBOBJECT:
        snprintf(buf, len, "%s", es->fieldpath);
        break;
    case EVENT_COL_SOURCE:
        /* formatEventSourceComponentInstance */
        if (*es->from == '\0')
            snprintf(buf, len, "<unknown>");
        else if (*es->host != '\0')
            snprintf(buf, len, "%s, %s", es->from, es->host);
        else
            snprintf(buf, len, "%s", es->from);
        break;
    case EVENT_COL_MESSAGE:
        snprintf(buf, len, "%s", es->message);
        break;
    case EVENT_COL_FIRST_SEEN:
        duration_since(event_first_seen(es), now_ms, buf, len);
        break;
    case EVENT_COL_COUNT:
        snprintf(buf, len, "%d",
                 es->has_series ? es->series_count
                                : (es->count == 0 ? 1 : es->count));
        break;
    case EVENT_COL_NAME:
        snprintf(buf, len, "%s", es->name);
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

static int
event_store_init(void *summary, const cJSON *obj)
{
    return event_summary_init(summary, obj);
}

static void
event_store_done(void *summary)
{
    event_summary_done(summary);
}

const struct store_ops event_store_ops = {
    .name = "events",
    .summary_size = sizeof(struct event_summary),
    .summary_init = event_store_init,
    .summary_done = event_store_done,
};
