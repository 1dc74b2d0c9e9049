/* amf_evidence.h
 * Framing evidence gathered over the first segments of one direction of a
 * stream: which framing its bytes keep agreeing with, and whether that,
 * taken together, is convincing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One segment is often too little to tell AMF by: a client that opens with
 * a few integers and booleans sends bytes any binary protocol could send.
 * Every framing we know is followed here as a candidate, message after
 * message, over the bytes of the direction so far (the caller keeps them):
 * a candidate dies when its framing cannot be right, and gains evidence when
 * a message decodes exactly to its end and when a message ends where a
 * segment ended.  Weak messages add up; one convincing message is enough, as
 * before.  When the stream is already known to be AMF (Decode As, the port
 * preference, the other direction claimed), a well-framed message whose
 * value is malformed still tells the framing.
 *
 * Work is linear in the bytes: a candidate walks each message once, except
 * a bare value or envelope cut by the end of the bytes, which is walked
 * again only once enough bytes for it can have arrived.
 */
#ifndef AMF_EVIDENCE_H
#define AMF_EVIDENCE_H

#include "amf_frame.h"

/* Length prefixes (2 and 4 bytes, both byte orders, counting the prefix or
 * not, AMF0 or AMF3), the packet envelope and bare AMF3 and AMF0 values. */
#define AMF_EVIDENCE_CANDIDATES 19u
/* Segment ends remembered for alignment; later segments count as not aligned. */
#define AMF_EVIDENCE_SEGMENTS   64u
/* A length framing whose prefix cannot be right inside a segment skips to
 * the next segment at most this often before it dies. */
#define AMF_EVIDENCE_MAX_FAILED 3u

typedef struct amf_candidate {
    amf_framing framing;
    bool     dead;       /* its framing cannot be right */
    bool     resync;     /* LENGTH: a bad prefix, go on at the next segment start */
    bool     doubtful;   /* LENGTH: the message waiting for its bytes already fails */
    uint32_t pos;        /* offset of its next message */
    uint32_t wait;       /* do not look again before the bytes reach this length */
    uint32_t good;       /* messages whose value decoded exactly, plausibly */
    uint32_t failed;     /* messages framed whose value did not */
    uint32_t failed_deep;/* ... of them, values that failed past their first byte */
    uint32_t partial;    /* bytes those values decoded before failing (capped per message) */
    uint32_t aligned;    /* messages that ended where a segment ended */
    uint32_t structure;  /* bytes of AMF structure in the good messages */
    uint32_t best;       /* the most structure in one good message */
} amf_candidate;

/* One direction's evidence (the caller owns it; plain data, no allocation). */
typedef struct amf_evidence {
    amf_candidate cand[AMF_EVIDENCE_CANDIDATES];
    uint32_t seg_end[AMF_EVIDENCE_SEGMENTS]; /* offsets where segments ended */
    uint32_t segments;   /* segments added (may exceed the ones remembered) */
    uint32_t start;      /* where AMF begins (after policy-file text) */
    uint32_t detect_at;  /* the single-message test runs again at this length */
    uint32_t max_message;
} amf_evidence;

typedef enum amf_verdict {
    AMF_VERDICT_UNDECIDED = 0, /* not yet: give it more segments */
    AMF_VERDICT_FRAMED,        /* this framing */
    AMF_VERDICT_NONE           /* no framing we know fits these bytes */
} amf_verdict;

/* Candidates at offset `start` of the direction's bytes. */
void amf_evidence_init(amf_evidence *e, uint32_t start, uint32_t max_message);

/* The direction's bytes are now buf[0, len), a segment having ended at len:
 * every live candidate walks the messages that are complete. */
void amf_evidence_add_segment(amf_evidence *e, const uint8_t *buf, size_t len);

/* Did a segment end at this offset? */
bool amf_evidence_segment_end(const amf_evidence *e, uint32_t offset);
/* The first segment end after offset, or 0 if none is remembered. */
uint32_t amf_evidence_next_segment_end(const amf_evidence *e, uint32_t offset);

/* Not convincing yet, but every byte so far framed as AMF that decodes:
 * whole length-prefixed messages ending where segments end, or bare values
 * with some structure ending with the bytes; or a first message whose
 * 4-byte length ends it where its segment ends and whose value starts as
 * AMF before it breaks (a hostile or buggy first message). */
bool amf_evidence_promising(const amf_evidence *e, size_t len);

/* What the evidence over buf[0, len) says.  strict: it must convince on its
 * own that this is AMF (the heuristic); otherwise the stream is known to be
 * AMF and only the framing is asked.  hint (may be NULL): the other
 * direction's framing, preferred on a tie.  final: no more bytes will come
 * (a limit was reached): take the best candidate there is.  Notes in e when
 * it last ran its single-message test. */
amf_verdict amf_evidence_verdict(amf_evidence *e, const uint8_t *buf, size_t len,
                                 bool strict, const amf_framing *hint, bool final,
                                 amf_framing *out);

#endif /* AMF_EVIDENCE_H */
