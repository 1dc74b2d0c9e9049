/* test_evidence.c
 * Framing evidence over a direction's first segments (amf_evidence.h):
 * weak messages that add up, bare values ending with their segments,
 * well-framed malformed messages on a stream known to be AMF, and other
 * protocols that never convince.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include "amf_evidence.h"

#include <string.h>

/* Up to this many segments in one case. */
#define SEGS 12

typedef struct evidence_case {
    const char *what;
    const char *segments[SEGS];   /* hex, one per segment */
    bool        strict;
    amf_verdict verdict;          /* after the last segment */
    const char *framing;          /* FRAMED: its name */
    int         decided_at;       /* FRAMED: first segment (from 1) after which it is; 0: any;
                                     -1 with UNDECIDED: only "not FRAMED" is asserted */
} evidence_case;

static amf_verdict run_case(const evidence_case *c, amf_framing *out, int *decided_at)
{
    static uint8_t buf[4096];
    size_t len = 0;
    amf_evidence e;
    amf_evidence_init(&e, 0, AMF_DEFAULT_MAX_MESSAGE);
    amf_verdict v = AMF_VERDICT_UNDECIDED;
    *decided_at = 0;
    for (int i = 0; i < SEGS && c->segments[i]; i++) {
        size_t n;
        const uint8_t *seg = H(c->segments[i], &n);
        memcpy(buf + len, seg, n);
        len += n;
        amf_evidence_add_segment(&e, buf, len);
        v = amf_evidence_verdict(&e, buf, len, c->strict, NULL, false, out);
        if (v == AMF_VERDICT_FRAMED && !*decided_at)
            *decided_at = i + 1;
    }
    return v;
}

static void verdicts(void)
{
    static const evidence_case cases[] = {
        { "u32be AMF3 client opening with integers, true and short strings",
          { "000000020400", "00000002047f", "0000000304817f", "0000000103",
            "000000040605" "6869", "00000005060761" "6263" },
          true, AMF_VERDICT_FRAMED, "u32be+amf3", 6 },
        { "the same scalars, too few to convince alone",
          { "000000020400", "00000002047f", "0000000103" },
          true, AMF_VERDICT_UNDECIDED, NULL, 0 },
        { "known to be AMF: one integer message frames the stream",
          { "000000020400" },
          false, AMF_VERDICT_FRAMED, "u32be+amf3", 1 },
        { "bare AMF3: int, string, object in one segment",
          { "0405" "0607616263" "0a0b0103610401" "01" },
          true, AMF_VERDICT_FRAMED, "bare+amf3", 1 },
        { "bare AMF3: a second segment of scalars keeps it framed",
          { "0405" "0607616263" "0a0b0103610401" "01",
            "01" "03" "053ff0000000000000" "0905010401" "0402" "06056869" },
          true, AMF_VERDICT_FRAMED, "bare+amf3", 1 },
        { "bare AMF3 scalars alone do not convince",
          { "0405", "03", "01" },
          true, AMF_VERDICT_UNDECIDED, NULL, 0 },
        { "u16be AMF0: a number, then a string, then another string",
          { "0009" "003ff0000000000000", "0006" "0200036162" "63",
            "0008" "020005" "68656c6c6f", "0002" "0101" },
          true, AMF_VERDICT_FRAMED, "u16be+amf0", 3 },
        { "known AMF, malformed first message (string length 2^28-1), good second",
          { "00000005" "06ffffff7f", "00000002" "0401" },
          false, AMF_VERDICT_FRAMED, "u32be+amf3", 2 },
        { "known AMF, malformed first message alone: AMF0 or AMF3 cannot tell yet",
          { "00000005" "06ffffff7f" },
          false, AMF_VERDICT_UNDECIDED, NULL, 0 },
        { "known AMF, AMF0 long string 0xFFFFFFFF first, then an AMF0 string",
          { "00000005" "0cffffffff", "00000004" "02000161" },
          false, AMF_VERDICT_FRAMED, "u32be+amf0", 2 },
        { "heuristic, malformed first message: never convincing",
          { "00000005" "06ffffff7f" },
          true, AMF_VERDICT_UNDECIDED, NULL, -1 },
        { "HTTP request", { "504f5354202f676174657761792048545450" "2f312e310d0a486f73743a20780d0a0d0a" },
          true, AMF_VERDICT_NONE, NULL, 0 },
        { "TLS ClientHello start",
          { "160301020001" "0001fc0303" "000102030405060708090a0b0c0d0e0f" },
          true, AMF_VERDICT_NONE, NULL, 0 },
        { "SSH banner", { "5353482d322e302d4f70656e5353480d0a" },
          true, AMF_VERDICT_NONE, NULL, 0 },
        { "msgpack maps behind u32be lengths",
          { "0000000482a16101", "0000000482a16102", "0000000482a16103", "0000000482a16104" },
          true, AMF_VERDICT_UNDECIDED, NULL, -1 },
        { "protobuf behind u32be lengths",
          { "00000002" "0801", "00000005" "0a03666f6f", "00000004" "08961001" },
          true, AMF_VERDICT_UNDECIDED, NULL, -1 },
        { "u32be message overrunning its prefix, then good messages (known AMF)",
          { "00000003" "060b6162636465", "00000002" "0401", "00000005" "0607616263" },
          false, AMF_VERDICT_FRAMED, "u32be+amf3", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const evidence_case *c = &cases[i];
        test_context("evidence: %s", c->what);
        amf_framing f;
        memset(&f, 0, sizeof f);
        int at;
        amf_verdict v = run_case(c, &f, &at);
        if (c->verdict == AMF_VERDICT_UNDECIDED && !c->framing && c->strict && c->decided_at < 0)
            CHECK(v != AMF_VERDICT_FRAMED);   /* never claimed; may still wait */
        else
            CHECK_INT(v, c->verdict);
        if (c->verdict == AMF_VERDICT_FRAMED && v == AMF_VERDICT_FRAMED) {
            CHECK_STR(amf_framing_name(&f), c->framing);
            if (c->decided_at)
                CHECK_INT(at, c->decided_at);
        }
        test_free_all();
    }
}

/* The decision must not depend on how the bytes were cut into segments
 * only through alignment: the same messages split one byte per segment
 * still frame once known to be AMF, and the candidates never read past
 * the bytes they were given. */
static void one_byte_segments(void)
{
    test_context("evidence: one byte per segment");
    size_t n;
    const uint8_t *all = H("00000002" "0405" "00000005" "0607616263" "00000008" "0a0b010361040101", &n);
    amf_evidence e;
    amf_evidence_init(&e, 0, AMF_DEFAULT_MAX_MESSAGE);
    amf_framing f;
    amf_verdict v = AMF_VERDICT_UNDECIDED;
    for (size_t len = 1; len <= n; len++) {
        amf_evidence_add_segment(&e, all, len);
        v = amf_evidence_verdict(&e, all, len, true, NULL, false, &f);
        if (v != AMF_VERDICT_UNDECIDED)
            break;
    }
    CHECK_INT(v, AMF_VERDICT_FRAMED);
    CHECK_STR(amf_framing_name(&f), "u32be+amf3");
    test_free_all();
}

static void segment_ends(void)
{
    test_context("evidence: segment ends");
    amf_evidence e;
    amf_evidence_init(&e, 0, AMF_DEFAULT_MAX_MESSAGE);
    static const uint8_t zeros[64];
    amf_evidence_add_segment(&e, zeros, 10);
    amf_evidence_add_segment(&e, zeros, 25);
    CHECK(amf_evidence_segment_end(&e, 10));
    CHECK(amf_evidence_segment_end(&e, 25));
    CHECK(!amf_evidence_segment_end(&e, 11));
    CHECK_UINT(amf_evidence_next_segment_end(&e, 0), 10);
    CHECK_UINT(amf_evidence_next_segment_end(&e, 10), 25);
    CHECK_UINT(amf_evidence_next_segment_end(&e, 25), 0);
}

void test_evidence(void)
{
    verdicts();
    one_byte_segments();
    segment_ends();
}
