/* amftcp-http.c
 * Flash Remoting and BlazeDS over HTTP: the AMF packet envelopes that are
 * POSTed as `Content-Type: application/x-amf` bodies, and their responses,
 * decoded like envelopes on raw TCP (the same tree, fields, amf.json, Flex
 * links and tap record), with each response message linked to its request
 * by response URI ("/1" is answered by "/1/onResult" or "/1/onStatus").
 *
 * Wireshark's HTTP dissector hands over whole bodies (reassembled,
 * de-chunked and decompressed as its preferences say) through the
 * "media_type" table, where the built-in AMF dissector (packet-rtmpt.c)
 * also registers; the preference amftcp.http decides which of the two has
 * the entry.  Decode As on media_type can still choose either.
 *
 * Specification: AMF0 spec section 4 ("AMF packet"),
 *   https://rtmp.veriskope.com/pdf/amf0-file-format-specification.pdf
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/wmem_scopes.h>
#include <wsutil/nstime.h>

#include <string.h>

#include "amf_envelope.h"
#include "packet-amftcp.h"
#include "ws-compat.h"

#define AMF_MEDIA_TYPE "application/x-amf"

static int hf_envelope_role = -1;
static int hf_envelope_uri = -1;
static int hf_envelope_response_in = -1;
static int hf_envelope_response_to = -1;
static int hf_envelope_time = -1;
static int hf_envelope_fault = -1;
static int ett_envelope_link = -1;
/* amftcp.framing, looked up by name: the only message field of
 * packet-amftcp.c this file shows. */
static int hf_message_framing = -1;

static amftcp_pref_bool amftcp_pref_http = TRUE;

static dissector_handle_t amftcp_http_handle;
/* The media_type entry for application/x-amf before ours (the built-in
 * AMF dissector), put back when the preference is turned off. */
static dissector_handle_t builtin_handle;
/* Our handle holds the media_type entry (the preference as last applied). */
static bool http_installed;
/* The handoff ran: the built-in's entry is there to take over. */
static bool http_handed_off;

/* Per-frame proto data keys (file scope): one body per key, counted per
 * frame from this base; a frame-scoped counter (packet scope) says which
 * body of the frame this is.  Above the layer numbers packet-amftcp.c uses
 * as keys. */
#define HTTP_BODY_KEY_BASE 0x2000u
#define HTTP_BODY_COUNTER  0x1fffu

/* One request message of an envelope and, once seen, the message that
 * answers it (file scope; made and completed in the first pass). */
typedef struct envelope_transaction {
    uint32_t req_frame;
    uint32_t resp_frame;         /* 0 until an answer names it */
    nstime_t req_time;
    nstime_t resp_time;
    bool     fault;              /* answered by onStatus */
    const char *target;          /* the request's target URI */
} envelope_transaction;

/* Per HTTP connection (file scope): requests by response URI, the latest
 * request per URI (a new NetConnection on the same connection may count
 * from "/1" again), and the Flex requests by messageId. */
typedef struct http_conv {
    wmem_map_t        *by_uri;
    amftcp_flex_state *flex;
} http_conv;

/* What the first pass found for one body: the transaction of each kept
 * envelope message, NULL for none (file scope). */
typedef struct http_body {
    uint32_t               count;
    envelope_transaction **links;
} http_body;

/* HTTP connections by conversation (file scope, emptied with the file). */
static wmem_map_t *http_convs;

static http_conv *get_http_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    http_conv *hc = wmem_map_lookup(http_convs, conv);
    if (!hc) {
        hc = wmem_new0(wmem_file_scope(), http_conv);
        hc->by_uri = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
        hc->flex = amftcp_flex_state_new();
        wmem_map_insert(http_convs, conv, hc);
    }
    return hc;
}

/* Which body of the frame this is (0 for the first), the same in every
 * pass since HTTP hands bodies over in frame order. */
static uint32_t body_index(packet_info *pinfo)
{
    uint32_t n = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_amftcp,
                                                   HTTP_BODY_COUNTER));
    p_add_proto_data(pinfo->pool, pinfo, proto_amftcp, HTTP_BODY_COUNTER, GUINT_TO_POINTER(n + 1));
    return n;
}

static char *uri_key(wmem_allocator_t *scope, amf_str key)
{
    return wmem_strndup(scope, key.ptr, key.len);
}

/* First pass: remember the requests of this envelope, attach its answers
 * to the requests they answer. */
static http_body *track_envelope(packet_info *pinfo, http_conv *hc, const amf_envelope *env)
{
    http_body *body = wmem_new0(wmem_file_scope(), http_body);
    body->count = env->count;
    /* count is at most AMF_ENVELOPE_MAX_MESSAGES: the size cannot overflow. */
    body->links = wmem_alloc0(wmem_file_scope(), sizeof *body->links * (env->count ? env->count : 1));
    for (uint32_t i = 0; i < env->count; i++) {
        const amf_envelope_message *m = &env->messages[i];
        if (m->role == AMF_ENVELOPE_REQUEST) {
            envelope_transaction *t = wmem_new0(wmem_file_scope(), envelope_transaction);
            t->req_frame = pinfo->num;
            t->req_time = pinfo->abs_ts;
            t->target = uri_key(wmem_file_scope(), m->target);
            wmem_map_insert(hc->by_uri, uri_key(wmem_file_scope(), m->key), t);
            body->links[i] = t;
        } else if (m->role == AMF_ENVELOPE_RESULT || m->role == AMF_ENVELOPE_STATUS) {
            envelope_transaction *t = wmem_map_lookup(hc->by_uri, uri_key(pinfo->pool, m->key));
            if (t && !t->resp_frame && t->req_frame < pinfo->num) {
                t->resp_frame = pinfo->num;
                t->resp_time = pinfo->abs_ts;
                t->fault = m->role == AMF_ENVELOPE_STATUS;
                body->links[i] = t;
            }
        }
    }
    return body;
}

/* One subtree per message that takes part in a pairing: its role, the URI
 * that pairs it, and the frame (and time) of the other side. */
static void add_links(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const amf_envelope *env,
                      const http_body *body)
{
    uint32_t n = env->count < body->count ? env->count : body->count;
    for (uint32_t i = 0; i < n; i++) {
        const amf_envelope_message *m = &env->messages[i];
        if (m->role == AMF_ENVELOPE_OTHER)
            continue;
        const envelope_transaction *t = body->links[i];
        char *uri = uri_key(pinfo->pool, m->key);
        proto_item *ti;
        proto_tree *sub = proto_tree_add_subtree_format(tree, tvb, m->offset, m->length,
                                                        ett_envelope_link, &ti,
                                                        "Envelope message %u: %s %s", i,
                                                        amf_envelope_role_name(m->role), uri);
        proto_item *pi = proto_tree_add_string(sub, hf_envelope_role, tvb, m->offset, 0,
                                               amf_envelope_role_name(m->role));
        proto_item_set_generated(pi);
        pi = proto_tree_add_string(sub, hf_envelope_uri, tvb, m->offset, 0, uri);
        proto_item_set_generated(pi);
        if (!t)
            continue;
        if (m->role == AMF_ENVELOPE_REQUEST) {
            if (!t->resp_frame)
                continue;
            pi = proto_tree_add_uint(sub, hf_envelope_response_in, tvb, 0, 0, t->resp_frame);
            proto_item_set_generated(pi);
            proto_item_append_text(ti, ", answered in frame %u%s", t->resp_frame,
                                   t->fault ? " (fault)" : "");
        } else {
            pi = proto_tree_add_uint(sub, hf_envelope_response_to, tvb, 0, 0, t->req_frame);
            proto_item_set_generated(pi);
            nstime_t delta;
            nstime_delta(&delta, &t->resp_time, &t->req_time);
            pi = proto_tree_add_time(sub, hf_envelope_time, tvb, 0, 0, &delta);
            proto_item_set_generated(pi);
            proto_item_append_text(ti, ", answers frame %u", t->req_frame);
            if (t->fault) {
                pi = proto_tree_add_boolean(sub, hf_envelope_fault, tvb, m->offset, 0, TRUE);
                proto_item_set_generated(pi);
            }
        }
    }
}

/* The envelope's messages and their links, as add_links shows them, into
 * the tap record. */
static void tap_envelope(packet_info *pinfo, const amf_envelope *env, const http_body *body,
                         amftcp_tap_info *tap)
{
    /* count is at least 1 here and at most AMF_ENVELOPE_MAX_MESSAGES. */
    amftcp_envelope_link *links = wmem_alloc0(pinfo->pool, sizeof *links * env->count);
    for (uint32_t i = 0; i < env->count; i++) {
        const amf_envelope_message *m = &env->messages[i];
        amftcp_envelope_link *l = &links[i];
        l->role = amf_envelope_role_name(m->role);
        l->target = uri_key(pinfo->pool, m->target);
        const envelope_transaction *t = body && i < body->count ? body->links[i] : NULL;
        if (!t)
            continue;
        if (m->role == AMF_ENVELOPE_REQUEST) {
            l->response_in = t->resp_frame;
        } else if (m->role != AMF_ENVELOPE_OTHER) {
            l->response_to = t->req_frame;
            l->request_target = t->target;
            nstime_delta(&l->response_time, &t->resp_time, &t->req_time);
        }
    }
    tap->envelope_links = links;
    tap->links_complete = PINFO_FD_VISITED(pinfo);
    tap->envelope_count = env->count;
}

/* Is this body a request (the client's)?  HTTP says so; a caller that does
 * not (Decode As from another protocol) is answered from the envelope: no
 * message that answers anything. */
static bool body_is_request(const void *data, const amf_envelope *env)
{
    const amftcp_media_info *info = data;
    if (info && info->type == AMFTCP_MEDIA_HTTP_REQUEST)
        return true;
    if (info && info->type == AMFTCP_MEDIA_HTTP_RESPONSE)
        return false;
    for (uint32_t i = 0; i < env->count; i++) {
        if (env->messages[i].role == AMF_ENVELOPE_RESULT || env->messages[i].role == AMF_ENVELOPE_STATUS)
            return false;
    }
    return true;
}

static void *pool_realloc(void *ctx, void *ptr, size_t size)
{
    return wmem_realloc((wmem_allocator_t *)ctx, ptr, size);
}

static void pool_free(void *ctx, void *ptr)
{
    wmem_free((wmem_allocator_t *)ctx, ptr);
}

static void scan_envelope(packet_info *pinfo, tvbuff_t *tvb, uint32_t length, amf_envelope *env)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_depth = amftcp_pref_max_depth < AMF_MAX_DEPTH_CEILING ? amftcp_pref_max_depth
                                                                  : AMF_MAX_DEPTH_CEILING;
    cfg.max_message = length;
    /* Packet scope: an exception thrown mid-decode frees it all. */
    cfg.alloc.realloc_fn = pool_realloc;
    cfg.alloc.free_fn = pool_free;
    cfg.alloc.ctx = pinfo->pool;
    const guint8 *p = length ? tvb_get_ptr(tvb, 0, length) : (const guint8 *)"";
    amf_envelope_scan(&cfg, p, length, env);
}

static int dissect_amftcp_http(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    uint32_t length = tvb_captured_length(tvb);
    if (length == 0)
        return 0;
    http_conv *hc = get_http_conv(pinfo);
    amf_envelope *env = wmem_new(pinfo->pool, amf_envelope);
    scan_envelope(pinfo, tvb, length, env);
    bool request = body_is_request(data, env);

    uint32_t key = HTTP_BODY_KEY_BASE + body_index(pinfo);
    http_body *body = p_get_proto_data(wmem_file_scope(), pinfo, proto_amftcp, key);
    if (!body && !PINFO_FD_VISITED(pinfo)) {
        body = track_envelope(pinfo, hc, env);
        p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, key, body);
    }

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "AMFTCP");
    proto_item *ti = proto_tree_add_item(tree, proto_amftcp, tvb, 0, length, ENC_NA);
    proto_tree *sub = proto_item_add_subtree(ti, ett_amftcp);
    proto_item_append_text(ti, ", AMF packet envelope in an HTTP %s body, %u bytes",
                           request ? "request" : "response", length);
    amf_framing f;
    memset(&f, 0, sizeof f);
    f.kind = AMF_FRAME_PACKET;
    f.version = AMF_VERSION_0;
    if (hf_message_framing > 0) {
        proto_item *pi = proto_tree_add_string(sub, hf_message_framing, tvb, 0, 0,
                                               amf_framing_name(&f));
        proto_item_set_generated(pi);
    }

    amftcp_summary summary;
    memset(&summary, 0, sizeof summary);
    summary.text = wmem_strbuf_new(pinfo->pool, "");
    amf_flex flex;
    amf_status st = amftcp_dissect_value(tvb, pinfo, sub, ti, 0, length, &f, &summary, &flex);
    const char *flex_label = NULL;
    const char *flex_info = flex.count ? amftcp_flex_dissect(tvb, pinfo, sub, 0, &flex, hc->flex,
                                                             &flex_label)
                                       : NULL;
    if (body)
        add_links(tvb, pinfo, sub, env, body);
    col_append_sep_str(pinfo->cinfo, COL_INFO, " ",
                       wmem_strdup_printf(pinfo->pool, "[AMF] %s",
                                          flex_info ? flex_info : wmem_strbuf_get_str(summary.text)));

    amftcp_tap_info *tap = wmem_new0(pinfo->pool, amftcp_tap_info);
    tap->to_server = request;
    tap->version = "AMF packet";
    tap->framing = amf_framing_name(&f);
    tap->type = "Packet";
    tap->class_name = summary.top_class;
    tap->flex = flex_label;
    tap->length = length;
    tap->status = st;
    tap->error = summary.error;
    tap->json = summary.json;
    if (flex.count && (have_tap_listener(amftcp_tap) || amftcp_tap_json_wanted()))
        amftcp_flex_tap(pinfo, &flex, hc->flex, tap);
    if (env->count && (have_tap_listener(amftcp_tap) || amftcp_tap_json_wanted()))
        tap_envelope(pinfo, env, body, tap);
    amftcp_tap_queue(pinfo, tap);
    return length;
}

/* Give the media_type entry to our handle or back to the one it had.  A
 * Decode As choice (a current handle other than the entry's own) stays
 * what it is; only the entry's own handle, the one Decode As resets to,
 * changes. */
void amftcp_http_apply(void)
{
    dissector_table_t media = find_dissector_table("media_type");
    if (!media || !http_handed_off || (bool)amftcp_pref_http == http_installed)
        return;
    dissector_handle_t current = dissector_get_string_handle(media, AMF_MEDIA_TYPE);
    dissector_handle_t initial = dissector_get_default_string_handle("media_type", AMF_MEDIA_TYPE);
    if (amftcp_pref_http && initial && initial != amftcp_http_handle)
        builtin_handle = initial;
    dissector_handle_t wanted = amftcp_pref_http ? amftcp_http_handle : builtin_handle;
    if (wanted)
        dissector_add_string("media_type", AMF_MEDIA_TYPE, wanted);
    else
        dissector_delete_string("media_type", AMF_MEDIA_TYPE, amftcp_http_handle);
    if (current && current != initial)
        dissector_change_string("media_type", AMF_MEDIA_TYPE, current);
    http_installed = amftcp_pref_http;
}

void amftcp_http_handoff(void)
{
    /* Decode As offers ours whichever handle has the entry. */
    dissector_add_for_decode_as("media_type", amftcp_http_handle);
    http_handed_off = true;
    builtin_handle = find_dissector("amf");
    hf_message_framing = proto_registrar_get_id_byname("amftcp.framing");
    amftcp_http_apply();
}

void amftcp_http_register(int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_envelope_role, { "Role", "amf.envelope.role", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the envelope message is to request/response pairing: request (it has a "
            "response URI), result (target <URI>/onResult), status (<URI>/onStatus, a fault)",
            HFILL } },
        { &hf_envelope_uri, { "Pairing URI", "amf.envelope.uri", FT_STRING, BASE_NONE, NULL, 0x0,
            "Response URI of the request (\"/1\"), for a request and for its answer", HFILL } },
        { &hf_envelope_response_in, { "Response in", "amf.envelope.response_in", FT_FRAMENUM,
            BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The envelope message answering this request is in this frame", HFILL } },
        { &hf_envelope_response_to, { "Response to", "amf.envelope.response_to", FT_FRAMENUM,
            BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This envelope message answers the request in this frame", HFILL } },
        { &hf_envelope_time, { "Time", "amf.envelope.time", FT_RELATIVE_TIME, BASE_NONE, NULL,
            0x0, "Time between the request and this answer", HFILL } },
        { &hf_envelope_fault, { "Fault", "amf.envelope.fault", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The answer is an onStatus (a fault)", HFILL } },
    };
    static gint *ett[] = { &ett_envelope_link };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));

    amftcp_http_handle = register_dissector("amftcp_http", dissect_amftcp_http, proto);
    http_convs = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash,
                                        g_direct_equal);

    prefs_register_bool_preference(module, "http", "Decode HTTP AMF bodies with amftcp",
        "Whether HTTP bodies of type " AMF_MEDIA_TYPE " (Flash Remoting, BlazeDS) are decoded "
        "by this dissector instead of Wireshark's built-in AMF dissector",
        &amftcp_pref_http);
}
