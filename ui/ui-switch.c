/*
 * Switching namespace and context from the UI: the namespace picker (n,
 * :ns) lists "all namespaces" and the cluster's namespaces as the session
 * watches them, the context picker (N, :ctx) the kubeconfig's contexts
 * with the current one marked; `:ns NAME` and `:ctx NAME` switch
 * directly. The session does the switching (no HTTP here); after it, the
 * status bar names the new context, cluster, user and namespace, and the
 * pod list shows or drops its NAMESPACE column.
 */
#include <stdlib.h>
#include <string.h>

#include "kubeconfig.h"
#include "session.h"
#include "ui-int.h"
#include "view-picker.h"

#define UI_SWITCH_ALL "all namespaces"

/* Switch and say why not when it can't. */
static void
ui_switch_to(struct ui *ui, const char *context, const char *ns)
{
    char *cause = NULL;

    if (ui->session == NULL) {
        ui_message(ui, "no connection to switch");
        return;
    }
    if (session_switch(ui->session, context, ns, &cause) != 0) {
        ui_message(ui, "%s", cause);
        free(cause);
    }
}

static void
ui_switch_ns_picked(struct ui *ui, int index, void *data)
{
    char **names = data;
    size_t i;

    if (index == 0)
        ui_switch_to(ui, NULL, SESSION_ALL_NAMESPACES);
    else if (index > 0)
        ui_switch_to(ui, NULL, names[index]);
    for (i = 0; names[i] != NULL; i++)
        free(names[i]);
    free(names);
}

/* The namespace picker: "all namespaces", then the cluster's (and the
 * current one even when the namespaces can't be listed). */
static void
ui_switch_ns_pick(struct ui *ui)
{
    const struct kube_ctx *ctx;
    char                 **ns = NULL, **items;
    size_t                 n, i, at = 0, sel = 0;
    int                    have = 0;

    if (ui->session == NULL || (ctx = session_ctx(ui->session)) == NULL) {
        ui_message(ui, "no connection to switch");
        return;
    }
    n = session_namespaces(ui->session, &ns);
    for (i = 0; i < n; i++)
        if (strcmp(ns[i], ctx->ns) == 0)
            have = 1;
    items = xcalloc(n + 3, sizeof *items);
    items[at++] = xstrdup(UI_SWITCH_ALL);
    if (!have)
        items[at++] = xstrdup(ctx->ns);
    for (i = 0; i < n; i++)
        items[at++] = ns[i];
    free(ns);
    for (i = 1; i < at && !ctx->all_ns; i++)
        if (strcmp(items[i], ctx->ns) == 0)
            sel = i;
    ui_pick(ui, "Namespace", (const char *const *)items, at, sel,
            ui_switch_ns_picked, items);
}

static void
ui_switch_ctx_picked(struct ui *ui, int index, void *data)
{
    char **names = data;
    size_t i;

    if (index >= 0)
        ui_switch_to(ui, names[index], NULL);
    for (i = 0; names[i] != NULL; i++)
        free(names[i]);
    free(names);
}

static void
ui_switch_ctx_pick(struct ui *ui)
{
    char **names = NULL;
    char  *cause = NULL;
    size_t n, cur;

    if (ui->session == NULL) {
        ui_message(ui, "no connection to switch");
        return;
    }
    if (session_contexts(ui->session, &names, &n, &cur, &cause) != 0) {
        ui_message(ui, "%s", cause);
        free(cause);
        return;
    }
    /* NULL-terminated, so the answer can free it without n. */
    names = xrealloc(names, (n + 1) * sizeof *names);
    names[n] = NULL;
    ui_pick(ui, "Context", (const char *const *)names, n, cur,
            ui_switch_ctx_picked, names);
}

static void
ui_switch_act_namespace(struct ui *ui)
{
    ui_switch_ns_pick(ui);
}

static void
ui_switch_act_context(struct ui *ui)
{
    ui_switch_ctx_pick(ui);
}

/* :ns [NAME|-A] */
static void
ui_switch_cmd_ns(struct ui *ui, const char *args)
{
    if (*args == '\0')
        ui_switch_ns_pick(ui);
    else if (strcmp(args, "-A") == 0 || strcmp(args, "*") == 0 ||
             strcmp(args, "--all-namespaces") == 0)
        ui_switch_to(ui, NULL, SESSION_ALL_NAMESPACES);
    else
        ui_switch_to(ui, NULL, args);
}

/* :ctx [NAME] */
static void
ui_switch_cmd_ctx(struct ui *ui, const char *args)
{
    if (*args == '\0')
        ui_switch_ctx_pick(ui);
    else
        ui_switch_to(ui, args, NULL);
}

const struct ui_action ui_switch_actions[] = {
    {"namespace", ui_switch_act_namespace},
    {"context", ui_switch_act_context},
    {NULL, NULL},
};

const struct ui_command ui_switch_commands[] = {
    {"ns", "namespace",
     "switch namespace: :ns NAME, :ns -A for all, :ns alone to pick",
     ui_switch_cmd_ns},
    {"ctx", "context", "switch kubeconfig context: :ctx NAME, :ctx to pick",
     ui_switch_cmd_ctx},
    {NULL, NULL, NULL, NULL},
};

/* The bar and the list follow the session's context and namespace. */
static void
ui_switch_show(struct ui *ui)
{
    const struct kube_ctx *ctx = session_ctx(ui->session);

    if (ctx == NULL)
        return;
    widget_statusbar_set_where(
        &ui->bar, ctx->context[0] != '\0' ? ctx->context : ctx->server,
        ctx->cluster, ctx->user, ctx->all_ns ? NULL : ctx->ns);
    ui->all_ns = ctx->all_ns;
    view_pods_set_all_ns(&ui->pods, ctx->all_ns);
    if (ui->screen != NULL)
        screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "switch");
}

void
ui_set_session(struct ui *ui, struct session *s)
{
    ui->session = s;
    if (s != NULL)
        ui_switch_show(ui);
}

void
ui_session_changed(struct ui *ui)
{
    struct kclient *c;

    if (ui->session == NULL)
        return;
    c = session_client(ui->session);
    /* A namespace switch keeps the client and the panes that use it. */
    if (c != ui->client)
        ui_set_client(ui, c);
    ui_message(ui, NULL);
    ui_switch_show(ui);
    ui_set_conn(ui, session_status(ui->session));
}

void
ui_set_readonly(struct ui *ui, int readonly, const char *keymap,
                const struct ui_pod_ops *ops)
{
    struct keymap *k;

    ui->pod_ops = readonly ? NULL : ops;
    if (ui->km->readonly == readonly)
        return;
    /* Read-only drops the mutating bindings when a keymap loads: load it
     * again the other way (its problems were shown at start). */
    k = keymap_create(keymap_actions, keymap_nactions, readonly);
    keymap_load(k, keymap);
    ui->km = k;
    keymap_free(ui->own_km);
    ui->own_km = k;
    ui->help.km = k;
    memset(&ui->kin, 0, sizeof ui->kin);
    free(ui->bar.hint);
    ui->bar.hint = ui_hint(k);
    if (ui->screen != NULL)
        screen_dirty(ui->screen, NULL, SCREEN_LAYOUT, "read-only");
}
