/* amf_json.h
 * Renders one message's events as one compact JSON document (the amf.json
 * field), following the mapping in docs/design.md: typed values that JSON
 * lacks become {"$name": ...} objects, references are written out in full
 * except cycles ({"$ref":N}).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Bounded: references copy the JSON of their target, so a message of a few
 * bytes could otherwise expand exponentially.  Copies stop at a budget tied
 * to the message size, after which references are written as {"$ref":N}
 * (the event stream's AMF_WARN_JSON_REFS tells why), and the whole document
 * never exceeds a hard cap.
 */
#ifndef AMF_JSON_H
#define AMF_JSON_H

#include "amf.h"

/* Reference expansion may copy this many bytes per message byte (plus the
 * slack), enough for real object graphs that share a few objects. */
#define AMF_JSON_REF_FACTOR   16u
#define AMF_JSON_REF_SLACK    (64u * 1024)
/* Hard cap per message byte: above the worst literal expansion (an AMF3
 * undefined, 1 byte, is {"$undefined":true}, 19 bytes, plus a comma). */
#define AMF_JSON_MAX_FACTOR   32u
#define AMF_JSON_MAX_SLACK    (64u * 1024)

typedef struct amf_json_frame amf_json_frame;
typedef struct amf_json_span  amf_json_span;

/* One document being built; init, feed every event, finish, free. */
typedef struct amf_json {
    amf_allocator   alloc;
    char           *buf;          /* the text so far */
    size_t          len, cap;
    size_t          first_cap;    /* the first allocation (from the message size) */
    size_t          max_len;      /* hard cap */
    size_t          ref_budget;   /* bytes reference copies may still add */
    bool            overflow;     /* hit max_len: finish() reports it */
    bool            refs_limited; /* some references were written as $ref */
    amf_json_frame *frames;       /* open containers */
    uint32_t        depth, cap_frames;
    amf_json_span  *spans;        /* node id -> its JSON text, for references */
    uint32_t        cap_spans;
} amf_json;

void amf_json_init(amf_json *j, const amf_allocator *alloc, size_t message_length);
/* An amf_event_fn: user is the amf_json. */
void amf_json_event(void *user, const amf_event *ev);
/* The document, NUL-terminated, owned by j (valid until amf_json_free). */
const char *amf_json_finish(amf_json *j, size_t *len);
void amf_json_free(amf_json *j);

#endif /* AMF_JSON_H */
