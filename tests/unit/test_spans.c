/* test_spans.c
 * Event spans byte by byte on a few messages: offset/length (whole value,
 * a container's header, a whole container at its END), data_offset and
 * data_length (payload), name spans, end markers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>

typedef struct span {
    amf_event_kind kind;
    uint32_t offset, length;
    uint32_t data_offset, data_length;
    uint32_t name_offset, name_length;
    uint32_t end_offset, end_length;
    uint32_t depth;
} span;

static void check_spans(const char *what, test_mode mode, const char *hex, const span *want,
                        size_t n)
{
    test_context("spans: %s", what);
    decoded d;
    EXPECT_FAIL_D(mode, hex, AMF_OK, AMF_ERR_NONE, NULL, &d);
    if (CHECK_UINT(d.n, n)) {
        for (size_t i = 0; i < n; i++) {
            const amf_event *ev = &d.ev[i].ev;
            test_context("spans: %s, event %zu", what, i);
            CHECK_INT(ev->kind, want[i].kind);
            CHECK_UINT(ev->offset, want[i].offset);
            CHECK_UINT(ev->length, want[i].length);
            CHECK_UINT(ev->data_offset, want[i].data_offset);
            CHECK_UINT(ev->data_length, want[i].data_length);
            CHECK_UINT(ev->name_offset, want[i].name_offset);
            CHECK_UINT(ev->name_length, want[i].name_length);
            CHECK_UINT(ev->end_offset, want[i].end_offset);
            CHECK_UINT(ev->end_length, want[i].end_length);
            CHECK_UINT(ev->depth, want[i].depth);
        }
    }
    decoded_free(&d);
}

#define N(a) (sizeof (a) / sizeof *(a))

void test_spans(void)
{
    /* 0:0a 1:1b 2:03 3:A 4:03 5:x | 6:06 7:05 8-9:hi | 10:05 11-12:dy
     * 13:09 14:05 15:01 | 16:06 17:00 | 18:04 19:81 20:00 | 21:01 */
    static const span amf3_object[] = {
        { AMF_EV_BEGIN, 0, 6, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_TRAITS, 1, 5, 0, 0, 0, 0, 0, 0, 1 },   /* inside its object */
        { AMF_EV_SCALAR, 6, 4, 8, 2, 0, 0, 0, 0, 1 },      /* sealed x: name in the traits */
        { AMF_EV_BEGIN, 13, 2, 0, 0, 10, 3, 0, 0, 1 },     /* dynamic dy */
        { AMF_EV_SCALAR, 16, 2, 17, 1, 0, 0, 0, 0, 2 },    /* "A" by reference */
        { AMF_EV_SCALAR, 18, 3, 19, 2, 0, 0, 0, 0, 2 },    /* 128 */
        { AMF_EV_END, 13, 8, 0, 0, 10, 3, 0, 0, 1 },
        { AMF_EV_END, 0, 22, 0, 0, 0, 0, 21, 1, 0 },
    };
    check_spans("AMF3 typed dynamic object", MODE_AMF3,
                "0a 1b 03 'A' 03 'x' 06 05 'hi' 05 'dy' 09 05 01 06 00 04 81 00 01",
                amf3_object, N(amf3_object));

    /* 0:03 | 1-2,3:a | 4:0a 5-8 | 9:00 10-17 | 18:02 19-20 21-22:hi | 23-25 */
    static const span amf0_object[] = {
        { AMF_EV_BEGIN, 0, 1, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_BEGIN, 4, 5, 0, 0, 1, 3, 0, 0, 1 },
        { AMF_EV_SCALAR, 9, 9, 10, 8, 0, 0, 0, 0, 2 },
        { AMF_EV_SCALAR, 18, 5, 21, 2, 0, 0, 0, 0, 2 },
        { AMF_EV_END, 4, 19, 0, 0, 1, 3, 0, 0, 1 },
        { AMF_EV_END, 0, 26, 0, 0, 0, 0, 23, 3, 0 },
    };
    check_spans("AMF0 object with a strict array", MODE_AMF0,
                "03 00 01 'a' 0a 00 00 00 02 00 3f f0 00 00 00 00 00 00 02 00 02 'hi' 00 00 09",
                amf0_object, N(amf0_object));

    /* 0:0a 1-4 | 5:11 6:0a 7:0b 8:01 9:03 10:k 11:0b 12:09 13-16 17:01 |
     * 18:0b 19-26 27-28 */
    static const span avmplus[] = {
        { AMF_EV_BEGIN, 0, 5, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_BEGIN, 5, 4, 0, 0, 0, 0, 0, 0, 1 },      /* from the 0x11 */
        { AMF_EV_TRAITS, 7, 2, 0, 0, 0, 0, 0, 0, 2 },
        { AMF_EV_SCALAR, 11, 6, 13, 4, 9, 2, 0, 0, 2 },
        { AMF_EV_END, 5, 13, 0, 0, 0, 0, 17, 1, 1 },
        { AMF_EV_SCALAR, 18, 11, 19, 8, 0, 0, 0, 0, 1 },
        { AMF_EV_END, 0, 29, 0, 0, 0, 0, 0, 0, 0 },
    };
    check_spans("AMF0 array with an AVM+ object and a date", MODE_AMF0,
                "0a 00 00 00 02 11 0a 0b 01 03 'k' 0b 09 '<a/>' 01 0b 00 00 00 00 00 00 00 00 00 3c",
                avmplus, N(avmplus));

    /* 0:11 1:05 2:00 | 3:06 4:03 5:k | 6:0d 7:03 8:01 9-12 | 13:04 14:05 |
     * 15:0c 16:05 17-18 */
    static const span dictionary[] = {
        { AMF_EV_BEGIN, 0, 3, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_SCALAR, 3, 3, 5, 1, 0, 0, 0, 0, 1 },
        { AMF_EV_BEGIN, 6, 3, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_SCALAR, 9, 4, 9, 4, 0, 0, 0, 0, 2 },
        { AMF_EV_END, 6, 7, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_SCALAR, 13, 2, 14, 1, 0, 0, 0, 0, 1 },
        { AMF_EV_SCALAR, 15, 4, 17, 2, 0, 0, 0, 0, 1 },
        { AMF_EV_END, 0, 19, 0, 0, 0, 0, 0, 0, 0 },
    };
    check_spans("AMF3 dictionary with a vector and a ByteArray", MODE_AMF3,
                "11 05 00 06 03 'k' 0d 03 01 00 00 00 02 04 05 0c 05 'ab'",
                dictionary, N(dictionary));

    /* 0:09 1:05 2:03 3:a 4:02 5:01 | 6:09 7:00 | 8:08 9:01 10-17 */
    static const span refs[] = {
        { AMF_EV_BEGIN, 0, 2, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_SCALAR, 4, 1, 4, 1, 2, 2, 0, 0, 1 },      /* assoc a: false */
        { AMF_EV_REFERENCE, 6, 2, 7, 1, 0, 0, 0, 0, 1 },   /* the array itself */
        { AMF_EV_SCALAR, 8, 10, 10, 8, 0, 0, 0, 0, 1 },
        { AMF_EV_END, 0, 18, 0, 0, 0, 0, 5, 1, 0 },
    };
    check_spans("AMF3 array with an associative part and a self reference", MODE_AMF3,
                "09 05 03 'a' 02 01 09 00 08 01 00 00 00 00 00 00 00 00", refs, N(refs));

    /* 0:0a 1:07 2:07 3-5:DSK | 6:81 7:01 | 8:04 9:05 | 10:0c 11:03 12 | 13:00 14:00 */
    static const span dsk[] = {
        { AMF_EV_BEGIN, 0, 6, 0, 0, 0, 0, 0, 0, 0 },
        { AMF_EV_TRAITS, 1, 5, 0, 0, 0, 0, 0, 0, 1 },   /* inside its object */
        { AMF_EV_FLAGS, 6, 1, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_FLAGS, 7, 1, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_SCALAR, 8, 2, 9, 1, 0, 0, 0, 0, 1 },
        { AMF_EV_SCALAR, 10, 3, 12, 1, 0, 0, 0, 0, 1 },
        { AMF_EV_FLAGS, 13, 1, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_FLAGS, 14, 1, 0, 0, 0, 0, 0, 0, 1 },
        { AMF_EV_END, 0, 15, 0, 0, 0, 0, 0, 0, 0 },
    };
    check_spans("DSK", MODE_AMF3, "0a 07 07 'DSK' 81 01 04 05 0c 03 ff 00 00", dsk, N(dsk));
}
