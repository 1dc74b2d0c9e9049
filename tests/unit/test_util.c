/* test_util.c
 * Checks, byte vectors, recorded decodes and the JSON validator used by the
 * core's unit tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

unsigned long test_checks;
unsigned long test_failures;

/* Past this many, failures are counted but not printed. */
#define MAX_PRINTED_FAILURES 200

static char context[256];

void test_context(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
}

static bool report(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static bool report(const char *file, int line, const char *fmt, ...)
{
    test_failures++;
    if (test_failures > MAX_PRINTED_FAILURES)
        return false;
    fprintf(stderr, "%s:%d: [%s] ", file, line, context);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

bool check_true(const char *file, int line, const char *expr, bool ok)
{
    test_checks++;
    return ok ? true : report(file, line, "CHECK(%s) failed", expr);
}

bool check_int(const char *file, int line, const char *ea, long long a, const char *eb, long long b)
{
    test_checks++;
    return a == b ? true : report(file, line, "%s == %lld, expected %s == %lld", ea, a, eb, b);
}

bool check_uint(const char *file, int line, const char *ea, unsigned long long a,
                const char *eb, unsigned long long b)
{
    test_checks++;
    return a == b ? true
                  : report(file, line, "%s == %llu (0x%llx), expected %s == %llu (0x%llx)",
                           ea, a, a, eb, b, b);
}

bool check_dbl(const char *file, int line, const char *ea, double a, const char *eb, double b)
{
    test_checks++;
    bool same = (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
    return same ? true : report(file, line, "%s == %.17g, expected %s == %.17g", ea, a, eb, b);
}

bool check_str(const char *file, int line, const char *ea, const char *a, const char *eb, const char *b)
{
    test_checks++;
    if (a && b && strcmp(a, b) == 0)
        return true;
    return report(file, line, "%s ==\n    \"%s\"\n  expected %s ==\n    \"%s\"", ea,
                  a ? a : "(null)", eb, b ? b : "(null)");
}

bool check_mem(const char *file, int line, const char *ea, const void *a, size_t alen,
               const char *eb, const void *b, size_t blen)
{
    test_checks++;
    if (alen == blen && (alen == 0 || (a && memcmp(a, b, alen) == 0)))
        return true;
    return report(file, line, "%s == \"%.*s\" (%zu bytes), expected %s == \"%.*s\" (%zu bytes)",
                  ea, a ? (int)alen : 0, a ? (const char *)a : "", alen, eb, (int)blen,
                  (const char *)b, blen);
}

/* ---- time bounds ----------------------------------------------------- */

/* How much slower instrumented runs are, generously. */
#define ASAN_SLOWDOWN     10.0
#define VALGRIND_SLOWDOWN 60.0

double time_bound(double seconds)
{
    const char *scale = getenv("AMFTCP_TEST_TIME_SCALE");
    if (scale && atof(scale) > 0)
        return seconds * atof(scale);
    const char *preload = getenv("LD_PRELOAD");
    if (preload && strstr(preload, "vgpreload"))
        return seconds * VALGRIND_SLOWDOWN;
#if defined(__SANITIZE_ADDRESS__)
    return seconds * ASAN_SLOWDOWN;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return seconds * ASAN_SLOWDOWN;
#endif
#endif
    return seconds;
}

/* ---- allocations kept until the end ---------------------------------- */

static void **kept;
static size_t n_kept, cap_kept;

void *test_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    if (n_kept == cap_kept) {
        cap_kept = cap_kept ? cap_kept * 2 : 256;
        kept = realloc(kept, cap_kept * sizeof *kept);
        if (!kept) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    kept[n_kept++] = p;
    return p;
}

void test_free_all(void)
{
    for (size_t i = 0; i < n_kept; i++)
        free(kept[i]);
    free(kept);
    kept = NULL;
    n_kept = cap_kept = 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const uint8_t *H(const char *hex, size_t *len)
{
    uint8_t *out = test_alloc(strlen(hex) + 1);
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                out[n++] = (uint8_t)*p;
            if (*p)
                p++;
            continue;
        }
        int hi = hex_digit(p[0]), lo = p[1] ? hex_digit(p[1]) : -1;
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad hex in test vector: %s\n", hex);
            exit(2);
        }
        out[n++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    *len = n;
    return out;
}

uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = test_alloc(size > 0 ? (size_t)size : 1);
    size_t got = size > 0 ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    *len = got;
    return buf;
}

/* ---- recorded decodes ------------------------------------------------ */

typedef struct recorder {
    decoded  *d;
    int       what;
    amf_json *json;
} recorder;

static void record_event(void *user, const amf_event *ev)
{
    recorder *r = user;
    decoded *d = r->d;
    d->n_events++;
    if (r->json)
        amf_json_event(r->json, ev);
    if (!(r->what & DEC_EVENTS))
        return;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->ev = realloc(d->ev, d->cap * sizeof *d->ev);
        if (!d->ev) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    rec_event *e = &d->ev[d->n++];
    memset(e, 0, sizeof *e);
    e->ev = *ev;
    if (ev->message)
        snprintf(e->message, sizeof e->message, "%s", ev->message);
    e->ev.message = NULL;
    if (ev->sealed) {
        for (uint32_t i = 0; i < ev->sealed_count && i < REC_MAX_SEALED; i++)
            e->sealed[i] = ev->sealed[i];
    }
    e->ev.sealed = NULL;
}

void decode_rec(decoded *d, test_mode mode, const uint8_t *buf, size_t len, bool complete,
                int what, const amf_config *base)
{
    memset(d, 0, sizeof *d);
    d->buf_len = len;
    amf_config cfg;
    if (base)
        cfg = *base;
    else
        amf_config_init(&cfg);
    amf_json json;
    recorder r = { d, what, (what & DEC_JSON) ? &json : NULL };
    if (r.json)
        amf_json_init(&json, &cfg.alloc, len);
    cfg.sink = record_event;
    cfg.user = &r;
    clock_t t0 = clock();
    if (mode == MODE_PACKET)
        d->status = amf_decode_packet(&cfg, buf, len, complete, &d->res);
    else
        d->status = amf_decode(&cfg, (amf_version)mode, buf, len, complete, &d->res);
    if (r.json) {
        size_t n;
        const char *text = amf_json_finish(&json, &n);
        d->json = malloc(n + 1);
        memcpy(d->json, text, n);
        d->json[n] = '\0';
        d->json_len = n;
        d->refs_limited = json.refs_limited;
        amf_json_free(&json);
    }
    d->seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
}

void decoded_free(decoded *d)
{
    free(d->ev);
    free(d->json);
    memset(d, 0, sizeof *d);
}

amf_status decode_measure(test_mode mode, const uint8_t *buf, size_t len, bool complete,
                          const amf_config *base, amf_result *res)
{
    amf_config cfg;
    if (base)
        cfg = *base;
    else
        amf_config_init(&cfg);
    cfg.sink = NULL;
    cfg.user = NULL;
    if (mode == MODE_PACKET)
        return amf_decode_packet(&cfg, buf, len, complete, res);
    return amf_decode(&cfg, (amf_version)mode, buf, len, complete, res);
}

int find_event(const decoded *d, amf_event_kind kind, int nth)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->ev[i].ev.kind == kind && nth-- == 0)
            return (int)i;
    }
    return -1;
}

int count_events(const decoded *d, amf_event_kind kind, amf_error err)
{
    int n = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->ev[i].ev.kind == kind && (err == AMF_ERR_NONE || d->ev[i].ev.error == err))
            n++;
    }
    return n;
}

/* Open containers while checking the shape: what each one was. */
#define SHAPE_MAX_OPEN 4096

bool check_event_shape(const char *file, int line, const decoded *d)
{
    test_checks++;
    amf_event_kind open_kind[SHAPE_MAX_OPEN];
    uint32_t open_depth[SHAPE_MAX_OPEN];
    uint32_t open_offset[SHAPE_MAX_OPEN];
    size_t n_open = 0;
    int errors = 0, packet_ends = 0;
    bool after_error = false, packet_begun = false;
    for (size_t i = 0; i < d->n; i++) {
        const amf_event *ev = &d->ev[i].ev;
        static const char *const span_names[] = { "", "data ", "name ", "end ", "str ", "target " };
        const uint64_t spans[][2] = {
            { ev->offset, ev->length }, { ev->data_offset, ev->data_length },
            { ev->name_offset, ev->name_length }, { ev->end_offset, ev->end_length },
            { ev->str_offset, ev->str_length }, { ev->target_offset, ev->target_length },
        };
        for (size_t k = 0; k < sizeof spans / sizeof *spans; k++) {
            if (spans[k][1] && spans[k][0] + spans[k][1] > d->buf_len)
                return report(file, line, "event %zu (kind %d): %sspan [%llu, +%llu) past the "
                              "buffer (%zu bytes)", i, ev->kind, span_names[k],
                              (unsigned long long)spans[k][0], (unsigned long long)spans[k][1],
                              d->buf_len);
        }
        switch (ev->kind) {
        case AMF_EV_BEGIN:
        case AMF_EV_PART_BEGIN:
        case AMF_EV_PACKET_BEGIN:
            if (after_error)
                return report(file, line, "event %zu: a container begins after the ERROR", i);
            if (n_open == SHAPE_MAX_OPEN)
                return report(file, line, "event %zu: more than %d containers open", i,
                              SHAPE_MAX_OPEN);
            if (ev->kind == AMF_EV_BEGIN && n_open && open_kind[n_open - 1] == AMF_EV_BEGIN &&
                ev->depth != open_depth[n_open - 1] + 1)
                return report(file, line, "event %zu: BEGIN at depth %u inside depth %u", i,
                              ev->depth, open_depth[n_open - 1]);
            if (ev->kind == AMF_EV_PACKET_BEGIN)
                packet_begun = true;
            open_kind[n_open] = ev->kind;
            open_depth[n_open] = ev->depth;
            open_offset[n_open] = ev->offset;
            n_open++;
            break;
        case AMF_EV_END:
        case AMF_EV_PART_END:
        case AMF_EV_PACKET_END: {
            amf_event_kind want = ev->kind == AMF_EV_END ? AMF_EV_BEGIN
                                : ev->kind == AMF_EV_PART_END ? AMF_EV_PART_BEGIN
                                : AMF_EV_PACKET_BEGIN;
            if (ev->kind == AMF_EV_PACKET_END)
                packet_ends++;
            /* An envelope ends even when its first fields could not be read
             * (no PACKET_BEGIN): after the ERROR, flagged truncated. */
            if (ev->kind == AMF_EV_PACKET_END && !packet_begun && !n_open) {
                if (!after_error || !(ev->flags & AMF_F_TRUNCATED))
                    return report(file, line, "event %zu: PACKET_END without PACKET_BEGIN", i);
                break;
            }
            if (!n_open || open_kind[n_open - 1] != want)
                return report(file, line, "event %zu: end of kind %d does not close the open one",
                              i, ev->kind);
            n_open--;
            if (ev->kind == AMF_EV_END && ev->depth != open_depth[n_open])
                return report(file, line, "event %zu: END at depth %u closes BEGIN at depth %u", i,
                              ev->depth, open_depth[n_open]);
            if (ev->offset != open_offset[n_open])
                return report(file, line, "event %zu: end offset %u, its begin at %u", i,
                              ev->offset, open_offset[n_open]);
            bool truncated = (ev->flags & AMF_F_TRUNCATED) != 0;
            if (truncated != after_error)
                return report(file, line, "event %zu: end %s AMF_F_TRUNCATED %s the ERROR", i,
                              truncated ? "with" : "without", after_error ? "after" : "before");
            break;
        }
        case AMF_EV_ERROR:
            errors++;
            after_error = true;
            if (ev->error == AMF_ERR_NONE || ev->error >= AMF_WARN_FIRST_)
                return report(file, line, "event %zu: ERROR with code %d", i, ev->error);
            if (ev->status != d->status)
                return report(file, line, "event %zu: ERROR status %d, decode status %d", i,
                              ev->status, d->status);
            if (ev->error != d->res.error)
                return report(file, line, "event %zu: ERROR code %d, result code %d", i,
                              ev->error, d->res.error);
            break;
        case AMF_EV_WARNING:
            if (ev->error < AMF_WARN_FIRST_ || ev->error >= AMF_ERROR_COUNT_)
                return report(file, line, "event %zu: WARNING with code %d", i, ev->error);
            /* fall through */
        default:
            if (after_error)
                return report(file, line, "event %zu: kind %d after the ERROR", i, ev->kind);
            break;
        }
    }
    if (n_open)
        return report(file, line, "%zu containers never end", n_open);
    if (d->n && d->ev[0].ev.kind == AMF_EV_PACKET_BEGIN && packet_ends != 1)
        return report(file, line, "%d PACKET_END events", packet_ends);
    if (packet_ends && d->ev[d->n - 1].ev.kind != AMF_EV_PACKET_END)
        return report(file, line, "events after PACKET_END");
    int want_errors = d->status == AMF_OK ? 0 : 1;
    if (errors != want_errors)
        return report(file, line, "%d ERROR events for status %d", errors, d->status);
    return true;
}

/* ---- JSON validator -------------------------------------------------- */

typedef struct json_parser {
    const unsigned char *p, *end;
    const char *why;
    unsigned depth;
} json_parser;

/* Deeper than any document the core writes (its depth limit is 400). */
#define JSON_MAX_DEPTH 2000

static bool jp_fail(json_parser *jp, const char *why)
{
    if (!jp->why)
        jp->why = why;
    return false;
}

static void jp_space(json_parser *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

static bool jp_literal(json_parser *jp, const char *text)
{
    size_t n = strlen(text);
    if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, text, n) != 0)
        return jp_fail(jp, "bad literal");
    jp->p += n;
    return true;
}

/* One UTF-8 sequence (RFC 3629: shortest form, no surrogates, <= U+10FFFF). */
static bool jp_utf8(json_parser *jp)
{
    unsigned c = *jp->p;
    unsigned n, cp;
    if (c < 0x80) {
        jp->p++;
        return true;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 1; cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2; cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3; cp = c & 0x07;
    } else {
        return jp_fail(jp, "invalid UTF-8 lead byte");
    }
    if ((size_t)(jp->end - jp->p) <= n)
        return jp_fail(jp, "UTF-8 sequence cut short");
    for (unsigned i = 1; i <= n; i++) {
        if ((jp->p[i] & 0xc0) != 0x80)
            return jp_fail(jp, "invalid UTF-8 continuation");
        cp = cp << 6 | (jp->p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return jp_fail(jp, "overlong or out-of-range UTF-8");
    jp->p += n + 1;
    return true;
}

static bool jp_string(json_parser *jp)
{
    if (jp->p >= jp->end || *jp->p != '"')
        return jp_fail(jp, "string expected");
    jp->p++;
    while (jp->p < jp->end) {
        unsigned char c = *jp->p;
        if (c == '"') {
            jp->p++;
            return true;
        }
        if (c < 0x20)
            return jp_fail(jp, "control character in string");
        if (c == '\\') {
            jp->p++;
            if (jp->p >= jp->end)
                return jp_fail(jp, "string ends in escape");
            c = *jp->p;
            if (c == 'u') {
                if (jp->end - jp->p < 5)
                    return jp_fail(jp, "short \\u escape");
                for (int i = 1; i <= 4; i++) {
                    if (hex_digit((char)jp->p[i]) < 0)
                        return jp_fail(jp, "bad \\u escape");
                }
                jp->p += 5;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                jp->p++;
            } else {
                return jp_fail(jp, "bad escape");
            }
            continue;
        }
        if (!jp_utf8(jp))
            return false;
    }
    return jp_fail(jp, "unterminated string");
}

static bool jp_number(json_parser *jp)
{
    const unsigned char *p = jp->p;
    if (p < jp->end && *p == '-')
        p++;
    if (p >= jp->end || !isdigit(*p))
        return jp_fail(jp, "bad number");
    if (*p == '0')
        p++;
    else
        while (p < jp->end && isdigit(*p))
            p++;
    if (p < jp->end && *p == '.') {
        p++;
        if (p >= jp->end || !isdigit(*p))
            return jp_fail(jp, "bad fraction");
        while (p < jp->end && isdigit(*p))
            p++;
    }
    if (p < jp->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < jp->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= jp->end || !isdigit(*p))
            return jp_fail(jp, "bad exponent");
        while (p < jp->end && isdigit(*p))
            p++;
    }
    jp->p = p;
    return true;
}

static bool jp_value(json_parser *jp);

static bool jp_container(json_parser *jp, char close)
{
    if (++jp->depth > JSON_MAX_DEPTH)
        return jp_fail(jp, "too deep");
    jp->p++;
    jp_space(jp);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        jp->depth--;
        return true;
    }
    for (;;) {
        jp_space(jp);
        if (close == '}') {
            if (!jp_string(jp))
                return false;
            jp_space(jp);
            if (jp->p >= jp->end || *jp->p != ':')
                return jp_fail(jp, "':' expected");
            jp->p++;
        }
        if (!jp_value(jp))
            return false;
        jp_space(jp);
        if (jp->p >= jp->end)
            return jp_fail(jp, "container not closed");
        if (*jp->p == ',') {
            jp->p++;
            continue;
        }
        if (*jp->p == close) {
            jp->p++;
            jp->depth--;
            return true;
        }
        return jp_fail(jp, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static bool jp_value(json_parser *jp)
{
    jp_space(jp);
    if (jp->p >= jp->end)
        return jp_fail(jp, "value expected");
    switch (*jp->p) {
    case '{': return jp_container(jp, '}');
    case '[': return jp_container(jp, ']');
    case '"': return jp_string(jp);
    case 't': return jp_literal(jp, "true");
    case 'f': return jp_literal(jp, "false");
    case 'n': return jp_literal(jp, "null");
    default:  return jp_number(jp);
    }
}

bool json_valid(const char *s, size_t n, char *why, size_t why_len)
{
    json_parser jp = { (const unsigned char *)s, (const unsigned char *)s + n, NULL, 0 };
    bool ok = jp_value(&jp);
    if (ok) {
        jp_space(&jp);
        if (jp.p != jp.end)
            ok = jp_fail(&jp, "text after the value");
    }
    if (!ok && why)
        snprintf(why, why_len, "%s at byte %zu", jp.why, (size_t)(jp.p - (const unsigned char *)s));
    return ok;
}

bool check_json_valid(const char *file, int line, const char *s, size_t n)
{
    test_checks++;
    char why[128];
    if (s && json_valid(s, n, why, sizeof why))
        return true;
    return report(file, line, "invalid JSON (%s): %.*s", s ? why : "no text",
                  s ? (int)(n > 600 ? 600 : n) : 0, s ? s : "");
}

/* ---- expected decodes ------------------------------------------------ */

bool expect_decode(const char *file, int line, test_mode mode, const uint8_t *buf, size_t len,
                   amf_status status, amf_error err, const char *json, decoded *out)
{
    decoded d;
    decode_rec(&d, mode, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
    bool ok = check_int(file, line, "status", d.status, "expected", status);
    ok &= check_int(file, line, "error", d.res.error, "expected", err);
    if (json)
        ok &= check_str(file, line, "json", d.json, "expected", json);
    ok &= check_json_valid(file, line, d.json, d.json_len);
    ok &= check_event_shape(file, line, &d);
    if (status == AMF_OK)
        ok &= check_uint(file, line, "length", d.res.length, "buffer length", len);
    amf_result m;
    amf_status ms = decode_measure(mode, buf, len, true, NULL, &m);
    ok &= check_int(file, line, "measured status", ms, "decoded status", d.status);
    ok &= check_int(file, line, "measured error", m.error, "decoded error", d.res.error);
    ok &= check_uint(file, line, "measured length", m.length, "decoded length", d.res.length);
    if (out)
        *out = d;
    else
        decoded_free(&d);
    return ok;
}

bool expect_hex(const char *file, int line, test_mode mode, const char *hex, amf_status status,
                amf_error err, const char *json, decoded *out)
{
    size_t len;
    const uint8_t *buf = H(hex, &len);
    return expect_decode(file, line, mode, buf, len, status, err, json, out);
}
