/* amf_packet.c
 * The AMF packet envelope of Flash Remoting: version, headers, messages,
 * each header and message carrying one AMF0 value (which may switch to AMF3).
 *
 * Specification: AMF0 spec section 4 ("AMF packet"); a length of 0xFFFFFFFF
 * means "unknown" and is common in AMF3 packets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_decoder.h"

#include <string.h>

#define AMF_PACKET_UNKNOWN_LENGTH 0xFFFFFFFFu
/* The smallest header: name length (2), must-understand (1), length (4), a
 * one-byte value; the smallest message: two lengths (4), length (4), value. */
#define AMF_PACKET_MIN_HEADER  8u
#define AMF_PACKET_MIN_MESSAGE 9u

typedef struct packet_text {
    amf_str  str;
    uint32_t offset, length;
} packet_text;

static packet_text read_text(amf_dec *d, const char *what)
{
    packet_text t;
    memset(&t, 0, sizeof t);
    t.offset = d->r.pos;
    uint16_t len = amf_read_u16(&d->r);
    const uint8_t *p = amf_read_bytes(&d->r, len, t.offset, what);
    if (p) {
        t.str.ptr = (const char *)p;
        t.str.len = len;
        if (len && amf_dec_has_sink(d) && !amf_utf8_valid(t.str.ptr, len))
            amf_emit_warning(d, AMF_WARN_UTF8, t.offset, 2u + len,
                             "%s at offset %u is not valid UTF-8", what, t.offset);
    }
    t.length = d->r.pos - t.offset;
    return t;
}

/* One header or message value: fresh tables, and the declared length
 * checked against the value's own. */
static void decode_part_value(amf_dec *d, uint32_t declared)
{
    amf_tables_clear(&d->amf3);
    d->amf0.count = 0;
    uint32_t start = d->r.pos;
    amf_slot slot;
    memset(&slot, 0, sizeof slot);
    slot.role = AMF_ROLE_BODY;
    amf0_decode_value(d, &slot);
    if (!amf_dec_ok(d)) {
        amf_emit_error_once(d, &slot);
        return;
    }
    if (declared == AMF_PACKET_UNKNOWN_LENGTH)
        return;
    uint32_t used = d->r.pos - start;
    if (used < declared) {
        /* The warning spans those bytes: only once they are here. */
        uint32_t after = d->r.pos;
        if (!amf_read_bytes(&d->r, declared - used, start, "declared length")) {
            amf_emit_error_once(d, &slot);
            return;
        }
        amf_emit_warning(d, AMF_WARN_TRAILING, after, declared - used,
                         "%u bytes after the value, inside its declared length %u",
                         declared - used, declared);
    } else if (used > declared) {
        amf_emit_warning(d, AMF_WARN_TRAILING, start, used,
                         "value takes %u bytes, its declared length is %u", used, declared);
    }
}

static void emit_part(amf_dec *d, amf_event_kind kind, amf_part part, uint32_t index,
                      uint32_t count, uint32_t start)
{
    if (!amf_dec_has_sink(d))
        return;
    amf_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.part = part;
    ev.index = index;
    ev.count = count;
    ev.version = AMF_VERSION_0;
    ev.offset = start;
    ev.length = (amf_dec_ok(d) ? d->r.pos : d->r.len) - start;
    if (!amf_dec_ok(d))
        ev.flags |= AMF_F_TRUNCATED;
    amf_emit(d, &ev);
}

static bool decode_part(amf_dec *d, amf_part part, uint32_t index, uint32_t count)
{
    uint32_t start = d->r.pos;
    packet_text name = read_text(d, part == AMF_PART_HEADER ? "header name" : "target URI");
    packet_text response;
    memset(&response, 0, sizeof response);
    bool must_understand = false;
    if (part == AMF_PART_HEADER)
        must_understand = amf_read_u8(&d->r) != 0;
    else
        response = read_text(d, "response URI");
    uint32_t length_offset = d->r.pos;
    uint32_t declared = amf_read_u32(&d->r);
    if (!amf_dec_ok(d))
        return false;
    if (amf_dec_has_sink(d)) {
        amf_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = AMF_EV_PART_BEGIN;
        ev.part = part;
        ev.index = index;
        ev.count = count;
        ev.version = AMF_VERSION_0;
        ev.offset = start;
        ev.length = d->r.pos - start;
        ev.name = name.str;
        ev.name_offset = name.offset;
        ev.name_length = name.length;
        ev.str = response.str;
        ev.str_offset = response.offset;
        ev.str_length = response.length;
        ev.boolean = must_understand;
        ev.uinteger = declared;
        ev.data_offset = length_offset;
        ev.data_length = 4;
        amf_emit(d, &ev);
    }
    decode_part_value(d, declared);
    emit_part(d, AMF_EV_PART_END, part, index, count, start);
    return amf_dec_ok(d);
}

amf_status amf_decode_packet(const amf_config *cfg, const uint8_t *buf, size_t len,
                             bool complete, amf_result *res)
{
    amf_dec d;
    amf_dec_init(&d, cfg, buf, len, complete);
    uint16_t version = amf_read_u16(&d.r);
    uint16_t headers = amf_read_u16(&d.r);
    if (amf_dec_ok(&d) && amf_dec_has_sink(&d)) {
        amf_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = AMF_EV_PACKET_BEGIN;
        ev.version = AMF_VERSION_0;
        ev.integer = version;
        ev.count = headers;
        ev.offset = 0;
        ev.length = 4;
        amf_emit(&d, &ev);
    }
    if (amf_dec_check_count(&d, headers, AMF_PACKET_MIN_HEADER, 2, "Packet header list")) {
        for (uint32_t i = 0; i < headers; i++) {
            if (!decode_part(&d, AMF_PART_HEADER, i, headers)) {
                amf_reader_need_more(&d.r, (uint64_t)(headers - i - 1) * AMF_PACKET_MIN_HEADER + 2);
                break;
            }
        }
    }
    if (amf_dec_ok(&d)) {
        uint32_t count_offset = d.r.pos;
        uint16_t messages = amf_read_u16(&d.r);
        if (amf_dec_ok(&d) && amf_dec_has_sink(&d)) {
            amf_event ev;
            memset(&ev, 0, sizeof ev);
            ev.kind = AMF_EV_PACKET_COUNT;
            ev.version = AMF_VERSION_0;
            ev.count = messages;
            ev.offset = count_offset;
            ev.length = 2;
            amf_emit(&d, &ev);
        }
        if (amf_dec_check_count(&d, messages, AMF_PACKET_MIN_MESSAGE, count_offset,
                                "Packet message list")) {
            for (uint32_t i = 0; i < messages; i++) {
                if (!decode_part(&d, AMF_PART_MESSAGE, i, messages)) {
                    amf_reader_need_more(&d.r, (uint64_t)(messages - i - 1) * AMF_PACKET_MIN_MESSAGE);
                    break;
                }
            }
        }
    }
    if (!amf_dec_ok(&d) && !d.error_sent && amf_dec_has_sink(&d)) {
        /* Failed in the envelope's own fields, outside any value. */
        amf_slot slot;
        memset(&slot, 0, sizeof slot);
        slot.role = AMF_ROLE_BODY;
        amf_emit_error_once(&d, &slot);
    }
    if (amf_dec_has_sink(&d)) {
        amf_event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = AMF_EV_PACKET_END;
        ev.offset = 0;
        ev.length = amf_dec_ok(&d) ? d.r.pos : d.r.len;
        if (!amf_dec_ok(&d))
            ev.flags |= AMF_F_TRUNCATED;
        amf_emit(&d, &ev);
    }
    return amf_dec_finish(&d, res);
}
