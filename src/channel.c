/*
 * The Kubernetes channel protocol over ws.c: framing of channel messages,
 * exec's status channel (metav1.Status to an exit code, as client-go's
 * errorDecoderV4 reads it) and port-forward's per-port channel pair with
 * its 2-byte little-endian port prefix. Nothing here does I/O except
 * through ws_send.
 */
#include "channel.h"

#include "util.h"
#include "ws.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const channel_exec_protocols[] = {
    "v5.channel.k8s.io",
    "v4.channel.k8s.io",
    NULL,
};

const char *const channel_portforward_protocols[] = {
    "v4.channel.k8s.io",
    NULL,
};

int
channel_version(const char *p)
{
    if (p == NULL || *p == '\0' || strcmp(p, "channel.k8s.io") == 0)
        return 1;
    if (strlen(p) == 17 && p[0] == 'v' && p[1] >= '2' && p[1] <= '5' &&
        strcmp(p + 2, ".channel.k8s.io") == 0)
        return p[1] - '0';
    return 0;
}

void
channel_encode(struct kbuf *out, int channel, const void *p, size_t n)
{
    uint8_t ch = (uint8_t)channel;

    kbuf_append(out, &ch, 1);
    if (n > 0)
        kbuf_append(out, p, n);
}

int
channel_send(struct ws *ws, int channel, const void *p, size_t n)
{
    uint8_t ch = (uint8_t)channel;

    return ws_send2(ws, &ch, 1, p, n);
}

int
channel_send_close(struct ws *ws, int channel)
{
    uint8_t m[2] = {CHANNEL_CLOSE, (uint8_t)channel};

    return ws_send(ws, m, sizeof m);
}

char *
channel_resize_json(int width, int height)
{
    return xasprintf("{\"Width\":%d,\"Height\":%d}", width, height);
}

/* The ExitCode cause of a NonZeroExitCode Status, or -1. */
static int
channel_exit_cause(const cJSON *status)
{
    const cJSON *details = cJSON_GetObjectItemCaseSensitive(status, "details");
    const cJSON *causes = cJSON_GetObjectItemCaseSensitive(details, "causes");
    const cJSON *c;

    cJSON_ArrayForEach(c, causes)
    {
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "reason");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "message");
        char        *end;
        long         code;

        if (!cJSON_IsString(r) || strcmp(r->valuestring, "ExitCode") != 0 ||
            !cJSON_IsString(m))
            continue;
        code = strtol(m->valuestring, &end, 10);
        if (end == m->valuestring || *end != '\0' || code < 0 || code > 255)
            return -1;
        return (int)code;
    }
    return -1;
}

int
channel_exec_status(int version, const uint8_t *p, size_t n, char **message)
{
    cJSON       *j;
    const cJSON *st, *reason, *msg;
    int          code = -1;

    *message = NULL;
    if (version < 4) {
        *message = xstrndup((const char *)p, n);
        return -1;
    }
    j = cJSON_ParseWithLength((const char *)p, n);
    st = cJSON_GetObjectItemCaseSensitive(j, "status");
    reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
    msg = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (!cJSON_IsObject(j) || !cJSON_IsString(st)) {
        *message = xasprintf("malformed exec status: %.*s",
                             (int)(n > 200 ? 200 : n), (const char *)p);
    } else if (strcmp(st->valuestring, "Success") == 0) {
        code = 0;
    } else if (cJSON_IsString(reason) &&
               strcmp(reason->valuestring, "NonZeroExitCode") == 0 &&
               (code = channel_exit_cause(j)) >= 0) {
        /* the exit code says it all */
    } else {
        code = -1;
        *message = xstrdup(cJSON_IsString(msg) && *msg->valuestring != '\0'
                               ? msg->valuestring
                               : st->valuestring);
    }
    cJSON_Delete(j);
    return code;
}

int
channel_pf_init(struct channel_pf *pf, const int *ports, int nports)
{
    int i;

    memset(pf, 0, sizeof *pf);
    if (nports < 1 || nports > (int)nitems(pf->ports))
        return -1;
    for (i = 0; i < nports; i++) {
        if (ports[i] < 1 || ports[i] > 65535)
            return -1;
        pf->ports[i] = ports[i];
    }
    pf->nports = nports;
    return 0;
}

void
channel_pf_input(struct channel_pf *pf, const uint8_t *m, size_t n,
                 struct channel_pf_event *ev)
{
    int ch, index, port;

    memset(ev, 0, sizeof *ev);
    if (n == 0)
        return; /* CHANNEL_PF_NONE */
    ch = m[0];
    if (ch == CHANNEL_CLOSE) {
        if (n != 2 || m[1] / 2 >= pf->nports) {
            ev->kind = CHANNEL_PF_BAD;
            snprintf(ev->text, sizeof ev->text, "malformed close signal");
            return;
        }
        ev->kind = CHANNEL_PF_CLOSE;
        ev->index = m[1] / 2;
        return;
    }
    index = ch / 2;
    if (index >= pf->nports) {
        ev->kind = CHANNEL_PF_BAD;
        snprintf(ev->text, sizeof ev->text, "message on unknown channel %d",
                 ch);
        return;
    }
    ev->index = index;
    port = pf->ports[index];
    if (!pf->prefixed[ch]) {
        /* The first message on each channel is the port, little-endian. */
        if (n != 3 || (m[1] | m[2] << 8) != port) {
            ev->kind = CHANNEL_PF_BAD;
            snprintf(ev->text, sizeof ev->text,
                     "expected port %d on channel %d, got %zu bytes", port, ch,
                     n - 1);
            return;
        }
        pf->prefixed[ch] = 1;
        return;
    }
    if (n == 1)
        return;
    ev->kind = ch % 2 == 0 ? CHANNEL_PF_DATA : CHANNEL_PF_ERROR;
    ev->data = m + 1;
    ev->len = n - 1;
}
