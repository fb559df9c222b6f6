/* Sec-WebSocket-Accept (RFC 6455) for a Sec-WebSocket-Key. */
#ifndef KPOD_WSKEY_H
#define KPOD_WSKEY_H

/* The accept value for key into out, which must hold 29 bytes (28
 * characters and the NUL). */
void wskey_accept(const char *key, char *out);

#endif
