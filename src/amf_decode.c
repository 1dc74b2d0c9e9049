/* amf_decode.c
 * The decode entry point, event emission, limits and names shared by the
 * AMF0 and AMF3 decoders.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_decoder.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[AMF_TYPE_COUNT_] = {
    [AMF_TYPE_UNDEFINED]     = "Undefined",
    [AMF_TYPE_NULL]          = "Null",
    [AMF_TYPE_BOOLEAN]       = "Boolean",
    [AMF_TYPE_INTEGER]       = "Integer",
    [AMF_TYPE_NUMBER]        = "Number",
    [AMF_TYPE_STRING]        = "String",
    [AMF_TYPE_DATE]          = "Date",
    [AMF_TYPE_OBJECT]        = "Object",
    [AMF_TYPE_ECMA_ARRAY]    = "ECMA array",
    [AMF_TYPE_ARRAY]         = "Array",
    [AMF_TYPE_XML_DOCUMENT]  = "XML document",
    [AMF_TYPE_XML]           = "XML",
    [AMF_TYPE_BYTE_ARRAY]    = "ByteArray",
    [AMF_TYPE_VECTOR_INT]    = "Vector int",
    [AMF_TYPE_VECTOR_UINT]   = "Vector uint",
    [AMF_TYPE_VECTOR_NUMBER] = "Vector Number",
    [AMF_TYPE_VECTOR_OBJECT] = "Vector Object",
    [AMF_TYPE_DICTIONARY]    = "Dictionary",
    [AMF_TYPE_UNSUPPORTED]   = "Unsupported",
    [AMF_TYPE_MOVIECLIP]     = "MovieClip",
    [AMF_TYPE_RECORDSET]     = "RecordSet",
};

const char *amf_type_name(amf_type type)
{
    if (type <= 0 || type >= AMF_TYPE_COUNT_)
        return "Unknown";
    return type_names[type];
}

static const char *const amf3_marker_names[] = {
    "undefined", "null", "false", "true", "integer", "double", "string", "xml-doc", "date",
    "array", "object", "xml", "byte-array", "vector-int", "vector-uint", "vector-double",
    "vector-object", "dictionary",
};

static const char *const amf0_marker_names[] = {
    "number", "boolean", "string", "object", "movieclip", "null", "undefined", "reference",
    "ecma-array", "object-end", "strict-array", "date", "long-string", "unsupported",
    "recordset", "xml-document", "typed-object", "avmplus-object",
};

const char *amf_marker_name(int version, uint8_t marker)
{
    if (version == AMF_VERSION_3)
        return marker < sizeof amf3_marker_names / sizeof *amf3_marker_names
             ? amf3_marker_names[marker] : "unknown";
    return marker < sizeof amf0_marker_names / sizeof *amf0_marker_names
         ? amf0_marker_names[marker] : "unknown";
}

static const char *const error_names[AMF_ERROR_COUNT_] = {
    [AMF_ERR_NONE]             = "no error",
    [AMF_ERR_TRUNCATED]        = "truncated",
    [AMF_ERR_BAD_MARKER]       = "bad type marker",
    [AMF_ERR_BAD_STRING_REF]   = "string reference out of range",
    [AMF_ERR_BAD_OBJECT_REF]   = "object reference out of range",
    [AMF_ERR_BAD_TRAIT_REF]    = "trait reference out of range",
    [AMF_ERR_COUNT]            = "count larger than the data",
    [AMF_ERR_BAD_VALUE]        = "bad field value",
    [AMF_ERR_DEPTH_LIMIT]      = "nesting depth limit",
    [AMF_ERR_VALUE_LIMIT]      = "value count limit",
    [AMF_ERR_SIZE_LIMIT]       = "message size limit",
    [AMF_ERR_NO_MEMORY]        = "out of memory",
    [AMF_ERR_EXTERNALIZABLE]   = "unknown externalizable class",
    [AMF_ERR_STOPPED]          = "stopped",
    [AMF_WARN_UTF8]            = "invalid UTF-8",
    [AMF_WARN_RESERVED_MARKER] = "reserved type marker",
    [AMF_WARN_REF_TYPE]        = "reference to another type",
    [AMF_WARN_TRAILING]        = "trailing bytes",
    [AMF_WARN_FLEX_FLAGS]      = "unknown Flex message flags",
    [AMF_WARN_JSON_REFS]       = "JSON references not expanded",
};

const char *amf_error_name(amf_error err)
{
    if (err < 0 || err >= AMF_ERROR_COUNT_ || !error_names[err])
        return "unknown error";
    return error_names[err];
}

static void *default_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void default_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

void amf_config_init(amf_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_depth = AMF_DEFAULT_MAX_DEPTH;
    cfg->max_values = AMF_DEFAULT_MAX_VALUES;
    cfg->max_message = AMF_DEFAULT_MAX_MESSAGE;
    cfg->alloc.realloc_fn = default_realloc;
    cfg->alloc.free_fn = default_free;
}

const amf_event amf_event_zero;

bool amf_utf8_valid_from(const char *ptr, uint32_t len, uint32_t i)
{
    /* From i on (ASCII before it): whole words of ASCII are skipped too. */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, ptr + i, 8);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < len && (unsigned char)ptr[i] < 0x80)
        i++;
    if (i == len)
        return true;
    ptr += i;
    len -= i;
    /* GLib stops at a NUL byte, which UTF-8 allows (U+0000): step over it. */
    const char *end;
    while (!g_utf8_validate_len(ptr, len, &end)) {
        if (*end != '\0')
            return false;
        len -= (uint32_t)(end - ptr) + 1;
        ptr = end + 1;
    }
    return true;
}

void amf_emit_end(amf_dec *d, amf_event *begin, uint32_t count,
                  uint32_t end_offset, uint32_t end_length)
{
    if (!d->sink)
        return;
    /* BEGIN becomes END in place: the caller is done with it. */
    amf_event *ev = begin;
    ev->kind = AMF_EV_END;
    ev->depth = d->depth;
    ev->count = count;
    ev->length = (amf_dec_ok(d) ? d->r.pos : d->r.len) - begin->offset;
    ev->end_offset = end_offset;
    ev->end_length = end_length;
    if (!amf_dec_ok(d))
        ev->flags |= AMF_F_TRUNCATED;
    ev->sealed = NULL;
    d->sink(d->user, ev);
}

void amf_emit_error_once(amf_dec *d, const amf_slot *slot)
{
    if (d->error_sent || amf_dec_ok(d))
        return;
    d->error_sent = true;
    if (!d->sink)
        return;
    amf_event ev;
    amf_event_from_slot(&ev, AMF_EV_ERROR, d, slot, AMF_VERSION_3, d->r.err_offset);
    ev.offset = d->r.err_offset;
    ev.length = d->r.len > d->r.err_offset ? d->r.len - d->r.err_offset : 0;
    ev.error = d->r.error;
    ev.status = d->r.status;
    ev.message = d->r.message;
    d->sink(d->user, &ev);
}

void amf_emit_warning(amf_dec *d, amf_error warn, uint32_t offset, uint32_t length,
                      const char *fmt, ...)
{
    if (!d->sink)
        return;
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    amf_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = AMF_EV_WARNING;
    ev.depth = d->depth;
    ev.offset = offset;
    ev.length = length;
    ev.error = warn;
    ev.status = AMF_OK;
    ev.message = text;
    d->sink(d->user, &ev);
}

bool amf_dec_count_value_slow(amf_dec *d, uint32_t offset)
{
    if (d->cfg->stop && *d->cfg->stop) {
        amf_reader_fail(&d->r, AMF_LIMIT, AMF_ERR_STOPPED, offset, "stopped at offset %u", offset);
        return false;
    }
    if (++d->values > d->cfg->max_values) {
        amf_reader_fail(&d->r, AMF_LIMIT, AMF_ERR_VALUE_LIMIT, offset,
                        "more than %u values in one message (work limit) at offset %u",
                        d->cfg->max_values, offset);
        return false;
    }
    return true;
}

bool amf_dec_enter_slow(amf_dec *d, uint32_t offset)
{
    if (d->depth >= d->cfg->max_depth) {
        amf_reader_fail(&d->r, AMF_LIMIT, AMF_ERR_DEPTH_LIMIT, offset,
                        "nesting deeper than %u levels (depth limit) at offset %u",
                        d->cfg->max_depth, offset);
        return false;
    }
    d->depth++;
    return true;
}

bool amf_dec_check_count(amf_dec *d, uint64_t count, uint32_t min_size,
                         uint32_t item_offset, const char *what)
{
    if (!amf_dec_ok(d))
        return false;
    uint64_t need = count * min_size;
    uint32_t left = amf_reader_left(&d->r);
    if (need <= left)
        return true;
    if (d->r.complete) {
        amf_reader_fail(&d->r, AMF_MALFORMED, AMF_ERR_COUNT, item_offset,
                        "%s claims %" PRIu64 " elements (at least %" PRIu64 " bytes) but only %u bytes are left",
                        what, count, need, left);
        return false;
    }
    /* Not wrong yet: the bytes may still come.  Children report what they
     * miss; the count only rules out what can never fit. */
    if ((uint64_t)d->r.pos + need > d->r.max_message) {
        amf_reader_fail(&d->r, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, item_offset,
                        "%s claims %" PRIu64 " elements (at least %" PRIu64 " bytes): past the largest message (%u bytes)",
                        what, count, need,
                        d->r.max_message);
        return false;
    }
    return true;
}

void amf_dec_init(amf_dec *d, const amf_config *cfg, const uint8_t *buf, size_t len,
                  bool complete)
{
    /* The reader clears itself (but its message buffer). */
    memset(&d->amf3, 0, offsetof(amf_dec, inline_tables) - offsetof(amf_dec, amf3));
    d->cfg = cfg;
    d->max_values = cfg->max_values;
    d->values_fast = cfg->stop ? 0 : cfg->max_values;
    d->sink = cfg->sink;
    d->user = cfg->user;
    if (cfg->sink)
        memset(&d->scalar, 0, sizeof d->scalar);
    /* Every table starts in its inline buffer (amf_table_reserve moves it
       out when it outgrows it). */
    d->amf3.strings = d->inline_tables.strings;
    d->amf3.cap_strings = AMF_INLINE_STRINGS;
    d->amf3.objects.items = d->inline_tables.objects;
    d->amf3.objects.cap = AMF_INLINE_OBJECTS;
    d->amf3.traits = d->inline_tables.traits;
    d->amf3.cap_traits = AMF_INLINE_TRAITS;
    d->amf3.names = d->inline_tables.names;
    d->amf3.cap_names = AMF_INLINE_NAMES;
    d->amf0.items = d->inline_tables.amf0_objects;
    d->amf0.cap = AMF_INLINE_OBJECTS;
    amf_reader_init(&d->r, buf, len, complete, cfg->max_message);
}

static void release_tables(amf_dec *d)
{
    const amf_allocator *a = &d->cfg->alloc;
    amf_table_release(a, d->amf3.strings, d->inline_tables.strings);
    amf_table_release(a, d->amf3.objects.items, d->inline_tables.objects);
    amf_table_release(a, d->amf3.traits, d->inline_tables.traits);
    amf_table_release(a, d->amf3.names, d->inline_tables.names);
    amf_table_release(a, d->amf0.items, d->inline_tables.amf0_objects);
}

amf_status amf_dec_finish(amf_dec *d, amf_result *res)
{
    res->status = d->r.status;
    res->error = d->r.error;
    res->values = d->values;
    res->need = 0;
    if (d->r.status == AMF_OK) {
        res->length = d->r.pos;
        res->message[0] = '\0';
    } else {
        res->length = d->r.err_offset;
        if (d->r.status == AMF_NEED_MORE)
            res->need = (uint32_t)(d->r.need_end - d->r.len);
        memcpy(res->message, d->r.message, sizeof res->message);
    }
    release_tables(d);
    return res->status;
}

amf_status amf_decode(const amf_config *cfg, amf_version version,
                      const uint8_t *buf, size_t len, bool complete,
                      amf_result *res)
{
    amf_dec d;
    amf_dec_init(&d, cfg, buf, len, complete);
    amf_slot top;
    memset(&top, 0, sizeof top);
    top.role = AMF_ROLE_TOP;
    if (version == AMF_VERSION_3) {
        amf3_reset_tables(&d);
        if (!cfg->sink) {
            if (amf3_measure_value(&d))
                return amf_dec_finish(&d, res);
            /* Not settled: the full decoder, from the start, says why. */
            release_tables(&d);
            amf_dec_init(&d, cfg, buf, len, complete);
            amf3_reset_tables(&d);
        }
        amf3_decode_value(&d, &top);
    } else {
        amf0_decode_value(&d, &top);
    }
    amf_emit_error_once(&d, &top);
    return amf_dec_finish(&d, res);
}
