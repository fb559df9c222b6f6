/*
 * Container logs for kpod-sim (GET .../pods/NAME/log). Lines are generated,
 * not stored: line i of a container instance is stamped start + i/rate and
 * its text is a function of the image, i and the restart count, so any
 * window (tailLines, sinceTime, sinceSeconds, previous, limitBytes) is
 * cheap to produce and the same on every request. Follow streams tick on
 * a libuv timer and end when the container stops, like the kubelet's.
 */
#ifndef KPOD_SIMLOGS_H
#define KPOD_SIMLOGS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct cJSON;
struct simlogs;
struct simlogs_stream;

struct simlogs_opts {
    char   *container; /* NULL = the only one */
    int     follow, previous, timestamps;
    int64_t tail_lines;    /* -1 = all */
    int64_t since_seconds; /* 0 = unset */
    int64_t since_time;    /* ns since the epoch, -1 = unset */
    int64_t limit_bytes;   /* 0 = unlimited */
};

/* How a stream hands its bytes to the HTTP layer. */
struct simlogs_out {
    void (*write)(void *data, const char *, size_t);
    /* The body is complete (not called after simlogs_stream_cancel). */
    void (*end)(void *data);
    /* The pod as it is now (borrowed until the callback returns), or NULL
     * when it is gone; follow streams poll it to see the container stop. */
    const struct cJSON *(*pod)(void *data);
    /* Bytes written but not yet sent (flow control), or NULL. */
    size_t (*queued)(void *data);
};

/* rate: default lines per second per container (--log-rate), 0 = each
 * image's own default. A pod's annotation kpod-sim/log-rate wins. */
struct simlogs *simlogs_create(uv_loop_t *, double rate);
/* Cancel every stream (their end callbacks do not run); done_cb(data)
 * once the last timer closed. */
void simlogs_close(struct simlogs *, void (*done_cb)(void *), void *data);

/* Parse the query string of a log request (without '?'). Returns 0, or
 * an HTTP status with *status set to a metav1.Status JSON (caller frees). */
int  simlogs_parse_query(const char *query, const char *pod,
                         struct simlogs_opts *, char  **status);
void simlogs_opts_done(struct simlogs_opts *);

/* Start a log response for pod. Returns 200 with *streamp set (output
 * arrives through out, from the loop, never before this returns), 204 for
 * a pod without a node (nothing to send, no stream), or an error status
 * with *status set (Status JSON, caller frees). */
int simlogs_start(struct simlogs *, const struct cJSON *pod,
                  const struct simlogs_opts *, const struct simlogs_out *,
                  void *data, struct simlogs_stream **streamp, char **status);
/* A request a container's web server answered (its access log line, in
 * the image's style, joins the generated lines and wakes followers). */
void simlogs_access(struct simlogs *, const char *uid, const char *pod,
                    const char *container, const char *image,
                    const char *method, const char *path, const char *agent,
                    int status, size_t bytes);
/* The client went away: stop without calling end. */
void simlogs_stream_cancel(struct simlogs_stream *);

/* "2006-01-02T15:04:05.000000000Z" for ns since the epoch (31 bytes). */
void simlogs_format_time(char *buf, size_t len, int64_t ns);

#endif
