/* fuzz_frame.c
 * libFuzzer target: the input is the start of one TCP stream direction.
 * Measures it with every framing (16 length prefixes, bare AMF0/AMF3,
 * envelope), runs detection strict and lenient with and without a hint, the
 * policy-file measure and the plausibility test, and checks what each says:
 * lengths inside what they may claim, a shorter prefix of a measured message
 * asking for more and never for more than the message still lacks, strict
 * detection implying lenient detection.  Then the input is cut into up to
 * eight segments and fed to the framing evidence (amf_evidence.h), each
 * time in an allocation of its exact length: candidates stay inside the
 * bytes, verdicts are one of the three, and a framed verdict names a
 * framing that measures the stream's first message.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_check.h"

#include "amf_evidence.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_FRAMINGS 19

static amf_framing framing_at(unsigned i)
{
    amf_framing f;
    memset(&f, 0, sizeof f);
    if (i < 16) {
        f.kind = AMF_FRAME_LENGTH;
        f.prefix = (i & 8) ? 2 : 4;
        f.little_endian = (i & 4) != 0;
        f.includes_prefix = (i & 2) != 0;
        f.version = (i & 1) ? AMF_VERSION_0 : AMF_VERSION_3;
    } else if (i < 18) {
        f.kind = AMF_FRAME_BARE;
        f.version = i == 16 ? AMF_VERSION_3 : AMF_VERSION_0;
    } else {
        f.kind = AMF_FRAME_PACKET;
    }
    return f;
}

static void check_frame(const amf_framing *f, const amf_frame *fr, size_t len,
                        uint32_t max_message)
{
    const char *name = amf_framing_name(f);
    FZ_REQUIRE(memchr(fr->message, 0, sizeof fr->message) != NULL, "%s: message not terminated",
               name);
    FZ_REQUIRE(fr->status >= AMF_OK && fr->status <= AMF_UNSUPPORTED, "%s: status %d", name,
               (int)fr->status);
    if (fr->status == AMF_NEED_MORE)
        FZ_REQUIRE(fr->need >= 1, "%s: NEED_MORE for 0 bytes", name);
    if (fr->status != AMF_OK)
        return;
    FZ_REQUIRE(fr->length >= fr->header, "%s: OK with length %u, header %u", name, fr->length,
               fr->header);
    if (f->kind == AMF_FRAME_LENGTH) {
        FZ_REQUIRE(fr->header == f->prefix, "%s: header %u", name, fr->header);
        FZ_REQUIRE(fr->length - fr->header <= max_message,
                   "%s: message of %u bytes over the limit %u", name, fr->length - fr->header,
                   max_message);
    } else {
        FZ_REQUIRE(fr->header == 0 && fr->length > 0, "%s: header %u, length %u", name,
                   fr->header, fr->length);
        FZ_REQUIRE(fr->length <= len, "%s: length %u past the %zu bytes measured", name,
                   fr->length, len);
    }
}

/* Measure buf[0, k) in its own allocation. */
static amf_status measure_prefix(const amf_framing *f, const uint8_t *data, size_t k,
                                 uint32_t max_message, amf_frame *out)
{
    uint8_t *p = fz_exact_copy(data, k);
    amf_status st = amf_frame_measure(f, p, k, max_message, out);
    check_frame(f, out, k, max_message);
    free(p);
    return st;
}

static void measure_all(const uint8_t *data, size_t size, uint32_t max_message, uint32_t h)
{
    for (unsigned i = 0; i < N_FRAMINGS; i++) {
        amf_framing f = framing_at(i);
        const char *name = amf_framing_name(&f);
        FZ_REQUIRE(strcmp(name, "unknown") != 0 && *amf_framing_description(&f),
                   "framing %u has no name", i);
        amf_frame fr;
        amf_frame_measure(&f, data, size, max_message, &fr);
        check_frame(&f, &fr, size, max_message);
        if (fr.status != AMF_OK)
            continue;
        uint32_t whole = fr.length;
        /* Shorter prefixes of what is there: they ask for more, no more than
         * the message lacks (for a length prefix, its own bytes first). */
        size_t have = size < whole ? size : whole;
        uint32_t cuts[2] = { (uint32_t)have - 1, have > 1 ? h % (uint32_t)have : 0 };
        for (int c = 0; c < 2; c++) {
            uint32_t k = cuts[c];
            if (k >= whole)
                continue;
            amf_frame pf;
            amf_status st = measure_prefix(&f, data, k, max_message, &pf);
            if (f.kind == AMF_FRAME_LENGTH && k >= f.prefix) {
                FZ_REQUIRE(st == AMF_OK && pf.length == whole,
                           "%s: %u bytes measure %d/%u, the whole %u", name, k, (int)st,
                           pf.length, whole);
                continue;
            }
            /* The limit only turns a wait into LIMIT (amf.h): a message
             * over it that is all there measures OK, its prefixes LIMIT. */
            if (st == AMF_LIMIT && whole > max_message)
                continue;
            FZ_REQUIRE(st == AMF_NEED_MORE,
                       "%s: the first %u bytes of a %u-byte message: status %d (%s)", name, k,
                       whole, (int)st, pf.message);
            FZ_REQUIRE((uint64_t)k + pf.need <= whole,
                       "%s: the first %u bytes of a %u-byte message ask for %u more (%s)", name,
                       k, whole, pf.need, pf.message);
        }
    }
}

static void detect_all(const uint8_t *data, size_t size, uint32_t max_message, uint32_t h)
{
    amf_framing hint = framing_at(h % N_FRAMINGS);
    amf_framing found[4];
    amf_confidence conf[4];
    for (int i = 0; i < 4; i++) {
        bool strict = (i & 1) != 0;
        memset(&found[i], 0, sizeof found[i]);
        conf[i] = amf_frame_detect(data, size, max_message, strict, (i & 2) ? &hint : NULL,
                                   &found[i]);
        FZ_REQUIRE(conf[i] == AMF_DETECT_NO || conf[i] == AMF_DETECT_YES, "confidence %d",
                   (int)conf[i]);
        if (conf[i] != AMF_DETECT_YES)
            continue;
        const amf_framing *f = &found[i];
        FZ_REQUIRE(f->kind == AMF_FRAME_LENGTH || f->kind == AMF_FRAME_BARE ||
                   f->kind == AMF_FRAME_PACKET, "detected framing kind %d", (int)f->kind);
        if (f->kind == AMF_FRAME_LENGTH)
            FZ_REQUIRE(f->prefix == 2 || f->prefix == 4, "detected prefix %u", f->prefix);
        FZ_REQUIRE(f->version == AMF_VERSION_0 || f->version == AMF_VERSION_3,
                   "detected version %d", (int)f->version);
        /* What detection accepts, measuring must not reject outright
         * (plausibility has no message limit of its own: only with the
         * default one). */
        amf_frame fr;
        amf_status st = amf_frame_measure(f, data, size, max_message, &fr);
        check_frame(f, &fr, size, max_message);
        FZ_REQUIRE(max_message != AMF_DEFAULT_MAX_MESSAGE || st == AMF_OK || st == AMF_NEED_MORE,
                   "detected %s (strict %d), then measuring says %d (%s)", amf_framing_name(f),
                   i & 1, (int)st, fr.message);
    }
    /* Strict is the lenient test and more. */
    FZ_REQUIRE(conf[1] != AMF_DETECT_YES || conf[0] == AMF_DETECT_YES,
               "strict detection found %s, lenient found nothing", amf_framing_name(&found[1]));
}

static void policy_and_plausible(const uint8_t *data, size_t size)
{
    uint32_t length = 0;
    amf_status st = amf_policy_measure(data, size, &length);
    FZ_REQUIRE(st == AMF_OK || st == AMF_NEED_MORE || st == AMF_MALFORMED, "policy status %d",
               (int)st);
    if (st == AMF_OK)
        FZ_REQUIRE(length >= 1 && length <= size && data[length - 1] == 0,
                   "policy text of %u bytes in %zu", length, size);
    for (int i = 0; i < 8; i++) {
        amf_version v = (i & 1) ? AMF_VERSION_0 : AMF_VERSION_3;
        bool complete = (i & 2) != 0, strict = (i & 4) != 0;
        uint32_t consumed = 0;
        bool ok = amf_value_plausible(v, data, size, complete, strict, &consumed);
        if (ok)
            FZ_REQUIRE(consumed <= size + (complete ? 0 : 1),
                       "plausible value of %u bytes in %zu", consumed, size);
        else
            FZ_REQUIRE(consumed == 0, "implausible, consumed %u", consumed);
    }
}

static void evidence(const uint8_t *data, size_t size, uint32_t max_message, uint32_t h)
{
    amf_evidence e;
    amf_evidence_init(&e, 0, max_message);
    size_t len = 0;
    for (int seg = 0; seg < 8 && len < size; seg++) {
        size_t step = seg == 7 ? size - len : 1 + (h >> (seg * 4)) % 16 * (size / 16 + 1);
        len = size - len < step ? size : len + step;
        uint8_t *p = fz_exact_copy(data, len);
        amf_evidence_add_segment(&e, p, len);
        for (unsigned i = 0; i < AMF_EVIDENCE_CANDIDATES; i++)
            FZ_REQUIRE(e.cand[i].dead || e.cand[i].pos <= len + (uint32_t)e.cand[i].resync * len,
                       "candidate %s at %u past the %zu bytes",
                       amf_framing_name(&e.cand[i].framing), e.cand[i].pos, len);
        for (int strict = 0; strict < 2; strict++) {
            amf_framing f;
            memset(&f, 0, sizeof f);
            amf_verdict v = amf_evidence_verdict(&e, p, len, strict, NULL, seg == 7, &f);
            FZ_REQUIRE(v == AMF_VERDICT_UNDECIDED || v == AMF_VERDICT_FRAMED ||
                       v == AMF_VERDICT_NONE, "verdict %d", (int)v);
            if (v != AMF_VERDICT_FRAMED)
                continue;
            amf_frame fr;
            amf_status st = amf_frame_measure(&f, p, len, max_message, &fr);
            check_frame(&f, &fr, len, max_message);
            FZ_REQUIRE(strcmp(amf_framing_name(&f), "unknown") != 0, "framed as unknown");
            (void)st;
        }
        (void)amf_evidence_promising(&e, len);
        free(p);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t h = fz_hash(data, size);
    /* The plugin's default largest message, or a small one for the limits. */
    uint32_t max_message = (h & 3) ? AMF_DEFAULT_MAX_MESSAGE : 16 + (h >> 2) % 512;
    measure_all(data, size, max_message, h);
    detect_all(data, size, max_message, h);
    policy_and_plausible(data, size);
    evidence(data, size, max_message, h);
    return 0;
}
