/* amf3.c
 * AMF3 values: every marker 0x00-0x11, the three reference tables, and the
 * resolution of every reference to what it points at.
 *
 * Specification: AMF 3 File Format Specification (Adobe, 2013), sections 1.3
 * (U29, reference tables) and 3 (types).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_decoder.h"

#include <string.h>

/* AMF3 integers are 29-bit two's complement. */
#define AMF3_INT_SIGN  0x10000000u
#define AMF3_INT_RANGE 0x20000000

/* Bits of the U29 that starts an object (spec 3.12). */
#define AMF3_U29_INLINE        0x1u   /* 0: object reference */
#define AMF3_U29O_TRAITS_INLINE 0x2u  /* 0: traits reference */
#define AMF3_U29O_EXTERNAL     0x4u
#define AMF3_U29O_DYNAMIC      0x8u

void amf3_reset_tables(amf_dec *d)
{
    amf_tables_clear(&d->amf3);
}

/* ---- tables ---------------------------------------------------------- */

static void fail_no_memory(amf_dec *d, uint32_t offset)
{
    amf_reader_fail(&d->r, AMF_LIMIT, AMF_ERR_NO_MEMORY, offset,
                    "out of memory for the reference tables at offset %u", offset);
}

static void add_string(amf_dec *d, amf_str s, bool bad_utf8, uint32_t offset)
{
    amf_tables *t = &d->amf3;
    if (!amf_table_room(&d->cfg->alloc, (void **)&t->strings, &t->cap_strings,
                           t->n_strings, sizeof *t->strings, d->inline_tables.strings,
                           AMF_INLINE_STRINGS)) {
        fail_no_memory(d, offset);
        return;
    }
    t->strings[t->n_strings].str = s;
    t->strings[t->n_strings].bad_utf8 = bad_utf8;
    t->n_strings++;
}

/* Add a complex value to the object table (before its children, so a
 * reference from inside it back to it is seen as a cycle). */
static uint32_t add_object(amf_dec *d, amf_objects *o, amf_type type, uint8_t marker,
                           uint32_t offset, amf_str class_name)
{
    amf_object_entry *inline_buf = o == &d->amf0 ? d->inline_tables.amf0_objects
                                                 : d->inline_tables.objects;
    if (!amf_table_room(&d->cfg->alloc, (void **)&o->items, &o->cap, o->count,
                           sizeof *o->items, inline_buf, AMF_INLINE_OBJECTS)) {
        fail_no_memory(d, offset);
        return UINT32_MAX;
    }
    amf_object_entry *e = &o->items[o->count];
    memset(e, 0, sizeof *e);
    e->node = ++d->next_node;   /* 0 means "not in a table" */
    e->offset = offset;
    e->type = (uint8_t)type;
    e->marker = marker;
    /* Class names are read from the buffer being decoded: kept as a span. */
    if (class_name.len && class_name.ptr >= (const char *)d->r.buf &&
        class_name.ptr - (const char *)d->r.buf <= (ptrdiff_t)(d->r.len - class_name.len)) {
        e->class_offset = (uint32_t)(class_name.ptr - (const char *)d->r.buf);
        e->class_length = class_name.len;
    }
    e->open = true;
    return o->count++;
}

/* An AMF3 value's entry: it starts where its events say, at the AVM+
 * marker before it if there is one. */
static uint32_t add_value(amf_dec *d, const amf_slot *slot, amf_type type, uint8_t marker,
                          uint32_t start, amf_str class_name)
{
    uint32_t offset = (slot->flags & AMF_F_AVMPLUS) ? slot->start : start;
    return add_object(d, &d->amf3.objects, type, marker, offset, class_name);
}

static void close_object(amf_dec *d, amf_objects *o, uint32_t index,
                         uint32_t data_offset, uint32_t data_length)
{
    if (index >= o->count)
        return;
    amf_object_entry *e = &o->items[index];
    e->open = false;
    e->length = d->r.pos - e->offset;
    e->data_offset = data_offset;
    e->data_length = data_length;
}

uint32_t amf_objects_add(amf_dec *d, amf_objects *o, amf_type type, uint8_t marker,
                         uint32_t offset, amf_str class_name)
{
    return add_object(d, o, type, marker, offset, class_name);
}

void amf_objects_close(amf_dec *d, amf_objects *o, uint32_t index)
{
    close_object(d, o, index, 0, 0);
}

/* ---- strings --------------------------------------------------------- */

typedef struct amf3_string {
    amf_str  str;
    uint32_t offset, length;     /* wire bytes (U29 and text, or the reference) */
    uint32_t ref;                /* string-table index when is_ref */
    bool     is_ref;
    bool     bad_utf8;
} amf3_string;

/* U29S-ref | U29S-value *(UTF8-char) (spec 1.3.2, 3.8): inline non-empty
 * strings enter the string table, references are resolved against it. */
static amf3_string read_string(amf_dec *d, const char *what)
{
    amf3_string s = { .offset = d->r.pos };
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return s;
    if (!(header & AMF3_U29_INLINE)) {
        uint32_t index = header >> 1;
        if (index >= d->amf3.n_strings) {
            amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_STRING_REF, s.offset,
                            "%s: string reference #%u at offset %u, but the string table holds %u",
                            what, index, s.offset, d->amf3.n_strings);
            return s;
        }
        s.is_ref = true;
        s.ref = index;
        s.str = d->amf3.strings[index].str;
        s.bad_utf8 = d->amf3.strings[index].bad_utf8;
        s.length = d->r.pos - s.offset;
        return s;
    }
    uint32_t len = header >> 1;
    const uint8_t *p = amf_read_bytes(&d->r, len, s.offset, what);
    if (!p)
        return s;
    s.str.ptr = (const char *)p;
    s.str.len = len;
    s.length = d->r.pos - s.offset;
    if (len > 0) {
        if (amf_dec_has_sink(d))
            s.bad_utf8 = !amf_utf8_valid(s.str.ptr, len);
        add_string(d, s.str, s.bad_utf8, s.offset);
    }
    return s;
}

static void warn_utf8(amf_dec *d, const amf3_string *s, const char *what)
{
    if (s->bad_utf8)
        amf_emit_warning(d, AMF_WARN_UTF8, s->offset, s->length,
                         "%s at offset %u is not valid UTF-8", what, s->offset);
}

/* A member slot named by a string read from the wire (dynamic members,
 * associative keys). */
static void member_slot(amf_slot *slot, const amf3_string *name)
{
    memset(slot, 0, sizeof *slot);
    slot->role = AMF_ROLE_MEMBER;
    slot->name = name->str;
    slot->name_offset = name->offset;
    slot->name_length = name->length;
    if (name->is_ref) {
        slot->flags |= AMF_F_NAME_REF;
        slot->name_ref = name->ref;
    }
    if (name->bad_utf8)
        slot->flags |= AMF_F_BAD_UTF8;
}

static void element_slot(amf_slot *slot, amf_role role, uint32_t index)
{
    memset(slot, 0, sizeof *slot);
    slot->role = role;
    slot->index = index;
}

/* ---- references ------------------------------------------------------ */

void amf_emit_reference(amf_dec *d, const amf_slot *slot, amf_version version,
                        uint8_t marker, uint32_t start, uint32_t data_offset,
                        const amf_objects *o, uint32_t index, amf_type expected)
{
    if (index >= o->count) {
        amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, start,
                        "object reference #%u at offset %u, but the object table holds %u",
                        index, start, o->count);
        return;
    }
    const amf_object_entry *e = &o->items[index];
    if (!amf_dec_has_sink(d))
        return;
    amf_event ev;
    amf_event_from_slot(&ev, AMF_EV_REFERENCE, d, slot, version, start);
    ev.marker = marker;
    ev.type = (amf_type)e->type;
    ev.length = d->r.pos - ev.offset;
    ev.data_offset = data_offset;
    ev.data_length = d->r.pos - data_offset;
    ev.object_index = index;
    ev.node = e->node;
    if (e->class_length) {
        ev.class_name.ptr = (const char *)d->r.buf + e->class_offset;
        ev.class_name.len = e->class_length;
    }
    ev.target_offset = e->offset;
    ev.target_length = e->length;
    if (e->open)
        ev.flags |= AMF_F_CYCLE;
    /* Scalars in the object table resolve to their value. */
    if (!e->open && e->type == AMF_TYPE_DATE) {
        amf_reader tmp;
        amf_reader_init(&tmp, d->r.buf, d->r.len, true, d->r.max_message);
        tmp.pos = e->data_offset;
        ev.number = amf_read_double(&tmp);
    } else if (!e->open && (e->type == AMF_TYPE_XML || e->type == AMF_TYPE_XML_DOCUMENT ||
                            e->type == AMF_TYPE_BYTE_ARRAY || e->type == AMF_TYPE_STRING)) {
        ev.str.ptr = (const char *)d->r.buf + e->data_offset;
        ev.str.len = e->data_length;
    }
    amf_emit(d, &ev);
    if (expected != e->type &&
        !(expected == AMF_TYPE_XML && e->type == AMF_TYPE_XML_DOCUMENT) &&
        !(expected == AMF_TYPE_XML_DOCUMENT && e->type == AMF_TYPE_XML))
        amf_emit_warning(d, AMF_WARN_REF_TYPE, start, d->r.pos - start,
                         "%s marker refers to object #%u, a %s",
                         amf_type_name(expected), index, amf_type_name(e->type));
}

static void emit_object_ref(amf_dec *d, const amf_slot *slot, uint8_t marker,
                            uint32_t start, uint32_t header, amf_type expected)
{
    amf_emit_reference(d, slot, AMF_VERSION_3, marker, start, start + 1,
                       &d->amf3.objects, header >> 1, expected);
}

/* ---- scalars --------------------------------------------------------- */

static void emit_scalar(amf_dec *d, amf_event *ev)
{
    ev->length = d->r.pos - ev->offset;
    amf_emit(d, ev);
}

/* XMLDocument, XML and ByteArray: U29 length or reference, then bytes. */
static AMF_NOINLINE void decode_bytes_value(amf_dec *d, const amf_slot *slot, uint8_t marker,
                               uint32_t start, amf_type type)
{
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, marker, start, header, type);
        return;
    }
    uint32_t index = add_value(d, slot, type, marker, start, (amf_str){0});
    uint32_t len = header >> 1;
    uint32_t data_offset = d->r.pos;
    const uint8_t *p = amf_read_bytes(&d->r, len, start, amf_type_name(type));
    if (!p)
        return;
    close_object(d, &d->amf3.objects, index, data_offset, len);
    if (!amf_dec_has_sink(d))
        return;
    amf_event *ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
    ev->marker = marker;
    ev->type = type;
    ev->data_offset = data_offset;
    ev->data_length = len;
    ev->str.ptr = (const char *)p;
    ev->str.len = len;
    ev->object_index = index;
    ev->node = d->amf3.objects.items[index].node;
    bool bad = type != AMF_TYPE_BYTE_ARRAY && !amf_utf8_valid(ev->str.ptr, len);
    if (bad)
        ev->flags |= AMF_F_BAD_UTF8;
    ev->length = d->r.pos - ev->offset;
    amf_emit_scalar_entry(d, ev);
    if (bad)
        amf_emit_warning(d, AMF_WARN_UTF8, data_offset, len,
                         "%s at offset %u is not valid UTF-8", amf_type_name(type), start);
}

static AMF_NOINLINE void decode_date(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, AMF3_DATE, start, header, AMF_TYPE_DATE);
        return;
    }
    uint32_t index = add_value(d, slot, AMF_TYPE_DATE, AMF3_DATE, start, (amf_str){0});
    uint32_t data_offset = d->r.pos;
    double ms = amf_read_double(&d->r);
    if (!amf_dec_ok(d))
        return;
    close_object(d, &d->amf3.objects, index, data_offset, 8);
    if (!amf_dec_has_sink(d))
        return;
    amf_event *ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
    ev->marker = AMF3_DATE;
    ev->type = AMF_TYPE_DATE;
    ev->data_offset = data_offset;
    ev->data_length = 8;
    ev->number = ms;
    ev->object_index = index;
    ev->node = d->amf3.objects.items[index].node;
    ev->length = d->r.pos - ev->offset;
    amf_emit_scalar_entry(d, ev);
}

static void decode_string(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    amf3_string s = read_string(d, "String");
    if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
        return;
    amf_event *ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
    ev->marker = AMF3_STRING;
    ev->type = AMF_TYPE_STRING;
    ev->str = s.str;
    ev->data_offset = s.is_ref ? s.offset : s.offset + (s.length - s.str.len);
    ev->data_length = s.is_ref ? s.length : s.str.len;
    if (s.is_ref) {
        ev->flags |= AMF_F_STRING_REF;
        ev->str_ref = s.ref;
    }
    if (s.bad_utf8)
        ev->flags |= AMF_F_BAD_UTF8;
    emit_scalar(d, ev);
    if (!s.is_ref)
        warn_utf8(d, &s, "String");
}

/* ---- containers ------------------------------------------------------ */

/* Children of a container are decoded until one fails; then the container
 * ends truncated, and a NEED_MORE is raised by the siblings still owed. */
static bool child_failed(amf_dec *d, const amf_slot *slot, uint64_t siblings_left,
                         uint32_t min_size)
{
    if (amf_dec_ok(d))
        return false;
    amf_emit_error_once(d, slot);
    amf_reader_need_more(&d->r, siblings_left * min_size);
    return true;
}

static void begin_container(amf_dec *d, amf_event *ev, const amf_slot *slot,
                            uint32_t start, uint8_t marker, amf_type type, uint32_t index)
{
    if (!amf_dec_has_sink(d)) {
        /* Measuring: only what the decoder itself reads back (the offset as
           amf_event_from_slot gives it, for errors that name it). */
        ev->offset = (slot->flags & AMF_F_AVMPLUS) ? slot->start : start;
        ev->flags = 0;
        ev->class_name.ptr = NULL;
        ev->class_name.len = 0;
        return;
    }
    amf_event_from_slot(ev, AMF_EV_BEGIN, d, slot, AMF_VERSION_3, start);
    ev->depth = d->depth - 1;   /* called once the level is entered */
    ev->marker = marker;
    ev->type = type;
    ev->object_index = index;
    ev->node = index < d->amf3.objects.count ? d->amf3.objects.items[index].node : 0;
}

/* array-type = array-marker (U29O-ref | U29A-value (UTF-8-empty |
 * *(assoc-value) UTF-8-empty) *(value-type)) */
static AMF_NOINLINE void decode_array(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, AMF3_ARRAY, start, header, AMF_TYPE_ARRAY);
        return;
    }
    uint32_t dense = header >> 1;
    uint32_t index = add_value(d, slot, AMF_TYPE_ARRAY, AMF3_ARRAY, start, (amf_str){0});
    uint32_t header_end = d->r.pos;
    /* The first key says whether there is an associative part. */
    amf3_string key = read_string(d, "associative array key");
    if (!amf_dec_ok(d) || !amf_dec_check_count(d, dense, 1, start, "Array"))
        return;
    if (!amf_dec_enter(d, start))
        return;

    amf_event begin;
    begin_container(d, &begin, slot, start, AMF3_ARRAY, AMF_TYPE_ARRAY, index);
    begin.length = header_end - begin.offset;
    begin.count = dense;
    if (key.str.len > 0)
        begin.flags |= AMF_F_ASSOC;
    amf_emit(d, &begin);

    uint32_t children = 0;
    uint32_t end_offset = 0, end_length = 0;
    amf_slot child;
    while (key.str.len > 0) {
        member_slot(&child, &key);
        if (key.bad_utf8 && !key.is_ref)
            warn_utf8(d, &key, "member name");
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, dense, 1))
            goto out;
        children++;
        key = read_string(d, "associative array key");
        if (!amf_dec_ok(d)) {
            memset(&child, 0, sizeof child);
            child.role = AMF_ROLE_MEMBER;
            child_failed(d, &child, dense, 1);
            goto out;
        }
    }
    if (begin.flags & AMF_F_ASSOC) {
        end_offset = key.offset;
        end_length = key.length;
    }
    for (uint32_t i = 0; i < dense; i++) {
        element_slot(&child, AMF_ROLE_ELEMENT, i);
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, dense - i - 1, 1))
            goto out;
        children++;
    }
out:
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        close_object(d, &d->amf3.objects, index, 0, 0);
    amf_emit_end(d, &begin, children, end_offset, end_length);
}

/* Traits (spec 3.12): inline or by reference, added to the traits table. */
static bool read_traits(amf_dec *d, uint32_t header, uint32_t u29_offset,
                        amf_traits_entry *out, uint32_t *trait_index)
{
    amf_tables *t = &d->amf3;
    if (!(header & AMF3_U29O_TRAITS_INLINE)) {
        uint32_t index = header >> 2;
        if (index >= t->n_traits) {
            amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_TRAIT_REF, u29_offset,
                            "trait reference #%u at offset %u, but the traits table holds %u",
                            index, u29_offset, t->n_traits);
            return false;
        }
        *out = t->traits[index];
        *trait_index = index;
        return true;
    }
    memset(out, 0, sizeof *out);
    if (header & AMF3_U29O_EXTERNAL) {
        out->flags |= AMF_F_EXTERNALIZABLE;
    } else {
        if (header & AMF3_U29O_DYNAMIC)
            out->flags |= AMF_F_DYNAMIC;
        out->sealed_count = header >> 4;
    }
    amf3_string cls = read_string(d, "class name");
    if (!amf_dec_ok(d))
        return false;
    warn_utf8(d, &cls, "class name");
    out->class_name = cls.str;
    /* Each sealed name takes at least one byte, its value another. */
    if (!amf_dec_check_count(d, out->sealed_count, 2, u29_offset, "traits sealed member list"))
        return false;
    out->first_name = t->n_names;
    for (uint32_t i = 0; i < out->sealed_count; i++) {
        amf3_string name = read_string(d, "sealed member name");
        if (!amf_dec_ok(d)) {
            /* Still owed: the other names, then one value per name. */
            amf_reader_need_more(&d->r, (uint64_t)(out->sealed_count - i - 1) +
                                        out->sealed_count);
            return false;
        }
        warn_utf8(d, &name, "sealed member name");
        if (!amf_table_room(&d->cfg->alloc, (void **)&t->names, &t->cap_names,
                               t->n_names, sizeof *t->names, d->inline_tables.names,
                               AMF_INLINE_NAMES)) {
            fail_no_memory(d, name.offset);
            return false;
        }
        t->names[t->n_names].name = name.str;
        t->names[t->n_names].offset = name.offset;
        t->names[t->n_names].length = name.length;
        t->n_names++;
    }
    if (!amf_table_room(&d->cfg->alloc, (void **)&t->traits, &t->cap_traits,
                           t->n_traits, sizeof *t->traits, d->inline_tables.traits,
                           AMF_INLINE_TRAITS)) {
        fail_no_memory(d, u29_offset);
        return false;
    }
    *trait_index = t->n_traits;
    t->traits[t->n_traits++] = *out;
    return true;
}

/* object-type = object-marker (U29O-ref | (U29O-traits-ext class-name
 * *(U8)) | U29O-traits-ref | (U29O-traits class-name *(UTF-8-vr))) *(value-type)
 * *(dynamic-member) */
static AMF_NOINLINE void decode_object(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t u29_offset = d->r.pos;
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, AMF3_OBJECT, start, header, AMF_TYPE_OBJECT);
        return;
    }
    amf_traits_entry traits;
    uint32_t trait_index;
    if (!read_traits(d, header, u29_offset, &traits, &trait_index))
        return;
    if (!amf_dec_check_count(d, traits.sealed_count, 1, start, "Object sealed members"))
        return;
    uint32_t index = add_value(d, slot, AMF_TYPE_OBJECT, AMF3_OBJECT, start,
                               traits.class_name);
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;

    amf_event begin;
    begin_container(d, &begin, slot, start, AMF3_OBJECT, AMF_TYPE_OBJECT, index);
    begin.length = d->r.pos - begin.offset;
    begin.flags |= traits.flags;
    if (!(header & AMF3_U29O_TRAITS_INLINE))
        begin.flags |= AMF_F_TRAIT_REF;
    begin.class_name = traits.class_name;
    begin.count = traits.sealed_count;
    begin.trait_index = trait_index;
    begin.sealed_count = traits.sealed_count;
    amf_emit(d, &begin);

    if (amf_dec_has_sink(d)) {
        /* Built where scalars are: the fields past their part cleared again. */
        amf_event *tev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, u29_offset);
        tev->kind = AMF_EV_TRAITS;
        tev->offset = u29_offset;
        tev->length = d->r.pos - u29_offset;
        tev->flags = begin.flags & (AMF_F_DYNAMIC | AMF_F_EXTERNALIZABLE | AMF_F_TRAIT_REF);
        tev->class_name = traits.class_name;
        tev->trait_index = trait_index;
        tev->sealed_count = traits.sealed_count;
        tev->sealed = traits.sealed_count ? d->amf3.names + traits.first_name : NULL;
        amf_emit(d, tev);
        tev->class_name = (amf_str){0};
        tev->trait_index = 0;
        tev->sealed_count = 0;
        tev->sealed = NULL;
    }

    uint32_t children = 0;
    uint32_t end_offset = 0, end_length = 0;
    amf_slot child;
    if (traits.flags & AMF_F_EXTERNALIZABLE) {
        amf3_decode_external(d, &begin);
        element_slot(&child, AMF_ROLE_EXTERNAL, 0);
        amf_emit_error_once(d, &child);
        children = amf_dec_ok(d) ? 1 : 0;
        goto out;
    }
    for (uint32_t i = 0; i < traits.sealed_count; i++) {
        /* The names table may move while children add traits: index it anew. */
        const amf_traits_name *name = &d->amf3.names[traits.first_name + i];
        memset(&child, 0, sizeof child);
        child.role = AMF_ROLE_MEMBER;
        child.name = name->name;
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, traits.sealed_count - i - 1, 1))
            goto out;
        children++;
    }
    if (traits.flags & AMF_F_DYNAMIC) {
        for (;;) {
            amf3_string key = read_string(d, "dynamic member name");
            if (!amf_dec_ok(d)) {
                memset(&child, 0, sizeof child);
                child.role = AMF_ROLE_MEMBER;
                child_failed(d, &child, 0, 0);
                goto out;
            }
            if (key.str.len == 0) {
                end_offset = key.offset;
                end_length = key.length;
                break;
            }
            member_slot(&child, &key);
            if (!key.is_ref)
                warn_utf8(d, &key, "member name");
            amf3_decode_value(d, &child);
            if (child_failed(d, &child, 0, 0))
                goto out;
            children++;
        }
    }
out:
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        close_object(d, &d->amf3.objects, index, 0, 0);
    amf_emit_end(d, &begin, children, end_offset, end_length);
}

/* Vector.<int>, Vector.<uint>, Vector.<Number>: U29V, fixed flag, items of
 * fixed width. */
static AMF_NOINLINE void decode_vector_fixed(amf_dec *d, const amf_slot *slot, uint32_t start,
                                uint8_t marker)
{
    amf_type type = marker == AMF3_VECTOR_INT ? AMF_TYPE_VECTOR_INT
                  : marker == AMF3_VECTOR_UINT ? AMF_TYPE_VECTOR_UINT
                  : AMF_TYPE_VECTOR_NUMBER;
    uint32_t width = marker == AMF3_VECTOR_DOUBLE ? 8 : 4;
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, marker, start, header, type);
        return;
    }
    uint32_t count = header >> 1;
    uint8_t fixed = amf_read_u8(&d->r);
    if (!amf_dec_check_count(d, count, width, start, amf_type_name(type)))
        return;
    uint32_t index = add_value(d, slot, type, marker, start, (amf_str){0});
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;

    amf_event begin;
    begin_container(d, &begin, slot, start, marker, type, index);
    begin.length = d->r.pos - begin.offset;
    begin.count = count;
    if (fixed)
        begin.flags |= AMF_F_FIXED;
    amf_emit(d, &begin);

    amf_slot child;
    uint32_t done = 0;           /* items read */
    if (!amf_dec_has_sink(d)) {
        /* Measuring only: the items need no look, just their bytes, as far
         * as the item loop below would get (bytes here, the value limit). */
        uint64_t here = amf_reader_left(&d->r) / width;
        uint64_t allowed = d->cfg->max_values - d->values;
        uint64_t n = count < here ? count : here;
        done = (uint32_t)(n < allowed ? n : allowed);
        d->r.pos += done * width;
        d->values += done;
        if (done < count && amf_dec_count_value(d, d->r.pos))
            amf_reader_require(&d->r, width, d->r.pos, amf_type_name(type));
    } else {
        amf_event ev;
        element_slot(&child, AMF_ROLE_ELEMENT, 0);
        amf_event_from_slot(&ev, AMF_EV_SCALAR, d, &child, AMF_VERSION_3, 0);
        ev.marker = marker;
        ev.flags |= AMF_F_NO_MARKER;
        ev.type = marker == AMF3_VECTOR_DOUBLE ? AMF_TYPE_NUMBER : AMF_TYPE_INTEGER;
        for (; done < count; done++) {
            if (!amf_dec_count_value(d, d->r.pos))
                break;
            ev.index = done;
            ev.offset = ev.data_offset = d->r.pos;
            ev.length = ev.data_length = width;
            if (marker == AMF3_VECTOR_DOUBLE) {
                ev.number = amf_read_double(&d->r);
            } else {
                uint32_t v = amf_read_u32(&d->r);
                ev.uinteger = v;
                ev.integer = (int32_t)v;
                ev.number = marker == AMF3_VECTOR_INT ? (double)(int32_t)v : (double)v;
            }
            if (!amf_dec_ok(d))
                break;
            amf_emit(d, &ev);
        }
    }
    if (!amf_dec_ok(d)) {
        /* The items still owed have a known width. */
        element_slot(&child, AMF_ROLE_ELEMENT, done);
        child_failed(d, &child, count - done - 1, width);
    }
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        close_object(d, &d->amf3.objects, index, 0, 0);
    amf_emit_end(d, &begin, done, 0, 0);
}

/* Vector.<T>: U29V, fixed flag, element type name, then AMF3 values. */
static AMF_NOINLINE void decode_vector_object(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, AMF3_VECTOR_OBJECT, start, header, AMF_TYPE_VECTOR_OBJECT);
        return;
    }
    uint32_t count = header >> 1;
    uint8_t fixed = amf_read_u8(&d->r);
    amf3_string type_name = read_string(d, "vector element type name");
    if (!amf_dec_ok(d) || !amf_dec_check_count(d, count, 1, start, "Vector Object"))
        return;
    warn_utf8(d, &type_name, "vector element type name");
    uint32_t index = add_value(d, slot, AMF_TYPE_VECTOR_OBJECT, AMF3_VECTOR_OBJECT, start,
                               (amf_str){0});
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;

    amf_event begin;
    begin_container(d, &begin, slot, start, AMF3_VECTOR_OBJECT, AMF_TYPE_VECTOR_OBJECT, index);
    begin.length = d->r.pos - begin.offset;
    begin.count = count;
    begin.element_type = type_name.str;
    if (fixed)
        begin.flags |= AMF_F_FIXED;
    amf_emit(d, &begin);

    uint32_t children = 0;
    amf_slot child;
    for (uint32_t i = 0; i < count; i++) {
        element_slot(&child, AMF_ROLE_ELEMENT, i);
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, count - i - 1, 1))
            break;
        children++;
    }
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        close_object(d, &d->amf3.objects, index, 0, 0);
    amf_emit_end(d, &begin, children, 0, 0);
}

/* Dictionary: U29Dict, weak-keys flag, then key/value pairs of any type. */
static AMF_NOINLINE void decode_dictionary(amf_dec *d, const amf_slot *slot, uint32_t start)
{
    uint32_t header = amf3_read_u29(&d->r);
    if (!amf_dec_ok(d))
        return;
    if (!(header & AMF3_U29_INLINE)) {
        emit_object_ref(d, slot, AMF3_DICTIONARY, start, header, AMF_TYPE_DICTIONARY);
        return;
    }
    uint32_t count = header >> 1;
    uint8_t weak = amf_read_u8(&d->r);
    if (!amf_dec_check_count(d, count, 2, start, "Dictionary"))
        return;
    uint32_t index = add_value(d, slot, AMF_TYPE_DICTIONARY, AMF3_DICTIONARY, start,
                               (amf_str){0});
    if (!amf_dec_ok(d) || !amf_dec_enter(d, start))
        return;

    amf_event begin;
    begin_container(d, &begin, slot, start, AMF3_DICTIONARY, AMF_TYPE_DICTIONARY, index);
    begin.length = d->r.pos - begin.offset;
    begin.count = count;
    if (weak)
        begin.flags |= AMF_F_WEAK;
    amf_emit(d, &begin);

    uint32_t children = 0;
    amf_slot child;
    for (uint32_t i = 0; i < count; i++) {
        element_slot(&child, AMF_ROLE_DICT_KEY, i);
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, (uint64_t)(count - i - 1) * 2 + 1, 1))
            break;
        element_slot(&child, AMF_ROLE_DICT_VALUE, i);
        amf3_decode_value(d, &child);
        if (child_failed(d, &child, (uint64_t)(count - i - 1) * 2, 1))
            break;
        children++;
    }
    amf_dec_leave(d);
    if (amf_dec_ok(d))
        close_object(d, &d->amf3.objects, index, 0, 0);
    amf_emit_end(d, &begin, children, 0, 0);
}

/* ---- any value ------------------------------------------------------- */

void amf3_decode_value(amf_dec *d, const amf_slot *slot)
{
    uint32_t start = d->r.pos;
    if (!amf_dec_count_value(d, start))
        return;
    uint8_t marker = amf_read_u8(&d->r);
    if (!amf_dec_ok(d))
        return;

    amf_event *ev;
    switch (marker) {
    case AMF3_UNDEFINED:
    case AMF3_NULL:
    case AMF3_FALSE:
    case AMF3_TRUE:
        if (!amf_dec_has_sink(d))
            return;
        ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
        ev->marker = marker;
        ev->type = marker == AMF3_UNDEFINED ? AMF_TYPE_UNDEFINED
                : marker == AMF3_NULL ? AMF_TYPE_NULL : AMF_TYPE_BOOLEAN;
        ev->boolean = marker == AMF3_TRUE;
        ev->data_offset = start;
        ev->data_length = 1;
        emit_scalar(d, ev);
        return;
    case AMF3_INTEGER: {
        uint32_t data_offset = d->r.pos;
        uint32_t u = amf3_read_u29(&d->r);
        if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
            return;
        ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
        ev->marker = marker;
        ev->type = AMF_TYPE_INTEGER;
        ev->integer = (u & AMF3_INT_SIGN) ? (int32_t)u - AMF3_INT_RANGE : (int32_t)u;
        ev->number = ev->integer;
        ev->data_offset = data_offset;
        ev->data_length = d->r.pos - data_offset;
        emit_scalar(d, ev);
        return;
    }
    case AMF3_DOUBLE: {
        uint32_t data_offset = d->r.pos;
        double v = amf_read_double(&d->r);
        if (!amf_dec_ok(d) || !amf_dec_has_sink(d))
            return;
        ev = amf_scalar_from_slot(d, slot, AMF_VERSION_3, start);
        ev->marker = marker;
        ev->type = AMF_TYPE_NUMBER;
        ev->number = v;
        ev->data_offset = data_offset;
        ev->data_length = 8;
        emit_scalar(d, ev);
        return;
    }
    case AMF3_STRING:
        decode_string(d, slot, start);
        return;
    case AMF3_XML_DOC:
        decode_bytes_value(d, slot, marker, start, AMF_TYPE_XML_DOCUMENT);
        return;
    case AMF3_XML:
        decode_bytes_value(d, slot, marker, start, AMF_TYPE_XML);
        return;
    case AMF3_BYTE_ARRAY:
        decode_bytes_value(d, slot, marker, start, AMF_TYPE_BYTE_ARRAY);
        return;
    case AMF3_DATE:
        decode_date(d, slot, start);
        return;
    case AMF3_ARRAY:
        decode_array(d, slot, start);
        return;
    case AMF3_OBJECT:
        decode_object(d, slot, start);
        return;
    case AMF3_VECTOR_INT:
    case AMF3_VECTOR_UINT:
    case AMF3_VECTOR_DOUBLE:
        decode_vector_fixed(d, slot, start, marker);
        return;
    case AMF3_VECTOR_OBJECT:
        decode_vector_object(d, slot, start);
        return;
    case AMF3_DICTIONARY:
        decode_dictionary(d, slot, start);
        return;
    default:
        amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_BAD_MARKER, start,
                        "unknown AMF3 type marker 0x%02x at offset %u", marker, start);
        return;
    }
}
