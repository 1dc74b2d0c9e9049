/* amftcp-head.c
 * The head of a stream direction: its bytes from the first one until TCP
 * reassembly takes over, kept so that the messages sent before the framing
 * was known can be decoded once it is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * When TCP saw a connection open, the first payload byte of each direction
 * starts a message.  Until the evidence over that direction's first
 * segments tells its framing (amf_evidence.c), the bytes are appended here,
 * in the first pass only.  Once it does, the head is cut into messages, and
 * TCP reassembly (tcp_dissect_pdus, or desegmenting bare values) takes over
 * at the first message boundary inside the segment being dissected: its
 * offset is `live`.  Later passes (tshark -2, the GUI) decode every message
 * of the head from these bytes, so a connection claimed at its fifth
 * message shows its first four too; the first pass shows them only from the
 * segment where the evidence was complete.
 */
#include "packet-amftcp.h"

#include <string.h>

void amftcp_head_init(amftcp_head *h, uint32_t max_message)
{
    memset(h, 0, sizeof *h);
    h->live = AMFTCP_HEAD_NOT_LIVE;
    h->max_message = max_message;
    h->bytes = wmem_array_sized_new(wmem_file_scope(), 1, 512);
    h->entries = wmem_array_new(wmem_file_scope(), sizeof(amftcp_head_entry));
}

const guint8 *amftcp_head_bytes(const amftcp_head *h)
{
    return h->bytes ? (const guint8 *)wmem_array_get_raw(h->bytes) : NULL;
}

uint32_t amftcp_head_length(const amftcp_head *h)
{
    return h->bytes ? wmem_array_get_count(h->bytes) : 0;
}

void amftcp_head_drop(amftcp_head *h)
{
    if (h->bytes)
        wmem_destroy_array(h->bytes);
    if (h->entries)
        wmem_destroy_array(h->entries);
    h->bytes = NULL;
    h->entries = NULL;
    h->closed = true;
}

bool amftcp_head_add(amftcp_head *h, uint32_t seq, tvbuff_t *tvb, uint32_t *offset,
                     uint32_t *fresh_from)
{
    uint32_t plen = tvb_captured_length(tvb);
    if (!h->bytes || h->closed)
        return false;
    if (!h->started) {
        h->started = true;
        h->base_seq = seq;
    }
    uint32_t have = amftcp_head_length(h);
    int32_t at = (int32_t)(seq - h->base_seq);
    if (at < 0 || (uint32_t)at > have) {
        /* Bytes missing before these (a lost segment), or older than the
         * head: the head ends here. */
        h->closed = true;
        return false;
    }
    *offset = (uint32_t)at;
    *fresh_from = have;
    uint32_t fresh = (uint32_t)at + plen > have ? (uint32_t)at + plen - have : 0;
    if (fresh == 0)
        return true;    /* a retransmission of bytes the head has */
    if (have + fresh > AMFTCP_HEAD_MAX) {
        h->closed = true;
        return false;
    }
    wmem_array_append(h->bytes, tvb_get_ptr(tvb, plen - fresh, fresh), fresh);
    h->segments++;
    if (h->evidence_ready)
        amf_evidence_add_segment(&h->evidence, amftcp_head_bytes(h), amftcp_head_length(h));
    return true;
}

/* Policy-file text may open a direction: the evidence starts after it. */
static bool head_evidence_start(amftcp_head *h)
{
    if (h->evidence_ready)
        return true;
    const guint8 *p = amftcp_head_bytes(h);
    uint32_t len = amftcp_head_length(h);
    uint32_t off = 0, plen;
    amf_status st = AMF_MALFORMED;
    while (off < len && (st = amf_policy_measure(p + off, len - off, &plen)) == AMF_OK)
        off += plen;
    if (off < len && st == AMF_NEED_MORE)
        return false;
    if (off == len && off > 0)
        return false;   /* only policy text so far */
    amf_evidence_init(&h->evidence, off, h->max_message);
    h->evidence_ready = true;
    amf_evidence_add_segment(&h->evidence, p, len);
    return true;
}

amf_verdict amftcp_head_verdict(amftcp_head *h, bool strict, const amf_framing *hint,
                                amf_framing *out)
{
    if (!h->bytes || !head_evidence_start(h))
        return h->closed ? AMF_VERDICT_NONE : AMF_VERDICT_UNDECIDED;
    bool final = h->closed;
    return amf_evidence_verdict(&h->evidence, amftcp_head_bytes(h), amftcp_head_length(h), strict,
                                hint, final, out);
}

bool amftcp_head_promising(const amftcp_head *h)
{
    return h->bytes && h->evidence_ready &&
           amf_evidence_promising(&h->evidence, amftcp_head_length(h));
}

bool amftcp_head_guess(amftcp_head *h, const amf_framing *hint, amf_framing *out)
{
    if (!h->bytes || !head_evidence_start(h))
        return false;
    return amf_evidence_verdict(&h->evidence, amftcp_head_bytes(h), amftcp_head_length(h), false,
                                hint, true, out) == AMF_VERDICT_FRAMED &&
           out->kind == AMF_FRAME_LENGTH;
}

static void add_entry(amftcp_head *h, amftcp_head_kind kind, uint32_t start, uint32_t end,
                      uint32_t header)
{
    amftcp_head_entry e = { .kind = kind, .start = start, .end = end, .header = header };
    wmem_array_append_one(h->entries, e);
    h->walked = end;
}

/* Where bytes that could not be framed end: the segment's end, where the
 * sender's next write starts. */
static uint32_t bad_end(const amftcp_head *h, uint32_t from, uint32_t len)
{
    uint32_t next = h->evidence_ready ? amf_evidence_next_segment_end(&h->evidence, from) : 0;
    return next && next <= len ? next : len;
}

void amftcp_head_frame(amftcp_head *h, const amf_framing *f, uint32_t frame_start)
{
    if (!h->bytes || h->live != AMFTCP_HEAD_NOT_LIVE)
        return;
    amf_framing unknown;
    memset(&unknown, 0, sizeof unknown);
    if (!f)
        f = &unknown;
    const guint8 *p = amftcp_head_bytes(h);
    uint32_t len = amftcp_head_length(h);
    while (h->walked < len) {
        uint32_t at = h->walked;
        uint32_t plen;
        if (!h->amf_seen) {
            amf_status st = amf_policy_measure(p + at, len - at, &plen);
            if (st == AMF_OK) {
                add_entry(h, AMFTCP_HEAD_POLICY, at, at + plen, 0);
                continue;
            }
            if (st == AMF_NEED_MORE)
                break;
        }
        if (f->kind == AMF_FRAME_UNKNOWN)
            return;     /* policy text only, until the framing is known */
        /* A bare value or envelope still arriving is walked again only
         * once it can have the bytes it was known to need. */
        if (len < h->wait)
            break;
        amf_frame fr;
        amf_status st = amf_frame_measure(f, p + at, len - at, h->max_message, &fr);
        if (st == AMF_NEED_MORE) {
            h->wait = len + fr.need;
            break;
        }
        if (st == AMF_OK && fr.length > len - at)
            break;
        h->amf_seen = true;
        if (st == AMF_OK) {
            add_entry(h, AMFTCP_HEAD_MESSAGE, at, at + fr.length, fr.header);
        } else if (f->kind == AMF_FRAME_LENGTH) {
            add_entry(h, AMFTCP_HEAD_BAD_LENGTH, at, bad_end(h, at, len), 0);
        } else {
            /* A bare value or envelope that does not decode: it is shown
             * decoded as far as it goes, up to where the sender's write
             * ended. */
            uint32_t stop = at + fr.stopped < len ? at + fr.stopped : len - 1;
            add_entry(h, AMFTCP_HEAD_MESSAGE, at, bad_end(h, stop, len), 0);
        }
    }
    /* TCP takes over at a message boundary of the segment being dissected:
     * the end of the head if a message ended there, else the start of the
     * message it cuts, when that starts in this segment.  A message that
     * began in an earlier segment keeps the head growing until it ends. */
    if (h->walked == len)
        h->live = len;
    else if (h->walked >= frame_start)
        h->live = h->walked;
    if (h->live != AMFTCP_HEAD_NOT_LIVE)
        h->closed = true;
}

void amftcp_head_fail(amftcp_head *h)
{
    if (!h->bytes || h->live != AMFTCP_HEAD_NOT_LIVE)
        return;
    uint32_t len = amftcp_head_length(h);
    if (h->walked < len)
        add_entry(h, AMFTCP_HEAD_UNFRAMED, h->walked, len, 0);
    h->live = len;
    h->closed = true;
}

const amftcp_head_entry *amftcp_head_entries(const amftcp_head *h, unsigned *count)
{
    *count = h->entries ? wmem_array_get_count(h->entries) : 0;
    return *count ? (const amftcp_head_entry *)wmem_array_get_raw(h->entries) : NULL;
}
