/* test_frame.c
 * Framing (amf_frame.h): measuring each framing, policy-file text, and
 * detection of a stream's framing from its first bytes, strict and not, on
 * AMF and on what is not AMF (random bytes, HTTP, TLS, SSH, ...).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

static const amf_framing U32BE3 = { AMF_FRAME_LENGTH, 4, false, false, AMF_VERSION_3 };
static const amf_framing U32LE3 = { AMF_FRAME_LENGTH, 4, true, false, AMF_VERSION_3 };
static const amf_framing U32BE0I = { AMF_FRAME_LENGTH, 4, false, true, AMF_VERSION_0 };
static const amf_framing U16BE0 = { AMF_FRAME_LENGTH, 2, false, false, AMF_VERSION_0 };
static const amf_framing U16LE3 = { AMF_FRAME_LENGTH, 2, true, false, AMF_VERSION_3 };
static const amf_framing U16LE0I = { AMF_FRAME_LENGTH, 2, true, true, AMF_VERSION_0 };
static const amf_framing BARE3 = { AMF_FRAME_BARE, 0, false, false, AMF_VERSION_3 };
static const amf_framing BARE0 = { AMF_FRAME_BARE, 0, false, false, AMF_VERSION_0 };
static const amf_framing PACKET = { AMF_FRAME_PACKET, 0, false, false, AMF_VERSION_0 };

static void names(void)
{
    test_context("framing names");
    CHECK_STR(amf_framing_name(&U32BE3), "u32be+amf3");
    CHECK_STR(amf_framing_name(&U32LE3), "u32le+amf3");
    CHECK_STR(amf_framing_name(&U32BE0I), "u32be-incl+amf0");
    CHECK_STR(amf_framing_name(&U16LE0I), "u16le-incl+amf0");
    CHECK_STR(amf_framing_name(&U16BE0), "u16be+amf0");
    CHECK_STR(amf_framing_name(&BARE3), "bare+amf3");
    CHECK_STR(amf_framing_name(&BARE0), "bare+amf0");
    CHECK_STR(amf_framing_name(&PACKET), "packet");
    amf_framing none = { AMF_FRAME_UNKNOWN, 0, false, false, AMF_VERSION_0 };
    CHECK_STR(amf_framing_name(&none), "unknown");
    CHECK_STR(amf_framing_description(&U32BE3), "4-byte big-endian length + AMF3 value");
    CHECK_STR(amf_framing_description(&U16LE0I),
              "2-byte little-endian length (prefix included) + AMF0 value");
    CHECK_STR(amf_framing_description(&BARE0), "AMF0 values back to back, no length");
    CHECK_STR(amf_framing_description(&PACKET), "AMF packet envelope (Flash Remoting)");
    CHECK_STR(amf_framing_description(&none), "not detected");
}

typedef struct measure_case {
    const amf_framing *f;
    const char *hex;
    uint32_t    max_message;
    amf_status  status;
    amf_error   error;
    uint32_t    header, length, need, claimed;
} measure_case;

static void measuring(void)
{
    const uint32_t M = AMF_DEFAULT_MAX_MESSAGE;
    static const amf_framing U32LE0I = { AMF_FRAME_LENGTH, 4, true, true, AMF_VERSION_0 };
    static const amf_framing U16BE3I = { AMF_FRAME_LENGTH, 2, false, true, AMF_VERSION_3 };
    static const amf_framing UNKNOWN = { AMF_FRAME_UNKNOWN, 0, false, false, AMF_VERSION_3 };
    const measure_case cases[] = {
        /* length prefixes: only the prefix is needed */
        { &U32BE3, "00 00 00 05", M, AMF_OK, 0, 4, 9, 0, 5 },
        { &U32BE3, "00 00 00 05 0a 0b 01 01 ff ff", M, AMF_OK, 0, 4, 9, 0, 5 },
        { &U32BE3, "", M, AMF_NEED_MORE, 0, 4, 0, 4, 0 },
        { &U32BE3, "00 00 00", M, AMF_NEED_MORE, 0, 4, 0, 1, 0 },
        { &U32LE3, "05 00 00 00", M, AMF_OK, 0, 4, 9, 0, 5 },
        { &U32LE3, "00 01 00 00", M, AMF_OK, 0, 4, 260, 0, 256 },
        { &U16BE0, "01 02", M, AMF_OK, 0, 2, 260, 0, 258 },
        { &U16BE0, "01", M, AMF_NEED_MORE, 0, 2, 0, 1, 0 },
        { &U16LE3, "01 02", M, AMF_OK, 0, 2, 515, 0, 513 },
        { &U16LE3, "ff ff", M, AMF_OK, 0, 2, 65537, 0, 65535 },
        /* the length counts its own prefix */
        { &U32BE0I, "00 00 00 09", M, AMF_OK, 0, 4, 9, 0, 9 },
        { &U32LE0I, "09 00 00 00", M, AMF_OK, 0, 4, 9, 0, 9 },
        { &U16LE0I, "07 00", M, AMF_OK, 0, 2, 7, 0, 7 },
        { &U16BE3I, "00 02", M, AMF_OK, 0, 2, 2, 0, 2 },
        { &U32BE0I, "00 00 00 04", M, AMF_OK, 0, 4, 4, 0, 4 },
        { &U32BE0I, "00 00 00 03", M, AMF_MALFORMED, AMF_ERR_BAD_VALUE, 4, 0, 0, 3 },
        { &U16LE0I, "01 00", M, AMF_MALFORMED, AMF_ERR_BAD_VALUE, 2, 0, 0, 1 },
        /* over the largest message */
        { &U32BE3, "00 00 00 64", 100, AMF_OK, 0, 4, 104, 0, 100 },
        { &U32BE3, "00 00 00 65", 100, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 4, 0, 0, 101 },
        { &U32BE0I, "00 00 00 68", 100, AMF_OK, 0, 4, 104, 0, 104 },
        { &U32BE0I, "00 00 00 69", 100, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 4, 0, 0, 105 },
        { &U32BE3, "ff ff ff ff", M, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 4, 0, 0, 0xffffffffu },
        { &U32BE3, "01 00 00 00", M, AMF_OK, 0, 4, (1u << 24) + 4, 0, 1u << 24 },
        { &U32BE3, "01 00 00 01", M, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 4, 0, 0, (1u << 24) + 1 },
        { &U16LE3, "ff ff", 1000, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 2, 0, 0, 65535 },
        /* bare values: walked */
        { &BARE3, "0a 0b 01 01", M, AMF_OK, 0, 0, 4, 0, 0 },
        { &BARE3, "0a 0b 01 01 0a 0b 01 01", M, AMF_OK, 0, 0, 4, 0, 0 },
        { &BARE3, "06 0b 'he'", M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 3, 0 },
        { &BARE3, "", M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 1, 0 },
        { &BARE3, "0d 07 00 00 00", M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 10, 0 },
        { &BARE3, "12", M, AMF_MALFORMED, AMF_ERR_BAD_MARKER, 0, 0, 0, 0 },
        { &BARE3, "06 ff ff ff ff", 100, AMF_LIMIT, AMF_ERR_SIZE_LIMIT, 0, 0, 0, 0 },
        { &BARE3, "0a 07 03 'X'", M, AMF_UNSUPPORTED, AMF_ERR_EXTERNALIZABLE, 0, 0, 0, 0 },
        { &BARE0, "03 00 00 09 05", M, AMF_OK, 0, 0, 4, 0, 0 },
        { &BARE0, "11 0a 0b 01 01", M, AMF_OK, 0, 0, 5, 0, 0 },
        { &BARE0, "0c 00 00 00 10 'abc'", M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 13, 0 },
        /* envelopes */
        { &PACKET, "00 00 00 00 00 01 00 01 'a' 00 00 ff ff ff ff 05 00 00",
          M, AMF_OK, 0, 0, 16, 0, 0 },
        { &PACKET, "00 00 00 00 00 01 00 01 'a' 00 00 ff ff ff ff 02 00 05 'ab'",
          M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 3, 0 },
        { &PACKET, "00 03", M, AMF_NEED_MORE, AMF_ERR_TRUNCATED, 0, 0, 2, 0 },
        { &UNKNOWN, "00 00 00 05", M, AMF_MALFORMED, AMF_ERR_BAD_VALUE, 0, 0, 0, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const measure_case *c = &cases[i];
        test_context("measure %s \"%s\" max %u", amf_framing_name(c->f), c->hex, c->max_message);
        size_t len;
        const uint8_t *buf = H(c->hex, &len);
        amf_frame fr;
        CHECK_INT(amf_frame_measure(c->f, buf, len, c->max_message, &fr), c->status);
        CHECK_INT(fr.status, c->status);
        CHECK_INT(fr.error, c->error);
        CHECK_UINT(fr.header, c->header);
        CHECK_UINT(fr.length, c->length);
        CHECK_UINT(fr.need, c->need);
        CHECK_UINT(fr.claimed, c->claimed);
    }
}

static void policy(void)
{
    static const struct {
        const char *hex;
        amf_status  status;
        uint32_t    length;
    } cases[] = {
        { "'<policy-file-request/>' 00", AMF_OK, 23 },
        { "'<policy-file-request/>' 00 00 00 00 05 0a 0b 01 01", AMF_OK, 23 },
        { "'<policy-file-request/>'", AMF_NEED_MORE, 0 },
        { "'<pol'", AMF_NEED_MORE, 0 },
        { "'<'", AMF_NEED_MORE, 0 },
        { "", AMF_NEED_MORE, 0 },
        { "'<?xml version=\"1.0\"?>' 0a '<cross-domain-policy>' 0d 0a 09 '<allow-access-from "
          "domain=\"*\" to-ports=\"*\"/>' 0a '</cross-domain-policy>' 00", AMF_OK, 114 },
        { "'<cross-domain-policy></cross-domain-policy>' 00", AMF_OK, 44 },
        { "'<cross-domain-policy>' 0a", AMF_NEED_MORE, 0 },
        { "'<?xml ' 01", AMF_MALFORMED, 0 },
        { "'<?xml ' 7f", AMF_NEED_MORE, 0 },
        { "'GET / HTTP/1.1' 0d 0a", AMF_MALFORMED, 0 },
        { "'<html>'", AMF_MALFORMED, 0 },
        { "'<policy-file-reques!>' 00", AMF_MALFORMED, 0 },
        { "00 00 00 05 0a 0b 01 01", AMF_MALFORMED, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("policy %s", cases[i].hex);
        size_t len;
        const uint8_t *buf = H(cases[i].hex, &len);
        uint32_t length = 99;
        CHECK_INT(amf_policy_measure(buf, len, &length), cases[i].status);
        CHECK_UINT(length, cases[i].length);
    }
    /* the longest answer accepted */
    test_context("policy text at its cap");
    uint8_t *big = test_alloc(AMF_POLICY_MAX_LENGTH + 2);
    memcpy(big, "<?xml ", 6);
    memset(big + 6, 'a', AMF_POLICY_MAX_LENGTH + 2 - 6);
    uint32_t length;
    CHECK_INT(amf_policy_measure(big, AMF_POLICY_MAX_LENGTH - 1, &length), AMF_NEED_MORE);
    CHECK_INT(amf_policy_measure(big, AMF_POLICY_MAX_LENGTH, &length), AMF_MALFORMED);
    big[AMF_POLICY_MAX_LENGTH - 1] = 0;
    CHECK_INT(amf_policy_measure(big, AMF_POLICY_MAX_LENGTH + 2, &length), AMF_OK);
    CHECK_UINT(length, AMF_POLICY_MAX_LENGTH);
    big[AMF_POLICY_MAX_LENGTH - 1] = 'a';
    big[AMF_POLICY_MAX_LENGTH] = 0;
    CHECK_INT(amf_policy_measure(big, AMF_POLICY_MAX_LENGTH + 2, &length), AMF_MALFORMED);
}

static bool same_framing(const amf_framing *a, const amf_framing *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == AMF_FRAME_PACKET)
        return true;
    if (a->version != b->version)
        return false;
    if (a->kind == AMF_FRAME_BARE)
        return true;
    return a->prefix == b->prefix && a->little_endian == b->little_endian &&
           a->includes_prefix == b->includes_prefix;
}

typedef struct detect_case {
    const char        *what;
    const char        *hex;
    const amf_framing *strict;      /* expected strictly; NULL: not detected */
    const amf_framing *loose;       /* expected not strictly; NULL: not detected */
} detect_case;

static void expect_detect(const char *what, const uint8_t *buf, size_t len, bool strict,
                          const amf_framing *hint, const amf_framing *want)
{
    test_context("detect %s (%s%s)", what, strict ? "strict" : "not strict", hint ? ", hint" : "");
    amf_framing out;
    memset(&out, 0, sizeof out);
    amf_confidence c = amf_frame_detect(buf, len, AMF_DEFAULT_MAX_MESSAGE, strict, hint, &out);
    if (!want) {
        if (!CHECK_INT(c, AMF_DETECT_NO))
            fprintf(stderr, "    detected as %s\n", amf_framing_name(&out));
        return;
    }
    if (CHECK_INT(c, AMF_DETECT_YES) && !CHECK(same_framing(&out, want)))
        fprintf(stderr, "    detected as %s, expected %s\n", amf_framing_name(&out),
                amf_framing_name(want));
}

static void detection(void)
{
    static const amf_framing U32BE0 = { AMF_FRAME_LENGTH, 4, false, false, AMF_VERSION_0 };
    static const amf_framing U32BE3I = { AMF_FRAME_LENGTH, 4, false, true, AMF_VERSION_3 };
    static const amf_framing U16BE0I = { AMF_FRAME_LENGTH, 2, false, true, AMF_VERSION_0 };
    static const amf_framing U16BE3 = { AMF_FRAME_LENGTH, 2, false, false, AMF_VERSION_3 };
    static const amf_framing U16LE3I = { AMF_FRAME_LENGTH, 2, true, true, AMF_VERSION_3 };
    static const amf_framing U16BE3I = { AMF_FRAME_LENGTH, 2, false, true, AMF_VERSION_3 };
    const detect_case cases[] = {
        { "u32be+amf3 object", "00 00 00 0a 0a 0b 01 03 'a' 06 05 'hi' 01", &U32BE3, &U32BE3 },
        { "u32be+amf3, two messages",
          "00 00 00 0a 0a 0b 01 03 'a' 06 05 'hi' 01 00 00 00 04 0a 0b 01 01", &U32BE3, &U32BE3 },
        { "u32be+amf0 object", "00 00 00 0c 03 00 01 'a' 02 00 02 'hi' 00 00 09", &U32BE0, &U32BE0 },
        { "u32be-incl+amf3, two messages", "00 00 00 08 0a 0b 01 01 00 00 00 08 0a 0b 01 01",
          &U32BE3I, &U32BE3I },
        { "u16le+amf3 object", "0a 00 0a 0b 01 03 'a' 06 05 'hi' 01", &U16LE3, &U16LE3 },
        { "u16be-incl+amf0 object", "00 0e 03 00 01 'a' 02 00 02 'hi' 00 00 09", &U16BE0I, &U16BE0I },
        { "u32le+amf3 string", "0d 00 00 00 06 17 'hello world'", &U32LE3, &U32LE3 },
        { "bare amf3 objects", "0a 0b 01 03 'a' 06 05 'hi' 01 0a 0b 01 03 'b' 04 01 01", &BARE3, &BARE3 },
        /* not strictly, a 3-byte u16le-incl message (0x0003, AMF3 null) and a
         * longer one after it fit first */
        { "bare amf0 object then AVM+", "03 00 01 'a' 05 00 00 09 11 0a 0b 01 01", &BARE0, &U16LE3I },
        { "packet", "00 00 00 00 00 01 00 13 'TestController.test' 00 02 '/1' ff ff ff ff"
                    " 0a 00 00 00 02 02 00 09 'first_arg' 02 00 0a 'second_arg'", &PACKET, &PACKET },
        { "packet, AMF3 body", "00 03 00 00 00 01 00 0b '/1/onResult' 00 00 ff ff ff ff 11 06 0b 'hello'",
          &PACKET, &PACKET },
        /* the first message goes on in later segments */
        { "u32be+amf3, first message cut", "00 00 00 64 0a 0b 01 09 'name' 06 0b 'alice' 07 'age' 04 1e"
          " 0b 'email' 06 81 01 'abcdefgh'", &U32BE3, &U32BE3 },
        /* bare values need some structure: not an empty string, not a
         * Vector.<int> of any numbers, not text with control bytes */
        { "bare amf3 string", "06 0b 'hello'", &BARE3, &BARE3 },
        { "bare amf3 string with tab, CR, LF", "06 0b 'a' 09 0d 0a 'b'", &BARE3, &BARE3 },
        { "bare amf3 object, then an empty one", "0a 0b 01 03 'a' 04 01 01 0a 0b 01 01", &BARE3, &BARE3 },
        { "bare amf3 empty string, then a double", "06 01 05 3f f0 00 00 00 00 00 00", NULL, NULL },
        { "bare amf3 Vector.<int>", "0d 05 00 12 34 56 78 9a bc de f0", NULL, NULL },
        { "bare amf3 Vector.<int>, then an object", "0d 03 00 12 34 56 78 0a 0b 01 03 'a' 04 01 01",
          NULL, NULL },
        { "bare amf3 string with a control byte", "06 0b 'ab' 01 'cd'", NULL, NULL },
        { "bare amf3 string with a NUL", "06 0b 'ab' 00 'cd'", NULL, NULL },
        { "bare amf3 object, then a string with a NUL",
          "0a 0b 01 03 'a' 04 01 01 06 07 'a' 00 'b'", NULL, NULL },
        { "bare amf3 object, then an integer", "0a 0b 01 03 'a' 04 01 01 04 2a", &BARE3, &BARE3 },
        { "bare amf3 typed object", "0a 13 0b 'a.b.C' 03 'x' 04 01", &BARE3, &BARE3 },
        { "bare amf3 object with a class name not ASCII", "0a 13 0b 'a.b' c3 a9 03 'x' 04 01", NULL, NULL },
        /* a first message cut short must show structure, not only numbers */
        { "u32be+amf3 array of doubles, cut", "00 00 01 00 09 81 01 01"
          " 05 3f f0 00 00 00 00 00 00 05 40 00 00 00 00 00 00 00 05 40 08 00 00 00 00 00 00",
          NULL, NULL },
        { "bare amf0 strict array of numbers, cut", "0a 00 00 00 40 00 3f f0 00 00 00 00 00 00"
          " 00 40 00 00 00 00 00 00 00 00 40 08 00 00 00 00 00 00 00 40 10 00 00 00 00 00 00",
          NULL, NULL },
        { "u32be+amf3 object of strings, cut", "00 00 01 00 0a 0b 01 09 'name' 06 0b 'alice'"
          " 09 'city' 06 0d 'Berlin' 0b 'email' 06 81 01 'alice@'", &U32BE3, &U32BE3 },
        /* envelopes with nothing in them */
        { "empty envelope", "00 00 00 00 00 00", NULL, &PACKET },
        { "empty envelopes", "00 00 00 00 00 00 00 03 00 00 00 00", NULL, &PACKET },
        /* not strictly, length prefixes are tried first: 0x0003 with the
         * prefix, an AMF3 undefined, fits */
        { "envelope with a header only", "00 03 00 01 00 04 'Cred' 00 ff ff ff ff 02 00 02 'hi' 00 00",
          &PACKET, &U16BE3I },
        /* plausible only when the stream is known to be AMF */
        { "u32be+amf3 integer", "00 00 00 02 04 05", NULL, &U32BE3 },
        { "u16be+amf3 integer", "00 02 04 05", NULL, &U16BE3 },
        /* not AMF */
        { "HTTP request", "'GET /gateway HTTP/1.1' 0d 0a 'Host: example.com' 0d 0a 0d 0a", NULL, NULL },
        { "HTTP POST of AMF", "'POST /messagebroker/amf HTTP/1.1' 0d 0a 'Content-Type: application/x-amf'"
          " 0d 0a 'Content-Length: 65' 0d 0a 0d 0a 00 00 00 00 00 01", NULL, NULL },
        { "HTTP response", "'HTTP/1.1 200 OK' 0d 0a 'Content-Length: 2' 0d 0a 0d 0a '{}'", NULL, NULL },
        { "TLS ClientHello", "16 03 01 00 a5 01 00 00 a1 03 03 5b 90 9d 9b 72 0b bc 0c bc 2b 92 a8 48"
          " 97 cf bd 39 04 cc 16 0a 85 03 90 9f 77 04 33 d4 de 00 00 20 c0 2b c0 2f c0 2c c0 30"
          " cc a9 cc a8 c0 09 c0 13 c0 0a c0 14 00 9c 00 9d 00 2f 00 35 c0 12 00 0a 01 00 00 58",
          NULL, NULL },
        { "TLS ServerHello", "16 03 03 00 5d 02 00 00 59 03 03 1f 2e 3d 4c 5b 6a 79 88 97 a6 b5 c4 d3"
          " e2 f1 00 0f 1e 2d 3c 4b 5a 69 78 87 96 a5 b4 c3 d2 e1 f0 20", NULL, NULL },
        { "TLS alert", "15 03 03 00 02 02 28", NULL, NULL },
        { "SSH banner", "'SSH-2.0-OpenSSH_9.2p1 Debian-2' 0d 0a", NULL, NULL },
        { "SMTP greeting", "'220 mail.example.com ESMTP Postfix' 0d 0a", NULL, NULL },
        { "JSON", "'{\"type\":\"login\",\"user\":\"alice\"}' 0a", NULL, NULL },
        { "text", "'hello world, this is not AMF at all'", NULL, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        const uint8_t *buf = H(cases[i].hex, &len);
        expect_detect(cases[i].what, buf, len, true, NULL, cases[i].strict);
        expect_detect(cases[i].what, buf, len, false, NULL, cases[i].loose);
    }

    /* the other direction's framing is tried first, not strictly */
    size_t len;
    const uint8_t *buf = H("00 00 00 02 04 05", &len);
    expect_detect("u32be+amf3 integer", buf, len, true, &U32BE3, &U32BE3);
    static const amf_framing U32BE0_hint = { AMF_FRAME_LENGTH, 4, false, false, AMF_VERSION_0 };
    expect_detect("u32be+amf3 integer, AMF0 hint", buf, len, true, &U32BE0_hint, NULL);
    static const amf_framing unknown_hint = { AMF_FRAME_UNKNOWN, 0, false, false, AMF_VERSION_0 };
    expect_detect("u32be+amf3 integer, unknown hint", buf, len, true, &unknown_hint, NULL);
    /* nothing to look at */
    expect_detect("no bytes", buf, 0, false, NULL, NULL);
    expect_detect("a prefix alone", buf, 4, false, NULL, NULL);
}

/* xorshift64: fixed seed, the same bytes on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void random_bytes(void)
{
    uint8_t buf[1500];
    unsigned long detected = 0, tried = 0;
    /* plain random buffers, some starting like AMF containers, some
     * behind a length prefix that fits them */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 10000; i++) {
            size_t len = 1 + (size_t)(rng() % sizeof buf);
            for (size_t k = 0; k < len; k++)
                buf[k] = (uint8_t)rng();
            if (round == 1) {
                static const uint8_t starts[] = { 0x03, 0x06, 0x08, 0x09, 0x0a, 0x0c, 0x10, 0x11 };
                buf[0] = starts[rng() % sizeof starts];
            } else if (round == 2 && len > 4) {
                uint32_t n = (uint32_t)len - 4;
                buf[0] = (uint8_t)(n >> 24);
                buf[1] = (uint8_t)(n >> 16);
                buf[2] = (uint8_t)(n >> 8);
                buf[3] = (uint8_t)n;
                buf[4] = (rng() & 1) ? 0x0a : 0x03;
            }
            amf_framing out;
            tried++;
            if (amf_frame_detect(buf, len, AMF_DEFAULT_MAX_MESSAGE, true, NULL, &out) ==
                AMF_DETECT_YES) {
                detected++;
                if (detected <= 5)
                    fprintf(stderr, "    random buffer %d/%d (%zu bytes) detected as %s\n", round,
                            i, len, amf_framing_name(&out));
            }
        }
    }
    test_context("random bytes are not AMF (strict)");
    CHECK_UINT(tried, 30000);
    CHECK_UINT(detected, 0);

    /* zero-filled and constant buffers */
    static const uint8_t fills[] = { 0x00, 0x01, 0x05, 0x0a, 0x20, 0xff };
    for (size_t f = 0; f < sizeof fills; f++) {
        for (size_t len = 1; len <= 300; len += 7) {
            memset(buf, fills[f], len);
            test_context("%zu bytes of 0x%02x are not AMF (strict)", len, fills[f]);
            amf_framing out;
            amf_confidence c = amf_frame_detect(buf, len, AMF_DEFAULT_MAX_MESSAGE, true, NULL, &out);
            if (!CHECK_INT(c, AMF_DETECT_NO))
                fprintf(stderr, "    detected as %s\n", amf_framing_name(&out));
        }
    }
}

void test_frame(void)
{
    names();
    measuring();
    policy();
    detection();
    random_bytes();
}
