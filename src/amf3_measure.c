/* amf3_measure.c
 * Measuring an AMF3 value with no sink, fast: the length of a well-formed
 * value (what framing asks on every message), walked with no events, no
 * slots and no sticky-error bookkeeping.  Anything it does not settle (an
 * error, a wait for more bytes, a limit, an externalizable body) is left to
 * the full decoder (amf3.c), which then decodes from the start and says why.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * It must accept exactly what amf3_decode_value() accepts with no sink, with
 * the same length and value count: every check below mirrors one of that
 * decoder's, in the same order, so that a decode that succeeds here would
 * succeed there (a check it makes more strictly only sends more inputs to
 * the full decoder).  The tables grow through the same calls, in the same
 * order and sizes, so an allocator sees what a full decode would show it.
 * tests/unit/test_measure.c compares both on every vector and prefix.
 */
#include "amf_decoder.h"

#include <string.h>

/* Bits of U29 headers (spec 1.3.1, 3.12), as in amf3.c. */
#define M_INLINE          0x1u
#define M_TRAITS_INLINE   0x2u
#define M_EXTERNAL        0x4u
#define M_DYNAMIC         0x8u

/* Every walker takes the position as a pointer and returns the position
 * after what it read, NULL when it does not settle the value: a position in
 * a register, not in the reader, keeps each value off a store-and-reload. */
typedef const uint8_t *m_pos;

/* The U29 at p, or NULL when the buffer ends inside it. */
static inline m_pos m_u29(m_pos p, m_pos end, uint32_t *out)
{
    size_t left = (size_t)(end - p);
    if (left >= 1 && !(p[0] & 0x80)) {
        *out = p[0];
        return p + 1;
    }
    if (left >= 2 && !(p[1] & 0x80)) {
        *out = (uint32_t)(p[0] & 0x7f) << 7 | p[1];
        return p + 2;
    }
    if (left >= 3 && !(p[2] & 0x80)) {
        *out = (uint32_t)(p[0] & 0x7f) << 14 | (uint32_t)(p[1] & 0x7f) << 7 | p[2];
        return p + 3;
    }
    if (left >= 4) {
        *out = (uint32_t)(p[0] & 0x7f) << 22 | (uint32_t)(p[1] & 0x7f) << 15 |
               (uint32_t)(p[2] & 0x7f) << 8 | p[3];
        return p + 4;
    }
    return NULL;
}

static inline m_pos m_skip(m_pos p, m_pos end, uint64_t n)
{
    return n <= (size_t)(end - p) ? p + n : NULL;
}

/* amf_dec_check_count when it passes for sure (complete or not). */
static inline bool m_fits(m_pos p, m_pos end, uint64_t count, uint32_t min_size)
{
    return count * min_size <= (size_t)(end - p);
}

/* An entry in the object table: its slot only (nothing reads it back while
 * measuring), grown as amf3.c grows it. */
static inline bool m_add_object(amf_dec *d)
{
    amf_objects *o = &d->amf3.objects;
    if (!amf_table_room(&d->cfg->alloc, (void **)&o->items, &o->cap, o->count,
                        sizeof *o->items, d->inline_tables.objects, AMF_INLINE_OBJECTS))
        return false;
    o->items[o->count].node = ++d->next_node;
    o->items[o->count].open = false;
    o->count++;
    return true;
}

/* read_string() of amf3.c: a reference is checked, an inline non-empty
 * string enters the table.  *len: the string's length (for a reference,
 * anything but 0 is enough for the callers, which test emptiness). */
static inline m_pos m_string(amf_dec *d, m_pos p, m_pos end, uint32_t *len)
{
    uint32_t header;
    if (!(p = m_u29(p, end, &header)))
        return NULL;
    amf_tables *t = &d->amf3;
    if (!(header & M_INLINE)) {
        uint32_t index = header >> 1;
        if (index >= t->n_strings)
            return NULL;
        *len = t->strings[index].str.len;
        return p;
    }
    uint32_t n = header >> 1;
    if (n > (size_t)(end - p))
        return NULL;
    *len = n;
    if (n == 0)
        return p;
    if (!amf_table_room(&d->cfg->alloc, (void **)&t->strings, &t->cap_strings, t->n_strings,
                        sizeof *t->strings, d->inline_tables.strings, AMF_INLINE_STRINGS))
        return NULL;
    t->strings[t->n_strings].str.ptr = (const char *)p;
    t->strings[t->n_strings].str.len = n;
    t->strings[t->n_strings].bad_utf8 = false;
    t->n_strings++;
    return p + n;
}

static inline bool m_enter(amf_dec *d)
{
    if (d->depth >= d->cfg->max_depth)
        return false;
    d->depth++;
    return true;
}

static inline m_pos m_value(amf_dec *d, m_pos p, m_pos end);

/* read_traits() and decode_object() of amf3.c, header already read. */
static m_pos m_object(amf_dec *d, m_pos p, m_pos end, uint32_t header)
{
    amf_tables *t = &d->amf3;
    uint32_t flags, sealed, len;
    if (!(header & M_TRAITS_INLINE)) {
        uint32_t index = header >> 2;
        if (index >= t->n_traits)
            return NULL;
        flags = t->traits[index].flags;
        sealed = t->traits[index].sealed_count;
    } else {
        flags = 0;
        sealed = 0;
        if (header & M_EXTERNAL) {
            flags = AMF_F_EXTERNALIZABLE;
        } else {
            if (header & M_DYNAMIC)
                flags = AMF_F_DYNAMIC;
            sealed = header >> 4;
        }
        if (!(p = m_string(d, p, end, &len)) || !m_fits(p, end, sealed, 2))
            return NULL;
        uint32_t first_name = t->n_names;
        for (uint32_t i = 0; i < sealed; i++) {
            if (!(p = m_string(d, p, end, &len)))
                return NULL;
            if (!amf_table_room(&d->cfg->alloc, (void **)&t->names, &t->cap_names, t->n_names,
                                sizeof *t->names, d->inline_tables.names, AMF_INLINE_NAMES))
                return NULL;
            t->n_names++;
        }
        if (!amf_table_room(&d->cfg->alloc, (void **)&t->traits, &t->cap_traits, t->n_traits,
                            sizeof *t->traits, d->inline_tables.traits, AMF_INLINE_TRAITS))
            return NULL;
        amf_traits_entry *e = &t->traits[t->n_traits++];
        e->class_name.ptr = NULL;
        e->class_name.len = 0;
        e->flags = flags;
        e->sealed_count = sealed;
        e->first_name = first_name;
    }
    /* An externalizable body needs the class name: the full decoder. */
    if ((flags & AMF_F_EXTERNALIZABLE) || !m_fits(p, end, sealed, 1) || !m_add_object(d) ||
        !m_enter(d))
        return NULL;
    for (uint32_t i = 0; i < sealed; i++)
        if (!(p = m_value(d, p, end)))
            return NULL;
    if (flags & AMF_F_DYNAMIC) {
        for (;;) {
            if (!(p = m_string(d, p, end, &len)))
                return NULL;
            if (len == 0)
                break;
            if (!(p = m_value(d, p, end)))
                return NULL;
        }
    }
    d->depth--;
    return p;
}

static m_pos m_array(amf_dec *d, m_pos p, m_pos end, uint32_t header)
{
    uint32_t dense = header >> 1;
    uint32_t len;
    if (!m_add_object(d) || !(p = m_string(d, p, end, &len)) || !m_fits(p, end, dense, 1) ||
        !m_enter(d))
        return NULL;
    while (len > 0) {
        if (!(p = m_value(d, p, end)) || !(p = m_string(d, p, end, &len)))
            return NULL;
    }
    for (uint32_t i = 0; i < dense; i++)
        if (!(p = m_value(d, p, end)))
            return NULL;
    d->depth--;
    return p;
}

static m_pos m_vector_fixed(amf_dec *d, m_pos p, m_pos end, uint32_t header, uint32_t width)
{
    uint32_t count = header >> 1;
    if (!(p = m_skip(p, end, 1)) || !m_fits(p, end, count, width) || !m_add_object(d) ||
        !m_enter(d))
        return NULL;
    /* Each item counts as a value, as in the full decoder. */
    if (count > d->max_values - d->values)
        return NULL;
    d->values += count;
    d->depth--;
    return p + (size_t)count * width;
}

static m_pos m_vector_object(amf_dec *d, m_pos p, m_pos end, uint32_t header)
{
    uint32_t count = header >> 1;
    uint32_t len;
    if (!(p = m_skip(p, end, 1)) || !(p = m_string(d, p, end, &len)) ||
        !m_fits(p, end, count, 1) || !m_add_object(d) || !m_enter(d))
        return NULL;
    for (uint32_t i = 0; i < count; i++)
        if (!(p = m_value(d, p, end)))
            return NULL;
    d->depth--;
    return p;
}

static m_pos m_dictionary(amf_dec *d, m_pos p, m_pos end, uint32_t header)
{
    uint32_t count = header >> 1;
    if (!(p = m_skip(p, end, 1)) || !m_fits(p, end, count, 2) || !m_add_object(d) ||
        !m_enter(d))
        return NULL;
    for (uint32_t i = 0; i < count; i++)
        if (!(p = m_value(d, p, end)) || !(p = m_value(d, p, end)))
            return NULL;
    d->depth--;
    return p;
}

/* The values with children or table entries (header read), out of line. */
static AMF_NOINLINE m_pos m_complex(amf_dec *d, m_pos p, m_pos end, uint8_t marker,
                                  uint32_t header)
{
    switch (marker) {
    case AMF3_XML_DOC:
    case AMF3_XML:
    case AMF3_BYTE_ARRAY:
        return m_add_object(d) ? m_skip(p, end, header >> 1) : NULL;
    case AMF3_DATE:
        return m_add_object(d) ? m_skip(p, end, 8) : NULL;
    case AMF3_ARRAY:
        return m_array(d, p, end, header);
    case AMF3_OBJECT:
        return m_object(d, p, end, header);
    case AMF3_VECTOR_INT:
    case AMF3_VECTOR_UINT:
        return m_vector_fixed(d, p, end, header, 4);
    case AMF3_VECTOR_DOUBLE:
        return m_vector_fixed(d, p, end, header, 8);
    case AMF3_VECTOR_OBJECT:
        return m_vector_object(d, p, end, header);
    default:                    /* AMF3_DICTIONARY */
        return m_dictionary(d, p, end, header);
    }
}

/* amf3_decode_value() of amf3.c: scalars here, inline in every loop. */
static inline m_pos m_value(amf_dec *d, m_pos p, m_pos end)
{
    if (d->values >= d->max_values || p >= end)
        return NULL;
    d->values++;
    uint8_t marker = *p++;
    if (marker <= AMF3_TRUE)
        return p;
    if (marker == AMF3_DOUBLE)
        return m_skip(p, end, 8);
    if (marker == AMF3_STRING) {
        uint32_t len;
        return m_string(d, p, end, &len);
    }
    if (marker > AMF3_DICTIONARY)
        return NULL;
    uint32_t header;
    if (!(p = m_u29(p, end, &header)))
        return NULL;
    if (marker == AMF3_INTEGER)
        return p;
    if (!(header & M_INLINE))
        return (header >> 1) < d->amf3.objects.count ? p : NULL;
    return m_complex(d, p, end, marker, header);
}

bool amf3_measure_value(amf_dec *d)
{
    /* A stop flag may be set while decoding goes on: only the full decoder
     * looks at it before every value. */
    if (d->cfg->sink || d->cfg->stop || !amf_dec_ok(d))
        return false;
    m_pos start = d->r.buf + d->r.pos;
    m_pos p = m_value(d, start, d->r.buf + d->r.len);
    if (!p)
        return false;
    d->r.pos += (uint32_t)(p - start);
    return true;
}
