/* amftcp-tls.c
 * AMF inside TLS: once Wireshark decrypts a connection (a key log,
 * tls.keylog_file), its application data is a byte stream like raw TCP's
 * and goes through the same detection, framings and reassembly (TLS
 * reassembles across records for its subdissectors through
 * pinfo->desegment_offset/len, as TCP does).
 *
 * Found by the heuristic "amftcp_tls" on TLS's heuristic list, or by Decode
 * As on "tls.port".  The claim is TLS's own: the heuristic stores its
 * handle as the TLS session's application dissector, and TLS calls it for
 * the rest of the session.  The TCP conversation's dissector is never
 * touched (TCP would then hand the TLS records to amftcp).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

static dissector_handle_t amftcp_tls_handle;

/* Called by TLS for a session it knows is ours (claimed or Decode As). */
static int dissect_amftcp_tls(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              void *data _U_)
{
    return amftcp_dissect_over(tvb, pinfo, tree, AMFTCP_OVER_TLS);
}

/* Decrypted application data of a session no dissector has yet: claimed on
 * the same convincing bytes the raw-TCP heuristic wants of a payload. */
static amftcp_heur_bool dissect_amftcp_tls_heur(tvbuff_t *tvb, packet_info *pinfo,
                                                proto_tree *tree, void *data)
{
    if (!amftcp_claim_stream(tvb, pinfo, AMFTCP_OVER_TLS))
        return FALSE;
    dissector_handle_t *app_handle = amftcp_tls_app_handle_slot(data);
    if (app_handle)
        *app_handle = amftcp_tls_handle;
    amftcp_dissect_over(tvb, pinfo, tree, AMFTCP_OVER_TLS);
    return TRUE;
}

void amftcp_tls_register(int proto)
{
    amftcp_tls_handle = register_dissector("amftcp_tls", dissect_amftcp_tls, proto);
}

void amftcp_tls_handoff(void)
{
    int proto = dissector_handle_get_protocol_index(amftcp_tls_handle);
    dissector_add_uint_range_with_preference("tls.port", "", amftcp_tls_handle);
    heur_dissector_add("tls", dissect_amftcp_tls_heur, "AMF over TLS", "amftcp_tls", proto,
                       HEURISTIC_ENABLE);
}
