/*
 * The pod list's filter and sort keys: `/` asks for a filter in the status
 * bar (podfilter.h: substring, re:REGEX, !negation, -l SELECTOR; the
 * current one pre-filled; a -l one is also the pod watch's labelSelector
 * on the server), Esc clears it, and sort.* actions order the
 * list by a column, again to reverse. The list itself (view-pods.c) does
 * the work incrementally; this file only turns actions into its calls.
 */
#include <stdlib.h>
#include <string.h>

#include "podfilter.h"
#include "session.h"
#include "ui-int.h"

static void
ui_podlist_filtered(struct ui *ui, const char *text, void *data)
{
    char *cause = NULL;

    (void)data;
    if (text == NULL)
        return; /* Esc in the prompt: keep what was there */
    if (view_pods_set_filter(&ui->pods, text, &cause) != 0) {
        ui_message(ui, "filter: %s", cause);
        free(cause);
        return;
    }
    /* A -l filter also narrows the watch on the server (kubectl get pods
     * -l); matching here covers the moment before the new list. */
    if (ui->session != NULL)
        session_set_selector(ui->session,
                             podfilter_server_selector(ui->pods.filter));
    ui_pane_dirty(ui, &ui->pods_up, SCREEN_DATA, "filter");
    screen_dirty(ui->screen, &ui->bar_pane, SCREEN_PAINT, "filter");
}

static void
ui_podlist_filter(struct ui *ui)
{
    ui_prompt(ui, "/", view_pods_filter(&ui->pods), ui_podlist_filtered, NULL);
}

static const struct {
    const char  *name;
    enum podsort sort;
} ui_podlist_sorts[] = {
    {"sort.name", PODSORT_NAME},
    {"sort.namespace", PODSORT_NAMESPACE},
    {"sort.ready", PODSORT_READY},
    {"sort.status", PODSORT_STATUS},
    {"sort.restarts", PODSORT_RESTARTS},
    {"sort.age", PODSORT_AGE},
    {"sort.ip", PODSORT_IP},
    {"sort.node", PODSORT_NODE},
};

int
ui_podlist_action(struct ui *ui, struct ui_pane *p, const char *name)
{
    size_t i;

    (void)p;
    if (strcmp(name, "filter") == 0) {
        ui_podlist_filter(ui);
        return 1;
    }
    if (strcmp(name, "back") == 0 && view_pods_filter(&ui->pods) != NULL) {
        ui_podlist_filtered(ui, "", NULL);
        return 1;
    }
    for (i = 0; i < nitems(ui_podlist_sorts); i++) {
        if (strcmp(name, ui_podlist_sorts[i].name) == 0) {
            view_pods_sort(&ui->pods, ui_podlist_sorts[i].sort);
            ui_pane_dirty(ui, &ui->pods_up, SCREEN_DATA, "sort");
            return 1;
        }
    }
    return 0;
}

/* The same, reachable from any pane (sorting the list while a detail pane
 * has the focus, when a keymap binds it there). */
#define UI_PODLIST_SORT_FN(col)                                                \
    static void ui_podlist_sort_##col(struct ui *ui)                           \
    {                                                                          \
        (void)ui_podlist_action(ui, NULL, "sort." #col);                       \
    }
UI_PODLIST_SORT_FN(name)
UI_PODLIST_SORT_FN(namespace)
UI_PODLIST_SORT_FN(ready)
UI_PODLIST_SORT_FN(status)
UI_PODLIST_SORT_FN(restarts)
UI_PODLIST_SORT_FN(age)
UI_PODLIST_SORT_FN(ip)
UI_PODLIST_SORT_FN(node)

const struct ui_action ui_podlist_actions[] = {
    {"sort.name", ui_podlist_sort_name},
    {"sort.namespace", ui_podlist_sort_namespace},
    {"sort.ready", ui_podlist_sort_ready},
    {"sort.status", ui_podlist_sort_status},
    {"sort.restarts", ui_podlist_sort_restarts},
    {"sort.age", ui_podlist_sort_age},
    {"sort.ip", ui_podlist_sort_ip},
    {"sort.node", ui_podlist_sort_node},
    {"filter", ui_podlist_filter},
    {NULL, NULL},
};
