/* test_amf0.c
 * The AMF0 specification's types (Action Message Format -- AMF 0, section
 * 2): every marker 0x00-0x11, the object table, ECMA arrays with a wrong
 * count hint, dates with their time-zone field, long strings, typed objects
 * and the switch to AMF3 (avmplus-object-marker) with fresh AMF3 tables.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

static void every_marker(void)
{
    static const struct {
        const char *hex;
        amf_type    type;
        const char *json;
        amf_error   warning;     /* one warning of this kind, or none */
    } cases[] = {
        { "00 40 09 21 fb 54 44 2d 18", AMF_TYPE_NUMBER, "3.141592653589793", AMF_ERR_NONE },
        { "01 00", AMF_TYPE_BOOLEAN, "false", AMF_ERR_NONE },
        { "02 00 03 'abc'", AMF_TYPE_STRING, "\"abc\"", AMF_ERR_NONE },
        { "03 00 01 'a' 05 00 00 09", AMF_TYPE_OBJECT, "{\"a\":null}", AMF_ERR_NONE },
        { "04", AMF_TYPE_MOVIECLIP, "{\"$movieclip\":true}", AMF_WARN_RESERVED_MARKER },
        { "05", AMF_TYPE_NULL, "null", AMF_ERR_NONE },
        { "06", AMF_TYPE_UNDEFINED, "{\"$undefined\":true}", AMF_ERR_NONE },
        { "", AMF_TYPE_OBJECT, NULL, AMF_ERR_NONE },    /* 0x07: below */
        { "08 00 00 00 01 00 01 'k' 01 01 00 00 09", AMF_TYPE_ECMA_ARRAY,
          "{\"$ecma\":{\"k\":true}}", AMF_ERR_NONE },
        { "", AMF_TYPE_OBJECT, NULL, AMF_ERR_NONE },    /* 0x09: below */
        { "0a 00 00 00 02 05 06", AMF_TYPE_ARRAY, "[null,{\"$undefined\":true}]", AMF_ERR_NONE },
        { "0b 42 73 ae 63 d2 11 50 00 ff c4", AMF_TYPE_DATE,
          "{\"$date\":\"2012-11-09T17:34:56.789Z\"}", AMF_ERR_NONE },
        { "0c 00 00 00 03 'abc'", AMF_TYPE_STRING, "\"abc\"", AMF_ERR_NONE },
        { "0d", AMF_TYPE_UNSUPPORTED, "{\"$unsupported\":true}", AMF_ERR_NONE },
        { "0e", AMF_TYPE_RECORDSET, "{\"$recordset\":true}", AMF_WARN_RESERVED_MARKER },
        { "0f 00 00 00 04 '<a/>'", AMF_TYPE_XML_DOCUMENT, "{\"$xmldoc\":\"<a/>\"}", AMF_ERR_NONE },
        { "10 00 03 'a.B' 00 01 'x' 00 3f f0 00 00 00 00 00 00 00 00 09", AMF_TYPE_OBJECT,
          "{\"$class\":\"a.B\",\"x\":1}", AMF_ERR_NONE },
        { "11 04 81 00", AMF_TYPE_INTEGER, "128", AMF_ERR_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!cases[i].json)
            continue;
        test_context("AMF0 marker 0x%02zx: %s", i, cases[i].hex);
        decoded d;
        EXPECT_JSON_D(MODE_AMF0, cases[i].hex, cases[i].json, &d);
        if (CHECK(d.n >= 1)) {
            const amf_event *ev = &d.ev[0].ev;
            CHECK_INT(ev->type, cases[i].type);
            CHECK_INT(ev->role, AMF_ROLE_TOP);
            CHECK_UINT(ev->offset, 0);
            if (i == AMF0_AVMPLUS) {
                CHECK_INT(ev->version, AMF_VERSION_3);
                CHECK_INT(ev->marker, AMF3_INTEGER);
                CHECK_UINT(ev->flags & AMF_F_AVMPLUS, AMF_F_AVMPLUS);
                CHECK_UINT(ev->length, 4);
                CHECK_UINT(ev->data_offset, 2);
                CHECK_UINT(ev->data_length, 2);
                CHECK_INT(ev->integer, 128);
            } else {
                CHECK_INT(ev->version, AMF_VERSION_0);
                CHECK_INT(ev->marker, i);
                CHECK_UINT(ev->flags & AMF_F_AVMPLUS, 0);
            }
        }
        CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE),
                  cases[i].warning != AMF_ERR_NONE);
        if (cases[i].warning != AMF_ERR_NONE) {
            int w = find_event(&d, AMF_EV_WARNING, 0);
            if (CHECK(w >= 0)) {
                CHECK_INT(d.ev[w].ev.error, cases[i].warning);
                CHECK_UINT(d.ev[w].ev.offset, 0);
                CHECK_UINT(d.ev[w].ev.length, 1);
                CHECK_INT(d.ev[w].ev.status, AMF_OK);
            }
        }
        decoded_free(&d);
    }

    decoded d;
    test_context("AMF0 scalars' fields");
    EXPECT_JSON_D(MODE_AMF0, "0a 00 00 00 03 01 07 00 00 00 00 00 00 00 00 00 0c 00 00 00 00",
                  "[true,0,\"\"]", &d);
    if (CHECK_INT(d.n, 5)) {
        CHECK_INT(d.ev[1].ev.boolean, true);
        CHECK_UINT(d.ev[1].ev.data_offset, 6);
        CHECK_UINT(d.ev[1].ev.data_length, 1);
        CHECK_UINT(d.ev[2].ev.data_offset, 8);
        CHECK_UINT(d.ev[2].ev.data_length, 8);
        CHECK_UINT(d.ev[3].ev.flags & AMF_F_LONG, AMF_F_LONG);
        CHECK_UINT(d.ev[3].ev.length, 5);
        CHECK_UINT(d.ev[3].ev.data_offset, 21);
        CHECK_UINT(d.ev[3].ev.data_length, 0);
    }
    decoded_free(&d);
    /* movieclip and recordset inside a container warn where they are */
    test_context("reserved markers nested");
    EXPECT_JSON_D(MODE_AMF0, "0a 00 00 00 02 0e 04", "[{\"$recordset\":true},{\"$movieclip\":true}]", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_RESERVED_MARKER), 2);
    int w = find_event(&d, AMF_EV_WARNING, 1);
    if (CHECK(w >= 0)) {
        CHECK_UINT(d.ev[w].ev.offset, 6);
        CHECK_UINT(d.ev[w].ev.depth, 1);
    }
    decoded_free(&d);
}

static void dates(void)
{
    /* the time-zone field is reported as sent; the JSON date is UTC */
    static const struct { const char *hex; int16_t tz; } cases[] = {
        { "0b 00 00 00 00 00 00 00 00 00 00", 0 },
        { "0b 00 00 00 00 00 00 00 00 ff c4", -60 },
        { "0b 00 00 00 00 00 00 00 00 01 e0", 480 },
        { "0b 00 00 00 00 00 00 00 00 80 00", -32768 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("AMF0 date %s", cases[i].hex);
        decoded d;
        EXPECT_JSON_D(MODE_AMF0, cases[i].hex, "{\"$date\":\"1970-01-01T00:00:00.000Z\"}", &d);
        if (CHECK_INT(d.n, 1)) {
            CHECK_INT(d.ev[0].ev.timezone, cases[i].tz);
            CHECK_DBL(d.ev[0].ev.number, 0.0);
            CHECK_UINT(d.ev[0].ev.length, 11);
            CHECK_UINT(d.ev[0].ev.data_offset, 1);
            CHECK_UINT(d.ev[0].ev.data_length, 8);
        }
        decoded_free(&d);
    }
}

static void strings(void)
{
    decoded d;
    /* a long string longer than 65535 bytes */
    test_context("AMF0 long string of 70000 bytes");
    size_t n = 70000;
    uint8_t *buf = test_alloc(n + 5);
    buf[0] = AMF0_LONG_STRING;
    buf[1] = 0x00; buf[2] = 0x01; buf[3] = 0x11; buf[4] = 0x70;   /* 70000 */
    char *want = test_alloc(n + 3);
    want[0] = '"';
    for (size_t i = 0; i < n; i++)
        buf[5 + i] = (uint8_t)(want[1 + i] = (char)('a' + i % 26));
    want[n + 1] = '"';
    expect_decode(__FILE__, __LINE__, MODE_AMF0, buf, n + 5, AMF_OK, AMF_ERR_NONE, want, &d);
    if (CHECK_INT(d.n, 1)) {
        CHECK_UINT(d.ev[0].ev.str.len, n);
        CHECK_UINT(d.ev[0].ev.data_offset, 5);
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_LONG, AMF_F_LONG);
        CHECK_INT(d.ev[0].ev.type, AMF_TYPE_STRING);
        CHECK_INT(d.ev[0].ev.marker, AMF0_LONG_STRING);
    }
    decoded_free(&d);
    /* a 65535-byte string, the longest short form */
    test_context("AMF0 string of 65535 bytes");
    n = 65535;
    buf = test_alloc(n + 3);
    buf[0] = AMF0_STRING;
    buf[1] = 0xff; buf[2] = 0xff;
    memset(buf + 3, 'x', n);
    decode_rec(&d, MODE_AMF0, buf, n + 3, true, DEC_EVENTS, NULL);
    CHECK_INT(d.status, AMF_OK);
    CHECK_UINT(d.res.length, n + 3);
    if (CHECK_INT(d.n, 1))
        CHECK_UINT(d.ev[0].ev.str.len, n);
    decoded_free(&d);
}

static void objects(void)
{
    decoded d;
    /* the ECMA count is a hint: reported, not trusted */
    test_context("ECMA array with a wrong count");
    EXPECT_JSON_D(MODE_AMF0, "08 00 00 00 05 00 01 'a' 00 3f f0 00 00 00 00 00 00 00 00 09",
                  "{\"$ecma\":{\"a\":1}}", &d);
    if (CHECK_INT(d.n, 3)) {
        CHECK_INT(d.ev[0].ev.type, AMF_TYPE_ECMA_ARRAY);
        CHECK_UINT(d.ev[0].ev.count, 5);
        CHECK_UINT(d.ev[0].ev.length, 5);
        CHECK_UINT(d.ev[2].ev.count, 1);
        CHECK_UINT(d.ev[2].ev.end_offset, 17);
        CHECK_UINT(d.ev[2].ev.end_length, 3);
        CHECK_UINT(d.ev[2].ev.length, 20);
    }
    decoded_free(&d);
    EXPECT_JSON(MODE_AMF0, "08 00 00 00 00 00 01 'a' 05 00 01 'b' 05 00 00 09",
                "{\"$ecma\":{\"a\":null,\"b\":null}}");
    EXPECT_JSON(MODE_AMF0, "08 ff ff ff ff 00 00 09", "{\"$ecma\":{}}");

    test_context("typed object");
    EXPECT_JSON_D(MODE_AMF0, "10 00 05 'com.A' 00 01 'x' 02 00 01 'y' 00 00 09",
                  "{\"$class\":\"com.A\",\"x\":\"y\"}", &d);
    if (CHECK_INT(d.n, 3)) {
        CHECK_ASTR(d.ev[0].ev.class_name, "com.A");
        CHECK_UINT(d.ev[0].ev.length, 8);
        CHECK_INT(d.ev[0].ev.type, AMF_TYPE_OBJECT);
        CHECK_INT(d.ev[0].ev.marker, AMF0_TYPED_OBJECT);
        CHECK_UINT(d.ev[1].ev.name_offset, 8);
        CHECK_UINT(d.ev[1].ev.name_length, 3);
    }
    decoded_free(&d);
    /* a typed object with an empty class name is written like an anonymous one */
    EXPECT_JSON(MODE_AMF0, "10 00 00 00 00 09", "{}");
    /* member names starting with $ */
    EXPECT_JSON(MODE_AMF0, "03 00 06 '$class' 05 00 02 '$x' 05 00 00 09",
                "{\"$$class\":null,\"$$x\":null}");
    /* empty member names followed by a value are members */
    EXPECT_JSON(MODE_AMF0, "03 00 00 05 00 00 09", "{\"\":null}");
    /* nested */
    EXPECT_JSON(MODE_AMF0, "03 00 01 'a' 03 00 01 'b' 0a 00 00 00 01 05 00 00 09 00 00 09",
                "{\"a\":{\"b\":[null]}}");
}

static void references(void)
{
    decoded d;
    /* objects, typed objects, ECMA and strict arrays enter the table */
    test_context("AMF0 object table");
    EXPECT_JSON_D(MODE_AMF0,
                  "0a 00 00 00 08"
                  " 03 00 00 09"                           /* #1 */
                  " 10 00 01 'T' 00 00 09"                 /* #2 */
                  " 08 00 00 00 00 00 00 09"               /* #3 */
                  " 0a 00 00 00 00"                        /* #4 */
                  " 07 00 01 07 00 02 07 00 03 07 00 04",
                  "[{},{\"$class\":\"T\"},{\"$ecma\":{}},[],{},{\"$class\":\"T\"},{\"$ecma\":{}},[]]",
                  &d);
    {
        static const struct { amf_type type; uint32_t target, target_len; } want[] = {
            { AMF_TYPE_OBJECT, 5, 4 }, { AMF_TYPE_OBJECT, 9, 7 },
            { AMF_TYPE_ECMA_ARRAY, 16, 8 }, { AMF_TYPE_ARRAY, 24, 5 },
        };
        for (int k = 0; k < 4; k++) {
            int e = find_event(&d, AMF_EV_REFERENCE, k);
            if (!CHECK(e >= 0))
                break;
            const amf_event *ev = &d.ev[e].ev;
            CHECK_INT(ev->type, want[k].type);
            CHECK_UINT(ev->object_index, k + 1);
            CHECK_UINT(ev->target_offset, want[k].target);
            CHECK_UINT(ev->target_length, want[k].target_len);
            CHECK_UINT(ev->offset, 29 + 3 * k);
            CHECK_UINT(ev->length, 3);
            CHECK_UINT(ev->data_offset, 30 + 3 * k);
            CHECK_UINT(ev->data_length, 2);
            CHECK_INT(ev->version, AMF_VERSION_0);
            CHECK_INT(ev->marker, AMF0_REFERENCE);
        }
        int e = find_event(&d, AMF_EV_REFERENCE, 1);
        if (e >= 0)
            CHECK_ASTR(d.ev[e].ev.class_name, "T");
    }
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);

    /* strings and dates are not in the table */
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 02 02 00 01 'a' 07 00 01", AMF_MALFORMED,
                AMF_ERR_BAD_OBJECT_REF,
                "[\"a\",{\"$error\":\"object reference #1 at offset 9, but the object table holds 1\"}]");
    EXPECT_FAIL(MODE_AMF0, "07 00 00", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF,
                "{\"$error\":\"object reference #0 at offset 0, but the object table holds 0\"}");
    /* a cycle */
    test_context("AMF0 cycle");
    EXPECT_JSON_D(MODE_AMF0, "03 00 01 'a' 07 00 00 00 00 09", "{\"a\":{\"$ref\":0}}", &d);
    int e = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(e >= 0)) {
        CHECK_UINT(d.ev[e].ev.flags & AMF_F_CYCLE, AMF_F_CYCLE);
        CHECK_UINT(d.ev[e].ev.target_length, 0);
    }
    decoded_free(&d);
}

/* 0x11: the next value is AMF3, with AMF3 tables of its own. */
static void avmplus(void)
{
    decoded d;
    test_context("AVM+ switch");
    EXPECT_JSON_D(MODE_AMF0, "0a 00 00 00 02 11 06 03 'a' 11 06 03 'a'", "[\"a\",\"a\"]", &d);
    if (CHECK_INT(d.n, 4)) {
        for (int k = 1; k <= 2; k++) {
            const amf_event *ev = &d.ev[k].ev;
            CHECK_INT(ev->version, AMF_VERSION_3);
            CHECK_UINT(ev->flags & AMF_F_AVMPLUS, AMF_F_AVMPLUS);
            CHECK_UINT(ev->offset, k == 1 ? 5 : 9);
            CHECK_UINT(ev->length, 4);
            CHECK_UINT(ev->data_offset, k == 1 ? 8 : 12);
            CHECK_INT(ev->role, AMF_ROLE_ELEMENT);
            CHECK_UINT(ev->index, k - 1);
        }
    }
    /* the AVM+ marker is not a value of its own */
    CHECK_UINT(d.res.values, 3);
    decoded_free(&d);
    /* fresh tables at each switch: the second value's reference #0 points nowhere */
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 02 11 06 03 'a' 11 06 00", AMF_MALFORMED,
                AMF_ERR_BAD_STRING_REF,
                "[\"a\",{\"$error\":\"String: string reference #0 at offset 11, but the string table "
                "holds 0\"}]");
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 02 11 09 01 01 11 09 02", AMF_MALFORMED,
                AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 02 11 0a 13 03 'A' 03 'x' 01 11 0a 01", AMF_MALFORMED,
                AMF_ERR_BAD_TRAIT_REF, NULL);
    /* the AMF0 and AMF3 object tables are apart */
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 01 11 09 00", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_JSON(MODE_AMF0, "0a 00 00 00 02 11 09 01 01 07 00 00", "[[],{\"$ref\":0}]");
    /* an AVM+ object as a member, then AMF0 goes on */
    test_context("AVM+ member");
    EXPECT_JSON_D(MODE_AMF0, "03 00 01 'a' 11 0a 0b 01 03 'b' 04 01 01 00 01 'c' 05 00 00 09",
                  "{\"a\":{\"b\":1},\"c\":null}", &d);
    if (CHECK_INT(d.n, 7)) {
        CHECK_UINT(d.ev[1].ev.offset, 4);
        CHECK_UINT(d.ev[1].ev.flags & AMF_F_AVMPLUS, AMF_F_AVMPLUS);
        CHECK_ASTR(d.ev[1].ev.name, "a");
        CHECK_INT(d.ev[2].ev.kind, AMF_EV_TRAITS);
        CHECK_UINT(d.ev[2].ev.offset, 6);
        CHECK_INT(d.ev[4].ev.kind, AMF_EV_END);
        CHECK_UINT(d.ev[4].ev.offset, 4);
        CHECK_UINT(d.ev[4].ev.length, 9);
        CHECK_INT(d.ev[5].ev.version, AMF_VERSION_0);
    }
    decoded_free(&d);
    /* a reference back to the value the AVM+ marker starts: its entry starts
     * where its events do, at the 0x11 */
    test_context("AVM+ cycle");
    EXPECT_JSON_D(MODE_AMF0, "11 09 03 01 09 00", "[{\"$ref\":0}]", &d);
    if (CHECK_INT(d.n, 3)) {
        CHECK_UINT(d.ev[0].ev.offset, 0);
        CHECK_INT(d.ev[1].ev.kind, AMF_EV_REFERENCE);
        CHECK_UINT(d.ev[1].ev.target_offset, 0);
        CHECK_UINT(d.ev[1].ev.node, d.ev[0].ev.node);
        CHECK_UINT(d.ev[1].ev.flags & AMF_F_CYCLE, AMF_F_CYCLE);
        CHECK_UINT(d.ev[2].ev.offset, 0);
        CHECK_UINT(d.ev[2].ev.length, 6);
    }
    decoded_free(&d);
    size_t len;
    const uint8_t *buf = H("11 11 41 2c 07 00", &len);
    decode_rec(&d, MODE_AMF0, buf, len, false, DEC_EVENTS, NULL);
    CHECK_INT(d.status, AMF_NEED_MORE);
    int r = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(r >= 0)) {
        CHECK_UINT(d.ev[r].ev.target_offset, 0);
        CHECK_INT(d.ev[r].ev.type, AMF_TYPE_DICTIONARY);
    }
    decoded_free(&d);
    /* 0x11 inside AMF3 is a Dictionary, not a switch */
    EXPECT_JSON(MODE_AMF0, "11 11 01 00", "{\"$dictionary\":[],\"$weak\":false}");
}

static void bad_markers(void)
{
    char hex[64], want[200];
    for (int m = 0x12; m <= 0xff; m++) {
        test_context("AMF0 marker 0x%02x", m);
        snprintf(hex, sizeof hex, "%02x", m);
        snprintf(want, sizeof want, "{\"$error\":\"unknown AMF0 type marker 0x%02x at offset 0\"}", m);
        EXPECT_FAIL(MODE_AMF0, hex, AMF_MALFORMED, AMF_ERR_BAD_MARKER, want);
        snprintf(hex, sizeof hex, "03 00 01 'a' %02x 00 00 09", m);
        snprintf(want, sizeof want, "{\"a\":{\"$error\":\"unknown AMF0 type marker 0x%02x at offset 4\"}}", m);
        EXPECT_FAIL(MODE_AMF0, hex, AMF_MALFORMED, AMF_ERR_BAD_MARKER, want);
    }
    /* the object-end marker where a value belongs */
    test_context("0x09 as a value");
    EXPECT_FAIL(MODE_AMF0, "09", AMF_MALFORMED, AMF_ERR_BAD_MARKER,
                "{\"$error\":\"object-end marker 0x09 at offset 0 where a value was expected\"}");
    EXPECT_FAIL(MODE_AMF0, "0a 00 00 00 02 05 09", AMF_MALFORMED, AMF_ERR_BAD_MARKER,
                "[null,{\"$error\":\"object-end marker 0x09 at offset 6 where a value was expected\"}]");
    EXPECT_FAIL(MODE_AMF0, "03 00 01 'a' 09", AMF_MALFORMED, AMF_ERR_BAD_MARKER,
                "{\"a\":{\"$error\":\"object-end marker 0x09 at offset 4 where a value was expected\"}}");
    /* a reference marker inside AMF3 is an AMF3 Vector.<Object> */
    EXPECT_FAIL(MODE_AMF0, "11 12", AMF_MALFORMED, AMF_ERR_BAD_MARKER,
                "{\"$error\":\"unknown AMF3 type marker 0x12 at offset 1\"}");
}

void test_amf0_spec(void)
{
    every_marker();
    dates();
    strings();
    objects();
    references();
    avmplus();
    bad_markers();
}
