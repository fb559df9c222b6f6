/*
 * Discovery and schema endpoints: /version (a 1.32 server, so kubectl's
 * version dispatcher keeps its built-in binary), /api and /apis in both the
 * aggregated (apidiscovery.k8s.io/v2) and the legacy form, /api/v1, the
 * OpenAPI v3 index and the api/v1 document (from --openapi FILE, or a small
 * schema written for kpod-sim), health checks and namespaces.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdisco.h"
#include "simlist.h"
#include "simopenapi.h"
#include "simstore.h"

#define AGG_V2                                                                 \
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
#define AGG_V2B1                                                               \
    "application/"                                                             \
    "json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

void
simdisco_version(struct simreq *r, char **args)
{
    static const char body[] =
        "{\n  \"major\": \"1\",\n  \"minor\": \"32\",\n  \"gitVersion\": "
        "\"v1.32.4\",\n  \"gitCommit\": "
        "\"59526cd4867447956156ae3a602fcbac10a2c335\",\n  \"gitTreeState\": "
        "\"clean\",\n  \"buildDate\": \"2025-04-22T16:02:27Z\",\n  "
        "\"goVersion\": \"go1.23.6\",\n  \"compiler\": \"gc\",\n  "
        "\"platform\": \"linux/amd64\"\n}";

    (void)args;
    simhttp_respond(r, 200, "application/json", body, sizeof body - 1, NULL);
}

void
simdisco_health(struct simreq *r, char **args)
{
    (void)args;
    simhttp_respond(r, 200, "text/plain; charset=utf-8", "ok", 2, NULL);
}

struct simdisco_res {
    const char *name, *singular, *kind, *verbs, *shortnames, *group;
    int         namespaced;
};

#define V_ALL                                                                  \
    "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\","  \
    "\"update\",\"watch\"]"

static const struct simdisco_res simdisco_v1[] = {
    {"events", "event", "Event", V_ALL, "[\"ev\"]", NULL, 1},
    {"namespaces", "namespace", "Namespace",
     "[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\","
     "\"watch\"]",
     "[\"ns\"]", NULL, 0},
    {"pods", "pod", "Pod", V_ALL, "[\"po\"]", NULL, 1},
    {"pods/attach", "", "PodAttachOptions", "[\"create\",\"get\"]", NULL, NULL,
     1},
    {"pods/exec", "", "PodExecOptions", "[\"create\",\"get\"]", NULL, NULL, 1},
    {"pods/log", "", "Pod", "[\"get\"]", NULL, NULL, 1},
    {"pods/portforward", "", "PodPortForwardOptions", "[\"create\",\"get\"]",
     NULL, NULL, 1},
    {"pods/status", "", "Pod", "[\"get\",\"patch\",\"update\"]", NULL, NULL, 1},
};

static const char *
simdisco_accept_agg(struct simreq *r)
{
    const char *accept = simhttp_header(r, "accept");

    if (accept == NULL || strstr(accept, "as=APIGroupDiscoveryList") == NULL)
        return NULL;
    if (strstr(accept, "v=v2;") != NULL || strstr(accept, "v=v2,") != NULL)
        return AGG_V2;
    return AGG_V2B1;
}

void
simdisco_api(struct simreq *r, char **args)
{
    const char *agg = simdisco_accept_agg(r);
    struct kbuf b;
    size_t      i;

    (void)args;
    kbuf_init(&b);
    if (agg == NULL) {
        kbuf_printf(&b,
                    "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
                    "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":"
                    "\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:%d\"}]}",
                    r->sim->port);
        simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
        kbuf_done(&b);
        return;
    }
    kbuf_printf(&b,
                "{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":"
                "\"apidiscovery.k8s.io/%s\",\"metadata\":{},\"items\":[{"
                "\"metadata\":{\"creationTimestamp\":null},\"versions\":[{"
                "\"version\":\"v1\",\"resources\":[",
                strstr(agg, "v2beta1") ? "v2beta1" : "v2");
    for (i = 0; i < nitems(simdisco_v1); i++) {
        const struct simdisco_res *d = &simdisco_v1[i];
        size_t                     j;
        int                        first = 1;

        if (strchr(d->name, '/') != NULL)
            continue;
        kbuf_printf(&b,
                    "%s{\"resource\":\"%s\",\"responseKind\":{\"group\":\"\","
                    "\"version\":\"v1\",\"kind\":\"%s\"},\"scope\":\"%s\","
                    "\"singularResource\":\"%s\",\"verbs\":%s",
                    i ? "," : "", d->name, d->kind,
                    d->namespaced ? "Namespaced" : "Cluster", d->singular,
                    d->verbs);
        if (d->shortnames != NULL)
            kbuf_printf(&b, ",\"shortNames\":%s", d->shortnames);
        if (strcmp(d->name, "pods") == 0)
            kbuf_puts(&b, ",\"categories\":[\"all\"]");
        for (j = 0; j < nitems(simdisco_v1); j++) {
            const struct simdisco_res *s = &simdisco_v1[j];
            size_t                     n = strlen(d->name);

            if (strncmp(s->name, d->name, n) != 0 || s->name[n] != '/')
                continue;
            kbuf_printf(&b,
                        "%s{\"subresource\":\"%s\",\"responseKind\":{"
                        "\"group\":\"\",\"version\":\"v1\",\"kind\":\"%s\"},"
                        "\"verbs\":%s}",
                        first ? ",\"subresources\":[" : ",", s->name + n + 1,
                        s->kind, s->verbs);
            first = 0;
        }
        if (!first)
            kbuf_puts(&b, "]");
        kbuf_puts(&b, "}");
    }
    kbuf_puts(&b, "],\"freshness\":\"Current\"}]}]}");
    simhttp_respond(r, 200, agg, b.data, b.len, NULL);
    kbuf_done(&b);
}

void
simdisco_apis(struct simreq *r, char **args)
{
    const char *agg = simdisco_accept_agg(r);
    char        body[256];

    (void)args;
    if (agg != NULL) {
        snprintf(body, sizeof body,
                 "{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":"
                 "\"apidiscovery.k8s.io/%s\",\"metadata\":{},\"items\":[]}",
                 strstr(agg, "v2beta1") ? "v2beta1" : "v2");
        simhttp_respond(r, 200, agg, body, strlen(body), NULL);
        return;
    }
    snprintf(body, sizeof body,
             "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
    simhttp_respond(r, 200, "application/json", body, strlen(body), NULL);
}

void
simdisco_v1_list(struct simreq *r, char **args)
{
    struct kbuf b;
    size_t      i;

    (void)args;
    kbuf_init(&b);
    kbuf_puts(&b, "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\","
                  "\"resources\":[");
    for (i = 0; i < nitems(simdisco_v1); i++) {
        const struct simdisco_res *d = &simdisco_v1[i];

        kbuf_printf(&b,
                    "%s{\"name\":\"%s\",\"singularName\":\"%s\","
                    "\"namespaced\":%s,\"kind\":\"%s\",\"verbs\":%s",
                    i ? "," : "", d->name, d->singular,
                    d->namespaced ? "true" : "false", d->kind, d->verbs);
        if (d->shortnames != NULL)
            kbuf_printf(&b, ",\"shortNames\":%s", d->shortnames);
        if (strcmp(d->name, "pods") == 0)
            kbuf_puts(&b, ",\"categories\":[\"all\"]");
        kbuf_puts(&b, "}");
    }
    kbuf_puts(&b, "]}");
    simhttp_respond(r, 200, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
}

/* ---- OpenAPI --------------------------------------------------------- */

static void
simdisco_openapi_doc(struct sim *sim, const char **text, size_t *len)
{
    if (sim->openapi_text != NULL) {
        *text = sim->openapi_text;
        *len = sim->openapi_len;
    } else {
        *text = simopenapi_doc;
        *len = strlen(simopenapi_doc);
    }
}

static void
simdisco_hash(const char *text, size_t len, char *out, size_t outlen)
{
    uint64_t h1 = 1469598103934665603ULL, h2 = 7;
    size_t   i;

    for (i = 0; i < len; i++) {
        h1 = (h1 ^ (unsigned char)text[i]) * 1099511628211ULL;
        h2 = h2 * 31 + (unsigned char)text[i];
    }
    snprintf(out, outlen, "%016llX%016llX", (unsigned long long)h1,
             (unsigned long long)h2);
}

void
simdisco_openapi_index(struct simreq *r, char **args)
{
    const char *text;
    size_t      len;
    char        hash[40], body[256];

    (void)args;
    simdisco_openapi_doc(r->sim, &text, &len);
    simdisco_hash(text, len, hash, sizeof hash);
    snprintf(body, sizeof body,
             "{\"paths\":{\"api/v1\":{\"serverRelativeURL\":"
             "\"/openapi/v3/api/v1?hash=%s\"}}}",
             hash);
    simhttp_respond(r, 200, "application/json", body, strlen(body), NULL);
}

void
simdisco_openapi_v1(struct simreq *r, char **args)
{
    const char *text;
    size_t      len;
    char        hash[40], etag[64];

    (void)args;
    simdisco_openapi_doc(r->sim, &text, &len);
    simdisco_hash(text, len, hash, sizeof hash);
    snprintf(etag, sizeof etag, "Etag: \"%s\"\r\n", hash);
    simhttp_respond(r, 200, "application/json", text, len, etag);
}

/* ---- namespaces ------------------------------------------------------ */

void
simdisco_ensure_namespace(struct sim *sim, const char *ns)
{
    cJSON *o, *m;
    char   ts[64], uid[40];

    if (ns == NULL || *ns == '\0' ||
        simstore_get(sim->store, &simres_namespaces, NULL, ns) != NULL)
        return;
    snprintf(uid, sizeof uid, "%08x-%04x-4%03x-8%03x-%012llx",
             (unsigned)(sim_rand(sim) * 4294967295.0),
             (unsigned)(sim_rand(sim) * 65535),
             (unsigned)(sim_rand(sim) * 4095), (unsigned)(sim_rand(sim) * 4095),
             (unsigned long long)(sim_rand(sim) * 281474976710655.0));
    o = cJSON_CreateObject();
    m = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(m, "name", ns);
    cJSON_AddStringToObject(m, "uid", uid);
    cJSON_AddStringToObject(m, "creationTimestamp",
                            sim_time(know_ms(), ts, sizeof ts));
    cJSON_AddItemToObject(m, "labels", cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_GetObjectItem(m, "labels"),
                            "kubernetes.io/metadata.name", ns);
    cJSON_AddItemToObject(o, "spec",
                          cJSON_Parse("{\"finalizers\":[\"kubernetes\"]}"));
    cJSON_AddItemToObject(o, "status", cJSON_Parse("{\"phase\":\"Active\"}"));
    simstore_put(sim->store, &simres_namespaces, o);
}

void
simdisco_namespaces(struct simreq *r, char **args)
{
    (void)args;
    simlist_collection(r, &simres_namespaces, NULL);
}

void
simdisco_namespace_get(struct simreq *r, char **args)
{
    simlist_get(r, &simres_namespaces, NULL, args[0]);
}

void
simdisco_namespace_create(struct simreq *r, char **args)
{
    cJSON      *o = cJSON_ParseWithLength(r->body.data, r->body.len);
    const char *name = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(o, "metadata"), "name"));
    struct simsnap *s;
    struct kbuf     b;

    (void)args;
    if (name == NULL) {
        cJSON_Delete(o);
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "the body of the request was in an unknown format");
        return;
    }
    if (simstore_get(r->sim->store, &simres_namespaces, NULL, name) != NULL) {
        simhttp_status(r, 409, "AlreadyExists", name, "namespaces",
                       "namespaces \"%s\" already exists", name);
        cJSON_Delete(o);
        return;
    }
    simdisco_ensure_namespace(r->sim, name);
    /* name points into o: look the new object up before freeing it. */
    s = simstore_get(r->sim->store, &simres_namespaces, NULL, name);
    cJSON_Delete(o);
    kbuf_init(&b);
    simlist_full_object(&b, &simres_namespaces, s);
    simhttp_respond(r, 201, "application/json", b.data, b.len, NULL);
    kbuf_done(&b);
}
