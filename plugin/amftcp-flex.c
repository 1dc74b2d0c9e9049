/* amftcp-flex.c
 * Flex messaging in the tree: the key parts of BlazeDS-style messages as
 * filterable fields, and each response linked to its request by
 * correlationId, as Wireshark does for request/response protocols.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/wmem_scopes.h>
#include <wsutil/nstime.h>

#include <string.h>

#include "packet-amftcp.h"

static int hf_flex_message = -1;
static int hf_flex_operation = -1;
static int hf_flex_destination = -1;
static int hf_flex_source = -1;
static int hf_flex_message_id = -1;
static int hf_flex_correlation_id = -1;
static int hf_flex_client_id = -1;
static int hf_flex_fault_code = -1;
static int hf_flex_fault_string = -1;
static int hf_flex_command = -1;
static int hf_flex_response_in = -1;
static int hf_flex_response_to = -1;
static int hf_flex_time = -1;
static int ett_flex = -1;

/* One request and, once seen, its response: file scope, found by the
 * request's messageId in both passes. */
typedef struct flex_transaction {
    uint32_t      req_frame;
    uint32_t      resp_frame;    /* 0 until a response names it */
    nstime_t      req_time;
    nstime_t      resp_time;
    const char   *req_label;     /* "RemotingMessage login.authenticate" */
    const char   *resp_label;    /* "AcknowledgeMessage", "ErrorMessage Server.Processing" */
} flex_transaction;

/* Per connection, file scope: requests by messageId. */
struct amftcp_flex_state {
    wmem_map_t *by_id;
};

amftcp_flex_state *amftcp_flex_state_new(void)
{
    amftcp_flex_state *s = wmem_new0(wmem_file_scope(), amftcp_flex_state);
    s->by_id = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    return s;
}

static bool is_response(const amf_flex_message *m)
{
    return m->kind == AMF_FLEX_ACKNOWLEDGE || m->kind == AMF_FLEX_ERROR;
}

static const char *field_text(wmem_allocator_t *scope, const amf_flex_field *f)
{
    char buf[256];
    const char *text = amf_flex_field_text(f, buf, sizeof buf);
    return text ? wmem_strdup(scope, text) : NULL;
}

/* "RemotingMessage login.authenticate", "CommandMessage client ping",
 * "ErrorMessage Server.Processing". */
static const char *message_label(wmem_allocator_t *scope, const amf_flex_message *m)
{
    wmem_strbuf_t *b = wmem_strbuf_new(scope, amf_flex_kind_name(m->kind));
    const char *dest = field_text(scope, &m->destination);
    const char *op = field_text(scope, &m->operation);
    if (m->kind == AMF_FLEX_REMOTING && op) {
        wmem_strbuf_append_c(b, ' ');
        if (dest && *dest)
            wmem_strbuf_append_printf(b, "%s.", dest);
        wmem_strbuf_append(b, op);
    } else if (m->kind == AMF_FLEX_COMMAND && m->has_command) {
        const char *name = amf_flex_command_name(m->command);
        if (name)
            wmem_strbuf_append_printf(b, " %s", name);
        else
            wmem_strbuf_append_printf(b, " operation %d", m->command);
    } else if (m->kind == AMF_FLEX_ERROR && m->fault_code.present) {
        wmem_strbuf_append_printf(b, " %s", field_text(scope, &m->fault_code));
    } else if (m->kind == AMF_FLEX_ASYNC && dest && *dest) {
        wmem_strbuf_append_printf(b, " %s", dest);
    }
    return wmem_strbuf_finalize(b);
}

static void add_field(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t base,
                      const amf_flex_field *f, packet_info *pinfo)
{
    if (!f->present || !proto_field_is_referenced(tree, hf))
        return;
    proto_tree_add_string(tree, hf, tvb, base + f->offset, f->length,
                          field_text(pinfo->pool, f));
}

/* First pass: remember requests, and attach responses to them. */
static void track(packet_info *pinfo, amftcp_flex_state *state, const amf_flex_message *m)
{
    if (PINFO_FD_VISITED(pinfo))
        return;
    if (!is_response(m) && m->message_id.present) {
        const char *id = field_text(wmem_file_scope(), &m->message_id);
        if (!wmem_map_lookup(state->by_id, id)) {
            flex_transaction *t = wmem_new0(wmem_file_scope(), flex_transaction);
            t->req_frame = pinfo->num;
            t->req_time = pinfo->abs_ts;
            t->req_label = message_label(wmem_file_scope(), m);
            wmem_map_insert(state->by_id, id, t);
        }
    } else if (is_response(m) && m->correlation_id.present) {
        const char *id = field_text(pinfo->pool, &m->correlation_id);
        flex_transaction *t = wmem_map_lookup(state->by_id, id);
        if (t && !t->resp_frame) {
            t->resp_frame = pinfo->num;
            t->resp_time = pinfo->abs_ts;
            t->resp_label = message_label(wmem_file_scope(), m);
        }
    }
}

static flex_transaction *lookup(packet_info *pinfo, amftcp_flex_state *state,
                                const amf_flex_message *m)
{
    const amf_flex_field *key = is_response(m) ? &m->correlation_id : &m->message_id;
    if (!key->present)
        return NULL;
    return wmem_map_lookup(state->by_id, field_text(pinfo->pool, key));
}

const char *amftcp_flex_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                uint32_t base, const amf_flex *flex, amftcp_flex_state *state,
                                const char **first_label)
{
    wmem_strbuf_t *info = NULL;
    *first_label = flex->count ? message_label(pinfo->pool, &flex->messages[0]) : NULL;
    for (uint32_t i = 0; i < flex->count; i++) {
        const amf_flex_message *m = &flex->messages[i];
        track(pinfo, state, m);
        flex_transaction *t = lookup(pinfo, state, m);
        const char *label = message_label(pinfo->pool, m);

        proto_item *ti;
        proto_tree *sub = proto_tree_add_subtree_format(tree, tvb, base + m->offset, m->length,
                                                        ett_flex, &ti, "Flex %s%s", label,
                                                        m->small ? " (small form)" : "");
        proto_item *pi = proto_tree_add_string(sub, hf_flex_message, tvb, base + m->offset,
                                               m->length, amf_flex_kind_name(m->kind));
        proto_item_set_generated(pi);
        add_field(sub, hf_flex_operation, tvb, base, &m->operation, pinfo);
        if (m->has_command)
            proto_tree_add_int(sub, hf_flex_command, tvb, base + m->command_offset,
                               m->command_length, m->command);
        add_field(sub, hf_flex_destination, tvb, base, &m->destination, pinfo);
        add_field(sub, hf_flex_source, tvb, base, &m->source, pinfo);
        add_field(sub, hf_flex_message_id, tvb, base, &m->message_id, pinfo);
        add_field(sub, hf_flex_correlation_id, tvb, base, &m->correlation_id, pinfo);
        add_field(sub, hf_flex_client_id, tvb, base, &m->client_id, pinfo);
        add_field(sub, hf_flex_fault_code, tvb, base, &m->fault_code, pinfo);
        add_field(sub, hf_flex_fault_string, tvb, base, &m->fault_string, pinfo);

        const char *text = label;
        if (t && !is_response(m) && t->req_frame == pinfo->num && t->resp_frame) {
            pi = proto_tree_add_uint(sub, hf_flex_response_in, tvb, 0, 0, t->resp_frame);
            proto_item_set_generated(pi);
            text = wmem_strdup_printf(pinfo->pool, "%s -> %s", label, t->resp_label);
        } else if (t && is_response(m) && t->resp_frame == pinfo->num) {
            pi = proto_tree_add_uint(sub, hf_flex_response_to, tvb, 0, 0, t->req_frame);
            proto_item_set_generated(pi);
            nstime_t delta;
            nstime_delta(&delta, &t->resp_time, &t->req_time);
            pi = proto_tree_add_time(sub, hf_flex_time, tvb, 0, 0, &delta);
            proto_item_set_generated(pi);
            text = wmem_strdup_printf(pinfo->pool, "%s -> %s", t->req_label, label);
        }
        if (!info)
            info = wmem_strbuf_new(pinfo->pool, text);
        else
            wmem_strbuf_append_printf(info, ", %s", text);
    }
    return info ? wmem_strbuf_get_str(info) : NULL;
}

/* The links below are the ones the tree shows: a request learns its
 * response only once that was seen, so in one pass only the response
 * carries the link. */
void amftcp_flex_tap(packet_info *pinfo, const amf_flex *flex, amftcp_flex_state *state,
                     amftcp_tap_info *tap)
{
    if (!flex->count || !state)
        return;
    amftcp_flex_link *links = wmem_alloc0_array(pinfo->pool, amftcp_flex_link, flex->count);
    for (uint32_t i = 0; i < flex->count; i++) {
        const amf_flex_message *m = &flex->messages[i];
        amftcp_flex_link *l = &links[i];
        l->kind = amf_flex_kind_name(m->kind);
        l->message_id = field_text(pinfo->pool, &m->message_id);
        l->correlation_id = field_text(pinfo->pool, &m->correlation_id);
        l->label = message_label(pinfo->pool, m);
        const flex_transaction *t = lookup(pinfo, state, m);
        if (t && !is_response(m) && t->req_frame == pinfo->num && t->resp_frame) {
            l->response_in = t->resp_frame;
        } else if (t && is_response(m) && t->resp_frame == pinfo->num) {
            l->response_to = t->req_frame;
            l->request_label = t->req_label;
            nstime_delta(&l->response_time, &t->resp_time, &t->req_time);
        }
    }
    tap->flex_links = links;
    tap->links_complete = PINFO_FD_VISITED(pinfo);
    tap->flex_count = flex->count;
}

static value_string flex_command_vals[16];

void amftcp_flex_register(int proto)
{
    size_t n = 0;
    for (int op = 0; op < 16 && n + 1 < G_N_ELEMENTS(flex_command_vals); op++) {
        const char *name = amf_flex_command_name(op);
        if (name) {
            flex_command_vals[n].value = (guint32)op;
            flex_command_vals[n].strptr = name;
            n++;
        }
    }

    static hf_register_info hf[] = {
        { &hf_flex_message, { "Flex message", "amf.flex.message", FT_STRING, BASE_NONE, NULL, 0x0,
            "Kind of BlazeDS message: RemotingMessage, AcknowledgeMessage, ErrorMessage, "
            "CommandMessage, AsyncMessage (small forms DSK, DSA, DSC included)", HFILL } },
        { &hf_flex_operation, { "Operation", "amf.flex.operation", FT_STRING, BASE_NONE, NULL, 0x0,
            "RemotingMessage operation (method) name", HFILL } },
        { &hf_flex_destination, { "Destination", "amf.flex.destination", FT_STRING, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_flex_source, { "Source", "amf.flex.source", FT_STRING, BASE_NONE, NULL, 0x0,
            NULL, HFILL } },
        { &hf_flex_message_id, { "Message ID", "amf.flex.message_id", FT_STRING, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_flex_correlation_id, { "Correlation ID", "amf.flex.correlation_id", FT_STRING,
            BASE_NONE, NULL, 0x0, "messageId of the request this message answers", HFILL } },
        { &hf_flex_client_id, { "Client ID", "amf.flex.client_id", FT_STRING, BASE_NONE, NULL,
            0x0, NULL, HFILL } },
        { &hf_flex_fault_code, { "Fault code", "amf.flex.fault_code", FT_STRING, BASE_NONE, NULL,
            0x0, NULL, HFILL } },
        { &hf_flex_fault_string, { "Fault string", "amf.flex.fault_string", FT_STRING, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_flex_command, { "Command operation", "amf.flex.command", FT_INT32, BASE_DEC,
            VALS(flex_command_vals), 0x0, "CommandMessage operation code", HFILL } },
        { &hf_flex_response_in, { "Response in", "amf.flex.response_in", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "The response to this request is in this frame",
            HFILL } },
        { &hf_flex_response_to, { "Response to", "amf.flex.response_to", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "This is a response to the request in this frame",
            HFILL } },
        { &hf_flex_time, { "Time", "amf.flex.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time between the request and this response", HFILL } },
    };
    static gint *ett[] = { &ett_flex };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}
