/* Standard base64 encoding (RFC 4648). */
#ifndef KPOD_BASE64_H
#define KPOD_BASE64_H

#include <stddef.h>

/* Base64 of n bytes with padding, NUL-terminated (caller frees). */
char *base64_encode(const void *data, size_t n);

#endif
