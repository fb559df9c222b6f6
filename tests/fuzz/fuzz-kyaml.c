/*
 * libFuzzer harness for kpod's YAML/JSON reader and what reads its trees:
 * any input kyaml accepts must come back as the same tree through its own
 * YAML output (sorted and unsorted), and the pod summary, event summary
 * and describe text must cope with whatever tree it is. Inputs that are
 * refused must say where. Built only with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "describe.h"
#include "event.h"
#include "kyaml.h"
#include "pod.h"

/* Same tree, object keys in any order (the sorted emitter reorders
 * them); numbers equal by value, so infinities equal themselves, which
 * cJSON_Compare does not allow. */
static int
fuzz_same(const cJSON *a, const cJSON *b)
{
    const cJSON *x, *y;

    if ((a->type & 0xff) != (b->type & 0xff))
        return 0;
    if (cJSON_IsNumber(a))
        return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a)) {
        for (x = a->child, y = b->child; x != NULL && y != NULL;
             x = x->next, y = y->next)
            if (!fuzz_same(x, y))
                return 0;
        return x == NULL && y == NULL;
    }
    if (cJSON_IsObject(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
            return 0;
        cJSON_ArrayForEach(x, a)
        {
            y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (y == NULL || !fuzz_same(x, y))
                return 0;
        }
    }
    return 1;
}

static void
fuzz_round_trip(const cJSON *doc, char *(*emit)(const struct cJSON *))
{
    char  *y = emit(doc), *cause = NULL;
    cJSON *back;

    if (y == NULL)
        abort();
    back = kyaml_parse(y, strlen(y), "emitted", &cause);
    if (back == NULL || !fuzz_same(doc, back))
        abort();
    cJSON_Delete(back);
    free(y);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON              **docs;
    size_t               n;
    char                *cause = NULL, buf[256];
    struct pod_summary   ps;
    struct event_summary es;

    if (kyaml_parse_all((const char *)data, size, "in", &docs, &n, &cause) !=
        0) {
        if (cause == NULL || strncmp(cause, "in:", 3) != 0)
            abort();
        free(cause);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char *s;

        fuzz_round_trip(docs[i], kyaml_emit);
        fuzz_round_trip(docs[i], kyaml_emit_sorted);
        if (pod_summary_init(&ps, docs[i]) == 0)
            for (int c = 0; c < POD_NCOLS; c++)
                pod_summary_cell(&ps, (enum pod_col)c, 1800000000000LL, buf,
                                 sizeof buf);
        pod_summary_done(&ps);
        event_summary_init(&es, docs[i]);
        event_summary_age(&es, 1800000000000LL, buf, sizeof buf);
        event_summary_done(&es);
        s = describe_pod(docs[i], cJSON_IsArray(docs[i]) ? docs[i] : NULL,
                         1800000000000LL);
        free(s);
    }
    kyaml_free_docs(docs, n);
    return 0;
}
