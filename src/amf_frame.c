/* amf_frame.c
 * Message boundaries on a stream, and framing detection from its first bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_frame.h"

#include <stdio.h>
#include <string.h>

/* ---- names ----------------------------------------------------------- */

const char *amf_framing_name(const amf_framing *f)
{
    static const char *const prefixed[2][2][2][2] = {
        /* [prefix 4?][little-endian?][includes prefix?][AMF3?] */
        { { { "u16be+amf0", "u16be+amf3" }, { "u16be-incl+amf0", "u16be-incl+amf3" } },
          { { "u16le+amf0", "u16le+amf3" }, { "u16le-incl+amf0", "u16le-incl+amf3" } } },
        { { { "u32be+amf0", "u32be+amf3" }, { "u32be-incl+amf0", "u32be-incl+amf3" } },
          { { "u32le+amf0", "u32le+amf3" }, { "u32le-incl+amf0", "u32le-incl+amf3" } } },
    };
    switch (f->kind) {
    case AMF_FRAME_LENGTH:
        return prefixed[f->prefix == 4][f->little_endian][f->includes_prefix]
                       [f->version == AMF_VERSION_3];
    case AMF_FRAME_BARE:
        return f->version == AMF_VERSION_3 ? "bare+amf3" : "bare+amf0";
    case AMF_FRAME_PACKET:
        return "packet";
    default:
        return "unknown";
    }
}

const char *amf_framing_description(const amf_framing *f)
{
    static const char *const prefixed[2][2][2][2] = {
        { { { "2-byte big-endian length + AMF0 value", "2-byte big-endian length + AMF3 value" },
            { "2-byte big-endian length (prefix included) + AMF0 value",
              "2-byte big-endian length (prefix included) + AMF3 value" } },
          { { "2-byte little-endian length + AMF0 value", "2-byte little-endian length + AMF3 value" },
            { "2-byte little-endian length (prefix included) + AMF0 value",
              "2-byte little-endian length (prefix included) + AMF3 value" } } },
        { { { "4-byte big-endian length + AMF0 value", "4-byte big-endian length + AMF3 value" },
            { "4-byte big-endian length (prefix included) + AMF0 value",
              "4-byte big-endian length (prefix included) + AMF3 value" } },
          { { "4-byte little-endian length + AMF0 value", "4-byte little-endian length + AMF3 value" },
            { "4-byte little-endian length (prefix included) + AMF0 value",
              "4-byte little-endian length (prefix included) + AMF3 value" } } },
    };
    switch (f->kind) {
    case AMF_FRAME_LENGTH:
        return prefixed[f->prefix == 4][f->little_endian][f->includes_prefix]
                       [f->version == AMF_VERSION_3];
    case AMF_FRAME_BARE:
        return f->version == AMF_VERSION_3 ? "AMF3 values back to back, no length"
                                           : "AMF0 values back to back, no length";
    case AMF_FRAME_PACKET:
        return "AMF packet envelope (Flash Remoting)";
    default:
        return "not detected";
    }
}

/* ---- measuring ------------------------------------------------------- */

static uint32_t read_prefix(const amf_framing *f, const uint8_t *p)
{
    if (f->prefix == 2)
        return f->little_endian ? (uint32_t)(p[1] << 8 | p[0]) : (uint32_t)(p[0] << 8 | p[1]);
    if (f->little_endian)
        return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static amf_status measure_walk(const amf_framing *f, const uint8_t *buf, size_t len,
                               uint32_t max_message, amf_frame *out)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_message = max_message;
    amf_result res;
    if (f->kind == AMF_FRAME_PACKET)
        amf_decode_packet(&cfg, buf, len, false, &res);
    else
        amf_decode(&cfg, f->version, buf, len, false, &res);
    out->status = res.status;
    out->error = res.error;
    if (res.status == AMF_OK)
        out->length = res.length;
    else if (res.status == AMF_NEED_MORE)
        out->need = res.need ? res.need : 1;
    else
        out->stopped = res.length;
    memcpy(out->message, res.message, sizeof out->message);
    return out->status;
}

amf_status amf_frame_measure(const amf_framing *f, const uint8_t *buf, size_t len,
                             uint32_t max_message, amf_frame *out)
{
    memset(out, 0, sizeof *out);
    if (f->kind == AMF_FRAME_BARE || f->kind == AMF_FRAME_PACKET)
        return measure_walk(f, buf, len, max_message, out);
    if (f->kind != AMF_FRAME_LENGTH) {
        out->status = AMF_MALFORMED;
        out->error = AMF_ERR_BAD_VALUE;
        snprintf(out->message, sizeof out->message, "framing not known");
        return out->status;
    }
    out->header = f->prefix;
    if (len < f->prefix) {
        out->status = AMF_NEED_MORE;
        out->need = (uint32_t)(f->prefix - len);
        return out->status;
    }
    uint32_t claimed = read_prefix(f, buf);
    out->claimed = claimed;
    uint64_t total = f->includes_prefix ? claimed : (uint64_t)claimed + f->prefix;
    if (f->includes_prefix && claimed < f->prefix) {
        out->status = AMF_MALFORMED;
        out->error = AMF_ERR_BAD_VALUE;
        snprintf(out->message, sizeof out->message,
                 "length %u is shorter than its own %u-byte prefix", claimed, f->prefix);
        return out->status;
    }
    if (total - f->prefix > max_message) {
        out->status = AMF_LIMIT;
        out->error = AMF_ERR_SIZE_LIMIT;
        snprintf(out->message, sizeof out->message,
                 "length %u is over the largest message accepted (%u bytes)",
                 claimed, max_message);
        return out->status;
    }
    out->status = AMF_OK;
    out->length = (uint32_t)total;
    return out->status;
}

/* ---- policy files ---------------------------------------------------- */

static bool starts_with(const uint8_t *buf, size_t len, const char *text)
{
    size_t n = strlen(text);
    return memcmp(buf, text, len < n ? len : n) == 0;
}

amf_status amf_policy_measure(const uint8_t *buf, size_t len, uint32_t *length)
{
    *length = 0;
    if (len == 0)
        return AMF_NEED_MORE;
    if (!starts_with(buf, len, AMF_POLICY_REQUEST) && !starts_with(buf, len, "<?xml") &&
        !starts_with(buf, len, "<cross-domain-policy"))
        return AMF_MALFORMED;
    size_t limit = len < AMF_POLICY_MAX_LENGTH ? len : AMF_POLICY_MAX_LENGTH;
    const uint8_t *nul = memchr(buf, 0, limit);
    if (nul) {
        *length = (uint32_t)(nul - buf) + 1;
        return AMF_OK;
    }
    if (len >= AMF_POLICY_MAX_LENGTH)
        return AMF_MALFORMED;
    /* Text without a NUL yet: more is needed, unless it already has bytes a
     * policy text never holds. */
    for (size_t i = 0; i < len; i++) {
        if (buf[i] < 0x09 || (buf[i] > 0x0d && buf[i] < 0x20))
            return AMF_MALFORMED;
    }
    return AMF_NEED_MORE;
}

/* ---- plausibility ---------------------------------------------------- */

/* Names longer than this are not identifiers anyone writes. */
#define AMF_PLAUSIBLE_NAME_MAX 1024u

typedef struct plausible_check {
    bool     ok;
    bool     stop;       /* !ok: decoding need not go on */
    amf_type top;        /* type of the top-level value */
    uint32_t opaque;     /* bytes any data would fill: numbers, vector items, ByteArray bytes */
    uint32_t parts;      /* envelope: headers and messages announced */
    bool     strict;     /* the bytes must convince on their own */
} plausible_check;

/* Text people write: no NUL, and when strict no other control character
 * but tab, CR and LF (random bytes have one every few bytes). */
static bool text_plausible(amf_str s, bool strict)
{
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == 0 || (strict && c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            return false;
    }
    return true;
}

static bool name_plausible(amf_str s)
{
    if (s.len > AMF_PLAUSIBLE_NAME_MAX)
        return false;
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

/* Printable ASCII, as class aliases are. */
static bool class_name_plausible(amf_str s)
{
    for (uint32_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

static void plausible_inspect(plausible_check *c, const amf_event *ev)
{
    switch (ev->kind) {
    case AMF_EV_WARNING:
        c->ok = false;
        return;
    case AMF_EV_SCALAR:
    case AMF_EV_BEGIN:
    case AMF_EV_REFERENCE:
        if (ev->depth == 0 && (ev->role == AMF_ROLE_TOP || ev->role == AMF_ROLE_BODY) && !c->top)
            c->top = ev->type;
        if (ev->role == AMF_ROLE_MEMBER && ev->name.ptr && !name_plausible(ev->name))
            c->ok = false;
        if (!name_plausible(ev->class_name) || !name_plausible(ev->element_type))
            c->ok = false;
        /* Class names are ActionScript/Java identifiers. */
        if (c->strict && (!class_name_plausible(ev->class_name) ||
                          !class_name_plausible(ev->element_type)))
            c->ok = false;
        if (ev->kind == AMF_EV_SCALAR && ev->type == AMF_TYPE_DATE &&
            !(ev->number > -8.64e15 && ev->number < 8.64e15))
            c->ok = false;
        /* Numbers, vector items and ByteArray bytes take any value: no
         * evidence of AMF. */
        if (ev->kind == AMF_EV_SCALAR && (ev->flags & AMF_F_NO_MARKER))
            c->opaque += ev->length;
        else if (ev->kind == AMF_EV_SCALAR && (ev->type == AMF_TYPE_BYTE_ARRAY ||
                                               ev->type == AMF_TYPE_NUMBER ||
                                               ev->type == AMF_TYPE_INTEGER))
            c->opaque += ev->data_length;
        /* Control bytes are valid UTF-8 but rarely real text. */
        if (ev->kind == AMF_EV_SCALAR && (ev->type == AMF_TYPE_STRING || ev->type == AMF_TYPE_XML ||
                                          ev->type == AMF_TYPE_XML_DOCUMENT) &&
            !text_plausible(ev->str, c->strict))
            c->ok = false;
        return;
    case AMF_EV_PART_BEGIN:
        if (!name_plausible(ev->name) || !name_plausible(ev->str))
            c->ok = false;
        return;
    case AMF_EV_PACKET_BEGIN:
    case AMF_EV_PACKET_COUNT:
        c->parts += ev->count;
        return;
    default:
        return;
    }
}

static void plausible_event(void *user, const amf_event *ev)
{
    plausible_check *c = user;
    plausible_inspect(c, ev);
    c->stop = !c->ok;
}

static bool top_plausible(amf_type t)
{
    switch (t) {
    case AMF_TYPE_OBJECT:
    case AMF_TYPE_ECMA_ARRAY:
    case AMF_TYPE_ARRAY:
    case AMF_TYPE_VECTOR_INT:
    case AMF_TYPE_VECTOR_UINT:
    case AMF_TYPE_VECTOR_NUMBER:
    case AMF_TYPE_VECTOR_OBJECT:
    case AMF_TYPE_DICTIONARY:
    case AMF_TYPE_STRING:
    case AMF_TYPE_XML:
    case AMF_TYPE_XML_DOCUMENT:
        return true;
    default:
        return false;
    }
}

/* strict: text and class names as people write them; strict_top: and a
 * container or text at the top. */
static bool run_plausible_top(bool packet, amf_version version, const uint8_t *buf, size_t len,
                              bool complete, bool strict, bool strict_top, uint32_t *consumed,
                              uint32_t *opaque)
{
    plausible_check c = { .ok = true, .stop = false, .top = 0, .opaque = 0, .parts = 0,
                          .strict = strict };
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.sink = plausible_event;
    cfg.user = &c;
    cfg.stop = &c.stop;
    amf_result res;
    if (packet)
        amf_decode_packet(&cfg, buf, len, complete, &res);
    else
        amf_decode(&cfg, version, buf, len, complete, &res);
    *consumed = 0;
    if (opaque)
        *opaque = c.opaque;
    if (!c.ok)
        return false;
    if (strict_top && !packet && !top_plausible(c.top))
        return false;
    /* An envelope with neither headers nor messages: six zero bytes. */
    if (strict && packet && c.parts == 0)
        return false;
    if (res.status == AMF_OK) {
        *consumed = res.length;
        return true;
    }
    if (res.status == AMF_NEED_MORE && !complete &&
        res.length >= AMF_PLAUSIBLE_PARTIAL + c.opaque) {
        /* Cut short: every byte here belongs to the value, and enough of
         * them had to have AMF's structure. */
        *consumed = (uint32_t)len + 1;
        return true;
    }
    return false;
}

static bool run_plausible(bool packet, amf_version version, const uint8_t *buf, size_t len,
                          bool complete, bool strict, uint32_t *consumed, uint32_t *opaque)
{
    return run_plausible_top(packet, version, buf, len, complete, strict, strict, consumed, opaque);
}

bool amf_value_evidence(bool packet, amf_version version, const uint8_t *buf, size_t len,
                        bool complete, uint32_t *consumed, uint32_t *opaque)
{
    return run_plausible_top(packet, version, buf, len, complete, true, false, consumed, opaque);
}

bool amf_value_plausible(amf_version version, const uint8_t *buf, size_t len, bool complete,
                         bool strict, uint32_t *consumed)
{
    return run_plausible(false, version, buf, len, complete, strict, consumed, NULL);
}

/* ---- detection ------------------------------------------------------- */

/* Markers a top-level value may start with, per encoding: a cheap first
 * test before any decoding. */
static bool marker_may_start(amf_version v, uint8_t m, bool strict)
{
    if (v == AMF_VERSION_3) {
        if (strict)
            return m == AMF3_STRING || m == AMF3_XML_DOC || m == AMF3_ARRAY || m == AMF3_OBJECT ||
                   m == AMF3_XML || (m >= AMF3_VECTOR_INT && m <= AMF3_DICTIONARY);
        return m <= AMF3_DICTIONARY;
    }
    if (strict)
        return m == AMF0_STRING || m == AMF0_OBJECT || m == AMF0_ECMA_ARRAY ||
               m == AMF0_STRICT_ARRAY || m == AMF0_LONG_STRING || m == AMF0_XML_DOC ||
               m == AMF0_TYPED_OBJECT || m == AMF0_AVMPLUS;
    return m <= AMF0_AVMPLUS && m != AMF0_OBJECT_END && m != AMF0_REFERENCE;
}

static bool detect_length(const amf_framing *f, const uint8_t *buf, size_t len,
                          uint32_t max_message, bool strict)
{
    amf_frame fr;
    if (amf_frame_measure(f, buf, len, max_message, &fr) != AMF_OK)
        return false;
    uint32_t value_len = fr.length - fr.header;
    if (value_len == 0 || len <= fr.header)
        return false;
    if (!marker_may_start(f->version, buf[fr.header], strict))
        return false;
    size_t avail = len - fr.header;
    uint32_t consumed;
    if (value_len <= avail) {
        if (!amf_value_plausible(f->version, buf + fr.header, value_len, true, strict, &consumed) ||
            consumed != value_len)
            return false;
        /* A following message, if any, must frame too. */
        size_t next = fr.length;
        if (next < len) {
            amf_frame nf;
            amf_status st = amf_frame_measure(f, buf + next, len - next, max_message, &nf);
            if (st != AMF_OK && st != AMF_NEED_MORE)
                return false;
            if (st == AMF_OK && nf.length <= len - next &&
                (!amf_value_plausible(f->version, buf + next + nf.header, nf.length - nf.header,
                                      true, false, &consumed) ||
                 consumed != nf.length - nf.header))
                return false;
        }
        return true;
    }
    /* The first message continues in later segments: what is here must be a
     * plausible beginning of a value that does not end early. */
    return amf_value_plausible(f->version, buf + fr.header, avail, false, strict, &consumed) &&
           consumed > avail;
}

/* A bare value whose structure (its bytes less numbers, vector items and
 * ByteArray bytes) is shorter than this is too little evidence on its own:
 * "06 01" (an empty string) or a Vector.<int> of random numbers. */
#define AMF_PLAUSIBLE_BARE_EVIDENCE 6u

static bool detect_bare(amf_version version, const uint8_t *buf, size_t len, bool strict)
{
    if (!marker_may_start(version, buf[0], strict))
        return false;
    uint32_t consumed, opaque;
    if (!run_plausible(false, version, buf, len, false, strict, &consumed, &opaque))
        return false;
    /* A whole value (not cut by the end of buf) must show some structure. */
    if (strict && consumed <= len && consumed - opaque < AMF_PLAUSIBLE_BARE_EVIDENCE)
        return false;
    if (consumed >= len)
        return true;    /* ends with the segment, or continues past it */
    /* Another value follows in the same segment: it must start plausibly. */
    uint32_t next;
    return marker_may_start(version, buf[consumed], false) &&
           amf_value_plausible(version, buf + consumed, len - consumed, false, false, &next);
}

/* The smallest AMF packet: version, header count, message count. */
#define AMF_PACKET_MIN_LENGTH 6u
/* Beyond these counts an envelope is not what real clients send. */
#define AMF_PACKET_PLAUSIBLE_HEADERS  64u
#define AMF_PACKET_PLAUSIBLE_MESSAGES 1024u

static bool detect_packet(const uint8_t *buf, size_t len, bool strict)
{
    if (len < AMF_PACKET_MIN_LENGTH || buf[0] != 0 || (buf[1] != 0 && buf[1] != 3))
        return false;
    if (strict && (uint32_t)(buf[2] << 8 | buf[3]) > AMF_PACKET_PLAUSIBLE_HEADERS)
        return false;
    uint32_t consumed;
    if (!run_plausible(true, AMF_VERSION_0, buf, len, false, strict, &consumed, NULL))
        return false;
    if (consumed >= len)
        return true;
    /* Another envelope follows: it starts with a version. */
    return buf[consumed] == 0 && (consumed + 1 >= len || buf[consumed + 1] == 0 ||
                                  buf[consumed + 1] == 3);
}

static bool detect_one(const amf_framing *f, const uint8_t *buf, size_t len,
                       uint32_t max_message, bool strict)
{
    switch (f->kind) {
    case AMF_FRAME_LENGTH: return detect_length(f, buf, len, max_message, strict);
    /* Bare values have no length to check them against: even a stream known
     * to be AMF needs convincing values before it is read as bare. */
    case AMF_FRAME_BARE:   return detect_bare(f->version, buf, len, true);
    case AMF_FRAME_PACKET: return detect_packet(buf, len, strict);
    default:               return false;
    }
}

amf_confidence amf_frame_detect(const uint8_t *buf, size_t len, uint32_t max_message,
                                bool strict, const amf_framing *hint, amf_framing *out)
{
    if (len == 0)
        return AMF_DETECT_NO;
    if (hint && hint->kind != AMF_FRAME_UNKNOWN && detect_one(hint, buf, len, max_message, false)) {
        *out = *hint;
        return AMF_DETECT_YES;
    }
    /* Most common first.  A length prefix is tried before bare values: its
     * first bytes are length bytes, which bare markers rarely match. */
    static const uint8_t prefixes[] = { 4, 2 };
    for (size_t p = 0; p < 2; p++) {
        for (int le = 0; le < 2; le++) {
            for (int incl = 0; incl < 2; incl++) {
                for (int v = 0; v < 2; v++) {
                    amf_framing f = {
                        .kind = AMF_FRAME_LENGTH, .prefix = prefixes[p],
                        .little_endian = le, .includes_prefix = incl,
                        .version = v == 0 ? AMF_VERSION_3 : AMF_VERSION_0,
                    };
                    if (detect_one(&f, buf, len, max_message, strict)) {
                        *out = f;
                        return AMF_DETECT_YES;
                    }
                }
            }
        }
    }
    amf_framing packet = { .kind = AMF_FRAME_PACKET, .version = AMF_VERSION_0 };
    if (detect_one(&packet, buf, len, max_message, strict)) {
        *out = packet;
        return AMF_DETECT_YES;
    }
    for (int v = 0; v < 2; v++) {
        amf_framing bare = { .kind = AMF_FRAME_BARE,
                             .version = v == 0 ? AMF_VERSION_3 : AMF_VERSION_0 };
        if (detect_one(&bare, buf, len, max_message, strict)) {
            *out = bare;
            return AMF_DETECT_YES;
        }
    }
    return AMF_DETECT_NO;
}
