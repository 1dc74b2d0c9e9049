/* fuzz_check.h
 * What every amftcp fuzz target shares: an event sink that checks each event
 * against the contract in amf.h and reads every byte an event points at (so
 * AddressSanitizer sees a bad span or a dangling string at once), the checks
 * on a decode's result, and a strict JSON validator for amf.json.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A broken invariant prints what broke and calls abort(): libFuzzer then
 * saves the input as a crash, and a replay shows the same message.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include "amf.h"
#include "amf_frame.h"
#include "amf_json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define FZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FZ_PRINTF(a, b)
#endif

/* Print "invariant broken: ..." and abort(). */
_Noreturn void fz_fail(const char *fmt, ...) FZ_PRINTF(1, 2);
#define FZ_REQUIRE(cond, ...) do { if (!(cond)) fz_fail(__VA_ARGS__); } while (0)

/* A cheap, stable hash of the input: picks split points and limits so a
 * replay of one input always takes the same paths. */
uint32_t fz_hash(const uint8_t *data, size_t size);

/* Which entry point a value target drives. */
typedef enum fz_kind {
    FZ_AMF3,
    FZ_AMF0,
    FZ_PACKET
} fz_kind;

amf_status fz_decode(fz_kind kind, const amf_config *cfg, const uint8_t *buf, size_t len,
                     bool complete, amf_result *res);

/* State of the checking sink for one decode; lives on the caller's stack. */
typedef struct fz_open {
    amf_event_kind kind;         /* BEGIN or PART_BEGIN */
    amf_type type;
    uint32_t offset, depth, node;
} fz_open;

#define FZ_MAX_OPEN (AMF_MAX_DEPTH_CEILING + 8)

typedef struct fz_check {
    const uint8_t *buf;          /* the decoded buffer, exactly len bytes */
    size_t     len;
    bool       packet;           /* amf_decode_packet: envelope events allowed */
    fz_open    open[FZ_MAX_OPEN];/* containers and parts begun, not yet ended */
    uint32_t   n_open;
    uint32_t   containers;       /* BEGINs among them: the expected depth */
    bool       packet_begun, packet_ended;
    bool       error_seen;       /* an ERROR event went out */
    uint32_t   events;
    uint32_t   stop_after;       /* set *stop after this many events (0: never) */
    bool       stop;             /* cfg.stop points here */
    amf_event_fn next;           /* chained sink (the JSON renderer), may be NULL */
    void      *next_user;
    volatile uint32_t touched;   /* sum of the bytes read, so reads are not optimized away */
} fz_check;

void fz_check_init(fz_check *c, const uint8_t *buf, size_t len, bool packet);
/* An amf_event_fn: user is the fz_check. */
void fz_check_event(void *user, const amf_event *ev);
/* After the decode returned: its result against what the events said.
 * with_sink: the decode had this checker as its sink. */
void fz_check_result(const fz_check *c, const amf_result *res, size_t len, bool complete,
                     bool with_sink);

/* A copy of buf[0, n) in its own allocation (free() it), so that AddressSanitizer
 * catches a read past n. */
uint8_t *fz_exact_copy(const uint8_t *buf, size_t n);

/* Run the value checks a value target does on one input: complete and
 * streaming decodes, with and without a sink, prefixes, low limits, a
 * failing allocator. */
void fz_run_value(fz_kind kind, const uint8_t *data, size_t size);

/* Decode data as `kind` into amf.json (complete, as the plugin does) and
 * validate the document. */
void fz_run_json(fz_kind kind, const uint8_t *data, size_t size, uint32_t max_depth,
                 const amf_allocator *alloc);

/* A whole-document strict JSON (RFC 8259) check with valid UTF-8 strings;
 * also rejects "$..." keys the amf.json mapping does not define. */
bool fz_json_valid(const char *text, size_t len, bool *has_error_key, char *why,
                   size_t why_len);

/* An allocator that refuses the n-th request and every later one. */
typedef struct fz_failing_alloc {
    uint32_t calls, fail_from;
} fz_failing_alloc;
amf_allocator fz_failing_allocator(fz_failing_alloc *state, uint32_t fail_from);

#endif /* FUZZ_CHECK_H */
