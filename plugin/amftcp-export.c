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
 * Each ByteArray of a message is an object too, its bytes as they are:
 * "frame12-msg0-bytes1.png" is the second ByteArray of that message (in
 * amf.json order, so one referenced twice is there twice), the content type
 * guessed from the first bytes (PNG, JPEG, GIF, SWF, zlib, gzip, one AMF
 * value; application/octet-stream otherwise).  They are read back from
 * amf.json, which writes a ByteArray, and nothing else, as
 * {"$bytes":"<base64>"} (a member name starting with $ gets another $).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/export_object.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include <string.h>

#include "amf_frame.h"
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

/* Content type and file name extension of bytes, from how they start. */
static const char *guess_type(const guint8 *p, gsize n, const char **ext)
{
    static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
    if (n >= sizeof png && memcmp(p, png, sizeof png) == 0) {
        *ext = "png";
        return "image/png";
    }
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
        *ext = "jpg";
        return "image/jpeg";
    }
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
        *ext = "gif";
        return "image/gif";
    }
    if (n >= 8 && (p[0] == 'F' || p[0] == 'C' || p[0] == 'Z') && p[1] == 'W' && p[2] == 'S') {
        *ext = "swf";
        return "application/x-shockwave-flash";
    }
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        *ext = "gz";
        return "application/gzip";
    }
    if (n >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((p[0] << 8) | p[1]) % 31 == 0) {
        *ext = "zlib";
        return "application/zlib";
    }
    uint32_t consumed = 0;
    if (n && (amf_value_plausible(AMF_VERSION_3, p, n, true, true, &consumed) ||
              amf_value_plausible(AMF_VERSION_0, p, n, true, true, &consumed))) {
        *ext = "amf";
        return "application/x-amf";
    }
    *ext = "bin";
    return "application/octet-stream";
}

#define BYTES_MARK "{\"$bytes\":\""

/* One object per {"$bytes":"..."} of the message's amf.json. */
static void export_bytearrays(export_object_list_t *list, packet_info *pinfo, const char *json,
                              uint32_t message)
{
    uint32_t k = 0;
    for (const char *at = strstr(json, BYTES_MARK); at; at = strstr(at, BYTES_MARK)) {
        const char *start = at + strlen(BYTES_MARK);
        const char *end = strchr(start, '"');
        if (!end)
            break;
        at = end;
        char *text = g_strndup(start, (gsize)(end - start));
        gsize n = 0;
        guint8 *bytes = g_base64_decode(text, &n);
        g_free(text);
        const char *ext;
        export_object_entry_t *entry = g_new0(export_object_entry_t, 1);
        entry->pkt_num = pinfo->num;
        entry->hostname = g_strdup_printf("%s:%u", address_to_str(pinfo->pool, &pinfo->src),
                                          pinfo->srcport);
        entry->content_type = g_strdup(guess_type(bytes, n, &ext));
        entry->filename = g_strdup_printf("frame%u-msg%u-bytes%u.%s", pinfo->num, message, k++,
                                          ext);
        entry->payload_len = n;
        entry->payload_data = n ? bytes : g_malloc(1);
        if (!n)
            g_free(bytes);
        list->add_entry(list->gui_data, entry);
    }
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
    export_bytearrays(list, pinfo, info->json, message);
    return TAP_PACKET_REDRAW;
}

void amftcp_export_register(int proto)
{
    amftcp_export_tap = register_export_object(proto, export_packet, export_reset);
}
