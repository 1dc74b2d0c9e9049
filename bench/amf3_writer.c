/* amf3_writer.c
 * The benchmark's AMF3 encoder (see amf3_writer.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf3_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* AMF3 markers (spec 3.1) the traffic uses. */
enum {
    M_UNDEFINED = 0x00, M_NULL = 0x01, M_FALSE = 0x02, M_TRUE = 0x03, M_INTEGER = 0x04,
    M_DOUBLE = 0x05, M_STRING = 0x06, M_DATE = 0x08, M_ARRAY = 0x09, M_OBJECT = 0x0A,
    M_BYTE_ARRAY = 0x0C
};

/* Integers outside this range go out as doubles (spec 3.6). */
#define AMF3_INT_MIN (-(1 << 28))
#define AMF3_INT_MAX ((1 << 28) - 1)
/* The largest U29: lengths and counts past it cannot be encoded. */
#define AMF3_U29_MAX 0x1FFFFFFFu

#define INITIAL_SLOTS 1024u

static void die(const char *what)
{
    fprintf(stderr, "amf3_writer: %s\n", what);
    exit(1);
}

static inline void reserve(amf3_writer *w, size_t n)
{
    if (w->cap - w->len >= n)
        return;
    size_t cap = w->cap ? w->cap : 4096;
    while (cap - w->len < n)
        cap *= 2;
    uint8_t *p = realloc(w->buf, cap);
    if (!p)
        die("out of memory");
    w->buf = p;
    w->cap = cap;
}

void amf3w_init(amf3_writer *w)
{
    memset(w, 0, sizeof *w);
    w->n_slots = INITIAL_SLOTS;
    w->slots = calloc(w->n_slots, sizeof *w->slots);
    if (!w->slots)
        die("out of memory");
    w->generation = 1;
    amf3w_begin_message(w);
}

void amf3w_free(amf3_writer *w)
{
    free(w->buf);
    free(w->slots);
    memset(w, 0, sizeof *w);
}

void amf3w_begin_message(amf3_writer *w)
{
    w->message_start = w->len;
    w->generation++;
    if (w->generation == 0) {       /* wrapped: stale stamps could match */
        memset(w->slots, 0, w->n_slots * sizeof *w->slots);
        w->generation = 1;
    }
    w->n_strings = 0;
    for (uint32_t i = 0; i < AMF3W_MAX_CLASSES; i++)
        w->trait_index[i] = -1;
    w->n_traits = 0;
    w->n_objects = 0;
}

/* ---- raw bytes ------------------------------------------------------- */

void amf3w_raw(amf3_writer *w, const void *data, size_t n)
{
    reserve(w, n);
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

void amf3w_raw_u8(amf3_writer *w, uint8_t v)
{
    reserve(w, 1);
    w->buf[w->len++] = v;
}

void amf3w_raw_u16(amf3_writer *w, uint16_t v)
{
    reserve(w, 2);
    w->buf[w->len++] = (uint8_t)(v >> 8);
    w->buf[w->len++] = (uint8_t)v;
}

void amf3w_raw_u32(amf3_writer *w, uint32_t v)
{
    reserve(w, 4);
    w->buf[w->len++] = (uint8_t)(v >> 24);
    w->buf[w->len++] = (uint8_t)(v >> 16);
    w->buf[w->len++] = (uint8_t)(v >> 8);
    w->buf[w->len++] = (uint8_t)v;
}

void amf3w_patch_u32(amf3_writer *w, size_t at, uint32_t v)
{
    w->buf[at] = (uint8_t)(v >> 24);
    w->buf[at + 1] = (uint8_t)(v >> 16);
    w->buf[at + 2] = (uint8_t)(v >> 8);
    w->buf[at + 3] = (uint8_t)v;
}

/* U29 (spec 1.3.1): 7 bits per byte with a continuation bit, the fourth
 * byte carrying 8 bits. */
static inline void put_u29(amf3_writer *w, uint32_t v)
{
    if (v > AMF3_U29_MAX)
        die("U29 out of range");
    reserve(w, 4);
    uint8_t *p = w->buf + w->len;
    if (v < 0x80) {
        p[0] = (uint8_t)v;
        w->len += 1;
    } else if (v < 0x4000) {
        p[0] = (uint8_t)(v >> 7 | 0x80);
        p[1] = (uint8_t)(v & 0x7F);
        w->len += 2;
    } else if (v < 0x200000) {
        p[0] = (uint8_t)(v >> 14 | 0x80);
        p[1] = (uint8_t)((v >> 7 & 0x7F) | 0x80);
        p[2] = (uint8_t)(v & 0x7F);
        w->len += 3;
    } else {
        p[0] = (uint8_t)(v >> 22 | 0x80);
        p[1] = (uint8_t)((v >> 15 & 0x7F) | 0x80);
        p[2] = (uint8_t)((v >> 8 & 0x7F) | 0x80);
        p[3] = (uint8_t)v;
        w->len += 4;
    }
}

static inline void put_double(amf3_writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    reserve(w, 8);
    for (int i = 7; i >= 0; i--)
        w->buf[w->len++] = (uint8_t)(bits >> (i * 8));
}

/* ---- the string table ------------------------------------------------ */

static inline uint32_t hash_text(const char *s, size_t n)
{
    uint32_t h = 2166136261u;               /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static void grow_slots(amf3_writer *w)
{
    uint32_t n = w->n_slots * 2;
    amf3w_string_slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        die("out of memory");
    for (uint32_t i = 0; i < w->n_slots; i++) {
        const amf3w_string_slot *s = &w->slots[i];
        if (s->generation != w->generation)
            continue;
        uint32_t j = s->hash & (n - 1);
        while (slots[j].generation == w->generation)
            j = (j + 1) & (n - 1);
        slots[j] = *s;
    }
    free(w->slots);
    w->slots = slots;
    w->n_slots = n;
}

/* UTF-8-vr (spec 1.3.2): an inline string enters the string table, a
 * string sent before in this message goes out as its index.  The empty
 * string is always inline and never enters the table. */
static void put_string_vr(amf3_writer *w, const char *s, size_t n)
{
    if (n == 0) {
        put_u29(w, 1);
        return;
    }
    if (n > AMF3_U29_MAX >> 1)
        die("string too long for AMF3");
    uint32_t h = hash_text(s, n);
    uint32_t mask = w->n_slots - 1;
    uint32_t i = h & mask;
    for (;;) {
        amf3w_string_slot *slot = &w->slots[i];
        if (slot->generation != w->generation)
            break;
        if (slot->hash == h && slot->len == n && memcmp(w->buf + slot->offset, s, n) == 0) {
            put_u29(w, slot->index << 1);
            return;
        }
        i = (i + 1) & mask;
    }
    put_u29(w, (uint32_t)n << 1 | 1);
    amf3w_string_slot *slot = &w->slots[i];
    slot->generation = w->generation;
    slot->hash = h;
    slot->offset = (uint32_t)w->len;
    slot->len = (uint32_t)n;
    slot->index = w->n_strings++;
    amf3w_raw(w, s, n);
    if (w->n_strings * 2 > w->n_slots)
        grow_slots(w);
}

/* ---- values ---------------------------------------------------------- */

void amf3w_undefined(amf3_writer *w) { amf3w_raw_u8(w, M_UNDEFINED); }
void amf3w_null(amf3_writer *w) { amf3w_raw_u8(w, M_NULL); }
void amf3w_bool(amf3_writer *w, bool v) { amf3w_raw_u8(w, v ? M_TRUE : M_FALSE); }

void amf3w_int(amf3_writer *w, int64_t v)
{
    if (v < AMF3_INT_MIN || v > AMF3_INT_MAX) {
        amf3w_double(w, (double)v);
        return;
    }
    amf3w_raw_u8(w, M_INTEGER);
    put_u29(w, (uint32_t)v & AMF3_U29_MAX);
}

void amf3w_double(amf3_writer *w, double v)
{
    amf3w_raw_u8(w, M_DOUBLE);
    put_double(w, v);
}

void amf3w_string(amf3_writer *w, const char *s, size_t n)
{
    amf3w_raw_u8(w, M_STRING);
    put_string_vr(w, s, n);
}

void amf3w_cstring(amf3_writer *w, const char *s)
{
    amf3w_string(w, s, strlen(s));
}

uint32_t amf3w_date(amf3_writer *w, double ms)
{
    amf3w_raw_u8(w, M_DATE);
    put_u29(w, 1);                          /* U29D-value: inline, no other bits */
    put_double(w, ms);
    return w->n_objects++;
}

uint32_t amf3w_bytearray(amf3_writer *w, const void *data, size_t n)
{
    if (n > AMF3_U29_MAX >> 1)
        die("ByteArray too long for AMF3");
    amf3w_raw_u8(w, M_BYTE_ARRAY);
    put_u29(w, (uint32_t)n << 1 | 1);
    amf3w_raw(w, data, n);
    return w->n_objects++;
}

uint32_t amf3w_object(amf3_writer *w, const amf3_class *c)
{
    if (c->id >= AMF3W_MAX_CLASSES)
        die("class id out of range");
    amf3w_raw_u8(w, M_OBJECT);
    uint32_t index = w->n_objects++;
    int32_t t = w->trait_index[c->id];
    if (t >= 0) {
        put_u29(w, (uint32_t)t << 2 | 0x1); /* U29O-traits-ref */
        return index;
    }
    /* U29O-traits: sealed count, dynamic, not externalizable, inline. */
    put_u29(w, c->n_members << 4 | (c->dynamic ? 0x8u : 0u) | 0x3u);
    put_string_vr(w, c->name, strlen(c->name));
    for (uint32_t i = 0; i < c->n_members; i++)
        put_string_vr(w, c->members[i], strlen(c->members[i]));
    w->trait_index[c->id] = (int32_t)w->n_traits++;
    return index;
}

void amf3w_member_name(amf3_writer *w, const char *name)
{
    if (!name[0])
        die("a dynamic member name cannot be empty");
    put_string_vr(w, name, strlen(name));
}

void amf3w_end_dynamic(amf3_writer *w)
{
    put_u29(w, 1);                          /* the empty string */
}

uint32_t amf3w_array(amf3_writer *w, uint32_t count)
{
    amf3w_raw_u8(w, M_ARRAY);
    put_u29(w, count << 1 | 1);
    put_u29(w, 1);                          /* no associative part */
    return w->n_objects++;
}

void amf3w_object_ref(amf3_writer *w, uint32_t index)
{
    if (index >= w->n_objects)
        die("object reference past the object table");
    amf3w_raw_u8(w, M_OBJECT);
    put_u29(w, index << 1);
}
