/*
 * The detail pane under the pod list: the selected pod's describe text,
 * its live events table, or its YAML. It follows the list's selection and
 * rebuilds on every store change (pods or events); it scrolls, and `/`
 * searches with highlighted matches and n/N.
 */
#ifndef KPOD_VIEW_DETAIL_H
#define KPOD_VIEW_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "screen.h"

struct store;
struct view_pods;

enum view_detail_mode {
    VIEW_DETAIL_NONE,
    VIEW_DETAIL_DESCRIBE,
    VIEW_DETAIL_EVENTS,
    VIEW_DETAIL_YAML,
    VIEW_DETAIL_ANNOTATIONS,
    VIEW_DETAIL_ALL_EVENTS, /* every event in the store (:events) */
};

struct view_detail_line {
    char *text;
    int   warn; /* a Warning event */
    long  item; /* annotations: the annotation's index on its first line,
                   else -1 */
};

struct view_detail {
    struct screen           *screen;
    struct screen_pane       pane;
    struct store            *pods;
    struct store            *events; /* may be NULL */
    const struct view_pods  *list;   /* whose selection is followed */
    enum view_detail_mode    mode;
    char                    *uid;   /* the pod shown, owned */
    char                    *title; /* owned */
    struct view_detail_line *lines;
    size_t                   nlines;
    size_t                   top;
    int                      body_height;
    char                    *search;    /* owned, NULL = none */
    int                      searching; /* typing the search */
    struct kbuf              typed;
    int                      title_attr, warn_attr, match_attr;
    int64_t (*now_ms)(void);
    /* annotations mode: the sorted keys and values (owned), selected one */
    char **ann_keys, **ann_vals;
    size_t nann, ann_sel;
    char  *pod_ns, *pod_name; /* of the pod shown (owned) */
    /* yaml mode with managedFields (the store drops them): the pod as
     * fetched by fetch(fetch_data, ns, name), whose answer comes back
     * through view_detail_set_full. want_uid/want_rv: the pod and
     * resourceVersion last asked for (owned). */
    int managed;
    void (*fetch)(void *data, const char *ns, const char *name);
    void         *fetch_data;
    char         *want_uid, *want_rv, *full_error;
    struct cJSON *full;
};

void view_detail_init(struct view_detail *, struct screen *, struct store *pods,
                      struct store *events, const struct view_pods *list);
void view_detail_done(struct view_detail *);
/* Show mode for the selected pod (VIEW_DETAIL_NONE hides the pane). */
void view_detail_open(struct view_detail *, enum view_detail_mode);
/* Rebuild from the stores (the pane's DATA step). */
void view_detail_update(struct view_detail *);
/* The selected annotation (borrowed), or NULL. */
const char *view_detail_annotation(const struct view_detail *,
                                   const char **value);
/* Show managedFields in yaml mode (fetching the pod) or hide them. */
void view_detail_set_managed(struct view_detail *, int on);
/* The fetched pod (its JSON), or error; ignored unless it is the pod
 * shown. */
void view_detail_set_full(struct view_detail *, const char *json,
                          const char *error);
/* Keys typed into a search (after filter, until Enter or Esc); 1 when
 * used. Other keys go through the keymap to view_detail_action. */
int view_detail_key(struct view_detail *, int key);
/* A keymap action while the pane is focused (cursor.*, filter starts a
 * search, search.next/prev): 1 when used. Keys are bound in the keymap's
 * describe/events/yaml/annotations contexts, so rebinding works here. */
int view_detail_action(struct view_detail *, const char *name);

#endif
