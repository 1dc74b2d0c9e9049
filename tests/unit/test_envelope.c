/* test_envelope.c
 * Request/response roles of envelope messages (amf_envelope.c): a request
 * names a response URI, its answer targets "<URI>/onResult" or
 * "<URI>/onStatus".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include "amf_envelope.h"

#include <string.h>

static amf_str S(const char *text)
{
    amf_str s = { text, (uint32_t)strlen(text) };
    return s;
}

static void classify(void)
{
    amf_str key;
    test_context("classify");
    CHECK_INT(amf_envelope_classify(S("catalog.getItems"), S("/1"), &key), AMF_ENVELOPE_REQUEST);
    CHECK_ASTR(key, "/1");
    CHECK_INT(amf_envelope_classify(S("null"), S("/4"), &key), AMF_ENVELOPE_REQUEST);
    CHECK_ASTR(key, "/4");
    CHECK_INT(amf_envelope_classify(S("/1/onResult"), S("null"), &key), AMF_ENVELOPE_RESULT);
    CHECK_ASTR(key, "/1");
    CHECK_INT(amf_envelope_classify(S("/12/onStatus"), S(""), &key), AMF_ENVELOPE_STATUS);
    CHECK_ASTR(key, "/12");
    /* Nothing before the suffix, no response URI: pairs with nothing. */
    CHECK_INT(amf_envelope_classify(S("/onResult"), S("null"), &key), AMF_ENVELOPE_OTHER);
    CHECK_UINT(key.len, 0);
    CHECK_INT(amf_envelope_classify(S("/onDebugEvents"), S("null"), &key), AMF_ENVELOPE_OTHER);
    CHECK_INT(amf_envelope_classify(S("svc.op"), S(""), &key), AMF_ENVELOPE_OTHER);
    CHECK_STR(amf_envelope_role_name(AMF_ENVELOPE_STATUS), "status");
}

static void scan(void)
{
    size_t len;
    amf_config cfg;
    amf_config_init(&cfg);
    amf_envelope env;

    test_context("scan: a request with a header and two messages");
    const uint8_t *buf = H("00 03 00 01"
                           " 00 04 'Cred' 00 00 00 00 01 05"
                           " 00 02"
                           " 00 01 'a' 00 02 '/1' 00 00 00 01 05"
                           " 00 01 'b' 00 02 '/2' ff ff ff ff 01 01",
                           &len);
    CHECK_INT(amf_envelope_scan(&cfg, buf, len, &env), AMF_OK);
    if (CHECK_UINT(env.count, 2)) {
        CHECK_ASTR(env.messages[0].target, "a");
        CHECK_ASTR(env.messages[0].response, "/1");
        CHECK_INT(env.messages[0].role, AMF_ENVELOPE_REQUEST);
        CHECK_ASTR(env.messages[0].key, "/1");
        CHECK_UINT(env.messages[0].offset, 18);
        CHECK_UINT(env.messages[0].length, 12);
        CHECK_ASTR(env.messages[1].key, "/2");
        CHECK_UINT(env.messages[1].offset, 30);
        CHECK_UINT(env.messages[1].length, 13);
    }
    CHECK_UINT(env.seen, 2);

    test_context("scan: an answer and a fault");
    buf = H("00 03 00 00 00 02"
            " 00 0b '/1/onResult' 00 04 'null' 00 00 00 01 05"
            " 00 0b '/2/onStatus' 00 04 'null' 00 00 00 01 06",
            &len);
    CHECK_INT(amf_envelope_scan(&cfg, buf, len, &env), AMF_OK);
    if (CHECK_UINT(env.count, 2)) {
        CHECK_INT(env.messages[0].role, AMF_ENVELOPE_RESULT);
        CHECK_ASTR(env.messages[0].key, "/1");
        CHECK_INT(env.messages[1].role, AMF_ENVELOPE_STATUS);
        CHECK_ASTR(env.messages[1].key, "/2");
    }

    test_context("scan: a message cut inside its value keeps its URIs");
    buf = H("00 03 00 00 00 01 00 01 'a' 00 02 '/7' 00 00 00 09 00 40", &len);
    CHECK_INT(amf_envelope_scan(&cfg, buf, len, &env), AMF_MALFORMED);
    if (CHECK_UINT(env.count, 1))
        CHECK_ASTR(env.messages[0].key, "/7");
}

void test_envelope(void)
{
    classify();
    scan();
}
