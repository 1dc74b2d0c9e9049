/* amf3_writer.h
 * A small AMF3 encoder for the benchmark's traffic: writes values into a
 * growing buffer with the three reference tables of the AMF3 specification
 * (strings, traits, objects), so repeated strings, class names and member
 * names go out as references, exactly as Flash Player and BlazeDS send them.
 *
 * Specification: AMF 3 File Format Specification (Adobe, 2013), sections
 * 1.3 (U29, reference tables) and 3 (types).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One message at a time: amf3w_begin_message() clears the tables (they are
 * per top-level value) and appends from the current end of the buffer, so a
 * caller can write a framing header first and then the value.
 */
#ifndef AMF3_WRITER_H
#define AMF3_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A class the traffic model sends: its traits, written inline the first
 * time a message uses the class and as a trait reference after that. */
typedef struct amf3_class {
    const char        *name;        /* "" for anonymous objects */
    const char *const *members;     /* sealed member names, in wire order */
    uint32_t           n_members;
    bool               dynamic;     /* dynamic members follow the sealed ones */
    uint32_t           id;          /* 0..AMF3W_MAX_CLASSES-1, unique per class */
} amf3_class;

#define AMF3W_MAX_CLASSES 64

/* String table slot: a string already written inline in this message. */
typedef struct amf3w_string_slot {
    uint32_t generation;            /* equals the writer's: slot is in use */
    uint32_t hash;
    uint32_t offset;                /* the text's bytes in buf */
    uint32_t len;
    uint32_t index;                 /* its string-table index */
} amf3w_string_slot;

/* The encoder's state: the output buffer (grows, never shrinks) and the
 * reference tables of the message being written. */
typedef struct amf3_writer {
    uint8_t           *buf;
    size_t             len, cap;
    size_t             message_start;   /* where the current value began */
    uint32_t           generation;      /* bumps per message: clears the string table */
    amf3w_string_slot *slots;           /* open addressing, power-of-two size */
    uint32_t           n_slots, n_strings;
    int32_t            trait_index[AMF3W_MAX_CLASSES]; /* -1: not sent in this message */
    uint32_t           n_traits;
    uint32_t           n_objects;       /* object-table entries so far */
} amf3_writer;

void amf3w_init(amf3_writer *w);
void amf3w_free(amf3_writer *w);
/* Drop everything written (keeps the allocation). */
static inline void amf3w_clear(amf3_writer *w) { w->len = 0; }
/* Fresh reference tables: the next value is a new top-level value. */
void amf3w_begin_message(amf3_writer *w);
/* Bytes of the current value so far. */
static inline size_t amf3w_message_length(const amf3_writer *w) { return w->len - w->message_start; }

/* Raw bytes (framing headers, envelopes); no table effects. */
void amf3w_raw(amf3_writer *w, const void *data, size_t n);
void amf3w_raw_u8(amf3_writer *w, uint8_t v);
void amf3w_raw_u16(amf3_writer *w, uint16_t v);     /* big-endian */
void amf3w_raw_u32(amf3_writer *w, uint32_t v);     /* big-endian */
/* Overwrite a big-endian u32 written earlier (a length known only later). */
void amf3w_patch_u32(amf3_writer *w, size_t at, uint32_t v);

/* Scalars. */
void amf3w_undefined(amf3_writer *w);
void amf3w_null(amf3_writer *w);
void amf3w_bool(amf3_writer *w, bool v);
/* An integer: the integer marker inside the 29-bit range, a double outside. */
void amf3w_int(amf3_writer *w, int64_t v);
void amf3w_double(amf3_writer *w, double v);
void amf3w_string(amf3_writer *w, const char *s, size_t n);
void amf3w_cstring(amf3_writer *w, const char *s);
/* Returns the value's object-table index (dates are reference-able). */
uint32_t amf3w_date(amf3_writer *w, double ms_since_1970);
uint32_t amf3w_bytearray(amf3_writer *w, const void *data, size_t n);

/* An object of class c: writes marker and traits (or a trait reference);
 * the caller then writes the n_members sealed values in order and, for a
 * dynamic class, pairs of amf3w_member_name() + value, then
 * amf3w_end_dynamic().  Returns the object's object-table index. */
uint32_t amf3w_object(amf3_writer *w, const amf3_class *c);
void amf3w_member_name(amf3_writer *w, const char *name);
void amf3w_end_dynamic(amf3_writer *w);

/* An array with a dense part of `count` values (written next by the
 * caller) and no associative part.  Returns its object-table index. */
uint32_t amf3w_array(amf3_writer *w, uint32_t count);

/* A reference to an object-table entry written earlier in this message. */
void amf3w_object_ref(amf3_writer *w, uint32_t index);

#endif /* AMF3_WRITER_H */
