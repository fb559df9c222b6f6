/*
 * Create, apply and delete objects of any kind the server serves from a
 * YAML or JSON file, as `kubectl create -f`, `kubectl apply --server-side
 * -f` and `kubectl delete -f` do: the file is parsed whole first
 * (multi-document YAML, `kind: List` flattened) so a syntax error sends
 * nothing and names FILE:LINE:COL; then one request per document, in
 * order, to the resource discovery names for its apiVersion and kind (one
 * discovery GET per group-version and run). Each document's result is one
 * line worded as kubectl words it. No curses here; the command line and
 * `kpod apply` print mode show the lines.
 */
#ifndef KPOD_APPLY_H
#define KPOD_APPLY_H

#include <stddef.h>

struct kclient;
struct apply_run;

enum apply_verb {
    APPLY_CREATE, /* POST */
    APPLY_APPLY,  /* server-side apply: PATCH application/apply-patch+yaml */
    APPLY_DELETE, /* DELETE */
};

/* The field manager kpod's writes carry. */
#define APPLY_FIELD_MANAGER "kpod"

/* One document's outcome: "pod/web created", "namespace/team created",
 * or with error = 1 the kubectl-style error line ("Error from server
 * (AlreadyExists): error when creating "f.yaml": pods "web" already
 * exists"). A kind the server does not serve gets kubectl's two lines
 * ("error: resource mapping not found ...\nensure CRDs are installed
 * first"): the only line with a '\n' in it. */
typedef void (*apply_line_cb)(struct apply_run *, const char *line, int error,
                              void *data);
/* Every document was tried: how many succeeded and failed. The run is
 * freed after this returns. */
typedef void (*apply_done_cb)(struct apply_run *, int ok, int failed,
                              void *data);

/* Parse FILE and start sending. NULL with *cause when nothing was sent
 * (unreadable file, "FILE:LINE:COL: problem", no documents); the
 * callbacks then never run. Otherwise line runs once per document and
 * done once at the end (never from inside this call). ns is the
 * namespace for documents that name none. */
struct apply_run *apply_start(struct kclient *, enum apply_verb,
                              const char *file, const char *ns, apply_line_cb,
                              apply_done_cb, void *data, char **cause);

/* Stop: no more requests, no more callbacks. Accepts NULL; not from
 * inside the run's own callbacks. */
void apply_cancel(struct apply_run *);

/* The verb by its command name ("apply", "create", "delete"); -1 if none. */
int apply_verb_parse(const char *);

/* Split a command line's arguments "-f FILE" / "--filename=FILE" /
 * "FILE": the file (caller frees) or NULL with *cause. */
char *apply_args_file(const char *args, char **cause);

#endif
