/* amf_tables.h
 * The reference tables: AMF3 strings, objects and traits, the AMF0 object
 * table.  Entries point into the message buffer; they grow only as the bytes
 * that create them are read, so memory is bounded by the message size.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef AMF_TABLES_H
#define AMF_TABLES_H

#include "amf.h"

/* A string-table entry (AMF3 strings, class and member names). */
typedef struct amf_string_entry {
    amf_str  str;
    bool     bad_utf8;           /* checked when first read */
} amf_string_entry;

/* An object-table entry: every complex value, added when it begins, so that
 * a reference back into a value still open is a cycle. */
/* 32 bytes: a message of small objects holds one entry per object (a 16 MiB
 * leaderboard, about 700,000), so the table is most of the decode's memory. */
typedef struct amf_object_entry {
    uint32_t node;               /* message-wide id */
    uint32_t offset;             /* marker of the value */
    uint32_t length;             /* whole value; 0 while open */
    uint32_t data_offset;        /* payload: the date's double, the bytes of */
    uint32_t data_length;        /*   XML/ByteArray */
    uint32_t class_offset;       /* typed object: class name, in the decoded */
    uint32_t class_length;       /*   buffer (length 0: anonymous) */
    uint8_t  type;               /* amf_type */
    uint8_t  marker;
    bool     open;
} amf_object_entry;
_Static_assert(sizeof(amf_object_entry) == 32, "object table entries stay small");

typedef struct amf_objects {
    amf_object_entry *items;
    uint32_t count, cap;
} amf_objects;

typedef struct amf_traits_entry {
    amf_str  class_name;
    uint32_t flags;              /* AMF_F_DYNAMIC, AMF_F_EXTERNALIZABLE */
    uint32_t sealed_count;
    uint32_t first_name;         /* into amf_tables.names */
} amf_traits_entry;

typedef struct amf_tables {
    amf_string_entry *strings;
    uint32_t          n_strings, cap_strings;
    amf_objects       objects;
    amf_traits_entry *traits;
    uint32_t          n_traits, cap_traits;
    amf_traits_name  *names;     /* sealed member names of all traits */
    uint32_t          n_names, cap_names;
} amf_tables;

/* Make room for one more element in *data (count used, *cap allocated).
 * A table starts in inline_buf (inline_cap elements, owned by the caller)
 * and moves to the allocator only when it outgrows it.  false: the
 * allocator refused. */
bool amf_table_reserve(const amf_allocator *a, void **data, uint32_t *cap,
                       uint32_t count, size_t elem_size, void *inline_buf, uint32_t inline_cap);
/* amf_table_reserve with its common case (room left) inline. */
static inline bool amf_table_room(const amf_allocator *a, void **data, uint32_t *cap,
                                  uint32_t count, size_t elem_size, void *inline_buf,
                                  uint32_t inline_cap)
{
    return count < *cap ||
           amf_table_reserve(a, data, cap, count, elem_size, inline_buf, inline_cap);
}

/* Release *data unless it is the inline buffer. */
void amf_table_release(const amf_allocator *a, void *data, const void *inline_buf);

void amf_tables_clear(amf_tables *t);   /* keeps the allocations */

#endif /* AMF_TABLES_H */
