/*
 * The Kubernetes channel protocol spoken inside exec and port-forward
 * WebSockets (v4/v5.channel.k8s.io): one channel byte before each message's
 * payload, the v5 close signal (channel 255), exec's status channel (a
 * metav1.Status giving the exit code) and port-forward's 2-byte port prefix.
 * Pure functions and small parsers; the sockets are ws.c's.
 */
#ifndef KPOD_CHANNEL_H
#define KPOD_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

struct kbuf;
struct ws;

/* Exec channels. */
#define CHANNEL_STDIN 0
#define CHANNEL_STDOUT 1
#define CHANNEL_STDERR 2
#define CHANNEL_ERROR 3
#define CHANNEL_RESIZE 4
#define CHANNEL_CLOSE 255

/* What to offer, preferred first (NULL-terminated). */
extern const char *const channel_exec_protocols[];        /* v5, v4 */
extern const char *const channel_portforward_protocols[]; /* v4 */

/* 5 for v5.channel.k8s.io, 4, 3, 2, and 1 for channel.k8s.io or "" (the
 * server chose none); 0 for anything else. */
int channel_version(const char *protocol);

/* One message: the channel byte then payload, appended to out. */
void channel_encode(struct kbuf *out, int channel, const void *, size_t);
/* Send payload on channel over ws (ws_send's result). */
int channel_send(struct ws *, int channel, const void *, size_t);
/* v5 only: tell the server channel is closed ([255, channel]). */
int channel_send_close(struct ws *, int channel);
/* The resize message body: {"Width":w,"Height":h}. Caller frees. */
char *channel_resize_json(int width, int height);

/* Decode exec's status channel. v4+: a metav1.Status; Success gives 0,
 * NonZeroExitCode gives the ExitCode cause (0-255); any other failure
 * gives -1 and *message (caller frees). Before v4 the channel carries
 * plain error text: -1 with that text. */
int channel_exec_status(int version, const uint8_t *, size_t, char **message);

/* Port-forward (v4): ports in request order; data channel 2i, error
 * channel 2i+1, each starting with the port as 2 bytes little-endian. */
struct channel_pf {
    int     nports;
    int     ports[8];
    uint8_t prefixed[16]; /* per channel: the port prefix was seen */
};

enum channel_pf_kind {
    CHANNEL_PF_NONE,  /* consumed (prefix, empty message) */
    CHANNEL_PF_DATA,  /* bytes from the pod for ports[index] */
    CHANNEL_PF_ERROR, /* error text for ports[index] */
    CHANNEL_PF_CLOSE, /* the server closed a channel (255) */
    CHANNEL_PF_BAD,   /* protocol violation: text says what */
};

struct channel_pf_event {
    enum channel_pf_kind kind;
    int                  index;
    const uint8_t       *data; /* borrowed from the message */
    size_t               len;
    char                 text[128]; /* CHANNEL_PF_BAD */
};

/* Start a parser for ports (at most 8). 0, or -1. */
int channel_pf_init(struct channel_pf *, const int *ports, int nports);
/* Classify one message from the server. */
void channel_pf_input(struct channel_pf *, const uint8_t *, size_t,
                      struct channel_pf_event *);

#endif
