/*
 * simlogs internals shared by simlogs.c (lines and streams),
 * simlogs-query.c (options) and simlogs-pod.c (which run to read). Not for
 * other modules.
 */
#ifndef KPOD_SIMLOGS_INT_H
#define KPOD_SIMLOGS_INT_H

#include <cjson/cJSON.h>
#include <time.h>

#include "simlogs.h"
#include "util.h"

struct simlogs_ring;

struct simlogs {
    uv_loop_t             *loop;
    double                 rate;
    struct simlogs_stream *streams;
    struct simlogs_ring   *rings;
    int                    closing, handles;
    void (*done_cb)(void *);
    void *done_data;
};

/* One run of a container, as the pod's status describes it. */
struct simlogs_inst {
    char   *pod, *uid, *container, *image;
    int     restart;
    int64_t start_ns, end_ns; /* end_ns -1 = still running */
    double  rate;
};

/* Per-stream formatting cache: the broken-down time and the timestamp
 * text of the current second (lines come thousands per second). */
struct simlogs_clock {
    int       valid, stamp_valid;
    time_t    sec, stamp_sec;
    struct tm tm;
    char      stamp[32]; /* "YYYY-MM-DDTHH:MM:SS." */
    size_t    stamp_len;
};

enum simlogs_style { STYLE_APP, STYLE_HTTP_GO, STYLE_NGINX, STYLE_QUIET };

struct simlogs_stream {
    struct simlogs        *logs;
    struct simlogs_stream *next, *prev;
    struct simlogs_out     out;
    void                  *data;
    struct simlogs_inst    inst;
    int                    timestamps, follow, ended;
    int64_t                next_line;  /* index of the next line to send */
    int64_t                final_line; /* lines in the run, -1 = growing */
    int64_t                final_time; /* real lines up to, -1 = now */
    uint64_t               next_seq;   /* the next real line */
    int64_t                limit;      /* bytes left, -1 = unlimited */
    uv_timer_t             timer;
    enum simlogs_style     style;
    struct simlogs_clock   clock;
};

/* simlogs.c */
int64_t            simlogs_now_ns(void);
enum simlogs_style simlogs_style(const char *image);
void               simlogs_inst_done(struct simlogs_inst *);
/* The text of generated line i stamped t (no newline) into line (cap
 * bytes, >= 512); returns its length. clk may start zeroed. */
size_t simlogs_text(char *line, size_t cap, struct simlogs_clock *clk,
                    const struct simlogs_inst *in, enum simlogs_style style,
                    int64_t i, int64_t t);

/* simlogs-query.c: a metav1.Status as JSON text (caller frees). */
char *simlogs_query_status(int code, const char *reason, const char *message);

/* simlogs-pod.c */
const cJSON *simlogs_pod_find(const cJSON *arr, const char *name);
const char  *simlogs_pod_str(const cJSON *, const char *dotted_path);
const cJSON *simlogs_pod_obj(const cJSON *, const char *dotted_path);
int64_t      simlogs_pod_time_ns(const char *rfc3339); /* -1 = none */
/* Fill in the run a request reads: 0, 204, or an error with *status. */
int simlogs_pod_resolve(struct simlogs *, const cJSON *pod,
                        const struct simlogs_opts *, struct simlogs_inst *,
                        char **status);

#endif
