/* amf_text.c
 * Numbers and dates as text, the same in amf.json and the tree: the shortest
 * text that reads back as the same double, and ISO 8601 UTC dates.
 * Locale-independent (Wireshark runs with the user's locale).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* Exact powers of ten (every one up to 10^22 is a double). */
static const double pow10_exact[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
};

/* Decimal digits of u, most significant first, at buf; returns how many. */
static size_t format_u64(uint64_t u, char *buf)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* The text "%.15g" gives, for the numbers most values are (integers and few
 * decimals), without printf.  Such a v is m / 10^k with m of at most 15
 * digits: when the division m / 10^k, correctly rounded as IEEE division
 * is, gives back v, the decimal m / 10^k lies within half an ulp of v,
 * nearer than half a step of the 15-digit grid at v's magnitude, so it is
 * what rounding v to 15 digits gives, and it reads back as v: "%.15g"
 * prints it, and the first format of the loop below is the one kept.
 * false: not such a number, or one "%.15g" writes with an exponent. */
static bool format_short_decimal(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (!(a < 1e15) || n < AMF_NUMBER_TEXT_MAX)
        return false;
    char *out = buf;
    if (signbit(v))
        *out++ = '-';
    if (a == 0) {
        *out++ = '0';
        *out = '\0';
        return true;
    }
    for (unsigned k = 0; k < sizeof pow10_exact / sizeof *pow10_exact; k++) {
        double m = a * pow10_exact[k];
        if (!(m < 1e15))
            return false;
        uint64_t mi = (uint64_t)(m + 0.5);
        if ((double)mi / pow10_exact[k] != a)
            continue;
        char digits[20];
        size_t len = format_u64(mi, digits);
        /* The exponent "%g" would show: below -4 it writes 1e-05 style. */
        if ((long)len - 1 - (long)k < -4)
            return false;
        if (k == 0) {
            memcpy(out, digits, len);
            out[len] = '\0';
            return true;
        }
        /* m / 10^k: the integer digits, then the k fraction digits (zeros
           first when m has fewer digits) less their trailing zeros. */
        char frac[20];
        size_t lead = len < k ? k - len : 0;
        memset(frac, '0', lead);
        memcpy(frac + lead, digits + (len > k ? len - k : 0), k - lead);
        size_t shown = k;
        while (shown && frac[shown - 1] == '0')
            shown--;
        if (len > k) {
            memcpy(out, digits, len - k);
            out += len - k;
        } else {
            *out++ = '0';
        }
        if (shown) {
            *out++ = '.';
            memcpy(out, frac, shown);
            out += shown;
        }
        *out = '\0';
        return true;
    }
    return false;
}

/* digits[0..p-1] (decimal exponent exp of the first) as "%.{p}g" writes
 * them: fixed notation for -4 <= exp < p, else d.ddde+XX; trailing zeros
 * of the fraction and a bare point dropped. */
static void put_g(char *out, bool negative, const char *digits, int p, int exp)
{
    int last = p - 1;
    while (last > 0 && digits[last] == '0')
        last--;
    if (negative)
        *out++ = '-';
    if (exp < -4 || exp >= p) {
        *out++ = digits[0];
        if (last > 0) {
            *out++ = '.';
            memcpy(out, digits + 1, (size_t)last);
            out += last;
        }
        *out++ = 'e';
        *out++ = exp < 0 ? '-' : '+';
        int e = exp < 0 ? -exp : exp;
        if (e >= 100)
            *out++ = (char)('0' + e / 100);
        *out++ = (char)('0' + e / 10 % 10);
        *out++ = (char)('0' + e % 10);
    } else if (exp < 0) {
        *out++ = '0';
        *out++ = '.';
        for (int i = -1; i > exp; i--)
            *out++ = '0';
        memcpy(out, digits, (size_t)last + 1);
        out += last + 1;
    } else {
        memcpy(out, digits, (size_t)exp + 1);
        out += exp + 1;
        if (last > exp) {
            *out++ = '.';
            memcpy(out, digits + exp + 1, (size_t)(last - exp));
            out += last - exp;
        }
    }
    *out = '\0';
}

#if defined(__SIZEOF_INT128__)
/* The full-precision case without printf or strtod, for normal doubles
 * from 1e-15 to below 1e44: exact integer arithmetic in 128 bits.
 *
 * A finite normal v > 0 is m * 2^e with 2^52 <= m < 2^53.  Scaled by 10^s
 * (s = 16 - k, k the decimal exponent of v's first digit) it lies in
 * [10^16, 10^17), and its integer part q there is v's first 17 digits.  We
 * write it as a quotient of integers, v * 10^s = a / b, and one ulp of v
 * (2^e, the step to the next double) scaled the same way as ulp / b, so
 * a = m * ulp:
 *   s >= 0, e + s < 0:   a = m * 5^s,                 b = 2^-(e+s), ulp = 5^s
 *   s >= 0, e + s >= 0:  a = m * 5^s * 2^(e+s),       b = 1,        ulp = 5^s * 2^(e+s)
 *   s < 0 (r = -s):      a = m * 2^(e-r),             b = 5^r,      ulp = 2^(e-r)
 * (the third needs e >= r, true whenever v >= 10^17 > 2^53).  scale_value
 * accepts only s <= 31, r <= 27 and shifts with 53 + shift <= 125 bits, so
 * a < 2^125 (m < 2^53, 5^31 < 2^72), ulp <= 2^73 and b <= 2^72 (b <= a / q
 * and q >= 10^16 > 2^53); everything else takes the printf path.
 *
 * Then, with R = a mod b, v * 10^s = q + R / b exactly, so:
 * - the 17 digits "%.16e" prints are q, plus one when R / b > 1/2, or when
 *   R / b = 1/2 and q is odd (glibc rounds exact ties to even);
 * - the p = 15 or 16 digits "%.{p}g" prints drop the last d = 17 - p digits
 *   of q, low = q mod 10^d: up when low + R / b > 10^d / 2, which is
 *   low > 10^d / 2, or low = 10^d / 2 with R > 0, or an exact tie (R = 0)
 *   with the kept digits odd;
 * - that candidate, C at the same scale (the kept digits times 10^d, an
 *   integer up to 10^17), reads back as v (strtod rounds to nearest, ties
 *   to even) iff |C * b - a| < ulp / 2, or = ulp / 2 with m even.  Below a
 *   power of two (m = 2^52) the next double down is only half an ulp away:
 *   there the bound is ulp / 4, reached values reading back as v (m even).
 *   C * b <= (q + 10^d) * b <= a + 100 * b < 2^126, and 4 * |C * b - a|
 *   <= 400 * b < 2^81: no product overflows 128 bits. */
__extension__ typedef unsigned __int128 amf_u128;

/* 5^0 .. 5^27, the powers of five below 2^63. */
static const uint64_t pow5_u64[28] = {
    1ull, 5ull, 25ull, 125ull, 625ull, 3125ull, 15625ull, 78125ull, 390625ull, 1953125ull,
    9765625ull, 48828125ull, 244140625ull, 1220703125ull, 6103515625ull, 30517578125ull,
    152587890625ull, 762939453125ull, 3814697265625ull, 19073486328125ull,
    95367431640625ull, 476837158203125ull, 2384185791015625ull, 11920928955078125ull,
    59604644775390625ull, 298023223876953125ull, 1490116119384765625ull,
    7450580596923828125ull,
};

#define TEN_TO_16 10000000000000000ull
#define TEN_TO_17 100000000000000000ull

/* "00" to "99": two digits a lookup. */
static const char digit_pairs[201] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

/* The 8 decimal digits of u < 10^8, leading zeros included, two at a time. */
static void put_8_digits(uint32_t u, char *out)
{
    uint32_t hi = u / 10000, lo = u % 10000;
    memcpy(out, digit_pairs + 2 * (hi / 100), 2);
    memcpy(out + 2, digit_pairs + 2 * (hi % 100), 2);
    memcpy(out + 4, digit_pairs + 2 * (lo / 100), 2);
    memcpy(out + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* The 17 digits of 10^16 <= u < 10^17. */
static void put_17_digits(uint64_t u, char out[17])
{
    uint64_t high = u / 100000000;              /* < 10^9 */
    out[0] = (char)('0' + high / 100000000);
    put_8_digits((uint32_t)(high % 100000000), out + 1);
    put_8_digits((uint32_t)(u % 100000000), out + 9);
}

/* v * 10^s = a / b exactly, and ulp / b the scaled step to the next double
 * (see above).  b is 2^b_shift, or 5^r when b_shift is negative. */
typedef struct {
    amf_u128 a;
    amf_u128 b;
    amf_u128 ulp;
    int      b_shift;
} scaled_value;

static amf_u128 pow5(int s)
{
    return s <= 27 ? (amf_u128)pow5_u64[s] : (amf_u128)pow5_u64[27] * pow5_u64[s - 27];
}

/* false when a could reach 2^125 (the bound the comparisons rely on). */
static bool scale_value(uint64_t m, int e, int s, scaled_value *x)
{
    if (s > 31 || s < -27)
        return false;
    if (s >= 0) {
        amf_u128 p5 = pow5(s);                  /* < 2^72 */
        int t = -(e + s);
        if (t > 0) {
            if (t > 125)
                return false;
            x->a = m * p5;                      /* < 2^53 * 2^72 */
            x->ulp = p5;
            x->b = (amf_u128)1 << t;
            x->b_shift = t;
        } else {
            /* m * 5^s * 2^-t < 2^(53 + 3s - t) as 5 < 2^3 */
            if (53 + 3 * s - t > 125)
                return false;
            x->ulp = p5 << -t;
            x->a = m * x->ulp;
            x->b = 1;
            x->b_shift = 0;
        }
    } else {
        int shift = e + s;                      /* e - r */
        if (shift < 0 || 53 + shift > 125)
            return false;
        x->ulp = (amf_u128)1 << shift;
        x->a = (amf_u128)m << shift;
        x->b = pow5_u64[-s];
        x->b_shift = -1;
    }
    return true;
}

/* Whether the decimal c_scaled / 10^s (c_scaled at most 10^17) reads back
 * as v = m * 2^e, scaled as x. */
static bool reads_back(const scaled_value *x, uint64_t m, uint64_t c_scaled)
{
    amf_u128 cb = x->b_shift >= 0 ? (amf_u128)c_scaled << x->b_shift : c_scaled * x->b;
    bool even = (m & 1) == 0;
    if (cb >= x->a) {
        amf_u128 d2 = (cb - x->a) * 2;
        return d2 < x->ulp || (d2 == x->ulp && even);
    }
    amf_u128 d = x->a - cb;
    if (m == 1ull << 52)
        return d * 4 <= x->ulp;
    return d * 2 < x->ulp || (d * 2 == x->ulp && even);
}

/* The loop's text for a normal v in the range above; false outside it. */
static bool format_exact(double v, char *buf)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool negative = bits >> 63;
    int biased = (int)(bits >> 52 & 0x7ff);
    if (biased == 0 || biased == 0x7ff)         /* 0, denormals, Inf, NaN */
        return false;
    uint64_t m = (bits & ((1ull << 52) - 1)) | 1ull << 52;
    int e = biased - 1075;
    int e2 = e + 52;                            /* 2^e2 <= |v| < 2^(e2 + 1) */
    if (e2 < -60 || e2 > 150)
        return false;
    /* floor(e2 * log10(2)) (78913 / 2^18 is log10(2) to 6 digits): k or
       k - 1 for v's decimal exponent k; checked below, not trusted. */
    int k = e2 * 78913 / 262144;
    if (e2 * 78913 % 262144 < 0)
        k--;
    scaled_value x;
    uint64_t q;
    amf_u128 rem;
    for (int tries = 0;; tries++) {
        if (tries == 2 || !scale_value(m, e, 16 - k, &x))
            return false;
        amf_u128 q128 = x.b_shift >= 0 ? x.a >> x.b_shift : x.a / x.b;
        if (q128 < TEN_TO_16) {
            k--;
        } else if (q128 >= TEN_TO_17) {
            k++;
        } else {
            q = (uint64_t)q128;
            rem = x.a - q128 * x.b;
            break;
        }
    }

    /* The digits are those of the candidate at the 17-digit scale (its
       last 17 - p are zeros): put_g drops them. */
    int p = 17;
    uint64_t c17;
    for (p = 15; p <= 16; p++) {
        uint64_t unit = p == 15 ? 100 : 10;
        uint64_t c = q / unit, low = q % unit;
        if (low * 2 > unit || (low * 2 == unit && (rem != 0 || (c & 1))))
            c++;
        c17 = c * unit;
        if (reads_back(&x, m, c17))
            break;
    }
    if (p == 17) {
        amf_u128 rem2 = rem * 2;
        c17 = q + (rem2 > x.b || (rem2 == x.b && (q & 1)));
    }
    char d[17];
    if (c17 == TEN_TO_17) {                     /* 9.99...9 rounded up to 10 */
        memset(d, '0', sizeof d);
        d[0] = '1';
        k++;
    } else {
        put_17_digits(c17, d);
    }
    put_g(buf, negative, d, p, k);
    return true;
}
#else
static bool format_exact(double v, char *buf)
{
    (void)v;
    (void)buf;
    return false;                               /* no 128-bit integers: printf */
}
#endif

void amf_format_number(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (format_short_decimal(v, buf, n))
        return;
    /* The printf route costs thousands of instructions a number, and the
     * same value is often formatted twice in a row (amf.json, then the
     * tree's label): the last text is kept, per thread. */
    static _Thread_local struct {
        uint64_t bits;
        bool     valid;
        char     text[AMF_NUMBER_TEXT_MAX];
    } last;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    if (last.valid && last.bits == bits && n >= sizeof last.text) {
        memcpy(buf, last.text, sizeof last.text);
        return;
    }
    if (n < sizeof last.text || !format_exact(v, buf)) {
        static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
        for (size_t i = 0; i < 3; i++) {
            g_ascii_formatd(buf, (gint)n, formats[i], v);
            if (g_ascii_strtod(buf, NULL) == v)
                break;
        }
    }
    if (n >= sizeof last.text) {
        memcpy(last.text, buf, sizeof last.text);
        last.bits = bits;
        last.valid = true;
    }
}

/* The last second of 9999-12-31, the last GDateTime holds. */
#define LAST_UNIX_SECOND 253402300799.0

/* Year, month, day of a day counted from 1970-01-01 (day >= 0), in the
 * proleptic Gregorian calendar: count from 0000-03-01 so that the leap day
 * ends each year, then split into 400-year eras (146097 days), years of the
 * era and days of the year; months from March have a fixed 153-days-in-5
 * pattern. */
static void civil_from_days(int64_t day, int *year, int *month, int *mday)
{
    int64_t z = day + 719468;                /* days since 0000-03-01 */
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;          /* day of the era, 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);  /* from March 1st */
    int64_t mp = (5 * doy + 2) / 153;        /* month from March, 0..11 */
    *mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

static char *put_digits(char *out, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return out + width;
}

bool amf_format_date(double ms, char *buf, size_t n)
{
    /* AS3 dates are within +-8.64e15 ms (so the seconds fit in 64 bits);
     * GDateTime refuses what is outside years 1 to 9999. */
    if (!isfinite(ms) || fabs(ms) > 8.64e15) {
        buf[0] = '\0';
        return false;
    }
    double secs = floor(ms / 1000.0);
    int millis = (int)(ms - secs * 1000.0);
    if (millis < 0 || millis > 999)
        millis = 0;
    int year, month, day, hour, minute, second;
    if (secs >= 0 && secs <= LAST_UNIX_SECOND && n >= sizeof "9999-12-31T23:59:59.999Z") {
        /* From 1970 on, without GDateTime (which allocates). */
        int64_t t = (int64_t)secs;
        civil_from_days(t / 86400, &year, &month, &day);
        int64_t rest = t % 86400;
        hour = (int)(rest / 3600);
        minute = (int)(rest / 60 % 60);
        second = (int)(rest % 60);
        char *out = put_digits(buf, year, 4);
        *out++ = '-';
        out = put_digits(out, month, 2);
        *out++ = '-';
        out = put_digits(out, day, 2);
        *out++ = 'T';
        out = put_digits(out, hour, 2);
        *out++ = ':';
        out = put_digits(out, minute, 2);
        *out++ = ':';
        out = put_digits(out, second, 2);
        *out++ = '.';
        out = put_digits(out, millis, 3);
        *out++ = 'Z';
        *out = '\0';
        return true;
    }
    GDateTime *dt = g_date_time_new_from_unix_utc((gint64)secs);
    if (!dt) {
        buf[0] = '\0';
        return false;
    }
    /* Four-digit years (ISO 8601), also before the year 1000. */
    g_date_time_get_ymd(dt, &year, &month, &day);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
             g_date_time_get_hour(dt), g_date_time_get_minute(dt), g_date_time_get_second(dt),
             millis);
    g_date_time_unref(dt);
    return true;
}
