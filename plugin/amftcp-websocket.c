/* amftcp-websocket.c
 * AMF inside WebSocket: a binary message that holds one AMF value, one AMF
 * packet envelope, or length-prefixed AMF messages back to back.  WebSocket
 * hands over whole messages (unmasked, reassembled from fragments and
 * inflated when permessage-deflate was negotiated), so each is decoded
 * whole: nothing is reassembled here.
 *
 * Found by the heuristic "amftcp_ws" on WebSocket's heuristic list ("ws").
 * WebSocket asks its heuristics about every message of a connection (text
 * ones too), so each message must convince on its own: its bytes must be
 * convincing AMF by the strict detection of the raw-TCP heuristic, and the
 * framing found must cover the message exactly.  Text messages and binary
 * messages that are something else are left to WebSocket.  The 4.0
 * WebSocket dissector offers no Decode As table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

/* The framing of one whole message: convincing by itself, and the values
 * it frames end exactly where the message does. */
static bool whole_message_framing(const guint8 *p, uint32_t len, amf_framing *out)
{
    if (len == 0 ||
        amf_frame_detect(p, len, amftcp_pref_max_message, true, NULL, out) != AMF_DETECT_YES)
        return false;
    uint32_t off = 0;
    do {
        amf_frame fr;
        if (amf_frame_measure(out, p + off, len - off, amftcp_pref_max_message, &fr) != AMF_OK ||
            fr.length == 0 || fr.length > len - off)
            return false;
        off += fr.length;
    } while (off < len && out->kind == AMF_FRAME_LENGTH);
    return off == len;
}

static amftcp_heur_bool dissect_amftcp_ws_heur(tvbuff_t *tvb, packet_info *pinfo,
                                               proto_tree *tree, void *data _U_)
{
    uint32_t len = tvb_captured_length(tvb);
    /* A message shorter than announced (a capture cut it) is not taken. */
    if (len == 0 || len != tvb_reported_length(tvb))
        return FALSE;
    amf_framing framing;
    if (!whole_message_framing(tvb_get_ptr(tvb, 0, len), len, &framing))
        return FALSE;
    amftcp_dissect_whole(tvb, pinfo, tree, AMFTCP_OVER_WEBSOCKET, &framing);
    return TRUE;
}

void amftcp_websocket_handoff(void)
{
    heur_dissector_add("ws", dissect_amftcp_ws_heur, "AMF over WebSocket", "amftcp_ws",
                       proto_get_id_by_filter_name("amftcp"), HEURISTIC_ENABLE);
}
