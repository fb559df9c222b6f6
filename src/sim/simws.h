/*
 * Server-side WebSocket for kpod-sim: the RFC 6455 handshake answer
 * (Sec-WebSocket-Accept, subprotocol choice) and a session that frames
 * binary messages with wslay on an already-upgraded libuv stream. It knows
 * nothing about Kubernetes channels; exec and port-forward sit on top.
 */
#ifndef KPOD_SIMWS_H
#define KPOD_SIMWS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct simws;

/* What a session tells its user. closed() runs exactly once, when the
 * session is over (peer closed, connection lost, simws_close finished or
 * the list was aborted); the simws must not be used after it returns. */
struct simws_ops {
    void (*message)(struct simws *, const uint8_t *, size_t, void *data);
    void (*closed)(struct simws *, void *data);
};

/* The upgraded connection a session writes to. The owner feeds what it
 * reads to simws_feed() and reports a lost connection with
 * simws_io_closed(). close() may call simws_io_closed() back. */
struct simws_io {
    int (*write)(void *io, const void *, size_t); /* queue; 0 or -1 */
    size_t (*queued)(void *io); /* bytes not yet written; NULL = 0 */
    void (*close)(void *io);    /* hang up now */
    void *io;
};

/* Live sessions of one simulator, so that shutdown can end them. */
struct simws_list {
    struct simws *head;
};

/* Pick the first protocol in the client's comma-separated offer (NULL or
 * "" = none offered) that is in supported (NULL-terminated). Returns the
 * supported entry, "" when nothing was offered and allow_none is set, or
 * NULL when nothing matches. */
const char *simws_negotiate(const char *offer, const char *const *supported,
                            int allow_none);

/* Write the 101 answer for key/protocol through io and run a session
 * there, linked into list (may be NULL). Never fails (errors end the
 * session, reported through closed() from the loop). */
struct simws *simws_start(uv_loop_t *, struct simws_list *,
                          const struct simws_io *, const char *key,
                          const char *protocol, const struct simws_ops *,
                          void       *data);
/* Bytes read from the connection. */
void simws_feed(struct simws *, const void *, size_t);
/* The connection is gone (the owner closed it or the peer hung up). */
void simws_io_closed(struct simws *);
/* Bytes the transport still holds (for flow control). */
size_t simws_queued(struct simws *);
/* Queue one binary message. Ignored once closing. */
void simws_send(struct simws *, const uint8_t *, size_t);
/* Queue one binary message: a channel byte followed by payload. */
void simws_send_channel(struct simws *, int channel, const void *, size_t);
/* Send a close frame (after everything queued) and end the session when
 * the peer answers, hangs up, or after a few seconds. */
void simws_close(struct simws *, uint16_t code);
/* The negotiated subprotocol ("" for none). */
const char *simws_protocol(struct simws *);
/* End every session of list now (simulator shutdown). */
void simws_list_abort(struct simws_list *);

#endif
