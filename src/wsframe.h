/*
 * WebSocket frame headers (RFC 6455 §5.2) and fast payload masking, for
 * the bulk data paths of ws.c (client) and simws.c (server): wslay masks
 * and unmasks one byte at a time, which capped port-forward throughput,
 * so data frames are framed here and wslay keeps the control frames
 * (ping, pong, close) and the session state.
 */
#ifndef KPOD_WSFRAME_H
#define KPOD_WSFRAME_H

#include <stddef.h>
#include <stdint.h>

struct kbuf;

#define WSFRAME_CONT 0x0
#define WSFRAME_TEXT 0x1
#define WSFRAME_BINARY 0x2
#define WSFRAME_CLOSE 0x8

struct wsframe {
    int      fin, opcode, masked;
    uint8_t  key[4];
    size_t   head; /* header bytes */
    uint64_t len;  /* payload bytes */
};

/* Parse the header at p: 1 with f filled, 0 when more bytes are needed,
 * -1 when malformed (reserved bits, unknown opcode, a fragmented or long
 * control frame, a non-minimal or 64-bit-overflowing length). */
int wsframe_parse(const uint8_t *p, size_t n, struct wsframe *f);
/* XOR n bytes at p with key, the first byte being payload offset off. */
void wsframe_mask(uint8_t *p, size_t n, const uint8_t key[4], uint64_t off);
/* Append one final frame whose payload is a then b (either may be empty),
 * masked with key unless key is NULL. */
void wsframe_encode(struct kbuf *out, int opcode, const uint8_t *key,
                    const void *a, size_t an, const void *b, size_t bn);

#endif
