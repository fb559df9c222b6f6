/*
 * The action table: every user-visible action's dotted name, the contexts
 * where it can be bound, whether it changes the cluster (so --readonly
 * drops it) and one line of help. Keys are not here: they are in
 * keymaps/default.yaml. The UI attaches a handler to each name.
 */
#include "keymap.h"
#include "util.h"

#define ALL                                                                    \
    (KEYMAP_CTX(KEYMAP_GLOBAL) | KEYMAP_CTX(KEYMAP_PODS) |                     \
     KEYMAP_CTX(KEYMAP_DESCRIBE) | KEYMAP_CTX(KEYMAP_EVENTS) |                 \
     KEYMAP_CTX(KEYMAP_ANNOTATIONS) | KEYMAP_CTX(KEYMAP_YAML) |                \
     KEYMAP_CTX(KEYMAP_LOGS) | KEYMAP_CTX(KEYMAP_HELP) |                       \
     KEYMAP_CTX(KEYMAP_EXPLAIN) | KEYMAP_CTX(KEYMAP_FORWARDS))
#define PANES (ALL & ~KEYMAP_CTX(KEYMAP_GLOBAL))
#define PODS KEYMAP_CTX(KEYMAP_PODS)
#define LOGS KEYMAP_CTX(KEYMAP_LOGS)
#define TEXT                                                                   \
    (KEYMAP_CTX(KEYMAP_DESCRIBE) | KEYMAP_CTX(KEYMAP_EVENTS) |                 \
     KEYMAP_CTX(KEYMAP_YAML) | KEYMAP_CTX(KEYMAP_LOGS) |                       \
     KEYMAP_CTX(KEYMAP_ANNOTATIONS))
#define PROMPT KEYMAP_CTX(KEYMAP_PROMPT)

const struct keymap_action keymap_actions[] = {
    {"help", ALL, 0, "show the keys of the focused pane"},
    {"command", ALL, 0, "open the command line (:ns, :ctx, :q ...)"},
    {"filter", ALL, 0, "filter the list or search the text"},
    {"back", ALL, 0, "go back, cancel"},
    {"quit", ALL, 0, "quit kpod"},
    {"pane.close", ALL, 0, "close the pane (quit on the last)"},
    {"pane.zoom", ALL, 0, "zoom the pane or unzoom"},
    {"pane.split-vertical", ALL, 0, "split logs side by side"},
    {"pane.split-horizontal", ALL, 0, "split logs stacked"},
    {"focus.next", ALL, 0, "focus the next pane"},
    {"focus.prev", ALL, 0, "focus the previous pane"},
    {"focus.left", ALL, 0, "focus the pane to the left"},
    {"focus.right", ALL, 0, "focus the pane to the right"},
    {"focus.up", ALL, 0, "focus the pane above"},
    {"focus.down", ALL, 0, "focus the pane below"},
    {"pane.wider", ALL, 0, "make the pane wider"},
    {"pane.narrower", ALL, 0, "make the pane narrower"},
    {"pane.taller", ALL, 0, "make the pane taller"},
    {"pane.shorter", ALL, 0, "make the pane shorter"},
    {"cursor.down", PANES, 0, "move down one line"},
    {"cursor.up", PANES, 0, "move up one line"},
    {"cursor.page-down", PANES, 0, "move down one page"},
    {"cursor.page-up", PANES, 0, "move up one page"},
    {"cursor.top", PANES, 0, "go to the first line"},
    {"cursor.bottom", PANES, 0, "go to the last line"},
    {"namespace", ALL, 0, "switch namespace"},
    {"context", ALL, 0, "switch kubeconfig context"},
    {"pod.describe", PODS, 0, "describe the pod"},
    {"pod.events", PODS, 0, "events of the pod"},
    {"pod.annotations", PODS, 0, "annotations of the pod"},
    {"pod.yaml", PODS, 0, "the pod as YAML"},
    {"pod.logs", PODS, 0, "follow logs in a new pane"},
    {"pod.logs-previous", PODS, 0, "logs of the previous container"},
    {"pod.logs-merged", PODS, 0,
     "logs of the pods matching a label selector, merged"},
    {"pod.shell", PODS, 1, "open a shell in the container"},
    {"pod.exec", PODS, 1, "run a command in the container"},
    {"pod.port-forward", PODS, 0, "forward a local port to the pod"},
    {"pod.delete", PODS, 1, "delete the pod (asks first)"},
    {"sort.name", PODS, 0, "sort by name (again: reverse)"},
    {"sort.namespace", PODS, 0, "sort by namespace (again: reverse)"},
    {"sort.ready", PODS, 0, "sort by READY (again: reverse)"},
    {"sort.status", PODS, 0, "sort by STATUS (again: reverse)"},
    {"sort.restarts", PODS, 0, "sort by RESTARTS (again: reverse)"},
    {"sort.age", PODS, 0, "sort by AGE, youngest first (again: reverse)"},
    {"sort.ip", PODS, 0, "sort by IP (again: reverse)"},
    {"sort.node", PODS, 0, "sort by NODE (again: reverse)"},
    {"annotation.add", KEYMAP_CTX(KEYMAP_ANNOTATIONS), 1, "add an annotation"},
    {"annotation.edit", KEYMAP_CTX(KEYMAP_ANNOTATIONS), 1,
     "edit the annotation's value"},
    {"annotation.delete", KEYMAP_CTX(KEYMAP_ANNOTATIONS), 1,
     "remove the annotation (asks first)"},
    {"yaml.managed-fields", KEYMAP_CTX(KEYMAP_YAML), 0,
     "show managedFields or hide them"},
    {"explain.toggle", KEYMAP_CTX(KEYMAP_EXPLAIN), 0,
     "expand the field or collapse it"},
    {"search.next", TEXT, 0, "next match"},
    {"search.prev", TEXT, 0, "previous match"},
    {"log.follow", LOGS, 0, "follow new lines or stop"},
    {"log.wrap", LOGS | TEXT, 0, "wrap long lines or cut them"},
    {"log.timestamps", LOGS, 0, "show timestamps or hide them"},
    {"log.save", LOGS, 0, "save the buffer to a file"},
    {"log.filter", LOGS, 0, "show only the lines matching a pattern"},
    {"log.container", LOGS, 0, "next container (then all, merged)"},
    {"log.previous", LOGS, 0, "the previous container's log or back"},
    {"log.tail", LOGS, 0, "how many lines to start with (tailLines)"},
    {"log.since", LOGS, 0, "start from a time ago (5m, 1h)"},
    {"forward.stop", KEYMAP_CTX(KEYMAP_FORWARDS), 0,
     "stop the selected port-forward"},
    {"forward.stop-all", KEYMAP_CTX(KEYMAP_FORWARDS), 0,
     "stop every port-forward"},
    {"prompt.accept", PROMPT, 0, "accept the input"},
    {"prompt.cancel", PROMPT, 0, "cancel the input"},
    {"prompt.complete", PROMPT, 0, "complete the word"},
    {"prompt.history-prev", PROMPT, 0, "previous input from history"},
    {"prompt.history-next", PROMPT, 0, "next input from history"},
};
const size_t keymap_nactions = nitems(keymap_actions);
