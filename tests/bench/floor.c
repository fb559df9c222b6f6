/*
 * The physical floor for listing pods: fetch /api/v1/pods in pages of
 * 500 (as kubectl and kpod do) with libcurl and parse each page with
 * cJSON, then free it; nothing is formatted or kept. Prints
 * "items SECONDS" on stdout. Built by tests/bench/run-all.sh with cc;
 * not part of kpod. Usage: floor URL [LIMIT].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

struct floor_buf {
    char  *p;
    size_t len, cap;
};

static size_t
floor_write(char *data, size_t size, size_t n, void *arg)
{
    struct floor_buf *b = arg;
    size_t            add = size * n;

    if (b->len + add + 1 > b->cap) {
        b->cap = (b->len + add + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (b->p == NULL)
            abort();
    }
    memcpy(b->p + b->len, data, add);
    b->len += add;
    b->p[b->len] = '\0';
    return add;
}

int
main(int argc, char **argv)
{
    struct floor_buf b = {0};
    struct timespec  t0, t1;
    CURL            *c;
    char             url[4096], *cont = NULL;
    const char      *limit = argc > 2 ? argv[2] : "500";
    long             items = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: floor URL [LIMIT]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, floor_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    do {
        cJSON *doc, *it, *c2;

        snprintf(url, sizeof url, "%s/api/v1/pods?limit=%s%s%s", argv[1],
                 limit, cont ? "&continue=" : "", cont ? cont : "");
        curl_free(cont);
        cont = NULL;
        b.len = 0;
        curl_easy_setopt(c, CURLOPT_URL, url);
        if (curl_easy_perform(c) != CURLE_OK) {
            fprintf(stderr, "floor: GET %s failed\n", url);
            return 1;
        }
        doc = cJSON_ParseWithLength(b.p, b.len);
        if (doc == NULL) {
            fprintf(stderr, "floor: bad JSON from %s\n", url);
            return 1;
        }
        items += cJSON_GetArraySize(cJSON_GetObjectItem(doc, "items"));
        it = cJSON_GetObjectItem(doc, "metadata");
        c2 = it ? cJSON_GetObjectItem(it, "continue") : NULL;
        if (cJSON_IsString(c2) && c2->valuestring[0] != '\0')
            cont = curl_easy_escape(c, c2->valuestring, 0);
        cJSON_Delete(doc);
    } while (cont != NULL);
    curl_easy_cleanup(c);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%ld %.4f\n", items,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(b.p);
    return 0;
}
