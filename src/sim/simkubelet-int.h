/*
 * Internals of the simulated kubelet shared by its files: simkubelet.c
 * (pods, the tick, termination), simkctr.c (container lifecycle: pulls,
 * starts, exits, restarts with back-off), simkprobe.c (the container's
 * script and its probes) and simkstatus.c (pod status as the kubelet
 * writes it).
 */
#ifndef KPOD_SIMKUBELET_INT_H
#define KPOD_SIMKUBELET_INT_H

#include "simkubelet.h"

#define TICK_MS 100

enum klstate { KL_WAITING, KL_RUNNING, KL_TERMINATED };
enum klprobe_kind { PROBE_NONE, PROBE_EXEC, PROBE_HTTP, PROBE_TCP, PROBE_GRPC };

struct klprobe {
    enum klprobe_kind kind;
    char             *cmd; /* exec: joined argv */
    char             *path;
    int               port;
    double            initial, period, failure_thr, success_thr;
    int               fails, succs;
    uint64_t          next; /* loop ms */
};

struct klstep {
    enum { ST_TOUCH, ST_RM, ST_SLEEP, ST_EXIT, ST_NOP, ST_FOREVER } op;
    char  *arg;
    double secs;
    int    code;
};

struct klctr {
    struct simctr  pub;
    int            init;
    enum klstate   state;
    char          *reason, *message; /* waiting or terminated */
    int            exit_code;
    int64_t        finished_ms;
    int            has_last;
    char          *last_reason;
    int            last_exit;
    int64_t        last_started, last_finished;
    char           cid[80];
    int            pulling;
    int            restart_pending;
    double         pull_secs;
    int            pull_fails;
    uint64_t       next; /* loop ms of the next lifecycle step, 0 = none */
    int            backoff;
    uint64_t       ran_since; /* loop ms */
    struct klprobe live, ready, startup;
    int            started; /* startup probe passed */
    /* the process */
    struct klstep *steps;
    size_t         nsteps, pc;
    uint64_t       wake;
    double         crash_after; /* annotation, seconds */
    int            crash_code;
};

struct klpod {
    struct simkubelet *kl;
    char              *ns, *name, *uid;
    struct klpod      *next, *prev;
    int                is_static;
    int                node;
    char               ip[32];
    int                scheduled, sandbox;
    uint64_t           t0, sched_at, sandbox_at;
    struct klctr      *ctrs;
    size_t             nctrs, ninit;
    int                restart_policy; /* 0 Always, 1 OnFailure, 2 Never */
    int                dirty;
    int                terminating;
    uint64_t           delete_at;
    int64_t            start_ms;
    /* conditions: status and transition time (wall ms) */
    int     cond[5];
    int64_t cond_t[5];
    double  ready_flap;
    int     sched_failed; /* FailedScheduling recorded */
    int     flap_down;
    int     pull_fail;
    double  start_delay;
    int     ignore_sigterm;
};

struct simkubelet {
    struct sim   *sim;
    struct klpod *pods;
    size_t        npods;
    uv_timer_t    tick;
    int           next_node;
    unsigned      next_ip;
    char        **pulled; /* images present "on the nodes" */
    size_t        npulled;
};

/* simkubelet.c */
const char  *simkubelet_gets(const cJSON *, const char *key);
double       simkubelet_getn(const cJSON *, const char *key, double def);
const char  *simkubelet_annotation(const cJSON *pod, const char *key);
void         simkubelet_hex(struct sim *, char *buf, size_t n);
void         simkubelet_set_str(char **slot, const char *v);
const cJSON *simkubelet_pod_obj(struct klpod *);
void         simkubelet_event(struct klpod *, struct klctr *, const char *type,
                              const char *reason, const char *msg);

/* simkctr.c */
void  simkctr_start(struct klpod *, struct klctr *, uint64_t now);
void  simkctr_pull(struct klpod *, struct klctr *, uint64_t now);
void  simkctr_exit(struct klpod *, struct klctr *, int code, const char *reason,
                   uint64_t now);
void  simkctr_restart(struct klpod *, struct klctr *, uint64_t now);
void  simkctr_backoff_wait(struct klpod *, struct klctr *, uint64_t now);
char *simkctr_image_full(const char *image);

/* simkprobe.c */
void simkprobe_parse(struct klprobe *, const cJSON *spec, const cJSON *ctr);
void simkprobe_done(struct klprobe *);
void simkprobe_script(struct klctr *, const cJSON *ctr);
void simkprobe_check(struct klpod *, struct klctr *, uint64_t now);
void simkprobe_process(struct klpod *, struct klctr *, uint64_t now);

/* simkstatus.c */
void simkstatus_publish(struct klpod *);

#endif
