/*
 * libFuzzer harness for explain: any JSON document (the input, and the
 * input wrapped as the schema of a "things" resource) parses or is
 * refused, and walking paths through it, listing fields and wrapping its
 * descriptions never crash or loop (cyclic $refs included). Built only
 * with KPOD_FUZZ=ON and clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_explain_walk(struct explain *e)
{
    static const char *const paths[] = {"pods",
                                        "pods.spec",
                                        "things",
                                        "things.a",
                                        "things.a.b.c",
                                        "things.self.self.self",
                                        "po.metadata.labels",
                                        "Thing",
                                        "x"};

    for (size_t i = 0; i < nitems(paths); i++) {
        char *cause = NULL, *t = explain_text(e, paths[i], &cause);
        struct explain_field *f;
        size_t                n;

        if ((t == NULL) == (cause == NULL))
            abort(); /* exactly one of text and cause */
        free(t);
        free(cause);
        cause = NULL;
        if (explain_fields(e, paths[i], &f, &n, &cause) == 0)
            explain_fields_free(f, n);
        else
            free(cause);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           *cause = NULL, *doc, *w;
    struct explain *e = explain_create((const char *)data, size, &cause);

    if (e != NULL) {
        fuzz_explain_walk(e);
        explain_free(e);
    } else
        free(cause);
    /* the input as the schema of a resource named things */
    doc = xasprintf("{\"paths\":{\"/api/v1/things\":{\"get\":{"
                    "\"x-kubernetes-group-version-kind\":{\"group\":\"\","
                    "\"version\":\"v1\",\"kind\":\"Thing\"}}}},"
                    "\"components\":{\"schemas\":{\"a.Thing\":%.*s}}}",
                    (int)size, (const char *)data);
    cause = NULL;
    if ((e = explain_create(doc, strlen(doc), &cause)) != NULL) {
        fuzz_explain_walk(e);
        explain_free(e);
    } else
        free(cause);
    free(doc);
    w = xstrndup((const char *)data, size);
    free(explain_wrap(w, size % 80));
    free(w);
    return 0;
}
