/* amf_reader.h
 * A bounds-checked reader over one buffer with a sticky error.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every read checks its bounds.  The first failure is latched: later reads
 * return zero and do not move, so decoding code reads straight down the
 * grammar and checks amf_reader_ok() only where it loops or branches.
 * Running out of bytes is AMF_NEED_MORE while more bytes may come, and
 * AMF_MALFORMED (truncated) once the buffer is known to be complete: the two
 * must never be confused, since the first makes TCP reassembly wait and the
 * second is an error to show.
 */
#ifndef AMF_READER_H
#define AMF_READER_H

#include "amf.h"

typedef struct amf_reader {
    const uint8_t *buf;
    uint32_t       len;          /* bytes in buf */
    uint32_t       pos;          /* next byte to read */
    bool           complete;     /* no byte follows buf[len-1] */
    uint32_t       max_message;  /* a need past this is a limit, not a wait */
    amf_status     status;       /* AMF_OK until the first failure */
    amf_error      error;
    uint32_t       err_offset;   /* where the failing item starts */
    uint64_t       need_end;     /* NEED_MORE: total bytes known to be needed */
    char           message[200];
} amf_reader;

void amf_reader_init(amf_reader *r, const uint8_t *buf, size_t len, bool complete,
                     uint32_t max_message);

static inline bool amf_reader_ok(const amf_reader *r) { return r->status == AMF_OK; }
static inline uint32_t amf_reader_left(const amf_reader *r) { return r->len - r->pos; }

/* Latch an error (the first one wins); message printf-style. */
void amf_reader_fail(amf_reader *r, amf_status status, amf_error error,
                     uint32_t offset, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Check that n bytes follow pos; on failure latch NEED_MORE or TRUNCATED
 * ("what" names the item for the message) and return false. */
bool amf_reader_require_slow(amf_reader *r, uint64_t n, uint32_t item_offset, const char *what);

/* While NEED_MORE: raise the known need by `extra` bytes (siblings that must
 * still follow the value that ran out). */
void amf_reader_need_more(amf_reader *r, uint64_t extra);

/* The reads: fast paths inline (they run for every byte of every message),
 * failures out of line. */
uint8_t  amf_read_u8_slow(amf_reader *r);
uint32_t amf3_read_u29_slow(amf_reader *r);
double   amf_double_from_be(const uint8_t *p);

static inline bool amf_reader_require(amf_reader *r, uint64_t n, uint32_t item_offset,
                                      const char *what)
{
    if (r->status == AMF_OK && (uint64_t)r->pos + n <= r->len)
        return true;
    return amf_reader_require_slow(r, n, item_offset, what);
}

static inline uint8_t amf_read_u8(amf_reader *r)
{
    if (r->status == AMF_OK && r->pos < r->len)
        return r->buf[r->pos++];
    return amf_read_u8_slow(r);
}

/* big-endian */
static inline uint16_t amf_read_u16(amf_reader *r)
{
    if (!amf_reader_require(r, 2, r->pos, "16-bit field"))
        return 0;
    const uint8_t *p = r->buf + r->pos;
    r->pos += 2;
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* big-endian */
static inline uint32_t amf_read_u32(amf_reader *r)
{
    if (!amf_reader_require(r, 4, r->pos, "32-bit field"))
        return 0;
    const uint8_t *p = r->buf + r->pos;
    r->pos += 4;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline int16_t amf_read_s16(amf_reader *r)
{
    return (int16_t)amf_read_u16(r);
}

/* IEEE 754 big-endian */
static inline double amf_read_double(amf_reader *r)
{
    if (!amf_reader_require(r, 8, r->pos, "double"))
        return 0.0;
    const uint8_t *p = r->buf + r->pos;
    r->pos += 8;
    return amf_double_from_be(p);
}

/* AMF3 U29: 1 to 4 bytes, 7 bits each, the fourth byte 8 bits. */
static inline uint32_t amf3_read_u29(amf_reader *r)
{
    if (r->status == AMF_OK && r->pos < r->len && !(r->buf[r->pos] & 0x80))
        return r->buf[r->pos++];
    return amf3_read_u29_slow(r);
}

/* n bytes in place, or NULL after latching the failure. */
static inline const uint8_t *amf_read_bytes(amf_reader *r, uint32_t n, uint32_t item_offset,
                                            const char *what)
{
    if (!amf_reader_require(r, n, item_offset, what))
        return NULL;
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

#endif /* AMF_READER_H */
