/* fuzz_json.c
 * libFuzzer target: the input is one message, decoded as the plugin decodes
 * it (complete, limited to the message) as an AMF3 value, an AMF0 value and
 * an AMF packet envelope in turn, its events feeding amf.json and the Flex
 * message collector.  Each JSON document must be valid JSON (RFC 8259, valid
 * UTF-8), within the size cap, with no "$" key outside the mapping, and with
 * no "$error" when the decode succeeded; every Flex field must point into the
 * message.  Then again with a low depth limit and an allocator that runs out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fz_kind kinds[] = { FZ_AMF3, FZ_AMF0, FZ_PACKET };
    uint32_t h = fz_hash(data, size);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        fz_run_json(kinds[i], data, size, 0, NULL);
        fz_run_json(kinds[i], data, size, 1 + (h >> 4) % 4, NULL);
        fz_failing_alloc fa;
        amf_allocator alloc = fz_failing_allocator(&fa, (h >> 8) % 8);
        fz_run_json(kinds[i], data, size, 0, &alloc);
    }
    return 0;
}
