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

struct view_logs;

/* For unit tests: a pane over a buffer only (no UI, no stream), fed with
 * view_logs_test_add and painted through its screen pane's ops; actions
 * by name (scrolling, follow, wrap, timestamps); a search or filter
 * pattern ("" clears it). */
struct view_logs   *view_logs_test_create(size_t max_lines, int match_attr);
void                view_logs_test_free(struct view_logs *);
struct screen_pane *view_logs_test_pane(struct view_logs *);
void view_logs_test_add(struct view_logs *, const char *text, int64_t ts_ns);
int  view_logs_test_action(struct view_logs *, const char *name);
void view_logs_test_search(struct view_logs *, const char *pattern, int filter);

#endif
