/* test_regressions.c
 * What the fuzzers found, as plain expectations on the normal build: each
 * vector is also a reproducer in tests/fuzz/regressions/ (replayed by the
 * fuzz targets under the sanitizers), and here the decoded result it must
 * give now is spelled out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include "amf_flex.h"

#include <string.h>

/* amf3/ubsan-null-plus-zero-sealed-names: an anonymous dynamic object; its
 * TRAITS event has no sealed names (and no pointer arithmetic on NULL). */
static void anonymous_dynamic_object(void)
{
    decoded d;
    test_context("regression: anonymous dynamic object");
    if (!EXPECT_JSON_D(MODE_AMF3, "0a0b01 056f70 060b636c6f7365 01", "{\"op\":\"close\"}", &d))
        return;
    int t = find_event(&d, AMF_EV_TRAITS, 0);
    if (CHECK(t >= 0)) {
        CHECK_UINT(d.ev[t].ev.sealed_count, 0);
        CHECK(d.ev[t].ev.flags & AMF_F_DYNAMIC);
    }
    decoded_free(&d);
}

/* amf3/need-overestimate-sealed-names: a typed object with 4 sealed members
 * cut after its first name asks for exactly the 7 bytes the value lacks;
 * every prefix asks for no more than what completes it. */
static void need_sealed_names(void)
{
    size_t len;
    const uint8_t *buf = H("0a43 0300 00000000 00000000", &len);
    test_context("regression: need with sealed names owed");
    CHECK_UINT(len, 12);
    amf_result res;
    CHECK_INT(decode_measure(MODE_AMF3, buf, len, true, NULL, &res), AMF_OK);
    CHECK_UINT(res.length, 12);
    CHECK_INT(decode_measure(MODE_AMF3, buf, 5, false, NULL, &res), AMF_NEED_MORE);
    CHECK_UINT(res.need, 7);
    for (size_t cut = 1; cut < len; cut++) {
        test_context("regression: need with sealed names owed, cut at %zu", cut);
        CHECK_INT(decode_measure(MODE_AMF3, buf, cut, false, NULL, &res), AMF_NEED_MORE);
        CHECK(res.need >= 1 && res.need <= len - cut);
    }
}

/* amf0/reference-target-offset-avmplus: AVM+ and an AMF3 Dictionary whose
 * first key (an XMLDocument marker) refers back to it, the rest still to
 * come: the reference's target starts at the 0x11, where the target's own
 * events start. */
static void avmplus_reference_target(void)
{
    decoded d;
    size_t len;
    const uint8_t *buf = H("11 11 41 2c 07 00", &len);
    test_context("regression: reference to an AVM+ value");
    decode_rec(&d, MODE_AMF0, buf, len, false, DEC_EVENTS, NULL);
    CHECK_INT(d.status, AMF_NEED_MORE);
    CHECK_SHAPE(&d);
    int b = find_event(&d, AMF_EV_BEGIN, 0);
    int r = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(b >= 0) && CHECK(r >= 0)) {
        CHECK_UINT(d.ev[b].ev.offset, 0);
        CHECK_UINT(d.ev[r].ev.target_offset, d.ev[b].ev.offset);
    }
    decoded_free(&d);
}

/* packet/trailing-warning-span-past-end: a header declaring a length far
 * past the message: every event span (the TRAILING warning's too) stays
 * inside the buffer. */
static void packet_header_length_past_end(void)
{
    decoded d;
    size_t len;
    const uint8_t *buf = H("0000 0001 0000 04'nul' 00 04", &len);
    test_context("regression: envelope header length past the end");
    CHECK_UINT(len, 12);
    decode_rec(&d, MODE_PACKET, buf, len, true, DEC_EVENTS, NULL);
    CHECK_SHAPE(&d);
    for (size_t i = 0; i < d.n; i++)
        CHECK((uint64_t)d.ev[i].ev.offset + d.ev[i].ev.length <= len);
    decoded_free(&d);
}

/* json/dictionary-key-error-unclosed-pair: a Dictionary whose key is a
 * Dictionary whose key fails: amf.json still closes every pair. */
static void dictionary_key_error_json(void)
{
    decoded d;
    size_t len;
    const uint8_t *buf = H("11 05 00 11 03 62 34 34", &len);
    test_context("regression: failing Dictionary key in amf.json");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
    CHECK(d.status != AMF_OK);
    CHECK_SHAPE(&d);
    if (CHECK(d.json != NULL))
        CHECK_JSON_VALID(d.json, d.json_len);
    decoded_free(&d);
}

/* amf0/unsupported-offset-avmplus-measure: AVM+ and an object of an
 * unknown externalizable class: decoding stops at the same offset, the
 * 0x11 where the value starts, with and without events. */
static void unsupported_after_avmplus(void)
{
    decoded d;
    size_t len;
    const uint8_t *buf = H("11 0a 07 07'cmd'", &len);
    test_context("regression: unknown externalizable class after AVM+");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS, NULL);
    CHECK_INT(d.status, AMF_UNSUPPORTED);
    CHECK_UINT(d.res.length, 0);
    amf_result res;
    CHECK_INT(decode_measure(MODE_AMF0, buf, len, true, NULL, &res), AMF_UNSUPPORTED);
    CHECK_UINT(res.length, 0);
    CHECK_STR(res.message, d.res.message);
    decoded_free(&d);
}

static void flex_sink(void *user, const amf_event *ev)
{
    amf_flex_event(user, ev);
}

/* json/flex-operation-number-out-of-int-range: a Flex message whose
 * operation is the Number 1.7e12: no int holds it, so it is no command code
 * (the cast to int was undefined behaviour, UBSan in amf_flex.c). */
static void flex_operation_out_of_range(void)
{
    size_t len;
    const uint8_t *buf = H("0a 0b 4d'flex.messaging.messages.CommandMessage'"
                           "13'operation' 05 4278bcfe56800000 01", &len);
    test_context("regression: Flex operation Number out of int range");
    amf_flex flex;
    amf_flex_init(&flex);
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.sink = flex_sink;
    cfg.user = &flex;
    amf_result res;
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_3, buf, len, true, &res), AMF_OK);
    if (CHECK_UINT(flex.count, 1))
        CHECK(!flex.messages[0].has_command);
    /* In range, it is one. */
    buf = H("0a 0b 4d'flex.messaging.messages.CommandMessage'"
            "13'operation' 05 4014000000000000 01", &len);
    amf_flex_init(&flex);
    CHECK_INT(amf_decode(&cfg, AMF_VERSION_3, buf, len, true, &res), AMF_OK);
    if (CHECK_UINT(flex.count, 1) && CHECK(flex.messages[0].has_command))
        CHECK_INT(flex.messages[0].command, 5);
}

void test_regressions(void)
{
    flex_operation_out_of_range();
    unsupported_after_avmplus();
    anonymous_dynamic_object();
    need_sealed_names();
    avmplus_reference_target();
    packet_header_length_past_end();
    dictionary_key_error_json();
}
