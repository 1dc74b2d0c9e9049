/* amftcp-export.c
 * Export Objects: File > Export Objects > AMFTCP in the GUI, `tshark
 * --export-objects amftcp,DIR`.  Every decoded message of the "amftcp" tap
 * becomes one object, a .json file holding exactly its amf.json text, named
 * by where it came from: "frame12-msg0.json" is the first message decoded
 * in frame 12 (a frame can carry several).
 *
 * The framework makes a tap of its own, "amftcp_eo", that gets the same
 * records as "amftcp" (amftcp_tap_queue); while it has a listener the tree
 * builds amf.json for the record (amftcp_tap_json_wanted).
 *
 * Not exported yet: the ByteArrays inside messages as files of their own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/export_object.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include <string.h>

#include "packet-amftcp.h"

/* Which message of its frame the next record is: frames reach the
 * listener in order, each record of a frame after the previous one. */
static uint32_t last_frame;
static uint32_t frame_index;

static void export_reset(void)
{
    last_frame = 0;
    frame_index = 0;
}

static tap_packet_status export_packet(void *tapdata, packet_info *pinfo,
                                       epan_dissect_t *edt _U_, const void *data,
                                       tap_flags_t flags _U_)
{
    export_object_list_t *list = tapdata;
    const amftcp_tap_info *info = data;

    if (pinfo->num != last_frame) {
        last_frame = pinfo->num;
        frame_index = 0;
    }
    uint32_t message = frame_index++;
    if (!info->json)
        return TAP_PACKET_DONT_REDRAW;    /* policy text: no AMF value */

    export_object_entry_t *entry = g_new0(export_object_entry_t, 1);
    entry->pkt_num = pinfo->num;
    entry->hostname = g_strdup_printf("%s:%u", address_to_str(pinfo->pool, &pinfo->src),
                                      pinfo->srcport);
    entry->content_type = g_strdup("application/json");
    entry->filename = g_strdup_printf("frame%u-msg%u.json", pinfo->num, message);
    entry->payload_len = strlen(info->json);
    entry->payload_data = g_malloc(entry->payload_len ? entry->payload_len : 1);
    memcpy(entry->payload_data, info->json, entry->payload_len);
    list->add_entry(list->gui_data, entry);
    return TAP_PACKET_REDRAW;
}

void amftcp_export_register(int proto)
{
    amftcp_export_tap = register_export_object(proto, export_packet, export_reset);
}
