/*
 * A WebSocket client for the API server's streaming subresources (exec,
 * port-forward). curl connects (TCP, proxy, TLS, client certificates) on a
 * CONNECT_ONLY handle run by the kloop; ws.c writes the HTTP/1.1 upgrade
 * itself, then frames messages with wslay while the libuv loop polls the
 * socket. It knows nothing of Kubernetes channels (channel.c does).
 */
#ifndef KPOD_WS_H
#define KPOD_WS_H

#include <stddef.h>
#include <stdint.h>

struct kclient;
struct ws;

/* How a session ended. Borrowed for the duration of the callback. */
struct ws_end {
    int         code;   /* close code received (1000 ...), 0 = none */
    long        status; /* non-101 HTTP status of a refused upgrade, else 0 */
    const char *reason; /* Status.reason of a refused upgrade, or NULL */
    /* NULL after a close handshake; else one line: the refusal (status
     * line and the server's Status.message) or the transport failure. */
    const char *error;
};

struct ws_ops {
    /* The upgrade succeeded; protocol is the server's choice ("" = none). */
    void (*open)(struct ws *, const char *protocol, void *data);
    /* One whole data message, fragments joined. */
    void (*message)(struct ws *, const uint8_t *, size_t, void *data);
    /* Optional: the send queue went back under ws_send's high-water mark. */
    void (*drained)(struct ws *, void *data);
    /* Exactly once, unless ws_cancel came first; the ws is freed after. */
    void (*closed)(struct ws *, const struct ws_end *, void *data);
};

struct ws_opts {
    const char        *path;      /* "/api/v1/namespaces/N/pods/P/exec?..." */
    const char *const *protocols; /* NULL-terminated offer, preferred first */
    int                ping_ms;   /* keepalive ping period; 0 = 5 s, <0 off */
    int idle_ms; /* fail after this long without input; 0 = 61 s, <0 off */
};

/* The queue size above which ws_send asks for a drained() callback. */
#define WS_HIGH_WATER (1u << 20)

/* Connect and upgrade. NULL with *cause when nothing could start (no
 * callback then); otherwise closed() runs exactly once, later. */
struct ws *ws_connect(struct kclient *, const struct ws_opts *,
                      const struct ws_ops *, void *data, char **cause);

/* Queue one binary message; only after open() (before it: -1).
 * 0, or -1 when not open or closing. */
int ws_send(struct ws *, const void *, size_t);
/* The same for one message made of a then b (no copy to join them). */
int ws_send2(struct ws *, const void *a, size_t an, const void *b, size_t bn);
/* Bytes queued and not yet written. */
size_t ws_queued(struct ws *);
/* Stop (1) or resume (0) reading: backpressure for the receiver. */
void ws_pause(struct ws *, int paused);
/* Start the close handshake; closed() follows. */
void ws_close(struct ws *, uint16_t code);
/* Drop the connection now; no callback runs any more. */
void ws_cancel(struct ws *);
/* The negotiated subprotocol ("" before open or when none). */
const char *ws_protocol(struct ws *);

/* An upgrade answer's head, parsed (ws.c, tests and the fuzzer). */
struct ws_head {
    long  status;         /* 101, 403 ... */
    char *reason;         /* reason phrase of the status line */
    char *upgrade;        /* Upgrade: */
    char *accept;         /* Sec-WebSocket-Accept: */
    char *protocol;       /* Sec-WebSocket-Protocol: (NULL = absent) */
    long  content_length; /* -1 = absent */
    int   chunked;        /* Transfer-Encoding: chunked */
};
/* Parse head (the bytes before the blank line). 0, or -1 when malformed;
 * ws_head_done frees what was filled either way. */
int  ws_head_parse(const char *head, size_t len, struct ws_head *);
void ws_head_done(struct ws_head *);

#endif
