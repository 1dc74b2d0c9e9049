/* amftcp-srt.c
 * Service response time through Wireshark's SRT framework: Statistics >
 * Service Response Time > AMFTCP in the GUI, `tshark -q -z amftcp,srt`.
 *
 * Built on the request/response links the "amftcp" tap already carries:
 * a response's record names the request's frame and the time since it.
 * Three tables:
 *   0 Flex operations: one row per request ("login.authenticate" for a
 *     RemotingMessage, the label otherwise: "CommandMessage client ping");
 *     requests answered by an ErrorMessage go to a row of their own,
 *     "<operation> (fault)".
 *   1 Envelope targets: one row per request target URI of an AMF packet
 *     envelope (HTTP bodies); answers by <URI>/onStatus go to
 *     "<target> (fault)".
 *   2 Unanswered requests: "Flex <operation>" and "Envelope <target>",
 *     counted with a time of 0.  A request learns that no answer came only
 *     once every frame was seen, so this table is filled when the links are
 *     complete: in the GUI, and with `tshark -2`; a single pass leaves it
 *     empty.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/srt_table.h>
#include <epan/tap.h>

#include <string.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

enum { SRT_TABLE_FLEX, SRT_TABLE_ENVELOPE, SRT_TABLE_UNANSWERED, SRT_TABLE_COUNT };

#define REMOTING_PREFIX "RemotingMessage "

/* The row of the table named procedure, made when first seen. */
static int row_index(srt_stat_table *rst, const char *procedure)
{
    for (int i = 0; i < rst->num_procs; i++) {
        if (rst->procedures[i].procedure && strcmp(rst->procedures[i].procedure, procedure) == 0)
            return i;
    }
    int i = rst->num_procs;
    init_srt_table_row(rst, i, procedure);
    return i;
}

static void add_row_time(srt_stat_table *rst, packet_info *pinfo, const char *procedure,
                         const nstime_t *since)
{
    /* The framework measures from a request time to this frame's. */
    nstime_t req_time;
    nstime_delta(&req_time, &pinfo->abs_ts, since);
    add_srt_table_data(rst, row_index(rst, procedure), &req_time, pinfo);
}

static const char *operation_name(const char *label)
{
    if (!label)
        return "(unknown request)";
    size_t n = strlen(REMOTING_PREFIX);
    return strncmp(label, REMOTING_PREFIX, n) == 0 && label[n] ? label + n : label;
}

static bool is_flex_response(const char *kind)
{
    return kind && (strcmp(kind, "AcknowledgeMessage") == 0 || strcmp(kind, "ErrorMessage") == 0);
}

static tap_packet_status srt_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                    const void *data, tap_flags_t flags _U_)
{
    srt_data_t *srt = tapdata;
    const amftcp_tap_info *info = data;
    if (srt->srt_array->len < SRT_TABLE_COUNT)
        return TAP_PACKET_DONT_REDRAW;
    srt_stat_table *flex = g_array_index(srt->srt_array, srt_stat_table *, SRT_TABLE_FLEX);
    srt_stat_table *envelope = g_array_index(srt->srt_array, srt_stat_table *, SRT_TABLE_ENVELOPE);
    srt_stat_table *unanswered = g_array_index(srt->srt_array, srt_stat_table *,
                                               SRT_TABLE_UNANSWERED);
    static const nstime_t zero = NSTIME_INIT_ZERO;
    /* Links to later frames are known once every frame was seen. */
    bool complete = info->links_complete;
    bool changed = false;

    for (uint32_t i = 0; i < info->flex_count; i++) {
        const amftcp_flex_link *l = &info->flex_links[i];
        if (l->response_to) {
            const char *op = operation_name(l->request_label);
            const char *row = strcmp(l->kind, "ErrorMessage") == 0
                                  ? wmem_strdup_printf(pinfo->pool, "%s (fault)", op)
                                  : op;
            add_row_time(flex, pinfo, row, &l->response_time);
            changed = true;
        } else if (complete && info->to_server && !l->response_in && l->message_id &&
                   !is_flex_response(l->kind)) {
            add_row_time(unanswered, pinfo,
                         wmem_strdup_printf(pinfo->pool, "Flex %s", operation_name(l->label)),
                         &zero);
            changed = true;
        }
    }
    for (uint32_t i = 0; i < info->envelope_count; i++) {
        const amftcp_envelope_link *l = &info->envelope_links[i];
        if (l->response_to) {
            const char *target = l->request_target ? l->request_target : "(unknown target)";
            const char *row = strcmp(l->role, "status") == 0
                                  ? wmem_strdup_printf(pinfo->pool, "%s (fault)", target)
                                  : target;
            add_row_time(envelope, pinfo, row, &l->response_time);
            changed = true;
        } else if (complete && strcmp(l->role, "request") == 0 && !l->response_in) {
            add_row_time(unanswered, pinfo,
                         wmem_strdup_printf(pinfo->pool, "Envelope %s", l->target), &zero);
            changed = true;
        }
    }
    return changed ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void srt_init(struct register_srt *srt _U_, GArray *srt_array)
{
    init_srt_table("AMF Flex operations", "Flex", srt_array, 0, "Operation", NULL
                  , NULL);
    init_srt_table("AMF envelope targets", "Envelope", srt_array, 0, "Target URI", NULL
                  , NULL);
    init_srt_table("AMF unanswered requests (counts only, time 0)", "Unanswered", srt_array, 0,
                   "Request", NULL, NULL);
}

void amftcp_srt_register(int proto)
{
    register_srt_table(proto, "amftcp", SRT_TABLE_COUNT, srt_packet, srt_init, NULL);
}
