/*
 * The explain pane: a browsable tree of a resource's fields (type,
 * required, description at the cursor) from the server's OpenAPI schema,
 * opened by :explain [PATH].
 */
#ifndef KPOD_VIEW_EXPLAIN_H
#define KPOD_VIEW_EXPLAIN_H

#include "ui-int.h"

/* :explain ARGS (a path such as pods.spec.containers; "" = pods). */
void view_explain_cmd(struct ui *, const char *args);

extern const struct ui_command ui_explain_commands[];

#endif
