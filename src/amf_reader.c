/* amf_reader.c
 * Bounds-checked big-endian reads with a sticky error.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_reader.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void amf_reader_init(amf_reader *r, const uint8_t *buf, size_t len, bool complete,
                     uint32_t max_message)
{
    /* Not the message buffer: only an error writes it. */
    memset(r, 0, offsetof(amf_reader, message));
    r->message[0] = '\0';
    r->buf = buf;
    /* Buffers are at most one message; a framing never accepts 4 GiB. */
    r->len = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    r->complete = complete;
    r->max_message = max_message;
    r->status = AMF_OK;
}

void amf_reader_fail(amf_reader *r, amf_status status, amf_error error,
                     uint32_t offset, const char *fmt, ...)
{
    if (r->status != AMF_OK)
        return;
    r->status = status;
    r->error = error;
    r->err_offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
}

bool amf_reader_require_slow(amf_reader *r, uint64_t n, uint32_t item_offset, const char *what)
{
    if (r->status != AMF_OK)
        return false;
    uint64_t end = (uint64_t)r->pos + n;
    if (end <= r->len)
        return true;
    if (r->complete) {
        amf_reader_fail(r, AMF_MALFORMED, AMF_ERR_TRUNCATED, item_offset,
                        "%s needs %" PRIu64 " bytes at offset %u, only %u left in the message",
                        what, n, r->pos, r->len - r->pos);
    } else if (end > r->max_message) {
        amf_reader_fail(r, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, item_offset,
                        "%s needs %" PRIu64 " bytes at offset %u: past the largest message (%u bytes)",
                        what, n, r->pos, r->max_message);
    } else {
        amf_reader_fail(r, AMF_NEED_MORE, AMF_ERR_TRUNCATED, item_offset,
                        "%s needs %" PRIu64 " bytes at offset %u, %u available so far",
                        what, n, r->pos, r->len - r->pos);
        r->need_end = end;
    }
    return false;
}

void amf_reader_need_more(amf_reader *r, uint64_t extra)
{
    if (r->status != AMF_NEED_MORE)
        return;
    r->need_end += extra;
    if (r->need_end > r->max_message) {
        /* The siblings still owed cannot fit in any acceptable message. */
        r->status = AMF_LIMIT;
        r->error = AMF_ERR_SIZE_LIMIT;
        snprintf(r->message, sizeof r->message,
                 "value needs at least %" PRIu64 " bytes: past the largest message (%u bytes)",
                 r->need_end, r->max_message);
    }
}

uint8_t amf_read_u8_slow(amf_reader *r)
{
    if (!amf_reader_require(r, 1, r->pos, "byte"))
        return 0;
    return r->buf[r->pos++];
}

double amf_double_from_be(const uint8_t *p)
{
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = bits << 8 | p[i];
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

uint32_t amf3_read_u29_slow(amf_reader *r)
{
    if (r->status != AMF_OK)
        return 0;
    uint32_t start = r->pos;
    uint32_t value = 0;
    for (int i = 0; i < 3; i++) {
        if (r->pos >= r->len) {
            amf_reader_require(r, 1, start, "U29 integer");
            return 0;
        }
        uint8_t b = r->buf[r->pos++];
        value = value << 7 | (b & 0x7f);
        if (!(b & 0x80))
            return value;
    }
    if (r->pos >= r->len) {
        amf_reader_require(r, 1, start, "U29 integer");
        return 0;
    }
    return value << 8 | r->buf[r->pos++];
}
