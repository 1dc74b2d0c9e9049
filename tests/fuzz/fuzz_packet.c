/* fuzz_packet.c
 * libFuzzer target: the input is one AMF packet envelope (amf_decode_packet).
 * Decoded complete and as a stream, with and without events, as prefixes,
 * under low limits, with a sink that stops early and with an allocator that
 * runs out; every event is checked (fuzz_check.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run_value(FZ_PACKET, data, size);
    return 0;
}
