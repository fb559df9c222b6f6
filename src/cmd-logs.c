/*
 * Print mode for logs (see cmd-logs.h). Like kubectl it picks the default
 * container when none is named (the kubectl.kubernetes.io/default-container
 * annotation, else the first) and says so on stderr, prints the lines as
 * the server sent them (timestamps only with --timestamps) and reports
 * server errors as "Error from server (Reason): message". With -f it keeps
 * following across drops and restarts until the container ends for good.
 */
#define _GNU_SOURCE
#include "cmd-logs.h"

#include "khttp.h"
#include "kubeconfig.h"
#include "logbuf.h"
#include "logs.h"
#include "loop.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct clogs {
    uv_loop_t         uv;
    uv_prepare_t      flush;
    struct kloop     *loop;
    struct kclient   *client;
    struct logs      *logs;
    struct logs_opts  o;
    struct khttp_req *req;
    char             *container;
    int               timestamps;
    struct logbuf    *buf; /* --into-buffer (benchmarks): keep, don't print */
    char             *last_msg;
    int               done, rc;
};

static void
clogs_finish(struct clogs *c, int rc, const char *error, const char *reason)
{
    fflush(stdout);
    if (error != NULL) {
        if (reason != NULL)
            fprintf(stderr, "Error from server (%s): %s\n", reason, error);
        else
            fprintf(stderr, "error: %s\n", error);
    }
    c->rc = rc;
    c->done = 1;
}

static void
clogs_line(struct logs *l, const struct logs_line *ln, void *data)
{
    struct clogs *c = data;

    if (c->buf != NULL) {
        logbuf_add(c->buf, ln->text, ln->len, ln->ts_ns, 0,
                   (ln->flags & LOGS_LINE_MARKER) ? LOGBUF_MARKER : 0);
        return;
    }
    if (ln->flags & LOGS_LINE_MARKER) {
        /* Not part of the log: tell the reader, keep stdout the log. */
        fflush(stdout);
        fprintf(stderr, "%.*s\n", (int)ln->len, ln->text);
        return;
    }
    /* One thread: stdio's locking is pure cost here. */
    if (c->timestamps && ln->ts != NULL) {
        fwrite_unlocked(ln->ts, 1, ln->ts_len, stdout);
        putchar_unlocked(' ');
    }
    fwrite_unlocked(ln->text, 1, ln->len, stdout);
    putchar_unlocked('\n');
}

static void
clogs_status(struct logs *l, const struct logs_status *st, void *data)
{
    struct clogs *c = data;

    switch (st->state) {
    case LOGS_ENDED:
        clogs_finish(c, 0, NULL, NULL);
        break;
    case LOGS_ERROR:
        clogs_finish(c, 1, st->message, st->reason);
        break;
    case LOGS_WAITING:
    case LOGS_RECONNECTING:
        /* Keep going, but say why the output paused (once per reason). */
        if (st->message != NULL &&
            (c->last_msg == NULL || strcmp(c->last_msg, st->message) != 0)) {
            fflush(stdout);
            fprintf(stderr, "kpod: %s: %s\n", logs_state_name(st->state),
                    st->message);
            free(c->last_msg);
            c->last_msg = xstrdup(st->message);
        }
        break;
    default:
        break;
    }
}

static void
clogs_flush(uv_prepare_t *p)
{
    fflush(stdout);
}

static void
clogs_start_logs(struct clogs *c)
{
    c->o.container = c->container;
    c->logs = logs_create(c->client, &c->o, clogs_line, clogs_status, c);
    logs_start(c->logs);
}

static int
clogs_has_container(const cJSON *spec, const char *name)
{
    static const char *const kinds[] = {"containers", "initContainers",
                                        "ephemeralContainers"};
    const cJSON             *it;
    size_t                   k;

    for (k = 0; k < nitems(kinds); k++)
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(spec, kinds[k]))
        {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

            if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
                return 1;
        }
    return 0;
}

/* kubectl's default container: the annotation, else the first one;
 * stderr says which when there is a choice. */
static void
clogs_pod_got(struct khttp_req *q, const struct khttp_response *r, void *data)
{
    struct clogs *c = data;
    cJSON        *pod;
    const cJSON  *spec, *cs, *it, *ann, *v;
    struct kbuf   names;
    const char   *first = NULL, *def = NULL;
    int           n = 0;

    c->req = NULL;
    if (r->status == 404) {
        /* kubectl finds the pod through its resource builder, which words
         * a missing pod this way. */
        fflush(stdout);
        fprintf(stderr,
                "error: error from server (NotFound): pods \"%s\" not found "
                "in namespace \"%s\"\n",
                c->o.pod, c->o.ns);
        c->rc = 1;
        c->done = 1;
        return;
    }
    if (r->error != NULL) {
        clogs_finish(c, 1, r->error, r->reason);
        return;
    }
    pod = cJSON_ParseWithLength(r->body, r->body_len);
    spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    if (c->container != NULL) {
        int ok = clogs_has_container(spec, c->container);

        cJSON_Delete(pod);
        if (!ok) {
            /* kubectl checks the name itself before asking for logs. */
            fflush(stdout);
            fprintf(stderr, "error: container %s is not valid for pod %s\n",
                    c->container, c->o.pod);
            c->rc = 1;
            c->done = 1;
            return;
        }
        clogs_start_logs(c);
        return;
    }
    cs = cJSON_GetObjectItemCaseSensitive(spec, "containers");
    ann = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "annotations");
    v = cJSON_GetObjectItemCaseSensitive(ann, "kubectl.kubernetes.io/"
                                              "default-container");
    kbuf_init(&names);
    cJSON_ArrayForEach(it, cs)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (!cJSON_IsString(nm))
            continue;
        if (first == NULL)
            first = nm->valuestring;
        if (cJSON_IsString(v) && strcmp(v->valuestring, nm->valuestring) == 0)
            def = nm->valuestring;
        kbuf_printf(&names, "%s%s", n++ ? ", " : "", nm->valuestring);
    }
    cJSON_ArrayForEach(it,
                       cJSON_GetObjectItemCaseSensitive(spec, "initContainers"))
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (cJSON_IsString(nm))
            kbuf_printf(&names, "%s%s (init)", n++ ? ", " : "",
                        nm->valuestring);
    }
    cJSON_ArrayForEach(
        it, cJSON_GetObjectItemCaseSensitive(spec, "ephemeralContainers"))
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (cJSON_IsString(nm))
            kbuf_printf(&names, "%s%s (ephem)", n++ ? ", " : "",
                        nm->valuestring);
    }
    if (def != NULL)
        c->container = xstrdup(def); /* chosen by annotation: silently */
    else if (first != NULL) {
        c->container = xstrdup(first);
        if (n > 1)
            fprintf(stderr, "Defaulted container \"%s\" out of: %s\n", first,
                    names.data);
    }
    kbuf_done(&names);
    cJSON_Delete(pod);
    clogs_start_logs(c);
}

static int
clogs_usage(const char *why)
{
    fprintf(stderr,
            "kpod logs: %s\n"
            "usage: kpod logs POD [-c CONTAINER] [-f] [--tail N] "
            "[--timestamps] [--previous] [--since DURATION] [-n NAMESPACE] "
            "[--kubeconfig FILE] [--context NAME]\n",
            why);
    return 1;
}

/* "10s", "5m", "1h30m" -> seconds; -1 when malformed. */
static int64_t
clogs_duration(const char *s)
{
    int64_t total = 0, v;
    char   *end;

    if (*s == '\0')
        return -1;
    while (*s != '\0') {
        v = strtoll(s, &end, 10);
        if (end == s || v < 0)
            return -1;
        switch (*end) {
        case 'h':
            total += v * 3600;
            break;
        case 'm':
            total += v * 60;
            break;
        case 's':
            total += v;
            break;
        default:
            return -1;
        }
        s = end + 1;
    }
    return total;
}

/* A flag with a value: "--tail N", "--tail=N", "-cNAME". */
static const char *
clogs_value(int argc, char **argv, int *i, const char *lng, const char *shrt)
{
    const char *a = argv[*i];
    size_t      n = strlen(lng);

    if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0)) {
        if (*i + 1 >= argc)
            return "";
        return argv[++*i];
    }
    if (strncmp(a, lng, n) == 0 && a[n] == '=')
        return a + n + 1;
    if (shrt != NULL && strncmp(a, shrt, 2) == 0 && a[2] != '\0')
        return a[2] == '=' ? a + 3 : a + 2;
    return NULL;
}

static int
clogs_bool(const char *a, const char *lng, const char *shrt)
{
    size_t n = strlen(lng);

    if (strcmp(a, lng) == 0 || (shrt != NULL && strcmp(a, shrt) == 0))
        return 1;
    if (strncmp(a, lng, n) == 0 && strcmp(a + n, "=true") == 0)
        return 1;
    if (strncmp(a, lng, n) == 0 && strcmp(a + n, "=false") == 0)
        return 0;
    return -1;
}

static void
clogs_logs_closed(struct logs *l, void *data)
{
}

static void
clogs_loop_closed(void *data)
{
    *(int *)data = 1;
}

int
cmd_logs_main(int argc, char **argv)
{
    struct kube_opts opts = {0};
    struct kube_ctx *ctx;
    struct clogs     c;
    const char      *pod = NULL, *v;
    char            *cause = NULL, *end;
    int              i, r, closed = 0, b;
    static char      outbuf[1 << 16];

    memset(&c, 0, sizeof c);
    c.o.tail_lines = -1;
    /* Printing, not keeping: pass long lines through like kubectl (the
     * panes keep 1 MiB per line). */
    c.o.max_line = (size_t)64 << 20;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = clogs_usage(cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if ((b = clogs_bool(a, "--follow", "-f")) >= 0)
            c.o.follow = b;
        else if ((b = clogs_bool(a, "--previous", "-p")) >= 0)
            c.o.previous = b;
        else if ((b = clogs_bool(a, "--timestamps", NULL)) >= 0)
            c.timestamps = b;
        else if (strcmp(a, "--into-buffer") == 0)
            c.buf = logbuf_create(0, 0);
        else if ((v = clogs_value(argc, argv, &i, "--container", "-c")) !=
                 NULL) {
            if (*v == '\0')
                return clogs_usage("flag needs an argument: -c");
            free(c.container);
            c.container = xstrdup(v);
        } else if ((v = clogs_value(argc, argv, &i, "--tail", NULL)) != NULL) {
            c.o.tail_lines = strtoll(v, &end, 10);
            if (*v == '\0' || *end != '\0')
                return clogs_usage("--tail needs a number");
            if (c.o.tail_lines < 0)
                c.o.tail_lines = -1;
        } else if ((v = clogs_value(argc, argv, &i, "--since", NULL)) != NULL) {
            c.o.since_seconds = clogs_duration(v);
            if (c.o.since_seconds < 0)
                return clogs_usage("--since needs a duration like 5m");
            if (c.o.since_seconds == 0)
                c.o.since_seconds = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            char *why = xasprintf("unknown flag: %s", a);

            r = clogs_usage(why);
            free(why);
            return r;
        } else if (pod == NULL)
            pod = a;
        else if (c.container == NULL)
            c.container = xstrdup(a); /* kubectl logs POD CONTAINER */
        else
            return clogs_usage("too many arguments");
    }
    if (pod == NULL)
        return clogs_usage("which pod?");
    if (strncmp(pod, "pod/", 4) == 0)
        pod += 4;
    else if (strncmp(pod, "pods/", 5) == 0)
        pod += 5;
    if ((ctx = kubeconfig_load(&opts, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        free(c.container);
        return 1;
    }
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    uv_loop_init(&c.uv);
    c.loop = kloop_create(&c.uv);
    c.client = kclient_create(c.loop, ctx);
    c.o.ns = kclient_ctx(c.client)->ns;
    c.o.pod = pod;
    kube_ctx_free(ctx);
    /* Flush what arrived before the loop sleeps: prompt for -f, yet one
     * write per batch of lines. */
    uv_prepare_init(&c.uv, &c.flush);
    uv_prepare_start(&c.flush, clogs_flush);

    {
        /* Like kubectl: find the pod first (and its default container). */
        struct khttp_opts o = {0};
        char *en = khttp_escape(c.o.ns), *ep = khttp_escape(pod), *path;

        path = xasprintf("/api/v1/namespaces/%s/pods/%s", en, ep);
        o.path = path;
        c.req = khttp_request(c.client, &o, clogs_pod_got, &c, &cause);
        free(path);
        free(en);
        free(ep);
        if (c.req == NULL) {
            clogs_finish(&c, 1, cause, NULL);
            free(cause);
        }
    }
    while (!c.done && uv_run(&c.uv, UV_RUN_ONCE) != 0)
        ;
    khttp_cancel(c.req);
    logs_close(c.logs, clogs_logs_closed, NULL);
    uv_close((uv_handle_t *)&c.flush, NULL);
    uv_run(&c.uv, UV_RUN_NOWAIT);
    kclient_free(c.client);
    kloop_close(c.loop, clogs_loop_closed, &closed);
    uv_run(&c.uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&c.uv) != 0)
        klog("uv_loop_close: handles left open");
    fflush(stdout);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (c.buf != NULL)
        fprintf(stderr, "kpod: %zu lines in the buffer, %llu evicted\n",
                logbuf_count(c.buf), (unsigned long long)logbuf_evicted(c.buf));
    logbuf_free(c.buf);
    free(c.container);
    free(c.last_msg);
    return c.rc;
}
