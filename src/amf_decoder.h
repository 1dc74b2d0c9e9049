/* amf_decoder.h
 * State shared by the AMF0, AMF3 and externalizable decoders while one
 * message is decoded (internal to the core).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef AMF_DECODER_H
#define AMF_DECODER_H

#include "amf.h"
#include "amf_reader.h"
#include "amf_tables.h"

#include <string.h>

/* For code split so that a hot caller stays small (containers out of the
 * per-value path). */
#if defined(__GNUC__)
#define AMF_NOINLINE __attribute__((noinline))
#else
#define AMF_NOINLINE
#endif

/* Table entries a decode holds before it allocates (a typical message of a
 * few hundred bytes fits). */
#define AMF_INLINE_STRINGS 32u
#define AMF_INLINE_OBJECTS 32u
#define AMF_INLINE_TRAITS  8u
#define AMF_INLINE_NAMES   32u

/* One decode: lives on the stack of amf_decode(), tables in cfg->alloc. */
typedef struct amf_dec {
    const amf_config *cfg;
    amf_reader  r;
    amf_tables  amf3;            /* AMF3 string/object/traits tables: per top-level
                                    AMF3 value, fresh again at every AVM+ switch */
    amf_objects amf0;            /* AMF0 object table, per message */
    uint32_t    next_node;       /* message-wide ids of object-table entries */
    uint32_t    values;          /* values decoded, against max_values */
    uint32_t    max_values;      /* cfg->max_values, one load nearer */
    uint32_t    values_fast;     /* max_values, or 0 with a stop flag (then every
                                    value takes the slow path, which reads it) */
    uint32_t    depth;           /* containers open */
    bool        error_sent;      /* the ERROR event has gone out */
    amf_event_fn sink;           /* cfg->sink and cfg->user, one load nearer */
    void       *user;


    /* The first entries of each table live here, so that most messages
     * allocate nothing.  Not cleared (amf_dec_init stops before it): every
     * entry is written before it is read.  Keep it after what amf_dec_init
     * clears. */
    struct {
        amf_string_entry strings[AMF_INLINE_STRINGS];
        amf_object_entry objects[AMF_INLINE_OBJECTS];
        amf_traits_entry traits[AMF_INLINE_TRAITS];
        amf_traits_name  names[AMF_INLINE_NAMES];
        amf_object_entry amf0_objects[AMF_INLINE_OBJECTS];
    } inline_tables;

    /* SCALAR events are built here, not on the stack: everything from
     * AMF_SCALAR_EVENT_END on is zero at rest (scalars that use object_index
     * and node clear them again once emitted), so a scalar clears only the
     * part before it.  Past what amf_dec_init clears: cleared there only
     * with a sink. */
    amf_event   scalar;
} amf_dec;

/* Where the value being decoded sits; copied into its events. */
typedef struct amf_slot {
    amf_role role;
    uint32_t index;
    amf_str  name;
    uint32_t name_offset, name_length, name_ref;
    uint32_t flags;              /* AMF_F_NAME_REF, AMF_F_BAD_UTF8 (of the name), AMF_F_AVMPLUS */
    uint32_t start;              /* with AMF_F_AVMPLUS: offset of the 0x11 byte */
} amf_slot;

static inline bool amf_dec_ok(const amf_dec *d) { return d->r.status == AMF_OK; }
static inline bool amf_dec_has_sink(const amf_dec *d) { return d->sink != NULL; }

/* Start and end one decode (amf_decode, amf_decode_packet). */
void amf_dec_init(amf_dec *d, const amf_config *cfg, const uint8_t *buf, size_t len,
                  bool complete);
amf_status amf_dec_finish(amf_dec *d, amf_result *res);

/* Copying a zeroed event is much cheaper than memset's `rep stos` for a
 * struct this size (amf_decode.c defines it). */
extern const amf_event amf_event_zero;

/* The fields every value event takes from its slot. */
static inline void amf_event_set_slot(amf_event *ev, amf_event_kind kind, const amf_dec *d,
                                      const amf_slot *slot, amf_version version, uint32_t offset)
{
    ev->kind = kind;
    ev->depth = d->depth;
    ev->role = slot->role;
    ev->index = slot->index;
    ev->name = slot->name;
    ev->name_offset = slot->name_offset;
    ev->name_length = slot->name_length;
    ev->name_ref = slot->name_ref;
    ev->flags = slot->flags;
    ev->version = version;
    ev->offset = (slot->flags & AMF_F_AVMPLUS) ? slot->start : offset;
}

/* A value event pre-filled from its slot (every other field zero); inline,
 * it runs for every value. */
static inline void amf_event_from_slot(amf_event *ev, amf_event_kind kind, const amf_dec *d,
                                       const amf_slot *slot, amf_version version,
                                       uint32_t offset)
{
    memcpy(ev, &amf_event_zero, sizeof *ev);
    amf_event_set_slot(ev, kind, d, slot, version, offset);
}

/* A SCALAR event in d->scalar, pre-filled from its slot: what
 * amf_event_from_slot gives, with only the fields scalars use cleared (all
 * but object_index and node lie before AMF_SCALAR_EVENT_END). */
#define AMF_SCALAR_EVENT_END offsetof(amf_event, class_name)

static inline amf_event *amf_scalar_from_slot(amf_dec *d, const amf_slot *slot,
                                              amf_version version, uint32_t offset)
{
    amf_event *ev = &d->scalar;
    memcpy(ev, &amf_event_zero, AMF_SCALAR_EVENT_END);   /* not memset: see amf_event_zero */
    amf_event_set_slot(ev, AMF_EV_SCALAR, d, slot, version, offset);
    return ev;
}

static inline void amf_emit(amf_dec *d, amf_event *ev)
{
    if (d->sink)
        d->sink(d->user, ev);
}

/* Emit d->scalar with its object-table fields, then clear them again. */
static inline void amf_emit_scalar_entry(amf_dec *d, amf_event *ev)
{
    amf_emit(d, ev);
    ev->object_index = 0;
    ev->node = 0;
}
/* A container's END event, made from its BEGIN event in place (the
 * caller's last use of it). */
void amf_emit_end(amf_dec *d, amf_event *begin, uint32_t count,
                  uint32_t end_offset, uint32_t end_length);
/* Send the ERROR event once, in the slot where it happened. */
void amf_emit_error_once(amf_dec *d, const amf_slot *slot);
void amf_emit_warning(amf_dec *d, amf_error warn, uint32_t offset, uint32_t length,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Count a value against the work limit and enter a container level.
 * Return false (error latched) past a limit. */
bool amf_dec_count_value_slow(amf_dec *d, uint32_t offset);
bool amf_dec_enter_slow(amf_dec *d, uint32_t offset);

static inline bool amf_dec_count_value(amf_dec *d, uint32_t offset)
{
    if (d->values < d->values_fast) {
        d->values++;
        return true;
    }
    return amf_dec_count_value_slow(d, offset);
}

static inline bool amf_dec_enter(amf_dec *d, uint32_t offset)
{
    if (d->depth < d->cfg->max_depth) {
        d->depth++;
        return true;
    }
    return amf_dec_enter_slow(d, offset);
}
static inline void amf_dec_leave(amf_dec *d) { d->depth--; }

/* Fail unless `count` items of at least `min_size` bytes each can still fit. */
bool amf_dec_check_count(amf_dec *d, uint64_t count, uint32_t min_size,
                         uint32_t item_offset, const char *what);

/* Object tables (amf3.c): add a complex value when it begins, close it when
 * it ends; emit a reference resolved against table `o`. */
uint32_t amf_objects_add(amf_dec *d, amf_objects *o, amf_type type, uint8_t marker,
                         uint32_t offset, amf_str class_name);
void amf_objects_close(amf_dec *d, amf_objects *o, uint32_t index);
void amf_emit_reference(amf_dec *d, const amf_slot *slot, amf_version version,
                        uint8_t marker, uint32_t start, uint32_t data_offset,
                        const amf_objects *o, uint32_t index, amf_type expected);

/* Is str valid UTF-8?  (Checked only when events are wanted.)  Most AMF
 * text is ASCII: eight bytes at a time here, the rest out of line. */
bool amf_utf8_valid_from(const char *ptr, uint32_t len, uint32_t i);

static inline bool amf_utf8_valid(const char *ptr, uint32_t len)
{
    uint32_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, ptr + i, 8);
        if (w & 0x8080808080808080ull)
            return amf_utf8_valid_from(ptr, len, i);
    }
    for (; i < len; i++)
        if ((unsigned char)ptr[i] >= 0x80)
            return amf_utf8_valid_from(ptr, len, i);
    return true;
}

/* Entry points of the two encodings (the slot says where the value sits). */
void amf0_decode_value(amf_dec *d, const amf_slot *slot);
void amf3_decode_value(amf_dec *d, const amf_slot *slot);
/* With no sink: the length of a well-formed AMF3 value, fast (amf3_measure.c).
 * false: not settled there (an error, a wait, a limit, an externalizable
 * body, a stop flag to watch); decode again from the start with
 * amf3_decode_value, which says why. */
bool amf3_measure_value(amf_dec *d);
/* Start a fresh set of AMF3 tables (top level, AVM+ switch). */
void amf3_reset_tables(amf_dec *d);

/* Externalizable bodies (amf_external.c): decode the body of an object of
 * class `begin->class_name`; false if the class is unknown (error latched). */
bool amf3_decode_external(amf_dec *d, const amf_event *begin);

#endif /* AMF_DECODER_H */
