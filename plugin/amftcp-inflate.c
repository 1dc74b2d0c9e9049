/* amftcp-inflate.c
 * Compressed payloads: zlib, gzip or raw deflate, inflated with Wireshark's
 * own decompression (tvb_child_uncompress) into a data source of their own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/expert.h>

#include "packet-amftcp.h"
#include "amf_frame.h"
#include "ws-compat.h"

/* Deflate expands at most 1032 times.  tvb_uncompress caps its output only
 * at 2 GiB, so payloads are inflated only when even that worst case stays
 * within this budget (64 KiB of compressed data). */
#define AMFTCP_INFLATE_WORST_RATIO 1032u
#define AMFTCP_INFLATE_BUDGET      (64u * 1024 * 1024)

bool amftcp_looks_compressed(const guint8 *p, uint32_t length)
{
    if (length < 2)
        return false;
    /* gzip member header */
    if (p[0] == 0x1f && p[1] == 0x8b)
        return true;
    /* zlib header with a 32 KiB window (the one every encoder uses): 0x78 is
     * no AMF0 or AMF3 marker, so it cannot be a value's first byte. */
    return p[0] == 0x78 && ((p[0] << 8) | p[1]) % 31 == 0;
}

tvbuff_t *amftcp_inflate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, uint32_t offset,
                         uint32_t length, const char *source)
{
    if (amftcp_pref_compression == COMPRESSION_OFF || length == 0)
        return NULL;
    if (amftcp_pref_compression == COMPRESSION_AUTO &&
        !amftcp_looks_compressed(tvb_get_ptr(tvb, offset, MIN(length, 2)), length))
        return NULL;
    if ((uint64_t)length * AMFTCP_INFLATE_WORST_RATIO > AMFTCP_INFLATE_BUDGET) {
        proto_tree_add_expert_format(tree, pinfo, &ei_amftcp_inflate_limit, tvb, offset, length,
                                     "Compressed payload of %u bytes not inflated: it could expand "
                                     "to %u MiB", length,
                                     (unsigned)(((uint64_t)length * AMFTCP_INFLATE_WORST_RATIO) >> 20));
        return NULL;
    }
    tvbuff_t *inflated = amftcp_tvb_child_inflate(tvb, tvb, offset, length);
    if (!inflated) {
        proto_tree_add_expert(tree, pinfo, &ei_amftcp_inflate, tvb, offset, length);
        return NULL;
    }
    add_new_data_source(pinfo, inflated, source);
    proto_tree_add_uint(tree, hf_amftcp_compressed, tvb, offset, length, length);
    proto_item *pi = proto_tree_add_uint(tree, hf_amftcp_inflated, tvb, offset, length,
                                         tvb_captured_length(inflated));
    proto_item_set_generated(pi);
    return inflated;
}

/* The length-prefixed framings a compressed stream may use, most common
 * first. */
static const amf_framing compressed_candidates[] = {
    { AMF_FRAME_LENGTH, 4, false, false, AMF_VERSION_3 },
    { AMF_FRAME_LENGTH, 4, true,  false, AMF_VERSION_3 },
    { AMF_FRAME_LENGTH, 2, false, false, AMF_VERSION_3 },
    { AMF_FRAME_LENGTH, 2, true,  false, AMF_VERSION_3 },
    { AMF_FRAME_LENGTH, 4, false, true,  AMF_VERSION_3 },
    { AMF_FRAME_LENGTH, 2, false, true,  AMF_VERSION_3 },
};

/* Does the inflated value decode plausibly, and in which encoding? */
static bool inflated_plausible(tvbuff_t *inflated, bool strict, amf_version *version)
{
    uint32_t len = tvb_captured_length(inflated);
    if (len == 0)
        return false;
    const guint8 *p = tvb_get_ptr(inflated, 0, len);
    static const amf_version versions[] = { AMF_VERSION_3, AMF_VERSION_0 };
    for (size_t i = 0; i < G_N_ELEMENTS(versions); i++) {
        uint32_t consumed;
        if (amf_value_plausible(versions[i], p, len, true, strict, &consumed) && consumed == len) {
            *version = versions[i];
            return true;
        }
    }
    return false;
}

static bool compressed_frame(tvbuff_t *tvb, uint32_t offset, bool strict,
                             const amf_framing *candidate, amf_framing *out)
{
    uint32_t len = tvb_captured_length_remaining(tvb, offset);
    const guint8 *p = tvb_get_ptr(tvb, offset, len);
    amf_frame fr;
    if (amf_frame_measure(candidate, p, len, AMF_DEFAULT_MAX_MESSAGE, &fr) != AMF_OK ||
        fr.length <= fr.header)
        return false;
    uint32_t value_len = fr.length - fr.header;
    if (!amftcp_looks_compressed(p + fr.header, MIN(value_len, len - fr.header)))
        return false;
    if (fr.length > len) {
        /* Cut by the segment: only a stream already known to be AMF, framed
         * like the other direction, is believed. */
        if (strict)
            return false;
        *out = *candidate;
        return true;
    }
    if ((uint64_t)value_len * AMFTCP_INFLATE_WORST_RATIO > AMFTCP_INFLATE_BUDGET)
        return false;
    tvbuff_t *inflated = amftcp_tvb_child_inflate(tvb, tvb, offset + fr.header, value_len);
    amf_version version;
    if (!inflated || !inflated_plausible(inflated, strict, &version))
        return false;
    *out = *candidate;
    out->version = version;
    return true;
}

bool amftcp_detect_compressed(tvbuff_t *tvb, uint32_t offset, bool strict, const amf_framing *hint,
                              amf_framing *out)
{
    if (amftcp_pref_compression == COMPRESSION_OFF)
        return false;
    if (hint && hint->kind == AMF_FRAME_LENGTH && compressed_frame(tvb, offset, strict, hint, out))
        return true;
    for (size_t i = 0; i < G_N_ELEMENTS(compressed_candidates); i++) {
        if (compressed_frame(tvb, offset, strict, &compressed_candidates[i], out))
            return true;
    }
    return false;
}
