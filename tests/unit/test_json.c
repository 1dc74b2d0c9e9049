/* test_json.c
 * The tests' own JSON validator (so its verdicts can be trusted), number
 * text, and the JSON writer's escaping of names.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

static void validator(void)
{
    static const char *const good[] = {
        "{}", "[]", "\"a\"", "0", "-0", "-0.5e+3", "1E5", "true", "false", "null",
        "{\"a\":[1,true,false,null,{\"b\":\"c\"}]}", "\"\\u00e9\\n\\\"\\\\\\/\"",
        "\"\xc3\xa9\xe3\x83\x86\xf0\x9f\x98\x80\"", " [ 1 , 2 ] ", "\"\x7f\"",
    };
    static const char *const bad[] = {
        "", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "\"a",
        "\"\x01\"", "\"\\q\"", "\"\\u12\"", "[1]x", "\"\xff\"", "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe3\x83\"", "nul", "{1:2}", "[1 2]",
        "{\"a\":1}{}", "NaN", "Infinity", "'a'",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        test_context("valid JSON %s", good[i]);
        CHECK(json_valid(good[i], strlen(good[i]), NULL, 0));
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        test_context("invalid JSON %s", bad[i]);
        CHECK(!json_valid(bad[i], strlen(bad[i]), NULL, 0));
    }
    /* a NUL inside a string is a control character */
    test_context("JSON with a NUL byte");
    CHECK(!json_valid("\"a\0b\"", 5, NULL, 0));
    char why[64];
    CHECK(!json_valid("[1,]", 4, why, sizeof why));
    CHECK_STR(why, "bad number at byte 3");
}

static void numbers(void)
{
    static const struct { double v; const char *text; } cases[] = {
        { 0.0, "0" }, { 1.5, "1.5" }, { -2.0, "-2" }, { 0.1, "0.1" }, { 1e21, "1e+21" },
        { 123456789.125, "123456789.125" }, { 1.0 / 3.0, "0.3333333333333333" },
        { 9007199254740993.0, "9007199254740992" }, { 1e-7, "1e-07" },
    };
    char text[AMF_NUMBER_TEXT_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        test_context("amf_format_number %s", cases[i].text);
        amf_format_number(cases[i].v, text, sizeof text);
        CHECK_STR(text, cases[i].text);
    }
    test_context("amf_format_number specials");
    amf_format_number(0.0 / 0.0, text, sizeof text);
    CHECK_STR(text, "NaN");
    amf_format_number(1.0 / 0.0, text, sizeof text);
    CHECK_STR(text, "Infinity");
    amf_format_number(-1.0 / 0.0, text, sizeof text);
    CHECK_STR(text, "-Infinity");
}

static void writer(void)
{
    /* names: quotes, backslashes and control characters escaped */
    test_context("JSON names");
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 09 61 22 62 5c 04 01 01", "{\"a\\\"b\\\\\":1}");
    EXPECT_JSON(MODE_AMF3, "0a 0b 01 05 01 61 04 01 01", "{\"\\u0001a\":1}");
    EXPECT_JSON(MODE_AMF0, "03 00 02 0a 1f 05 00 00 09", "{\"\\n\\u001f\":null}");
    /* class names */
    EXPECT_JSON(MODE_AMF3, "0a 03 07 61 22 62", "{\"$class\":\"a\\\"b\"}");
    /* nothing decoded: an empty document */
    test_context("JSON of no events");
    amf_config cfg;
    amf_config_init(&cfg);
    amf_json j;
    amf_json_init(&j, &cfg.alloc, 0);
    size_t n = 99;
    const char *text = amf_json_finish(&j, &n);
    CHECK_UINT(n, 0);
    CHECK_STR(text, "");
    amf_json_free(&j);
}

void test_json_unit(void)
{
    validator();
    numbers();
    writer();
}
