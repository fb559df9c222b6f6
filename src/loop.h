/*
 * The libuv loop meets curl here: a curl multi handle driven by the
 * multi-socket API (curl's multi-uv pattern), with poll errors passed on
 * as CURL_CSELECT_ERR, completions drained after every action and
 * per-socket state freed in the close callback. It does not build
 * requests (khttp.c does); it only runs easy handles and reports their end.
 */
#ifndef KPOD_LOOP_H
#define KPOD_LOOP_H

#include <curl/curl.h>
#include <uv.h>

struct kloop;

/* A transfer ended (the easy handle is already out of the multi). */
typedef void (*kloop_done_cb)(CURL *easy, CURLcode result, void *data);
/* A removed easy handle may now be cleaned up or re-added. */
typedef void (*kloop_released_cb)(CURL *easy, void *data);

/* Create the glue on a running (or to-be-run) libuv loop. */
struct kloop *kloop_create(uv_loop_t *);
uv_loop_t    *kloop_uv(struct kloop *);

/* Start a transfer; done_cb is called exactly once when it ends, unless
 * kloop_remove is called first. 0, or -1 (never calls back). Safe to call
 * from inside curl callbacks (the add is then deferred to after the
 * current action). The easy handle's CURLOPT_PRIVATE belongs to kloop. */
int kloop_add(struct kloop *, CURL *easy, kloop_done_cb, void *data);

/* Like kloop_add for a CURLOPT_CONNECT_ONLY handle (ws.c): when it
 * connects (done_cb with CURLE_OK) the handle stays in the multi, because
 * curl closes a connect-only connection whose handle leaves the multi; its
 * socket is then the caller's to poll until kloop_remove ends it. A failed
 * connect is reported and removed as with kloop_add. */
int kloop_add_connect(struct kloop *, CURL *easy, kloop_done_cb, void *data);

/* Abort a transfer without calling its done_cb. released (optional) runs
 * once curl has let go of the handle: at once, or right after the current
 * action when called from inside a curl callback. */
void kloop_remove(struct kloop *, CURL *easy, kloop_released_cb, void *data);

/* Number of transfers under way (for tests and stats). */
int kloop_running(struct kloop *);

/* Shut down: remaining transfers are dropped without callbacks (remove
 * them first), curl is cleaned up while the loop still runs, every handle
 * is closed, then done(data) runs and the kloop is freed. */
void kloop_close(struct kloop *, void (*done)(void *), void *data);

#endif
