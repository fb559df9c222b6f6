/*
 * Annotation keys and values checked the way the apiserver checks them
 * (apimachinery's IsQualifiedName and ValidateAnnotations), so the
 * annotations pane can refuse a bad edit before sending it and say why in
 * the server's own words; plus the merge patch that carries an edit and a
 * sorted view of the annotations.
 */
#include "annotate.h"

#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define ANNOTATE_NAME_MAX 63
#define ANNOTATE_PREFIX_MAX 253

static const char annotate_name_msg[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyName',  "
    "or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char annotate_qualified_msg[] =
    "a qualified name must consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. "
    "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')";
static const char annotate_subdomain_msg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

static int
annotate_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int
annotate_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static int
annotate_name_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !annotate_alnum(s[0]) || !annotate_alnum(s[n - 1]))
        return 0;
    for (i = 0; i < n; i++)
        if (!annotate_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)* */
static int
annotate_subdomain_ok(const char *s, size_t n)
{
    size_t i, start = 0;

    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (!annotate_lower_alnum(s[i]) && s[i] != '-')
                return 0;
            continue;
        }
        /* a label s[start, i) */
        if (i == start || !annotate_lower_alnum(s[start]) ||
            !annotate_lower_alnum(s[i - 1]))
            return 0;
        start = i + 1;
    }
    return 1;
}

char *
annotate_check_key(const char *key)
{
    const char *slash = strchr(key, '/'), *name = key;
    size_t      n;

    if (slash != NULL) {
        size_t plen = (size_t)(slash - key);

        if (strchr(slash + 1, '/') != NULL)
            return xasprintf("Invalid value: \"%s\": %s", key,
                             annotate_qualified_msg);
        if (plen == 0)
            return xasprintf("Invalid value: \"%s\": prefix part must be "
                             "non-empty",
                             key);
        if (plen > ANNOTATE_PREFIX_MAX)
            return xasprintf("Invalid value: \"%s\": prefix part must be no "
                             "more than %d characters",
                             key, ANNOTATE_PREFIX_MAX);
        if (!annotate_subdomain_ok(key, plen))
            return xasprintf("Invalid value: \"%s\": prefix part %s", key,
                             annotate_subdomain_msg);
        name = slash + 1;
    }
    n = strlen(name);
    if (n == 0)
        return xasprintf("Invalid value: \"%s\": name part must be non-empty",
                         key);
    if (n > ANNOTATE_NAME_MAX)
        return xasprintf("Invalid value: \"%s\": name part must be no more "
                         "than %d characters",
                         key, ANNOTATE_NAME_MAX);
    if (!annotate_name_ok(name, n))
        return xasprintf("Invalid value: \"%s\": %s", key, annotate_name_msg);
    return NULL;
}

char *
annotate_check(const cJSON *annotations, const char *key, const char *value)
{
    const cJSON *it;
    size_t       total = 0;
    char        *why;

    if ((why = annotate_check_key(key)) != NULL) {
        char *s = xasprintf("metadata.annotations: %s", why);

        free(why);
        return s;
    }
    cJSON_ArrayForEach(it, annotations)
    {
        if (it->string == NULL || strcmp(it->string, key) == 0)
            continue;
        total += strlen(it->string);
        if (cJSON_IsString(it))
            total += strlen(it->valuestring);
    }
    if (value != NULL)
        total += strlen(key) + strlen(value);
    if (total > ANNOTATE_TOTAL_MAX)
        return xasprintf("metadata.annotations: Too long: may not be more "
                         "than %d bytes",
                         ANNOTATE_TOTAL_MAX);
    return NULL;
}

char *
annotate_patch(const char *key, const char *value)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *ann = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(doc, "metadata"), "annotations");
    char *s, *r;

    if (value != NULL)
        cJSON_AddStringToObject(ann, key, value);
    else
        cJSON_AddNullToObject(ann, key);
    s = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    r = xstrdup(s);
    cJSON_free(s);
    return r;
}

static int
annotate_cmp(const void *a, const void *b)
{
    return strcmp(((const struct annotate_item *)a)->key,
                  ((const struct annotate_item *)b)->key);
}

struct annotate_item *
annotate_sorted(const cJSON *annotations, size_t *n)
{
    struct annotate_item *v;
    const cJSON          *it;
    size_t                k = 0;

    v = xcalloc((size_t)cJSON_GetArraySize(annotations) + 1, sizeof *v);
    cJSON_ArrayForEach(it, annotations)
    {
        if (it->string == NULL)
            continue;
        v[k].key = it->string;
        v[k].value = cJSON_IsString(it) ? it->valuestring : "";
        k++;
    }
    qsort(v, k, sizeof *v, annotate_cmp);
    *n = k;
    return v;
}
