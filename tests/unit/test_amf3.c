/* test_amf3.c
 * The AMF3 specification's examples (AMF 3 File Format Specification,
 * sections 1.3 and 3): U29 encodings, every marker 0x00-0x11, the three
 * reference tables, vectors and dictionaries.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

/* ---- U29 ------------------------------------------------------------- */

static void u29_integers(void)
{
    static const struct {
        const char *hex;         /* integer-marker and U29 */
        int32_t     value;
        const char *json;
    } cases[] = {
        { "04 00", 0, "0" },
        { "04 01", 1, "1" },
        { "04 7f", 0x7f, "127" },
        { "04 81 00", 0x80, "128" },
        { "04 ff 7f", 0x3fff, "16383" },
        { "04 81 80 00", 0x4000, "16384" },
        { "04 ff ff 7f", 0x1fffff, "2097151" },
        { "04 80 c0 80 00", 0x200000, "2097152" },
        { "04 bf ff ff ff", 0x0fffffff, "268435455" },
        /* 29-bit two's complement */
        { "04 ff ff ff ff", -1, "-1" },
        { "04 ff ff ff fe", -2, "-2" },
        { "04 c0 80 80 00", -268435456, "-268435456" },
        { "04 ff ff ff 80", -128, "-128" },
        /* the 4-byte form's last byte carries 8 bits; longer forms than
         * needed are still valid */
        { "04 80 80 80 01", 1, "1" },
        { "04 80 80 80 ff", 255, "255" },
        { "04 80 00", 0, "0" },
        { "04 80 80 7f", 127, "127" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("U29 integer %s", cases[i].hex);
        decoded d;
        if (!EXPECT_JSON_D(MODE_AMF3, cases[i].hex, cases[i].json, &d))
            test_context("U29 integer %s (failed above)", cases[i].hex);
        if (CHECK_INT(d.n, 1)) {
            const amf_event *ev = &d.ev[0].ev;
            uint32_t n = d.res.length - 1;
            CHECK_INT(ev->kind, AMF_EV_SCALAR);
            CHECK_INT(ev->type, AMF_TYPE_INTEGER);
            CHECK_INT(ev->marker, AMF3_INTEGER);
            CHECK_INT(ev->version, AMF_VERSION_3);
            CHECK_INT(ev->integer, cases[i].value);
            CHECK_DBL(ev->number, (double)cases[i].value);
            CHECK_UINT(ev->offset, 0);
            CHECK_UINT(ev->length, n + 1);
            CHECK_UINT(ev->data_offset, 1);
            CHECK_UINT(ev->data_length, n);
        }
        decoded_free(&d);
    }
}

/* U29 as a length and as a reference index. */
static void u29_lengths(void)
{
    char hex[1024];
    /* 63 bytes: U29 0x7f (one byte); 64 bytes: 0x81 0x01 */
    for (int n = 63; n <= 64; n++) {
        test_context("string of %d bytes", n);
        int k = snprintf(hex, sizeof hex, n == 63 ? "06 7f '" : "06 81 01 '");
        char want[128];
        int w = snprintf(want, sizeof want, "\"");
        for (int i = 0; i < n; i++) {
            hex[k++] = (char)('a' + i % 26);
            want[w++] = (char)('a' + i % 26);
        }
        hex[k++] = '\'';
        hex[k] = '\0';
        want[w++] = '"';
        want[w] = '\0';
        decoded d;
        EXPECT_JSON_D(MODE_AMF3, hex, want, &d);
        if (CHECK_INT(d.n, 1)) {
            CHECK_UINT(d.ev[0].ev.data_offset, n == 63 ? 2 : 3);
            CHECK_UINT(d.ev[0].ev.data_length, n);
            CHECK_UINT(d.ev[0].ev.length, n + (n == 63 ? 2 : 3));
        }
        decoded_free(&d);
    }

    /* A string reference past index 63 takes two bytes: 65 strings, then
     * reference #64 = U29 0x80 = 81 00 */
    size_t k = 0;
    char *big = test_alloc(4096);
    k += (size_t)sprintf(big + k, "09 81 05 01");   /* 66 dense elements: 0x85 */
    for (int i = 0; i < 65; i++)
        k += (size_t)sprintf(big + k, " 06 05 '%c%c'", 'a' + i / 26, 'a' + i % 26);
    k += (size_t)sprintf(big + k, " 06 81 00");
    char *want = test_alloc(4096);
    size_t w = 0;
    w += (size_t)sprintf(want + w, "[");
    for (int i = 0; i < 65; i++)
        w += (size_t)sprintf(want + w, "\"%c%c\",", 'a' + i / 26, 'a' + i % 26);
    w += (size_t)sprintf(want + w, "\"cm\"]");
    test_context("string reference #64");
    decoded d;
    EXPECT_JSON_D(MODE_AMF3, big, want, &d);
    if (CHECK(d.n >= 2)) {
        const amf_event *ev = &d.ev[d.n - 2].ev;
        CHECK_UINT(ev->flags & AMF_F_STRING_REF, AMF_F_STRING_REF);
        CHECK_UINT(ev->str_ref, 64);
        CHECK_UINT(ev->data_length, 2);
        CHECK_UINT(ev->length, 3);
    }
    decoded_free(&d);
}

/* ---- every marker ---------------------------------------------------- */

static void every_marker(void)
{
    static const struct {
        const char *hex;
        amf_type    type;
        const char *json;
    } cases[] = {
        { "00", AMF_TYPE_UNDEFINED, "{\"$undefined\":true}" },
        { "01", AMF_TYPE_NULL, "null" },
        { "02", AMF_TYPE_BOOLEAN, "false" },
        { "03", AMF_TYPE_BOOLEAN, "true" },
        { "04 05", AMF_TYPE_INTEGER, "5" },
        { "05 3f f8 00 00 00 00 00 00", AMF_TYPE_NUMBER, "1.5" },
        { "06 07 'abc'", AMF_TYPE_STRING, "\"abc\"" },
        { "07 09 '<a/>'", AMF_TYPE_XML_DOCUMENT, "{\"$xmldoc\":\"<a/>\"}" },
        { "08 01 42 77 26 2e 0d 00 00 00", AMF_TYPE_DATE, "{\"$date\":\"2020-05-30T00:00:00.000Z\"}" },
        { "09 03 01 04 01", AMF_TYPE_ARRAY, "[1]" },
        { "0a 0b 01 03 'a' 04 01 01", AMF_TYPE_OBJECT, "{\"a\":1}" },
        { "0b 09 '<b/>'", AMF_TYPE_XML, "{\"$xml\":\"<b/>\"}" },
        { "0c 07 00 01 fe", AMF_TYPE_BYTE_ARRAY, "{\"$bytes\":\"AAH+\"}" },
        { "0d 03 00 ff ff ff f6", AMF_TYPE_VECTOR_INT, "{\"$vector\":\"int\",\"$fixed\":false,\"$items\":[-10]}" },
        { "0e 03 01 ff ff ff f6", AMF_TYPE_VECTOR_UINT, "{\"$vector\":\"uint\",\"$fixed\":true,\"$items\":[4294967286]}" },
        { "0f 03 00 c0 04 00 00 00 00 00 00", AMF_TYPE_VECTOR_NUMBER,
          "{\"$vector\":\"Number\",\"$fixed\":false,\"$items\":[-2.5]}" },
        { "10 03 00 07 'a.B' 01", AMF_TYPE_VECTOR_OBJECT,
          "{\"$vector\":\"Object\",\"$type\":\"a.B\",\"$fixed\":false,\"$items\":[null]}" },
        { "11 03 00 06 03 'k' 06 03 'v'", AMF_TYPE_DICTIONARY,
          "{\"$dictionary\":[[\"k\",\"v\"]],\"$weak\":false}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("AMF3 marker 0x%02zx: %s", i, cases[i].hex);
        decoded d;
        EXPECT_JSON_D(MODE_AMF3, cases[i].hex, cases[i].json, &d);
        if (CHECK(d.n >= 1)) {
            CHECK_INT(d.ev[0].ev.marker, i);
            CHECK_INT(d.ev[0].ev.type, cases[i].type);
            CHECK_INT(d.ev[0].ev.version, AMF_VERSION_3);
            CHECK_INT(d.ev[0].ev.role, AMF_ROLE_TOP);
            CHECK_UINT(d.ev[0].ev.depth, 0);
        }
        decoded_free(&d);
    }
    /* booleans */
    decoded d;
    test_context("AMF3 true/false events");
    EXPECT_JSON_D(MODE_AMF3, "09 05 01 02 03", "[false,true]", &d);
    if (CHECK_INT(d.n, 4)) {
        CHECK_INT(d.ev[1].ev.boolean, false);
        CHECK_INT(d.ev[2].ev.boolean, true);
    }
    decoded_free(&d);
}

/* Doubles, including the values JSON lacks. */
static void doubles(void)
{
    static const struct {
        const char *hex;
        const char *json;
    } cases[] = {
        { "05 00 00 00 00 00 00 00 00", "0" },
        { "05 80 00 00 00 00 00 00 00", "-0" },
        { "05 3f b9 99 99 99 99 99 9a", "0.1" },
        { "05 3f d5 55 55 55 55 55 55", "0.3333333333333333" },
        { "05 44 4b 1a e4 d6 e2 ef 50", "1e+21" },
        { "05 00 00 00 00 00 00 00 01", "4.94065645841247e-324" },
        { "05 7f ef ff ff ff ff ff ff", "1.7976931348623157e+308" },
        { "05 43 40 00 00 00 00 00 00", "9007199254740992" },
        { "05 7f f8 00 00 00 00 00 00", "{\"$number\":\"NaN\"}" },
        { "05 ff f8 00 00 00 00 00 01", "{\"$number\":\"NaN\"}" },
        { "05 7f f0 00 00 00 00 00 00", "{\"$number\":\"Infinity\"}" },
        { "05 ff f0 00 00 00 00 00 00", "{\"$number\":\"-Infinity\"}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("AMF3 double %s", cases[i].hex);
        decoded d;
        EXPECT_JSON_D(MODE_AMF3, cases[i].hex, cases[i].json, &d);
        if (CHECK_INT(d.n, 1)) {
            CHECK_UINT(d.ev[0].ev.data_offset, 1);
            CHECK_UINT(d.ev[0].ev.data_length, 8);
            CHECK_UINT(d.ev[0].ev.length, 9);
        }
        decoded_free(&d);
    }
}

/* Dates: UTC with milliseconds; outside the calendar, the number. */
static void dates(void)
{
    static const struct {
        const char *hex;
        const char *json;
    } cases[] = {
        { "08 01 3f f8 00 00 00 00 00 00", "{\"$date\":\"1970-01-01T00:00:00.001Z\"}" },
        { "08 01 bf f0 00 00 00 00 00 00", "{\"$date\":\"1969-12-31T23:59:59.999Z\"}" },
        /* 2012-11-09T17:34:56.789Z = 1352482496789 ms */
        { "08 01 42 73 ae 63 d2 11 50 00", "{\"$date\":\"2012-11-09T17:34:56.789Z\"}" },
        /* 8.64e15 ms, the largest ActionScript date */
        { "08 01 43 3e b2 08 c2 dc 00 00", "{\"$date\":8.64e+15}" },
        { "08 01 7f f8 00 00 00 00 00 00", "{\"$date\":{\"$number\":\"NaN\"}}" },
        /* years 1 to 9999, four digits */
        { "08 01 c2 cc 41 89 16 6c 00 00", "{\"$date\":\"0001-01-01T00:00:00.000Z\"}" },
        { "08 01 c2 cc 32 d7 20 e6 00 00", "{\"$date\":\"0005-01-01T00:00:00.000Z\"}" },
        { "08 01 c2 bb d6 ff 87 2c 01 00", "{\"$date\":\"0999-12-31T23:59:59.999Z\"}" },
        { "08 01 42 ec ce fa 43 fb 7f e0", "{\"$date\":\"9999-12-31T23:59:59.999Z\"}" },
        /* one millisecond outside them */
        { "08 01 42 ec ce fa 43 fb 80 00", "{\"$date\":253402300800000}" },
        { "08 01 c2 cc 41 89 16 6c 00 80", "{\"$date\":-62135596800001}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("AMF3 date %s", cases[i].hex);
        EXPECT_JSON(MODE_AMF3, cases[i].hex, cases[i].json);
    }
    char text[AMF_DATE_TEXT_MAX];
    test_context("amf_format_date");
    CHECK(amf_format_date(0, text, sizeof text));
    CHECK_STR(text, "1970-01-01T00:00:00.000Z");
    CHECK(amf_format_date(1352482496789.0, text, sizeof text));
    CHECK_STR(text, "2012-11-09T17:34:56.789Z");
    CHECK(!amf_format_date(1.0 / 0.0, text, sizeof text));
    CHECK_STR(text, "");
}

/* Strings: JSON escapes. */
static void string_escapes(void)
{
    test_context("AMF3 string escapes");
    /* a " b \ c LF TAB 0x01 BS CR FF DEL / */
    EXPECT_JSON(MODE_AMF3, "06 1b 61 22 62 5c 63 0a 09 01 08 0d 0c 7f 2f",
                "\"a\\\"b\\\\c\\n\\t\\u0001\\b\\r\\f\x7f/\"");
    EXPECT_JSON(MODE_AMF3, "06 01", "\"\"");
    /* 4-byte UTF-8 passes through */
    EXPECT_JSON(MODE_AMF3, "06 09 f0 9f 98 80", "\"\xf0\x9f\x98\x80\"");
}

/* ---- reference tables ------------------------------------------------ */

static void string_table(void)
{
    decoded d;
    /* the empty string is never entered: reference #0 is "a" */
    test_context("string table skips the empty string");
    EXPECT_JSON(MODE_AMF3, "09 07 01 06 01 06 03 'a' 06 00", "[\"\",\"a\",\"a\"]");
    EXPECT_JSON(MODE_AMF3, "09 07 01 06 03 'a' 06 01 06 00", "[\"a\",\"\",\"a\"]");
    /* class names, sealed names, dynamic names and values share the table */
    test_context("one string table for all strings");
    EXPECT_JSON(MODE_AMF3, "09 09 01 0a 13 03 'A' 03 'x' 04 01 06 00 06 02 0a 0b 01 00 06 02 01",
                "[{\"$class\":\"A\",\"x\":1},\"A\",\"x\",{\"A\":\"x\"}]");
    /* the vector element type name too */
    EXPECT_JSON(MODE_AMF3, "09 05 01 10 01 00 07 'T.U' 06 00",
                "[{\"$vector\":\"Object\",\"$type\":\"T.U\",\"$fixed\":false,\"$items\":[]},\"T.U\"]");
    /* a reference to a string read as an associative key */
    EXPECT_JSON(MODE_AMF3, "09 03 03 'k' 06 00 01 06 00",
                "{\"$assoc\":{\"k\":\"k\"},\"$dense\":[\"k\"]}");
    /* out of range, and before any string */
    test_context("string reference out of range");
    EXPECT_FAIL_D(MODE_AMF3, "09 05 01 06 03 'a' 06 02", AMF_MALFORMED, AMF_ERR_BAD_STRING_REF,
                  "[\"a\",{\"$error\":\"String: string reference #1 at offset 7, but the string "
                  "table holds 1\"}]", &d);
    CHECK_UINT(d.res.length, 7);
    int e = find_event(&d, AMF_EV_ERROR, 0);
    if (CHECK(e >= 0)) {
        CHECK_INT(d.ev[e].ev.role, AMF_ROLE_ELEMENT);
        CHECK_UINT(d.ev[e].ev.index, 1);
        CHECK_UINT(d.ev[e].ev.offset, 7);
        CHECK_UINT(d.ev[e].ev.length, 1);
        CHECK_UINT(d.ev[e].ev.depth, 1);
    }
    decoded_free(&d);
    EXPECT_FAIL(MODE_AMF3, "06 00", AMF_MALFORMED, AMF_ERR_BAD_STRING_REF,
                "{\"$error\":\"String: string reference #0 at offset 1, but the string table holds 0\"}");
    /* a member name by reference past the table */
    EXPECT_FAIL(MODE_AMF3, "0a 0b 01 04 01 01", AMF_MALFORMED, AMF_ERR_BAD_STRING_REF, NULL);
    /* a class name by reference past the table */
    EXPECT_FAIL(MODE_AMF3, "0a 03 02", AMF_MALFORMED, AMF_ERR_BAD_STRING_REF, NULL);
    /* each top-level decode starts with empty tables */
    test_context("fresh tables per decode");
    EXPECT_JSON(MODE_AMF3, "06 03 'a'", "\"a\"");
    EXPECT_FAIL(MODE_AMF3, "06 00", AMF_MALFORMED, AMF_ERR_BAD_STRING_REF, NULL);
}

static void object_table(void)
{
    decoded d;
    /* every complex type enters the object table; references resolve to
     * the value of their type */
    test_context("object table holds every complex type");
    EXPECT_JSON_D(MODE_AMF3,
                  "09 17 01"
                  " 08 01 00 00 00 00 00 00 00 00"   /* #1 date */
                  " 0c 03 ff"                        /* #2 ByteArray */
                  " 0d 03 00 00 00 00 07"            /* #3 Vector.<int> */
                  " 11 01 00"                        /* #4 Dictionary */
                  " 0b 09 '<a/>'"                    /* #5 XML */
                  " 08 02 0c 04 0d 06 11 08 0b 0a"   /* references #1-#5 */
                  " 09 00",                          /* #0, still open */
                  "[{\"$date\":\"1970-01-01T00:00:00.000Z\"},{\"$bytes\":\"/w==\"},"
                  "{\"$vector\":\"int\",\"$fixed\":false,\"$items\":[7]},"
                  "{\"$dictionary\":[],\"$weak\":false},{\"$xml\":\"<a/>\"},"
                  "{\"$date\":\"1970-01-01T00:00:00.000Z\"},{\"$bytes\":\"/w==\"},"
                  "{\"$vector\":\"int\",\"$fixed\":false,\"$items\":[7]},"
                  "{\"$dictionary\":[],\"$weak\":false},{\"$xml\":\"<a/>\"},{\"$ref\":0}]",
                  &d);
    {
        static const struct { amf_type type; uint32_t index, target, target_len; } want[] = {
            { AMF_TYPE_DATE, 1, 3, 10 },
            { AMF_TYPE_BYTE_ARRAY, 2, 13, 3 },
            { AMF_TYPE_VECTOR_INT, 3, 16, 7 },
            { AMF_TYPE_DICTIONARY, 4, 23, 3 },
            { AMF_TYPE_XML, 5, 26, 6 },
            { AMF_TYPE_ARRAY, 0, 0, 0 },
        };
        for (int k = 0; k < 6; k++) {
            int e = find_event(&d, AMF_EV_REFERENCE, k);
            if (!CHECK(e >= 0))
                break;
            const amf_event *ev = &d.ev[e].ev;
            CHECK_INT(ev->type, want[k].type);
            CHECK_UINT(ev->object_index, want[k].index);
            CHECK_UINT(ev->target_offset, want[k].target);
            CHECK_UINT(ev->target_length, want[k].target_len);
            CHECK_UINT(ev->flags & AMF_F_CYCLE, k == 5 ? AMF_F_CYCLE : 0);
            CHECK_UINT(ev->offset, 32 + 2 * k);
            CHECK_UINT(ev->length, 2);
            CHECK_UINT(ev->data_offset, 33 + 2 * k);
            CHECK_UINT(ev->data_length, 1);
            CHECK_UINT(ev->index, 5 + k);
        }
        /* scalar targets resolve to their value */
        int e = find_event(&d, AMF_EV_REFERENCE, 1);
        if (e >= 0)
            CHECK_MEM(d.ev[e].ev.str.ptr, d.ev[e].ev.str.len, "\xff", 1);
        e = find_event(&d, AMF_EV_REFERENCE, 4);
        if (e >= 0)
            CHECK_ASTR(d.ev[e].ev.str, "<a/>");
        /* table indexes and message-wide nodes of the entries */
        CHECK_UINT(d.ev[0].ev.object_index, 0);
        CHECK_UINT(d.ev[0].ev.node, 1);
        CHECK_UINT(d.ev[1].ev.object_index, 1);
        CHECK_UINT(d.ev[1].ev.node, 2);
        e = find_event(&d, AMF_EV_REFERENCE, 5);
        if (e >= 0)
            CHECK_UINT(d.ev[e].ev.node, 1);
    }
    decoded_free(&d);

    /* strings are not objects: the string table is separate */
    test_context("objects and strings apart");
    EXPECT_JSON(MODE_AMF3, "09 07 01 06 03 'a' 09 01 01 09 02", "[\"a\",[],[]]");

    /* a marker referring to another type: the target's value, a warning */
    test_context("reference to another type");
    EXPECT_JSON_D(MODE_AMF3, "09 05 01 09 01 01 0a 02", "[[],[]]", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_REF_TYPE), 1);
    int w = find_event(&d, AMF_EV_WARNING, 0);
    if (CHECK(w >= 0)) {
        CHECK_UINT(d.ev[w].ev.offset, 6);
        CHECK_UINT(d.ev[w].ev.length, 2);
    }
    int r = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(r >= 0)) {
        CHECK_INT(d.ev[r].ev.type, AMF_TYPE_ARRAY);
        CHECK_INT(d.ev[r].ev.marker, AMF3_OBJECT);
    }
    decoded_free(&d);
    /* XML and XMLDocument markers may refer to each other */
    EXPECT_JSON_D(MODE_AMF3, "09 05 01 0b 03 'A' 07 02", "[{\"$xml\":\"A\"},{\"$xml\":\"A\"}]", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);

    /* out of range; an array cannot refer to itself before it is added */
    test_context("object reference out of range");
    EXPECT_FAIL(MODE_AMF3, "09 00", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF,
                "{\"$error\":\"object reference #0 at offset 0, but the object table holds 0\"}");
    EXPECT_FAIL(MODE_AMF3, "09 05 01 0a 0b 01 01 0a 04", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF,
                "[{},{\"$error\":\"object reference #2 at offset 7, but the object table holds 2\"}]");
    EXPECT_FAIL(MODE_AMF3, "08 02", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_FAIL(MODE_AMF3, "0c 7e", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_FAIL(MODE_AMF3, "0d 02", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_FAIL(MODE_AMF3, "10 02", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    EXPECT_FAIL(MODE_AMF3, "11 02", AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);

    /* cycles through nested containers */
    test_context("cycles");
    EXPECT_JSON(MODE_AMF3, "09 05 01 09 03 01 09 02 09 00", "[[{\"$ref\":1}],{\"$ref\":0}]");
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 03 'a' 0a 00 01", "{\"a\":{\"$ref\":0}}");
    /* a reference to a closed container is written out in full */
    EXPECT_JSON(MODE_AMF3, "09 05 01 0a 0b 01 03 'a' 09 03 01 02 01 0a 02",
                "[{\"a\":[false]},{\"a\":[false]}]");
}

static void traits_table(void)
{
    decoded d;
    test_context("traits references");
    EXPECT_JSON_D(MODE_AMF3, "09 05 01 0a 13 03 'A' 03 'x' 04 01 0a 01 04 02",
                  "[{\"$class\":\"A\",\"x\":1},{\"$class\":\"A\",\"x\":2}]", &d);
    for (int k = 0; k < 2; k++) {
        int b = find_event(&d, AMF_EV_BEGIN, k + 1);
        int t = find_event(&d, AMF_EV_TRAITS, k);
        if (!CHECK(b >= 0 && t >= 0))
            break;
        CHECK_UINT(d.ev[b].ev.flags & AMF_F_TRAIT_REF, k ? AMF_F_TRAIT_REF : 0);
        CHECK_UINT(d.ev[b].ev.trait_index, 0);
        CHECK_ASTR(d.ev[b].ev.class_name, "A");
        CHECK_UINT(d.ev[b].ev.count, 1);
        CHECK_UINT(d.ev[b].ev.sealed_count, 1);
        CHECK_UINT(d.ev[b].ev.offset, k ? 11 : 3);
        CHECK_UINT(d.ev[b].ev.length, k ? 2 : 6);
        CHECK_UINT(d.ev[t].ev.offset, k ? 12 : 4);
        CHECK_UINT(d.ev[t].ev.length, k ? 1 : 5);
        CHECK_UINT(d.ev[t].ev.trait_index, 0);
        if (CHECK_UINT(d.ev[t].ev.sealed_count, 1)) {
            CHECK_ASTR(d.ev[t].sealed[0].name, "x");
            CHECK_UINT(d.ev[t].sealed[0].offset, 7);
            CHECK_UINT(d.ev[t].sealed[0].length, 2);
        }
        /* the sealed member's value: its name is in the traits, not here */
        const amf_event *m = &d.ev[t + 1].ev;
        CHECK_INT(m->role, AMF_ROLE_MEMBER);
        CHECK_ASTR(m->name, "x");
        CHECK_UINT(m->name_length, 0);
    }
    decoded_free(&d);

    /* dynamic traits by reference; a second trait gets index 1 */
    EXPECT_JSON(MODE_AMF3, "09 05 01 0a 0b 01 03 'a' 04 01 01 0a 01 03 'b' 04 02 01",
                "[{\"a\":1},{\"b\":2}]");
    EXPECT_JSON_D(MODE_AMF3, "09 07 01 0a 0b 01 01 0a 13 03 'A' 03 'x' 01 0a 05 04 09",
                  "[{},{\"$class\":\"A\",\"x\":null},{\"$class\":\"A\",\"x\":9}]", &d);
    int b = find_event(&d, AMF_EV_BEGIN, 3);
    if (CHECK(b >= 0)) {
        CHECK_UINT(d.ev[b].ev.trait_index, 1);
        CHECK_UINT(d.ev[b].ev.flags & (AMF_F_TRAIT_REF | AMF_F_DYNAMIC), AMF_F_TRAIT_REF);
    }
    decoded_free(&d);

    /* a trait reference before any trait, and past the table */
    test_context("trait reference out of range");
    EXPECT_FAIL_D(MODE_AMF3, "0a 01", AMF_MALFORMED, AMF_ERR_BAD_TRAIT_REF,
                  "{\"$error\":\"trait reference #0 at offset 1, but the traits table holds 0\"}", &d);
    CHECK_UINT(d.res.length, 1);
    decoded_free(&d);
    EXPECT_FAIL(MODE_AMF3, "09 05 01 0a 13 03 'A' 03 'x' 04 01 0a 05 04 02", AMF_MALFORMED,
                AMF_ERR_BAD_TRAIT_REF,
                "[{\"$class\":\"A\",\"x\":1},{\"$error\":\"trait reference #1 at offset 12, but the "
                "traits table holds 1\"}]");
    /* traits are per top-level value too */
    EXPECT_FAIL(MODE_AMF3, "0a 05", AMF_MALFORMED, AMF_ERR_BAD_TRAIT_REF, NULL);
}

/* ---- containers ------------------------------------------------------ */

static void arrays_and_objects(void)
{
    decoded d;
    test_context("associative arrays");
    EXPECT_JSON_D(MODE_AMF3, "09 01 03 'a' 04 01 01", "{\"$assoc\":{\"a\":1},\"$dense\":[]}", &d);
    if (CHECK_INT(d.n, 3)) {
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_ASSOC, AMF_F_ASSOC);
        CHECK_UINT(d.ev[0].ev.count, 0);
        CHECK_UINT(d.ev[0].ev.length, 2);
        CHECK_INT(d.ev[1].ev.role, AMF_ROLE_MEMBER);
        CHECK_UINT(d.ev[1].ev.name_offset, 2);
        CHECK_UINT(d.ev[1].ev.name_length, 2);
        CHECK_UINT(d.ev[2].ev.count, 1);
        CHECK_UINT(d.ev[2].ev.end_offset, 6);
        CHECK_UINT(d.ev[2].ev.end_length, 1);
        CHECK_UINT(d.ev[2].ev.length, 7);
    }
    decoded_free(&d);
    EXPECT_JSON(MODE_AMF3, "09 05 03 'k' 02 01 04 01 04 02",
                "{\"$assoc\":{\"k\":false},\"$dense\":[1,2]}");
    /* a member name starting with $ gets one more */
    test_context("member names starting with $");
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 05 '$x' 04 01 0d '$class' 04 02 01",
                "{\"$$x\":1,\"$$class\":2}");
    EXPECT_JSON(MODE_AMF3, "09 01 0d '$assoc' 01 01", "{\"$assoc\":{\"$$assoc\":null},\"$dense\":[]}");

    test_context("sealed and dynamic members");
    EXPECT_JSON_D(MODE_AMF3, "0a 1b 03 'A' 03 'x' 04 01 03 'y' 04 02 01",
                  "{\"$class\":\"A\",\"x\":1,\"y\":2}", &d);
    if (CHECK_INT(d.n, 5)) {
        CHECK_UINT(d.ev[0].ev.flags & (AMF_F_DYNAMIC | AMF_F_EXTERNALIZABLE), AMF_F_DYNAMIC);
        CHECK_UINT(d.ev[0].ev.count, 1);
        CHECK_UINT(d.ev[4].ev.kind, AMF_EV_END);
        CHECK_UINT(d.ev[4].ev.count, 2);
        CHECK_UINT(d.ev[4].ev.end_offset, 12);
        CHECK_UINT(d.ev[4].ev.end_length, 1);
        CHECK_UINT(d.ev[4].ev.length, 13);
    }
    decoded_free(&d);
    /* anonymous with sealed members, and a class with none */
    EXPECT_JSON(MODE_AMF3, "0a 13 01 03 'x' 04 01", "{\"x\":1}");
    EXPECT_JSON(MODE_AMF3, "0a 03 03 'A'", "{\"$class\":\"A\"}");
    /* empty dynamic names end the object: the names of later objects */
    EXPECT_JSON(MODE_AMF3, "09 05 01 0a 0b 01 01 0a 0b 01 03 'b' 01 01",
                "[{},{\"b\":null}]");
    /* nested containers */
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 03 'a' 09 05 01 0a 0b 01 01 09 01 01 01",
                "{\"a\":[{},[]]}");
}

static void vectors(void)
{
    decoded d;
    test_context("Vector.<int> fixed");
    EXPECT_JSON_D(MODE_AMF3, "0d 05 01 00 00 00 01 ff ff ff ff",
                  "{\"$vector\":\"int\",\"$fixed\":true,\"$items\":[1,-1]}", &d);
    if (CHECK_INT(d.n, 4)) {
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_FIXED, AMF_F_FIXED);
        CHECK_UINT(d.ev[0].ev.count, 2);
        CHECK_UINT(d.ev[0].ev.length, 3);
        for (int i = 0; i < 2; i++) {
            const amf_event *ev = &d.ev[1 + i].ev;
            CHECK_INT(ev->kind, AMF_EV_SCALAR);
            CHECK_INT(ev->type, AMF_TYPE_INTEGER);
            CHECK_UINT(ev->flags & AMF_F_NO_MARKER, AMF_F_NO_MARKER);
            CHECK_INT(ev->role, AMF_ROLE_ELEMENT);
            CHECK_UINT(ev->index, i);
            CHECK_UINT(ev->offset, 3 + 4 * i);
            CHECK_UINT(ev->length, 4);
            CHECK_UINT(ev->data_offset, 3 + 4 * i);
            CHECK_UINT(ev->data_length, 4);
            CHECK_UINT(ev->depth, 1);
            CHECK_INT(ev->integer, i ? -1 : 1);
        }
        CHECK_UINT(d.ev[3].ev.count, 2);
        CHECK_UINT(d.ev[3].ev.length, 11);
    }
    decoded_free(&d);
    test_context("Vector.<uint>");
    EXPECT_JSON_D(MODE_AMF3, "0e 05 00 80 00 00 00 00 00 00 00",
                  "{\"$vector\":\"uint\",\"$fixed\":false,\"$items\":[2147483648,0]}", &d);
    if (CHECK_INT(d.n, 4))
        CHECK_UINT(d.ev[1].ev.uinteger, 2147483648u);
    decoded_free(&d);
    test_context("Vector.<Number>");
    EXPECT_JSON(MODE_AMF3, "0f 05 02 3f f8 00 00 00 00 00 00 ff f0 00 00 00 00 00 00",
                "{\"$vector\":\"Number\",\"$fixed\":true,\"$items\":[1.5,{\"$number\":\"-Infinity\"}]}");
    EXPECT_JSON(MODE_AMF3, "0d 01 00", "{\"$vector\":\"int\",\"$fixed\":false,\"$items\":[]}");
    test_context("Vector.<Object>");
    EXPECT_JSON_D(MODE_AMF3, "10 05 01 0f 'com.x.T' 0a 13 00 03 'n' 04 01 01",
                  "{\"$vector\":\"Object\",\"$type\":\"com.x.T\",\"$fixed\":true,\"$items\":"
                  "[{\"$class\":\"com.x.T\",\"n\":1},null]}", &d);
    if (CHECK(d.n >= 1)) {
        CHECK_ASTR(d.ev[0].ev.element_type, "com.x.T");
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_FIXED, AMF_F_FIXED);
        CHECK_UINT(d.ev[0].ev.length, 11);
        CHECK_UINT(d.ev[0].ev.count, 2);
    }
    decoded_free(&d);
    /* Vector.<Object> as Flash writes it: element type name "*" or "" */
    EXPECT_JSON(MODE_AMF3, "10 05 00 03 '*' 04 01 06 03 'a'",
                "{\"$vector\":\"Object\",\"$type\":\"*\",\"$fixed\":false,\"$items\":[1,\"a\"]}");
    EXPECT_JSON(MODE_AMF3, "10 03 00 01 01",
                "{\"$vector\":\"Object\",\"$type\":\"\",\"$fixed\":false,\"$items\":[null]}");
    /* references to vectors */
    test_context("vector references");
    EXPECT_JSON(MODE_AMF3, "09 05 01 0f 03 00 00 00 00 00 00 00 00 00 0f 02",
                "[{\"$vector\":\"Number\",\"$fixed\":false,\"$items\":[0]},"
                "{\"$vector\":\"Number\",\"$fixed\":false,\"$items\":[0]}]");
    EXPECT_JSON(MODE_AMF3, "09 05 01 10 01 01 01 10 02",
                "[{\"$vector\":\"Object\",\"$type\":\"\",\"$fixed\":true,\"$items\":[]},"
                "{\"$vector\":\"Object\",\"$type\":\"\",\"$fixed\":true,\"$items\":[]}]");
}

static void dictionaries(void)
{
    decoded d;
    test_context("Dictionary weak keys");
    EXPECT_JSON(MODE_AMF3, "11 03 01 04 01 06 03 'a'",
                "{\"$dictionary\":[[1,\"a\"]],\"$weak\":true}");
    EXPECT_JSON(MODE_AMF3, "11 01 80", "{\"$dictionary\":[],\"$weak\":true}");
    test_context("Dictionary keys of any type");
    EXPECT_JSON_D(MODE_AMF3,
                  "11 0b 00"
                  " 01 04 01"                           /* null -> 1 */
                  " 05 3f f8 00 00 00 00 00 00 06 03 'a'" /* 1.5 -> "a" */
                  " 09 03 01 02 03"                     /* [false] -> true */
                  " 0a 0b 01 01 01"                     /* {} -> null */
                  " 11 01 00 00",                       /* Dictionary -> undefined */
                  "{\"$dictionary\":[[null,1],[1.5,\"a\"],[[false],true],[{},null],"
                  "[{\"$dictionary\":[],\"$weak\":false},{\"$undefined\":true}]],\"$weak\":false}",
                  &d);
    {
        int k = 0;
        for (size_t e = 1; e < d.n; e++) {
            const amf_event *ev = &d.ev[e].ev;
            if (ev->depth != 1 || ev->kind == AMF_EV_END)
                continue;
            CHECK_INT(ev->role, (k % 2) ? AMF_ROLE_DICT_VALUE : AMF_ROLE_DICT_KEY);
            CHECK_UINT(ev->index, k / 2);
            k++;
        }
        CHECK_INT(k, 10);
        CHECK_UINT(d.ev[0].ev.count, 5);
        CHECK_UINT(d.ev[d.n - 1].ev.count, 5);
    }
    decoded_free(&d);
    /* an object key referenced again as a value */
    EXPECT_JSON(MODE_AMF3, "11 03 00 0a 0b 01 03 'k' 04 01 01 0a 02",
                "{\"$dictionary\":[[{\"k\":1},{\"k\":1}]],\"$weak\":false}");
}

/* Markers past 0x11 are not AMF3. */
static void bad_markers(void)
{
    char hex[64], want[160];
    for (int m = 0x12; m <= 0xff; m++) {
        test_context("AMF3 marker 0x%02x", m);
        snprintf(hex, sizeof hex, "%02x", m);
        snprintf(want, sizeof want, "{\"$error\":\"unknown AMF3 type marker 0x%02x at offset 0\"}", m);
        EXPECT_FAIL(MODE_AMF3, hex, AMF_MALFORMED, AMF_ERR_BAD_MARKER, want);
        snprintf(hex, sizeof hex, "09 05 01 04 07 %02x 00 00", m);
        snprintf(want, sizeof want, "[7,{\"$error\":\"unknown AMF3 type marker 0x%02x at offset 5\"}]", m);
        decoded d;
        EXPECT_FAIL_D(MODE_AMF3, hex, AMF_MALFORMED, AMF_ERR_BAD_MARKER, want, &d);
        CHECK_UINT(d.res.length, 5);
        int e = find_event(&d, AMF_EV_ERROR, 0);
        if (CHECK(e >= 0)) {
            CHECK_UINT(d.ev[e].ev.offset, 5);
            CHECK_UINT(d.ev[e].ev.length, 3);
            CHECK_UINT(d.ev[e].ev.index, 1);
        }
        int end = find_event(&d, AMF_EV_END, 0);
        if (CHECK(end >= 0)) {
            CHECK_UINT(d.ev[end].ev.flags & AMF_F_TRUNCATED, AMF_F_TRUNCATED);
            CHECK_UINT(d.ev[end].ev.count, 1);
        }
        decoded_free(&d);
    }
}

static void names(void)
{
    test_context("type, marker and error names");
    CHECK_STR(amf_type_name(AMF_TYPE_OBJECT), "Object");
    CHECK_STR(amf_type_name(AMF_TYPE_VECTOR_INT), "Vector int");
    CHECK_STR(amf_type_name(AMF_TYPE_ECMA_ARRAY), "ECMA array");
    CHECK_STR(amf_type_name(AMF_TYPE_RECORDSET), "RecordSet");
    CHECK_STR(amf_type_name((amf_type)0), "Unknown");
    CHECK_STR(amf_type_name(AMF_TYPE_COUNT_), "Unknown");
    CHECK_STR(amf_marker_name(3, 0x11), "dictionary");
    CHECK_STR(amf_marker_name(3, 0x00), "undefined");
    CHECK_STR(amf_marker_name(3, 0x12), "unknown");
    CHECK_STR(amf_marker_name(0, 0x11), "avmplus-object");
    CHECK_STR(amf_marker_name(0, 0x09), "object-end");
    CHECK_STR(amf_marker_name(0, 0xff), "unknown");
    CHECK_STR(amf_error_name(AMF_ERR_TRUNCATED), "truncated");
    CHECK_STR(amf_error_name(AMF_WARN_FLEX_FLAGS), "unknown Flex message flags");
    CHECK_STR(amf_error_name(AMF_WARN_FIRST_), "invalid UTF-8");
    CHECK_STR(amf_error_name(AMF_ERROR_COUNT_), "unknown error");
    for (int e = 0; e < AMF_ERROR_COUNT_; e++)
        CHECK(strcmp(amf_error_name((amf_error)e), "unknown error") != 0);
    for (int t = 1; t < AMF_TYPE_COUNT_; t++)
        CHECK(strcmp(amf_type_name((amf_type)t), "Unknown") != 0);
}

void test_amf3_spec(void)
{
    u29_integers();
    u29_lengths();
    every_marker();
    doubles();
    dates();
    string_escapes();
    string_table();
    object_table();
    traits_table();
    arrays_and_objects();
    vectors();
    dictionaries();
    bad_markers();
    names();
}
