/*
 * The event summary: what `kubectl get events`, `kubectl events` and the
 * Events table of `kubectl describe` show for one Event object (research/
 * kubectl-printing.md §5), including the "5s (x4 over 19s)" age. Raw times
 * are kept so ages format against any "now". Pure functions, no I/O.
 */
#ifndef KPOD_EVENT_H
#define KPOD_EVENT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

struct event_summary {
    char *uid;
    char *ns;
    char *name;
    char *type; /* "Normal", "Warning" */
    char *reason;
    char *kind;             /* involvedObject.kind as sent ("Pod") */
    char *obj_name;         /* involvedObject.name */
    char *obj_uid;          /* involvedObject.uid */
    char *fieldpath;        /* involvedObject.fieldPath ("" = none) */
    char *from;             /* source.component, else reportingController */
    int   from_component;   /* 1: from is source.component, 2: the core/v1
                               reportingComponent, 0: other */
    char   *host;           /* source.host, else reportingInstance */
    char   *message;        /* whitespace-trimmed */
    int64_t event_time_ms;  /* eventTime (MicroTime), 0 = unset */
    int64_t first_ms;       /* firstTimestamp, 0 = unset */
    int64_t last_ms;        /* lastTimestamp, 0 = unset */
    int64_t series_last_ms; /* series.lastObservedTime */
    int     count;          /* count (0 when unset) */
    int     series_count;   /* series.count; has_series says if set */
    int     has_series;
};

/* Columns of `kubectl get events [-o wide]`, in kubectl's order. */
enum event_col {
    EVENT_COL_NAMESPACE,
    EVENT_COL_LAST_SEEN,
    EVENT_COL_TYPE,
    EVENT_COL_REASON,
    EVENT_COL_OBJECT,    /* "pod/nginx" */
    EVENT_COL_SUBOBJECT, /* wide */
    EVENT_COL_SOURCE,    /* wide: "kubelet, node1" */
    EVENT_COL_MESSAGE,
    EVENT_COL_FIRST_SEEN, /* wide */
    EVENT_COL_COUNT,      /* wide */
    EVENT_COL_NAME,       /* wide */
    EVENT_NCOLS
};
extern const char *const event_col_names[EVENT_NCOLS];

/* Fill from an Event (core/v1 shape); 0, or -1 when it is not an object.
 * Owns its strings. */
int  event_summary_init(struct event_summary *, const struct cJSON *event);
void event_summary_done(struct event_summary *);

/* One `kubectl get events` cell at time now_ms (server-side printEvent). */
char *event_summary_cell(const struct event_summary *, enum event_col,
                         int64_t now_ms, char *buf, size_t len);

/* The Age of describe's Events table and the LAST SEEN of `kubectl
 * events`: "91s", "5s (x4 over 19s)", "<unknown>". */
char *event_summary_age(const struct event_summary *, int64_t now_ms, char *buf,
                        size_t len);

/* The time describe sorts by (lastTimestamp; unset sorts first). */
int64_t event_summary_describe_key(const struct event_summary *);
/* The time `kubectl events` sorts by: series.lastObservedTime, else
 * lastTimestamp, else eventTime. */
int64_t event_summary_events_key(const struct event_summary *);

/* Store ops for events: the summary is a struct event_summary. */
struct store_ops;
extern const struct store_ops event_store_ops;

/* RFC 3339 with an optional fraction to ms since the epoch; 0 if unset or
 * malformed (Kubernetes MicroTime and Time). */
int64_t event_time_ms(const char *);

#endif
