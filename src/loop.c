/*
 * The curl multi socket API on a libuv loop, in the shape of curl's
 * docs/examples/multi-uv.c with its gaps fixed: poll errors reach curl as
 * CURL_CSELECT_ERR, completions are drained after every action, per-socket
 * state is freed in its close callback, and adds/removes asked for from
 * inside a curl callback are deferred until curl has returned. This is the
 * only caller of curl_multi_socket_action. It knows nothing of HTTP.
 */
#include "loop.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

/* One transfer: the easy handle's CURLOPT_PRIVATE. */
struct kloop_xfer {
    struct kloop      *loop;
    CURL              *easy;
    kloop_done_cb      done;
    void              *data;
    kloop_released_cb  released; /* pending removal */
    void              *released_data;
    int                added;               /* in the multi */
    int                keep;                /* connect-only: stay after done */
    int                kept;                /* done reported, still added */
    int                removing;            /* kloop_remove asked, deferred */
    struct kloop_xfer *next;                /* pending list */
    struct kloop_xfer *all_prev, *all_next; /* every live transfer */
};

/* One socket curl wants watched. Freed in the poll handle's close cb. */
struct kloop_sock {
    uv_poll_t          poll;
    curl_socket_t      fd;
    struct kloop      *loop;
    struct kloop_sock *prev, *next; /* open sockets */
};

struct kloop {
    uv_loop_t         *uv;
    CURLM             *multi;
    uv_timer_t         timer;
    int                depth;   /* inside curl_multi_socket_action */
    int                running; /* transfers in the multi */
    int                handles; /* open uv handles (timer + polls) */
    int                closing;
    struct kloop_xfer *pending; /* adds and removes waiting for depth 0 */
    struct kloop_xfer *all;     /* every live transfer */
    struct kloop_sock *socks;   /* every watched socket */
    void (*close_done)(void *);
    void *close_data;
};

static void kloop_action(struct kloop *, curl_socket_t, int);

static void
kloop_handle_closed(uv_handle_t *h)
{
    struct kloop *l = h->data;

    if (h->type == UV_POLL)
        free(h);
    l->handles--;
    if (l->closing && l->handles == 0) {
        void (*done)(void *) = l->close_done;
        void *data = l->close_data;

        free(l);
        curl_global_cleanup();
        if (done != NULL)
            done(data);
    }
}

static void
kloop_poll_cb(uv_poll_t *p, int status, int events)
{
    struct kloop_sock *s = (struct kloop_sock *)p;
    int                flags = 0;

    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else {
        if (events & UV_READABLE)
            flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            flags |= CURL_CSELECT_OUT;
    }
    kloop_action(s->loop, s->fd, flags);
}

static void
kloop_timer_cb(uv_timer_t *t)
{
    kloop_action(t->data, CURL_SOCKET_TIMEOUT, 0);
}

static void
kloop_sock_close(struct kloop *l, struct kloop_sock *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        l->socks = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, kloop_handle_closed);
}

/* curl's CURLMOPT_SOCKETFUNCTION: start, change or stop watching a socket. */
static int
kloop_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
                void *socketp)
{
    struct kloop      *l = userp;
    struct kloop_sock *s = socketp;
    int                events = 0;

    if (what == CURL_POLL_REMOVE) {
        if (s != NULL) {
            curl_multi_assign(l->multi, fd, NULL);
            kloop_sock_close(l, s);
        }
        return 0;
    }
    if (s == NULL) {
        s = xcalloc(1, sizeof *s);
        s->fd = fd;
        s->loop = l;
        if (uv_poll_init_socket(l->uv, &s->poll, fd) != 0) {
            klog("uv_poll_init_socket(%d) failed", (int)fd);
            free(s);
            return -1;
        }
        s->poll.data = l;
        l->handles++;
        s->next = l->socks;
        if (l->socks != NULL)
            l->socks->prev = s;
        l->socks = s;
        curl_multi_assign(l->multi, fd, s);
    }
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    uv_poll_start(&s->poll, events, kloop_poll_cb);
    return 0;
}

/* curl's CURLMOPT_TIMERFUNCTION. */
static int
kloop_timer_set(CURLM *multi, long timeout_ms, void *userp)
{
    struct kloop *l = userp;

    if (timeout_ms < 0)
        uv_timer_stop(&l->timer);
    else
        uv_timer_start(&l->timer, kloop_timer_cb, (uint64_t)timeout_ms, 0);
    return 0;
}

static void
kloop_free_xfer(struct kloop_xfer *x)
{
    struct kloop *l = x->loop;

    if (x->all_prev != NULL)
        x->all_prev->all_next = x->all_next;
    else
        l->all = x->all_next;
    if (x->all_next != NULL)
        x->all_next->all_prev = x->all_prev;
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, NULL);
    free(x);
}

/* Take a transfer out of the multi and tell whoever asked. */
static void
kloop_release(struct kloop *l, struct kloop_xfer *x)
{
    kloop_released_cb cb = x->released;
    void             *data = x->released_data;
    CURL             *easy = x->easy;

    if (x->added) {
        curl_multi_remove_handle(l->multi, easy);
        l->running--;
    }
    kloop_free_xfer(x);
    if (cb != NULL)
        cb(easy, data);
}

/* Run what was asked for while curl was busy. */
static void
kloop_run_pending(struct kloop *l)
{
    while (l->pending != NULL && l->depth == 0) {
        struct kloop_xfer *x = l->pending;

        l->pending = x->next;
        x->next = NULL;
        if (x->removing)
            kloop_release(l, x);
        else if (curl_multi_add_handle(l->multi, x->easy) == CURLM_OK) {
            x->added = 1;
            l->running++;
        } else {
            /* kloop_add already promised a callback: keep the promise. */
            kloop_done_cb done = x->done;
            void         *data = x->data;
            CURL         *easy = x->easy;

            kloop_free_xfer(x);
            done(easy, CURLE_FAILED_INIT, data);
        }
    }
}

/* Report finished transfers. Callbacks run outside curl, so they may add,
 * remove and clean up handles freely. */
static void
kloop_drain(struct kloop *l)
{
    CURLMsg *msg;
    int      left;

    while ((msg = curl_multi_info_read(l->multi, &left)) != NULL) {
        struct kloop_xfer *x = NULL;
        CURLcode           rc = msg->data.result;
        CURL              *easy = msg->easy_handle;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        if (x == NULL || x->removing || x->kept)
            continue; /* its removal is pending and reports itself */
        if (x->keep && rc == CURLE_OK) {
            /* Connected: the caller drives the socket from now on. */
            x->kept = 1;
            x->done(easy, rc, x->data);
            continue;
        }
        curl_multi_remove_handle(l->multi, easy);
        l->running--;
        x->added = 0;
        {
            kloop_done_cb done = x->done;
            void         *data = x->data;

            kloop_free_xfer(x);
            done(easy, rc, data);
        }
        if (l->closing)
            return; /* the callback shut us down: the multi is gone */
    }
}

static void
kloop_action(struct kloop *l, curl_socket_t fd, int flags)
{
    int still;

    if (l->closing)
        return;
    l->depth++;
    curl_multi_socket_action(l->multi, fd, flags, &still);
    l->depth--;
    kloop_run_pending(l);
    kloop_drain(l);
    if (!l->closing)
        kloop_run_pending(l);
}

struct kloop *
kloop_create(uv_loop_t *uv)
{
    struct kloop *l = xcalloc(1, sizeof *l);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    l->uv = uv;
    l->multi = curl_multi_init();
    if (l->multi == NULL) {
        fprintf(stderr, "kpod: curl_multi_init failed\n");
        abort();
    }
    uv_timer_init(uv, &l->timer);
    l->timer.data = l;
    l->handles = 1;
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, kloop_socket_cb);
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, kloop_timer_set);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    return l;
}

uv_loop_t *
kloop_uv(struct kloop *l)
{
    return l->uv;
}

int
kloop_add(struct kloop *l, CURL *easy, kloop_done_cb done, void *data)
{
    struct kloop_xfer *x;

    if (l->closing || done == NULL)
        return -1;
    x = xcalloc(1, sizeof *x);
    x->loop = l;
    x->easy = easy;
    x->done = done;
    x->data = data;
    x->all_next = l->all;
    if (l->all != NULL)
        l->all->all_prev = x;
    l->all = x;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
    if (l->depth > 0) {
        struct kloop_xfer **pp = &l->pending;

        while (*pp != NULL)
            pp = &(*pp)->next;
        *pp = x;
        return 0;
    }
    if (curl_multi_add_handle(l->multi, easy) != CURLM_OK) {
        kloop_free_xfer(x);
        return -1;
    }
    x->added = 1;
    l->running++;
    return 0;
}

int
kloop_add_connect(struct kloop *l, CURL *easy, kloop_done_cb done, void *data)
{
    struct kloop_xfer *x = NULL;

    if (kloop_add(l, easy, done, data) != 0)
        return -1;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
    x->keep = 1;
    return 0;
}

void
kloop_remove(struct kloop *l, CURL *easy, kloop_released_cb cb, void *data)
{
    struct kloop_xfer  *x = NULL;
    struct kloop_xfer **pp;

    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
    if (x == NULL || x->removing) {
        if (x == NULL && cb != NULL)
            cb(easy, data);
        return;
    }
    x->released = cb;
    x->released_data = data;
    if (!x->added) {
        /* Still waiting to be added: drop it from the pending list. */
        for (pp = &l->pending; *pp != NULL; pp = &(*pp)->next) {
            if (*pp == x) {
                *pp = x->next;
                break;
            }
        }
        kloop_release(l, x);
        return;
    }
    if (l->depth == 0) {
        kloop_release(l, x);
        return;
    }
    x->removing = 1;
    x->next = l->pending;
    l->pending = x;
}

int
kloop_running(struct kloop *l)
{
    return l->running;
}

void
kloop_close(struct kloop *l, void (*done)(void *), void *data)
{
    l->closing = 1;
    l->close_done = done;
    l->close_data = data;
    /* Drop what is left; nobody is called back. */
    while (l->pending != NULL) {
        struct kloop_xfer *x = l->pending;

        l->pending = x->next;
        x->removing = 1;
        x->released = NULL;
        kloop_release(l, x);
    }
    while (l->all != NULL) {
        struct kloop_xfer *x = l->all;

        if (x->added)
            curl_multi_remove_handle(l->multi, x->easy);
        kloop_free_xfer(x);
    }
    l->running = 0;
    /* Cleanup may still call the socket callback: the loop is running. */
    curl_multi_cleanup(l->multi);
    l->multi = NULL;
    while (l->socks != NULL)
        kloop_sock_close(l, l->socks);
    uv_timer_stop(&l->timer);
    uv_close((uv_handle_t *)&l->timer, kloop_handle_closed);
}
