/* test_fixtures.c
 * RocketAMF's fixtures (shared/vectors/rocketamf): every file decodes to the
 * amf.json its spec files (deserializer_spec.rb, serializer_spec.rb,
 * remoting_spec.rb, messages_spec.rb, flash/Encoder.as) describe, written
 * through the JSON mapping of docs/design.md.  Member order is wire order.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

typedef struct fixture {
    const char *file;            /* under objects/ or request/ */
    test_mode   mode;
    const char *json;
    amf_status  status;          /* AMF_OK unless noted */
} fixture;

#define ACK_ID  "7B0ACE15-8D57-6AE5-B9D4-99C2D32C8246"
#define XML_DOC "<parent><child prop=\\\"test\\\" /></parent>"
#define XML_E4X "<parent><child prop=\\\"test\\\"/></parent>"
#define ASCLASS(foo) "{\"$class\":\"org.amf.ASClass\",\"baz\":null,\"foo\":\"" foo "\"}"
#define AC(v) "{\"$class\":\"flex.messaging.io.ArrayCollection\",\"$external\":" v "}"
#define EPOCH "{\"$date\":\"1970-01-01T00:00:00.000Z\"}"

static const fixture object_fixtures[] = {
    /* deserializer_spec.rb, AMF0 */
    { "amf0-number.bin", MODE_AMF0, "3.5", AMF_OK },
    { "amf0-boolean.bin", MODE_AMF0, "true", AMF_OK },
    { "amf0-string.bin", MODE_AMF0, "\"this is a \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\"", AMF_OK },
    { "amf0-null.bin", MODE_AMF0, "null", AMF_OK },
    { "amf0-undefined.bin", MODE_AMF0, "{\"$undefined\":true}", AMF_OK },
    /* Encoder.as writes these as Arrays with string keys: ECMA arrays. */
    { "amf0-hash.bin", MODE_AMF0, "{\"$ecma\":{\"a\":\"b\",\"c\":\"d\"}}", AMF_OK },
    { "amf0-empty-string-key-hash.bin", MODE_AMF0,
      "{\"$ecma\":{\"c\":\"d\",\"a\":\"b\",\"\":\"last\"}}", AMF_OK },
    { "amf0-ecma-ordinal-array.bin", MODE_AMF0,
      "{\"$ecma\":{\"0\":\"a\",\"1\":\"b\",\"2\":\"c\",\"3\":\"d\"}}", AMF_OK },
    { "amf0-strict-array.bin", MODE_AMF0, "[\"a\",\"b\",\"c\",\"d\"]", AMF_OK },
    /* Time.utc(2003, 2, 13, 5) */
    { "amf0-time.bin", MODE_AMF0, "{\"$date\":\"2003-02-13T05:00:00.000Z\"}", AMF_OK },
    /* serializer_spec.rb: Date.civil(2020, 5, 30); time zone field 0x00f0 */
    { "amf0-date.bin", MODE_AMF0, "{\"$date\":\"2020-05-30T00:00:00.000Z\"}", AMF_OK },
    { "amf0-xml-doc.bin", MODE_AMF0, "{\"$xmldoc\":\"" XML_DOC "\"}", AMF_OK },
    { "amf0-object.bin", MODE_AMF0, "{\"bar\":3.14,\"foo\":\"baz\"}", AMF_OK },
    { "amf0-untyped-object.bin", MODE_AMF0, "{\"baz\":null,\"foo\":\"bar\"}", AMF_OK },
    { "amf0-typed-object.bin", MODE_AMF0, ASCLASS("bar"), AMF_OK },
    /* output["0"] === output["1"]: a reference, written in full */
    { "amf0-ref-test.bin", MODE_AMF0,
      "{\"0\":{\"bar\":3.14,\"foo\":\"baz\"},\"1\":{\"bar\":3.14,\"foo\":\"baz\"}}", AMF_OK },
    /* serializer_spec.rb: {:shift => "Shift テスト", :utf => "UTF テスト", :zed => 5} */
    { "amf0-complex-encoded-string.bin", MODE_AMF0,
      "{\"shift\":\"Shift \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\","
      "\"utf\":\"UTF \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\",\"zed\":5}", AMF_OK },

    /* deserializer_spec.rb, AMF3 simple messages */
    { "amf3-null.bin", MODE_AMF3, "null", AMF_OK },
    { "amf3-false.bin", MODE_AMF3, "false", AMF_OK },
    { "amf3-true.bin", MODE_AMF3, "true", AMF_OK },
    { "amf3-max.bin", MODE_AMF3, "268435455", AMF_OK },
    { "amf3-0.bin", MODE_AMF3, "0", AMF_OK },
    { "amf3-min.bin", MODE_AMF3, "-268435456", AMF_OK },
    { "amf3-large-max.bin", MODE_AMF3, "268435456", AMF_OK },
    { "amf3-large-min.bin", MODE_AMF3, "-268435457", AMF_OK },
    /* 2**1000, the shortest text that reads back as the same double */
    { "amf3-bigNum.bin", MODE_AMF3, "1.0715086071862673e+301", AMF_OK },
    { "amf3-float.bin", MODE_AMF3, "3.5", AMF_OK },
    { "amf3-string.bin", MODE_AMF3, "\"String . String\"", AMF_OK },
    { "amf3-symbol.bin", MODE_AMF3, "\"foo\"", AMF_OK },
    { "amf3-date.bin", MODE_AMF3, EPOCH, AMF_OK },
    { "amf3-xml-doc.bin", MODE_AMF3, "{\"$xmldoc\":\"" XML_DOC "\"}", AMF_OK },
    { "amf3-xml.bin", MODE_AMF3, "{\"$xml\":\"" XML_E4X "\"}", AMF_OK },

    /* objects */
    { "amf3-dynamic-object.bin", MODE_AMF3,
      "{\"another_public_property\":\"a_public_value\",\"nil_property\":null,"
      "\"property_one\":\"foo\"}", AMF_OK },
    { "amf3-typed-object.bin", MODE_AMF3, ASCLASS("bar"), AMF_OK },
    /* ExternalizableTest writes two doubles of its own: a private layout */
    { "amf3-externalizable.bin", MODE_AMF3,
      "[{\"$class\":\"ExternalizableTest\",\"$external\":{\"$error\":\"unknown externalizable "
      "class ExternalizableTest at offset 3: its body has a private layout, so the rest of the "
      "message cannot be decoded\"}}]", AMF_UNSUPPORTED },
    { "amf3-hash.bin", MODE_AMF3, "{\"answer\":42,\"foo\":\"bar\"}", AMF_OK },
    { "amf3-empty-array.bin", MODE_AMF3, "[]", AMF_OK },
    { "amf3-primitive-array.bin", MODE_AMF3, "[1,2,3,4,5]", AMF_OK },
    { "amf3-associative-array.bin", MODE_AMF3,
      "{\"$assoc\":{\"asdf\":\"fdsa\",\"foo\":\"bar\",\"42\":\"bar\"},"
      "\"$dense\":[\"bar1\",\"bar2\",\"bar3\"]}", AMF_OK },
    { "amf3-mixed-array.bin", MODE_AMF3,
      "[{\"foo_one\":\"bar_one\"},{\"foo_two\":\"\"},{\"foo_three\":42},{},"
      "[{\"foo_one\":\"bar_one\"},{\"foo_two\":\"\"},{\"foo_three\":42}],[],42,\"\",[],\"\",{},"
      "\"bar_one\",{\"foo_three\":42}]", AMF_OK },
    { "amf3-array-collection.bin", MODE_AMF3, AC("[\"foo\",\"bar\"]"), AMF_OK },
    { "amf3-complex-array-collection.bin", MODE_AMF3,
      "[" AC("[\"foo\",\"bar\"]") ","
      AC("[" ASCLASS("bar") "," ASCLASS("asdf") "]") ","
      AC("[" ASCLASS("bar") "," ASCLASS("asdf") "]") "]", AMF_OK },
    /* "\000\003これtest\100" */
    { "amf3-byte-array.bin", MODE_AMF3, "{\"$bytes\":\"AAPjgZPjgox0ZXN0QA==\"}", AMF_OK },
    { "amf3-empty-dictionary.bin", MODE_AMF3, "{\"$dictionary\":[],\"$weak\":false}", AMF_OK },
    /* d["bar"] = "asdf1"; d[new ASClass("baz")] = "asdf2" */
    { "amf3-dictionary.bin", MODE_AMF3,
      "{\"$dictionary\":[[\"bar\",\"asdf1\"],[" ASCLASS("baz") ",\"asdf2\"]],\"$weak\":false}",
      AMF_OK },
    { "amf3-vector-int.bin", MODE_AMF3, "{\"$vector\":\"int\",\"$fixed\":false,\"$items\":[4,-20,12]}",
      AMF_OK },
    { "amf3-vector-uint.bin", MODE_AMF3, "{\"$vector\":\"uint\",\"$fixed\":false,\"$items\":[4,20,12]}",
      AMF_OK },
    { "amf3-vector-double.bin", MODE_AMF3,
      "{\"$vector\":\"Number\",\"$fixed\":false,\"$items\":[4.3,-20.6]}", AMF_OK },
    { "amf3-vector-object.bin", MODE_AMF3,
      "{\"$vector\":\"Object\",\"$type\":\"org.amf.ASClass\",\"$fixed\":false,\"$items\":["
      ASCLASS("foo") "," ASCLASS("bar") "," ASCLASS("baz") "]}", AMF_OK },

    /* "and implementing the AMF Spec" */
    { "amf3-string-ref.bin", MODE_AMF3,
      "[\"foo\",\"str\",\"foo\",\"str\",\"foo\",{\"str\":\"foo\"}]", AMF_OK },
    { "amf3-empty-string-ref.bin", MODE_AMF3, "[\"\",\"\"]", AMF_OK },
    { "amf3-date-ref.bin", MODE_AMF3, "[" EPOCH "," EPOCH "]", AMF_OK },
    { "amf3-object-ref.bin", MODE_AMF3,
      "[[{\"foo\":\"bar\"},{\"foo\":\"bar\"}],\"bar\",[{\"foo\":\"bar\"},{\"foo\":\"bar\"}]]", AMF_OK },
    { "amf3-trait-ref.bin", MODE_AMF3, "[" ASCLASS("foo") "," ASCLASS("bar") "]", AMF_OK },
    { "amf3-array-ref.bin", MODE_AMF3,
      "[[1,2,3],[\"a\",\"b\",\"c\"],[1,2,3],[\"a\",\"b\",\"c\"]]", AMF_OK },
    { "amf3-empty-array-ref.bin", MODE_AMF3, "[[],[],[],[]]", AMF_OK },
    { "amf3-xml-ref.bin", MODE_AMF3,
      "[{\"$xml\":\"" XML_E4X "\"},{\"$xml\":\"" XML_E4X "\"}]", AMF_OK },
    { "amf3-byte-array-ref.bin", MODE_AMF3,
      "[{\"$bytes\":\"QVNERg==\"},{\"$bytes\":\"QVNERg==\"}]", AMF_OK },
    /* children[0].parent === the top object: a cycle */
    { "amf3-graph-member.bin", MODE_AMF3,
      "{\"children\":[{\"children\":[],\"parent\":{\"$ref\":0}},"
      "{\"children\":[],\"parent\":{\"$ref\":0}}],\"parent\":null}", AMF_OK },
    { "amf3-complex-encoded-string-array.bin", MODE_AMF3,
      "[5,\"Shift \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\",\"UTF \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\",5]",
      AMF_OK },
    { "amf3-encoded-string-ref.bin", MODE_AMF3,
      "[\"this is a \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\",\"this is a \xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88\"]",
      AMF_OK },
};

#define PKT(version, messages) "{\"$packet\":{\"version\":" #version ",\"headers\":[],\"messages\":[" messages "]}}"
#define MSG(target, response, body) "{\"target\":\"" target "\",\"response\":\"" response "\",\"body\":" body "}"
#define CALL_ARGS "[\"first_arg\",\"second_arg\"]"

static const fixture request_fixtures[] = {
    /* remoting_spec.rb: messageId, body == [true], WritesController.save */
    { "remotingMessage.bin", MODE_PACKET,
      PKT(3, MSG("null", "/2",
          "[{\"$class\":\"flex.messaging.messages.RemotingMessage\",\"operation\":\"save\","
          "\"source\":\"WritesController\",\"messageId\":\"FE4AF2BC-DD3C-5470-05D8-9971D51FF89D\","
          "\"clientId\":null,\"body\":[true],\"timeToLive\":0,\"timestamp\":0,"
          "\"destination\":\"rubyamf\",\"headers\":{\"DSEndpoint\":null,\"DSId\":\"nil\"}}]")),
      AMF_OK },
    /* messageId 7B0ACE15-..., body == {} (operation 5: ping) */
    { "commandMessage.bin", MODE_PACKET,
      PKT(3, MSG("null", "/1",
          "[{\"$class\":\"flex.messaging.messages.CommandMessage\",\"operation\":5,"
          "\"correlationId\":\"\",\"messageId\":\"" ACK_ID "\",\"clientId\":null,\"body\":{},"
          "\"timeToLive\":0,\"timestamp\":0,\"destination\":\"\","
          "\"headers\":{\"DSMessagingVersion\":1,\"DSId\":\"nil\"}}]")),
      AMF_OK },
    /* "CommandMessage 10000 not implemented" */
    { "unsupportedCommandMessage.bin", MODE_PACKET,
      PKT(3, MSG("null", "/1",
          "[{\"$class\":\"flex.messaging.messages.CommandMessage\",\"operation\":10000,"
          "\"correlationId\":null,\"messageId\":\"" ACK_ID "\",\"clientId\":null,\"body\":{},"
          "\"timeToLive\":0,\"timestamp\":0,\"destination\":\"\","
          "\"headers\":{\"DSMessagingVersion\":1,\"DSId\":\"nil\"}}]")),
      AMF_OK },
    /* call('TestController.test', 'first_arg', 'second_arg') */
    { "simple-request.bin", MODE_PACKET,
      PKT(0, MSG("TestController.test", "/1", CALL_ARGS)), AMF_OK },
    { "multiple-simple-request.bin", MODE_PACKET,
      PKT(0, MSG("TestController.test", "/1", CALL_ARGS) ","
             MSG("TestController.test2", "/2", CALL_ARGS)), AMF_OK },
    /* call_flex, timestamp 0, messageId 9D108E33-... */
    { "flex-request.bin", MODE_PACKET,
      PKT(3, MSG("null", "/2",
          "{\"$class\":\"flex.messaging.messages.RemotingMessage\",\"body\":" CALL_ARGS ","
          "\"clientId\":null,\"destination\":null,\"headers\":{},"
          "\"messageId\":\"9D108E33-B591-BE79-210D-F1A72D06B578\",\"operation\":\"test\","
          "\"source\":\"TestController\",\"timeToLive\":0,\"timestamp\":0}")),
      AMF_OK },
    /* Message.new('/1/onResult', '', 'hello') */
    { "simple-response.bin", MODE_PACKET, PKT(3, MSG("/1/onResult", "", "\"hello\"")), AMF_OK },
    /* AcknowledgeMessage: clientId = messageId = 7B0ACE15-..., timestamp 0 */
    { "acknowledge-response.bin", MODE_PACKET,
      PKT(3, MSG("/1/onResult", "",
          "{\"$class\":\"flex.messaging.messages.AcknowledgeMessage\",\"body\":null,"
          "\"clientId\":\"" ACK_ID "\",\"correlationId\":null,\"destination\":null,"
          "\"headers\":{},\"messageId\":\"" ACK_ID "\",\"timeToLive\":0,\"timestamp\":0}")),
      AMF_OK },
    /* ErrorMessage as an AMF0 hash: faultCode, faultDetail, faultString */
    { "amf0-error-response.bin", MODE_PACKET,
      PKT(0, MSG("1/onStatus", "",
          "{\"faultCode\":\"Exception\",\"faultDetail\":\"Backtrace 1\\nBacktrace 2\","
          "\"faultString\":\"Error message\"}")),
      AMF_OK },
    /* messages_spec.rb: AcknowledgeMessageExt (DSK), clientId
     * 8814a067-fe0d-3a9c-a274-4aaed9bd7b0b (as clientIdBytes), body =~ /xmlsoap\.org/ */
    { "blaze-response.bin", MODE_PACKET,
      PKT(3, MSG("/33/onResult", "",
          "{\"$class\":\"DSK\",\"$external\":{\"body\":\"<env:Envelope xmlns:env='http://schemas."
          "xmlsoap.org/soap/envelope/'><env:Header></env:Header><env:Body><getConfigStringResponse "
          "xmlns=\\\"urn:com:myca:si\\\"><result>48</result></getConfigStringResponse></env:Body>"
          "</env:Envelope>\",\"timestamp\":1306275431838,"
          "\"clientIdBytes\":{\"$bytes\":\"iBSgZ/4NOpyidEqu2b17Cw==\"},"
          "\"messageIdBytes\":{\"$bytes\":\"iBfu9r4NhGIX8Ti2pDQU3g==\"},"
          "\"correlationIdBytes\":{\"$bytes\":\"e7AbwMg2j017RyQVQzVxCQ==\"}}}")),
      AMF_OK },
};

static const fixture *find_fixture(const fixture *list, size_t n, const char *file)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i].file, file) == 0)
            return &list[i];
    }
    return NULL;
}

static void check_fixture(const char *dir, const char *sub, const fixture *fx)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rocketamf/%s/%s", dir, sub, fx->file);
    test_context("%s/%s", sub, fx->file);
    size_t len;
    uint8_t *buf = read_file(path, &len);
    if (!CHECK(buf != NULL))
        return;
    decoded d;
    decode_rec(&d, fx->mode, buf, len, true, DEC_EVENTS | DEC_JSON, NULL);
    CHECK_INT(d.status, fx->status);
    CHECK_STR(d.json, fx->json);
    CHECK_JSON_VALID(d.json, d.json_len);
    CHECK_SHAPE(&d);
    if (fx->status == AMF_OK) {
        CHECK_UINT(d.res.length, len);
        CHECK_INT(count_events(&d, AMF_EV_WARNING, AMF_ERR_NONE), 0);
    }
    /* Measuring gives the same answer, complete or not. */
    amf_result m;
    CHECK_INT(decode_measure(fx->mode, buf, len, true, NULL, &m), fx->status);
    CHECK_UINT(m.length, d.res.length);
    CHECK_UINT(m.values, d.res.values);
    if (fx->status == AMF_OK) {
        CHECK_INT(decode_measure(fx->mode, buf, len, false, NULL, &m), AMF_OK);
        CHECK_UINT(m.length, len);
    }
    decoded_free(&d);
}

/* Facts the spec files state beyond the JSON: which values are references
 * (to what), which strings come from the string table, time zones. */
static void check_reference_semantics(const char *dir)
{
    char path[1024];
    size_t len;
    uint8_t *buf;
    decoded d;
    int i;

#define LOAD(name)                                                              \
    snprintf(path, sizeof path, "%s/rocketamf/objects/%s", dir, name);          \
    test_context("objects/%s semantics", name);                                 \
    buf = read_file(path, &len);                                                \
    if (!CHECK(buf != NULL))                                                    \
        return;

    /* output["0"] === output["1"]: "1" is AMF0 reference #1 to the object at 4 */
    LOAD("amf0-ref-test.bin");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS, NULL);
    CHECK_INT(count_events(&d, AMF_EV_REFERENCE, AMF_ERR_NONE), 1);
    i = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(i >= 0)) {
        const amf_event *ev = &d.ev[i].ev;
        CHECK_UINT(ev->object_index, 1);
        CHECK_INT(ev->type, AMF_TYPE_OBJECT);
        CHECK_UINT(ev->target_offset, 4);
        CHECK_UINT(ev->target_length, 29);
        CHECK_UINT(ev->flags & AMF_F_CYCLE, 0);
        CHECK_ASTR(ev->name, "1");
        CHECK_UINT(ev->offset, 36);
        CHECK_UINT(ev->length, 3);
        CHECK_UINT(ev->node, d.ev[find_event(&d, AMF_EV_BEGIN, 1)].ev.node);
    }
    decoded_free(&d);

    /* Time.utc(2003, 2, 13, 5), time zone field 0x012c as sent */
    LOAD("amf0-time.bin");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS, NULL);
    if (CHECK_INT(d.n, 1)) {
        CHECK_DBL(d.ev[0].ev.number, 1045112400000.0);
        CHECK_INT(d.ev[0].ev.timezone, 300);
        CHECK_INT(d.ev[0].ev.type, AMF_TYPE_DATE);
    }
    decoded_free(&d);
    LOAD("amf0-date.bin");
    decode_rec(&d, MODE_AMF0, buf, len, true, DEC_EVENTS, NULL);
    if (CHECK_INT(d.n, 1)) {
        CHECK_DBL(d.ev[0].ev.number, 1590796800000.0);
        CHECK_INT(d.ev[0].ev.timezone, 240);
    }
    decoded_free(&d);

    /* [foo, bar, foo, bar, foo, {str: foo}]: strings 3-5 and the member
     * name and value are string-table references */
    LOAD("amf3-string-ref.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    {
        static const struct { bool ref; uint32_t index; const char *text; } want[] = {
            { false, 0, "foo" }, { false, 0, "str" }, { true, 0, "foo" },
            { true, 1, "str" }, { true, 0, "foo" }, { true, 0, "foo" },
        };
        int k = 0;
        for (size_t e = 0; e < d.n && k < 6; e++) {
            const amf_event *ev = &d.ev[e].ev;
            if (ev->kind != AMF_EV_SCALAR || ev->type != AMF_TYPE_STRING)
                continue;
            CHECK_UINT(!!(ev->flags & AMF_F_STRING_REF), want[k].ref);
            CHECK_UINT(ev->str_ref, want[k].index);
            CHECK_ASTR(ev->str, want[k].text);
            if (k == 5) {
                CHECK_UINT(ev->flags & AMF_F_NAME_REF, AMF_F_NAME_REF);
                CHECK_UINT(ev->name_ref, 1);
                CHECK_ASTR(ev->name, "str");
                CHECK_UINT(ev->name_offset, 22);
                CHECK_UINT(ev->name_length, 1);
            }
            k++;
        }
        CHECK_INT(k, 6);
    }
    decoded_free(&d);

    /* ["", ""]: the empty string is never sent as a reference */
    LOAD("amf3-empty-string-ref.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    CHECK_INT(d.n, 4);
    for (size_t e = 0; e < d.n; e++) {
        if (d.ev[e].ev.kind == AMF_EV_SCALAR) {
            CHECK_UINT(d.ev[e].ev.flags & AMF_F_STRING_REF, 0);
            CHECK_UINT(d.ev[e].ev.str.len, 0);
        }
    }
    decoded_free(&d);

    /* output[0].equal?(output[1]): the second date is object reference #1 */
    LOAD("amf3-date-ref.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    i = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(i >= 0)) {
        CHECK_INT(d.ev[i].ev.type, AMF_TYPE_DATE);
        CHECK_UINT(d.ev[i].ev.object_index, 1);
        CHECK_DBL(d.ev[i].ev.number, 0.0);
        CHECK_UINT(d.ev[i].ev.target_offset, 3);
        CHECK_UINT(d.ev[i].ev.target_length, 10);
        CHECK_UINT(d.ev[i].ev.offset, 13);
        CHECK_UINT(d.ev[i].ev.length, 2);
    }
    decoded_free(&d);

    /* output[0].object_id == output[1].object_id, string "ASDF" */
    LOAD("amf3-byte-array-ref.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    i = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(i >= 0)) {
        CHECK_INT(d.ev[i].ev.type, AMF_TYPE_BYTE_ARRAY);
        CHECK_UINT(d.ev[i].ev.object_index, 1);
        CHECK_ASTR(d.ev[i].ev.str, "ASDF");
    }
    decoded_free(&d);

    /* second ASClass sends its traits as reference #0 */
    LOAD("amf3-trait-ref.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    for (int k = 0; k < 2; k++) {
        int t = find_event(&d, AMF_EV_TRAITS, k);
        if (!CHECK(t >= 0))
            break;
        const rec_event *te = &d.ev[t];
        CHECK_UINT(te->ev.trait_index, 0);
        CHECK_UINT(te->ev.flags & AMF_F_TRAIT_REF, k ? AMF_F_TRAIT_REF : 0);
        CHECK_ASTR(te->ev.class_name, "org.amf.ASClass");
        if (CHECK_UINT(te->ev.sealed_count, 2)) {
            CHECK_ASTR(te->sealed[0].name, "baz");
            CHECK_ASTR(te->sealed[1].name, "foo");
            /* the names' bytes are in the first object's traits */
            CHECK_UINT(te->sealed[0].offset, 21);
            CHECK_UINT(te->sealed[0].length, 4);
            CHECK_UINT(te->sealed[1].offset, 25);
        }
    }
    decoded_free(&d);

    /* children[i].parent === the top object (#0), still open: a cycle */
    LOAD("amf3-graph-member.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    CHECK_INT(count_events(&d, AMF_EV_REFERENCE, AMF_ERR_NONE), 2);
    for (int k = 0; k < 2; k++) {
        i = find_event(&d, AMF_EV_REFERENCE, k);
        if (!CHECK(i >= 0))
            break;
        CHECK_UINT(d.ev[i].ev.object_index, 0);
        CHECK_UINT(d.ev[i].ev.flags & AMF_F_CYCLE, AMF_F_CYCLE);
        CHECK_UINT(d.ev[i].ev.target_offset, 0);
        CHECK_UINT(d.ev[i].ev.target_length, 0);
        CHECK_UINT(d.ev[i].ev.depth, 3);
        CHECK_ASTR(d.ev[i].ev.name, "parent");
    }
    decoded_free(&d);

    /* output[2] === output[1]: the third element references ArrayCollection #3 */
    LOAD("amf3-complex-array-collection.bin");
    decode_rec(&d, MODE_AMF3, buf, len, true, DEC_EVENTS, NULL);
    i = find_event(&d, AMF_EV_REFERENCE, 0);
    if (CHECK(i >= 0)) {
        CHECK_UINT(d.ev[i].ev.object_index, 3);
        CHECK_ASTR(d.ev[i].ev.class_name, "flex.messaging.io.ArrayCollection");
        CHECK_UINT(d.ev[i].ev.index, 2);
        CHECK_UINT(d.ev[i].ev.target_offset, 52);
        CHECK_UINT(d.ev[i].ev.target_length, 40);
    }
    decoded_free(&d);
#undef LOAD
}

/* Every fixture file in the directory has an expectation here, and every
 * expectation a file. */
static void check_directory(const char *dir, const char *sub, const fixture *list, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rocketamf/%s", dir, sub);
    test_context("directory %s", path);
    DIR *dp = opendir(path);
    if (!CHECK(dp != NULL))
        return;
    size_t seen = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 4, ".bin") != 0)
            continue;
        const fixture *fx = find_fixture(list, n, de->d_name);
        test_context("%s/%s has an expectation", sub, de->d_name);
        if (!CHECK(fx != NULL))
            continue;
        seen++;
        check_fixture(dir, sub, fx);
    }
    closedir(dp);
    test_context("directory %s", path);
    CHECK_UINT(seen, n);
}

void test_fixtures(const char *dir)
{
    check_directory(dir, "objects", object_fixtures,
                    sizeof object_fixtures / sizeof *object_fixtures);
    check_directory(dir, "request", request_fixtures,
                    sizeof request_fixtures / sizeof *request_fixtures);
    check_reference_semantics(dir);
}
