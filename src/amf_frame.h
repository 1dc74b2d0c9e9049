/* amf_frame.h
 * Framing: where each AMF message on a TCP stream ends, and which framing a
 * stream uses, told from its first bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Framings seen on raw TCP: a length prefix (2 or 4 bytes, big- or
 * little-endian, counting the prefix or not) before one AMF0 or AMF3 value;
 * bare values back to back (Socket.writeObject); the AMF packet envelope of
 * Flash Remoting.  A Flash policy-file exchange may come first.
 */
#ifndef AMF_FRAME_H
#define AMF_FRAME_H

#include "amf.h"

typedef enum amf_frame_kind {
    AMF_FRAME_UNKNOWN = 0,       /* not detected (yet) */
    AMF_FRAME_LENGTH,            /* length prefix + one value */
    AMF_FRAME_BARE,              /* values back to back */
    AMF_FRAME_PACKET             /* AMF packet envelope(s) back to back */
} amf_frame_kind;

typedef struct amf_framing {
    amf_frame_kind kind;
    uint8_t     prefix;          /* LENGTH: 2 or 4 */
    bool        little_endian;   /* LENGTH */
    bool        includes_prefix; /* LENGTH: the length counts the prefix too */
    amf_version version;         /* LENGTH, BARE: encoding of the values */
} amf_framing;

/* Short name for filters and the Info column: "u32be+amf3", "u16le-incl+amf0",
 * "bare+amf3", "packet".  Static text. */
const char *amf_framing_name(const amf_framing *f);
/* Long form for the tree: "4-byte big-endian length + AMF3 value". */
const char *amf_framing_description(const amf_framing *f);

/* A policy-file request is this text and a NUL; longer answers are capped. */
#define AMF_POLICY_REQUEST         "<policy-file-request/>"
#define AMF_POLICY_MAX_LENGTH      (64u * 1024)

typedef struct amf_frame {
    amf_status status;           /* OK: length known; NEED_MORE; else not framable */
    amf_error  error;
    uint32_t   header;           /* bytes before the value */
    uint32_t   length;           /* OK: whole message, header included */
    uint32_t   need;             /* NEED_MORE: at least this many more bytes */
    uint32_t   claimed;          /* LENGTH: the length field as sent */
    uint32_t   stopped;          /* BARE, PACKET errors: where decoding stopped */
    char       message[200];
} amf_frame;

/* Measure the message at the start of buf.  Cheap for length prefixes; for
 * bare values and envelopes it walks the value without events. */
amf_status amf_frame_measure(const amf_framing *f, const uint8_t *buf, size_t len,
                             uint32_t max_message, amf_frame *out);

/* Policy-file text at the start of buf ("<policy-file-request/>", "<?xml",
 * "<cross-domain-policy")?  OK: its length with the NUL; NEED_MORE: looks
 * like one, no NUL yet; MALFORMED: not policy text. */
amf_status amf_policy_measure(const uint8_t *buf, size_t len, uint32_t *length);

typedef enum amf_confidence {
    AMF_DETECT_NO = 0,           /* not any framing we know */
    AMF_DETECT_YES               /* convincingly this framing */
} amf_confidence;

/* Which framing do these first bytes of a stream direction use?  strict: the
 * bytes must be convincing on their own (the heuristic); otherwise any
 * structurally exact decode will do (a direction of a stream already known to
 * be AMF).  `hint` (may be NULL) is tried first: the other direction's
 * framing. */
amf_confidence amf_frame_detect(const uint8_t *buf, size_t len, uint32_t max_message,
                                bool strict, const amf_framing *hint, amf_framing *out);

/* Is the value at buf (exactly len bytes when complete) plausible AMF:
 * names printable, text valid UTF-8, nothing reserved, and (strict) a
 * container or text at the top?  consumed: the value's length, or len + 1
 * for a value cut short by the end of buf (!complete), which counts when at
 * least AMF_PLAUSIBLE_PARTIAL bytes of it decoded. */
#define AMF_PLAUSIBLE_PARTIAL 24u
bool amf_value_plausible(amf_version version, const uint8_t *buf, size_t len, bool complete,
                         bool strict, uint32_t *consumed);

/* Like amf_value_plausible with strict text and names, but any type at the
 * top (a scalar is weak evidence, not none); packet: an envelope.  opaque:
 * bytes any data would fill (numbers, vector items, ByteArray bytes), which
 * are no evidence of AMF. */
bool amf_value_evidence(bool packet, amf_version version, const uint8_t *buf, size_t len,
                        bool complete, uint32_t *consumed, uint32_t *opaque);

#endif /* AMF_FRAME_H */
