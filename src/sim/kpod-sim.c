/*
 * kpod-sim: the Kubernetes API simulator as a program. Parses the flags
 * into struct sim_opts, listens on loopback, prints its URL, writes a
 * kubeconfig (atomically, only once listening) and runs until SIGINT or
 * SIGTERM, then closes every handle so the loop closes cleanly.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "util.h"

static uv_signal_t sig_int, sig_term;
static struct sim *the_sim;

static void
usage(FILE *f)
{
    fprintf(
        f, "usage: kpod-sim [flags]\n"
           "  --port N                listen on 127.0.0.1:N (0 = a free port)\n"
           "  --host ADDR             listen address (default 127.0.0.1)\n"
           "  --kubeconfig-out FILE   write a kubeconfig for the sim (after "
           "listening)\n"
           "  --scenario NAME         demo | empty (default empty)\n"
           "  --load FILE...          serve Pods/Events/Lists from JSON or "
           "YAML files verbatim\n"
           "  --pods N --namespaces M N running pods over M namespaces\n"
           "  --churn R               status changes per second\n"
           "  --event-rate R          events per second\n"
           "  --log-rate R            log lines per second per container\n"
           "  --drop-watch-every S    end open watch streams every S seconds\n"
           "  --expire-every S        compact history every S seconds (410s)\n"
           "  --restart-every S       drop all connections and refuse for "
           "0.5 s every S seconds\n"
           "  --error-rate P          answer 429/503 with Retry-After to a "
           "fraction P of requests\n"
           "  --retry-after S         Retry-After seconds for --error-rate "
           "(default 1)\n"
           "  --latency MS            delay every answer by MS\n"
           "  --chunk-bytes N         split answers into N-byte chunks\n"
           "  --garbage-rate P        write a malformed line before a "
           "fraction P of watch events\n"
           "  --token T               require 'Authorization: Bearer T'\n"
           "  --openapi FILE          serve FILE as /openapi/v3/api/v1\n"
           "  --history N             watch history window (changes, "
           "default 10000)\n"
           "  --bookmark-every S      BOOKMARK interval (default 60)\n"
           "  --seed N                random seed\n"
           "  --log FILE              append one line per request to FILE\n"
           "  --help, --version\n");
}

static void
closed_cb(void *data)
{
    (void)data;
    uv_close((uv_handle_t *)&sig_int, NULL);
    uv_close((uv_handle_t *)&sig_term, NULL);
}

static void
signal_cb(uv_signal_t *s, int signum)
{
    (void)signum;
    uv_signal_stop(&sig_int);
    uv_signal_stop(&sig_term);
    if (the_sim != NULL) {
        struct sim *sim = the_sim;

        the_sim = NULL;
        sim_close(sim, closed_cb, NULL);
    }
    (void)s;
}

int
main(int argc, char **argv)
{
    enum {
        O_PORT = 256,
        O_HOST,
        O_KUBECONFIG,
        O_SCENARIO,
        O_LOAD,
        O_PODS,
        O_NS,
        O_CHURN,
        O_EVRATE,
        O_LOGRATE,
        O_DROP,
        O_EXPIRE,
        O_RESTART,
        O_ERR,
        O_RETRY,
        O_LATENCY,
        O_CHUNK,
        O_GARBAGE,
        O_TOKEN,
        O_OPENAPI,
        O_HISTORY,
        O_BOOKMARK,
        O_SEED,
        O_LOG,
        O_HELP,
        O_VERSION,
    };
    static const struct option longopts[] = {
        {"port", required_argument, NULL, O_PORT},
        {"host", required_argument, NULL, O_HOST},
        {"kubeconfig-out", required_argument, NULL, O_KUBECONFIG},
        {"scenario", required_argument, NULL, O_SCENARIO},
        {"load", required_argument, NULL, O_LOAD},
        {"pods", required_argument, NULL, O_PODS},
        {"namespaces", required_argument, NULL, O_NS},
        {"churn", required_argument, NULL, O_CHURN},
        {"event-rate", required_argument, NULL, O_EVRATE},
        {"log-rate", required_argument, NULL, O_LOGRATE},
        {"drop-watch-every", required_argument, NULL, O_DROP},
        {"expire-every", required_argument, NULL, O_EXPIRE},
        {"restart-every", required_argument, NULL, O_RESTART},
        {"error-rate", required_argument, NULL, O_ERR},
        {"retry-after", required_argument, NULL, O_RETRY},
        {"latency", required_argument, NULL, O_LATENCY},
        {"chunk-bytes", required_argument, NULL, O_CHUNK},
        {"garbage-rate", required_argument, NULL, O_GARBAGE},
        {"token", required_argument, NULL, O_TOKEN},
        {"openapi", required_argument, NULL, O_OPENAPI},
        {"history", required_argument, NULL, O_HISTORY},
        {"bookmark-every", required_argument, NULL, O_BOOKMARK},
        {"seed", required_argument, NULL, O_SEED},
        {"log", required_argument, NULL, O_LOG},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    struct sim_opts opts;
    const char    **loads = xcalloc((size_t)argc + 1, sizeof *loads);
    size_t          nloads = 0;
    const char     *kubeconfig = NULL;
    char           *cause = NULL;
    uv_loop_t      *loop = uv_default_loop();
    int             ch, rc;

    memset(&opts, 0, sizeof opts);
    opts.host = "127.0.0.1";
    signal(SIGPIPE, SIG_IGN);
    /* List pages are megabytes each: keep them on the heap and the heap
     * from shrinking, so each page reuses memory instead of mapping and
     * zeroing fresh pages (most of a big list's server time otherwise). */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case O_PORT:
            opts.port = atoi(optarg);
            break;
        case O_HOST:
            opts.host = optarg;
            break;
        case O_KUBECONFIG:
            kubeconfig = optarg;
            break;
        case O_SCENARIO:
            opts.scenario = optarg;
            break;
        case O_LOAD:
            loads[nloads++] = optarg;
            /* --load FILE... takes the following non-flag arguments too */
            while (optind < argc && argv[optind][0] != '-')
                loads[nloads++] = argv[optind++];
            break;
        case O_PODS:
            opts.pods = atoi(optarg);
            break;
        case O_NS:
            opts.namespaces = atoi(optarg);
            break;
        case O_CHURN:
            opts.churn = atof(optarg);
            break;
        case O_EVRATE:
            opts.event_rate = atof(optarg);
            break;
        case O_LOGRATE:
            opts.log_rate = atof(optarg);
            break;
        case O_DROP:
            opts.drop_watch_every = atof(optarg);
            break;
        case O_EXPIRE:
            opts.expire_every = atof(optarg);
            break;
        case O_RESTART:
            opts.restart_every = atof(optarg);
            break;
        case O_ERR:
            opts.error_rate = atof(optarg);
            break;
        case O_RETRY:
            opts.error_retry_after = atof(optarg);
            break;
        case O_LATENCY:
            opts.latency_ms = atoi(optarg);
            break;
        case O_CHUNK:
            opts.chunk_bytes = atoi(optarg);
            break;
        case O_GARBAGE:
            opts.garbage_rate = atof(optarg);
            break;
        case O_TOKEN:
            opts.token = optarg;
            break;
        case O_OPENAPI:
            opts.openapi_file = optarg;
            break;
        case O_HISTORY:
            opts.history = atoi(optarg);
            break;
        case O_BOOKMARK:
            opts.bookmark_every = atof(optarg);
            break;
        case O_SEED:
            opts.seed = strtoul(optarg, NULL, 10);
            break;
        case O_LOG:
            opts.log_file = optarg;
            break;
        case O_HELP:
            usage(stdout);
            free(loads);
            return 0;
        case O_VERSION:
            printf("kpod-sim %s\n", KPOD_VERSION);
            free(loads);
            return 0;
        default:
            usage(stderr);
            free(loads);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kpod-sim: unexpected argument: %s\n", argv[optind]);
        usage(stderr);
        free(loads);
        return 2;
    }
    opts.load_files = nloads > 0 ? loads : NULL;
    the_sim = sim_create(loop, &opts, &cause);
    if (the_sim == NULL) {
        fprintf(stderr, "kpod-sim: %s\n", cause);
        free(cause);
        free(loads);
        uv_loop_close(loop);
        return 1;
    }
    printf("kpod-sim listening on http://%s:%d\n", opts.host,
           sim_port(the_sim));
    fflush(stdout);
    if (kubeconfig != NULL &&
        sim_write_kubeconfig(kubeconfig, opts.host, sim_port(the_sim),
                             opts.token, &cause) != 0) {
        fprintf(stderr, "kpod-sim: %s\n", cause);
        free(cause);
        sim_close(the_sim, NULL, NULL);
        the_sim = NULL;
        uv_run(loop, UV_RUN_DEFAULT);
        uv_loop_close(loop);
        free(loads);
        return 1;
    }
    uv_signal_init(loop, &sig_int);
    uv_signal_init(loop, &sig_term);
    uv_signal_start(&sig_int, signal_cb, SIGINT);
    uv_signal_start(&sig_term, signal_cb, SIGTERM);
    uv_run(loop, UV_RUN_DEFAULT);
    rc = uv_loop_close(loop);
    free(loads);
    if (rc != 0) {
        fprintf(stderr, "kpod-sim: uv_loop_close: %s\n", uv_strerror(rc));
        return 1;
    }
    return 0;
}
