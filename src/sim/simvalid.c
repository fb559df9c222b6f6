/*
 * Validation of pods as the apiserver does it before storing: qualified
 * names for label and annotation keys, the 256 KiB annotation budget, a
 * DNS-1123 name, containers with names and images. Failures answer 422
 * Invalid with one cause per problem, in the apiserver's words.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "simdefault.h"
#include "simvalid.h"

#define SIMVALID_ANNOTATIONS_MAX (256 * 1024) /* total bytes, keys + values */

/* ---- validation ------------------------------------------------------ */

struct simcauses {
    cJSON *causes;
    char  *first;
    int    n;
};

static void cause_add(struct simcauses *c, const char *reason,
                      const char *field, const char *fmt, ...)
    KPOD_PRINTF(4, 5);

static void
cause_add(struct simcauses *c, const char *reason, const char *field,
          const char *fmt, ...)
{
    va_list ap;
    char   *msg;
    cJSON  *o = cJSON_CreateObject();

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    if (c->causes == NULL)
        c->causes = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "reason", reason);
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "field", field);
    cJSON_AddItemToArray(c->causes, o);
    if (c->first == NULL)
        c->first = xasprintf("%s: %s", field, msg);
    else {
        char *s = xasprintf("%s, %s: %s", c->first, field, msg);

        free(c->first);
        c->first = s;
    }
    c->n++;
    free(msg);
}

static int
is_alnum(int ch)
{
    return isalnum((unsigned char)ch) != 0;
}

/* A qualified name's name part: [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?,
 * at most 63 characters. */
static int
valid_name_part(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 63 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return 0;
    for (i = 0; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* A DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', <= 253. */
static int
valid_subdomain(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > 253)
        return 0;
    for (i = 0; i < n; i++) {
        char ch = s[i];

        if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) ||
              ch == '-' || ch == '.'))
            return 0;
    }
    return isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]);
}

static void
validate_keys(struct simcauses *c, const cJSON *map, const char *field,
              int annotations)
{
    const cJSON *it;
    size_t       total = 0;

    cJSON_ArrayForEach(it, map)
    {
        const char *k = it->string, *slash = strchr(k, '/');
        char       *f = xasprintf("%s", field);
        int         ok;

        if (slash != NULL)
            ok = valid_subdomain(k, (size_t)(slash - k)) &&
                 valid_name_part(slash + 1, strlen(slash + 1));
        else
            ok = valid_name_part(k, strlen(k));
        if (!ok) {
            cause_add(
                c, "FieldValueInvalid", f,
                "Invalid value: \"%s\": name part must consist of "
                "alphanumeric characters, '-', '_' or '.', and must start and "
                "end with an alphanumeric character (e.g. 'MyName',  or "
                "'my.name',  or '123-abc', regex used for validation is "
                "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
                k);
        }
        free(f);
        total += strlen(k);
        if (cJSON_IsString(it))
            total += strlen(it->valuestring);
    }
    if (annotations && total > SIMVALID_ANNOTATIONS_MAX)
        cause_add(c, "FieldValueTooLong", field,
                  "Too long: may not be more than %d bytes",
                  SIMVALID_ANNOTATIONS_MAX);
}

/* 0, or answers 422 and returns -1. */
int
simvalid_pod(struct simreq *r, const cJSON *pod, const char *name)
{
    struct simcauses c = {0};
    const cJSON     *meta = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const cJSON     *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const cJSON *ctrs = cJSON_GetObjectItemCaseSensitive(spec, "containers");
    const cJSON *it;
    int          i = 0;

    validate_keys(&c, cJSON_GetObjectItemCaseSensitive(meta, "labels"),
                  "metadata.labels", 0);
    validate_keys(&c, cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
                  "metadata.annotations", 1);
    if (!valid_subdomain(name, strlen(name)))
        cause_add(&c, "FieldValueInvalid", "metadata.name",
                  "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must "
                  "consist of lower case alphanumeric characters, '-' or '.', "
                  "and must start and end with an alphanumeric character "
                  "(e.g. 'example.com', regex used for validation is "
                  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"
                  "[a-z0-9])?)*')",
                  name);
    if (cJSON_GetArraySize(ctrs) == 0)
        cause_add(&c, "FieldValueRequired", "spec.containers",
                  "Required value");
    cJSON_ArrayForEach(it, ctrs)
    {
        char f[64];

        if (cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")) == NULL) {
            snprintf(f, sizeof f, "spec.containers[%d].name", i);
            cause_add(&c, "FieldValueRequired", f, "Required value");
        }
        if (cJSON_GetStringValue(cJSON_GetObjectItem(it, "image")) == NULL) {
            snprintf(f, sizeof f, "spec.containers[%d].image", i);
            cause_add(&c, "FieldValueRequired", f, "Required value");
        }
        i++;
    }
    if (c.n == 0)
        return 0;
    {
        char  *msg = xasprintf("Pod \"%s\" is invalid: %s%s%s", name,
                              c.n > 1 ? "[" : "", c.first, c.n > 1 ? "]" : "");
        cJSON *st = simhttp_status_obj(422, "Invalid", msg, name, "Pod");
        cJSON *d = cJSON_GetObjectItemCaseSensitive(st, "details");

        cJSON_AddItemToObject(d, "causes", c.causes);
        simhttp_respond_json(r, 422, st);
        free(msg);
        free(c.first);
    }
    return -1;
}
