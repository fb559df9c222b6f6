/*
 * Log panes: one pod's container log (or all its containers merged), or
 * the logs of every pod matching a label selector merged by timestamp
 * with a coloured pod prefix. A pane is a struct ui_pane in the layout
 * over a struct logs (or logs_merge) and a struct logbuf ring; it follows
 * by default, pauses when scrolled up, searches, filters and saves.
 */
#ifndef KPOD_VIEW_LOGS_H
#define KPOD_VIEW_LOGS_H

#include "ui-int.h"

/* pod.logs, pod.logs-previous and pod.logs-merged, for ui.c's tables. */
extern const struct ui_action ui_logs_actions[];
/* :logs [SELECTOR] (merged pane) */
extern const struct ui_command ui_logs_commands[];

#endif
