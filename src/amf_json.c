/* amf_json.c
 * Events to one JSON document (mapping: docs/design.md, "JSON mapping").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_json.h"

#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* What an open container writes between and after its children. */
typedef enum json_frame_kind {
    JF_OBJECT,        /* {"$class":..., members} */
    JF_ECMA,          /* {"$ecma":{members}} */
    JF_ARRAY,         /* [elements] */
    JF_ASSOC_ARRAY,   /* {"$assoc":{members},"$dense":[elements]} */
    JF_VECTOR,        /* {"$vector":...,"$items":[elements]} */
    JF_DICTIONARY,    /* {"$dictionary":[[k,v],...],"$weak":b} */
    JF_EXTERNAL,      /* {"$class":...,"$external":value or {fields}} */
    JF_PACKET,        /* {"$packet":{"version":N,"headers":[...],"messages":[...]}} */
    JF_PART           /* {"name":..,"mustUnderstand":b,"value":v} or
                         {"target":..,"response":..,"body":v} */
} json_frame_kind;

struct amf_json_frame {
    json_frame_kind kind;
    bool     first;       /* no child written yet (in the current part) */
    bool     dense;       /* JF_ASSOC_ARRAY: in the dense part */
    bool     wrapped;     /* JF_EXTERNAL: fields wrapped in {} */
    bool     weak;        /* JF_DICTIONARY */
    bool     messages;    /* JF_PACKET: in the messages list */
    uint32_t node;        /* object-table node, 0 if none */
    size_t   start;       /* where its text starts */
};

/* The text of one object-table entry once complete (end > start). */
struct amf_json_span {
    size_t start, end;
};

/* ---- output ---------------------------------------------------------- */

/* Room for extra more bytes and the final NUL, else overflow latched. */
static bool reserve_slow(amf_json *j, size_t extra)
{
    if (j->overflow)
        return false;
    if (j->len + extra + 1 > j->max_len) {
        j->overflow = true;
        return false;
    }
    if (j->len + extra + 1 <= j->cap)
        return true;
    /* A first guess from the message: most JSON is 2-4 times its AMF. */
    size_t cap = j->cap ? j->cap : j->first_cap;
    while (cap < j->len + extra + 1)
        cap *= 2;
    char *p = j->alloc.realloc_fn(j->alloc.ctx, j->buf, cap);
    if (!p) {
        j->overflow = true;
        return false;
    }
    j->buf = p;
    j->cap = cap;
    return true;
}

/* cap never passes max_len's room check by itself: test both. */
static inline bool reserve(amf_json *j, size_t extra)
{
    size_t need = j->len + extra + 1;
    if (need <= j->cap && need <= j->max_len && !j->overflow)
        return true;
    return reserve_slow(j, extra);
}

static inline void put(amf_json *j, const char *s, size_t n)
{
    if (!reserve(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
}

/* Literals: strlen folds to a constant once inlined. */
static inline void puts_(amf_json *j, const char *s)
{
    put(j, s, strlen(s));
}

static inline void putc_(amf_json *j, char c)
{
    if (!reserve(j, 1))
        return;
    j->buf[j->len++] = c;
}

/* One character JSON must escape (a control character, '"', '\\'). */
static void put_escape(amf_json *j, unsigned char c)
{
    char esc[8];
    switch (c) {
    case '"':  puts_(j, "\\\""); break;
    case '\\': puts_(j, "\\\\"); break;
    case '\n': puts_(j, "\\n"); break;
    case '\r': puts_(j, "\\r"); break;
    case '\t': puts_(j, "\\t"); break;
    case '\b': puts_(j, "\\b"); break;
    case '\f': puts_(j, "\\f"); break;
    default: {
        static const char hex[] = "0123456789abcdef";
        esc[0] = '\\';
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xf];
        put(j, esc, 6);
        break;
    }
    }
}

/* A JSON string body (no quotes): escapes, and U+FFFD for invalid UTF-8. */
static void put_escaped(amf_json *j, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(j, s + run, i - run);
        run = i + 1;
        put_escape(j, c);
    }
    put(j, s + run, n - run);
}

/* How many bytes at p (at least one) start a UTF-8 sequence that is cut
 * short or broken: the "maximal subpart" Unicode replaces by one U+FFFD, as
 * Wireshark's own string decoding does. */
static size_t utf8_maximal_subpart(const unsigned char *p, size_t n)
{
    unsigned char lo = 0x80, hi = 0xbf;  /* second byte: no overlong form, no surrogate */
    size_t length;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        length = 2;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        length = 3;
        lo = p[0] == 0xe0 ? 0xa0 : 0x80;
        hi = p[0] == 0xed ? 0x9f : 0xbf;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        length = 4;
        lo = p[0] == 0xf0 ? 0x90 : 0x80;
        hi = p[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 1;
    }
    if (n < 2 || p[1] < lo || p[1] > hi)
        return 1;
    size_t i = 2;
    while (i < length && i < n && (p[i] & 0xc0) == 0x80)
        i++;
    return i;
}

/* Text as a JSON string body: escaped, what breaks UTF-8 as U+FFFD.  A NUL
 * byte is valid UTF-8 (U+0000), written \u0000 (GLib's validator stops at
 * it, so it is stepped over here). */
static void put_text_utf8(amf_json *j, const char *s, size_t n)
{
    while (n) {
        const char *end;
        bool valid = g_utf8_validate_len(s, n, &end);
        put_escaped(j, s, (size_t)(end - s));
        if (valid)
            return;
        n -= (size_t)(end - s);
        size_t skip = 1;
        if (*end == '\0') {
            put_escaped(j, end, 1);          /* \u0000 */
        } else {
            puts_(j, "\xef\xbf\xbd");        /* U+FFFD */
            skip = utf8_maximal_subpart((const unsigned char *)end, n);
        }
        n -= skip;
        s = end + skip;
    }
}

/* 1: an ASCII byte JSON takes as it is. */
static const uint8_t json_plain[256] = {
#define P4(x) x, x, x, x
#define P16(x) P4(x), P4(x), P4(x), P4(x)
    P16(0), P16(0),                       /* 0x00-0x1f: control characters */
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x20-0x2f: '"' */
    P16(1), P16(1),                       /* 0x30-0x4f */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* 0x50-0x5f: '\\' */
    P16(1), P16(1),                       /* 0x60-0x7f */
    /* 0x80-0xff: zero, UTF-8 to check */
#undef P16
#undef P4
};

/* Are all eight bytes of w plain (json_plain)?  Each test is exact for
 * "some byte is": a byte past ASCII, below 0x20, '"' or '\\'. */
static inline bool plain_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"');
    uint64_t backslash = w ^ (ones * '\\');
    uint64_t special = w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                       ((backslash - ones) & ~backslash);
    return (special & high) == 0;
}

/* Runs of plain ASCII are copied whole (found eight bytes at a time, then
 * byte by byte); from the first byte past ASCII on, GLib checks the UTF-8
 * (ASCII before it cannot change what it finds). */
static void put_text(amf_json *j, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!plain_word(w))
                break;
        }
        while (i < n && json_plain[(unsigned char)s[i]])
            i++;
        put(j, s + run, i - run);
        if (i == n)
            return;
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            put_text_utf8(j, s + i, n - i);
            return;
        }
        put_escape(j, c);
        i++;
    }
}

/* Strings up to this long take the short path: one room check for the
 * whole token, and no call to copy them. */
#define SHORT_TEXT 16u

/* Is all of a short text plain (json_plain)? */
static inline bool plain_short(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);          /* overlaps a when n < 16 */
        return plain_word(a) && plain_word(b);
    }
    for (; i < n; i++)
        if (!json_plain[(unsigned char)s[i]])
            return false;
    return true;
}

/* Copy a short text (n <= SHORT_TEXT) without a call: two words that may
 * overlap, never reading or writing past n. */
static inline void copy_short(char *dst, const char *src, size_t n)
{
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
}

static void put_string(amf_json *j, amf_str s)
{
    /* Room for the plain case at once: quotes and the bytes as they are. */
    if (!reserve(j, (size_t)s.len + 2))
        return;
    if (s.len <= SHORT_TEXT && plain_short(s.ptr, s.len)) {
        char *p = j->buf + j->len;
        p[0] = '"';
        copy_short(p + 1, s.ptr, s.len);
        p[s.len + 1] = '"';
        j->len += (size_t)s.len + 2;
        return;
    }
    j->buf[j->len++] = '"';
    put_text(j, s.ptr, s.len);
    putc_(j, '"');
}

static void put_number(amf_json *j, double v)
{
    if (isnan(v) || isinf(v)) {
        puts_(j, isnan(v) ? "{\"$number\":\"NaN\"}"
                 : v > 0 ? "{\"$number\":\"Infinity\"}" : "{\"$number\":\"-Infinity\"}");
        return;
    }
    /* Formatted in place when the longest text fits without growing (a
     * failed room check here would latch the cap for a text that fits). */
    size_t need = j->len + AMF_NUMBER_TEXT_MAX + 1;
    if (need <= j->cap && need <= j->max_len && !j->overflow) {
        char *text = j->buf + j->len;
        amf_format_number(v, text, AMF_NUMBER_TEXT_MAX);
        j->len += strlen(text);
        return;
    }
    char text[AMF_NUMBER_TEXT_MAX];
    amf_format_number(v, text, sizeof text);
    puts_(j, text);
}

/* Written in place: the digits counted first, then filled from the end. */
static void put_int(amf_json *j, int64_t v)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 1;
    for (uint64_t p10 = 10; n < 20 && u >= p10; p10 *= 10)
        n++;
    n += v < 0;
    if (!reserve(j, n))
        return;
    char *p = j->buf + j->len + n;
    while (u >= 100) {                    /* two digits a step */
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        p -= 2;
        memcpy(p, pairs + 2 * r, 2);
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    j->len += n;
}

/* {"$date":"2012-11-09T17:34:56.000Z"}; outside the calendar, the
 * milliseconds themselves. */
static void put_date(amf_json *j, double ms)
{
    char text[AMF_DATE_TEXT_MAX];
    puts_(j, "{\"$date\":");
    if (amf_format_date(ms, text, sizeof text)) {
        putc_(j, '"');
        puts_(j, text);
        putc_(j, '"');
    } else {
        put_number(j, ms);
    }
    putc_(j, '}');
}

static void put_base64(amf_json *j, amf_str bytes)
{
    puts_(j, "{\"$bytes\":\"");
    /* g_base64_encode_step needs (n / 3 + 1) * 4 + 4 bytes of room. */
    const size_t chunk = 3 * 4096;
    for (size_t off = 0; off < bytes.len || off == 0; off += chunk) {
        size_t n = bytes.len - off < chunk ? bytes.len - off : chunk;
        if (!reserve(j, (n / 3 + 1) * 4 + 4))
            return;
        gint state = 0, save = 0;
        /* Chunks are multiples of 3 bytes, so each encodes on its own. */
        gsize out = g_base64_encode_step((const guchar *)bytes.ptr + off, n, FALSE,
                                         j->buf + j->len, &state, &save);
        out += g_base64_encode_close(FALSE, j->buf + j->len + out, &state, &save);
        j->len += out;
        if (n == 0)
            break;
    }
    puts_(j, "\"}");
}

/* ---- structure ------------------------------------------------------- */

static amf_json_frame *top_frame(amf_json *j)
{
    return j->depth ? &j->frames[j->depth - 1] : NULL;
}

static void put_key(amf_json *j, amf_str name)
{
    putc_(j, '"');
    /* A member named "$x" would read as one of the mapping's own keys. */
    if (name.len && name.ptr[0] == '$')
        putc_(j, '$');
    put_text(j, name.ptr, name.len);
    puts_(j, "\":");
}

static void comma(amf_json *j, amf_json_frame *f)
{
    if (!f->first)
        putc_(j, ',');
    f->first = false;
}

/* A member's separator and key: a short plain name (most are) in one room
 * check and no call. */
static void comma_key(amf_json *j, amf_json_frame *f, amf_str name)
{
    size_t n = name.len;
    size_t sep = !f->first;
    /* Exactly the room the pieces would take, so the cap falls where it did. */
    if (n <= SHORT_TEXT && (n == 0 || name.ptr[0] != '$') && plain_short(name.ptr, n) &&
        reserve(j, sep + n + 3)) {
        char *p = j->buf + j->len;
        p[0] = ',';                       /* overwritten when not wanted */
        p[sep] = '"';
        copy_short(p + sep + 1, name.ptr, n);
        p[sep + 1 + n] = '"';
        p[sep + 2 + n] = ':';
        j->len += sep + n + 3;
        f->first = false;
        return;
    }
    comma(j, f);
    put_key(j, name);
}

/* Write what comes before a value in its parent: separator, key, "[". */
static void open_slot(amf_json *j, const amf_event *ev)
{
    amf_json_frame *f = top_frame(j);
    if (!f)
        return;
    switch (f->kind) {
    case JF_OBJECT:
    case JF_ECMA:
        comma_key(j, f, ev->name);
        break;
    case JF_ASSOC_ARRAY:
        if (ev->role == AMF_ROLE_MEMBER) {
            comma_key(j, f, ev->name);
            break;
        }
        if (!f->dense) {
            puts_(j, "},\"$dense\":[");
            f->dense = true;
            f->first = true;
        }
        comma(j, f);
        break;
    case JF_ARRAY:
    case JF_VECTOR:
        comma(j, f);
        break;
    case JF_DICTIONARY:
        if (ev->role == AMF_ROLE_DICT_KEY) {
            comma(j, f);
            putc_(j, '[');
        } else {
            putc_(j, ',');
        }
        break;
    case JF_PART:
        f->first = false;
        break;
    case JF_PACKET:
        comma(j, f);
        break;
    case JF_EXTERNAL:
        if (ev->role == AMF_ROLE_MEMBER) {
            if (f->first) {
                putc_(j, '{');
                f->wrapped = true;
            } else {
                putc_(j, ',');
            }
            f->first = false;
            put_key(j, ev->name);
        } else {
            f->first = false;
        }
        break;
    }
}

static void close_dict_slot(amf_json *j, const amf_event *ev)
{
    if (ev->role == AMF_ROLE_DICT_VALUE)
        putc_(j, ']');
    else if (ev->role == AMF_ROLE_DICT_KEY && (ev->flags & AMF_F_TRUNCATED))
        puts_(j, ",null]");     /* a key cut short: its entry has no value */
}

/* What follows a value in its parent: only dictionaries write anything. */
static inline void close_slot(amf_json *j, const amf_event *ev)
{
    amf_json_frame *f = top_frame(j);
    if (f && f->kind == JF_DICTIONARY)
        close_dict_slot(j, ev);
}

static void span_begin(amf_json *j, uint32_t node, size_t start)
{
    if (!node)
        return;
    if (node >= j->cap_spans) {
        uint32_t cap = j->cap_spans ? j->cap_spans : 64;
        while (cap <= node && cap < UINT32_MAX / 2)
            cap *= 2;
        amf_json_span *p = j->alloc.realloc_fn(j->alloc.ctx, j->spans, (size_t)cap * sizeof *p);
        if (!p)
            return;
        memset(p + j->cap_spans, 0, (size_t)(cap - j->cap_spans) * sizeof *p);
        j->spans = p;
        j->cap_spans = cap;
    }
    j->spans[node].start = start;
    j->spans[node].end = 0;
}

static void span_end(amf_json *j, uint32_t node)
{
    if (node && node < j->cap_spans && !j->overflow)
        j->spans[node].end = j->len;
}

static const char *vector_name(amf_type t)
{
    switch (t) {
    case AMF_TYPE_VECTOR_INT:  return "int";
    case AMF_TYPE_VECTOR_UINT: return "uint";
    case AMF_TYPE_VECTOR_NUMBER: return "Number";
    default: return "Object";
    }
}

static amf_json_frame *push_frame(amf_json *j)
{
    if (j->depth == j->cap_frames) {
        uint32_t cap = j->cap_frames ? j->cap_frames * 2 : 16;
        amf_json_frame *p = j->alloc.realloc_fn(j->alloc.ctx, j->frames, (size_t)cap * sizeof *p);
        if (!p) {
            j->overflow = true;
            return NULL;
        }
        j->frames = p;
        j->cap_frames = cap;
    }
    amf_json_frame *f = &j->frames[j->depth++];
    memset(f, 0, sizeof *f);
    f->first = true;
    return f;
}

static void begin_container(amf_json *j, const amf_event *ev)
{
    open_slot(j, ev);
    size_t start = j->len;
    span_begin(j, ev->node, start);
    amf_json_frame *f = push_frame(j);
    if (!f)
        return;
    f->node = ev->node;
    f->start = start;
    switch (ev->type) {
    case AMF_TYPE_OBJECT:
        if (ev->flags & AMF_F_EXTERNALIZABLE) {
            f->kind = JF_EXTERNAL;
            puts_(j, "{\"$class\":");
            put_string(j, ev->class_name);
            puts_(j, ",\"$external\":");
            break;
        }
        f->kind = JF_OBJECT;
        putc_(j, '{');
        if (ev->class_name.len) {
            puts_(j, "\"$class\":");
            put_string(j, ev->class_name);
            f->first = false;
        }
        break;
    case AMF_TYPE_ECMA_ARRAY:
        f->kind = JF_ECMA;
        puts_(j, "{\"$ecma\":{");
        break;
    case AMF_TYPE_ARRAY:
        if (ev->flags & AMF_F_ASSOC) {
            f->kind = JF_ASSOC_ARRAY;
            puts_(j, "{\"$assoc\":{");
        } else {
            f->kind = JF_ARRAY;
            putc_(j, '[');
        }
        break;
    case AMF_TYPE_VECTOR_INT:
    case AMF_TYPE_VECTOR_UINT:
    case AMF_TYPE_VECTOR_NUMBER:
    case AMF_TYPE_VECTOR_OBJECT:
        f->kind = JF_VECTOR;
        puts_(j, "{\"$vector\":\"");
        puts_(j, vector_name(ev->type));
        putc_(j, '"');
        if (ev->type == AMF_TYPE_VECTOR_OBJECT) {
            puts_(j, ",\"$type\":");
            put_string(j, ev->element_type);
        }
        puts_(j, (ev->flags & AMF_F_FIXED) ? ",\"$fixed\":true,\"$items\":["
                                           : ",\"$fixed\":false,\"$items\":[");
        break;
    case AMF_TYPE_DICTIONARY:
        f->kind = JF_DICTIONARY;
        f->weak = (ev->flags & AMF_F_WEAK) != 0;
        puts_(j, "{\"$dictionary\":[");
        break;
    default:
        f->kind = JF_ARRAY;
        putc_(j, '[');
        break;
    }
}

static void end_container(amf_json *j, const amf_event *ev)
{
    amf_json_frame *f = top_frame(j);
    if (!f)
        return;
    switch (f->kind) {
    case JF_OBJECT:      putc_(j, '}'); break;
    case JF_ECMA:        puts_(j, "}}"); break;
    case JF_ARRAY:       putc_(j, ']'); break;
    case JF_ASSOC_ARRAY: puts_(j, f->dense ? "]}" : "},\"$dense\":[]}"); break;
    case JF_VECTOR:      puts_(j, "]}"); break;
    case JF_DICTIONARY:
        puts_(j, f->weak ? "],\"$weak\":true}" : "],\"$weak\":false}");
        break;
    case JF_EXTERNAL:
        puts_(j, f->wrapped ? "}}" : f->first ? "{}}" : "}");
        break;
    case JF_PACKET:
    case JF_PART:
        break;
    }
    span_end(j, f->node);
    j->depth--;
    close_slot(j, ev);
}

static void scalar(amf_json *j, const amf_event *ev)
{
    open_slot(j, ev);
    span_begin(j, ev->node, j->len);
    switch (ev->type) {
    case AMF_TYPE_UNDEFINED:    puts_(j, "{\"$undefined\":true}"); break;
    case AMF_TYPE_NULL:         puts_(j, "null"); break;
    case AMF_TYPE_BOOLEAN:      puts_(j, ev->boolean ? "true" : "false"); break;
    case AMF_TYPE_INTEGER:
        if (ev->marker == AMF3_VECTOR_UINT && (ev->flags & AMF_F_NO_MARKER))
            put_int(j, ev->uinteger);
        else
            put_int(j, ev->integer);
        break;
    case AMF_TYPE_NUMBER:       put_number(j, ev->number); break;
    case AMF_TYPE_STRING:       put_string(j, ev->str); break;
    case AMF_TYPE_DATE:         put_date(j, ev->number); break;
    case AMF_TYPE_XML_DOCUMENT:
        puts_(j, "{\"$xmldoc\":");
        put_string(j, ev->str);
        putc_(j, '}');
        break;
    case AMF_TYPE_XML:
        puts_(j, "{\"$xml\":");
        put_string(j, ev->str);
        putc_(j, '}');
        break;
    case AMF_TYPE_BYTE_ARRAY:   put_base64(j, ev->str); break;
    case AMF_TYPE_UNSUPPORTED:  puts_(j, "{\"$unsupported\":true}"); break;
    case AMF_TYPE_MOVIECLIP:    puts_(j, "{\"$movieclip\":true}"); break;
    case AMF_TYPE_RECORDSET:    puts_(j, "{\"$recordset\":true}"); break;
    default:                    puts_(j, "null"); break;
    }
    span_end(j, ev->node);
    close_slot(j, ev);
}

static void put_ref(amf_json *j, uint32_t index)
{
    puts_(j, "{\"$ref\":");
    put_int(j, index);
    putc_(j, '}');
}

static void reference(amf_json *j, const amf_event *ev)
{
    open_slot(j, ev);
    const amf_json_span *s = ev->node < j->cap_spans ? &j->spans[ev->node] : NULL;
    if ((ev->flags & AMF_F_CYCLE) || !s || s->end <= s->start) {
        put_ref(j, ev->object_index);
    } else {
        size_t n = s->end - s->start;
        if (n > j->ref_budget) {
            j->refs_limited = true;
            put_ref(j, ev->object_index);
        } else if (reserve(j, n)) {
            j->ref_budget -= n;
            /* The source lies in the same buffer, before the end. */
            memcpy(j->buf + j->len, j->buf + s->start, n);
            j->len += n;
        }
    }
    close_slot(j, ev);
}

static void put_message(amf_json *j, const char *message)
{
    amf_str msg = { message ? message : "", message ? (uint32_t)strlen(message) : 0 };
    put_string(j, msg);
}

/* Decoding stopped in this slot: {"$error":"why"} stands in for the value,
 * or, where no value slot is open, an "$error" member: a member whose name
 * could not be read, a small message's flag byte after some of its fields,
 * the bytes an envelope part declares after its value. */
static void error_value(amf_json *j, const amf_event *ev)
{
    amf_json_frame *f = top_frame(j);
    bool nameless_member = f && ev->role == AMF_ROLE_MEMBER && ev->name.ptr == NULL &&
                           (f->kind == JF_OBJECT || f->kind == JF_ECMA ||
                            (f->kind == JF_ASSOC_ARRAY && !f->dense));
    bool after_value = f && ((f->kind == JF_EXTERNAL && ev->role == AMF_ROLE_EXTERNAL &&
                              f->wrapped) ||
                             (f->kind == JF_PART && ev->role == AMF_ROLE_BODY && !f->first));
    if (nameless_member || after_value) {
        comma(j, f);
        puts_(j, "\"$error\":");
        put_message(j, ev->message);
        return;
    }
    open_slot(j, ev);
    puts_(j, "{\"$error\":");
    put_message(j, ev->message);
    putc_(j, '}');
    if (f && f->kind == JF_DICTIONARY && ev->role == AMF_ROLE_DICT_KEY)
        puts_(j, ",null]");
    close_slot(j, ev);
}

/* ---- envelope -------------------------------------------------------- */

static void packet_begin(amf_json *j, const amf_event *ev)
{
    amf_json_frame *f = push_frame(j);
    if (!f)
        return;
    f->kind = JF_PACKET;
    puts_(j, "{\"$packet\":{\"version\":");
    put_int(j, ev->integer);
    puts_(j, ",\"headers\":[");
}

static void packet_count(amf_json *j)
{
    amf_json_frame *f = top_frame(j);
    if (!f || f->kind != JF_PACKET || f->messages)
        return;
    puts_(j, "],\"messages\":[");
    f->messages = true;
    f->first = true;
}

static void packet_end(amf_json *j)
{
    amf_json_frame *f = top_frame(j);
    if (!f || f->kind != JF_PACKET)
        return;
    packet_count(j);
    puts_(j, "]}}");
    j->depth--;
}

static void part_begin(amf_json *j, const amf_event *ev)
{
    amf_json_frame *parent = top_frame(j);
    if (parent)
        comma(j, parent);
    amf_json_frame *f = push_frame(j);
    if (!f)
        return;
    f->kind = JF_PART;
    if (ev->part == AMF_PART_HEADER) {
        puts_(j, "{\"name\":");
        put_string(j, ev->name);
        puts_(j, ev->boolean ? ",\"mustUnderstand\":true,\"value\":"
                             : ",\"mustUnderstand\":false,\"value\":");
    } else {
        puts_(j, "{\"target\":");
        put_string(j, ev->name);
        puts_(j, ",\"response\":");
        put_string(j, ev->str);
        puts_(j, ",\"body\":");
    }
}

static void part_end(amf_json *j)
{
    amf_json_frame *f = top_frame(j);
    if (!f || f->kind != JF_PART)
        return;
    puts_(j, f->first ? "null}" : "}");
    j->depth--;
}

/* ---- API ------------------------------------------------------------- */

void amf_json_init(amf_json *j, const amf_allocator *alloc, size_t message_length)
{
    memset(j, 0, sizeof *j);
    j->alloc = *alloc;
    j->max_len = (size_t)message_length * AMF_JSON_MAX_FACTOR + AMF_JSON_MAX_SLACK;
    j->first_cap = 256;
    while (j->first_cap < message_length * 4 && j->first_cap < (size_t)1 << 20)
        j->first_cap *= 2;
    j->ref_budget = (size_t)message_length * AMF_JSON_REF_FACTOR + AMF_JSON_REF_SLACK;
}

void amf_json_event(void *user, const amf_event *ev)
{
    amf_json *j = user;
    if (j->overflow)
        return;
    switch (ev->kind) {
    case AMF_EV_SCALAR:    scalar(j, ev); break;
    case AMF_EV_BEGIN:     begin_container(j, ev); break;
    case AMF_EV_END:       end_container(j, ev); break;
    case AMF_EV_REFERENCE: reference(j, ev); break;
    case AMF_EV_ERROR:     error_value(j, ev); break;
    case AMF_EV_PACKET_BEGIN: packet_begin(j, ev); break;
    case AMF_EV_PACKET_COUNT: packet_count(j); break;
    case AMF_EV_PACKET_END:   packet_end(j); break;
    case AMF_EV_PART_BEGIN:   part_begin(j, ev); break;
    case AMF_EV_PART_END:     part_end(j); break;
    case AMF_EV_TRAITS:
    case AMF_EV_FLAGS:
    case AMF_EV_WARNING:
        break;
    }
}

const char *amf_json_finish(amf_json *j, size_t *len)
{
    if (j->overflow) {
        char text[128];
        snprintf(text, sizeof text,
                 "{\"$error\":\"JSON longer than %zu bytes for this message; not rendered\"}",
                 j->max_len);
        j->overflow = false;
        j->len = 0;
        j->max_len = sizeof text + 1;
        puts_(j, text);
    }
    if (!reserve(j, 0)) {
        *len = 0;
        return "";
    }
    j->buf[j->len] = '\0';
    *len = j->len;
    return j->buf;
}

void amf_json_free(amf_json *j)
{
    if (j->buf)
        j->alloc.free_fn(j->alloc.ctx, j->buf);
    if (j->frames)
        j->alloc.free_fn(j->alloc.ctx, j->frames);
    if (j->spans)
        j->alloc.free_fn(j->alloc.ctx, j->spans);
    memset(j, 0, sizeof *j);
}
