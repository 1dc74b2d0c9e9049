/* traffic.h
 * The benchmark's AMF3 traffic model: the values a game/chat back end and
 * its Flash/AIR clients exchange, generated deterministically so that every
 * capture kind (raw TCP, HTTP) and the core microbenchmark carry the very
 * same values.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The stream is a sequence of exchanges, numbered from 0: a client request
 * (one small typed object: a move, a chat line, an RPC call, a heartbeat)
 * and the server's answer (one to three values: an acknowledgement, player
 * state, chat broadcasts; sometimes a medium RPC result of a few KB with
 * nested typed objects, shared objects sent by reference and repeated
 * strings; rarely a large 1-16 MiB message).  Exchange k depends only on the
 * seed, the stream's planned size and k.
 */
#ifndef TRAFFIC_H
#define TRAFFIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amf3_writer.h"

/* Shares of the answer kinds, in percent of exchanges (the rest is small). */
#define TRAFFIC_MEDIUM_PERCENT   8u
/* Large messages carry about this share of a stream's AMF bytes... */
#define TRAFFIC_LARGE_SHARE      0.15
/* ...each between these sizes (capped at an eighth of the stream). */
#define TRAFFIC_LARGE_MIN        (1u << 20)
#define TRAFFIC_LARGE_MAX        ((16u << 20) - 64u)
/* Values in one answer, at most. */
#define TRAFFIC_MAX_ANSWER       3u

typedef enum traffic_large_shape {
    TRAFFIC_LARGE_RECORDS,       /* an array of many small typed objects */
    TRAFFIC_LARGE_BYTES          /* an object wrapping one big ByteArray */
} traffic_large_shape;

/* The plan of one stream (immutable once made). */
typedef struct traffic_model {
    uint64_t seed;
    uint64_t planned_bytes;      /* AMF bytes the plan aims at */
    uint64_t exchanges_planned;  /* estimate, from a calibration sample */
    uint32_t n_large;            /* large messages in the plan */
    uint64_t large_every;        /* exchange k carries one when k % large_every == large_phase */
    uint64_t large_phase;
    uint32_t large_cap;          /* largest large message for this size */
} traffic_model;

/* What exchange k is made of. */
typedef struct traffic_exchange {
    uint64_t k;
    uint64_t rng;                /* state the values are drawn from */
    uint32_t n_answer;           /* values in the answer */
    bool     large;              /* the answer is one large message */
    uint32_t large_size;
    traffic_large_shape large_shape;
} traffic_exchange;

/* Plan a stream of about planned_bytes AMF bytes.  Cheap (encodes a small
 * calibration sample). */
void traffic_plan(traffic_model *m, uint64_t seed, uint64_t planned_bytes);

void traffic_exchange_get(const traffic_model *m, uint64_t k, traffic_exchange *ex);

/* Append one value as a fresh top-level AMF3 value to w (tables reset).
 * which: 0 the request, 1..n_answer the answer's values. */
void traffic_write_value(const traffic_exchange *ex, uint32_t which, amf3_writer *w);

/* A single large value of exactly `size` bytes (within a few bytes: the
 * filler is sized to land on it), for the one-message memory test. */
void traffic_write_large(uint64_t seed, traffic_large_shape shape, uint32_t size, amf3_writer *w);

/* Fast deterministic random numbers (splitmix64). */
static inline uint64_t traffic_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint32_t traffic_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(((traffic_rand(s) >> 32) * (uint64_t)n) >> 32);
}

#endif /* TRAFFIC_H */
