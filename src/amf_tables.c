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
                       uint32_t count, size_t elem_size)
{
    if (count < *cap)
        return true;
    if (*cap >= UINT32_MAX / 2)
        return false;
    uint32_t new_cap = *cap ? *cap * 2 : AMF_TABLE_INITIAL_CAP;
    void *p = a->realloc_fn(a->ctx, *data, (size_t)new_cap * elem_size);
    if (!p)
        return false;
    *data = p;
    *cap = new_cap;
    return true;
}

void amf_tables_clear(amf_tables *t)
{
    t->n_strings = 0;
    t->objects.count = 0;
    t->n_traits = 0;
    t->n_names = 0;
}

void amf_objects_free(const amf_allocator *a, amf_objects *o)
{
    if (o->items)
        a->free_fn(a->ctx, o->items);
    memset(o, 0, sizeof *o);
}

void amf_tables_free(const amf_allocator *a, amf_tables *t)
{
    if (t->strings)
        a->free_fn(a->ctx, t->strings);
    if (t->traits)
        a->free_fn(a->ctx, t->traits);
    if (t->names)
        a->free_fn(a->ctx, t->names);
    amf_objects_free(a, &t->objects);
    memset(t, 0, sizeof *t);
}
