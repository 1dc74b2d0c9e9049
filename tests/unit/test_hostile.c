/* test_hostile.c
 * Malformed and hostile input: nesting past the depth limit, counts and
 * lengths far past the data, reference cycles and reference bombs in the
 * JSON, invalid UTF-8, a million members, the value and stop limits, an
 * allocator that refuses.  Time bounds are generous and only where the
 * danger is runaway work.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runaway work would take far longer than this (seconds of CPU, on a plain
 * build: see time_bound()). */
#define TIME_BOUND time_bound(2.0)

#define DEEP 100000

/* A buffer made of a head, `n` copies of a unit, and a tail. */
static uint8_t *repeat(const char *head_hex, const char *unit_hex, size_t n,
                       const char *tail_hex, size_t tail_n, size_t *len)
{
    size_t hl, ul, tl;
    const uint8_t *head = H(head_hex, &hl);
    const uint8_t *unit = H(unit_hex, &ul);
    const uint8_t *tail = H(tail_hex, &tl);
    uint8_t *buf = test_alloc(hl + ul * n + tl * tail_n);
    memcpy(buf, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + hl + ul * i, unit, ul);
    for (size_t i = 0; i < tail_n; i++)
        memcpy(buf + hl + ul * n + tl * i, tail, tl);
    *len = hl + ul * n + tl * tail_n;
    return buf;
}

static void expect_depth_limit(const char *what, test_mode mode, const uint8_t *buf, size_t len,
                               uint32_t err_offset, uint32_t max_depth)
{
    test_context("depth: %s", what);
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_depth = max_depth;
    decoded d;
    decode_rec(&d, mode, buf, len, true, DEC_EVENTS | DEC_JSON, &cfg);
    CHECK_INT(d.status, AMF_LIMIT);
    CHECK_INT(d.res.error, AMF_ERR_DEPTH_LIMIT);
    CHECK_UINT(d.res.length, err_offset);
    CHECK_INT(count_events(&d, AMF_EV_BEGIN, AMF_ERR_NONE), max_depth);
    CHECK_INT(count_events(&d, AMF_EV_END, AMF_ERR_NONE), max_depth);
    CHECK_SHAPE(&d);
    CHECK_JSON_VALID(d.json, d.json_len);
    CHECK(d.seconds < TIME_BOUND);
    char msg[160];
    snprintf(msg, sizeof msg, "nesting deeper than %u levels (depth limit) at offset %u",
             max_depth, err_offset);
    CHECK_STR(d.res.message, msg);
    int e = find_event(&d, AMF_EV_ERROR, 0);
    if (CHECK(e >= 0))
        CHECK_UINT(d.ev[e].ev.offset, err_offset);
    decoded_free(&d);
    /* measuring stops at the same place; not complete changes nothing */
    amf_result m;
    CHECK_INT(decode_measure(mode, buf, len, true, &cfg, &m), AMF_LIMIT);
    CHECK_UINT(m.length, err_offset);
    CHECK_INT(decode_measure(mode, buf, len, false, &cfg, &m), AMF_LIMIT);
    CHECK_INT(m.error, AMF_ERR_DEPTH_LIMIT);
}

static void deep_nesting(void)
{
    size_t len;
    uint8_t *buf;
    const uint32_t D = AMF_DEFAULT_MAX_DEPTH;

    buf = repeat("", "09 03 01", DEEP, "01", 1, &len);
    expect_depth_limit("AMF3 arrays", MODE_AMF3, buf, len, 3 * D, D);
    expect_depth_limit("AMF3 arrays, limit 10", MODE_AMF3, buf, len, 30, 10);
    expect_depth_limit("AMF3 arrays, the ceiling", MODE_AMF3, buf, len, 3 * AMF_MAX_DEPTH_CEILING,
                       AMF_MAX_DEPTH_CEILING);

    buf = repeat("", "03 00 01 'a'", DEEP, "05 00 00 09", 1, &len);
    expect_depth_limit("AMF0 objects", MODE_AMF0, buf, len, 4 * D, D);

    buf = repeat("", "0a 00 00 00 01", DEEP, "05", 1, &len);
    expect_depth_limit("AMF0 strict arrays", MODE_AMF0, buf, len, 5 * D, D);

    buf = repeat("", "08 00 00 00 01 00 01 'a'", DEEP, "05", 1, &len);
    expect_depth_limit("AMF0 ECMA arrays", MODE_AMF0, buf, len, 8 * D, D);

    /* dynamic objects: traits and the name "a" by reference after the first */
    buf = repeat("0a 0b 01 03 'a'", "0a 01 00", DEEP, "01", 1, &len);
    expect_depth_limit("AMF3 dynamic objects", MODE_AMF3, buf, len, 5 + 3 * (D - 1), D);

    buf = repeat("", "10 03 00 01", DEEP, "01", 1, &len);
    expect_depth_limit("Vector.<Object>", MODE_AMF3, buf, len, 4 * D, D);

    buf = repeat("", "11 03 00", DEEP, "01", 1, &len);
    expect_depth_limit("Dictionary keys", MODE_AMF3, buf, len, 3 * D, D);

    buf = repeat("0a 07 43 'flex.messaging.io.ArrayCollection'", "0a 01", DEEP, "01", 1, &len);
    expect_depth_limit("ArrayCollections", MODE_AMF3, buf, len, 36 + 2 * (D - 1), D);

    /* the AVM+ switch keeps the depth: 100 AMF0 levels, then AMF3 */
    size_t hl;
    const uint8_t *head = repeat("", "03 00 01 'a'", 100, "11", 1, &hl);
    uint8_t *mixed = test_alloc(hl + 3 * DEEP);
    memcpy(mixed, head, hl);
    for (size_t i = 0; i < DEEP; i++)
        memcpy(mixed + hl + 3 * i, "\x09\x03\x01", 3);
    expect_depth_limit("AMF0 then AMF3", MODE_AMF0, mixed, hl + 3 * DEEP, 401 + 3 * (D - 100), D);

    /* in a packet body */
    buf = repeat("00 03 00 00 00 01 00 01 'a' 00 00 ff ff ff ff 11", "09 03 01", DEEP, "01", 1, &len);
    expect_depth_limit("packet body", MODE_PACKET, buf, len, 16 + 3 * D, D);
}

/* Counts and lengths far past the data: refused at once, never walked. */
static void huge_claims(void)
{
    static const struct {
        test_mode   mode;
        const char *head;        /* then 10 bytes of 0x01 */
        amf_error   complete_err;
    } cases[] = {
        { MODE_AMF3, "09 ff ff ff ff", AMF_ERR_COUNT },          /* Array: 2^28 - 1 */
        { MODE_AMF3, "0d ff ff ff ff 00", AMF_ERR_COUNT },       /* Vector.<int> */
        { MODE_AMF3, "0e ff ff ff ff 00", AMF_ERR_COUNT },
        { MODE_AMF3, "0f ff ff ff ff 00", AMF_ERR_COUNT },
        { MODE_AMF3, "10 ff ff ff ff 00 01", AMF_ERR_COUNT },    /* Vector.<Object> */
        { MODE_AMF3, "11 ff ff ff ff 00", AMF_ERR_COUNT },       /* Dictionary */
        { MODE_AMF3, "0a ff ff ff f3 01", AMF_ERR_COUNT },       /* 2^25 - 1 sealed names */
        { MODE_AMF0, "0a 10 00 00 00", AMF_ERR_COUNT },          /* strict array of 2^28 */
        { MODE_AMF0, "0a ff ff ff ff", AMF_ERR_COUNT },
        { MODE_AMF3, "06 ff ff ff ff", AMF_ERR_TRUNCATED },      /* 256 MiB - 1 string */
        { MODE_AMF3, "0c ff ff ff ff", AMF_ERR_TRUNCATED },      /* ByteArray */
        { MODE_AMF3, "0b ff ff ff ff", AMF_ERR_TRUNCATED },      /* XML */
        { MODE_AMF3, "07 ff ff ff ff", AMF_ERR_TRUNCATED },
        { MODE_AMF0, "0c 10 00 00 00", AMF_ERR_TRUNCATED },      /* 256 MiB long string */
        { MODE_AMF0, "0f 10 00 00 00", AMF_ERR_TRUNCATED },
        { MODE_AMF0, "0c ff ff ff ff", AMF_ERR_TRUNCATED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        uint8_t *buf = repeat(cases[i].head, "01", 10, "", 0, &len);
        test_context("huge claim %s, complete", cases[i].head);
        decoded d;
        decode_rec(&d, cases[i].mode, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
        CHECK_INT(d.status, AMF_MALFORMED);
        CHECK_INT(d.res.error, cases[i].complete_err);
        CHECK(d.seconds < TIME_BOUND);
        CHECK(d.n < 20);
        CHECK_SHAPE(&d);
        CHECK_JSON_VALID(d.json, d.json_len);
        decoded_free(&d);

        test_context("huge claim %s, not complete", cases[i].head);
        decode_rec(&d, cases[i].mode, buf, len, false, DEC_EVENTS | DEC_JSON, NULL);
        CHECK_INT(d.status, AMF_LIMIT);
        CHECK_INT(d.res.error, AMF_ERR_SIZE_LIMIT);
        CHECK(d.seconds < TIME_BOUND);
        CHECK_SHAPE(&d);
        CHECK_JSON_VALID(d.json, d.json_len);
        decoded_free(&d);
        amf_result m;
        CHECK_INT(decode_measure(cases[i].mode, buf, len, false, NULL, &m), AMF_LIMIT);
        CHECK_INT(m.error, AMF_ERR_SIZE_LIMIT);
    }

    /* the exact messages */
    test_context("huge claim messages");
    EXPECT_FAIL(MODE_AMF3, "09 ff ff ff ff 01 01 01 01 01 01 01 01 01 01", AMF_MALFORMED, AMF_ERR_COUNT,
                "{\"$error\":\"Array claims 268435455 elements (at least 268435455 bytes) but only 9 "
                "bytes are left\"}");
    EXPECT_FAIL(MODE_AMF3, "06 ff ff ff ff 01 01 01 01 01 01 01 01 01 01", AMF_MALFORMED,
                AMF_ERR_TRUNCATED,
                "{\"$error\":\"String needs 268435455 bytes at offset 5, only 10 left in the message\"}");

    /* a larger message limit: the need is what is known to be missing */
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_message = 1u << 31;
    static const struct { test_mode mode; const char *head; uint32_t need; } needs[] = {
        /* 9 nulls decode, 268435455 - 9 elements owed */
        { MODE_AMF3, "09 ff ff ff ff", 268435455u - 9 },
        { MODE_AMF3, "06 ff ff ff ff", 268435455u - 10 },
        { MODE_AMF3, "0c ff ff ff ff", 268435455u - 10 },
        { MODE_AMF3, "0d ff ff ff ff 00", 268435455u * 4 - 10 },
        { MODE_AMF0, "0c 10 00 00 00", (1u << 28) - 10 },
        /* five booleans decode; one byte at least per element owed */
        { MODE_AMF0, "0a 10 00 00 00", (1u << 28) - 5 },
    };
    for (size_t i = 0; i < sizeof needs / sizeof *needs; i++) {
        size_t len;
        uint8_t *buf = repeat(needs[i].head, "01", 10, "", 0, &len);
        test_context("huge claim %s, 2 GiB limit", needs[i].head);
        decoded d;
        decode_rec(&d, needs[i].mode, buf, len, false, DEC_EVENTS, &cfg);
        CHECK_INT(d.status, AMF_NEED_MORE);
        CHECK_UINT(d.res.need, needs[i].need);
        CHECK(d.seconds < TIME_BOUND);
        decoded_free(&d);
        amf_result m;
        CHECK_INT(decode_measure(needs[i].mode, buf, len, false, &cfg, &m), AMF_NEED_MORE);
        CHECK_UINT(m.need, needs[i].need);
    }
    /* 4 GiB - 1 can never fit */
    size_t len;
    uint8_t *buf = repeat("0c ff ff ff ff", "01", 10, "", 0, &len);
    amf_result m;
    test_context("AMF0 long string of 4 GiB - 1, 2 GiB limit");
    CHECK_INT(decode_measure(MODE_AMF0, buf, len, false, &cfg, &m), AMF_LIMIT);
    CHECK_INT(m.error, AMF_ERR_SIZE_LIMIT);
    /* an ECMA count is only a hint */
    EXPECT_JSON(MODE_AMF0, "08 10 00 00 00 00 00 09", "{\"$ecma\":{}}");
}

/* Each object holds two references to the one before: the JSON would
 * double per level without its budget. */
static void reference_bombs(void)
{
    /* AMF3: [ [], [#1,#1], [#2,#2], ... ] with 40 levels */
    char *hex = test_alloc(4096);
    size_t k = (size_t)sprintf(hex, "09 53 01 09 01 01");
    for (int i = 1; i <= 40; i++)
        k += (size_t)sprintf(hex + k, " 09 05 01 09 %02x 09 %02x", i << 1, i << 1);
    size_t len;
    const uint8_t *buf = H(hex, &len);
    test_context("AMF3 reference bomb");
    decoded d;
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, len);
    CHECK_UINT(len, 286);
    CHECK_INT(count_events(&d, AMF_EV_REFERENCE, AMF_ERR_NONE), 80);
    CHECK(d.refs_limited);
    CHECK_JSON_VALID(d.json, d.json_len);
    size_t ref_budget = len * AMF_JSON_REF_FACTOR + AMF_JSON_REF_SLACK;
    size_t hard_cap = len * AMF_JSON_MAX_FACTOR + AMF_JSON_MAX_SLACK;
    CHECK(d.json_len <= hard_cap);
    /* the literal text is small: nearly all of it is copies within budget */
    CHECK(d.json_len <= ref_budget + 20 * len);
    CHECK(d.json_len >= ref_budget / 4);
    CHECK(strncmp(d.json, "[[],[[],[]],[[[],[]],[[],[]]],", 30) == 0);
    CHECK(strstr(d.json, "{\"$ref\":") != NULL);
    CHECK(d.seconds < TIME_BOUND);
    decoded_free(&d);

    /* AMF0: objects {a: #i, b: #i} */
    k = (size_t)sprintf(hex, "0a 00 00 00 29 03 00 00 09");
    for (int i = 1; i <= 40; i++)
        k += (size_t)sprintf(hex + k, " 03 00 01 'a' 07 00 %02x 00 01 'b' 07 00 %02x 00 00 09", i, i);
    buf = H(hex, &len);
    test_context("AMF0 reference bomb");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, len);
    CHECK(d.refs_limited);
    CHECK_JSON_VALID(d.json, d.json_len);
    CHECK(d.json_len <= len * AMF_JSON_MAX_FACTOR + AMF_JSON_MAX_SLACK);
    CHECK(d.json_len >= (len * AMF_JSON_REF_FACTOR + AMF_JSON_REF_SLACK) / 4);
    CHECK(strncmp(d.json, "[{},{\"a\":{},\"b\":{}},{\"a\":{\"a\":{},\"b\":{}},", 40) == 0);
    CHECK(d.seconds < TIME_BOUND);
    decoded_free(&d);

    /* a few shared objects are written out in full */
    test_context("small graphs expand fully");
    decode_rec(&d, MODE_AMF3, H("09 07 01 0a 0b 01 03 'a' 04 01 01 0a 02 0a 02", &len), len, true,
               DEC_JSON, NULL);
    CHECK_STR(d.json, "[{\"a\":1},{\"a\":1},{\"a\":1}]");
    CHECK(!d.refs_limited);
    decoded_free(&d);

    /* literal text plus copies past the hard cap: the document is replaced
     * by an error of bounded size */
    test_context("JSON past its hard cap");
    size_t K = 8000, R = 20, U = 100000;
    uint8_t *big = test_alloc(16 + K + 2 * R + U);
    size_t p = 0;
    big[p++] = AMF3_ARRAY;
    uint32_t dense = (uint32_t)(1 + R + U);          /* U29 of (dense << 1 | 1), 3 bytes */
    uint32_t u29 = dense << 1 | 1;
    big[p++] = (uint8_t)(0x80 | (u29 >> 14));
    big[p++] = (uint8_t)(0x80 | ((u29 >> 7) & 0x7f));
    big[p++] = (uint8_t)(u29 & 0x7f);
    big[p++] = 0x01;
    /* #1: an array of K undefined */
    big[p++] = AMF3_ARRAY;
    u29 = (uint32_t)K << 1 | 1;
    big[p++] = (uint8_t)(0x80 | (u29 >> 7));
    big[p++] = (uint8_t)(u29 & 0x7f);
    big[p++] = 0x01;
    memset(big + p, AMF3_UNDEFINED, K);
    p += K;
    for (size_t i = 0; i < R; i++) {
        big[p++] = AMF3_ARRAY;
        big[p++] = 0x02;                              /* reference #1 */
    }
    memset(big + p, AMF3_UNDEFINED, U);
    p += U;
    decode_rec(&d, MODE_AMF3, big, p, true, DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, p);
    char want[160];
    snprintf(want, sizeof want,
             "{\"$error\":\"JSON longer than %zu bytes for this message; not rendered\"}",
             p * AMF_JSON_MAX_FACTOR + AMF_JSON_MAX_SLACK);
    CHECK_STR(d.json, want);
    CHECK(d.seconds < TIME_BOUND);
    decoded_free(&d);
}

/* Invalid UTF-8: a warning each, U+FFFD in the JSON, decoding goes on. */
static void bad_utf8(void)
{
#define FFFD "\xef\xbf\xbd"
    static const struct {
        test_mode   mode;
        const char *hex;
        const char *json;
        uint32_t    warn_offset, warn_length;
    } cases[] = {
        { MODE_AMF0, "02 00 03 61 ff 62", "\"a" FFFD "b\"", 1, 5 },
        { MODE_AMF0, "0c 00 00 00 02 c3 28", "\"" FFFD "(\"", 1, 6 },
        { MODE_AMF0, "03 00 02 ff 61 05 00 00 09", "{\"" FFFD "a\":null}", 1, 4 },
        { MODE_AMF0, "10 00 02 'A' ff 00 00 09", "{\"$class\":\"A" FFFD "\"}", 1, 4 },
        { MODE_AMF0, "0f 00 00 00 02 e3 83", "{\"$xmldoc\":\"" FFFD "\"}", 1, 6 },
        { MODE_AMF3, "06 07 61 c3 28", "\"a" FFFD "(\"", 1, 4 },
        /* overlong, surrogate, past U+10FFFF, cut short: one U+FFFD for
         * each longest start of a sequence (Unicode's maximal subpart) */
        { MODE_AMF3, "06 05 c0 af", "\"" FFFD FFFD "\"", 1, 3 },
        { MODE_AMF3, "06 07 ed a0 80", "\"" FFFD FFFD FFFD "\"", 1, 4 },
        { MODE_AMF3, "06 09 f4 90 80 80", "\"" FFFD FFFD FFFD FFFD "\"", 1, 5 },
        { MODE_AMF3, "06 05 e3 83", "\"" FFFD "\"", 1, 3 },
        { MODE_AMF3, "06 07 e3 83 'x'", "\"" FFFD "x\"", 1, 4 },
        { MODE_AMF3, "06 09 f0 9f 98 'x'", "\"" FFFD "x\"", 1, 5 },
        { MODE_AMF3, "06 07 f0 8f 80", "\"" FFFD FFFD FFFD "\"", 1, 4 },
        { MODE_AMF3, "06 07 e0 9f 80", "\"" FFFD FFFD FFFD "\"", 1, 4 },
        { MODE_AMF3, "06 05 80 bf", "\"" FFFD FFFD "\"", 1, 3 },
        { MODE_AMF3, "06 05 f5 80", "\"" FFFD FFFD "\"", 1, 3 },
        /* what Wireshark's own decoding of the same bytes shows */
        { MODE_AMF3, "06 19 61 c0 af 62 ed a0 80 63 80 64 e2 82",
          "\"a" FFFD FFFD "b" FFFD FFFD FFFD "c" FFFD "d" FFFD "\"", 1, 13 },
        { MODE_AMF3, "0a 0b 01 05 fe 'x' 04 01 01", "{\"" FFFD "x\":1}", 3, 3 },
        { MODE_AMF3, "0a 13 01 05 fe 'x' 04 01", "{\"" FFFD "x\":1}", 3, 3 },
        { MODE_AMF3, "0a 03 05 fe 'x'", "{\"$class\":\"" FFFD "x\"}", 2, 3 },
        { MODE_AMF3, "09 01 05 fe 'x' 04 01 01", "{\"$assoc\":{\"" FFFD "x\":1},\"$dense\":[]}", 2, 3 },
        { MODE_AMF3, "0b 05 fe 'x'", "{\"$xml\":\"" FFFD "x\"}", 2, 2 },
        { MODE_AMF3, "07 05 fe 'x'", "{\"$xmldoc\":\"" FFFD "x\"}", 2, 2 },
        { MODE_AMF3, "10 01 00 05 fe 'x'",
          "{\"$vector\":\"Object\",\"$type\":\"" FFFD "x\",\"$fixed\":false,\"$items\":[]}", 3, 3 },
        { MODE_PACKET, "00 00 00 00 00 01 00 02 ff 'x' 00 00 ff ff ff ff 05",
          "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"target\":\"" FFFD "x\","
          "\"response\":\"\",\"body\":null}]}}", 6, 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("bad UTF-8 %s", cases[i].hex);
        decoded d;
        EXPECT_JSON_D(cases[i].mode, cases[i].hex, cases[i].json, &d);
        CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 1);
        int w = find_event(&d, AMF_EV_WARNING, 0);
        if (CHECK(w >= 0)) {
            CHECK_INT(d.ev[w].ev.error, AMF_WARN_UTF8);
            CHECK_UINT(d.ev[w].ev.offset, cases[i].warn_offset);
            CHECK_UINT(d.ev[w].ev.length, cases[i].warn_length);
        }
        decoded_free(&d);
    }
    /* the flag on the value or name */
    decoded d;
    test_context("bad UTF-8 flags");
    EXPECT_JSON_D(MODE_AMF3, "09 07 01 06 05 fe 'x' 06 00 0a 0b 01 00 04 01 01",
                  "[\"" FFFD "x\",\"" FFFD "x\",{\"" FFFD "x\":1}]", &d);
    /* once: a reference repeats the flag, not the warning */
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_UTF8), 1);
    int s1 = find_event(&d, AMF_EV_SCALAR, 0), s2 = find_event(&d, AMF_EV_SCALAR, 1);
    int s3 = find_event(&d, AMF_EV_SCALAR, 2);
    if (CHECK(s1 >= 0 && s2 >= 0 && s3 >= 0)) {
        CHECK_UINT(d.ev[s1].ev.flags & AMF_F_BAD_UTF8, AMF_F_BAD_UTF8);
        CHECK_UINT(d.ev[s2].ev.flags & (AMF_F_BAD_UTF8 | AMF_F_STRING_REF),
                   AMF_F_BAD_UTF8 | AMF_F_STRING_REF);
        CHECK_UINT(d.ev[s3].ev.flags & (AMF_F_BAD_UTF8 | AMF_F_NAME_REF),
                   AMF_F_BAD_UTF8 | AMF_F_NAME_REF);
    }
    decoded_free(&d);

    /* U+0000 is valid UTF-8: no warning, written \u0000 */
    test_context("NUL characters");
    EXPECT_JSON_D(MODE_AMF0, "02 00 03 61 00 62", "\"a\\u0000b\"", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    if (CHECK_INT(d.n, 1))
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_BAD_UTF8, 0);
    decoded_free(&d);
    EXPECT_JSON_D(MODE_AMF3, "0a 0b 01 05 00 'k' 06 07 00 00 'v' 01", "{\"\\u0000k\":\"\\u0000\\u0000v\"}", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);
    /* NUL and a bad byte together */
    EXPECT_JSON_D(MODE_AMF3, "06 09 00 ff 'a' 00", "\"\\u0000" FFFD "a\\u0000\"", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_UTF8), 1);
    decoded_free(&d);
#undef FFFD
}

/* One dynamic object with a million one-letter members. */
static void million_members(void)
{
    const size_t N = 1000000;
    /* AMF3: the 26 names inline once, then by reference (one byte each) */
    size_t n = 3 + 26 + N * 2 + 1;
    uint8_t *buf = test_alloc(n);
    size_t p = 0;
    buf[p++] = AMF3_OBJECT;
    buf[p++] = 0x0b;
    buf[p++] = 0x01;
    for (size_t i = 0; i < N; i++) {
        if (i < 26) {
            buf[p++] = 0x03;
            buf[p++] = (uint8_t)('a' + i);
        } else {
            buf[p++] = (uint8_t)((i % 26) << 1);
        }
        buf[p++] = AMF3_NULL;
    }
    buf[p++] = 0x01;
    test_context("a million AMF3 members");
    decoded d;
    decode_rec(&d, MODE_AMF3, buf, p, true, DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, p);
    CHECK_UINT(d.res.values, N + 1);
    CHECK_UINT(d.n_events, N + 3);              /* BEGIN, TRAITS, members, END */
    CHECK_UINT(d.json_len, 2 + N * 8 + (N - 1)); /* {"a":null,...} */
    CHECK(strncmp(d.json, "{\"a\":null,\"b\":null,", 19) == 0);
    CHECK_JSON_VALID(d.json, d.json_len);
    CHECK(d.seconds < TIME_BOUND);
    printf("  a million AMF3 members: %.3f s\n", d.seconds);
    decoded_free(&d);
    amf_result m;
    CHECK_INT(decode_measure(MODE_AMF3, buf, p, true, NULL, &m), AMF_OK);
    CHECK_UINT(m.length, p);

    /* AMF0: names are never shared, four bytes a member */
    n = 1 + N * 4 + 3;
    buf = test_alloc(n);
    p = 0;
    buf[p++] = AMF0_OBJECT;
    for (size_t i = 0; i < N; i++) {
        buf[p++] = 0x00;
        buf[p++] = 0x01;
        buf[p++] = (uint8_t)('a' + i % 26);
        buf[p++] = AMF0_NULL;
    }
    buf[p++] = 0x00;
    buf[p++] = 0x00;
    buf[p++] = AMF0_OBJECT_END;
    test_context("a million AMF0 members");
    decode_rec(&d, MODE_AMF0, buf, p, true, DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, p);
    CHECK_UINT(d.n_events, N + 2);
    CHECK_UINT(d.json_len, 2 + N * 8 + (N - 1));
    CHECK(d.seconds < TIME_BOUND);
    printf("  a million AMF0 members: %.3f s\n", d.seconds);
    decoded_free(&d);
}

/* Work limits, the stop flag, and an allocator that refuses. */
static void limits(void)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_values = 10;
    decoded d;
    size_t len;
    const uint8_t *buf = H("09 29 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01", &len);
    test_context("value limit");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS | DEC_JSON, &cfg);
    CHECK_INT(d.status, AMF_LIMIT);
    CHECK_INT(d.res.error, AMF_ERR_VALUE_LIMIT);
    CHECK_UINT(d.res.length, 12);
    CHECK_UINT(d.res.values, 11);
    CHECK_SHAPE(&d);
    CHECK_STR(d.json, "[null,null,null,null,null,null,null,null,null,{\"$error\":\"more than 10 "
                      "values in one message (work limit) at offset 12\"}]");
    decoded_free(&d);
    /* vectors count their items, measured or not */
    uint8_t *vec = test_alloc(3 + 12 * 4);
    memcpy(vec, "\x0d\x19\x00", 3);                   /* Vector.<int> of 12, zeros */
    buf = vec;
    len = 3 + 12 * 4;
    test_context("value limit in a vector");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS | DEC_JSON, &cfg);
    CHECK_INT(d.status, AMF_LIMIT);
    CHECK_INT(d.res.error, AMF_ERR_VALUE_LIMIT);
    CHECK_UINT(d.res.length, 3 + 9 * 4);
    CHECK_SHAPE(&d);
    amf_result m;
    CHECK_INT(decode_measure(MODE_AMF3, buf, len, true, &cfg, &m), AMF_LIMIT);
    CHECK_INT(m.error, AMF_ERR_VALUE_LIMIT);
    CHECK_UINT(m.length, d.res.length);
    CHECK_UINT(m.values, d.res.values);
    decoded_free(&d);

    /* the sink sets the stop flag */
    test_context("stop flag");
    bool stop = true;
    amf_config_init(&cfg);
    cfg.stop = &stop;
    decode_rec(&d, MODE_AMF3, H("09 03 01 01", &len), len, true, DEC_EVENTS, &cfg);
    CHECK_INT(d.status, AMF_LIMIT);
    CHECK_INT(d.res.error, AMF_ERR_STOPPED);
    CHECK_UINT(d.res.length, 0);
    decoded_free(&d);
}

static void *refusing_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx; (void)ptr; (void)size;
    return NULL;
}

static void refusing_free(void *ctx, void *ptr)
{
    (void)ctx; (void)ptr;
}

static void no_memory(void)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.alloc.realloc_fn = refusing_realloc;
    cfg.alloc.free_fn = refusing_free;
    amf_result res;
    size_t len;
    const uint8_t *buf;
    test_context("allocator refuses");
    /* Small tables live inside the decoder: a message with few strings and
     * objects needs no allocation at all. */
    buf = H("06 03 'a'", &len);
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_3, buf, len, true, &res), AMF_OK);
    buf = H("03 00 00 09", &len);
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_0, buf, len, true, &res), AMF_OK);
    /* More strings (AMF3) or objects (AMF0) than fit there: the allocator is
     * asked, refuses, and decoding stops with that error. */
    uint8_t many[8 + 100 * 4];
    size_t n = 0;
    many[n++] = 0x09;
    many[n++] = 0x81;   /* U29 201: 100 dense elements */
    many[n++] = 0x49;
    many[n++] = 0x01;
    for (int i = 0; i < 100; i++) {
        many[n++] = 0x06;
        many[n++] = 0x05;
        many[n++] = (uint8_t)('a' + i / 26);
        many[n++] = (uint8_t)('a' + i % 26);
    }
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_3, many, n, true, &res), AMF_LIMIT);
    CHECK_INT(res.error, AMF_ERR_NO_MEMORY);
    n = 0;
    many[n++] = 0x0a;
    many[n++] = 0;
    many[n++] = 0;
    many[n++] = 0;
    many[n++] = 60;
    for (int i = 0; i < 60; i++) {
        many[n++] = 0x03;
        many[n++] = 0;
        many[n++] = 0;
        many[n++] = 0x09;
    }
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_0, many, n, true, &res), AMF_LIMIT);
    CHECK_INT(res.error, AMF_ERR_NO_MEMORY);
    /* no table needed: fine */
    buf = H("05", &len);
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_0, buf, len, true, &res), AMF_OK);
    /* JSON with no memory: an empty document, no crash */
    amf_json j;
    amf_json_init(&j, &cfg.alloc, 1);
    amf_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = AMF_EV_SCALAR;
    ev.type = AMF_TYPE_NULL;
    amf_json_event(&j, &ev);
    n = 99;
    const char *text = amf_json_finish(&j, &n);
    CHECK_UINT(n, 0);
    CHECK_STR(text, "");
    amf_json_free(&j);
}

void test_hostile(void)
{
    deep_nesting();
    huge_claims();
    reference_bombs();
    bad_utf8();
    million_members();
    limits();
    no_memory();
}
