/*
 * Writing bytes the caller does not keep to a libuv stream: written at
 * once with uv_try_write when the stream's queue is empty (no copy, no
 * allocation, the common case on a fast path), otherwise the rest is
 * copied into one allocation and queued. Port-forward's and the
 * simulator's byte pumps use it.
 */
#ifndef KPOD_KWRITE_H
#define KPOD_KWRITE_H

#include <stddef.h>
#include <uv.h>

/* Write n bytes at p. done, if not NULL, runs with data and the status
 * when a queued remainder is written (not when everything went at once:
 * then it returns 1). 0 when queued, 1 when all written now, or a
 * negative libuv error (nothing queued then). */
int kwrite(uv_stream_t *, const void *p, size_t n,
           void (*done)(void *data, int status), void *data);

#endif
