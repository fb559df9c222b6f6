/*
 * `kubectl describe pod` text, byte for byte (research/kubectl-printing.md
 * §4-6): the same sections, the same Go tabwriter alignment, times in the
 * local zone like kubectl. Used by the describe pane and `kpod describe
 * pod`. Pure: the caller fetches the pod and its events.
 */
#ifndef KPOD_DESCRIBE_H
#define KPOD_DESCRIBE_H

#include <stdint.h>

struct cJSON;

/* The layout of kubectl 1.32 (our oracle). events is an array of Event
 * objects (an EventList's items), or NULL to leave out the Events section
 * (like --show-events=false); an empty array prints "Events: <none>".
 * Ages are relative to now_ms. Caller frees. */
char *describe_pod(const struct cJSON *pod, const struct cJSON *events,
                   int64_t now_ms);

/* The same for the layout of another kubectl minor version (1.x), where
 * the text differs: before 25 no "Service Account:" line; from 33 projected
 * volumes print "Optional:"; from 34 named ports show "(name)"; from 35
 * event messages are prefixed with the involved object's fieldPath. */
char *describe_pod_version(const struct cJSON *pod, const struct cJSON *events,
                           int64_t now_ms, int kubectl_minor);

/* The field selector kubectl describe lists the pod's events with:
 * "involvedObject.name=N,involvedObject.namespace=NS,involvedObject.uid=U"
 * (values escaped as field selectors need; uid left out when empty; for a
 * mirror pod the uid is the kubernetes.io/config.mirror annotation). */
char *describe_events_selector(const struct cJSON *pod);

/* The same filter applied locally: a new array holding copies of the
 * events (of an EventList's items) that describe would show for pod. */
struct cJSON *describe_pod_events(const struct cJSON *pod,
                                  const struct cJSON *events);

#endif
