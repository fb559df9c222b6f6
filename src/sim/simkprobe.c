/*
 * What runs "inside" a simulated container: its shell command read as a
 * tiny script (touch, rm, sleep, exit; a server image without a command
 * runs forever), and its liveness, readiness and startup probes on their
 * periods, with the kubelet's failure texts (exec `cat` of a missing file,
 * HTTP 500 from registry.k8s.io/liveness after 10 s, refused ports).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "simkubelet-int.h"
#include "simpods.h"
#include "simstore.h"

void
simkprobe_done(struct klprobe *p)
{
    free(p->cmd);
    free(p->path);
}

void
simkprobe_parse(struct klprobe *p, const cJSON *spec, const cJSON *ctr)
{
    const cJSON *x;

    memset(p, 0, sizeof *p);
    if (!cJSON_IsObject(spec))
        return;
    p->initial = simkubelet_getn(spec, "initialDelaySeconds", 0);
    p->period = simkubelet_getn(spec, "periodSeconds", 10);
    p->failure_thr = simkubelet_getn(spec, "failureThreshold", 3);
    p->success_thr = simkubelet_getn(spec, "successThreshold", 1);
    if (p->period < 1)
        p->period = 1;
    if ((x = cJSON_GetObjectItemCaseSensitive(spec, "exec")) != NULL) {
        const cJSON *a;
        struct kbuf  b;

        p->kind = PROBE_EXEC;
        kbuf_init(&b);
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(x, "command"))
        {
            if (b.len > 0)
                kbuf_puts(&b, " ");
            kbuf_puts(&b, cJSON_IsString(a) ? a->valuestring : "");
        }
        p->cmd = kbuf_steal(&b);
        if (p->cmd == NULL)
            p->cmd = xstrdup("");
    } else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "httpGet")) !=
               NULL) {
        p->kind = PROBE_HTTP;
        p->path = xstrdup(
            simkubelet_gets(x, "path") ? simkubelet_gets(x, "path") : "/");
    } else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "tcpSocket")) !=
               NULL)
        p->kind = PROBE_TCP;
    else if ((x = cJSON_GetObjectItemCaseSensitive(spec, "grpc")) != NULL)
        p->kind = PROBE_GRPC;
    if (x != NULL) {
        const cJSON *port = cJSON_GetObjectItemCaseSensitive(x, "port");

        if (cJSON_IsNumber(port))
            p->port = port->valueint;
        else if (cJSON_IsString(port)) {
            const cJSON *cp;

            cJSON_ArrayForEach(cp,
                               cJSON_GetObjectItemCaseSensitive(ctr, "ports"))
            {
                if (simkubelet_gets(cp, "name") &&
                    strcmp(simkubelet_gets(cp, "name"), port->valuestring) == 0)
                    p->port = (int)simkubelet_getn(cp, "containerPort", 0);
            }
        }
    }
}

static void
kl_step_add(struct klctr *c, int op, const char *arg, double secs, int code)
{
    c->steps = xrealloc(c->steps, (c->nsteps + 1) * sizeof *c->steps);
    c->steps[c->nsteps].op = op;
    c->steps[c->nsteps].arg = arg ? xstrdup(arg) : NULL;
    c->steps[c->nsteps].secs = secs;
    c->steps[c->nsteps].code = code;
    c->nsteps++;
}

/* One shell command of the container's script. */
static void
kl_script_cmd(struct klctr *c, char *cmd)
{
    char *argv[8], *save = NULL, *t;
    int   n = 0, i;

    for (t = strtok_r(cmd, " \t", &save); t != NULL && n < 8;
         t = strtok_r(NULL, " \t", &save))
        argv[n++] = t;
    if (n == 0)
        return;
    if (strcmp(argv[0], "touch") == 0) {
        for (i = 1; i < n; i++)
            kl_step_add(c, ST_TOUCH, argv[i], 0, 0);
    } else if (strcmp(argv[0], "rm") == 0) {
        for (i = 1; i < n; i++)
            if (argv[i][0] != '-')
                kl_step_add(c, ST_RM, argv[i], 0, 0);
    } else if (strcmp(argv[0], "sleep") == 0 && n > 1) {
        if (strcmp(argv[1], "infinity") == 0)
            kl_step_add(c, ST_FOREVER, NULL, 0, 0);
        else
            kl_step_add(c, ST_SLEEP, NULL, strtod(argv[1], NULL), 0);
    } else if (strcmp(argv[0], "exit") == 0)
        kl_step_add(c, ST_EXIT, NULL, 0, n > 1 ? atoi(argv[1]) : 0);
    else if (strcmp(argv[0], "false") == 0)
        kl_step_add(c, ST_EXIT, NULL, 0, 1);
    else if (strcmp(argv[0], "while") == 0 || strcmp(argv[0], "tail") == 0)
        kl_step_add(c, ST_FOREVER, NULL, 0, 0);
    else
        kl_step_add(c, ST_NOP, NULL, 0, 0);
}

static const char *
base_name(const char *s)
{
    const char *sl = strrchr(s, '/');

    return sl ? sl + 1 : s;
}

/* The container's process: NULL steps = a server that runs forever. */
void
simkprobe_script(struct klctr *c, const cJSON *ctr)
{
    const char  *argv[64];
    int          n = 0;
    const cJSON *a;
    char        *script = NULL, *s, *save = NULL;

    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
                              ctr, "command")) if (cJSON_IsString(a) && n < 64)
        argv[n++] = a->valuestring;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
                              ctr, "args")) if (cJSON_IsString(a) && n < 64)
        argv[n++] = a->valuestring;
    if (n == 0)
        return;
    if (n >= 3 && strcmp(argv[1], "-c") == 0 &&
        (strcmp(base_name(argv[0]), "sh") == 0 ||
         strcmp(base_name(argv[0]), "bash") == 0 ||
         strcmp(base_name(argv[0]), "ash") == 0))
        script = xstrdup(argv[2]);
    else if (strcmp(base_name(argv[0]), "sleep") == 0 ||
             strcmp(base_name(argv[0]), "echo") == 0 ||
             strcmp(base_name(argv[0]), "true") == 0 ||
             strcmp(base_name(argv[0]), "false") == 0) {
        struct kbuf b;
        int         i;

        kbuf_init(&b);
        for (i = 0; i < n; i++) {
            kbuf_puts(&b, i ? " " : "");
            kbuf_puts(&b, strcmp(base_name(argv[i]), argv[i]) && i == 0
                              ? base_name(argv[i])
                              : argv[i]);
        }
        script = kbuf_steal(&b);
    } else
        return; /* an image's own server */
    /* commands are separated by ';', '&&', '||' and newlines */
    for (s = script; *s != '\0'; s++)
        if (*s == '&' || *s == '|' || *s == '\n')
            *s = ';';
    for (s = strtok_r(script, ";", &save); s != NULL;
         s = strtok_r(NULL, ";", &save))
        kl_script_cmd(c, s);
    free(script);
    if (c->nsteps == 0)
        kl_step_add(c, ST_NOP, NULL, 0, 0);
}

/* ---- probes ---------------------------------------------------------- */

/* 0 = success; else fills why (the kubelet's text). */
static int
kl_probe_run(struct klpod *p, struct klctr *c, struct klprobe *pr, char *why,
             size_t len)
{
    int64_t up = know_ms() - c->pub.started_ms;
    int     i;

    switch (pr->kind) {
    case PROBE_EXEC: {
        char cmd[512], *f;

        snprintf(cmd, sizeof cmd, "%s", pr->cmd);
        if (strncmp(cmd, "cat ", 4) == 0) {
            f = cmd + 4;
            if (simctr_file(&c->pub, f) == NULL) {
                snprintf(why, len,
                         "cat: can't open '%s': No such file or directory", f);
                return -1;
            }
        } else if (strcmp(cmd, "false") == 0) {
            snprintf(why, len, "command \"false\" exited with 1");
            return -1;
        } else if (strncmp(cmd, "test -e ", 8) == 0 ||
                   strncmp(cmd, "test -f ", 8) == 0) {
            if (simctr_file(&c->pub, cmd + 8) == NULL) {
                why[0] = '\0';
                return -1;
            }
        }
        return 0;
    }
    case PROBE_HTTP:
        if (strstr(c->pub.image, "liveness") != NULL &&
            strstr(c->pub.image, "k8s") != NULL) {
            if (up >= 10000) {
                snprintf(why, len, "HTTP probe failed with statuscode: 500");
                return -1;
            }
            return 0;
        }
        /* fall through */
    case PROBE_TCP:
        for (i = 0; i < c->pub.nports; i++)
            if (c->pub.ports[i] == pr->port)
                return 0;
        if (c->pub.nports == 0 && pr->port == 8080)
            return 0;
        if (pr->kind == PROBE_HTTP)
            snprintf(why, len,
                     "Get \"http://%s:%d%s\": dial tcp %s:%d: connect: "
                     "connection refused",
                     p->ip, pr->port, pr->path, p->ip, pr->port);
        else
            snprintf(why, len, "dial tcp %s:%d: connect: connection refused",
                     p->ip, pr->port);
        return -1;
    case PROBE_GRPC:
    case PROBE_NONE:
        return 0;
    }
    return 0;
}

void
simkprobe_check(struct klpod *p, struct klctr *c, uint64_t now)
{
    char why[512], msg[700];

    if (c->state != KL_RUNNING)
        return;
    if (!c->started) {
        struct klprobe *s = &c->startup;

        if (now < s->next)
            return;
        s->next = now + (uint64_t)(s->period * 1000);
        if (kl_probe_run(p, c, s, why, sizeof why) == 0) {
            c->started = 1;
            c->pub.ready = c->ready.kind == PROBE_NONE;
            c->live.next = now + (uint64_t)(c->live.initial * 1000);
            c->ready.next = now + (uint64_t)(c->ready.initial * 1000);
            p->dirty = 1;
        } else {
            snprintf(msg, sizeof msg, "Startup probe failed: %s", why);
            simkubelet_event(p, c, "Warning", "Unhealthy", msg);
            if (++s->fails >= s->failure_thr) {
                snprintf(msg, sizeof msg,
                         "Container %s failed startup probe, will be "
                         "restarted",
                         c->pub.name);
                simkubelet_event(p, c, "Normal", "Killing", msg);
                simkctr_exit(p, c, 137, "Error", now);
            }
        }
        return;
    }
    if (c->ready.kind != PROBE_NONE && now >= c->ready.next) {
        struct klprobe *r = &c->ready;

        r->next = now + (uint64_t)(r->period * 1000);
        if (kl_probe_run(p, c, r, why, sizeof why) == 0) {
            r->fails = 0;
            if (++r->succs >= r->success_thr && !c->pub.ready) {
                c->pub.ready = 1;
                p->dirty = 1;
            }
        } else {
            r->succs = 0;
            snprintf(msg, sizeof msg, "Readiness probe failed: %s", why);
            simkubelet_event(p, c, "Warning", "Unhealthy", msg);
            if (++r->fails >= r->failure_thr && c->pub.ready) {
                c->pub.ready = 0;
                p->dirty = 1;
            }
        }
    }
    if (c->live.kind != PROBE_NONE && now >= c->live.next) {
        struct klprobe *l = &c->live;

        l->next = now + (uint64_t)(l->period * 1000);
        if (kl_probe_run(p, c, l, why, sizeof why) == 0)
            l->fails = 0;
        else {
            snprintf(msg, sizeof msg, "Liveness probe failed: %s", why);
            simkubelet_event(p, c, "Warning", "Unhealthy", msg);
            if (++l->fails >= l->failure_thr) {
                snprintf(msg, sizeof msg,
                         "Container %s failed liveness probe, will be "
                         "restarted",
                         c->pub.name);
                simkubelet_event(p, c, "Normal", "Killing", msg);
                simkctr_exit(p, c, 137, "Error", now);
            }
        }
    }
}

/* Run the container's script up to now. */
void
simkprobe_process(struct klpod *p, struct klctr *c, uint64_t now)
{
    if (c->state != KL_RUNNING)
        return;
    if (c->crash_after > 0 &&
        now >= c->ran_since + (uint64_t)(c->crash_after * 1000)) {
        simkctr_exit(p, c, c->crash_code, NULL, now);
        return;
    }
    while (c->nsteps > 0 && now >= c->wake) {
        struct klstep *s;

        if (c->pc >= c->nsteps) {
            simkctr_exit(p, c, 0, NULL, now);
            return;
        }
        s = &c->steps[c->pc++];
        switch (s->op) {
        case ST_TOUCH:
            simctr_file_put(&c->pub, s->arg, "");
            break;
        case ST_RM:
            simctr_file_remove(&c->pub, s->arg);
            break;
        case ST_SLEEP:
            c->wake = now + (uint64_t)(s->secs * 1000);
            break;
        case ST_EXIT:
            simkctr_exit(p, c, s->code, NULL, now);
            return;
        case ST_FOREVER:
            c->wake = UINT64_MAX;
            break;
        case ST_NOP:
            break;
        }
    }
}
