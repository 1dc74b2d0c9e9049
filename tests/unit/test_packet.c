/* test_packet.c
 * The AMF packet envelope (AMF0 spec section 4): version, headers, messages,
 * each value with fresh reference tables, declared lengths (0xFFFFFFFF:
 * unknown) checked against the value's own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

static void envelope_events(void)
{
    decoded d;
    test_context("packet with a header and a message");
    EXPECT_JSON_D(MODE_PACKET,
                  "00 03 00 01"
                  " 00 04 'Cred' 01 00 00 00 05 02 00 02 'hi'"
                  " 00 01"
                  " 00 01 'a' 00 02 '/1' 00 00 00 01 05",
                  "{\"$packet\":{\"version\":3,\"headers\":[{\"name\":\"Cred\",\"mustUnderstand\":true,"
                  "\"value\":\"hi\"}],\"messages\":[{\"target\":\"a\",\"response\":\"/1\",\"body\":null}]}}",
                  &d);
    if (CHECK_INT(d.n, 9)) {
        const amf_event *ev = &d.ev[0].ev;
        CHECK_INT(ev->kind, AMF_EV_PACKET_BEGIN);
        CHECK_INT(ev->integer, 3);
        CHECK_UINT(ev->count, 1);
        CHECK_UINT(ev->offset, 0);
        CHECK_UINT(ev->length, 4);

        ev = &d.ev[1].ev;
        CHECK_INT(ev->kind, AMF_EV_PART_BEGIN);
        CHECK_INT(ev->part, AMF_PART_HEADER);
        CHECK_UINT(ev->index, 0);
        CHECK_UINT(ev->count, 1);
        CHECK_ASTR(ev->name, "Cred");
        CHECK_UINT(ev->name_offset, 4);
        CHECK_UINT(ev->name_length, 6);
        CHECK_INT(ev->boolean, true);
        CHECK_UINT(ev->uinteger, 5);
        CHECK_UINT(ev->data_offset, 11);
        CHECK_UINT(ev->data_length, 4);
        CHECK_UINT(ev->offset, 4);
        CHECK_UINT(ev->length, 11);

        ev = &d.ev[2].ev;
        CHECK_INT(ev->kind, AMF_EV_SCALAR);
        CHECK_INT(ev->role, AMF_ROLE_BODY);
        CHECK_UINT(ev->depth, 0);
        CHECK_UINT(ev->offset, 15);
        CHECK_UINT(ev->length, 5);
        CHECK_UINT(ev->data_offset, 18);

        ev = &d.ev[3].ev;
        CHECK_INT(ev->kind, AMF_EV_PART_END);
        CHECK_UINT(ev->offset, 4);
        CHECK_UINT(ev->length, 16);

        ev = &d.ev[4].ev;
        CHECK_INT(ev->kind, AMF_EV_PACKET_COUNT);
        CHECK_UINT(ev->count, 1);
        CHECK_UINT(ev->offset, 20);
        CHECK_UINT(ev->length, 2);

        ev = &d.ev[5].ev;
        CHECK_INT(ev->kind, AMF_EV_PART_BEGIN);
        CHECK_INT(ev->part, AMF_PART_MESSAGE);
        CHECK_ASTR(ev->name, "a");
        CHECK_UINT(ev->name_offset, 22);
        CHECK_UINT(ev->name_length, 3);
        CHECK_ASTR(ev->str, "/1");
        CHECK_UINT(ev->str_offset, 25);
        CHECK_UINT(ev->str_length, 4);
        CHECK_UINT(ev->uinteger, 1);
        CHECK_UINT(ev->data_offset, 29);
        CHECK_UINT(ev->offset, 22);
        CHECK_UINT(ev->length, 11);

        CHECK_UINT(d.ev[6].ev.offset, 33);
        CHECK_UINT(d.ev[7].ev.length, 12);
        ev = &d.ev[8].ev;
        CHECK_INT(ev->kind, AMF_EV_PACKET_END);
        CHECK_UINT(ev->offset, 0);
        CHECK_UINT(ev->length, 34);
    }
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);

    test_context("empty packet");
    EXPECT_JSON(MODE_PACKET, "00 00 00 00 00 00",
                "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[]}}");
    test_context("two headers, AMF3 values, unknown lengths");
    EXPECT_JSON(MODE_PACKET,
                "00 03 00 02"
                " 00 01 'a' 00 ff ff ff ff 11 04 07"
                " 00 01 'b' 01 ff ff ff ff 03 00 01 'x' 05 00 00 09"
                " 00 00",
                "{\"$packet\":{\"version\":3,\"headers\":[{\"name\":\"a\",\"mustUnderstand\":false,"
                "\"value\":7},{\"name\":\"b\",\"mustUnderstand\":true,\"value\":{\"x\":null}}],"
                "\"messages\":[]}}");
}

static void declared_lengths(void)
{
    decoded d;
    /* the value is longer than declared: a warning, decoding goes on */
    test_context("declared length shorter than the value");
    EXPECT_JSON_D(MODE_PACKET, "00 00 00 00 00 01 00 01 'a' 00 00 00 00 00 01 02 00 02 'hi'",
                  "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"target\":\"a\","
                  "\"response\":\"\",\"body\":\"hi\"}]}}", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_TRAILING), 1);
    int w = find_event(&d, AMF_EV_WARNING, 0);
    if (CHECK(w >= 0)) {
        CHECK_UINT(d.ev[w].ev.offset, 15);
        CHECK_UINT(d.ev[w].ev.length, 5);
        CHECK_STR(d.ev[w].message, "value takes 5 bytes, its declared length is 1");
    }
    decoded_free(&d);

    /* declared longer: the bytes after the value are skipped */
    test_context("declared length longer than the value");
    EXPECT_JSON_D(MODE_PACKET,
                  "00 00 00 00 00 02"
                  " 00 01 'a' 00 00 00 00 00 04 05 'xyz'"
                  " 00 01 'b' 00 00 ff ff ff ff 01 01",
                  "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"target\":\"a\","
                  "\"response\":\"\",\"body\":null},{\"target\":\"b\",\"response\":\"\",\"body\":true}]}}",
                  &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_WARN_TRAILING), 1);
    w = find_event(&d, AMF_EV_WARNING, 0);
    if (CHECK(w >= 0)) {
        CHECK_UINT(d.ev[w].ev.offset, 16);
        CHECK_UINT(d.ev[w].ev.length, 3);
        CHECK_STR(d.ev[w].message, "3 bytes after the value, inside its declared length 4");
    }
    int pe = find_event(&d, AMF_EV_PART_END, 0);
    if (CHECK(pe >= 0)) {
        CHECK_UINT(d.ev[pe].ev.offset, 6);
        CHECK_UINT(d.ev[pe].ev.length, 13);
    }
    decoded_free(&d);

    /* declared longer than what is there */
    test_context("declared length past the end");
    EXPECT_FAIL_D(MODE_PACKET, "00 00 00 00 00 01 00 01 'a' 00 00 00 00 00 05 05", AMF_MALFORMED,
                  AMF_ERR_TRUNCATED,
                  "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"target\":\"a\","
                  "\"response\":\"\",\"body\":null,\"$error\":\"declared length needs 4 bytes at offset "
                  "16, only 0 left in the message\"}]}}", &d);
    CHECK_UINT(d.res.length, 15);
    /* no warning about bytes that are not there */
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);
    size_t len;
    const uint8_t *buf = H("00 00 00 00 00 01 00 01 'a' 00 00 00 00 00 05 05", &len);
    amf_result res;
    test_context("declared length past the end, incomplete");
    CHECK_INT(decode_measure(MODE_PACKET, buf, len, false, NULL, &res), AMF_NEED_MORE);
    CHECK_UINT(res.need, 4);
    decode_rec(&d, MODE_PACKET, buf, len, false, DEC_EVENTS | DEC_JSON, NULL);
    CHECK_INT(d.status, AMF_NEED_MORE);
    CHECK_UINT(d.res.need, 4);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    /* a declared length far past the end */
    test_context("declared length of 100 MB");
    decoded_free(&d);
    EXPECT_FAIL_D(MODE_PACKET, "00 00 00 00 00 01 00 01 'a' 00 00 06 01 00 00 01 00", AMF_MALFORMED,
                  AMF_ERR_TRUNCATED, NULL, &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    CHECK_JSON_VALID(d.json, d.json_len);
    CHECK_SHAPE(&d);
    decoded_free(&d);
}

static void fresh_tables(void)
{
    /* every header and message value starts with empty tables */
    test_context("fresh tables per message");
    EXPECT_FAIL(MODE_PACKET,
                "00 03 00 00 00 02"
                " 00 01 'a' 00 00 ff ff ff ff 11 06 03 'x'"
                " 00 01 'b' 00 00 ff ff ff ff 11 06 00",
                AMF_MALFORMED, AMF_ERR_BAD_STRING_REF,
                "{\"$packet\":{\"version\":3,\"headers\":[],\"messages\":[{\"target\":\"a\","
                "\"response\":\"\",\"body\":\"x\"},{\"target\":\"b\",\"response\":\"\",\"body\":"
                "{\"$error\":\"String: string reference #0 at offset 30, but the string table holds 0\"}}]}}");
    EXPECT_FAIL(MODE_PACKET,
                "00 00 00 01"
                " 00 01 'h' 00 ff ff ff ff 03 00 00 09"
                " 00 01"
                " 00 01 'b' 00 00 ff ff ff ff 07 00 00",
                AMF_MALFORMED, AMF_ERR_BAD_OBJECT_REF, NULL);
    /* within one value the AMF0 table is shared */
    EXPECT_JSON(MODE_PACKET,
                "00 00 00 00 00 01 00 01 'b' 00 00 ff ff ff ff 0a 00 00 00 02 03 00 00 09 07 00 01",
                "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"target\":\"b\","
                "\"response\":\"\",\"body\":[{},{}]}]}}");
}

static void hostile_counts(void)
{
    test_context("packet counts past the data");
    EXPECT_FAIL(MODE_PACKET, "00 00 ff ff 00 00", AMF_MALFORMED, AMF_ERR_COUNT, NULL);
    EXPECT_FAIL(MODE_PACKET, "00 00 00 00 ff ff 00 00", AMF_MALFORMED, AMF_ERR_COUNT, NULL);
    /* not complete: the need counts the smallest possible parts */
    size_t len;
    const uint8_t *buf = H("00 00 00 02", &len);
    amf_result res;
    CHECK_INT(decode_measure(MODE_PACKET, buf, len, false, NULL, &res), AMF_NEED_MORE);
    /* the first header's name length, one more header of 8 bytes, and the message count */
    CHECK_UINT(res.need, 2 + 8 + 2);
    buf = H("00 00 00 00 00 03", &len);
    CHECK_INT(decode_measure(MODE_PACKET, buf, len, false, NULL, &res), AMF_NEED_MORE);
    CHECK_UINT(res.need, 2 + 2 * 9);
    buf = H("00", &len);
    CHECK_INT(decode_measure(MODE_PACKET, buf, len, false, NULL, &res), AMF_NEED_MORE);
    CHECK_UINT(res.need, 1);
}

void test_packet(void)
{
    envelope_events();
    declared_lengths();
    fresh_tables();
    hostile_counts();
}
