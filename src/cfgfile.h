/*
 * What keymap, theme and config files share: a YAML document loaded with
 * libyaml so every node keeps its line, a list of problems ("FILE:LINE:
 * what") that loading collects instead of stopping (tmux cfg_add_cause),
 * and the search path for named files. It does not know what any key in
 * those files means.
 */
#ifndef KPOD_CFGFILE_H
#define KPOD_CFGFILE_H

#include <stddef.h>
#include <yaml.h>

#include "util.h"

/* Problems found while loading; owns its strings. */
struct cfgcauses {
    char **v;
    size_t n;
};

void cfgcauses_init(struct cfgcauses *);
void cfgcauses_done(struct cfgcauses *);
/* Add "FILE:LINE: message" (line is 1-based; 0 leaves it out). */
void cfgcauses_add(struct cfgcauses *, const char *file, size_t line,
                   const char *, ...) KPOD_PRINTF(4, 5);

/* A loaded document: the root node, or NULL when empty or broken. */
struct cfgdoc {
    yaml_document_t doc;
    int             loaded;
    const char     *file; /* borrowed, for causes */
};

/* Parse text; a syntax error becomes a cause and gives -1. */
int cfgdoc_load(struct cfgdoc *, const char *text, size_t len, const char *file,
                struct cfgcauses *);
void         cfgdoc_done(struct cfgdoc *);
yaml_node_t *cfgdoc_root(struct cfgdoc *);
yaml_node_t *cfgdoc_node(struct cfgdoc *, yaml_node_item_t);
/* 1-based line of a node. */
size_t cfgdoc_line(const yaml_node_t *);
/* The text of a scalar node, or NULL for other nodes. */
const char *cfgdoc_scalar(const yaml_node_t *);
/* Whether a scalar is YAML null ("~", "null", empty plain). */
int cfgdoc_is_null(const yaml_node_t *);
/* Parse a YAML boolean (true/false/yes/no/on/off); -1 when not one. */
int cfgdoc_bool(const yaml_node_t *);

/* Read a whole file; NULL when it cannot be read. */
char *cfgfile_read(const char *path, size_t *len);
/* Find DIR/NAME.yaml (or NAME itself when it contains a '/') in the search
 * path: $XDG_CONFIG_HOME/kpod (or ~/.config/kpod), <exe>/../share/kpod,
 * KPOD_DATADIR, KPOD_SOURCE_DIR. Returns a path the caller frees, or NULL. */
char *cfgfile_find(const char *dir, const char *name);
/* The names (without ".yaml") of every file under dir/ in that search
 * path, sorted, each once: what cfgfile_find would find. Caller frees
 * each and the array. */
char **cfgfile_names(const char *dir, size_t *n);
/* The user's config directory ($XDG_CONFIG_HOME/kpod); caller frees. */
char *cfgfile_user_dir(void);

#endif
