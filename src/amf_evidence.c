/* amf_evidence.c
 * Framing evidence over the first segments of a stream direction.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_evidence.h"

#include <string.h>

/* Weak messages convince together when there are at least this many, with
 * this much AMF structure in all (markers, lengths, text, names: not the
 * bytes of numbers), one of them at least AMF_EVIDENCE_ONE_STRUCTURE bytes
 * (a short string, a container), so that a run of lone bytes that happen to
 * be AMF markers is not enough. */
#define AMF_EVIDENCE_MESSAGES       3u
#define AMF_EVIDENCE_STRUCTURE      10u
#define AMF_EVIDENCE_ONE_STRUCTURE  4u
/* Length-prefixed messages must also have ended where segments ended this
 * often: a sender writes a message at a time. */
#define AMF_EVIDENCE_ALIGNED        2u
/* How far a value decoded before it failed tells its encoding a little:
 * counted up to this many bytes a message. */
#define AMF_EVIDENCE_PARTIAL_MAX    16u
/* The single-message test runs on every one of the first segments. */
#define AMF_EVIDENCE_DETECT_EVERY   8u

static bool same_framing(const amf_framing *a, const amf_framing *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == AMF_FRAME_PACKET)
        return true;
    if (a->version != b->version)
        return false;
    return a->kind != AMF_FRAME_LENGTH ||
           (a->prefix == b->prefix && a->little_endian == b->little_endian &&
            a->includes_prefix == b->includes_prefix);
}

void amf_evidence_init(amf_evidence *e, uint32_t start, uint32_t max_message)
{
    memset(e, 0, sizeof *e);
    e->start = start;
    e->max_message = max_message;
    unsigned n = 0;
    static const uint8_t prefixes[] = { 4, 2 };
    /* The order of amf_frame_detect: most common first. */
    for (unsigned p = 0; p < 2; p++)
        for (int le = 0; le < 2; le++)
            for (int incl = 0; incl < 2; incl++)
                for (int v = 0; v < 2; v++) {
                    amf_framing *f = &e->cand[n++].framing;
                    f->kind = AMF_FRAME_LENGTH;
                    f->prefix = prefixes[p];
                    f->little_endian = le;
                    f->includes_prefix = incl;
                    f->version = v == 0 ? AMF_VERSION_3 : AMF_VERSION_0;
                }
    e->cand[n].framing.kind = AMF_FRAME_PACKET;
    e->cand[n++].framing.version = AMF_VERSION_0;
    e->cand[n].framing.kind = AMF_FRAME_BARE;
    e->cand[n++].framing.version = AMF_VERSION_3;
    e->cand[n].framing.kind = AMF_FRAME_BARE;
    e->cand[n++].framing.version = AMF_VERSION_0;
    for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++)
        e->cand[i].pos = start;
}

bool amf_evidence_segment_end(const amf_evidence *e, uint32_t offset)
{
    uint32_t n = e->segments < AMF_EVIDENCE_SEGMENTS ? e->segments : AMF_EVIDENCE_SEGMENTS;
    for (uint32_t i = 0; i < n; i++) {
        if (e->seg_end[i] == offset)
            return true;
        if (e->seg_end[i] > offset)
            break;
    }
    return false;
}

uint32_t amf_evidence_next_segment_end(const amf_evidence *e, uint32_t offset)
{
    uint32_t n = e->segments < AMF_EVIDENCE_SEGMENTS ? e->segments : AMF_EVIDENCE_SEGMENTS;
    for (uint32_t i = 0; i < n; i++) {
        if (e->seg_end[i] > offset)
            return e->seg_end[i];
    }
    return 0;
}

static void count_message(amf_evidence *e, amf_candidate *c, bool good, uint32_t structure,
                          uint32_t end)
{
    if (good) {
        c->good++;
        c->structure += structure;
        if (structure > c->best)
            c->best = structure;
    } else {
        c->failed++;
    }
    if (amf_evidence_segment_end(e, end))
        c->aligned++;
}

/* Can a value whose first avail bytes are p fill exactly value_len bytes? */
static bool value_may_fill(amf_version version, const uint8_t *p, uint32_t avail,
                           uint32_t value_len)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_message = value_len;
    amf_result res;
    amf_status st = amf_decode(&cfg, version, p, avail, false, &res);
    return st == AMF_NEED_MORE || (st == AMF_OK && res.length == value_len);
}

/* A length prefix, then exactly one value.  A prefix that cannot be right at
 * the start of a segment ends the candidate; inside a segment (a message
 * that overran its own prefix), the candidate goes on where the segment
 * ends, a few times at most. */
static void walk_length(amf_evidence *e, amf_candidate *c, const uint8_t *buf, uint32_t len)
{
    while (!c->dead) {
        if (c->resync) {
            uint32_t next = amf_evidence_next_segment_end(e, c->pos);
            if (next == 0 || next > len)
                return;
            c->pos = next;
            c->resync = false;
        }
        if (c->pos >= len)
            return;
        amf_frame fr;
        amf_status st = amf_frame_measure(&c->framing, buf + c->pos, len - c->pos,
                                          e->max_message, &fr);
        if (st == AMF_NEED_MORE) {
            c->wait = c->pos + c->framing.prefix;
            return;
        }
        if (st != AMF_OK || fr.length == fr.header) {
            bool at_start = c->pos == e->start || amf_evidence_segment_end(e, c->pos);
            if (at_start || ++c->failed > AMF_EVIDENCE_MAX_FAILED)
                c->dead = true;
            else
                c->resync = true;
            continue;
        }
        if (fr.length > len - c->pos) {
            /* What there is of the value already tells whether it can end
             * where its prefix says: looked at once. */
            if (!c->doubtful && len - c->pos > fr.header)
                c->doubtful = !value_may_fill(c->framing.version, buf + c->pos + fr.header,
                                              len - c->pos - fr.header, fr.length - fr.header);
            c->wait = c->pos + fr.length;
            return;
        }
        c->doubtful = false;
        uint32_t value_len = fr.length - fr.header;
        uint32_t consumed = 0, opaque = 0;
        bool good = amf_value_evidence(false, c->framing.version, buf + c->pos + fr.header,
                                       value_len, true, &consumed, &opaque) &&
                    consumed == value_len;
        if (!good) {
            amf_config cfg;
            amf_config_init(&cfg);
            amf_result res;
            if (amf_decode(&cfg, c->framing.version, buf + c->pos + fr.header, value_len, true,
                           &res) != AMF_OK && res.length > 0) {
                c->failed_deep++;
                c->partial += res.length < AMF_EVIDENCE_PARTIAL_MAX ? res.length
                                                                    : AMF_EVIDENCE_PARTIAL_MAX;
            }
        }
        count_message(e, c, good, good ? value_len - opaque : 0, c->pos + fr.length);
        c->pos += fr.length;
        if (c->failed > AMF_EVIDENCE_MAX_FAILED && c->good == 0)
            c->dead = true;
    }
}

/* Bare values or envelopes back to back: each must decode, plausibly. */
static void walk_values(amf_evidence *e, amf_candidate *c, const uint8_t *buf, uint32_t len)
{
    bool packet = c->framing.kind == AMF_FRAME_PACKET;
    while (!c->dead && c->pos < len) {
        /* An envelope starts with version 0 or 3 (AMF0 or AMF3 clients). */
        if (packet && (buf[c->pos] != 0 || (len - c->pos > 1 && buf[c->pos + 1] != 0 &&
                                            buf[c->pos + 1] != 3))) {
            c->dead = true;
            return;
        }
        amf_config cfg;
        amf_config_init(&cfg);
        cfg.max_message = e->max_message;
        amf_result res;
        const uint8_t *p = buf + c->pos;
        uint32_t avail = len - c->pos;
        if (packet)
            amf_decode_packet(&cfg, p, avail, false, &res);
        else
            amf_decode(&cfg, c->framing.version, p, avail, false, &res);
        if (res.status == AMF_NEED_MORE) {
            c->wait = len + (res.need ? res.need : 1);
            return;
        }
        uint32_t consumed = 0, opaque = 0;
        if (res.status != AMF_OK ||
            !amf_value_evidence(packet, c->framing.version, p, res.length, true, &consumed,
                                &opaque) ||
            consumed != res.length) {
            c->dead = true;
            return;
        }
        /* Nobody writes undefined on its own; zero bytes (AMF3's undefined
         * marker) are the commonest filler of other data, and a 4-byte
         * length prefix reads as three of them. */
        bool undefined = !packet && p[0] == (c->framing.version == AMF_VERSION_3 ? AMF3_UNDEFINED
                                                                                  : AMF0_UNDEFINED);
        /* A bare value has no length to agree with: its marker alone tells
         * nothing. */
        uint32_t structure = res.length - opaque > 1 ? res.length - opaque - 1 : 0;
        count_message(e, c, !undefined, structure, c->pos + res.length);
        c->pos += res.length;
    }
}

void amf_evidence_add_segment(amf_evidence *e, const uint8_t *buf, size_t len)
{
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    if (e->segments < AMF_EVIDENCE_SEGMENTS)
        e->seg_end[e->segments] = (uint32_t)len;
    e->segments++;
    for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++) {
        amf_candidate *c = &e->cand[i];
        if (c->dead || len < c->wait)
            continue;
        c->wait = 0;
        if (c->framing.kind == AMF_FRAME_LENGTH)
            walk_length(e, c, buf, (uint32_t)len);
        else
            walk_values(e, c, buf, (uint32_t)len);
    }
}

/* Weak evidence that adds up to a convincing whole. */
/* Still possibly the framing of a stream that must show AMF on its own. */
static bool strict_alive(const amf_candidate *c)
{
    return !c->dead && !c->failed && !c->resync && !c->doubtful;
}

static bool convincing(const amf_candidate *c, uint32_t len)
{
    if (!strict_alive(c) || c->good < AMF_EVIDENCE_MESSAGES ||
        c->structure < AMF_EVIDENCE_STRUCTURE || c->best < AMF_EVIDENCE_ONE_STRUCTURE)
        return false;
    if (c->framing.kind == AMF_FRAME_LENGTH)
        return c->aligned >= AMF_EVIDENCE_ALIGNED;
    /* Bare values have nothing but their ends to check: the last one must
     * end with the bytes. */
    return c->aligned >= 1 && c->pos == len;
}

bool amf_evidence_promising(const amf_evidence *e, size_t len)
{
    for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++) {
        const amf_candidate *c = &e->cand[i];
        if (c->framing.kind == AMF_FRAME_LENGTH && c->framing.prefix == 4 && !c->dead &&
            !c->resync && !c->doubtful && c->good == 0 && c->failed == 1 &&
            c->failed_deep == 1 && c->aligned == 1 && c->pos == len)
            return true;
        if (!strict_alive(c) || c->good == 0)
            continue;
        if (c->framing.kind == AMF_FRAME_LENGTH ? c->aligned >= 1
                                                 : c->pos == len && c->best >= AMF_EVIDENCE_ONE_STRUCTURE)
            return true;
    }
    return false;
}

/* Known to be AMF: how well a candidate that framed messages (decoding or
 * not) fits.  A length prefix that keeps ending messages where segments end
 * is the strongest sign of its framing, whatever the values hold; values
 * that decode add their structure, values that do not count against, less
 * how far they decoded (an encoder's bug is still its encoding). */
static int64_t fit(const amf_candidate *c)
{
    int64_t per_aligned = c->framing.kind == AMF_FRAME_LENGTH ? 8 : 2;
    return per_aligned * c->aligned + c->structure + c->partial - 4 * (int64_t)c->failed;
}

static int compare(const amf_candidate *a, const amf_candidate *b)
{
    int64_t fa = fit(a), fb = fit(b);
    return fa > fb ? 1 : fa < fb ? -1 : 0;
}

amf_verdict amf_evidence_verdict(amf_evidence *e, const uint8_t *buf, size_t len,
                                 bool strict, const amf_framing *hint, bool final,
                                 amf_framing *out)
{
    if (len <= e->start)
        return final ? AMF_VERDICT_NONE : AMF_VERDICT_UNDECIDED;
    /* Known to be AMF and framed like the other direction, as far as these
     * bytes go: that framing, before any other that also fits. */
    if (!strict && hint) {
        for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++) {
            const amf_candidate *c = &e->cand[i];
            if (same_framing(&c->framing, hint) && !c->dead && !c->failed && !c->doubtful &&
                c->good > 0 && (c->framing.kind == AMF_FRAME_LENGTH ? c->aligned > 0
                                                                     : c->pos == len)) {
                *out = c->framing;
                return AMF_VERDICT_FRAMED;
            }
        }
    }
    /* One convincing message is enough, as it always was.  The test walks
     * the bytes from their start: once the first segments are past, it runs
     * again only when they have doubled, so that a first message arriving
     * over many segments costs linear time. */
    if (final || e->segments <= AMF_EVIDENCE_DETECT_EVERY || len >= e->detect_at) {
        if (amf_frame_detect(buf + e->start, len - e->start, e->max_message, strict, hint, out) ==
            AMF_DETECT_YES)
            return AMF_VERDICT_FRAMED;
        e->detect_at = (uint32_t)(len < UINT32_MAX / 2 ? 2 * len : UINT32_MAX);
    }

    bool alive = false;
    const amf_candidate *best = NULL;
    bool tied = false;
    for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++) {
        const amf_candidate *c = &e->cand[i];
        if (c->dead || (strict && !strict_alive(c)))
            continue;
        alive = true;
        if (strict) {
            if (convincing(c, (uint32_t)len)) {
                *out = c->framing;
                return AMF_VERDICT_FRAMED;
            }
            continue;
        }
        if (c->good + c->failed == 0 || c->aligned == 0)
            continue;
        int cmp = best ? compare(c, best) : 1;
        if (cmp > 0) {
            best = c;
            tied = false;
        } else if (cmp == 0) {
            /* The other direction's framing settles a tie. */
            if (hint && same_framing(&c->framing, hint) && !same_framing(&best->framing, hint)) {
                best = c;
                tied = false;
            } else if (!(hint && same_framing(&best->framing, hint))) {
                tied = true;
            }
        }
    }
    if (!alive)
        return AMF_VERDICT_NONE;
    if (strict || !best)
        return final ? AMF_VERDICT_NONE : AMF_VERDICT_UNDECIDED;
    /* Bare values are the weakest evidence: while a length framing whose
     * first message is still arriving fits every byte so far, wait for it
     * (a sender writing a byte at a time aligns everything). */
    if (!final && best->framing.kind != AMF_FRAME_LENGTH) {
        for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++) {
            const amf_candidate *c = &e->cand[i];
            if (c->framing.kind == AMF_FRAME_LENGTH && strict_alive(c) && c->good == 0)
                return AMF_VERDICT_UNDECIDED;
        }
    }
    /* A tie, or a single message that framed but did not decode: the next
     * message tells. */
    if (!final && (tied || (best->good == 0 && (best->framing.kind != AMF_FRAME_LENGTH ||
                                                 best->aligned < AMF_EVIDENCE_ALIGNED))))
        return AMF_VERDICT_UNDECIDED;
    *out = best->framing;
    return AMF_VERDICT_FRAMED;
}
