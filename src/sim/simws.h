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

/* The stream a session borrows. release(owner) runs once after closed():
 * from then on the owner must close the stream (no reads or writes of the
 * session are outstanding that touch freed memory). */
struct simws_conn {
    uv_stream_t *stream;
    void (*release)(void *owner);
    void *owner;
};

/* Live sessions of one simulator, so that shutdown can end them. */
struct simws_list {
    struct simws *head;
};

/* Sec-WebSocket-Accept for key: out must hold 29 bytes. */
void simws_accept_key(const char *key, char *out);
/* Pick the first protocol in the client's comma-separated offer (NULL or
 * "" = none offered) that is in supported (NULL-terminated). Returns the
 * supported entry, "" when nothing was offered and allow_none is set, or
 * NULL when nothing matches. */
const char *simws_negotiate(const char *offer, const char *const *supported,
                            int allow_none);
/* Base64 of n bytes (caller frees). */
char *simws_base64(const uint8_t *, size_t);

/* Write the 101 answer for key/protocol on conn->stream and run a session
 * there; leftover bytes already read after the request head are fed to it.
 * The session is linked into list. Never fails (errors end the session). */
struct simws *simws_start(struct simws_list *, const struct simws_conn *,
                          const char *key, const char *protocol,
                          const uint8_t *leftover, size_t nleftover,
                          const struct simws_ops *, void *data);
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
