/* amftcp-stats.c
 * The "amftcp" tap (one record per decoded message, for any tool that
 * listens) and the stats tree built on it: Statistics > AMF over TCP in the
 * GUI, `tshark -z amftcp,tree`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "packet-amftcp.h"

static const char *const st_root = "AMF over TCP messages";
static int st_node_messages = -1;
static int st_node_direction = -1;
static int st_node_version = -1;
static int st_node_type = -1;
static int st_node_class = -1;
static int st_node_flex = -1;

static void amftcp_stats_init(stats_tree *st)
{
    st_node_messages = stats_tree_create_node(st, st_root, 0, STAT_DT_INT, TRUE);
    st_node_direction = stats_tree_create_node(st, "Direction", st_node_messages, STAT_DT_INT, TRUE);
    st_node_version = stats_tree_create_node(st, "AMF version", st_node_messages, STAT_DT_INT, TRUE);
    st_node_type = stats_tree_create_node(st, "Top-level type", st_node_messages, STAT_DT_INT, TRUE);
    st_node_class = stats_tree_create_node(st, "Class name", st_node_messages, STAT_DT_INT, TRUE);
    st_node_flex = stats_tree_create_node(st, "Flex operation", st_node_messages, STAT_DT_INT, TRUE);
}

static tap_packet_status amftcp_stats_packet(stats_tree *st, packet_info *pinfo _U_,
                                             epan_dissect_t *edt _U_, const void *data,
                                             tap_flags_t flags _U_)
{
    const amftcp_tap_info *info = data;
    tick_stat_node(st, st_root, 0, TRUE);
    tick_stat_node(st, "Direction", st_node_messages, TRUE);
    tick_stat_node(st, info->to_server ? "Client to server" : "Server to client",
                   st_node_direction, FALSE);
    tick_stat_node(st, "AMF version", st_node_messages, TRUE);
    tick_stat_node(st, info->version, st_node_version, FALSE);
    tick_stat_node(st, "Top-level type", st_node_messages, TRUE);
    tick_stat_node(st, info->type, st_node_type, FALSE);
    if (info->class_name && *info->class_name) {
        tick_stat_node(st, "Class name", st_node_messages, TRUE);
        tick_stat_node(st, info->class_name, st_node_class, FALSE);
    }
    if (info->flex && *info->flex) {
        tick_stat_node(st, "Flex operation", st_node_messages, TRUE);
        tick_stat_node(st, info->flex, st_node_flex, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

int amftcp_export_tap = -1;
int amftcp_follow_tap = -1;

bool amftcp_tap_json_wanted(void)
{
    return (amftcp_export_tap >= 0 && have_tap_listener(amftcp_export_tap)) ||
           (amftcp_follow_tap >= 0 && have_tap_listener(amftcp_follow_tap));
}

void amftcp_tap_queue(packet_info *pinfo, const amftcp_tap_info *tap)
{
    tap_queue_packet(amftcp_tap, pinfo, tap);
    if (amftcp_export_tap >= 0)
        tap_queue_packet(amftcp_export_tap, pinfo, tap);
    if (amftcp_follow_tap >= 0)
        tap_queue_packet(amftcp_follow_tap, pinfo, tap);
}

void amftcp_stats_register(void)
{
    stats_tree_register_plugin("amftcp", "amftcp", "AMF over TCP", 0, amftcp_stats_packet,
                               amftcp_stats_init, NULL);
}
