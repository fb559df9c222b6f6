/*
 * The container blocks of `kubectl describe pod` (describeContainers):
 * ids and images, ports, command and args, state and last state, resources,
 * probe lines, environment and mounts, for init, app and ephemeral
 * containers alike. describe.c calls it once per container list.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "describe-internal.h"

static void
describe_state(struct describe *d, const char *name, const cJSON *state)
{
    const cJSON *s;
    char         t[64];

    if ((s = describe_get(state, "running")) != NULL) {
        describe_w(d, 2, "%s:\tRunning\n", name);
        describe_w(d, 3, "Started:\t%s\n",
                   describe_time(describe_str(s, "startedAt"), t, sizeof t));
    } else if ((s = describe_get(state, "waiting")) != NULL) {
        describe_w(d, 2, "%s:\tWaiting\n", name);
        if (*describe_str(s, "reason") != '\0')
            describe_w(d, 3, "Reason:\t%s\n", describe_str(s, "reason"));
    } else if ((s = describe_get(state, "terminated")) != NULL) {
        describe_w(d, 2, "%s:\tTerminated\n", name);
        if (*describe_str(s, "reason") != '\0')
            describe_w(d, 3, "Reason:\t%s\n", describe_str(s, "reason"));
        if (*describe_str(s, "message") != '\0')
            describe_w(d, 3, "Message:\t%s\n", describe_str(s, "message"));
        describe_w(d, 3, "Exit Code:\t%lld\n", describe_int(s, "exitCode"));
        if (describe_int(s, "signal") > 0)
            describe_w(d, 3, "Signal:\t%lld\n", describe_int(s, "signal"));
        describe_w(d, 3, "Started:\t%s\n",
                   describe_time(describe_str(s, "startedAt"), t, sizeof t));
        describe_w(d, 3, "Finished:\t%s\n",
                   describe_time(describe_str(s, "finishedAt"), t, sizeof t));
    } else
        describe_w(d, 2, "%s:\tWaiting\n", name);
}

/* An IntOrString port as Go prints it. */
static char *
describe_port(const cJSON *p)
{
    return describe_value(p);
}

/* DescribeProbe. */
static char *
describe_probe(struct describe *d, const cJSON *p)
{
    char        *attrs, *out, *port;
    const cJSON *h, *it;
    struct kbuf  b;

    if (d->minor >= 37)
        attrs = xasprintf("delay=%llds timeout=%llds period=%llds "
                          "successThreshold=%lld failureThreshold=%lld",
                          describe_int(p, "initialDelaySeconds"),
                          describe_int(p, "timeoutSeconds"),
                          describe_int(p, "periodSeconds"),
                          describe_int(p, "successThreshold"),
                          describe_int(p, "failureThreshold"));
    else
        attrs = xasprintf("delay=%llds timeout=%llds period=%llds "
                          "#success=%lld #failure=%lld",
                          describe_int(p, "initialDelaySeconds"),
                          describe_int(p, "timeoutSeconds"),
                          describe_int(p, "periodSeconds"),
                          describe_int(p, "successThreshold"),
                          describe_int(p, "failureThreshold"));
    kbuf_init(&b);
    if ((h = describe_get(p, "exec")) != NULL) {
        int first = 1;

        kbuf_puts(&b, "exec [");
        cJSON_ArrayForEach(it, describe_get(h, "command"))
        {
            char *s = describe_value(it);

            kbuf_printf(&b, "%s%s", first ? "" : " ", s);
            free(s);
            first = 0;
        }
        kbuf_printf(&b, "] %s", attrs);
    } else if ((h = describe_get(p, "httpGet")) != NULL) {
        const char *host = describe_str(h, "host");
        const char *path = describe_str(h, "path");
        char       *scheme = xstrdup(describe_str(h, "scheme"));

        for (char *c = scheme; *c != '\0'; c++)
            *c = (char)tolower((unsigned char)*c);
        port = describe_port(describe_get(h, "port"));
        kbuf_printf(&b, "http-get %s%s//", scheme, *scheme ? ":" : "");
        if (*port != '\0')
            kbuf_printf(&b, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host,
                        port);
        else
            kbuf_puts(&b, host);
        /* net/url adds the slash between a host and a relative path. */
        if (*path != '\0' && *path != '/')
            kbuf_puts(&b, "/");
        for (const char *c = path; *c != '\0'; c++) {
            if (*c == ' ' || *c == '%' || *c == '?' || *c == '#')
                kbuf_printf(&b, "%%%02X", (unsigned char)*c);
            else
                kbuf_append(&b, c, 1);
        }
        kbuf_printf(&b, " %s", attrs);
        free(scheme);
        free(port);
    } else if ((h = describe_get(p, "tcpSocket")) != NULL) {
        port = describe_port(describe_get(h, "port"));
        kbuf_printf(&b, "tcp-socket %s:%s %s", describe_str(h, "host"), port,
                    attrs);
        free(port);
    } else if ((h = describe_get(p, "grpc")) != NULL) {
        kbuf_printf(&b, "grpc <pod>:%lld %s %s", describe_int(h, "port"),
                    describe_str(h, "service"), attrs);
    } else
        kbuf_printf(&b, "unknown %s", attrs);
    free(attrs);
    out = kbuf_steal(&b);
    return out;
}

/* "80/TCP, 53/UDP": containerPort (or hostPort) and protocol. */
static char *
describe_ports(struct describe *d, const cJSON *ports, const char *which)
{
    struct kbuf  b;
    const cJSON *p;
    int          first = 1;

    kbuf_init(&b);
    cJSON_ArrayForEach(p, ports)
    {
        kbuf_printf(&b, "%s%lld/%s", first ? "" : ", ", describe_int(p, which),
                    describe_str(p, "protocol"));
        if (d->minor >= 34 && *describe_str(p, "name") != '\0')
            kbuf_printf(&b, " (%s)", describe_str(p, "name"));
        first = 0;
    }
    return kbuf_steal(&b);
}

static void
describe_lines(struct describe *d, const char *title, const cJSON *list)
{
    const cJSON *it;

    if (cJSON_GetArraySize(list) == 0)
        return;
    describe_w(d, 2, "%s:\n", title);
    cJSON_ArrayForEach(it, list)
    {
        char *s = describe_value(it), *line = s, *nl;

        /* Each element on its own line; newlines inside split further. */
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            describe_w(d, 3, "%s\n", line);
            line = nl + 1;
        }
        describe_w(d, 3, "%s\n", line);
        free(s);
    }
}

/* The value of a resourceFieldRef env var (ExtractContainerResourceValue). */
static char *
describe_resource_env(const cJSON *ref, const cJSON *container)
{
    const char  *res = describe_str(ref, "resource");
    const cJSON *div = describe_get(ref, "divisor");
    const cJSON *q;
    double       value, divisor = 1;
    const char  *dot = strchr(res, '.');
    char        *section, *s;

    if (dot == NULL)
        return xstrdup("");
    section = xstrndup(res, (size_t)(dot - res));
    q = describe_get(
        describe_get(describe_get(container, "resources"), section), dot + 1);
    free(section);
    if (strncmp(res, "limits.", 7) != 0 && strncmp(res, "requests.", 9) != 0)
        return xstrdup("");
    s = describe_value(q);
    value = *s != '\0' ? describe_quantity(s) : 0;
    free(s);
    if (div != NULL) {
        s = describe_value(div);
        if (*s != '\0' && describe_quantity(s) != 0)
            divisor = describe_quantity(s);
        free(s);
    }
    if (strcmp(dot + 1, "cpu") == 0)
        return xasprintf("%.0f", ceil(value * 1000 / (divisor * 1000)));
    return xasprintf("%.0f", ceil(value / divisor));
}

static void
describe_env(struct describe *d, const cJSON *c)
{
    const cJSON *env = describe_get(c, "env"), *e, *from;

    if (cJSON_GetArraySize(describe_get(c, "envFrom")) > 0) {
        describe_w(d, 2, "Environment Variables from:\n");
        cJSON_ArrayForEach(from, describe_get(c, "envFrom"))
        {
            const cJSON *ref;
            const char  *kind = "";
            const char  *prefix = describe_str(from, "prefix");

            if ((ref = describe_get(from, "configMapRef")) != NULL)
                kind = "ConfigMap";
            else if ((ref = describe_get(from, "secretRef")) != NULL)
                kind = "Secret";
            if (*prefix == '\0')
                describe_w(d, 3, "%s\t%s\tOptional: %s\n",
                           describe_str(ref, "name"), kind,
                           describe_bool(ref, "optional") ? "true" : "false");
            else
                describe_w(d, 3, "%s\t%s with prefix '%s'\tOptional: %s\n",
                           describe_str(ref, "name"), kind, prefix,
                           describe_bool(ref, "optional") ? "true" : "false");
        }
    }
    if (cJSON_GetArraySize(env) == 0) {
        describe_w(d, 2, "Environment:\t<none>\n");
        return;
    }
    describe_w(d, 2, "Environment:\n");
    cJSON_ArrayForEach(e, env)
    {
        const char  *name = describe_str(e, "name");
        const cJSON *vf = describe_get(e, "valueFrom"), *ref;

        if (vf == NULL) {
            char *val = describe_value(describe_get(e, "value"));
            char *line = val, *nl;
            int   first = 1;

            for (;;) {
                nl = strchr(line, '\n');
                if (nl != NULL)
                    *nl = '\0';
                if (first)
                    describe_w(d, 3, "%s:\t%s\n", name, line);
                else
                    describe_w(d, 3, "\t%s\n", line);
                first = 0;
                if (nl == NULL)
                    break;
                line = nl + 1;
            }
            free(val);
        } else if ((ref = describe_get(vf, "fieldRef")) != NULL) {
            /* kubectl's scheme converts only metadata.name and
             * metadata.namespace; every other path resolves to "". */
            const char *path = describe_str(ref, "fieldPath");
            const char *val = "";

            if (strcmp(path, "metadata.name") == 0)
                val = describe_str(d->meta, "name");
            else if (strcmp(path, "metadata.namespace") == 0)
                val = describe_str(d->meta, "namespace");
            describe_w(d, 3, "%s:\t%s (%s:%s)\n", name, val,
                       describe_str(ref, "apiVersion"), path);
        } else if ((ref = describe_get(vf, "resourceFieldRef")) != NULL) {
            const char *res = describe_str(ref, "resource");
            char       *val = describe_resource_env(ref, c);

            if (strcmp(val, "0") == 0 && (strcmp(res, "limits.cpu") == 0 ||
                                          strcmp(res, "limits.memory") == 0)) {
                free(val);
                val = xstrdup("node allocatable");
            }
            describe_w(d, 3, "%s:\t%s (%s)\n", name, val, res);
            free(val);
        } else if ((ref = describe_get(vf, "secretKeyRef")) != NULL) {
            describe_w(d, 3,
                       "%s:\t<set to the key '%s' in secret '%s'>\t"
                       "Optional: %s\n",
                       name, describe_str(ref, "key"),
                       describe_str(ref, "name"),
                       describe_bool(ref, "optional") ? "true" : "false");
        } else if ((ref = describe_get(vf, "configMapKeyRef")) != NULL) {
            describe_w(d, 3,
                       "%s:\t<set to the key '%s' of config map '%s'>\t"
                       "Optional: %s\n",
                       name, describe_str(ref, "key"),
                       describe_str(ref, "name"),
                       describe_bool(ref, "optional") ? "true" : "false");
        }
    }
}

static int
describe_mount_cmp(const void *a, const void *b)
{
    return strcmp(describe_str(*(const cJSON *const *)a, "mountPath"),
                  describe_str(*(const cJSON *const *)b, "mountPath"));
}

static int
describe_device_cmp(const void *a, const void *b)
{
    return strcmp(describe_str(*(const cJSON *const *)a, "devicePath"),
                  describe_str(*(const cJSON *const *)b, "devicePath"));
}

static void
describe_mounts(struct describe *d, const cJSON *c)
{
    size_t        n, i;
    const cJSON **v =
        describe_array(describe_get(c, "volumeMounts"), &n, describe_mount_cmp);

    describe_w(d, 2, n == 0 ? "Mounts:\t<none>\n" : "Mounts:\n");
    for (i = 0; i < n; i++) {
        const char *sub = describe_str(v[i], "subPath");

        if (*sub != '\0')
            describe_w(d, 3, "%s from %s (%s,path=\"%s\")\n",
                       describe_str(v[i], "mountPath"),
                       describe_str(v[i], "name"),
                       describe_bool(v[i], "readOnly") ? "ro" : "rw", sub);
        else
            describe_w(d, 3, "%s from %s (%s)\n",
                       describe_str(v[i], "mountPath"),
                       describe_str(v[i], "name"),
                       describe_bool(v[i], "readOnly") ? "ro" : "rw");
    }
    free(v);
    v = describe_array(describe_get(c, "volumeDevices"), &n,
                       describe_device_cmp);
    if (n > 0) {
        describe_w(d, 2, "Devices:\n");
        for (i = 0; i < n; i++)
            describe_w(d, 3, "%s from %s\n", describe_str(v[i], "devicePath"),
                       describe_str(v[i], "name"));
    }
    free(v);
}

static const cJSON *
describe_status_for(const cJSON *statuses, const char *name)
{
    const cJSON *s, *found = NULL;

    /* Go fills a map in list order, so the last status of a name wins. */
    cJSON_ArrayForEach(s, statuses)
    {
        if (strcmp(describe_str(s, "name"), name) == 0)
            found = s;
    }
    return found;
}

/* describeContainers: one block per container in spec order. */
void
describe_containers(struct describe *d, const char *label,
                    const cJSON *containers, const cJSON *statuses)
{
    const cJSON *c;

    describe_w(d, 0, "%s:%s\n", label,
               cJSON_GetArraySize(containers) == 0 ? " <none>" : "");
    cJSON_ArrayForEach(c, containers)
    {
        const cJSON *st =
            describe_status_for(statuses, describe_str(c, "name"));
        char *ports =
            describe_ports(d, describe_get(c, "ports"), "containerPort");
        char *hports = describe_ports(d, describe_get(c, "ports"), "hostPort");
        static const char *const probes[][2] = {
            {"livenessProbe", "Liveness"},
            {"readinessProbe", "Readiness"},
            {"startupProbe", "Startup"},
        };

        describe_w(d, 1, "%s:\n", describe_str(c, "name"));
        if (st != NULL)
            describe_w(d, 2, "Container ID:\t%s\n",
                       describe_str(st, "containerID"));
        describe_w(d, 2, "Image:\t%s\n", describe_str(c, "image"));
        if (st != NULL)
            describe_w(d, 2, "Image ID:\t%s\n", describe_str(st, "imageID"));
        if (strchr(ports, ',') != NULL)
            describe_w(d, 2, "Ports:\t%s\n", ports);
        else
            describe_w(d, 2, "Port:\t%s\n", *ports ? ports : "<none>");
        if (strchr(hports, ',') != NULL)
            describe_w(d, 2, "Host Ports:\t%s\n", hports);
        else
            describe_w(d, 2, "Host Port:\t%s\n", *hports ? hports : "<none>");
        free(ports);
        free(hports);
        describe_seccomp(d, describe_get(c, "securityContext"), 2);
        describe_lines(d, "Command", describe_get(c, "command"));
        describe_lines(d, "Args", describe_get(c, "args"));
        if (st != NULL) {
            const cJSON *last = describe_get(st, "lastState");

            describe_state(d, "State", describe_get(st, "state"));
            if (describe_get(last, "terminated") != NULL)
                describe_state(d, "Last State", last);
            describe_w(d, 2, "Ready:\t%s\n",
                       describe_bool(st, "ready") ? "True" : "False");
            describe_w(d, 2, "Restart Count:\t%lld\n",
                       describe_int(st, "restartCount"));
        }
        describe_resources(d, describe_get(c, "resources"), 2);
        for (size_t i = 0; i < nitems(probes); i++) {
            const cJSON *p = describe_get(c, probes[i][0]);

            if (p != NULL) {
                char *s = describe_probe(d, p);

                describe_w(d, 2, "%s:\t%s\n", probes[i][1], s);
                free(s);
            }
        }
        describe_env(d, c);
        describe_mounts(d, c);
    }
}
