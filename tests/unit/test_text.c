/* test_text.c
 * The fast paths of number, date and string text against the slow forms
 * they stand in for: amf_format_number against the printf loop ("%.15g",
 * "%.16g", "%.17g", the first that reads back), amf_format_date against
 * GDateTime, and the JSON writer's plain-ASCII runs against text with
 * escapes and UTF-8 at every position around 8-byte boundaries.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include "amf_json.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The number text as amf_format_number wrote it before its fast path. */
static void number_reference(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
    for (size_t i = 0; i < 3; i++) {
        g_ascii_formatd(buf, (gint)n, formats[i], v);
        if (g_ascii_strtod(buf, NULL) == v)
            return;
    }
}

static bool check_number(double v)
{
    char got[AMF_NUMBER_TEXT_MAX], want[AMF_NUMBER_TEXT_MAX];
    amf_format_number(v, got, sizeof got);
    number_reference(v, want, sizeof want);
    test_context("amf_format_number %.17g", v);
    return CHECK_STR(got, want);
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* v and the doubles up to steps ulps either side of it. */
static unsigned check_around(double v, int steps)
{
    unsigned failed = !check_number(v);
    double up = v, down = v;
    for (int i = 0; i < steps; i++) {
        up = nextafter(up, INFINITY);
        down = nextafter(down, -INFINITY);
        failed += !check_number(up);
        failed += !check_number(down);
    }
    return failed;
}

static double from_text(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static double from_text(const char *fmt, ...)
{
    char text[64];
    va_list ap;
    va_start(ap, fmt);
    g_vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return g_ascii_strtod(text, NULL);
}

/* The edges of the exact (128-bit) path of amf_format_number: decimal and
 * binary exponents, exact ties and carries. */
static void number_edges(void)
{
    unsigned failed = 0;
    /* Powers of two, the lower neighbour half as far (m = 2^52), over the
       whole exponent range (the fast range's ends included). */
    for (int j = -1074; j <= 1023 && failed < 5; j++)
        failed += check_around(ldexp(1.0, j), 2);
    /* Every binary exponent around the fast range (2^-60 to 2^151), with
       the smallest and largest mantissa and a few others. */
    static const uint64_t mantissas[] = {
        0, 1, 2, 0x8000000000000ull, 0x9999999999999ull, 0x5555555555555ull,
        0xfffffffffffffull, 0xffffffffffffeull, 0x123456789abcdull,
    };
    for (int e2 = -70; e2 <= 160 && failed < 5; e2++) {
        for (size_t i = 0; i < sizeof mantissas / sizeof *mantissas; i++) {
            uint64_t bits = (uint64_t)(e2 + 1023) << 52 | mantissas[i];
            double v;
            memcpy(&v, &bits, sizeof v);
            failed += !check_number(v);
            failed += !check_number(-v);
        }
    }
    /* Powers of ten and 9.99...9 below them (17-digit carries into the
       next decade), from the smallest decimal exponent of the fast range
       to past its largest. */
    for (int k = -20; k <= 50 && failed < 5; k++) {
        failed += check_around(from_text("1e%d", k), 3);
        failed += check_around(from_text("9.9999999999999999e%d", k), 3);
        failed += check_around(from_text("9.999999999999999e%d", k), 3);
        failed += check_around(from_text("9.99999999999999e%d", k), 3);
        failed += check_around(from_text("9.999999999999995e%d", k), 2);
        failed += check_around(from_text("9.9999999999999995e%d", k), 2);
        failed += check_around(from_text("1.0000000000000005e%d", k), 2);
        failed += check_around(from_text("1.000000000000005e%d", k), 2);
    }
    /* Exact ties: n / 2^j (n odd) has the exact decimal digits of n * 5^j,
       ending in 5; with 16, 17 or 18 of them it is a tie at 15, 16 or 17
       digits, which printf rounds to even. */
    uint64_t s = 0x6a09e667f3bcc909ull;
    for (int digits = 16; digits <= 18; digits++) {
        for (int j = 1; j <= 26 && failed < 5; j++) {
            double lo = pow(10.0, digits - 1), p5 = pow(5.0, j);
            for (int i = 0; i < 40; i++) {
                uint64_t r = next_random(&s);
                /* n * 5^j in [10^(digits-1), 10^digits) and n < 2^53 */
                double nmin = ceil(lo / p5), nmax = fmin(floor(lo * 10.0 / p5), 0x1p53 - 1);
                if (nmax < nmin)
                    break;
                uint64_t n = (uint64_t)nmin + r % ((uint64_t)(nmax - nmin) + 1);
                n |= 1;
                if ((double)n > nmax)
                    n -= 2;
                double v = ldexp((double)n, -j);
                failed += !check_number(v);
                failed += !check_number(-v);
                failed += !check_number(nextafter(v, 0.0));
                failed += !check_number(nextafter(v, INFINITY));
            }
        }
    }
    /* Large exact ties: integers beyond 2^53 that end in 5 (n * 5 * 2^j). */
    for (int j = 1; j <= 12 && failed < 5; j++)
        for (uint64_t n = 1999999999999999ull; n < 1999999999999999ull + 40; n += 2)
            failed += check_around(ldexp((double)(n * 5), j), 1);
    /* Decimals of 15, 16 and 17 digits that end in 5 (near ties at the
       digit before), and their neighbours. */
    static const char *const near_ties[] = {
        "1234567890123455e%d", "12345678901234565e%d", "123456789012345675e%d",
        "9007199254740993e%d", "4503599627370497e%d", "2251799813685248e%d",
        "1797693134862315e%d", "2225073858507201e%d", "4940656458412465e%d",
    };
    for (size_t i = 0; i < sizeof near_ties / sizeof *near_ties; i++)
        for (int k = -40; k <= 30 && failed < 5; k++)
            failed += check_around(from_text(near_ties[i], k), 2);
}

static void numbers(void)
{
    static const double fixed[] = {
        0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1e-4, 1e-5, 0.00012, 0.000123456789012345,
        1e14, 1e15, 1e15 - 1, 1e15 + 2, 999999999999999.9, 99999.99999999999, 123456789012345.0,
        12345678901234.5, 1e16, 1e21, 1e22, 1e23, 9007199254740993.0, 1.0 / 3.0, 2.0 / 3.0,
        1352482496789.0, 1700000000123.0, 3.14159, 2.5e-3, 4.9e-324, 1.7976931348623157e308,
        2.2250738585072014e-308, 2.2250738585072009e-308, 1234567890123456.5, 123456789012345.5,
        1000000000000000.25, 1000000000000000.75, 5e-324, 1e-15, 1e-16, 1e43, 1e44, 0x1p-60,
        0x1p150, 0x1.fffffffffffffp150, 0x1p151, 0.1 + 0.2, 1.0 - 0x1p-53,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        check_number(fixed[i]);
        check_number(-fixed[i]);
        check_number(nextafter(fixed[i], 0.0));
        check_number(nextafter(fixed[i], INFINITY));
    }
    check_number(NAN);
    check_number(INFINITY);
    check_number(-INFINITY);
    for (int e = -12; e <= 22; e++) {
        double p = pow(10.0, e);
        check_number(p);
        check_number(nextafter(p, 0.0));
        check_number(nextafter(p, INFINITY));
    }
    number_edges();
    uint64_t s = 0x9e3779b97f4a7c15ull;
    unsigned failed = 0;
    for (int i = 0; i < 300000 && failed < 5; i++) {
        uint64_t r = next_random(&s);
        double v;
        switch (i % 10) {
        case 0:                                   /* integers, some large */
            v = (double)(int64_t)(r >> (r & 63));
            break;
        case 1:                                   /* few decimals */
            v = (double)(int64_t)(r % 100000000) / pow(10.0, (double)(r >> 60));
            break;
        case 2: {                                 /* any bit pattern */
            memcpy(&v, &r, sizeof v);
            break;
        }
        case 3:                                   /* 15-17 significant digits */
            v = (double)(r >> 11) / pow(10.0, (double)((r & 31) % 20));
            break;
        case 4:                                   /* the benchmark's coordinates */
            v = (double)(r % 400000) / 100.0 * ((r >> 40) & 1 ? -1 : 1);
            break;
        case 5: {                                 /* any mantissa, exponents 2^-70 to 2^160 */
            uint64_t bits = (r & 0x800fffffffffffffull) | (uint64_t)(1023 - 70 + (int)((r >> 52 & 0x7ff) % 231)) << 52;
            memcpy(&v, &bits, sizeof v);
            break;
        }
        case 6: {                                 /* 15-17 digit decimals, exponents -25 to 50 */
            uint64_t r2 = next_random(&s);
            int digits = 15 + (int)(r % 3);
            uint64_t low = 1;
            for (int d = 1; d < digits; d++)
                low *= 10;
            v = from_text("%s%" G_GUINT64_FORMAT "e%d", (r >> 40) & 1 ? "-" : "",
                          low + r2 % (9 * low), (int)(r >> 8 & 127) % 76 - 25 - (digits - 1));
            break;
        }
        case 7:                                   /* Math.random() */
            v = (double)(r >> 11) * 0x1p-53;
            break;
        case 8:                                   /* [0, 1000) at full precision */
            v = (double)(r >> 11) * 0x1p-53 * 1000.0;
            break;
        default:                                  /* [-1e6, 1e6] at full precision */
            v = ((double)(r >> 11) * 0x1p-53 * 2.0 - 1.0) * 1e6;
            break;
        }
        if (!check_number(v))
            failed++;
    }
}

/* The date text as amf_format_date wrote it before its fast path. */
static bool date_reference(double ms, char *buf, size_t n)
{
    if (!isfinite(ms) || fabs(ms) > 8.64e15) {
        buf[0] = '\0';
        return false;
    }
    double secs = floor(ms / 1000.0);
    GDateTime *dt = g_date_time_new_from_unix_utc((gint64)secs);
    if (!dt) {
        buf[0] = '\0';
        return false;
    }
    int millis = (int)(ms - secs * 1000.0);
    if (millis < 0 || millis > 999)
        millis = 0;
    gint year, month, day;
    g_date_time_get_ymd(dt, &year, &month, &day);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
             g_date_time_get_hour(dt), g_date_time_get_minute(dt), g_date_time_get_second(dt),
             millis);
    g_date_time_unref(dt);
    return true;
}

static bool check_date(double ms)
{
    char got[AMF_DATE_TEXT_MAX], want[AMF_DATE_TEXT_MAX];
    bool g = amf_format_date(ms, got, sizeof got);
    bool w = date_reference(ms, want, sizeof want);
    test_context("amf_format_date %.17g", ms);
    bool ok = CHECK_INT(g, w);
    ok &= CHECK_STR(got, want);
    return ok;
}

static void dates(void)
{
    static const double fixed[] = {
        0, 1, 999, 1000, -1, -1000, 86399999, 86400000, 951782400000.0 /* 2000-02-29 */,
        951868800000.0, 4107542400000.0 /* 2100-03-01 */, 1352482496789.0, 1700000000123.5,
        253402300799000.0, 253402300799999.0, 253402300800000.0, -62135596800000.0,
        -62135596800001.0, 8.64e15, -8.64e15, 8.64e15 + 1, 0.5, -0.5,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        check_date(fixed[i]);
    uint64_t s = 0x2545f4914f6cdd1dull;
    unsigned failed = 0;
    for (int i = 0; i < 100000 && failed < 5; i++) {
        uint64_t r = next_random(&s);
        double ms = (double)(r % 253402300800000ull);
        if (i % 3 == 0)
            ms = (double)(int64_t)(r % 400000000000000ull) - 100000000000000.0;
        if (i % 7 == 0)
            ms += 0.25 * (double)(r >> 62);
        if (!check_date(ms))
            failed++;
    }
}

/* An AMF3 string of the given bytes, as JSON. */
static bool check_string_json(const char *bytes, size_t n, const char *want)
{
    uint8_t msg[64];
    msg[0] = AMF3_STRING;
    msg[1] = (uint8_t)(n << 1 | 1);
    memcpy(msg + 2, bytes, n);
    amf_config cfg;
    amf_config_init(&cfg);
    amf_json j;
    amf_json_init(&j, &cfg.alloc, n + 2);
    cfg.sink = amf_json_event;
    cfg.user = &j;
    amf_result res;
    amf_decode(&cfg, AMF_VERSION_3, msg, n + 2, true, &res);
    size_t len;
    const char *text = amf_json_finish(&j, &len);
    bool ok = CHECK_MEM(text, len, want, strlen(want));
    amf_json_free(&j);
    return ok;
}

/* Plain runs of 0-17 bytes before and after each special byte. */
static void string_runs(void)
{
    static const struct { const char *bytes; const char *json; } specials[] = {
        { "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
        { "\x1f", "\\u001f" }, { "\x7f", "\x7f" }, { "\xc3\xa9", "\xc3\xa9" },
        { "\xe2\x82\xac", "\xe2\x82\xac" }, { "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
        { "\xff", "\xef\xbf\xbd" }, { "\xc3", "\xef\xbf\xbd" }, { "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
        { "\xe2\x82", "\xef\xbf\xbd" },
    };
    for (size_t k = 0; k < sizeof specials / sizeof *specials; k++) {
        for (size_t before = 0; before <= 17; before++) {
            for (size_t after = 0; after <= 17; after += 4) {
                char bytes[48], want[96];
                size_t n = 0, w = 0;
                want[w++] = '"';
                for (size_t i = 0; i < before; i++)
                    bytes[n++] = want[w++] = (char)('a' + i % 26);
                size_t sl = strlen(specials[k].bytes);
                memcpy(bytes + n, specials[k].bytes, sl);
                n += sl;
                size_t jl = strlen(specials[k].json);
                memcpy(want + w, specials[k].json, jl);
                w += jl;
                for (size_t i = 0; i < after; i++)
                    bytes[n++] = want[w++] = (char)('A' + i % 26);
                want[w++] = '"';
                want[w] = '\0';
                test_context("JSON string: %zu plain bytes, special %zu, %zu plain bytes", before,
                             k, after);
                check_string_json(bytes, n, want);
            }
        }
    }
    /* every byte value at every position of two 8-byte words */
    for (int c = 0; c < 256; c++) {
        for (size_t at = 0; at < 16; at++) {
            char bytes[16], want[40];
            size_t w = 0;
            memset(bytes, 'x', sizeof bytes);
            bytes[at] = (char)c;
            want[w++] = '"';
            for (size_t i = 0; i < at; i++)
                want[w++] = 'x';
            if (c == '"' || c == '\\') {
                want[w++] = '\\';
                want[w++] = (char)c;
            } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                want[w++] = '\\';
                want[w++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f';
            } else if (c < 0x20) {
                w += (size_t)snprintf(want + w, sizeof want - w, "\\u%04x", c);
            } else if (c >= 0x80) {
                memcpy(want + w, "\xef\xbf\xbd", 3);  /* alone, never valid UTF-8 */
                w += 3;
            } else {
                want[w++] = (char)c;
            }
            for (size_t i = at + 1; i < 16; i++)
                want[w++] = 'x';
            want[w++] = '"';
            want[w] = '\0';
            test_context("JSON string: byte 0x%02x at %zu of 16", c, at);
            check_string_json(bytes, 16, want);
        }
    }
    /* a NUL byte, in the plain run and after UTF-8 */
    test_context("JSON string with NUL bytes");
    check_string_json("ab\0cd", 5, "\"ab\\u0000cd\"");
    check_string_json("\xc3\xa9\0\"", 4, "\"\xc3\xa9\\u0000\\\"\"");
    check_string_json("", 0, "\"\"");
}

void test_text(void)
{
    numbers();
    dates();
    string_runs();
}
