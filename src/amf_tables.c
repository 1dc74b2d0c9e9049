/* amf_tables.c
 * Growth and release of the reference tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_tables.h"

#include <string.h>

/* First allocation of a table; doubling after that keeps growth linear. */
#define AMF_TABLE_INITIAL_CAP 16u

bool amf_table_reserve(const amf_allocator *a, void **data, uint32_t *cap,
                       uint32_t count, size_t elem_size, void *inline_buf, uint32_t inline_cap)
{
    if (count < *cap)
        return true;
    if (*cap == 0 && inline_buf && inline_cap) {
        *data = inline_buf;
        *cap = inline_cap;
        return true;
    }
    if (*cap >= UINT32_MAX / 2)
        return false;
    uint32_t new_cap = *cap ? *cap * 2 : AMF_TABLE_INITIAL_CAP;
    bool was_inline = *data == inline_buf;
    void *p = a->realloc_fn(a->ctx, was_inline ? NULL : *data, (size_t)new_cap * elem_size);
    if (!p)
        return false;
    if (was_inline && count)
        memcpy(p, inline_buf, (size_t)count * elem_size);
    *data = p;
    *cap = new_cap;
    return true;
}

void amf_table_release(const amf_allocator *a, void *data, const void *inline_buf)
{
    if (data && data != inline_buf)
        a->free_fn(a->ctx, data);
}

void amf_tables_clear(amf_tables *t)
{
    t->n_strings = 0;
    t->objects.count = 0;
    t->n_traits = 0;
    t->n_names = 0;
}
