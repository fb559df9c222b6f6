/*
 * Port-forwards in the UI: `F` on a pod asks for the container port (from
 * the pod spec), the local port, the bind address and, for a pod with a
 * controller, whether to follow the workload; `:pf` opens the forwards
 * pane (pod, ports, address, state, connections, bytes, kubectl's recent
 * messages) where the keymap's forward.stop / forward.stop-all stop them.
 * The forwards themselves live in src/forwards.c and outlive the pane.
 */
#include "cells.h"
#include "forwards.h"
#include "khttp.h"
#include "kubeconfig.h"
#include "ui-int.h"
#include "view-picker.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct ui_forwards {
    struct ui         *ui;
    struct forwards   *set;
    struct ui_pane     up;
    struct screen_pane sp;
    uv_timer_t         timer; /* counters, while the pane is open */
    int                timer_live;
    int                sel;
};

/* What the F dialog has gathered so far. */
struct ui_fwd_dialog {
    char *ns, *pod;
    int   ports[32]; /* the spec's TCP container ports, for the picker */
    int   nports;
    int   has_owner;
    int   remote, local;
    char *address;
};

static const struct screen_pane_ops ui_fwd_pane_ops;

static void
ui_fwd_timer_cb(uv_timer_t *t)
{
    struct ui_forwards *f = t->data;

    if (f->up.open)
        ui_pane_dirty(f->ui, &f->up, SCREEN_DATA, "forwards");
}

static void
ui_fwd_changed(void *data)
{
    struct ui_forwards *f = data;

    if (f->up.open)
        ui_pane_dirty(f->ui, &f->up, SCREEN_DATA, "forwards");
}

static struct ui_forwards *
ui_fwd_get(struct ui *ui)
{
    struct ui_forwards *f = ui->forwards;

    if (f != NULL)
        return f;
    f = xcalloc(1, sizeof *f);
    f->ui = ui;
    f->set = forwards_create(ui->store, ui_fwd_changed, f);
    uv_timer_init(ui->loop, &f->timer);
    f->timer.data = f;
    f->timer_live = 1;
    f->sp.ops = &ui_fwd_pane_ops;
    f->sp.data = f;
    f->up.sp = &f->sp;
    f->up.ctx = KEYMAP_FORWARDS;
    f->up.data = f;
    ui->forwards = f;
    return f;
}

/* --- the pane --- */

static void
ui_fwd_bytes(char *buf, size_t n, uint64_t v)
{
    static const char units[] = "KMGT";
    double            d = (double)v;
    int               u = -1;

    while (d >= 1000 && u < 3) {
        d /= 1000;
        u++;
    }
    if (u < 0)
        snprintf(buf, n, "%llu", (unsigned long long)v);
    else
        snprintf(buf, n, "%.1f%c", d, units[u]);
}

/* One row's text, as the pane shows it and tests read it. */
static void
ui_fwd_row_text(const struct forwards_row *r, struct kbuf *out)
{
    char in[16], o[16], state[160];

    ui_fwd_bytes(in, sizeof in, r->info.bytes_in);
    ui_fwd_bytes(o, sizeof o, r->info.bytes_out);
    if (r->info.state == PORTFORWARD_ERROR && r->info.reason != NULL)
        snprintf(state, sizeof state, "error: %s", r->info.reason);
    else
        snprintf(state, sizeof state, "%s", r->info.state_text);
    kbuf_printf(out, "%-24.24s %5d -> %-5d %-15.15s %-22.22s %5llu %7s %7s",
                r->pod, r->info.local_port, r->info.remote_port,
                r->info.address, state, (unsigned long long)r->info.connections,
                in, o);
    if (r->follow)
        kbuf_puts(out, " (follows)");
}

static void
ui_fwd_paint(void *data, WINDOW *win, int focused)
{
    struct ui_forwards *f = data;
    size_t              n = forwards_count(f->set), i;
    int                 rows = getmaxy(win), cols = getmaxx(win), y = 0;
    struct forwards_row r;
    struct kbuf         line;

    if (f->sel >= (int)n)
        f->sel = n > 0 ? (int)n - 1 : 0;
    kbuf_init(&line);
    kbuf_printf(&line, "%-24s %14s %-15s %-22s %5s %7s %7s", "POD",
                "LOCAL -> POD", "ADDRESS", "STATE", "CONNS", "IN", "OUT");
    wattron(win, A_BOLD);
    mvwaddnstr(win, y++, 0, line.data, (int)cells_prefix(line.data, cols));
    wattroff(win, A_BOLD);
    if (n == 0 && y < rows)
        mvwaddnstr(win, y++, 0, "no port-forwards (F on a pod starts one)",
                   cols);
    for (i = 0; i < n && y < rows; i++) {
        if (forwards_row(f->set, i, &r) != 0)
            break;
        kbuf_reset(&line);
        ui_fwd_row_text(&r, &line);
        if ((int)i == f->sel && focused)
            wattron(win, A_REVERSE);
        mvwaddnstr(win, y++, 0, line.data, (int)cells_prefix(line.data, cols));
        if ((int)i == f->sel && focused)
            wattroff(win, A_REVERSE);
    }
    /* the selected forward's recent messages, newest last */
    if (n > 0 && y + 2 < rows &&
        forwards_row(f->set, (size_t)f->sel, &r) == 0) {
        size_t first = 0, room = (size_t)(rows - y - 2);

        y++;
        kbuf_reset(&line);
        kbuf_printf(&line, "messages of %s %d -> %d:", r.pod, r.info.local_port,
                    r.info.remote_port);
        wattron(win, A_BOLD);
        mvwaddnstr(win, y++, 0, line.data, (int)cells_prefix(line.data, cols));
        wattroff(win, A_BOLD);
        if (r.nlines > room)
            first = r.nlines - room;
        for (i = first; i < r.nlines && y < rows; i++)
            mvwaddnstr(win, y++, 0, r.lines[i],
                       (int)cells_prefix(r.lines[i], cols));
    }
    kbuf_done(&line);
}

static const struct screen_pane_ops ui_fwd_pane_ops = {
    .name = "forwards",
    .paint = ui_fwd_paint,
};

static void
ui_fwd_stop_selected(struct ui_forwards *f)
{
    struct forwards_row r;

    if (forwards_row(f->set, (size_t)f->sel, &r) != 0) {
        ui_message(f->ui, "no port-forward to stop");
        return;
    }
    ui_message(f->ui, "stopped forwarding %s:%d -> %d", r.info.address,
               r.info.local_port, r.info.remote_port);
    forwards_stop(f->set, r.id);
}

static int
ui_fwd_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    struct ui_forwards *f = p->data;
    int                 n = (int)forwards_count(f->set);

    if (strcmp(name, "cursor.down") == 0)
        f->sel = f->sel + 1 < n ? f->sel + 1 : f->sel;
    else if (strcmp(name, "cursor.up") == 0)
        f->sel = f->sel > 0 ? f->sel - 1 : 0;
    else if (strcmp(name, "cursor.top") == 0)
        f->sel = 0;
    else if (strcmp(name, "cursor.bottom") == 0)
        f->sel = n > 0 ? n - 1 : 0;
    else if (strcmp(name, "forward.stop") == 0)
        ui_fwd_stop_selected(f);
    else if (strcmp(name, "forward.stop-all") == 0) {
        forwards_stop_all(f->set);
        ui_message(ui, "stopped every port-forward");
    } else
        return 0;
    ui_pane_dirty(ui, p, SCREEN_DATA, name);
    return 1;
}

static void
ui_fwd_pane_closed(struct ui *ui, struct ui_pane *p)
{
    struct ui_forwards *f = p->data;

    uv_timer_stop(&f->timer);
}

static void
ui_cmd_pf(struct ui *ui, const char *args)
{
    struct ui_forwards *f = ui_fwd_get(ui);

    (void)args;
    f->up.action = ui_fwd_action;
    f->up.close = ui_fwd_pane_closed;
    ui_pane_open(ui, &f->up, UI_SPLIT_HORIZONTAL);
    uv_timer_start(&f->timer, ui_fwd_timer_cb, 1000, 1000);
    ui_pane_dirty(ui, &f->up, SCREEN_DATA, "forwards");
}

/* --- the F dialog --- */

static void
ui_fwd_dialog_free(struct ui_fwd_dialog *d)
{
    free(d->ns);
    free(d->pod);
    free(d->address);
    free(d);
}

/* A port number 0-65535 (min 1 for the pod's side), or -1. */
static int
ui_fwd_port(const char *s, int min)
{
    char *end;
    long  v;

    if (s == NULL)
        return -1;
    while (*s == ' ')
        s++;
    v = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    if (end == s || *end != '\0' || v < min || v > 65535)
        return -1;
    return (int)v;
}

static void
ui_fwd_start(struct ui *ui, struct ui_fwd_dialog *d, int follow)
{
    struct ui_forwards  *f = ui_fwd_get(ui);
    struct forwards_spec s = {.ns = d->ns,
                              .pod = d->pod,
                              .address = d->address,
                              .local_port = d->local,
                              .remote_port = d->remote,
                              .follow = follow};
    struct forwards_row  r;
    char                *cause = NULL;
    int                  id;

    if (ui->client == NULL) {
        ui_message(ui, "port-forward: not connected to a cluster");
        return;
    }
    forwards_set_store(f->set, ui->store);
    id = forwards_add(f->set, ui->client, &s, &cause);
    if (id < 0) {
        ui_message(ui, "%s", cause); /* "unable to listen on port ..." */
        free(cause);
        return;
    }
    /* kubectl's first line: "Forwarding from 127.0.0.1:8080 -> 8080" */
    for (size_t i = 0; forwards_row(f->set, i, &r) == 0; i++)
        if (r.id == id && r.nlines > 0)
            ui_message(ui, "%s (:pf lists forwards)", r.lines[0]);
}

static void
ui_fwd_got_follow(struct ui *ui, const char *text, void *data)
{
    struct ui_fwd_dialog *d = data;

    if (text != NULL)
        ui_fwd_start(ui, d, text[0] == 'y' || text[0] == 'Y');
    ui_fwd_dialog_free(d);
}

static void
ui_fwd_got_address(struct ui *ui, const char *text, void *data)
{
    struct ui_fwd_dialog *d = data;

    if (text == NULL) {
        ui_fwd_dialog_free(d);
        return;
    }
    while (*text == ' ')
        text++;
    d->address = xstrdup(*text != '\0' ? text : "127.0.0.1");
    if (d->has_owner) {
        ui_prompt(ui, "follow the workload to its new pods? (y/n)", "n",
                  ui_fwd_got_follow, d);
        return;
    }
    ui_fwd_start(ui, d, 0);
    ui_fwd_dialog_free(d);
}

static void
ui_fwd_got_local(struct ui *ui, const char *text, void *data)
{
    struct ui_fwd_dialog *d = data;

    if (text == NULL) {
        ui_fwd_dialog_free(d);
        return;
    }
    if ((d->local = ui_fwd_port(text, 0)) < 0) {
        ui_message(ui, "port-forward: not a local port: %s", text);
        ui_fwd_dialog_free(d);
        return;
    }
    /* only loopback unless the user types another address */
    ui_prompt(ui, "bind address", "127.0.0.1", ui_fwd_got_address, d);
}

static void
ui_fwd_got_remote(struct ui *ui, const char *text, void *data)
{
    struct ui_fwd_dialog *d = data;
    char                  initial[16];

    if (text == NULL) {
        ui_fwd_dialog_free(d);
        return;
    }
    if ((d->remote = ui_fwd_port(text, 1)) < 0) {
        ui_message(ui, "port-forward: not a container port: %s", text);
        ui_fwd_dialog_free(d);
        return;
    }
    snprintf(initial, sizeof initial, "%d", d->remote);
    ui_prompt(ui, "local port (0 = any free)", initial, ui_fwd_got_local, d);
}

static void
ui_fwd_picked(struct ui *ui, int index, void *data)
{
    struct ui_fwd_dialog *d = data;
    char                  port[16];

    if (index < 0) {
        ui_fwd_dialog_free(d);
        return;
    }
    if (index >= d->nports) {
        /* "other port": any port, typed */
        ui_prompt(ui, "container port", "", ui_fwd_got_remote, d);
        return;
    }
    snprintf(port, sizeof port, "%d", d->ports[index]);
    ui_fwd_got_remote(ui, port, d);
}

static void
ui_act_port_forward(struct ui *ui)
{
    cJSON                *pod = ui_selected_pod(ui);
    const cJSON          *md, *ctr, *port, *refs, *ref;
    struct ui_fwd_dialog *d;
    struct kbuf           label;
    char                 *names[nitems(((struct ui_fwd_dialog *)0)->ports) + 1];

    if (pod == NULL)
        return;
    if (ui->client == NULL) {
        ui_message(ui, "port-forward: not connected to a cluster");
        cJSON_Delete(pod);
        return;
    }
    md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    d = xcalloc(1, sizeof *d);
    d->ns = xstrdup(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "namespace"))
            ?: kclient_ctx(ui->client)->ns);
    d->pod = xstrdup(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(md, "name"))
            ?: "");
    refs = cJSON_GetObjectItemCaseSensitive(md, "ownerReferences");
    cJSON_ArrayForEach(ref, refs)
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller")))
            d->has_owner = 1;
    }
    /* the ports the spec declares: a picker (plus any other port) */
    kbuf_init(&label);
    kbuf_printf(&label, "forward %s: container port", d->pod);
    cJSON_ArrayForEach(
        ctr, cJSON_GetObjectItemCaseSensitive(
                 cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers"))
    {
        const char *cname =
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctr, "name"));

        cJSON_ArrayForEach(port, cJSON_GetObjectItemCaseSensitive(ctr, "ports"))
        {
            const cJSON *cp =
                cJSON_GetObjectItemCaseSensitive(port, "containerPort");
            const char *name = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(port, "name"));
            const char *proto = cJSON_GetStringValue(
                cJSON_GetObjectItemCaseSensitive(port, "protocol"));

            if (!cJSON_IsNumber(cp) || cp->valueint < 1 ||
                cp->valueint > 65535 ||
                (proto != NULL && strcmp(proto, "TCP") != 0) ||
                d->nports == (int)nitems(d->ports))
                continue;
            d->ports[d->nports] = cp->valueint;
            names[d->nports] = xasprintf(
                "%d%s%s  (container %s)", cp->valueint, name != NULL ? "/" : "",
                name != NULL ? name : "", cname != NULL ? cname : "?");
            d->nports++;
        }
    }
    cJSON_Delete(pod);
    if (d->nports == 0) {
        ui_prompt(ui, label.data, "", ui_fwd_got_remote, d);
    } else {
        names[d->nports] = xstrdup("other port (type it)");
        ui_pick(ui, label.data, (const char *const *)names,
                (size_t)d->nports + 1, 0, ui_fwd_picked, d);
        for (int i = 0; i <= d->nports; i++)
            free(names[i]);
    }
    kbuf_done(&label);
}

const struct ui_action ui_forwards_actions[] = {
    {"pod.port-forward", ui_act_port_forward},
    {NULL, NULL},
};

const struct ui_command ui_forwards_commands[] = {
    {"pf", "port-forwards", "the port-forwards: state, traffic, messages",
     ui_cmd_pf},
    {NULL, NULL, NULL, NULL},
};

/* --- lifetime --- */

void
ui_forwards_session_changed(struct ui *ui)
{
    if (ui->forwards != NULL)
        forwards_stop_all(ui->forwards->set);
}

static void
ui_fwd_timer_closed(uv_handle_t *h)
{
    struct ui_forwards *f = h->data;
    struct ui          *ui = f->ui;

    free(f);
    ui_release(ui);
}

static void
ui_fwd_set_freed(void *data)
{
    struct ui_forwards *f = data;

    uv_close((uv_handle_t *)&f->timer, ui_fwd_timer_closed);
}

void
ui_forwards_close(struct ui *ui)
{
    struct ui_forwards *f = ui->forwards;

    if (f == NULL)
        return;
    ui->forwards = NULL;
    if (f->up.open)
        ui_pane_close(ui, &f->up);
    ui_hold(ui);
    forwards_free(f->set, ui_fwd_set_freed, f);
}
