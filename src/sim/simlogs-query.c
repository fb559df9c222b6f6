/*
 * Parsing and validating a log request's query (PodLogOptions) the way the
 * API server does: booleans where only "0"/"false" are false, 422 Invalid
 * with causes for bad tailLines/limitBytes/sinceSeconds, at most one of
 * sinceTime and sinceSeconds; and the Status JSON the errors travel in.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "simlogs-int.h"
#include "util.h"

char *
simlogs_query_status(int code, const char *reason, const char *message)
{
    cJSON *st = cJSON_CreateObject();
    char  *s;

    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddItemToObject(st, "metadata", cJSON_CreateObject());
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", message);
    cJSON_AddStringToObject(st, "reason", reason);
    cJSON_AddNumberToObject(st, "code", code);
    s = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    return s;
}

static int
simlogs_invalid(const char *pod, const char *field, const char *value,
                const char *detail, char **status)
{
    char  *msg = xasprintf("PodLogOptions \"%s\" is invalid: %s: Invalid "
                            "value: %s: %s",
                           pod, field, value, detail);
    cJSON *st = cJSON_CreateObject(), *details, *causes, *cause;

    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddItemToObject(st, "metadata", cJSON_CreateObject());
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", msg);
    cJSON_AddStringToObject(st, "reason", "Invalid");
    details = cJSON_AddObjectToObject(st, "details");
    cJSON_AddStringToObject(details, "name", pod);
    cJSON_AddStringToObject(details, "kind", "PodLogOptions");
    causes = cJSON_AddArrayToObject(details, "causes");
    cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "reason", "FieldValueInvalid");
    free(msg);
    msg = xasprintf("Invalid value: %s: %s", value, detail);
    cJSON_AddStringToObject(cause, "message", msg);
    cJSON_AddStringToObject(cause, "field", field);
    cJSON_AddItemToArray(causes, cause);
    cJSON_AddNumberToObject(st, "code", 422);
    *status = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    free(msg);
    return 422;
}

static char *
simlogs_unescape(const char *s, size_t n)
{
    char  *out = xmalloc(n + 1), *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        } else if (s[i] == '%' && i + 2 < n &&
                   isxdigit((unsigned char)s[i + 1]) &&
                   isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};

            *o++ = (char)strtol(hex, NULL, 16);
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* The API server's boolean: false only for "0" or "false". */
static int
simlogs_bool(const char *v)
{
    return !(strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0);
}

/* RFC 3339 to ns since the epoch, keeping the fraction (clients resume a
 * follow from the last line's nanosecond timestamp); -1 when malformed. */
static int64_t
simlogs_query_time_ns(const char *v)
{
    int64_t     secs = ktime_parse(v), frac = 0;
    const char *dot = strchr(v, '.');
    int         digits = 0;

    if (secs < 0)
        return -1;
    if (dot != NULL && strchr(v, 'T') != NULL && dot > strchr(v, 'T')) {
        for (dot++; isdigit((unsigned char)*dot); dot++) {
            if (digits < 9) {
                frac = frac * 10 + (*dot - '0');
                digits++;
            }
        }
        for (; digits < 9; digits++)
            frac *= 10;
    }
    return secs * 1000000000 + frac;
}

int
simlogs_parse_query(const char *query, const char *pod, struct simlogs_opts *o,
                    char **status)
{
    const char *p = query ? query : "";
    int         rc = 0, has_since_s = 0, has_since_t = 0;

    memset(o, 0, sizeof *o);
    o->tail_lines = -1;
    o->since_time = -1;
    *status = NULL;
    while (*p != '\0' && rc == 0) {
        size_t      n = strcspn(p, "&");
        const char *eq = memchr(p, '=', n);
        char       *key, *val, *end;

        key = simlogs_unescape(p, eq ? (size_t)(eq - p) : n);
        val = eq ? simlogs_unescape(eq + 1, n - (size_t)(eq + 1 - p))
                 : xstrdup("");
        if (strcmp(key, "container") == 0) {
            free(o->container);
            o->container = val[0] ? xstrdup(val) : NULL;
        } else if (strcmp(key, "follow") == 0) {
            o->follow = simlogs_bool(val);
        } else if (strcmp(key, "previous") == 0) {
            o->previous = simlogs_bool(val);
        } else if (strcmp(key, "timestamps") == 0) {
            o->timestamps = simlogs_bool(val);
        } else if (strcmp(key, "tailLines") == 0) {
            o->tail_lines = strtoll(val, &end, 10);
            if (*end != '\0' || val[0] == '\0') {
                *status = simlogs_query_status(400, "BadRequest",
                                               "invalid tailLines");
                rc = 400;
            } else if (o->tail_lines < 0) {
                rc = simlogs_invalid(pod, "tailLines", val,
                                     "must be greater than or equal to 0",
                                     status);
            }
        } else if (strcmp(key, "limitBytes") == 0) {
            o->limit_bytes = strtoll(val, &end, 10);
            if (*end != '\0' || o->limit_bytes < 1)
                rc = simlogs_invalid(pod, "limitBytes", val,
                                     "must be greater than 0", status);
        } else if (strcmp(key, "sinceSeconds") == 0) {
            has_since_s = 1;
            o->since_seconds = strtoll(val, &end, 10);
            if (*end != '\0' || o->since_seconds < 1)
                rc = simlogs_invalid(pod, "sinceSeconds", val,
                                     "must be greater than 0", status);
        } else if (strcmp(key, "sinceTime") == 0) {
            has_since_t = 1;
            o->since_time = simlogs_query_time_ns(val);
            if (o->since_time < 0) {
                char *m = xasprintf("parsing time \"%s\" as "
                                    "\"2006-01-02T15:04:05Z07:00\": cannot "
                                    "parse",
                                    val);

                *status = simlogs_query_status(400, "BadRequest", m);
                free(m);
                rc = 400;
            }
        }
        free(key);
        free(val);
        p += n;
        if (*p == '&')
            p++;
    }
    if (rc == 0 && has_since_s && has_since_t) {
        *status = simlogs_query_status(
            422, "Invalid",
            "PodLogOptions is invalid: : Forbidden: at most one of "
            "`sinceTime` or `sinceSeconds` may be specified");
        rc = 422;
    }
    if (rc != 0)
        simlogs_opts_done(o);
    return rc;
}

void
simlogs_opts_done(struct simlogs_opts *o)
{
    free(o->container);
    o->container = NULL;
}
