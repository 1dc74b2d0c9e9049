/* test_external.c
 * Externalizable AMF3 objects: the Flex collection wrappers (one AMF3 value
 * each), BlazeDS's small messages DSK/DSA/DSC (flag bytes per class level,
 * forward-compatible unknown bits), and classes of unknown layout.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

#define AC_NAME "'flex.messaging.io.ArrayCollection'"   /* 33 bytes: U29 0x43 */
#define AL_NAME "'flex.messaging.io.ArrayList'"         /* 27 bytes: U29 0x37 */
#define OP_NAME "'flex.messaging.io.ObjectProxy'"       /* 29 bytes: U29 0x3b */

static void wrappers(void)
{
    decoded d;
    test_context("ArrayCollection");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 43 " AC_NAME " 09 03 01 04 01",
                  "{\"$class\":\"flex.messaging.io.ArrayCollection\",\"$external\":[1]}", &d);
    if (CHECK_INT(d.n, 6)) {
        CHECK_UINT(d.ev[0].ev.flags & AMF_F_EXTERNALIZABLE, AMF_F_EXTERNALIZABLE);
        CHECK_UINT(d.ev[0].ev.length, 36);
        CHECK_INT(d.ev[1].ev.kind, AMF_EV_TRAITS);
        CHECK_UINT(d.ev[1].ev.flags & AMF_F_EXTERNALIZABLE, AMF_F_EXTERNALIZABLE);
        CHECK_UINT(d.ev[1].ev.sealed_count, 0);
        CHECK_INT(d.ev[2].ev.role, AMF_ROLE_EXTERNAL);
        CHECK_UINT(d.ev[2].ev.depth, 1);
        CHECK_UINT(d.ev[2].ev.offset, 36);
        CHECK_INT(d.ev[5].ev.kind, AMF_EV_END);
        CHECK_UINT(d.ev[5].ev.count, 1);
        CHECK_UINT(d.ev[5].ev.length, 41);
    }
    decoded_free(&d);
    test_context("ArrayList and ObjectProxy");
    EXPECT_JSON(MODE_AMF3, "0a 07 37 " AL_NAME " 09 05 01 06 03 'a' 01",
                "{\"$class\":\"flex.messaging.io.ArrayList\",\"$external\":[\"a\",null]}");
    EXPECT_JSON(MODE_AMF3, "0a 07 3b " OP_NAME " 0a 0b 01 03 'a' 04 01 01",
                "{\"$class\":\"flex.messaging.io.ObjectProxy\",\"$external\":{\"a\":1}}");
    /* the wrapped value may be anything */
    EXPECT_JSON(MODE_AMF3, "0a 07 43 " AC_NAME " 01",
                "{\"$class\":\"flex.messaging.io.ArrayCollection\",\"$external\":null}");
    /* traits by reference; a reference back to the wrapper is a cycle */
    test_context("externalizable traits by reference");
    EXPECT_JSON_D(MODE_AMF3, "09 05 01 0a 07 37 " AL_NAME " 09 01 01 0a 01 09 03 01 0a 06",
                  "[{\"$class\":\"flex.messaging.io.ArrayList\",\"$external\":[]},"
                  "{\"$class\":\"flex.messaging.io.ArrayList\",\"$external\":[{\"$ref\":3}]}]", &d);
    int b = find_event(&d, AMF_EV_BEGIN, 3);
    if (CHECK(b >= 0)) {
        CHECK_UINT(d.ev[b].ev.flags & (AMF_F_EXTERNALIZABLE | AMF_F_TRAIT_REF),
                   AMF_F_EXTERNALIZABLE | AMF_F_TRAIT_REF);
        CHECK_ASTR(d.ev[b].ev.class_name, "flex.messaging.io.ArrayList");
    }
    decoded_free(&d);
    /* the class name sent as a string reference */
    EXPECT_JSON(MODE_AMF3, "09 05 01 06 37 " AL_NAME " 0a 07 00 04 03",
                "[\"flex.messaging.io.ArrayList\","
                "{\"$class\":\"flex.messaging.io.ArrayList\",\"$external\":3}]");
}

static void unknown_classes(void)
{
    decoded d;
    test_context("unknown externalizable class");
    EXPECT_FAIL_D(MODE_AMF3, "0a 07 03 'X' 05 00 00 00 00 00 00 00 00", AMF_UNSUPPORTED,
                  AMF_ERR_EXTERNALIZABLE,
                  "{\"$class\":\"X\",\"$external\":{\"$error\":\"unknown externalizable class X at "
                  "offset 0: its body has a private layout, so the rest of the message cannot be "
                  "decoded\"}}", &d);
    CHECK_UINT(d.res.length, 0);
    int e = find_event(&d, AMF_EV_ERROR, 0);
    if (CHECK(e >= 0)) {
        CHECK_INT(d.ev[e].ev.role, AMF_ROLE_EXTERNAL);
        CHECK_INT(d.ev[e].ev.status, AMF_UNSUPPORTED);
        CHECK_UINT(d.ev[e].ev.offset, 0);
        CHECK_UINT(d.ev[e].ev.length, 13);
        CHECK_UINT(d.ev[e].ev.depth, 1);
    }
    decoded_free(&d);
    /* names that are nearly known */
    EXPECT_FAIL(MODE_AMF3, "0a 07 07 'DSX'", AMF_UNSUPPORTED, AMF_ERR_EXTERNALIZABLE, NULL);
    EXPECT_FAIL(MODE_AMF3, "0a 07 41 'flex.messaging.io.ArrayCollectio'", AMF_UNSUPPORTED,
                AMF_ERR_EXTERNALIZABLE, NULL);
    EXPECT_FAIL(MODE_AMF3, "0a 07 05 'DS'", AMF_UNSUPPORTED, AMF_ERR_EXTERNALIZABLE, NULL);
    /* an anonymous externalizable object */
    EXPECT_FAIL(MODE_AMF3, "0a 07 01", AMF_UNSUPPORTED, AMF_ERR_EXTERNALIZABLE, NULL);
    /* unsupported even when not complete: more bytes would not help */
    amf_result res;
    size_t len;
    const uint8_t *buf = H("0a 07 03 'X'", &len);
    test_context("unknown externalizable class, incomplete buffer");
    CHECK_INT(decode_measure(MODE_AMF3, buf, len, false, NULL, &res), AMF_UNSUPPORTED);
    CHECK_INT(res.error, AMF_ERR_EXTERNALIZABLE);
}

typedef struct flag_event {
    uint32_t    offset;
    const char *level;
    uint32_t    group;
    uint32_t    value;
} flag_event;

static void expect_flags(const decoded *d, const flag_event *want, int n)
{
    CHECK_INT(count_events(d, AMF_EV_FLAGS, AMF_ERR_NONE), n);
    for (int k = 0; k < n; k++) {
        int e = find_event(d, AMF_EV_FLAGS, k);
        if (!CHECK(e >= 0))
            return;
        const amf_event *ev = &d->ev[e].ev;
        CHECK_UINT(ev->offset, want[k].offset);
        CHECK_UINT(ev->length, 1);
        CHECK_ASTR(ev->name, want[k].level);
        CHECK_UINT(ev->index, want[k].group);
        CHECK_UINT(ev->uinteger, want[k].value);
        CHECK_UINT(ev->depth, 1);
    }
}

static void expect_flex_warnings(const decoded *d, const uint32_t *offsets, int n)
{
    CHECK_INT(count_events(d, AMF_EV_WARNING, AMF_ERR_NONE), n);
    for (int k = 0; k < n; k++) {
        int e = find_event(d, AMF_EV_WARNING, k);
        if (!CHECK(e >= 0))
            return;
        CHECK_INT(d->ev[e].ev.error, AMF_WARN_FLEX_FLAGS);
        CHECK_UINT(d->ev[e].ev.offset, offsets[k]);
        CHECK_UINT(d->ev[e].ev.length, 1);
    }
}

static void small_messages(void)
{
    decoded d;
    test_context("DSK with no fields");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 00 00 00", "{\"$class\":\"DSK\",\"$external\":{}}", &d);
    {
        static const flag_event want[] = {
            { 6, "AbstractMessage", 0, 0 }, { 7, "AsyncMessage", 0, 0 },
            { 8, "AcknowledgeMessage", 0, 0 },
        };
        expect_flags(&d, want, 3);
        CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    }
    decoded_free(&d);

    /* AsyncMessageExt: two levels, no third flag byte */
    test_context("DSA");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSA' 01 06 03 'a' 01 06 03 'b'",
                  "{\"$class\":\"DSA\",\"$external\":{\"body\":\"a\",\"correlationId\":\"b\"}}", &d);
    {
        static const flag_event want[] = {
            { 6, "AbstractMessage", 0, 1 }, { 10, "AsyncMessage", 0, 1 },
        };
        expect_flags(&d, want, 2);
        int m = find_event(&d, AMF_EV_SCALAR, 1);
        if (CHECK(m >= 0)) {
            CHECK_INT(d.ev[m].ev.role, AMF_ROLE_MEMBER);
            CHECK_ASTR(d.ev[m].ev.name, "correlationId");
            CHECK_UINT(d.ev[m].ev.offset, 11);
            CHECK_UINT(d.ev[m].ev.name_length, 0);
        }
    }
    decoded_free(&d);

    test_context("DSC");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSC' 00 00 01 04 05",
                  "{\"$class\":\"DSC\",\"$external\":{\"operation\":5}}", &d);
    {
        static const flag_event want[] = {
            { 6, "AbstractMessage", 0, 0 }, { 7, "AsyncMessage", 0, 0 },
            { 8, "CommandMessage", 0, 1 },
        };
        expect_flags(&d, want, 3);
    }
    decoded_free(&d);

    test_context("AbstractMessage: every field of the first flag byte");
    EXPECT_JSON(MODE_AMF3,
                "0a 07 07 'DSK' 7f 01 06 03 'c' 06 03 'd' 0a 0b 01 01 06 03 'm' 04 05 04 06 00 00",
                "{\"$class\":\"DSK\",\"$external\":{\"body\":null,\"clientId\":\"c\",\"destination\":\"d\","
                "\"headers\":{},\"messageId\":\"m\",\"timestamp\":5,\"timeToLive\":6}}");

    test_context("a second flag byte");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 81 03 04 01 0c 03 aa 0c 03 bb 00 00",
                  "{\"$class\":\"DSK\",\"$external\":{\"body\":1,\"clientIdBytes\":{\"$bytes\":\"qg==\"},"
                  "\"messageIdBytes\":{\"$bytes\":\"uw==\"}}}", &d);
    {
        static const flag_event want[] = {
            { 6, "AbstractMessage", 0, 0x81 }, { 7, "AbstractMessage", 1, 0x03 },
            { 16, "AsyncMessage", 0, 0 }, { 17, "AcknowledgeMessage", 0, 0 },
        };
        expect_flags(&d, want, 4);
        CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    }
    decoded_free(&d);

    /* unknown bits 2-5 of the second byte each announce one value (bit 6
     * announces none: readers stop at bit 5) */
    test_context("unknown bits in the second flag byte");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 81 64 04 01 04 07 04 08 00 00",
                  "{\"$class\":\"DSK\",\"$external\":{\"body\":1,\"unknown field (bit 2)\":7,"
                  "\"unknown field (bit 5)\":8}}", &d);
    {
        static const uint32_t warn_at[] = { 7 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);

    test_context("a third flag byte");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 80 80 21 04 02 04 03 00 00",
                  "{\"$class\":\"DSK\",\"$external\":{\"unknown field (bit 0)\":2,"
                  "\"unknown field (bit 5)\":3}}", &d);
    {
        static const flag_event want[] = {
            { 6, "AbstractMessage", 0, 0x80 }, { 7, "AbstractMessage", 1, 0x80 },
            { 8, "AbstractMessage", 2, 0x21 }, { 13, "AsyncMessage", 0, 0 },
            { 14, "AcknowledgeMessage", 0, 0 },
        };
        expect_flags(&d, want, 5);
        static const uint32_t warn_at[] = { 8 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);

    test_context("unknown bits at the AsyncMessage level");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSA' 00 05 06 03 'c' 04 03",
                  "{\"$class\":\"DSA\",\"$external\":{\"correlationId\":\"c\",\"unknown field (bit 2)\":3}}",
                  &d);
    {
        static const uint32_t warn_at[] = { 7 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);
    /* a second AsyncMessage byte: every bit unknown */
    test_context("a second AsyncMessage flag byte");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSA' 00 82 01 01 04 04",
                  "{\"$class\":\"DSA\",\"$external\":{\"correlationIdBytes\":null,"
                  "\"unknown field (bit 0)\":4}}", &d);
    {
        static const uint32_t warn_at[] = { 8 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);

    test_context("unknown bits at the AcknowledgeMessage level");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 00 00 01 04 09",
                  "{\"$class\":\"DSK\",\"$external\":{\"unknown field (bit 0)\":9}}", &d);
    {
        static const uint32_t warn_at[] = { 8 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);

    test_context("unknown bits at the CommandMessage level");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSC' 00 00 03 04 05 04 06",
                  "{\"$class\":\"DSC\",\"$external\":{\"operation\":5,\"unknown field (bit 1)\":6}}", &d);
    {
        static const uint32_t warn_at[] = { 8 };
        expect_flex_warnings(&d, warn_at, 1);
    }
    decoded_free(&d);

    /* bit 6 of the first AbstractMessage byte is timeToLive, not unknown */
    test_context("timeToLive");
    EXPECT_JSON_D(MODE_AMF3, "0a 07 07 'DSK' 40 04 0a 00 00",
                  "{\"$class\":\"DSK\",\"$external\":{\"timeToLive\":10}}", &d);
    CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    decoded_free(&d);

    /* a small message inside a message body */
    test_context("DSK as a member value");
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 03 'm' 0a 07 07 'DSK' 01 04 01 00 00 01",
                "{\"m\":{\"$class\":\"DSK\",\"$external\":{\"body\":1}}}");
    /* a field that fails: the error is that field's value */
    test_context("DSK field fails");
    EXPECT_FAIL(MODE_AMF3, "0a 07 07 'DSK' 01 12", AMF_MALFORMED, AMF_ERR_BAD_MARKER,
                "{\"$class\":\"DSK\",\"$external\":{\"body\":{\"$error\":\"unknown AMF3 type marker "
                "0x12 at offset 7\"}}}");
}

void test_external(void)
{
    wrappers();
    unknown_classes();
    small_messages();
}
