/*
 * Print mode: `kpod get pods` lists pods (in pages, in the server's order)
 * and prints the table kubectl prints, from the same pod summaries and cell
 * formatter as the pod pane, laid out like kubectl's tabwriter (minimum
 * width 6, padding 3, last column unpadded, widths remembered across
 * flushes). With -w it then watches and prints one row per change, as
 * `kubectl get pods -w` does. It runs its own loop and exits.
 */
#include "cmd-get.h"

#include "khttp.h"
#include "kubeconfig.h"
#include "loop.h"
#include "pod.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GET_MINWIDTH 6
#define GET_PADDING 3

struct get {
    uv_loop_t         uv;
    struct kloop     *loop;
    struct kclient   *client;
    const char       *ns;
    int               all_ns, wide, watch;
    char             *path;
    char             *rv;
    char             *cont;
    struct khttp_req *req;
    enum pod_col      cols[POD_NCOLS];
    int               ncols;
    int               widths[POD_NCOLS]; /* remembered, like RememberWidths */
    char           ***rows;              /* the list, before it is printed */
    size_t            nrows;
    int               header_done;
    int               done;
    int               rc;
    int               refused; /* the list's connect was refused */
};

/* Display width the way Go's tabwriter counts: UTF-8 code points. */
static int
get_width(const char *s)
{
    int n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static void
get_fit(struct get *g, char **cells)
{
    int i, w;

    for (i = 0; i < g->ncols - 1; i++) {
        w = get_width(cells[i]) + GET_PADDING;
        if (w < GET_MINWIDTH)
            w = GET_MINWIDTH;
        if (w > g->widths[i])
            g->widths[i] = w;
    }
}

static void
get_print_row(struct get *g, char **cells)
{
    int i;

    for (i = 0; i < g->ncols; i++) {
        fputs(cells[i], stdout);
        if (i < g->ncols - 1)
            printf("%*s", g->widths[i] - get_width(cells[i]), "");
    }
    putchar('\n');
}

static char **
get_header(struct get *g)
{
    char **cells = xcalloc((size_t)g->ncols, sizeof *cells);
    int    i;

    for (i = 0; i < g->ncols; i++)
        cells[i] = xstrdup(pod_col_names[g->cols[i]]);
    return cells;
}

static char **
get_cells(struct get *g, const struct pod_summary *ps)
{
    char  **cells = xcalloc((size_t)g->ncols, sizeof *cells);
    int64_t now = know_ms();
    char    buf[512];
    int     i;

    for (i = 0; i < g->ncols; i++)
        cells[i] =
            xstrdup(pod_summary_cell(ps, g->cols[i], now, buf, sizeof buf));
    return cells;
}

static void
get_free_cells(struct get *g, char **cells)
{
    int i;

    for (i = 0; i < g->ncols; i++)
        free(cells[i]);
    free(cells);
}

static void
get_finish(struct get *g, int rc, const char *error, const char *reason)
{
    if (error != NULL && g->refused) {
        /* What failed, then kubectl's verdict for it (kubectl, too, logs
         * the failed requests before that last line). */
        const char *h = strstr(kclient_ctx(g->client)->server, "://");

        fprintf(stderr, "error: %s\n", error);

        h = h != NULL ? h + 3 : kclient_ctx(g->client)->server;
        fprintf(stderr,
                "The connection to the server %.*s was refused - did you "
                "specify the right host or port?\n",
                (int)strcspn(h, "/"), h);
    } else if (error != NULL) {
        if (reason != NULL)
            fprintf(stderr, "Error from server (%s): %s\n", reason, error);
        else
            fprintf(stderr, "error: %s\n", error);
    }
    fflush(stdout);
    g->rc = rc;
    g->done = 1;
}

/* One watch row; the first one also brings the header, laid out in the
 * same flush as kubectl does (so the header is as wide as the row). */
static void
get_print_watch_row(struct get *g, char **cells)
{
    char **h = NULL;

    if (!g->header_done) {
        h = get_header(g);
        get_fit(g, h);
    }
    get_fit(g, cells);
    if (h != NULL) {
        get_print_row(g, h);
        get_free_cells(g, h);
        g->header_done = 1;
    }
    get_print_row(g, cells);
}

static void get_list(struct get *);
static void get_watch(struct get *);

static void
get_print_list(struct get *g)
{
    size_t i;
    char **h;

    if (g->nrows == 0) {
        if (g->watch)
            return; /* kubectl -w says nothing and waits */
        if (g->all_ns)
            fprintf(stderr, "No resources found\n");
        else
            fprintf(stderr, "No resources found in %s namespace.\n", g->ns);
        return;
    }
    h = get_header(g);
    get_fit(g, h);
    for (i = 0; i < g->nrows; i++)
        get_fit(g, g->rows[i]);
    get_print_row(g, h);
    get_free_cells(g, h);
    g->header_done = 1;
    for (i = 0; i < g->nrows; i++) {
        get_print_row(g, g->rows[i]);
        get_free_cells(g, g->rows[i]);
    }
    free(g->rows);
    g->rows = NULL;
    g->nrows = 0;
    fflush(stdout);
}

static void
get_list_done(struct khttp_req *q, const struct khttp_response *resp,
              void *data)
{
    struct get  *g = data;
    cJSON       *doc, *it;
    const cJSON *md, *v;

    g->req = NULL;
    if (resp->error != NULL) {
        g->refused = resp->transport == CURLE_COULDNT_CONNECT &&
                     strstr(resp->error, "connection refused") != NULL;
        get_finish(g, 1, resp->error, resp->reason);
        return;
    }
    doc = cJSON_ParseWithLength(resp->body, resp->body_len);
    if (doc == NULL) {
        get_finish(g, 1, "malformed list response from the server", NULL);
        return;
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items"))
    {
        struct pod_summary ps;

        if (pod_summary_init(&ps, it) != 0)
            continue;
        g->rows = xrealloc(g->rows, (g->nrows + 1) * sizeof *g->rows);
        g->rows[g->nrows++] = get_cells(g, &ps);
        pod_summary_done(&ps);
    }
    md = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    free(g->cont);
    g->cont = NULL;
    v = cJSON_GetObjectItemCaseSensitive(md, "continue");
    if (cJSON_IsString(v) && *v->valuestring != '\0') {
        g->cont = xstrdup(v->valuestring);
        cJSON_Delete(doc);
        get_list(g);
        return;
    }
    v = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
    free(g->rv);
    g->rv = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
    cJSON_Delete(doc);
    get_print_list(g);
    if (g->watch)
        get_watch(g);
    else
        get_finish(g, 0, NULL, NULL);
}

static void
get_list(struct get *g)
{
    struct khttp_opts o = {0};
    char             *path, *cause = NULL, *e = NULL;

    if (g->cont != NULL)
        e = khttp_escape(g->cont);
    path = xasprintf("%s?limit=500%s%s", g->path, e ? "&continue=" : "",
                     e ? e : "");
    free(e);
    o.path = path;
    g->req = khttp_request(g->client, &o, get_list_done, g, &cause);
    free(path);
    if (g->req == NULL) {
        get_finish(g, 1, cause, NULL);
        free(cause);
    }
}

static void
get_event(struct khttp_req *q, const char *line, size_t len, int too_long,
          void *data)
{
    struct get  *g = data;
    cJSON       *ev;
    const cJSON *type, *obj, *md, *rv;

    if (len == 0 || g->done)
        return;
    ev = too_long ? NULL : cJSON_ParseWithLength(line, len);
    type = cJSON_GetObjectItemCaseSensitive(ev, "type");
    obj = cJSON_GetObjectItemCaseSensitive(ev, "object");
    if (!cJSON_IsString(type) || !cJSON_IsObject(obj)) {
        cJSON_Delete(ev);
        khttp_cancel(g->req);
        g->req = NULL;
        get_finish(g, 1, "malformed watch event from the server", NULL);
        return;
    }
    if (strcmp(type->valuestring, "ERROR") == 0) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(obj, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(obj, "message");
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(obj, "reason");

        if (cJSON_IsNumber(code) && code->valueint == 410) {
            /* Our version is too old: start over from the current state
             * (the stream ends after this event; get_watch_done goes on). */
            free(g->rv);
            g->rv = NULL;
        } else {
            khttp_cancel(g->req);
            g->req = NULL;
            get_finish(g, 1,
                       cJSON_IsString(msg) ? msg->valuestring : "watch error",
                       cJSON_IsString(rs) ? rs->valuestring : NULL);
        }
        cJSON_Delete(ev);
        return;
    }
    md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    rv = cJSON_GetObjectItemCaseSensitive(md, "resourceVersion");
    if (cJSON_IsString(rv)) {
        free(g->rv);
        g->rv = xstrdup(rv->valuestring);
    }
    if (strcmp(type->valuestring, "BOOKMARK") != 0) {
        struct pod_summary ps;

        if (pod_summary_init(&ps, obj) == 0) {
            char **cells = get_cells(g, &ps);

            get_print_watch_row(g, cells);
            get_free_cells(g, cells);
            pod_summary_done(&ps);
            fflush(stdout);
        }
    }
    cJSON_Delete(ev);
}

static void
get_watch_done(struct khttp_req *q, const struct khttp_response *resp,
               void *data)
{
    struct get *g = data;

    g->req = NULL;
    if (resp->error != NULL) {
        get_finish(g, 1, resp->error, resp->reason);
        return;
    }
    /* A watch that ends (its timeout) is resumed where it was. */
    get_watch(g);
}

static void
get_watch(struct get *g)
{
    struct khttp_opts o = {0};
    char             *path, *cause = NULL, *rv = NULL;

    if (g->rv != NULL)
        rv = khttp_escape(g->rv);
    path = xasprintf("%s?watch=1%s%s&allowWatchBookmarks=true"
                     "&timeoutSeconds=%d",
                     g->path, rv ? "&resourceVersion=" : "", rv ? rv : "",
                     300 + rand() % 300);
    free(rv);
    o.path = path;
    o.on_line = get_event;
    o.max_retries = -1;
    g->req = khttp_request(g->client, &o, get_watch_done, g, &cause);
    free(path);
    if (g->req == NULL) {
        get_finish(g, 1, cause, NULL);
        free(cause);
    }
}

static int
get_usage(const char *why)
{
    fprintf(stderr,
            "kpod get: %s\n"
            "usage: kpod get pods [-A] [-o wide] [-w] [-n NAMESPACE] "
            "[--kubeconfig FILE] [--context NAME]\n",
            why);
    return 1;
}

static void
get_loop_closed(void *data)
{
    *(int *)data = 1;
}

int
cmd_get_main(int argc, char **argv)
{
    struct kube_opts opts = {0};
    struct kube_ctx *ctx;
    struct get       g;
    const char      *resource = NULL, *output = NULL;
    char            *cause = NULL;
    int              i, r, closed = 0;

    memset(&g, 0, sizeof g);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if ((r = kube_opts_flag(&opts, argc, argv, &i, &cause)) < 0) {
            r = get_usage(cause);
            free(cause);
            return r;
        }
        if (r > 0)
            continue;
        if (strcmp(a, "-w") == 0 || strcmp(a, "--watch") == 0 ||
            strcmp(a, "--watch=true") == 0)
            g.watch = 1;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc)
                return get_usage("flag needs an argument: -o");
            output = argv[++i];
        } else if (strncmp(a, "--output=", 9) == 0)
            output = a + 9;
        else if (strncmp(a, "-o", 2) == 0)
            output = a[2] == '=' ? a + 3 : a + 2;
        else if (a[0] == '-' && a[1] != '\0') {
            char *why = xasprintf("unknown flag: %s", a);

            r = get_usage(why);
            free(why);
            return r;
        } else if (resource == NULL)
            resource = a;
        else
            return get_usage("only `kpod get pods` is supported");
    }
    if (resource == NULL)
        return get_usage("which resource? (pods)");
    if (strcmp(resource, "pods") != 0 && strcmp(resource, "pod") != 0 &&
        strcmp(resource, "po") != 0)
        return get_usage("only pods can be listed");
    if (output != NULL && strcmp(output, "wide") != 0)
        return get_usage("only -o wide is supported");
    g.wide = output != NULL;

    if ((ctx = kubeconfig_load(&opts, &cause)) == NULL) {
        fprintf(stderr, "kpod: %s\n", cause);
        free(cause);
        return 1;
    }
    g.all_ns = ctx->all_ns;
    if (g.all_ns)
        g.cols[g.ncols++] = POD_COL_NAMESPACE;
    g.cols[g.ncols++] = POD_COL_NAME;
    g.cols[g.ncols++] = POD_COL_READY;
    g.cols[g.ncols++] = POD_COL_STATUS;
    g.cols[g.ncols++] = POD_COL_RESTARTS;
    g.cols[g.ncols++] = POD_COL_AGE;
    if (g.wide) {
        g.cols[g.ncols++] = POD_COL_IP;
        g.cols[g.ncols++] = POD_COL_NODE;
        g.cols[g.ncols++] = POD_COL_NOMINATED;
        g.cols[g.ncols++] = POD_COL_GATES;
    }

    uv_loop_init(&g.uv);
    g.loop = kloop_create(&g.uv);
    g.client = kclient_create(g.loop, ctx);
    g.ns = kclient_ctx(g.client)->ns;
    g.path = kube_ctx_pods_path(ctx);
    kube_ctx_free(ctx);
    get_list(&g);
    while (!g.done && uv_run(&g.uv, UV_RUN_ONCE) != 0)
        ;
    khttp_cancel(g.req);
    for (i = 0; i < (int)g.nrows; i++)
        get_free_cells(&g, g.rows[i]);
    free(g.rows);
    kclient_free(g.client);
    kloop_close(g.loop, get_loop_closed, &closed);
    uv_run(&g.uv, UV_RUN_DEFAULT);
    if (uv_loop_close(&g.uv) != 0)
        klog("uv_loop_close: handles left open");
    free(g.path);
    free(g.rv);
    free(g.cont);
    return g.rc;
}
