/*
 * The streaming pod endpoints of kpod-sim: GET/POST .../pods/P/exec and
 * .../attach, .../portforward (WebSocket upgrades) and GET .../pods/P/log.
 * Each handler checks the request the way the API server and kubelet do
 * (pod, container, parameters, upgrade, subprotocol) and answers errors as
 * metav1.Status; then it hands the connection to simexec / simport, or
 * the chunked body to simlogs. SPDY is not spoken: kubectl's exec uses
 * WebSocket v5 first, and its SPDY fallback is refused loudly here.
 */
#define _GNU_SOURCE
#include "simstream.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim-int.h"
#include "simexec.h"
#include "simlogs.h"
#include "simport.h"
#include "simws.h"

struct simstream {
    struct sim         *sim;
    struct simport_set *ports;
    struct simlogs     *logs;
    int                 pending;
    void (*done_cb)(void *);
    void *done_data;
};

/* A backend answered a request: the container's access log says so. */
static void
simstream_access(void *data, const char *uid, const char *pod,
                 const char *container, const char *image, const char *method,
                 const char *path, const char *agent, int status, size_t bytes)
{
    struct simstream *ss = data;

    simlogs_access(ss->logs, uid, pod, container, image, method, path, agent,
                   status, bytes);
}

struct simstream *
simstream_create(struct sim *sim)
{
    struct simstream *ss = xcalloc(1, sizeof *ss);

    ss->sim = sim;
    ss->ports = simport_set_create(sim->loop);
    ss->logs = simlogs_create(sim->loop, sim->opts.log_rate);
    simport_set_access_cb(ss->ports, simstream_access, ss);
    return ss;
}

static void
simstream_part_closed(void *data)
{
    struct simstream *ss = data;

    if (--ss->pending == 0) {
        void (*cb)(void *) = ss->done_cb;
        void *d = ss->done_data;

        free(ss);
        if (cb != NULL)
            cb(d);
    }
}

void
simstream_close(struct simstream *ss, void (*done_cb)(void *), void *data)
{
    ss->done_cb = done_cb;
    ss->done_data = data;
    ss->pending = 2;
    simport_set_close(ss->ports, simstream_part_closed, ss);
    simlogs_close(ss->logs, simstream_part_closed, ss);
}

void
simstream_pod_gone(struct simstream *ss, const char *uid)
{
    simport_forget(ss->ports, uid);
}

/* --- helpers --- */

static const char *
simstream_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *
simstream_get(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

    return b ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

/* The pod or a 404 answered. */
static const cJSON *
simstream_pod(struct simreq *r, char **args)
{
    const cJSON *pod = sim_pod_get(r->sim, args[0], args[1]);

    if (pod == NULL)
        simhttp_status(r, 404, "NotFound", args[1], "pods",
                       "pods \"%s\" not found", args[1]);
    return pod;
}

/* The container named by ?container=, or the only one; NULL with a 400
 * answered (the API server's texts). */
static const cJSON *
simstream_container(struct simreq *r, const cJSON *pod, const char *name)
{
    const cJSON *cs = simstream_get(pod, "spec", "containers");
    const cJSON *ics = simstream_get(pod, "spec", "initContainers");
    const cJSON *c;
    const char  *podname =
        simstream_str(simstream_get(pod, "metadata", NULL), "name");
    struct kbuf b;

    if (name == NULL || *name == '\0') {
        if (cJSON_GetArraySize(cs) == 1)
            return cJSON_GetArrayItem(cs, 0);
        kbuf_init(&b);
        kbuf_printf(&b,
                    "a container name must be specified for pod %s, choose "
                    "one of: [",
                    podname);
        cJSON_ArrayForEach(c, cs)
        {
            kbuf_printf(&b, "%s%s", c == cs->child ? "" : " ",
                        simstream_str(c, "name"));
        }
        kbuf_puts(&b, "]");
        simhttp_status(r, 400, "BadRequest", NULL, NULL, "%s", b.data);
        kbuf_done(&b);
        return NULL;
    }
    cJSON_ArrayForEach(c, cs)
    {
        const char *n = simstream_str(c, "name");

        if (n != NULL && strcmp(n, name) == 0)
            return c;
    }
    cJSON_ArrayForEach(c, ics)
    {
        const char *n = simstream_str(c, "name");

        if (n != NULL && strcmp(n, name) == 0)
            return c;
    }
    simhttp_status(r, 400, "BadRequest", NULL, NULL,
                   "container %s is not valid for pod %s", name, podname);
    return NULL;
}

static int
simstream_uid_alive(void *data, const char *uid)
{
    struct simstream *ss = data;
    struct simsnap  **snaps;
    size_t            n, i;
    int               found = 0;

    n = simstore_list(ss->sim->store, &simres_pods, NULL, &snaps);
    for (i = 0; i < n && !found; i++) {
        const char *u = simstream_str(
            simstream_get(snaps[i]->obj, "metadata", NULL), "uid");

        found = u != NULL && strcmp(u, uid) == 0;
    }
    free(snaps);
    return found;
}

/* A backend for every declared port of every container of the pod (they
 * share localhost, so any container's curl reaches any of them). Backends
 * of pods that are gone are closed first. */
static void
simstream_backends(struct simstream *ss, const cJSON *pod)
{
    const cJSON *md = simstream_get(pod, "metadata", NULL);
    const char  *uid = simstream_str(md, "uid"),
               *name = simstream_str(md, "name");
    const cJSON *c, *p;

    if (uid == NULL || name == NULL)
        return;
    simport_sweep(ss->ports, simstream_uid_alive, ss);
    cJSON_ArrayForEach(c, simstream_get(pod, "spec", "containers"))
    {
        const char              *cname = simstream_str(c, "name");
        const char              *image = simstream_str(c, "image");
        static const char *const probes[] = {"livenessProbe", "readinessProbe",
                                             "startupProbe"};
        size_t                   i;

        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(c, "ports"))
        {
            const cJSON *cp =
                cJSON_GetObjectItemCaseSensitive(p, "containerPort");

            if (cJSON_IsNumber(cp))
                simport_backend(ss->ports, uid, name, cname, image,
                                cp->valueint);
        }
        /* A server listens whether or not its port is declared: the
         * ports its probes use, and the image's own. */
        for (i = 0; i < nitems(probes); i++) {
            const cJSON *pr = cJSON_GetObjectItemCaseSensitive(c, probes[i]);
            const cJSON *hp = simstream_get(pr, "httpGet", "port");
            const cJSON *tp = simstream_get(pr, "tcpSocket", "port");

            if (cJSON_IsNumber(hp))
                simport_backend(ss->ports, uid, name, cname, image,
                                hp->valueint);
            if (cJSON_IsNumber(tp))
                simport_backend(ss->ports, uid, name, cname, image,
                                tp->valueint);
        }
        if (image != NULL && strstr(image, "http-go") != NULL)
            simport_backend(ss->ports, uid, name, cname, image, 8080);
        else if (image != NULL && strstr(image, "nginx") != NULL)
            simport_backend(ss->ports, uid, name, cname, image, 80);
        else if (image != NULL && strstr(image, "liveness") != NULL)
            simport_backend(ss->ports, uid, name, cname, image, 8080);
    }
    /* Uptime-dependent answers follow the container's current run. */
    cJSON_ArrayForEach(c, simstream_get(pod, "status", "containerStatuses"))
    {
        const char *started = simstream_str(
            simstream_get(simstream_get(c, "state", NULL), "running", NULL),
            "startedAt");
        int64_t t = started ? ktime_parse(started) : -1;

        if (t >= 0 && simstream_str(c, "name") != NULL)
            simport_started(ss->ports, uid, simstream_str(c, "name"), t * 1000);
    }
}

/* Everything before a WebSocket can start: 400 without an upgrade, 400
 * for SPDY (not spoken here), 403 with an empty body when no subprotocol
 * matches (what the Go WebSocket server does). Returns the protocol. */
static const char *
simstream_upgrade_check(struct simreq *r, const char *const *protocols,
                        int allow_none)
{
    const char *up = simhttp_header(r, "upgrade");
    const char *key = simhttp_header(r, "sec-websocket-key");
    const char *proto;

    if (!r->upgrade || up == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "Upgrade request required");
        return NULL;
    }
    if (strcasecmp(up, "websocket") != 0) {
        klog("refused %s upgrade to %s", up, r->url);
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "kpod-sim speaks WebSocket (v5.channel.k8s.io, "
                       "v4.channel.k8s.io) only, not %s",
                       up);
        return NULL;
    }
    if (key == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "missing Sec-WebSocket-Key");
        return NULL;
    }
    proto = simws_negotiate(simhttp_header(r, "sec-websocket-protocol"),
                            protocols, allow_none);
    if (proto == NULL) {
        klog("no subprotocol in common for %s", r->url);
        simhttp_respond(r, 403, "text/plain", "", 0, NULL);
        return NULL;
    }
    return proto;
}

/* --- the upgraded connection as a simws transport --- */

static int
simstream_io_write(void *io, const void *p, size_t n)
{
    return simhttp_raw_write(io, p, n);
}

static size_t
simstream_io_queued(void *io)
{
    return simhttp_raw_queued(io);
}

static void
simstream_io_close(void *io)
{
    simhttp_conn_close(io);
}

static void
simstream_up_read(struct simconn *c, const char *buf, size_t len, void *data)
{
    simws_feed(data, buf, len);
}

static void
simstream_up_closed(struct simconn *c, void *data)
{
    simws_io_closed(data);
}

static const struct simhttp_upgrade_ops simstream_up_ops = {
    .read_cb = simstream_up_read,
    .closed_cb = simstream_up_closed,
};

static struct simws_io
simstream_io(struct simreq *r)
{
    struct simws_io io = {simstream_io_write, simstream_io_queued,
                          simstream_io_close, r->conn};

    return io;
}

/* --- the container's files, kept by the kubelet (probes see them) --- */

struct simstream_fsref {
    struct sim *sim;
    char       *ns, *pod, *ctr;
};

static struct simctr *
simstream_fs_ctr(struct simstream_fsref *f)
{
    return sim_container(f->sim, f->ns, f->pod, f->ctr);
}

static const char *
simstream_fs_read(void *data, const char *path)
{
    struct simctr *c = simstream_fs_ctr(data);

    return c ? simctr_file(c, path) : NULL;
}

static void
simstream_fs_write(void *data, const char *path, const char *content)
{
    struct simctr *c = simstream_fs_ctr(data);

    if (c != NULL)
        simctr_file_put(c, path, content);
}

static int
simstream_fs_remove(void *data, const char *path)
{
    struct simctr *c = simstream_fs_ctr(data);

    return c ? simctr_file_remove(c, path) : -1;
}

static const char *
simstream_fs_path(void *data, size_t i)
{
    struct simctr *c = simstream_fs_ctr(data);

    return c && i < c->nfiles ? c->files[i].key : NULL;
}

static void
simstream_fs_free(void *data)
{
    struct simstream_fsref *f = data;

    free(f->ns);
    free(f->pod);
    free(f->ctr);
    free(f);
}

static const struct simexec_fs_ops simstream_fs_ops = {
    simstream_fs_read, simstream_fs_write, simstream_fs_remove,
    simstream_fs_path, simstream_fs_free,
};

/* --- exec and attach --- */

static void
simstream_exec_common(struct simreq *r, char **args, int attach)
{
    struct simstream        *ss = r->sim->stream;
    const cJSON             *pod, *ctr, *st, *e;
    const char             **cmds = NULL, *proto, *cname;
    struct simexec_container ct = {0};
    struct simws_io          io;
    struct simws            *ws;
    struct simstream_fsref  *fref;
    char                   **env = NULL;
    size_t                   ncmd, nenv = 0, i;
    int                      in, out, err, tty, running = 0;

    if ((pod = simstream_pod(r, args)) == NULL)
        return;
    if ((ctr = simstream_container(r, pod, simhttp_query(r, "container"))) ==
        NULL)
        return;
    cname = simstream_str(ctr, "name");
    in = simhttp_query_bool(r, "stdin");
    out = simhttp_query_bool(r, "stdout");
    err = simhttp_query_bool(r, "stderr");
    tty = simhttp_query_bool(r, "tty");
    if (!in && !out && !err) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "you must specify at least 1 of stdin, stdout, stderr");
        return;
    }
    if (simstream_str(simstream_get(pod, "spec", NULL), "nodeName") == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "pod %s does not have a host assigned", args[1]);
        return;
    }
    cJSON_ArrayForEach(st, simstream_get(pod, "status", "containerStatuses"))
    {
        const char *n = simstream_str(st, "name");

        if (n != NULL && strcmp(n, cname) == 0 &&
            simstream_get(simstream_get(st, "state", NULL), "running", NULL))
            running = 1;
    }
    if (!running) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "unable to upgrade connection: container not found "
                       "(\"%s\")",
                       cname);
        return;
    }
    if ((proto = simstream_upgrade_check(r, simexec_protocols, 0)) == NULL)
        return;
    ncmd = simhttp_query_all(r, "command", &cmds);
    if (attach) {
        /* attach joins the main process: here, a shell on its tty. */
        static const char *const sh[] = {"sh", NULL};

        free(cmds);
        cmds = xcalloc(2, sizeof *cmds);
        cmds[0] = sh[0];
        ncmd = 1;
    }
    klog("exec %s/%s [%s] protocol %s%s", args[0], args[1], cname, proto,
         attach ? " (attach)" : "");
    if (r->sim->log != NULL) {
        fprintf(r->sim->log, "websocket %s %s/%s protocol=%s\n",
                attach ? "attach" : "exec", args[0], args[1], proto);
        fflush(r->sim->log);
    }

    simstream_backends(ss, pod);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(ctr, "env"))
    {
        const char *n = simstream_str(e, "name"),
                   *v = simstream_str(e, "value");

        if (n == NULL)
            continue;
        env = xrealloc(env, (nenv + 2) * sizeof *env);
        env[nenv++] = xasprintf("%s=%s", n, v ? v : "");
        env[nenv] = NULL;
    }
    fref = xcalloc(1, sizeof *fref);
    fref->sim = r->sim;
    fref->ns = xstrdup(args[0]);
    fref->pod = xstrdup(args[1]);
    fref->ctr = xstrdup(cname);
    ct.pod = args[1];
    ct.uid = simstream_str(simstream_get(pod, "metadata", NULL), "uid");
    ct.namespace = args[0];
    ct.container = cname;
    ct.image = simstream_str(ctr, "image");
    ct.pod_ip = simstream_str(simstream_get(pod, "status", NULL), "podIP");
    ct.env = (const char *const *)env;
    ct.fs = simexec_fs_create_ops(&simstream_fs_ops, fref);
    ct.port_cb = simport_exec_port_cb;
    ct.port_data = ss->ports;
    io = simstream_io(r);
    ws = simexec_session_start(r->sim->loop, simport_sessions(ss->ports), &io,
                               simhttp_header(r, "sec-websocket-key"), proto,
                               &ct, ncmd > 0 ? cmds : NULL, in, out, err, tty);
    simexec_fs_unref(ct.fs); /* the process holds its own reference */
    for (i = 0; i < nenv; i++)
        free(env[i]);
    free(env);
    free(cmds);
    simhttp_upgrade(r, &simstream_up_ops, ws);
}

void
simstream_exec(struct simreq *r, char **args)
{
    simstream_exec_common(r, args, 0);
}

void
simstream_attach(struct simreq *r, char **args)
{
    simstream_exec_common(r, args, 1);
}

/* --- port-forward --- */

void
simstream_portforward(struct simreq *r, char **args)
{
    struct simstream *ss = r->sim->stream;
    const cJSON      *pod;
    const char      **vals = NULL, *proto, *uid;
    int               ports[64], nports = 0;
    size_t            nvals, i;
    struct simws_io   io;
    struct simws     *ws;

    if ((pod = simstream_pod(r, args)) == NULL)
        return;
    nvals = simhttp_query_all(r, "ports", &vals);
    for (i = 0; i < nvals; i++) {
        const char *p = vals[i];

        while (*p != '\0') {
            char *end;
            long  v = strtol(p, &end, 10);

            if (end == p || v < 1 || v > 65535 || nports == 64 ||
                (*end != '\0' && *end != ',')) {
                simhttp_status(r, 400, "BadRequest", NULL, NULL,
                               "invalid port \"%s\"", vals[i]);
                free(vals);
                return;
            }
            ports[nports++] = (int)v;
            p = *end == ',' ? end + 1 : end;
        }
    }
    free(vals);
    if (nports == 0 && r->upgrade && simhttp_header(r, "upgrade") != NULL &&
        strcasecmp(simhttp_header(r, "upgrade"), "websocket") == 0) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "query parameter \"ports\" is required");
        return;
    }
    if (simstream_str(simstream_get(pod, "spec", NULL), "nodeName") == NULL) {
        simhttp_status(r, 400, "BadRequest", NULL, NULL,
                       "pod %s does not have a host assigned", args[1]);
        return;
    }
    if ((proto = simstream_upgrade_check(r, simport_protocols, 1)) == NULL)
        return;
    klog("port-forward %s/%s protocol \"%s\"", args[0], args[1], proto);
    if (r->sim->log != NULL) {
        fprintf(r->sim->log, "websocket portforward %s/%s protocol=%s\n",
                args[0], args[1], proto);
        fflush(r->sim->log);
    }
    simstream_backends(ss, pod);
    uid = simstream_str(simstream_get(pod, "metadata", NULL), "uid");
    io = simstream_io(r);
    ws = simport_forward_start(ss->ports, &io,
                               simhttp_header(r, "sec-websocket-key"), proto,
                               uid ? uid : "", args[1], ports, nports);
    simhttp_upgrade(r, &simstream_up_ops, ws);
}

/* --- logs --- */

struct simstream_log {
    struct simreq         *r;
    struct sim            *sim;
    char                  *ns, *name;
    struct simlogs_stream *stream;
};

static void
simstream_log_free(struct simstream_log *l)
{
    free(l->ns);
    free(l->name);
    free(l);
}

static void
simstream_log_write(void *data, const char *p, size_t n)
{
    struct simstream_log *l = data;

    simhttp_stream_write(l->r, p, n);
}

static void
simstream_log_end(void *data)
{
    struct simstream_log *l = data;

    l->r->cancel_cb = NULL;
    simhttp_stream_end(l->r);
    simstream_log_free(l);
}

static const cJSON *
simstream_log_pod(void *data)
{
    struct simstream_log *l = data;

    return sim_pod_get(l->sim, l->ns, l->name);
}

static void
simstream_log_cancel(struct simreq *r, void *data)
{
    struct simstream_log *l = data;

    simlogs_stream_cancel(l->stream);
    simstream_log_free(l);
}

static size_t
simstream_log_queued(void *data)
{
    struct simstream_log *l = data;

    return simhttp_stream_queued(l->r);
}

static const struct simlogs_out simstream_log_out = {
    simstream_log_write,
    simstream_log_end,
    simstream_log_pod,
    simstream_log_queued,
};

void
simstream_logs(struct simreq *r, char **args)
{
    struct simstream     *ss = r->sim->stream;
    const cJSON          *pod;
    const char           *q = strchr(r->url, '?');
    struct simlogs_opts   o;
    struct simstream_log *l;
    char                 *status = NULL;
    int                   rc;

    if ((pod = simstream_pod(r, args)) == NULL)
        return;
    rc = simlogs_parse_query(q ? q + 1 : "", args[1], &o, &status);
    if (rc == 0) {
        l = xcalloc(1, sizeof *l);
        l->r = r;
        l->sim = r->sim;
        l->ns = xstrdup(args[0]);
        l->name = xstrdup(args[1]);
        rc = simlogs_start(ss->logs, pod, &o, &simstream_log_out, l, &l->stream,
                           &status);
        simlogs_opts_done(&o);
        if (rc == 200) {
            r->cancel_cb = simstream_log_cancel;
            r->cancel_data = l;
            simhttp_stream_begin(r, 200, "text/plain");
            return;
        }
        simstream_log_free(l);
    }
    if (rc == 204) {
        simhttp_respond(r, 204, "text/plain", "", 0, NULL);
        return;
    }
    simhttp_respond(r, rc, "application/json", status,
                    status ? strlen(status) : 0, NULL);
    free(status);
}
