/* amftcp-follow.c
 * Follow AMF stream: `tshark -q -z follow,amftcp,ascii,STREAM` (STREAM: the
 * tcp.stream index, or the address:port pair of both ends), and the
 * follower's entry where the GUI lists registered followers.  Instead of
 * the connection's bytes it shows one readable block per decoded message,
 * both directions in frame order:
 *
 *   [frame 1, 2023-11-14T22:13:20.000000000Z, client -> server]
 *   RemotingMessage login.authenticate (AMF3 Object, 245 bytes)
 *   {"type":"object",...}
 *   (a blank line)
 *
 * The JSON line is the message's amf.json.  The follower listens to a tap
 * of its own, "amftcp_follow", that gets the records of "amftcp"; while it
 * has a listener the tree builds amf.json for them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/follow.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <epan/dissectors/packet-tcp.h>

#include <string.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

static char *follow_conv_filter(epan_dissect_t *edt _U_, packet_info *pinfo, unsigned *stream,
                                unsigned *sub_stream _U_)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (!conv || pinfo->ptype != PT_TCP)
        return NULL;
    struct tcp_analysis *tcpd = get_tcp_conversation_data(conv, pinfo);
    if (!tcpd)
        return NULL;
    *stream = tcpd->stream;
    return g_strdup_printf("tcp.stream eq %u", tcpd->stream);
}

static char *follow_index_filter(unsigned stream, unsigned sub_stream _U_)
{
    return g_strdup_printf("tcp.stream eq %u", stream);
}

static char *follow_address_filter(address *src, address *dst, int src_port, int dst_port)
{
    const char *ip = src->type == AT_IPv6 ? "ipv6" : "ip";
    char *s = address_to_str(NULL, src);
    char *d = address_to_str(NULL, dst);
    char *filter = g_strdup_printf("((%s.src eq %s and tcp.srcport eq %d and %s.dst eq %s and "
                                   "tcp.dstport eq %d) or (%s.src eq %s and tcp.srcport eq %d and "
                                   "%s.dst eq %s and tcp.dstport eq %d))",
                                   ip, s, src_port, ip, d, dst_port, ip, d, dst_port, ip, s,
                                   src_port);
    wmem_free(NULL, s);
    wmem_free(NULL, d);
    return filter;
}

static char *follow_port_to_display(wmem_allocator_t *allocator, unsigned port)
{
    return wmem_strdup_printf(allocator, "%u", port);
}

/* The frame's time in UTC (amftcp_time_utc). */
static void append_utc(GString *out, packet_info *pinfo)
{
    char *text = amftcp_time_utc(pinfo->pool, &pinfo->abs_ts);
    g_string_append(out, text ? text : "(time out of range)");
}

static void append_block(GString *out, packet_info *pinfo, const amftcp_tap_info *info)
{
    g_string_append_printf(out, "[frame %u, ", pinfo->num);
    append_utc(out, pinfo);
    g_string_append_printf(out, ", %s]\n", info->to_server ? "client -> server" : "server -> client");
    if (info->flex && *info->flex)
        g_string_append_printf(out, "%s (", info->flex);
    g_string_append_printf(out, "%s %s", info->version, info->type);
    if (info->class_name && *info->class_name)
        g_string_append_printf(out, " %s", info->class_name);
    g_string_append_printf(out, ", %u bytes", info->length);
    if (info->error)
        g_string_append_printf(out, ", %s", info->error);
    if (info->flex && *info->flex)
        g_string_append_c(out, ')');
    g_string_append_c(out, '\n');
    g_string_append(out, info->json && *info->json ? info->json : "(no JSON)");
    g_string_append(out, "\n\n");
}

static tap_packet_status follow_packet(void *tapdata, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    follow_info_t *follow = tapdata;
    const amftcp_tap_info *info = data;

    if (follow->client_port == 0 && follow->server_port == 0) {
        /* The client is the side that sends to the server. */
        if (info->to_server) {
            copy_address(&follow->client_ip, &pinfo->src);
            follow->client_port = pinfo->srcport;
            copy_address(&follow->server_ip, &pinfo->dst);
            follow->server_port = pinfo->destport;
        } else {
            copy_address(&follow->client_ip, &pinfo->dst);
            follow->client_port = pinfo->destport;
            copy_address(&follow->server_ip, &pinfo->src);
            follow->server_port = pinfo->srcport;
        }
    }

    GString *text = g_string_sized_new(256);
    append_block(text, pinfo, info);

    follow_record_t *record = g_new0(follow_record_t, 1);
    record->is_server = !info->to_server;
    record->packet_num = pinfo->num;
    record->abs_ts = pinfo->abs_ts;
    record->data = g_byte_array_sized_new((guint)text->len);
    g_byte_array_append(record->data, (const guint8 *)text->str, (guint)text->len);
    g_string_free(text, TRUE);

    follow->bytes_written[record->is_server] += record->data->len;
    follow->payload = g_list_prepend(follow->payload, record);
    return TAP_PACKET_DONT_REDRAW;
}

void amftcp_follow_register(int proto)
{
    amftcp_follow_tap = register_tap("amftcp_follow");
    register_follow_stream(proto, "amftcp_follow", follow_conv_filter, follow_index_filter,
                           follow_address_filter, follow_port_to_display, follow_packet
                           AMFTCP_FOLLOW_STREAM_EXTRA_ARGS);
}
