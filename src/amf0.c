/* amf0.c
 * AMF0 values: every marker 0x00-0x11, the AMF0 object table for references,
 * and the AVM+ marker that switches one value to AMF3.
 *
 * Specification: Action Message Format -- AMF 0 (Adobe, 2007), section 2.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_decoder.h"

#include <string.h>

/* An object-end marker is an empty name (two zero bytes) then 0x09. */
#define AMF0_OBJECT_END_LENGTH 3

/* UTF-8 (u16 length) or UTF-8-long (u32 length) text; checked when events
 * are wanted. */
typedef struct amf0_string {
    amf_str  str;
    uint32_t offset, length;     /* wire span, length field included */
    bool     bad_utf8;
} amf0_string;

static amf0_string read_utf8(amf_dec *d, bool long_form, const char *what)
{
    amf0_string s;
    memset(&s, 0, sizeof s);
    s.offset = d->r.pos;
    uint32_t len = long_form ? amf_read_u32(&d->r) : amf_read_u16(&d->r);
    const uint8_t *p = amf_read_bytes(&d->r, len, s.offset, what);
    if (!p)
        return s;
    s.str.ptr = (const char *)p;
    s.str.len = len;
    s.length = d->r.pos - s.offset;
    if (len && amf_dec_has_sink(d))
        s.bad_utf8 = !amf_utf8_valid(s.str.ptr, len);
    return s;
}

static void warn_utf8(amf_dec *d, const amf0_string *s, const char *what)
{
    if (s->bad_utf8)
        amf_emit_warning(d, AMF_WARN_UTF8, s->offset, s->length,
                         "%s at offset %u is not valid UTF-8", what, s->offset);
}

static void emit_text(amf_dec *d, const amf_slot *slot, uint32_t start, uint8_t marker,
                      amf_type type, const amf0_string *s, uint32_t flags)
{
    if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
        return;
    amf_event ev;
    amf_event_from_slot(&ev, AMF_EV_SCALAR, d, slot, AMF_VERSION_0, start);
    ev.marker = marker;
    ev.type = type;
    ev.flags |= flags | (s->bad_utf8 ? AMF_F_BAD_UTF8 : 0);
    ev.str = s->str;
    ev.data_offset = s->offset + (s->length - s->str.len);
    ev.data_length = s->str.len;
    ev.length = d->r.pos - ev.offset;
    amf_emit(d, &ev);
    warn_utf8(d, s, amf_type_name(type));
}

/* Members of an object, typed object or ECMA array: (name, value) pairs up
 * to the object-end marker.  An empty name not followed by 0x09 is a member
 * whose name is empty (some encoders write them). */
static void decode_members(amf_dec *d, amf_event *begin, uint32_t index)
{
    uint32_t children = 0;
    uint32_t end_offset = 0, end_length = 0;
    amf_slot child;
    for (;;) {
        memset(&child, 0, sizeof child);
        child.role = AMF_ROLE_MEMBER;
        uint32_t name_offset = d->r.pos;
        amf0_string name = read_utf8(d, false, "member name");
        if (!amf_dec_ok(d)) {
            /* Each of at least... nothing is known: the end marker still owed. */
            amf_emit_error_once(d, &child);
            amf_reader_need_more(&d->r, 1);
            break;
        }
        if (name.str.len == 0) {
            if (!amf_reader_require(&d->r, 1, name_offset, "object-end marker")) {
                amf_emit_error_once(d, &child);
                break;
            }
            if (d->r.buf[d->r.pos] == AMF0_OBJECT_END) {
                d->r.pos++;
                end_offset = name_offset;
                end_length = AMF0_OBJECT_END_LENGTH;
                break;
            }
        }
        child.name = name.str;
        child.name_offset = name.offset;
        child.name_length = name.length;
        if (name.bad_utf8) {
            child.flags |= AMF_F_BAD_UTF8;
            warn_utf8(d, &name, "member name");
        }
        amf0_decode_value(d, &child);
        if (!amf_dec_ok(d)) {
            amf_emit_error_once(d, &child);
            amf_reader_need_more(&d->r, AMF0_OBJECT_END_LENGTH);
            break;
        }
        children++;
    }
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        amf_objects_close(d, &d->amf0, index);
    amf_emit_end(d, begin, children, end_offset, end_length);
}

static void begin_container(amf_dec *d, amf_event *ev, const amf_slot *slot, uint32_t start,
                            uint8_t marker, amf_type type, uint32_t index)
{
    if (!amf_dec_has_sink(d))
        return;     /* measuring: nothing reads it */
    amf_event_from_slot(ev, AMF_EV_BEGIN, d, slot, AMF_VERSION_0, start);
    ev->depth = d->depth - 1;
    ev->marker = marker;
    ev->type = type;
    ev->object_index = index;
    ev->node = index < d->amf0.count ? d->amf0.items[index].node : 0;
    ev->length = d->r.pos - ev->offset;
}

/* object (0x03), typed object (0x10), ECMA array (0x08). */
static void decode_object(amf_dec *d, const amf_slot *slot, uint32_t start, uint8_t marker)
{
    amf_type type = marker == AMF0_ECMA_ARRAY ? AMF_TYPE_ECMA_ARRAY : AMF_TYPE_OBJECT;
    amf0_string cls;
    memset(&cls, 0, sizeof cls);
    uint32_t hint = 0;
    if (marker == AMF0_TYPED_OBJECT) {
        cls = read_utf8(d, false, "class name");
        warn_utf8(d, &cls, "class name");
    } else if (marker == AMF0_ECMA_ARRAY) {
        hint = amf_read_u32(&d->r);  /* a hint only: often 0 or wrong */
    }
    if (!amf_dec_ok(d))
        return;
    uint32_t index = amf_objects_add(d, &d->amf0, type, marker, start, cls.str);
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;
    amf_event begin;
    begin_container(d, &begin, slot, start, marker, type, index);
    begin.class_name = cls.str;
    begin.count = hint;
    amf_emit(d, &begin);
    decode_members(d, &begin, index);
}

static void decode_strict_array(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t count = amf_read_u32(&d->r);
    if (!amf_dec_check_count(d, count, 1, start, "Strict array"))
        return;
    uint32_t index = amf_objects_add(d, &d->amf0, AMF_TYPE_ARRAY, AMF0_STRICT_ARRAY, start,
                                     (amf_str){0});
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;
    amf_event begin;
    begin_container(d, &begin, slot, start, AMF0_STRICT_ARRAY, AMF_TYPE_ARRAY, index);
    begin.count = count;
    amf_emit(d, &begin);

    uint32_t children = 0;
    amf_slot child;
    for (uint32_t i = 0; i < count; i++) {
        memset(&child, 0, sizeof child);
        child.role = AMF_ROLE_ELEMENT;
        child.index = i;
        amf0_decode_value(d, &child);
        if (!amf_dec_ok(d)) {
            amf_emit_error_once(d, &child);
            amf_reader_need_more(&d->r, count - i - 1);
            break;
        }
        children++;
    }
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        amf_objects_close(d, &d->amf0, index);
    amf_emit_end(d, &begin, children, 0, 0);
}

void amf0_decode_value(amf_dec *d, const amf_slot *slot)
{
    uint32_t start = d->r.pos;
    if (!amf_dec_count_value(d, start))
        return;
    uint8_t marker = amf_read_u8(&d->r);
    if (!amf_dec_ok(d))
        return;

    amf_event ev;
    switch (marker) {
    case AMF0_NUMBER: {
        double v = amf_read_double(&d->r);
        if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
            return;
        amf_event_from_slot(&ev, AMF_EV_SCALAR, d, slot, AMF_VERSION_0, start);
        ev.marker = marker;
        ev.type = AMF_TYPE_NUMBER;
        ev.number = v;
        ev.data_offset = start + 1;
        ev.data_length = 8;
        ev.length = d->r.pos - start;
        amf_emit(d, &ev);
        return;
    }
    case AMF0_BOOLEAN: {
        uint8_t v = amf_read_u8(&d->r);
        if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
            return;
        amf_event_from_slot(&ev, AMF_EV_SCALAR, d, slot, AMF_VERSION_0, start);
        ev.marker = marker;
        ev.type = AMF_TYPE_BOOLEAN;
        ev.boolean = v != 0;
        ev.data_offset = start + 1;
        ev.data_length = 1;
        ev.length = 2;
        amf_emit(d, &ev);
        return;
    }
    case AMF0_STRING: {
        amf0_string s = read_utf8(d, false, "String");
        emit_text(d, slot, start, marker, AMF_TYPE_STRING, &s, 0);
        return;
    }
    case AMF0_LONG_STRING: {
        amf0_string s = read_utf8(d, true, "Long string");
        emit_text(d, slot, start, marker, AMF_TYPE_STRING, &s, AMF_F_LONG);
        return;
    }
    case AMF0_XML_DOC: {
        amf0_string s = read_utf8(d, true, "XML document");
        emit_text(d, slot, start, marker, AMF_TYPE_XML_DOCUMENT, &s, 0);
        return;
    }
    case AMF0_OBJECT:
    case AMF0_TYPED_OBJECT:
    case AMF0_ECMA_ARRAY:
        decode_object(d, slot, start, marker);
        return;
    case AMF0_STRICT_ARRAY:
        decode_strict_array(d, slot, start);
        return;
    case AMF0_NULL:
    case AMF0_UNDEFINED:
    case AMF0_UNSUPPORTED:
    case AMF0_MOVIECLIP:
    case AMF0_RECORDSET:
        if (!amf_dec_has_sink(d))
            return;
        amf_event_from_slot(&ev, AMF_EV_SCALAR, d, slot, AMF_VERSION_0, start);
        ev.marker = marker;
        ev.type = marker == AMF0_NULL ? AMF_TYPE_NULL
                : marker == AMF0_UNDEFINED ? AMF_TYPE_UNDEFINED
                : marker == AMF0_UNSUPPORTED ? AMF_TYPE_UNSUPPORTED
                : marker == AMF0_MOVIECLIP ? AMF_TYPE_MOVIECLIP : AMF_TYPE_RECORDSET;
        ev.data_offset = start;
        ev.data_length = 1;
        ev.length = 1;
        amf_emit(d, &ev);
        if (marker == AMF0_MOVIECLIP || marker == AMF0_RECORDSET)
            amf_emit_warning(d, AMF_WARN_RESERVED_MARKER, start, 1,
                             "%s marker 0x%02x at offset %u is reserved and not supported by Flash Player",
                             amf_type_name(ev.type), marker, start);
        return;
    case AMF0_REFERENCE: {
        uint16_t index = amf_read_u16(&d->r);
        if (!amf_dec_ok(d))
            return;
        amf_type expected = index < d->amf0.count ? (amf_type)d->amf0.items[index].type : AMF_TYPE_OBJECT;
        amf_emit_reference(d, slot, AMF_VERSION_0, marker, start, start + 1, &d->amf0, index,
                           expected);
        return;
    }
    case AMF0_DATE: {
        double ms = amf_read_double(&d->r);
        int16_t tz = amf_read_s16(&d->r);
        if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
            return;
        amf_event_from_slot(&ev, AMF_EV_SCALAR, d, slot, AMF_VERSION_0, start);
        ev.marker = marker;
        ev.type = AMF_TYPE_DATE;
        ev.number = ms;
        ev.timezone = tz;
        ev.data_offset = start + 1;
        ev.data_length = 8;
        ev.length = 11;
        amf_emit(d, &ev);
        return;
    }
    case AMF0_AVMPLUS: {
        /* The next value is AMF3, with reference tables of its own. */
        amf_slot inner = *slot;
        inner.flags |= AMF_F_AVMPLUS;
        inner.start = start;
        d->values--;  /* the AMF3 value counts itself */
        amf3_reset_tables(d);
        amf3_decode_value(d, &inner);
        return;
    }
    case AMF0_OBJECT_END:
        amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_MARKER, start,
                        "object-end marker 0x09 at offset %u where a value was expected", start);
        return;
    default:
        amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_MARKER, start,
                        "unknown AMF0 type marker 0x%02x at offset %u", marker, start);
        return;
    }
}
