/* amf_envelope.h
 * The messages of one AMF packet envelope as Flash Remoting pairs them: a
 * request message names a response URI ("/1"), and the message that
 * answers it has the target URI "/1/onResult" (a result) or "/1/onStatus"
 * (a fault).  Collected from amf_decode_packet's events.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reference: AMF0 spec section 4; the onResult/onStatus suffixes are those
 * of NetConnection.call responders (Flash Player, BlazeDS, AMFPHP).
 */
#ifndef AMF_ENVELOPE_H
#define AMF_ENVELOPE_H

#include "amf.h"

/* What a message of an envelope is to the request/response pairing. */
typedef enum amf_envelope_role {
    AMF_ENVELOPE_OTHER = 0,   /* neither: no response URI, or a target of its own */
    AMF_ENVELOPE_REQUEST,     /* asks for an answer at its response URI */
    AMF_ENVELOPE_RESULT,      /* target "<response URI>/onResult" */
    AMF_ENVELOPE_STATUS       /* target "<response URI>/onStatus": a fault */
} amf_envelope_role;

/* "request", "result", "status", "other". */
const char *amf_envelope_role_name(amf_envelope_role role);

/* role of a message with this target and response URI; for RESULT and
 * STATUS, *request_uri is the part of target before the suffix (the
 * response URI of the request answered), else empty. */
amf_envelope_role amf_envelope_classify(amf_str target, amf_str response, amf_str *request_uri);

typedef struct amf_envelope_message {
    amf_str           target;       /* target URI */
    amf_str           response;     /* response URI */
    amf_envelope_role role;
    amf_str           key;          /* the URI that pairs it: REQUEST its response URI,
                                       RESULT/STATUS the request's; empty for OTHER */
    uint32_t          offset;       /* the message (part) in the envelope */
    uint32_t          length;
} amf_envelope_message;

/* Messages kept per envelope; the message count field is a U16, but one
 * Remoting batch rarely holds more than a few dozen calls.  Later ones are
 * counted, not kept. */
#define AMF_ENVELOPE_MAX_MESSAGES 64

/* Strings point into the decoded buffer. */
typedef struct amf_envelope {
    amf_envelope_message messages[AMF_ENVELOPE_MAX_MESSAGES];
    uint32_t             count;     /* kept */
    uint32_t             seen;      /* message parts begun, kept or not */
    bool                 open;      /* messages[count] waits for its PART_END */
} amf_envelope;

void amf_envelope_init(amf_envelope *e);
/* Feed every event of one amf_decode_packet. */
void amf_envelope_event(amf_envelope *e, const amf_event *ev);

/* Decode the envelope at buf (complete) with cfg's limits and allocator
 * (its sink is replaced) and collect its messages into e. */
amf_status amf_envelope_scan(const amf_config *cfg, const uint8_t *buf, size_t len,
                             amf_envelope *e);

#endif /* AMF_ENVELOPE_H */
