/* test_truncation.c
 * Every valid message cut at every byte.  Complete (a framed message that
 * ends early): MALFORMED, one ERROR event, the open containers end flagged
 * truncated, JSON still valid.  Not complete (more may come): NEED_MORE with
 * a need of at least one byte and never more than the message really
 * lacks; exactly what is missing where that is known (a string's bytes, a
 * vector's items).  Measuring (no sink) gives the same answers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#define AL_NAME "'flex.messaging.io.ArrayList'"

typedef struct message {
    test_mode   mode;
    const char *hex;
} message;

static const message messages[] = {
    /* AMF3 */
    { MODE_AMF3, "0a 1b 03 'A' 03 'x' 06 05 'hi' 05 'dy' 09 05 01 06 00 04 81 00 01" },
    { MODE_AMF3, "11 05 00 06 03 'k' 0d 03 01 00 00 00 02 04 05 0c 05 'ab'" },
    { MODE_AMF3, "11 0b 00 01 04 01 05 3f f8 00 00 00 00 00 00 06 03 'a' 09 03 01 02 03"
                 " 0a 0b 01 01 01 11 01 00 00" },
    { MODE_AMF3, "09 05 03 'a' 02 01 09 00 08 01 00 00 00 00 00 00 00 00" },
    { MODE_AMF3, "09 05 03 'k' 02 01 04 01 04 02" },
    { MODE_AMF3, "0a 07 07 'DSK' 81 03 04 01 0c 03 aa 0c 03 bb 00 00" },
    { MODE_AMF3, "0a 07 07 'DSK' 80 80 21 04 02 04 03 00 00" },
    { MODE_AMF3, "0a 07 07 'DSK' 7f 01 06 03 'c' 06 03 'd' 0a 0b 01 01 06 03 'm' 04 05 04 06 00 00" },
    { MODE_AMF3, "0a 07 07 'DSC' 00 00 03 04 05 04 06" },
    { MODE_AMF3, "0a 07 07 'DSA' 00 82 01 01 04 04" },
    { MODE_AMF3, "0a 07 37 " AL_NAME " 09 05 01 06 03 'a' 01" },
    { MODE_AMF3, "09 05 01 0a 07 37 " AL_NAME " 09 01 01 0a 01 09 03 01 0a 06" },
    { MODE_AMF3, "0d 07 01 00 00 00 01 ff ff ff ff 00 00 00 03" },
    { MODE_AMF3, "0e 05 00 80 00 00 00 00 00 00 00" },
    { MODE_AMF3, "0f 05 02 3f f8 00 00 00 00 00 00 ff f0 00 00 00 00 00 00" },
    { MODE_AMF3, "10 05 01 0f 'com.x.T' 0a 13 00 03 'n' 04 01 01" },
    { MODE_AMF3, "09 17 01 08 01 00 00 00 00 00 00 00 00 0c 03 ff 0d 03 00 00 00 00 07 11 01 00"
                 " 0b 09 '<a/>' 08 02 0c 04 0d 06 11 08 0b 0a 09 00" },
    { MODE_AMF3, "09 05 01 0a 13 03 'A' 03 'x' 04 01 0a 01 04 02" },
    { MODE_AMF3, "09 07 01 0a 0b 01 01 0a 13 03 'A' 03 'x' 01 0a 05 04 09" },
    /* sealed names sent as string references (one byte each) */
    { MODE_AMF3, "09 05 01 06 03 'a' 0a 33 01 00 00 00 01 01 01" },
    { MODE_AMF3, "0a 23 01 03 'p' 03 'q' 04 01 04 02" },
    { MODE_AMF3, "09 03 03 'k' 06 00 01 06 00" },
    { MODE_AMF3, "05 3f f8 00 00 00 00 00 00" },
    { MODE_AMF3, "04 ff ff ff ff" },
    { MODE_AMF3, "08 01 42 73 ae 63 d2 11 50 00" },
    { MODE_AMF3, "07 09 '<a/>'" },
    { MODE_AMF3, "06 81 01 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl'" },
    { MODE_AMF3, "0c 81 01 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl'" },
    /* AMF0 */
    { MODE_AMF0, "03 00 01 'a' 0a 00 00 00 02 00 3f f0 00 00 00 00 00 00 02 00 02 'hi' 00 00 09" },
    { MODE_AMF0, "0a 00 00 00 02 11 0a 0b 01 03 'k' 0b 09 '<a/>' 01 0b 00 00 00 00 00 00 00 00 00 3c" },
    { MODE_AMF0, "10 00 05 'com.A' 00 01 'x' 02 00 01 'y' 00 00 09" },
    { MODE_AMF0, "08 00 00 00 05 00 01 'a' 00 3f f0 00 00 00 00 00 00 00 00 09" },
    { MODE_AMF0, "0a 00 00 00 08 03 00 00 09 10 00 01 'T' 00 00 09 08 00 00 00 00 00 00 09"
                 " 0a 00 00 00 00 07 00 01 07 00 02 07 00 03 07 00 04" },
    { MODE_AMF0, "03 00 00 05 00 01 'b' 0e 00 00 09" },
    { MODE_AMF0, "0c 00 00 00 03 'abc'" },
    { MODE_AMF0, "0f 00 00 00 04 '<a/>'" },
    { MODE_AMF0, "0b 00 00 00 00 00 00 00 00 ff c4" },
    { MODE_AMF0, "03 00 01 'a' 11 0a 0b 01 03 'b' 04 01 01 00 01 'c' 05 00 00 09" },
    /* packets */
    { MODE_PACKET, "00 03 00 01 00 04 'Cred' 01 00 00 00 05 02 00 02 'hi' 00 01"
                   " 00 01 'a' 00 02 '/1' 00 00 00 01 05" },
    { MODE_PACKET, "00 00 00 00 00 02 00 01 'a' 00 00 00 00 00 04 05 'xyz'"
                   " 00 01 'b' 00 00 ff ff ff ff 01 01" },
    { MODE_PACKET, "00 03 00 02 00 01 'a' 00 ff ff ff ff 11 04 07"
                   " 00 01 'b' 01 ff ff ff ff 03 00 01 'x' 05 00 00 09 00 00" },
    { MODE_PACKET, "00 03 00 00 00 01 00 01 'a' 00 00 ff ff ff ff 11 0a 07 07 'DSK' 01 04 01 00 00" },
};

typedef struct tally {
    unsigned long cuts, count_errors, exact_needs;
} tally;

static void cut_everywhere(const char *what, test_mode mode, const uint8_t *buf, size_t len,
                           tally *t)
{
    test_context("%s: whole", what);
    amf_result whole;
    if (!CHECK_INT(decode_measure(mode, buf, len, true, NULL, &whole), AMF_OK))
        return;
    for (size_t c = 0; c < len; c++) {
        t->cuts++;
        decoded d;
        amf_result m;

        test_context("%s: cut at %zu of %zu, complete", what, c, len);
        decode_rec(&d, mode, buf, c, true, DEC_EVENTS | DEC_JSON, NULL);
        CHECK_INT(d.status, AMF_MALFORMED);
        if (d.res.error == AMF_ERR_COUNT) {
            /* a container whose count cannot fit in what is left */
            t->count_errors++;
            CHECK(strstr(d.res.message, " claims ") != NULL);
        } else
            CHECK_INT(d.res.error, AMF_ERR_TRUNCATED);
        CHECK_SHAPE(&d);
        CHECK_JSON_VALID(d.json, d.json_len);
        CHECK(d.res.length <= c);
        int e = find_event(&d, AMF_EV_ERROR, 0);
        if (CHECK(e >= 0)) {
            CHECK_UINT(d.ev[e].ev.offset, d.res.length);
            CHECK_UINT(d.ev[e].ev.length, c - d.res.length);
        }
        CHECK_INT(decode_measure(mode, buf, c, true, NULL, &m), d.status);
        CHECK_INT(m.error, d.res.error);
        CHECK_UINT(m.length, d.res.length);
        decoded_free(&d);

        test_context("%s: cut at %zu of %zu, more to come", what, c, len);
        decode_rec(&d, mode, buf, c, false, DEC_EVENTS | DEC_JSON, NULL);
        CHECK_INT(d.status, AMF_NEED_MORE);
        CHECK_INT(d.res.error, AMF_ERR_TRUNCATED);
        CHECK(d.res.need >= 1);
        if (!CHECK(d.res.need <= len - c))
            fprintf(stderr, "    need %u, the message lacks %zu\n", d.res.need, len - c);
        if (d.res.need == len - c)
            t->exact_needs++;
        CHECK_SHAPE(&d);
        CHECK_JSON_VALID(d.json, d.json_len);
        CHECK_INT(decode_measure(mode, buf, c, false, NULL, &m), AMF_NEED_MORE);
        CHECK_UINT(m.need, d.res.need);
        CHECK_UINT(m.length, d.res.length);
        decoded_free(&d);
    }
}

/* the messages above give 923 cuts */
#define BUILTIN_CUTS_MIN 900

static void fixture_dir(const char *dir, const char *sub, tally *t)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/rocketamf/%s", dir, sub);
    DIR *dp = opendir(path);
    test_context("directory %s", path);
    if (!CHECK(dp != NULL))
        return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l < 4 || strcmp(de->d_name + l - 4, ".bin") != 0)
            continue;
        /* a private externalizable layout stops every decode of it */
        if (strcmp(de->d_name, "amf3-externalizable.bin") == 0)
            continue;
        char file[1536];
        snprintf(file, sizeof file, "%s/%s", path, de->d_name);
        size_t len;
        uint8_t *buf = read_file(file, &len);
        test_context("%s/%s", sub, de->d_name);
        if (!CHECK(buf != NULL))
            continue;
        test_mode mode = strcmp(sub, "request") == 0 ? MODE_PACKET
                       : strncmp(de->d_name, "amf0", 4) == 0 ? MODE_AMF0 : MODE_AMF3;
        char what[300];
        snprintf(what, sizeof what, "%s/%s", sub, de->d_name);
        cut_everywhere(what, mode, buf, len, t);
    }
    closedir(dp);
}

/* A few cuts with their exact JSON. */
static void exact_texts(void)
{
    test_context("exact JSON of truncated messages");
    EXPECT_FAIL(MODE_AMF3, "09 07 01 04 01 06 07 'ab'", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "[1,{\"$error\":\"String needs 3 bytes at offset 7, only 2 left in the message\"}]");
    EXPECT_FAIL(MODE_AMF0, "03 00 01 'a' 05 00", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"a\":null,\"$error\":\"16-bit field needs 2 bytes at offset 5, only 1 left in the "
                "message\"}");
    EXPECT_FAIL(MODE_AMF0, "03 00 01 'a' 05 00 00", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"a\":null,\"$error\":\"object-end marker needs 1 bytes at offset 7, only 0 left in "
                "the message\"}");
    EXPECT_FAIL(MODE_AMF3, "0a 0b 01 03 'a' 01", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"a\":null,\"$error\":\"U29 integer needs 1 bytes at offset 6, only 0 left in the "
                "message\"}");
    EXPECT_FAIL(MODE_AMF3, "09 01 03 'a' 01", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$assoc\":{\"a\":null,\"$error\":\"U29 integer needs 1 bytes at offset 5, only 0 "
                "left in the message\"},\"$dense\":[]}");
    EXPECT_FAIL(MODE_AMF3, "11 03 00 06 03 'k'", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$dictionary\":[[\"k\",{\"$error\":\"byte needs 1 bytes at offset 6, only 0 left in "
                "the message\"}]],\"$weak\":false}");
    EXPECT_FAIL(MODE_AMF3, "11 05 00 06 03 'k' 01 04", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$dictionary\":[[\"k\",null],[{\"$error\":\"U29 integer needs 1 bytes at offset 8, "
                "only 0 left in the message\"},null]],\"$weak\":false}");
    /* a key that is a container cut short */
    EXPECT_FAIL(MODE_AMF3, "11 03 00 09 05 01 04 01", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$dictionary\":[[[1,{\"$error\":\"byte needs 1 bytes at offset 8, only 0 left in "
                "the message\"}],null]],\"$weak\":false}");
    /* a count that cannot fit in what is left: the container is an error */
    EXPECT_FAIL(MODE_AMF3, "0d 05 00 00 00 00 01 00 00", AMF_MALFORMED, AMF_ERR_COUNT,
                "{\"$error\":\"Vector int claims 2 elements (at least 8 bytes) but only 6 bytes are "
                "left\"}");
    EXPECT_FAIL(MODE_AMF3, "11 05 00 06 03 'k'", AMF_MALFORMED, AMF_ERR_COUNT,
                "{\"$error\":\"Dictionary claims 2 elements (at least 4 bytes) but only 3 bytes are "
                "left\"}");
    /* a small message cut in a later flag byte, after some fields */
    EXPECT_FAIL(MODE_AMF3, "0a 07 07 'DSK' 01 04 01", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$class\":\"DSK\",\"$external\":{\"body\":1,\"$error\":\"byte needs 1 bytes at "
                "offset 9, only 0 left in the message\"}}");
    EXPECT_FAIL(MODE_AMF3, "0a 07 07 'DSK'", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$class\":\"DSK\",\"$external\":{\"$error\":\"byte needs 1 bytes at offset 6, only 0 "
                "left in the message\"}}");
    EXPECT_FAIL(MODE_PACKET, "00 00 00 00 00 01 00 09 'abcdefg'", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$packet\":{\"version\":0,\"headers\":[],\"messages\":[{\"$error\":\"target URI "
                "needs 9 bytes at offset 8, only 7 left in the message\"}]}}");
    EXPECT_FAIL(MODE_PACKET, "00 00", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$error\":\"16-bit field needs 2 bytes at offset 2, only 0 left in the message\"}");
    EXPECT_FAIL(MODE_AMF3, "", AMF_MALFORMED, AMF_ERR_TRUNCATED,
                "{\"$error\":\"byte needs 1 bytes at offset 0, only 0 left in the message\"}");
}

typedef struct exact_need {
    test_mode   mode;
    const char *hex;             /* the whole value */
    size_t      from;            /* cuts from here on lack exactly the rest */
} exact_need;

/* Where the decoder knows how many bytes are missing, the need is exact. */
static void exact_needs(void)
{
    static const exact_need cases[] = {
        { MODE_AMF3, "06 0b 'hello'", 2 },
        { MODE_AMF3, "06 81 01 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl'", 3 },
        { MODE_AMF3, "0c 0b 'hello'", 2 },
        { MODE_AMF3, "07 0b '<a/>x'", 2 },
        { MODE_AMF3, "0b 0b '<a/>x'", 2 },
        { MODE_AMF3, "05 3f f8 00 00 00 00 00 00", 1 },
        { MODE_AMF3, "08 01 00 00 00 00 00 00 00 00", 2 },
        { MODE_AMF3, "0d 07 00 00 00 00 01 00 00 00 02 00 00 00 03", 3 },
        { MODE_AMF3, "0e 05 01 00 00 00 01 00 00 00 02", 3 },
        { MODE_AMF3, "0f 05 00 00 00 00 00 00 00 00 00 3f f0 00 00 00 00 00 00", 3 },
        { MODE_AMF0, "02 00 05 'hello'", 3 },
        { MODE_AMF0, "0c 00 00 00 05 'hello'", 5 },
        { MODE_AMF0, "0f 00 00 00 05 '<a/>x'", 5 },
        { MODE_AMF0, "00 3f f8 00 00 00 00 00 00", 1 },
        { MODE_AMF0, "0b 00 00 00 00 00 00 00 00 00 00", 9 },
        { MODE_AMF0, "0a 00 00 00 01 11 0f 03 00 00 00 00 00 00 00 00 00", 9 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        const uint8_t *buf = H(cases[i].hex, &len);
        for (size_t c = cases[i].from; c < len; c++) {
            test_context("exact need: %s cut at %zu", cases[i].hex, c);
            decoded d;
            decode_rec(&d, cases[i].mode, buf, c, false, DEC_EVENTS, NULL);
            CHECK_INT(d.status, AMF_NEED_MORE);
            CHECK_UINT(d.res.need, len - c);
            decoded_free(&d);
            amf_result m;
            CHECK_INT(decode_measure(cases[i].mode, buf, c, false, NULL, &m), AMF_NEED_MORE);
            CHECK_UINT(m.need, len - c);
        }
    }
    /* lower bounds where the sizes are not known: one byte per element
     * still owed, three per AMF0 object end */
    static const struct { test_mode mode; const char *hex; uint32_t need; } bounds[] = {
        { MODE_AMF3, "09 07 01", 3 },
        { MODE_AMF3, "09 07 01 04", 3 },
        { MODE_AMF3, "10 07 00 01", 3 },
        { MODE_AMF3, "11 05 00", 4 },
        { MODE_AMF3, "11 05 00 01", 3 },
        { MODE_AMF0, "0a 00 00 00 03", 3 },
        { MODE_AMF0, "03", 2 + 1 },
        { MODE_AMF0, "03 00 01 'a'", 1 + 3 },
        { MODE_AMF0, "03 00 01 'a' 03", 3 + 3 },
        /* traits: two sealed names (one byte each at least) and two values */
        { MODE_AMF3, "0a 23 01", 4 },
        { MODE_AMF3, "0a 23 01 03", 1 + 1 + 2 },
        { MODE_AMF3, "0a 23 01 03 'p'", 1 + 2 },
        { MODE_AMF3, "0a 23 01 03 'p' 03 'q'", 2 },
    };
    for (size_t i = 0; i < sizeof bounds / sizeof *bounds; i++) {
        test_context("need bound: %s", bounds[i].hex);
        size_t len;
        const uint8_t *buf = H(bounds[i].hex, &len);
        amf_result m;
        CHECK_INT(decode_measure(bounds[i].mode, buf, len, false, NULL, &m), AMF_NEED_MORE);
        CHECK_UINT(m.need, bounds[i].need);
    }
}

/* dir: the fixtures' directory, or NULL to cut only the built-in messages */
void test_truncation(const char *dir)
{
    tally t = { 0, 0, 0 };
    for (size_t i = 0; i < sizeof messages / sizeof *messages; i++) {
        size_t len;
        const uint8_t *buf = H(messages[i].hex, &len);
        char what[64];
        snprintf(what, sizeof what, "message %zu", i);
        cut_everywhere(what, messages[i].mode, buf, len, &t);
    }
    unsigned long builtin_cuts = t.cuts;
    if (dir) {
        fixture_dir(dir, "objects", &t);
        fixture_dir(dir, "request", &t);
    }
    test_context("truncation tally");
    /* every cut was tried */
    CHECK(builtin_cuts > BUILTIN_CUTS_MIN);
    if (dir)
        CHECK(t.cuts > 4000);
    printf("  %lu cuts, %lu exact needs, %lu count errors\n", t.cuts, t.exact_needs,
           t.count_errors);
    exact_texts();
    exact_needs();
}
