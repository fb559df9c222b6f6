/*
 * kpod's config file ($XDG_CONFIG_HOME/kpod/config.yaml): one options
 * table drives parsing, validation, defaults and the documentation. Bad
 * values are causes with FILE:LINE and keep their defaults. Per-context
 * settings (readonly, namespace) live under `contexts:`.
 */
#ifndef KPOD_CONFIG_H
#define KPOD_CONFIG_H

#include <stddef.h>

#include "cfgfile.h"

/* Settings for one kubeconfig context; -1 / NULL when not set. */
struct config_context {
    char *name;
    int   readonly;
    char *namespace;
};

struct config {
    char *theme;
    char *keymap;
    char *namespace; /* "" = the kubeconfig's */
    char                  *shell;
    long                   log_buffer_lines;
    long                   refresh_cap; /* frames per second at most */
    int                    confirm_delete;
    int                    mouse;
    int                    readonly;
    struct config_context *contexts;
    size_t                 ncontexts;
    struct cfgcauses       causes;
};

enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL };

struct config_option {
    const char      *name;
    enum config_type type;
    size_t           offset;
    const char      *def;
    long             min, max; /* for CONFIG_INT */
    const char      *help;
};

extern const struct config_option config_options[];
extern const size_t               config_noptions;

/* All defaults. */
struct config *config_create(void);
void           config_free(struct config *);
/* Load a config file's text over the current values. */
int config_apply(struct config *, const char *text, size_t len,
                 const char *file);
/* Load $XDG_CONFIG_HOME/kpod/config.yaml (or path); a missing file is
 * not a problem. */
int config_load(struct config *, const char *path);
/* Whether a context is read-only (its own setting, else the global one). */
int config_readonly(const struct config *, const char *context);
/* The namespace to use for a context ("" when neither sets one). */
const char *config_namespace(const struct config *, const char *context);
/* A commented config.yaml with every option at its default: the docs. */
char *config_doc(void);

#endif
