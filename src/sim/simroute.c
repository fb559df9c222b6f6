/*
 * The route table: every endpoint kpod-sim serves, as method + path pattern
 * ("*" matches one segment) + handler. To add an endpoint, add a row here
 * (more specific patterns first) and a handler that uses sim-int.h. The
 * dispatcher also applies the request-wide knobs (--token, --error-rate).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simdisco.h"
#include "simevents.h"
#include "simpods.h"
#include "simstream.h"

const struct simroute simroute_table[] = {
    {"GET", "/version", simdisco_version},
    {"GET", "/healthz", simdisco_health},
    {"GET", "/livez", simdisco_health},
    {"GET", "/readyz", simdisco_health},
    {"GET", "/api", simdisco_api},
    {"GET", "/apis", simdisco_apis},
    {"GET", "/api/v1", simdisco_v1_list},
    {"GET", "/openapi/v3", simdisco_openapi_index},
    {"GET", "/openapi/v3/api/v1", simdisco_openapi_v1},
    {"GET", "/api/v1/namespaces", simdisco_namespaces},
    {"POST", "/api/v1/namespaces", simdisco_namespace_create},
    {"GET", "/api/v1/namespaces/*", simdisco_namespace_get},
    {"GET", "/api/v1/pods", simpods_list_all},
    {"GET", "/api/v1/namespaces/*/pods", simpods_list},
    {"POST", "/api/v1/namespaces/*/pods", simpods_create},
    {"GET", "/api/v1/namespaces/*/pods/*", simpods_get},
    {"DELETE", "/api/v1/namespaces/*/pods/*", simpods_delete},
    {"PATCH", "/api/v1/namespaces/*/pods/*", simpods_patch},
    {NULL, "/api/v1/namespaces/*/pods/*/exec", simstream_exec},
    {NULL, "/api/v1/namespaces/*/pods/*/attach", simstream_attach},
    {NULL, "/api/v1/namespaces/*/pods/*/portforward", simstream_portforward},
    {"GET", "/api/v1/namespaces/*/pods/*/log", simstream_logs},
    {"GET", "/api/v1/events", simevents_list_all},
    {"GET", "/api/v1/namespaces/*/events", simevents_list},
    {"GET", "/api/v1/namespaces/*/events/*", simevents_get},
};
const size_t simroute_count = nitems(simroute_table);

/* Match path against pattern; captured segments go to args (max 8). */
static int
simroute_match(const char *pattern, const char *path, char **args, int *nargs)
{
    const char *p = pattern, *s = path;

    *nargs = 0;
    while (*p != '\0' && *s != '\0') {
        if (*p == '*') {
            const char *e = strchr(s, '/');
            size_t      n = e ? (size_t)(e - s) : strlen(s);

            if (n == 0 || *nargs >= 8)
                return 0;
            args[(*nargs)++] = xstrndup(s, n);
            p++;
            s += n;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    /* a trailing slash on the request is tolerated */
    if (*p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0')))
        return 1;
    return 0;
}

static void
simroute_free_args(char **args, int n)
{
    int i;

    for (i = 0; i < n; i++)
        free(args[i]);
}

static int
simroute_token_ok(struct simreq *r)
{
    const char *want = r->sim->opts.token, *auth;

    if (want == NULL || *want == '\0')
        return 1;
    auth = simhttp_header(r, "authorization");
    return auth != NULL && strncmp(auth, "Bearer ", 7) == 0 &&
           strcmp(auth + 7, want) == 0;
}

void
simroute_dispatch(struct simreq *r)
{
    struct sim *sim = r->sim;
    char       *args[8];
    int         nargs = 0, path_matched = 0;
    size_t      i;

    sim->requests++;
    if (sim->log != NULL) {
        const char *proto = simhttp_header(r, "sec-websocket-protocol");
        const char *up = simhttp_header(r, "upgrade");

        fprintf(sim->log, "%s %s%s%s%s%s\n", r->method, r->url,
                up ? " upgrade=" : "", up ? up : "", proto ? " protocol=" : "",
                proto ? proto : "");
        fflush(sim->log);
    }
    if (!simroute_token_ok(r)) {
        simhttp_status(r, 401, "Unauthorized", NULL, NULL, "Unauthorized");
        return;
    }
    if (sim->opts.error_rate > 0 && strcmp(r->path, "/version") != 0 &&
        sim_rand(sim) < sim->opts.error_rate) {
        int    code = sim_rand(sim) < 0.5 ? 429 : 503;
        double ra =
            sim->opts.error_retry_after > 0 ? sim->opts.error_retry_after : 1;
        char   hdr[64];
        cJSON *st;

        snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", (int)ra);
        st = simhttp_status_obj(
            code, code == 429 ? "TooManyRequests" : "ServiceUnavailable",
            code == 429 ? "Too many requests, please try again later."
                        : "The server is currently unable to handle the "
                          "request",
            NULL, NULL);
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(st, "details"),
                                "retryAfterSeconds", (int)ra);
        {
            char *t = cJSON_PrintUnformatted(st);

            simhttp_respond(r, code, "application/json", t, strlen(t), hdr);
            free(t);
        }
        cJSON_Delete(st);
        return;
    }
    for (i = 0; i < simroute_count; i++) {
        const struct simroute *rt = &simroute_table[i];

        if (!simroute_match(rt->pattern, r->path, args, &nargs)) {
            simroute_free_args(args, nargs);
            continue;
        }
        path_matched = 1;
        if (rt->method != NULL && strcmp(rt->method, r->method) != 0) {
            simroute_free_args(args, nargs);
            continue;
        }
        rt->handle(r, args);
        simroute_free_args(args, nargs);
        return;
    }
    if (path_matched) {
        simhttp_status(r, 405, "MethodNotAllowed", NULL, NULL,
                       "the server does not allow this method on the "
                       "requested resource");
        return;
    }
    simhttp_status(r, 404, "NotFound", NULL, NULL,
                   "the server could not find the requested resource");
}
