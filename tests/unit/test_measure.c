/* test_measure.c
 * The fast measuring path (src/amf3_measure.c) against the full decoder:
 * with no sink, amf_decode takes the fast path; with a stop flag that is
 * never set it takes the full decoder (only that one watches the flag).
 * Both must give the very same result (status, error, length, need, values,
 * message) on every vector, every prefix of it, complete or not, under low
 * limits, and on mutations of the vectors.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void decode_both(const uint8_t *buf, size_t len, bool complete, uint32_t max_depth,
                        uint32_t max_values, amf_result *fast, amf_result *full)
{
    static const bool never = false;
    amf_config cfg;
    amf_config_init(&cfg);
    if (max_depth)
        cfg.max_depth = max_depth;
    if (max_values)
        cfg.max_values = max_values;
    amf_decode(&cfg, AMF_VERSION_3, buf, len, complete, fast);
    cfg.stop = &never;
    amf_decode(&cfg, AMF_VERSION_3, buf, len, complete, full);
}

static bool same(const amf_result *a, const amf_result *b)
{
    bool ok = CHECK_INT(a->status, b->status);
    ok &= CHECK_INT(a->error, b->error);
    ok &= CHECK_UINT(a->length, b->length);
    ok &= CHECK_UINT(a->need, b->need);
    ok &= CHECK_UINT(a->values, b->values);
    ok &= CHECK_STR(a->message, b->message);
    return ok;
}

/* Every prefix, complete and not, at the default and at low limits. */
static void compare_all(const char *what, const uint8_t *buf, size_t len, bool valid)
{
    amf_result fast, full;
    for (size_t cut = 0; cut <= len; cut++) {
        for (int complete = 0; complete < 2; complete++) {
            for (uint32_t lim = 0; lim < 4; lim++) {
                test_context("measure vs full: %s, %zu of %zu bytes, %s, limits %u", what, cut,
                             len, complete ? "complete" : "streaming", lim);
                decode_both(buf, cut, complete, lim, lim ? lim * 3 : 0, &fast, &full);
                if (!same(&fast, &full))
                    return;
            }
        }
    }
    test_context("measure: %s", what);
    decode_both(buf, len, true, 0, 0, &fast, &full);
    if (valid) {
        CHECK_INT(fast.status, AMF_OK);
        CHECK_UINT(fast.length, len);
    } else {
        CHECK(fast.status != AMF_OK);
    }
}

static void compare_hex(const char *what, const char *hex)
{
    size_t len;
    const uint8_t *buf = H(hex, &len);
    compare_all(what, buf, len, true);
}

static void compare_bad_hex(const char *what, const char *hex)
{
    size_t len;
    const uint8_t *buf = H(hex, &len);
    compare_all(what, buf, len, false);
}

/* A growing buffer for vectors too long to write by hand. */
typedef struct vec {
    uint8_t buf[8192];
    size_t  len;
} vec;

static void put(vec *v, uint8_t b)
{
    if (v->len < sizeof v->buf)
        v->buf[v->len++] = b;
}

static void put_u29(vec *v, uint32_t u)
{
    if (u < 0x80) {
        put(v, (uint8_t)u);
    } else if (u < 0x4000) {
        put(v, (uint8_t)(u >> 7 | 0x80));
        put(v, (uint8_t)(u & 0x7f));
    } else if (u < 0x200000) {
        put(v, (uint8_t)(u >> 14 | 0x80));
        put(v, (uint8_t)(u >> 7 | 0x80));
        put(v, (uint8_t)(u & 0x7f));
    } else {
        put(v, (uint8_t)(u >> 22 | 0x80));
        put(v, (uint8_t)(u >> 15 | 0x80));
        put(v, (uint8_t)(u >> 8 | 0x80));
        put(v, (uint8_t)u);
    }
}

static void put_str(vec *v, const char *s)
{
    size_t n = strlen(s);
    put_u29(v, (uint32_t)n << 1 | 1);
    for (size_t i = 0; i < n; i++)
        put(v, (uint8_t)s[i]);
}

/* Tables past their inline capacity (32 strings, 32 objects, 8 traits, 32
 * sealed names): an array of typed objects of 12 classes with 4 sealed
 * names each, every name and value string distinct, and references back. */
static void table_growth(void)
{
    vec v = { .len = 0 };
    uint32_t n = 40;
    put(&v, AMF3_ARRAY);
    put_u29(&v, n << 1 | 1);
    put(&v, 0x01);
    for (uint32_t i = 0; i < n; i++) {
        char text[32];
        put(&v, AMF3_OBJECT);
        if (i < 12) {
            put_u29(&v, 4u << 4 | 0x3);         /* inline traits, 4 sealed */
            snprintf(text, sizeof text, "com.example.C%u", i);
            put_str(&v, text);
            for (int k = 0; k < 4; k++) {
                snprintf(text, sizeof text, "m%u_%d", i, k);
                put_str(&v, text);
            }
        } else {
            put_u29(&v, (i % 12) << 2 | 0x1);   /* traits reference */
        }
        snprintf(text, sizeof text, "value %u", i);
        put(&v, AMF3_STRING);
        put_str(&v, text);
        put(&v, AMF3_INTEGER);
        put_u29(&v, i * 977);
        put(&v, AMF3_STRING);
        put_u29(&v, 0 << 1);                    /* string reference #0 */
        put(&v, AMF3_ARRAY);
        if (i) {
            put_u29(&v, i << 1);                /* object reference #i, an earlier one */
        } else {
            put(&v, 0x01);                      /* [] */
            put(&v, 0x01);
        }
    }
    compare_all("tables past their inline capacity", v.buf, v.len, true);
}

/* Every U29 length at the end of the buffer, and non-minimal U29s. */
static void u29_edges(void)
{
    compare_hex("integer, 1-byte U29", "04 7f");
    compare_hex("integer, 2-byte U29", "04 ff 7f");
    compare_hex("integer, 3-byte U29", "04 ff ff 7f");
    compare_hex("integer, 4-byte U29", "04 ff ff ff ff");
    compare_hex("integer, non-minimal U29", "04 80 80 80 01");
    compare_hex("string, non-minimal length", "06 80 07 61 62 63");
    compare_hex("array of U29s", "09 09 01 04 01 04 81 00 04 81 80 00 04 c0 80 80 00");
}

static void every_marker(void)
{
    compare_hex("undefined", "00");
    compare_hex("null", "01");
    compare_hex("false", "02");
    compare_hex("true", "03");
    compare_hex("double", "05 3f f0 00 00 00 00 00 00");
    compare_hex("string", "06 07 61 62 63");
    compare_hex("empty string", "06 01");
    compare_hex("xml document", "07 07 3c 61 2f");
    compare_hex("date", "08 01 42 73 d4 3f 3a 1c 80 00");
    compare_hex("assoc array", "09 03 03 6b 06 03 76 01 04 05");
    compare_hex("object, dynamic", "0a 0b 01 03 61 04 01 03 62 06 00 01");
    compare_hex("object, sealed", "0a 23 03 43 03 78 03 79 04 01 04 02");
    compare_hex("xml", "0b 05 3c 61");
    compare_hex("byte array", "0c 07 01 02 03");
    compare_hex("vector int", "0d 05 00 00 00 00 01 ff ff ff ff");
    compare_hex("vector uint", "0e 03 01 00 00 00 07");
    compare_hex("vector double", "0f 03 00 3f f0 00 00 00 00 00 00");
    compare_hex("vector object", "10 05 00 03 43 04 01 01");
    compare_hex("dictionary", "11 05 00 04 01 06 03 61 04 02 04 03");
    compare_hex("references", "09 0b 01 0c 03 ff 0c 02 06 03 61 06 00 09 00");
    compare_hex("dictionary with a reference to itself", "11 03 00 04 01 11 00");
    compare_hex("nested arrays", "09 03 01 09 03 01 09 03 01 09 03 01 01");
    compare_hex("externalizable (full decoder)",
                "0a 07 43 66 6c 65 78 2e 6d 65 73 73 61 67 69 6e 67 2e 69 6f 2e 41 72 72 61 79 "
                "43 6f 6c 6c 65 63 74 69 6f 6e 09 01 01");
}

static void malformed(void)
{
    compare_bad_hex("unknown marker", "12");
    compare_bad_hex("string reference past the table", "06 02");
    compare_bad_hex("object reference past the table", "09 02");
    compare_bad_hex("trait reference past the table", "0a 05");
    compare_bad_hex("count larger than the data", "09 ff ff 01 01");
    compare_bad_hex("vector count larger than the data", "0d 09 00 00 00");
    compare_bad_hex("dictionary count larger than the data", "11 09 00 01");
    compare_bad_hex("unknown externalizable", "0a 07 03 43 01");
    compare_bad_hex("sealed names past the data", "0a 73 01 03 61");
}

/* Mutations of a mixed vector: the fast path must never say more than the
 * full decoder. */
static void mutations(void)
{
    size_t len;
    const uint8_t *base = H("0a 3b 03 43 03 61 03 62 03 63 04 05 06 03 78 09 05 01 06 00 "
                            "0d 03 00 00 00 00 01 03 64 11 03 00 06 00 08 01 00 00 00 00 00 "
                            "00 00 00 01", &len);
    compare_all("mixed object", base, len, true);
    uint8_t buf[64];
    uint32_t rng = 12345;
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, base, len);
        int changes = 1 + round % 3;
        for (int k = 0; k < changes; k++) {
            rng = rng * 1103515245u + 12345u;
            size_t at = (rng >> 8) % len;
            rng = rng * 1103515245u + 12345u;
            buf[at] = (uint8_t)(rng >> 16);
        }
        amf_result fast, full;
        for (int complete = 0; complete < 2; complete++) {
            test_context("measure vs full: mutation %d, %s", round,
                         complete ? "complete" : "streaming");
            decode_both(buf, len, complete, 0, 0, &fast, &full);
            if (!same(&fast, &full))
                return;
        }
    }
}

void test_measure(void)
{
    u29_edges();
    every_marker();
    malformed();
    table_growth();
    mutations();
}
