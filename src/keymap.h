/*
 * Keymaps: key sequences bound to named actions per context, loaded from
 * YAML files (keymaps/default.yaml is embedded at build time and is the
 * one source of default bindings). The actions themselves are data the UI
 * registers; this module only knows their names, contexts and whether they
 * mutate, so `--readonly` can drop mutating actions when the table loads.
 */
#ifndef KPOD_KEYMAP_H
#define KPOD_KEYMAP_H

#include <stddef.h>

#include "cfgfile.h"
#include "keyname.h"

enum keymap_context {
    KEYMAP_GLOBAL,
    KEYMAP_PODS,
    KEYMAP_DESCRIBE,
    KEYMAP_EVENTS,
    KEYMAP_ANNOTATIONS,
    KEYMAP_YAML,
    KEYMAP_LOGS,
    KEYMAP_PROMPT,
    KEYMAP_HELP,
    KEYMAP_EXPLAIN,
    KEYMAP_FORWARDS,
    KEYMAP_NCONTEXTS
};
#define KEYMAP_CTX(c) (1u << (c))

/* One row of the UI's action table. */
struct keymap_action {
    const char *name;     /* dotted: "pod.delete" */
    unsigned    contexts; /* KEYMAP_CTX bits where it may be bound */
    int         mutating; /* dropped entirely by --readonly */
    const char *help;     /* one line */
};

struct keymap_binding {
    enum keymap_context context;
    struct keyseq       keys;
    size_t              action;   /* index into the action table */
    int                 override; /* not from the embedded defaults */
};

struct keymap {
    const struct keymap_action *actions;
    size_t                      nactions;
    int                         readonly;
    struct keymap_binding      *b;
    size_t                      n;
    struct cfgcauses            causes;
};

/* Every action kpod has (src/keymap-actions.c): the UI attaches handlers
 * by name; tests check the shipped keymaps against it. */
extern const struct keymap_action keymap_actions[];
extern const size_t               keymap_nactions;

/* The embedded keymaps/default.yaml. */
extern const char   keymap_default_yaml[];
extern const size_t keymap_default_yaml_len;

const char *keymap_context_name(enum keymap_context);
int         keymap_context_parse(const char *);

/* An empty keymap over an action table (borrowed). */
struct keymap *keymap_create(const struct keymap_action *, size_t,
                             int readonly);
void           keymap_free(struct keymap *);
/* Apply the embedded defaults, then the named keymap ("default", "vim",
 * a user file name or a path), which extends default unless it says
 * otherwise. Problems go to km->causes; returns -1 when the named keymap
 * was not found (the defaults still apply). */
int keymap_load(struct keymap *, const char *name);
/* Apply one keymap document on top of what is bound (no implicit
 * extends). Returns 0, or -1 when the text is not a keymap at all. */
int keymap_apply(struct keymap *, const char *text, size_t len,
                 const char *file);
/* The action bound to keys in context (or in global): its index, or -1.
 * *prefix is set when keys starts a longer binding. */
int keymap_lookup(const struct keymap *, enum keymap_context,
                  const struct keyseq *, int *prefix);
/* The keys bound to action a in context ctx, as "j, down" (caller
 * frees; "" when none). *override is set when one came from a user file. */
char *keymap_keys_of(const struct keymap *, enum keymap_context, size_t a,
                     int *override);
/* Markdown tables of the effective bindings, one per context, in action
 * table order (the README's keys section and the help text). Keys from
 * user files are marked with a trailing '*'. Caller frees. */
char *keymap_doc(const struct keymap *);
/* Keys typed so far while a two-key sequence is pending. */
struct keymap_input {
    struct keyseq pending;
};
#define KEYMAP_NONE (-1)    /* no binding: the key does nothing */
#define KEYMAP_PENDING (-2) /* the first key of a sequence: wait */
/* Feed one key: an action index, KEYMAP_PENDING or KEYMAP_NONE. A second
 * key that completes nothing is tried on its own. */
int keymap_input_feed(const struct keymap *, struct keymap_input *,
                      enum keymap_context, int key);
/* The index of an action by name (-1 when unknown or dropped). */
int keymap_action_find(const struct keymap *, const char *);

#endif
