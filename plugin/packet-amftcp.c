/* packet-amftcp.c
 * AMF0/AMF3 (Action Message Format) over plain TCP: Flash/AIR Socket
 * traffic, game and chat servers, BlazeDS/Red5-style back ends, on any port.
 *
 * Specifications:
 *   AMF0: https://rtmp.veriskope.com/pdf/amf0-file-format-specification.pdf
 *   AMF3: https://rtmp.veriskope.com/pdf/amf3-file-format-spec.pdf
 *
 * The AMF core (src/) decodes; this file finds the messages on the stream
 * (framing, TCP reassembly, the heuristic) and amftcp-tree.c maps the core's
 * events to the tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/dissectors/packet-tcp.h>

#include <string.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

void proto_register_amftcp(void);
void proto_reg_handoff_amftcp(void);

/* ---- ids ------------------------------------------------------------- */

int proto_amftcp = -1;
int amftcp_tap = -1;
static int hf_amftcp_length = -1;           /* amftcp.length */
static int hf_amftcp_framing = -1;          /* amftcp.framing */
static int hf_amftcp_version = -1;          /* amftcp.amf_version */
static int hf_amftcp_policy = -1;           /* amftcp.policy */
static int hf_amftcp_undetected = -1;       /* amftcp.data */
int hf_amftcp_type = -1;                    /* amf.type */
int hf_amftcp_json = -1;                    /* amf.json */
int hf_amftcp_integer = -1;                 /* amf.int */
int hf_amftcp_uinteger = -1;                /* amf.uint */
int hf_amftcp_count = -1;                   /* amf.count */
int hf_amftcp_avmplus = -1;                 /* amf.avmplus */
int hf_amftcp_vector_fixed = -1;            /* amf.vector.fixed */
int hf_amftcp_vector_type = -1;             /* amf.vector.type */
int hf_amftcp_dict_weak = -1;               /* amf.dictionary.weak */
int hf_amftcp_traits_dynamic = -1;          /* amf.traits.dynamic */
int hf_amftcp_traits_external = -1;         /* amf.traits.externalizable */
int hf_amftcp_date_tz = -1;                 /* amf.date.timezone */
int hf_amftcp_reference_target = -1;        /* amf.reference.offset */
int hf_amftcp_flex_flags = -1;              /* amf.flex.flags */
int hf_amftcp_compressed = -1;              /* amftcp.compressed_length */
int hf_amftcp_inflated = -1;                /* amftcp.inflated_length */
int hf_amftcp_amf0_type = -1;
int hf_amftcp_amf3_type = -1;
int hf_amftcp_number = -1;
int hf_amftcp_boolean = -1;
int hf_amftcp_string = -1;
int hf_amftcp_string_ref = -1;
int hf_amftcp_object_ref = -1;
int hf_amftcp_trait_ref = -1;
int hf_amftcp_date = -1;
int hf_amftcp_xml_doc = -1;
int hf_amftcp_xml = -1;
int hf_amftcp_bytearray = -1;
int hf_amftcp_classname = -1;
int hf_amftcp_membername = -1;
int hf_amftcp_traitcount = -1;
int hf_amftcp_end_of_object = -1;
int hf_amftcp_end_of_dynamic = -1;
int hf_amftcp_end_of_assoc = -1;
int hf_amftcp_packet_version = -1;
int hf_amftcp_header_count = -1;
int hf_amftcp_header_name = -1;
int hf_amftcp_header_must_understand = -1;
int hf_amftcp_header_length = -1;
int hf_amftcp_message_count = -1;
int hf_amftcp_message_target = -1;
int hf_amftcp_message_response = -1;
int hf_amftcp_message_length = -1;

int ett_amftcp = -1;
int ett_amftcp_value = -1;
int ett_amftcp_traits = -1;
int ett_amftcp_entry = -1;
int ett_amftcp_part = -1;

expert_field ei_amftcp_malformed = EI_INIT;
expert_field ei_amftcp_limit = EI_INIT;
expert_field ei_amftcp_unsupported = EI_INIT;
expert_field ei_amftcp_utf8 = EI_INIT;
expert_field ei_amftcp_reserved = EI_INIT;
expert_field ei_amftcp_ref_type = EI_INIT;
expert_field ei_amftcp_trailing = EI_INIT;
expert_field ei_amftcp_flex_flags = EI_INIT;
expert_field ei_amftcp_json_refs = EI_INIT;
expert_field ei_amftcp_tree_limit = EI_INIT;
expert_field ei_amftcp_json_not_built = EI_INIT;
expert_field ei_amftcp_inflate = EI_INIT;
expert_field ei_amftcp_inflate_limit = EI_INIT;
static expert_field ei_amftcp_too_large = EI_INIT;
static expert_field ei_amftcp_bad_length = EI_INIT;
static expert_field ei_amftcp_undetected = EI_INIT;
static expert_field ei_amftcp_retransmitted = EI_INIT;
static expert_field ei_amftcp_incomplete = EI_INIT;
static expert_field ei_amftcp_oversized_part = EI_INIT;

static dissector_handle_t amftcp_handle;

/* ---- preferences ----------------------------------------------------- */

/* How a connection's messages are found: detected per direction, or forced. */
typedef enum {
    FRAMING_AUTO,
    FRAMING_LENGTH,
    FRAMING_BARE,
    FRAMING_PACKET
} framing_pref;

static const enum_val_t framing_pref_vals[] = {
    { "auto",   "Detect per connection and direction", FRAMING_AUTO },
    { "length", "Length prefix + one value",           FRAMING_LENGTH },
    { "bare",   "Values back to back, no length",      FRAMING_BARE },
    { "packet", "AMF packet envelope",                 FRAMING_PACKET },
    { NULL, NULL, 0 }
};

typedef enum {
    LENGTH_U32BE,
    LENGTH_U32LE,
    LENGTH_U16BE,
    LENGTH_U16LE
} length_pref;

static const enum_val_t length_pref_vals[] = {
    { "u32be", "4 bytes, big-endian",    LENGTH_U32BE },
    { "u32le", "4 bytes, little-endian", LENGTH_U32LE },
    { "u16be", "2 bytes, big-endian",    LENGTH_U16BE },
    { "u16le", "2 bytes, little-endian", LENGTH_U16LE },
    { NULL, NULL, 0 }
};

static const enum_val_t compression_pref_vals[] = {
    { "auto",    "Inflate payloads that start with a zlib or gzip header", COMPRESSION_AUTO },
    { "off",     "Never inflate",                                          COMPRESSION_OFF },
    { "deflate", "Every payload is raw deflate data",                      COMPRESSION_DEFLATE },
    { NULL, NULL, 0 }
};

static const enum_val_t references_pref_vals[] = {
    { "both",     "Resolved value and reference index", REFERENCES_BOTH },
    { "resolved", "Resolved value only",                REFERENCES_RESOLVED },
    { "index",    "Reference index only",               REFERENCES_INDEX },
    { NULL, NULL, 0 }
};

static const enum_val_t version_pref_vals[] = {
    { "amf3", "AMF3", AMF_VERSION_3 },
    { "amf0", "AMF0", AMF_VERSION_0 },
    { NULL, NULL, 0 }
};

static gint     amftcp_pref_framing = FRAMING_AUTO;
static gint     amftcp_pref_length = LENGTH_U32BE;
static amftcp_pref_bool amftcp_pref_length_includes_prefix = FALSE;
static gint     amftcp_pref_version = AMF_VERSION_3;
gint            amftcp_pref_compression = COMPRESSION_AUTO;
amftcp_pref_bool amftcp_pref_bytearray_amf = FALSE;
gint            amftcp_pref_references = REFERENCES_BOTH;
amftcp_pref_bool amftcp_pref_wire_details = FALSE;
static amftcp_pref_bool amftcp_pref_heuristic = TRUE;
guint           amftcp_pref_max_message = AMF_DEFAULT_MAX_MESSAGE;
static amftcp_pref_bool amftcp_desegment = TRUE;
unsigned        amftcp_pref_max_depth = AMF_DEFAULT_MAX_DEPTH;

/* A direction whose first bytes are fewer than this is given one more
 * segment before detection gives up on them. */
#define AMFTCP_DETECT_MIN_BYTES 16u
/* Resynchronising after a bad message scans this far for a plausible
 * message start. */
#define AMFTCP_RESYNC_SCAN_MAX  4096u
/* The heuristic tries this many payloads of a connection (both directions
 * together), then leaves it alone. */
#define AMFTCP_HEUR_MAX_REJECTS 32u
/* This many messages in a row that fail from their first byte make the
 * first pass look for the direction's framing again. */
#define AMFTCP_REDETECT_FAILURES 2u
/* Per-packet key (pinfo->pool) marking that this frame's Info already shows
 * one of our messages. */
#define AMFTCP_INFO_KEY 0x1000u

/* ---- state ----------------------------------------------------------- */

/* TCP's private flags in tcp_flow_t.static_flags (packet-tcp.c): a SYN or a
 * SYN-ACK of this direction was seen, so its base_seq is its ISN. */
#define AMFTCP_TCP_SAW_SYN_OR_SYNACK 0x06u

/* One direction of a connection, as learnt in the first pass. */
typedef struct amftcp_flow {
    amf_framing framing;     /* kind AMF_FRAME_UNKNOWN until detected */
    bool        started;     /* its first payload was seen */
    bool        head_mode;   /* its payloads go into the head (TCP saw it open, the
                                framing is not known or TCP has not taken over yet) */
    amftcp_head head;        /* its first bytes, while head_mode and for later passes */
    bool        head_dead;   /* its first bytes do not show AMF by themselves */
    bool        amf_seen;    /* an AMF message came: no policy text after it */
    /* A bare value or envelope still being reassembled: TCP is asked for one
     * more segment at a time (a smaller request than the whole message
     * breaks later passes), and the value is not walked again until it can
     * have reached the length it was known to need. */
    uint32_t    pending_seq;     /* TCP sequence number of its first byte */
    uint32_t    pending_need;    /* bytes it needs at least; 0: none pending */
    uint32_t    failures;        /* messages in a row that did not decode from their
                                    first byte: the framing is looked for again */
    uint32_t    oversized_end;   /* TCP sequence number just past a message over the
                                    size limit, whose bytes are skipped; 0: none */
} amftcp_flow;

/* Per connection (wmem_file_scope, via conversation_add_proto_data). */
typedef struct amftcp_conv {
    amftcp_flow        flow[2]; /* [0]: TCP's flow1 direction, [1]: flow2 */
    amftcp_flex_state *flex;    /* Flex requests by messageId (made on first use) */
    uint32_t           heur_rejects; /* payloads the heuristic turned down */
    bool               rejected;     /* the heuristic gave up on this connection */
    bool               last_to_server; /* direction of the packet being dissected */
    /* The same connection's AMF inside TLS or WebSocket (amftcp-tls.c,
     * amftcp-websocket.c): a state of its own, made on first use. */
    struct amftcp_conv *over[AMFTCP_OVER_COUNT_];
} amftcp_conv;

/* Per packet and layer (wmem_file_scope, via p_add_proto_data): what the
 * first pass decided, so later passes dissect the packet the same way. */
typedef struct amftcp_packet {
    amf_framing framing;
    bool        policy_allowed; /* policy text may still come in this direction */
    uint32_t    skip;           /* bytes before the first message boundary found in
                                   this payload (a capture or gap that cut a message) */
    bool        oversized;      /* ... or the rest of a message over the size limit */
    bool        in_head;        /* the payload (or its start) is in its direction's head */
    uint32_t    head_offset;    /* in_head: where it starts in the head */
    uint32_t    head_fresh;     /* in_head: where its bytes are new (a retransmission
                                   repeats those before) */
} amftcp_packet;

/* One call of the dissector on a TCP payload (stack; passed to
 * tcp_dissect_pdus as its data). */
typedef struct amftcp_call {
    amftcp_packet *pk;
    amftcp_conv   *conv;
    amftcp_flow   *flow;
    const struct tcpinfo *tcp;  /* TCP's data for this payload, or NULL */
    uint32_t       skipped;     /* bytes of the payload before the tvb the PDUs are in */
    bool           to_server;   /* this direction is the client's */
    unsigned       messages;    /* PDUs shown in this call, for the Info column */
    amftcp_transport transport; /* what carries the bytes: TCP, TLS, WebSocket */
} amftcp_call;

/* ---- fields ---------------------------------------------------------- */

static value_string amf_type_vals[AMF_TYPE_COUNT_ + 1];

static const value_string amf3_marker_vals[] = {
    { AMF3_UNDEFINED, "undefined" }, { AMF3_NULL, "null" }, { AMF3_FALSE, "false" },
    { AMF3_TRUE, "true" }, { AMF3_INTEGER, "integer" }, { AMF3_DOUBLE, "double" },
    { AMF3_STRING, "string" }, { AMF3_XML_DOC, "xml-doc" }, { AMF3_DATE, "date" },
    { AMF3_ARRAY, "array" }, { AMF3_OBJECT, "object" }, { AMF3_XML, "xml" },
    { AMF3_BYTE_ARRAY, "byte-array" }, { AMF3_VECTOR_INT, "vector-int" },
    { AMF3_VECTOR_UINT, "vector-uint" }, { AMF3_VECTOR_DOUBLE, "vector-double" },
    { AMF3_VECTOR_OBJECT, "vector-object" }, { AMF3_DICTIONARY, "dictionary" },
    { 0, NULL }
};

static const value_string amf0_marker_vals[] = {
    { AMF0_NUMBER, "number" }, { AMF0_BOOLEAN, "boolean" }, { AMF0_STRING, "string" },
    { AMF0_OBJECT, "object" }, { AMF0_MOVIECLIP, "movieclip" }, { AMF0_NULL, "null" },
    { AMF0_UNDEFINED, "undefined" }, { AMF0_REFERENCE, "reference" },
    { AMF0_ECMA_ARRAY, "ecma-array" }, { AMF0_OBJECT_END, "object-end" },
    { AMF0_STRICT_ARRAY, "strict-array" }, { AMF0_DATE, "date" },
    { AMF0_LONG_STRING, "long-string" }, { AMF0_UNSUPPORTED, "unsupported" },
    { AMF0_RECORDSET, "recordset" }, { AMF0_XML_DOC, "xml-document" },
    { AMF0_TYPED_OBJECT, "typed-object" }, { AMF0_AVMPLUS, "avmplus-object" },
    { 0, NULL }
};

/* Fields the built-in AMF dissector (packet-rtmpt.c) may already have: used
 * when it does, with the same type, so that one filter finds a value in
 * RTMP, HTTP and raw TCP; registered here otherwise. */
static hf_register_info hf_shared[] = {
    { &hf_amftcp_amf0_type, { "AMF0 type", "amf.amf0_type", FT_UINT8, BASE_HEX,
        VALS(amf0_marker_vals), 0x0, NULL, HFILL } },
    { &hf_amftcp_amf3_type, { "AMF3 type", "amf.amf3_type", FT_UINT8, BASE_HEX,
        VALS(amf3_marker_vals), 0x0, NULL, HFILL } },
    { &hf_amftcp_number, { "Number", "amf.number", FT_DOUBLE, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_boolean, { "Boolean", "amf.boolean", FT_BOOLEAN, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_string, { "String", "amf.string", FT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_string_ref, { "String reference", "amf.string_reference", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_object_ref, { "Object reference", "amf.object_reference", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_trait_ref, { "Trait reference", "amf.trait_reference", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_date, { "Date", "amf.date", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_xml_doc, { "XML document", "amf.xml_doc", FT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_xml, { "XML", "amf.xml", FT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_bytearray, { "ByteArray", "amf.bytearray", FT_BYTES, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_classname, { "Class name", "amf.classname", FT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_membername, { "Member name", "amf.membername", FT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_traitcount, { "Trait count", "amf.traitcount", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_end_of_object, { "End Of Object Marker", "amf.end_of_object_marker", FT_NONE,
        BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_end_of_assoc, { "End of associative part", "amf.end_of_associative_part",
        FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_end_of_dynamic, { "End Of dynamic members", "amf.end_of_dynamic_members",
        FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_packet_version, { "AMF version", "amf.version", FT_UINT16, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_header_count, { "Header count", "amf.header_count", FT_UINT16, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_header_name, { "Name", "amf.header.name", FT_UINT_STRING, BASE_NONE,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_header_must_understand, { "Must understand", "amf.header.must_understand",
        FT_BOOLEAN, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_header_length, { "Length", "amf.header.length", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_message_count, { "Message count", "amf.message_count", FT_UINT16, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_message_target, { "Target URI", "amf.message.target_uri", FT_UINT_STRING,
        BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_message_response, { "Response URI", "amf.message.response_uri",
        FT_UINT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
    { &hf_amftcp_message_length, { "Length", "amf.message.length", FT_UINT32, BASE_DEC,
        NULL, 0x0, NULL, HFILL } },
};

/* Names the built-in dissector has with another type: ours go under
 * "amftcp." instead (static storage, as Wireshark keeps the pointers). */
static char *hf_shared_fallback_names[G_N_ELEMENTS(hf_shared)];

static void register_shared_fields(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hf_shared); i++) {
        header_field_info *hfi = &hf_shared[i].hfinfo;
        int id = proto_registrar_get_id_byname(hfi->abbrev);
        if (id >= 0 && proto_registrar_get_ftype(id) == hfi->type) {
            *hf_shared[i].p_id = id;
            continue;
        }
        if (id >= 0) {
            hf_shared_fallback_names[i] = g_strconcat("amftcp.", hfi->abbrev + strlen("amf."), NULL);
            hfi->abbrev = hf_shared_fallback_names[i];
        }
        proto_register_field_array(proto_amftcp, &hf_shared[i], 1);
    }
}

/* ---- helpers --------------------------------------------------------- */

static amf_framing forced_framing(void)
{
    amf_framing f;
    memset(&f, 0, sizeof f);
    f.version = (amf_version)amftcp_pref_version;
    switch (amftcp_pref_framing) {
    case FRAMING_LENGTH:
        f.kind = AMF_FRAME_LENGTH;
        f.prefix = (amftcp_pref_length == LENGTH_U16BE || amftcp_pref_length == LENGTH_U16LE) ? 2 : 4;
        f.little_endian = amftcp_pref_length == LENGTH_U32LE || amftcp_pref_length == LENGTH_U16LE;
        f.includes_prefix = amftcp_pref_length_includes_prefix;
        break;
    case FRAMING_BARE:
        f.kind = AMF_FRAME_BARE;
        break;
    case FRAMING_PACKET:
        f.kind = AMF_FRAME_PACKET;
        f.version = AMF_VERSION_0;
        break;
    default:
        f.kind = AMF_FRAME_UNKNOWN;
        break;
    }
    return f;
}

/* Which side is the client: the one whose SYN TCP saw, else the higher port. */
static bool sent_to_server(packet_info *pinfo, const struct tcp_analysis *tcpd)
{
    if (tcpd && tcpd->server_port)
        return pinfo->destport == tcpd->server_port;
    return pinfo->destport < pinfo->srcport;
}

static amftcp_conv *get_conv(packet_info *pinfo, unsigned *dir, amftcp_transport transport)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    amftcp_conv *cd = conversation_get_proto_data(conv, proto_amftcp);
    if (!cd) {
        cd = wmem_new0(wmem_file_scope(), amftcp_conv);
        conversation_add_proto_data(conv, proto_amftcp, cd);
    }
    if (transport != AMFTCP_OVER_TCP) {
        if (!cd->over[transport])
            cd->over[transport] = wmem_new0(wmem_file_scope(), amftcp_conv);
        cd = cd->over[transport];
    }
    struct tcp_analysis *tcpd = get_tcp_conversation_data(conv, pinfo);
    *dir = (tcpd && tcpd->fwd == &tcpd->flow2) ? 1 : 0;
    cd->last_to_server = sent_to_server(pinfo, tcpd);
    return cd;
}

static const guint8 *tvb_bytes(tvbuff_t *tvb, int offset, uint32_t *len)
{
    *len = tvb_captured_length_remaining(tvb, offset);
    return *len ? tvb_get_ptr(tvb, offset, *len) : (const guint8 *)"";
}

static bool can_desegment(packet_info *pinfo)
{
    return amftcp_desegment && pinfo->can_desegment;
}

/* Did TCP see this direction open, and is this payload its first byte? */
static bool payload_starts_stream(packet_info *pinfo, const struct tcpinfo *tcp)
{
    if (!tcp)
        return false;
    struct tcp_analysis *tcpd = get_tcp_conversation_data(find_or_create_conversation(pinfo), pinfo);
    if (!tcpd || !tcpd->fwd || !(tcpd->fwd->static_flags & AMFTCP_TCP_SAW_SYN_OR_SYNACK))
        return false;
    /* Relative sequence numbers count from the ISN; absolute ones are it. */
    return tcp->seq == 1 || tcp->seq == tcpd->fwd->base_seq + 1;
}

/* Another protocol that carries AMF inside it (HTTP remoting, TLS): a
 * message found inside such a payload is that protocol's to decode. */
static bool payload_is_other_protocol(const guint8 *p, uint32_t len)
{
    static const char *const http[] = { "GET ", "POST ", "PUT ", "HEAD ", "HTTP/1.", "OPTIONS ",
                                        "DELETE ", "PATCH ", "CONNECT ", "PRI * HTTP/2" };
    for (size_t i = 0; i < G_N_ELEMENTS(http); i++) {
        size_t n = strlen(http[i]);
        if (len >= n && memcmp(p, http[i], n) == 0)
            return true;
    }
    /* A TLS record: content type 20-23, version 3.x. */
    return len >= 5 && p[0] >= 0x14 && p[0] <= 0x17 && p[1] == 0x03 && p[2] <= 0x04;
}

/* The first payload of a direction: when it starts the stream, its bytes
 * go into the head until the framing is known (amftcp-head.c). */
static void flow_start(amftcp_flow *flow, packet_info *pinfo, const struct tcpinfo *tcp)
{
    if (flow->started)
        return;
    flow->started = true;
    if (forced_framing().kind == AMF_FRAME_UNKNOWN && payload_starts_stream(pinfo, tcp)) {
        amftcp_head_init(&flow->head, amftcp_pref_max_message);
        flow->head_mode = true;
    }
}

/* First pass: this payload joins its direction's head; once the evidence
 * tells the framing, the head is cut into messages and TCP takes over at a
 * boundary.  strict: the heuristic asks (the bytes must show AMF);
 * otherwise the connection is known to be AMF. */
static amf_verdict head_step(tvbuff_t *tvb, amftcp_conv *cd, unsigned dir, uint32_t seq,
                             amftcp_packet *pk, bool strict)
{
    amftcp_flow *flow = &cd->flow[dir];
    amftcp_head *h = &flow->head;
    uint32_t at = 0, fresh = 0;
    if (amftcp_head_add(h, seq, tvb, &at, &fresh)) {
        pk->in_head = true;
        pk->head_offset = at;
        pk->head_fresh = fresh > at ? fresh : at;
    }
    uint32_t frame_start = pk->in_head ? pk->head_offset : amftcp_head_length(h);
    amf_verdict v = AMF_VERDICT_FRAMED;
    if (strict && flow->head_dead) {
        v = AMF_VERDICT_NONE;
    } else if (flow->framing.kind == AMF_FRAME_UNKNOWN) {
        amf_framing found;
        const amf_framing *hint = &cd->flow[dir ^ 1].framing;
        v = amftcp_head_verdict(h, strict, hint->kind != AMF_FRAME_UNKNOWN ? hint : NULL, &found);
        if (v == AMF_VERDICT_FRAMED) {
            flow->framing = found;
        } else if (v == AMF_VERDICT_NONE && !strict) {
            amftcp_head_frame(h, NULL, frame_start);
            amftcp_head_fail(h);
        }
    }
    amftcp_head_frame(h, flow->framing.kind != AMF_FRAME_UNKNOWN ? &flow->framing : NULL,
                      frame_start);
    /* A head that can grow no more hands over to TCP where it ends. */
    if (h->closed && h->live == AMFTCP_HEAD_NOT_LIVE && (!strict || v != AMF_VERDICT_UNDECIDED))
        amftcp_head_fail(h);
    if (h->live != AMFTCP_HEAD_NOT_LIVE)
        flow->head_mode = false;
    return v;
}

/* The connection was claimed: a direction still in its head is known to be
 * AMF now and may tell its framing from the bytes it has. */
static void head_settle(amftcp_conv *cd, unsigned dir)
{
    amftcp_flow *flow = &cd->flow[dir];
    if (!flow->head_mode || flow->framing.kind != AMF_FRAME_UNKNOWN)
        return;
    amf_framing found;
    const amf_framing *hint = &cd->flow[dir ^ 1].framing;
    if (amftcp_head_verdict(&flow->head, false, hint->kind != AMF_FRAME_UNKNOWN ? hint : NULL,
                            &found) == AMF_VERDICT_FRAMED) {
        flow->framing = found;
        amftcp_head_frame(&flow->head, &flow->framing, amftcp_head_length(&flow->head));
    }
}

static void reject_connection(amftcp_conv *cd)
{
    cd->rejected = true;
    for (unsigned d = 0; d < 2; d++) {
        if (cd->flow[d].head_mode)
            amftcp_head_drop(&cd->flow[d].head);
        cd->flow[d].head_mode = false;
    }
}

/* A message boundary inside the payload: at `from`, or further on when a
 * capture or a lost segment cut a message.  The heuristic (strict) looks
 * further on only for 4-byte lengths below 64 KiB, whose two zero bytes make
 * the search nearly free on other traffic. */
static bool detect_framing(tvbuff_t *tvb, uint32_t from, bool strict, const amf_framing *hint,
                           amf_framing *found, uint32_t *at)
{
    uint32_t len;
    const guint8 *p = tvb_bytes(tvb, 0, &len);
    if (from < len &&
        (amf_frame_detect(p + from, len - from, amftcp_pref_max_message, strict, hint,
                          found) == AMF_DETECT_YES ||
         amftcp_detect_compressed(tvb, from, strict, hint, found))) {
        *at = from;
        return true;
    }
    uint32_t limit = len - from < AMFTCP_RESYNC_SCAN_MAX ? len : from + AMFTCP_RESYNC_SCAN_MAX;
    for (uint32_t i = from + 1; i + 4 < limit; i++) {
        if (strict && !(p[i] == 0 && p[i + 1] == 0) && !(p[i + 2] == 0 && p[i + 3] == 0))
            continue;
        if (amf_frame_detect(p + i, len - i, amftcp_pref_max_message, true, hint, found) ==
                AMF_DETECT_YES &&
            found->kind == AMF_FRAME_LENGTH && (!strict || found->prefix == 4)) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* The first pass decides how this packet's direction is framed. */
static amftcp_packet *packet_state(tvbuff_t *tvb, packet_info *pinfo, amftcp_call *call)
{
    unsigned dir;
    amftcp_conv *cd = get_conv(pinfo, &dir, call->transport);
    amftcp_flow *flow = &cd->flow[dir];
    call->conv = cd;
    call->flow = flow;
    call->to_server = cd->last_to_server;
    amftcp_packet *pk = p_get_proto_data(wmem_file_scope(), pinfo, proto_amftcp,
                                         pinfo->curr_layer_num);
    if (pk)
        return pk;
    pk = wmem_new0(wmem_file_scope(), amftcp_packet);
    pk->policy_allowed = !flow->amf_seen;

    if (!PINFO_FD_VISITED(pinfo)) {
        flow_start(flow, pinfo, call->tcp);
        if (flow->head_mode && call->tcp) {
            head_step(tvb, cd, dir, call->tcp->seq, pk, false);
            pk->framing = flow->framing;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num, pk);
            return pk;
        }
    }

    /* Still inside a message over the size limit: its bytes are passed over,
     * so the stream stays framed without reassembling them. */
    if (flow->oversized_end && call->tcp) {
        int32_t left = (int32_t)(flow->oversized_end - call->tcp->seq);
        uint32_t len = tvb_captured_length(tvb);
        if (left > 0) {
            pk->skip = (uint32_t)left < len ? (uint32_t)left : len;
            pk->oversized = true;
        }
        if (left <= 0 || (uint32_t)left <= len)
            flow->oversized_end = 0;
        if (pk->skip == len) {
            pk->framing = flow->framing;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num, pk);
            return pk;
        }
    }

    amf_framing forced = forced_framing();
    if (forced.kind != AMF_FRAME_UNKNOWN) {
        flow->framing = forced;
    } else if (flow->framing.kind == AMF_FRAME_UNKNOWN ||
               flow->failures >= AMFTCP_REDETECT_FAILURES) {
        uint32_t len;
        const guint8 *p = tvb_bytes(tvb, 0, &len);
        uint32_t off = 0, plen;
        while (pk->policy_allowed && off < len &&
               amf_policy_measure(p + off, len - off, &plen) == AMF_OK)
            off += plen;
        /* A framing that keeps failing gives way only to convincing bytes. */
        bool again = flow->framing.kind != AMF_FRAME_UNKNOWN;
        amf_framing found;
        uint32_t at;
        if (detect_framing(tvb, off, again, again ? NULL : &cd->flow[dir ^ 1].framing, &found,
                           &at)) {
            flow->framing = found;
            flow->failures = 0;
            pk->skip = at > off ? at : 0;
        }
    }
    pk->framing = flow->framing;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num, pk);
    return pk;
}

/* Messages the Info column lists per frame. */
#define AMFTCP_INFO_MESSAGES 32u

/* One summary per message, " | " between our messages in a frame.  TCP
 * fences what it and earlier calls wrote; a frame-scoped mark tells our own
 * earlier text from TCP's ("[TCP Previous segment not captured]"). */
static void set_info(packet_info *pinfo, amftcp_call *call, const char *text, bool framed)
{
    bool ours_before = p_get_proto_data(pinfo->pool, pinfo, proto_amftcp, AMFTCP_INFO_KEY) != NULL;
    if (call->messages++ == 0 && !ours_before) {
        p_add_proto_data(pinfo->pool, pinfo, proto_amftcp, AMFTCP_INFO_KEY, GUINT_TO_POINTER(1));
        col_clear(pinfo->cinfo, COL_INFO);
        if (framed && call->pk->framing.kind != AMF_FRAME_UNKNOWN)
            col_append_sep_fstr(pinfo->cinfo, COL_INFO, " ", "[%s] %s",
                                amf_framing_name(&call->pk->framing), text);
        else
            col_append_sep_str(pinfo->cinfo, COL_INFO, " ", text);
        return;
    }
    /* A segment can end hundreds of messages: the column (at most
     * COL_MAX_INFO_LEN bytes) lists the first ones, then an ellipsis,
     * instead of scanning its whole text again for each. */
    if (call->messages <= AMFTCP_INFO_MESSAGES)
        col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", text);
    else if (call->messages == AMFTCP_INFO_MESSAGES + 1)
        col_append_str(pinfo->cinfo, COL_INFO, " | \xe2\x80\xa6");
}

/* ---- one message ----------------------------------------------------- */

static proto_item *add_message_item(tvbuff_t *tvb, proto_tree *tree, int offset, int length,
                                    proto_tree **sub)
{
    proto_item *ti = proto_tree_add_item(tree, proto_amftcp, tvb, offset, length, ENC_NA);
    *sub = proto_item_add_subtree(ti, ett_amftcp);
    return ti;
}

static void dissect_policy(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                           uint32_t length, amftcp_call *call)
{
    proto_tree *sub;
    proto_item *ti = add_message_item(tvb, tree, offset, length, &sub);
    bool request = tvb_strneql(tvb, offset, AMF_POLICY_REQUEST, strlen(AMF_POLICY_REQUEST)) == 0;
    proto_item_append_text(ti, ", Flash policy file %s", request ? "request" : "answer");
    proto_tree_add_item(sub, hf_amftcp_policy, tvb, offset, length, ENC_ASCII);
    set_info(pinfo, call, request ? "Policy file request" : "Policy file answer", false);

    amftcp_tap_info *tap = wmem_new0(pinfo->pool, amftcp_tap_info);
    tap->to_server = call->to_server;
    tap->version = tap->type = "Policy file";
    tap->framing = "policy";
    tap->length = length;
    amftcp_tap_queue(pinfo, tap);
}

/* A framed AMF message: [offset, offset+length) holds the header (length
 * prefix, if any) and the value. */
static void dissect_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                            uint32_t length, uint32_t header, amftcp_call *call)
{
    const amf_framing *f = &call->pk->framing;
    proto_tree *sub;
    proto_item *ti = add_message_item(tvb, tree, offset, length, &sub);
    proto_item_append_text(ti, ", %s, %u bytes", amf_framing_description(f), length);
    proto_item *pi = proto_tree_add_string(sub, hf_amftcp_framing, tvb, offset, 0, amf_framing_name(f));
    proto_item_set_generated(pi);
    if (f->kind != AMF_FRAME_PACKET) {
        pi = proto_tree_add_uint(sub, hf_amftcp_version, tvb, offset + header, length > header ? 1 : 0,
                                 f->version);
        proto_item_set_generated(pi);
    }
    if (header)
        proto_tree_add_item(sub, hf_amftcp_length, tvb, offset, header,
                            f->little_endian ? ENC_LITTLE_ENDIAN : ENC_BIG_ENDIAN);

    amftcp_summary summary;
    memset(&summary, 0, sizeof summary);
    summary.text = wmem_strbuf_new(pinfo->pool, "");
    amf_flex flex;
    /* A compressed payload is decoded from its inflated bytes, in their own tab. */
    tvbuff_t *value_tvb = tvb;
    uint32_t value_offset = offset + header;
    uint32_t value_length = length - header;
    if (f->kind == AMF_FRAME_LENGTH) {
        tvbuff_t *inflated = amftcp_inflate(tvb, pinfo, sub, value_offset, value_length,
                                            "Inflated AMF");
        if (inflated) {
            value_tvb = inflated;
            value_offset = 0;
            value_length = tvb_captured_length(inflated);
            proto_item_append_text(ti, ", compressed");
        }
    }
    amf_status st = amftcp_dissect_value(value_tvb, pinfo, sub, ti, value_offset, value_length, f,
                                         &summary, &flex);
    if (!PINFO_FD_VISITED(pinfo)) {
        call->flow->amf_seen = true;
        /* Nothing decoded at all: perhaps the framing was a wrong guess. */
        if (st != AMF_OK && summary.top_type == 0 && f->kind != AMF_FRAME_PACKET)
            call->flow->failures++;
        else
            call->flow->failures = 0;
    }
    const char *flex_label;
    if (flex.count && !call->conv->flex)
        call->conv->flex = amftcp_flex_state_new();
    const char *flex_info = flex.count ? amftcp_flex_dissect(value_tvb, pinfo, sub, value_offset,
                                                             &flex, call->conv->flex, &flex_label)
                                       : (flex_label = NULL, NULL);
    set_info(pinfo, call, flex_info ? flex_info : wmem_strbuf_get_str(summary.text), true);

    amftcp_tap_info *tap = wmem_new0(pinfo->pool, amftcp_tap_info);
    tap->to_server = call->to_server;
    tap->framing = amf_framing_name(f);
    if (f->kind == AMF_FRAME_PACKET) {
        tap->version = "AMF packet";
        tap->type = "Packet";
    } else {
        tap->version = f->version == AMF_VERSION_3 ? "AMF3" : "AMF0";
        tap->type = summary.top_type ? amf_type_name(summary.top_type) : "(none)";
    }
    tap->class_name = summary.top_class;
    tap->flex = flex_label;
    tap->length = length;
    tap->status = st;
    tap->error = summary.error;
    tap->json = summary.json;
    if (flex.count && (have_tap_listener(amftcp_tap) || amftcp_tap_json_wanted()))
        amftcp_flex_tap(pinfo, &flex, call->conv->flex, tap);
    amftcp_tap_queue(pinfo, tap);
}

/* Bytes that cannot be framed: shown, flagged, skipped. */
static void dissect_unframed(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                             uint32_t length, expert_field *ei, const char *why, amftcp_call *call)
{
    proto_tree *sub;
    proto_item *ti = add_message_item(tvb, tree, offset, length, &sub);
    proto_item_append_text(ti, ", %u bytes not decoded", length);
    proto_tree_add_item(sub, hf_amftcp_undetected, tvb, offset, length, ENC_NA);
    proto_tree_add_expert_format(sub, pinfo, ei, tvb, offset, length, "%s", why);
    set_info(pinfo, call, why, true);
}

/* ---- length-prefixed framings: tcp_dissect_pdus ----------------------- */

/* Where does the next plausible length-prefixed message start after a bad
 * one?  Its distance from offset, or 0 if none in these bytes.  A message
 * cut by the end of the segment is taken on less evidence: its header and
 * what there is of its value must frame and decode so far; TCP then brings
 * the rest, and the whole message is checked as it decodes. */
static uint32_t resync_length(packet_info *pinfo, const amf_framing *f, const guint8 *p,
                              uint32_t len)
{
    uint32_t limit = len < AMFTCP_RESYNC_SCAN_MAX ? len : AMFTCP_RESYNC_SCAN_MAX;
    uint32_t cut = 0;
    for (uint32_t i = 1; i < limit; i++) {
        amf_framing found;
        if (amf_frame_detect(p + i, len - i, amftcp_pref_max_message, true, f, &found) ==
                AMF_DETECT_YES && found.kind == f->kind && found.prefix == f->prefix)
            return i;
        amf_frame fr;
        if (!cut && amf_frame_measure(f, p + i, len - i, amftcp_pref_max_message, &fr) == AMF_OK &&
            fr.length > len - i && fr.header < len - i && fr.length > fr.header) {
            amf_config cfg;
            amftcp_config_init(&cfg, pinfo->pool);
            cfg.max_message = fr.length - fr.header;
            amf_result res;
            if (amf_decode(&cfg, f->version, p + i + fr.header, len - i - fr.header, false,
                           &res) == AMF_NEED_MORE)
                cut = i;
        }
    }
    return cut;
}

/* Over the size limit, but followed by what starts like an AMF value: a
 * real message too large to take, not a broken length. */
static bool oversized_value_plausible(packet_info *pinfo, const amf_framing *f,
                                      const amf_frame *fr, const guint8 *p, uint32_t len)
{
    if (fr->header >= len)
        return false;
    amf_config cfg;
    amftcp_config_init(&cfg, pinfo->pool);
    cfg.max_message = UINT32_MAX;
    amf_result res;
    return amf_decode(&cfg, f->version, p + fr->header, len - fr->header, false, &res) ==
           AMF_NEED_MORE;
}

static guint get_length_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    amftcp_call *call = data;
    uint32_t len;
    const guint8 *p = tvb_bytes(tvb, offset, &len);
    if (call->pk->policy_allowed) {
        uint32_t plen;
        amf_status st = amf_policy_measure(p, len, &plen);
        if (st == AMF_OK)
            return plen;
        if (st == AMF_NEED_MORE)
            return can_desegment(pinfo) ? 0 : len;
    }
    amf_frame fr;
    amf_status st = amf_frame_measure(&call->pk->framing, p, len, amftcp_pref_max_message, &fr);
    if (st == AMF_OK)
        return fr.length;
    if (st == AMF_LIMIT && oversized_value_plausible(pinfo, &call->pk->framing, &fr, p, len)) {
        /* A real message, only larger than accepted: the rest of this
         * payload is its first part, later payloads skip its other bytes. */
        uint64_t total = call->pk->framing.includes_prefix ? fr.claimed
                                                           : (uint64_t)fr.claimed + fr.header;
        if (total <= len)
            return (guint)total;
        if (!PINFO_FD_VISITED(pinfo) && call->tcp)
            call->flow->oversized_end = call->tcp->seq + call->skipped + (uint32_t)offset +
                                        (uint32_t)total;
        return len;
    }
    /* A length that cannot be right: the bytes up to the next plausible
     * message form one bad PDU. */
    uint32_t skip = resync_length(pinfo, &call->pk->framing, p, len);
    return skip >= call->pk->framing.prefix ? skip : len;
}

static int dissect_length_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    amftcp_call *call = data;
    uint32_t len;
    const guint8 *p = tvb_bytes(tvb, 0, &len);
    uint32_t plen;
    if (call->pk->policy_allowed && amf_policy_measure(p, len, &plen) == AMF_OK && plen == len) {
        dissect_policy(tvb, pinfo, tree, 0, len, call);
        return len;
    }
    amf_frame fr;
    amf_status st = amf_frame_measure(&call->pk->framing, p, len, amftcp_pref_max_message, &fr);
    if (st != AMF_OK || fr.length != len) {
        dissect_unframed(tvb, pinfo, tree, 0, len,
                         st == AMF_LIMIT ? &ei_amftcp_too_large : &ei_amftcp_bad_length,
                         st == AMF_OK ? "message length does not match its frame" : fr.message,
                         call);
        return len;
    }
    dissect_message(tvb, pinfo, tree, 0, len, fr.header, call);
    return len;
}

/* ---- bare values and envelopes: our own loop -------------------------- */

/* After an undecodable value in a bare stream: the next offset where a
 * plausible value starts, searched from where decoding stopped (the bytes
 * before it decoded as parts of the bad value), or len. */
static uint32_t resync_bare(const amf_framing *f, const guint8 *p, uint32_t len, uint32_t stopped)
{
    uint32_t from = stopped + 1;
    uint32_t limit = len - from < AMFTCP_RESYNC_SCAN_MAX ? len : from + AMFTCP_RESYNC_SCAN_MAX;
    for (uint32_t i = from; i < limit; i++) {
        amf_framing found;
        if (amf_frame_detect(p + i, len - i, amftcp_pref_max_message, true, f, &found) ==
                AMF_DETECT_YES && found.kind == f->kind)
            return i;
    }
    return len;
}

static int dissect_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, amftcp_call *call)
{
    uint32_t total = tvb_captured_length(tvb);
    uint32_t offset = 0;
    const amf_framing *f = &call->pk->framing;
    while (offset < total) {
        uint32_t len;
        const guint8 *p = tvb_bytes(tvb, offset, &len);
        if (call->pk->policy_allowed) {
            uint32_t plen;
            amf_status st = amf_policy_measure(p, len, &plen);
            if (st == AMF_OK) {
                dissect_policy(tvb, pinfo, tree, offset, plen, call);
                offset += plen;
                continue;
            }
            if (st == AMF_NEED_MORE && can_desegment(pinfo)) {
                pinfo->desegment_offset = offset;
                pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
                return total;
            }
        }
        if (f->kind == AMF_FRAME_UNKNOWN) {
            if (offset == 0 && len < AMFTCP_DETECT_MIN_BYTES && can_desegment(pinfo) &&
                !PINFO_FD_VISITED(pinfo)) {
                pinfo->desegment_offset = offset;
                pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
                return total;
            }
            dissect_unframed(tvb, pinfo, tree, offset, len, &ei_amftcp_undetected,
                             "AMF framing of this direction not recognised (yet)", call);
            return total;
        }
        bool first_pass = !PINFO_FD_VISITED(pinfo) && call->tcp;
        uint32_t seq = call->tcp ? call->tcp->seq + offset : 0;
        if (first_pass && call->flow->pending_need && call->flow->pending_seq == seq &&
            len < call->flow->pending_need && can_desegment(pinfo)) {
            pinfo->desegment_offset = offset;
            pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
            return total;
        }
        amf_frame fr;
        amf_status st = amf_frame_measure(f, p, len, amftcp_pref_max_message, &fr);
        if (first_pass)
            call->flow->pending_need = 0;
        if (st == AMF_OK) {
            dissect_message(tvb, pinfo, tree, offset, fr.length, 0, call);
            offset += fr.length;
            continue;
        }
        if (st == AMF_NEED_MORE) {
            if (can_desegment(pinfo)) {
                if (first_pass) {
                    call->flow->pending_seq = seq;
                    call->flow->pending_need = len + fr.need;
                }
                pinfo->desegment_offset = offset;
                pinfo->desegment_len = DESEGMENT_ONE_MORE_SEGMENT;
                return total;
            }
            dissect_unframed(tvb, pinfo, tree, offset, len, &ei_amftcp_incomplete,
                             "message continues in data that was not reassembled", call);
            return total;
        }
        /* Not decodable to its end: show what decodes, then find the next
         * plausible value. */
        uint32_t next = resync_bare(f, p, len, fr.stopped < len ? fr.stopped : 0);
        dissect_message(tvb, pinfo, tree, offset, next, 0, call);
        offset += next;
    }
    return total;
}

/* ---- the head: messages sent before TCP took over ---------------------- */

/* Bytes of a message that ends in a later segment (TCP would say "segment of
 * a reassembled PDU"). */
static void dissect_continued(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                              uint32_t length, amftcp_call *call)
{
    proto_tree *sub;
    proto_item *ti = add_message_item(tvb, tree, offset, length, &sub);
    proto_item_append_text(ti, ", %u bytes of a message that ends in a later segment", length);
    proto_tree_add_item(sub, hf_amftcp_undetected, tvb, offset, length, ENC_NA);
    set_info(pinfo, call, "AMF message, continued in a later segment", true);
}

static void dissect_head_entry(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, int offset,
                               const amftcp_head_entry *e, amftcp_call *call)
{
    uint32_t length = e->end - e->start;
    switch (e->kind) {
    case AMFTCP_HEAD_MESSAGE:
        dissect_message(tvb, pinfo, tree, offset, length, e->header, call);
        break;
    case AMFTCP_HEAD_POLICY:
        dissect_policy(tvb, pinfo, tree, offset, length, call);
        break;
    case AMFTCP_HEAD_BAD_LENGTH: {
        amf_frame fr;
        amf_status st = amf_frame_measure(&call->flow->framing, tvb_get_ptr(tvb, offset, length),
                                          length, amftcp_pref_max_message, &fr);
        dissect_unframed(tvb, pinfo, tree, offset, length,
                         st == AMF_LIMIT ? &ei_amftcp_too_large : &ei_amftcp_bad_length,
                         fr.message[0] ? fr.message : "message length cannot be right", call);
        break;
    }
    default:
        dissect_unframed(tvb, pinfo, tree, offset, length, &ei_amftcp_undetected,
                         "AMF framing of this direction not recognised", call);
        break;
    }
}

/* First pass, framing not known yet (a malformed first message frames as
 * AMF0 and AMF3 alike, say): the messages of this payload by the length
 * framing the evidence leans to, so that one pass shows them too.  Later
 * passes show them by the framing found.  Returns where they end. */
static uint32_t dissect_head_guess(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                   amftcp_call *call, uint32_t start, uint32_t shown, uint32_t end)
{
    amftcp_head *h = &call->flow->head;
    const amf_framing *other = &call->conv->flow[call->flow == &call->conv->flow[0]].framing;
    amf_framing guess;
    if (!amftcp_head_guess(h, other->kind != AMF_FRAME_UNKNOWN ? other : NULL, &guess))
        return shown;
    amftcp_packet saved = *call->pk;
    call->pk->framing = guess;
    const guint8 *p = amftcp_head_bytes(h);
    while (shown < end) {
        amf_frame fr;
        if (amf_frame_measure(&guess, p + shown, end - shown, amftcp_pref_max_message, &fr) !=
                AMF_OK || fr.length > end - shown)
            break;
        dissect_message(tvb, pinfo, tree, shown - start, fr.length, fr.header, call);
        shown += fr.length;
    }
    *call->pk = saved;
    return shown;
}

/* The part of this payload that lies in its direction's head: the messages
 * that end in it, decoded from the head's bytes when they began in an
 * earlier segment (in a tab of their own).  Returns its length. */
static uint32_t dissect_head(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, amftcp_call *call)
{
    const amftcp_head *h = &call->flow->head;
    uint32_t start = call->pk->head_offset;
    uint32_t end = start + tvb_captured_length(tvb);
    if (h->live < end)
        end = h->live > start ? h->live : start;
    /* Bytes an earlier payload brought (a retransmission): the messages
     * ending in them were shown there. */
    uint32_t fresh = call->pk->head_fresh;
    if (fresh >= end) {
        proto_tree_add_expert_format(tree, pinfo, &ei_amftcp_retransmitted, tvb, 0, end - start,
                                     "Retransmitted bytes: their messages are in earlier frames");
        set_info(pinfo, call, "Retransmitted AMF bytes", false);
        return end - start;
    }
    unsigned n;
    const amftcp_head_entry *e = amftcp_head_entries(h, &n);
    /* The first entry that ends in this payload's new bytes. */
    unsigned lo = 0, hi = n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (e[mid].end <= fresh)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t shown = start;
    for (unsigned i = lo; i < n && e[i].start < end; i++) {
        uint32_t from = e[i].start > start ? e[i].start : start;
        if (e[i].end > end) {
            dissect_continued(tvb, pinfo, tree, from - start, end - from, call);
            shown = end;
            break;
        }
        if (e[i].start >= start) {
            dissect_head_entry(tvb, pinfo, tree, e[i].start - start, &e[i], call);
        } else {
            uint32_t length = e[i].end - e[i].start;
            tvbuff_t *whole = tvb_new_child_real_data(tvb, amftcp_head_bytes(h) + e[i].start,
                                                      length, length);
            add_new_data_source(pinfo, whole, "Reassembled AMF");
            dissect_head_entry(whole, pinfo, tree, 0, &e[i], call);
        }
        shown = e[i].end;
    }
    if (shown < end && shown >= fresh && call->flow->framing.kind == AMF_FRAME_UNKNOWN &&
        !PINFO_FD_VISITED(pinfo))
        shown = dissect_head_guess(tvb, pinfo, tree, call, start, shown, end);
    if (shown < end) {
        if (call->flow->framing.kind == AMF_FRAME_UNKNOWN)
            dissect_unframed(tvb, pinfo, tree, shown - start, end - shown, &ei_amftcp_undetected,
                             h->live == AMFTCP_HEAD_NOT_LIVE && !PINFO_FD_VISITED(pinfo)
                                 ? "AMF framing of this direction not determined yet"
                                 : "AMF framing of this direction not recognised",
                             call);
        else
            dissect_continued(tvb, pinfo, tree, shown - start, end - shown, call);
    }
    return end - start;
}

/* ---- entry points ----------------------------------------------------- */

static int dissect_over(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        const struct tcpinfo *tcp, amftcp_transport transport,
                        const amf_framing *whole)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "AMFTCP");
    amftcp_call call;
    memset(&call, 0, sizeof call);
    call.tcp = tcp;
    call.transport = transport;
    call.pk = packet_state(tvb, pinfo, &call);
    if (whole) {
        call.pk->framing = *whole;
        call.pk->skip = 0;
        call.pk->oversized = false;
    }
    uint32_t payload = tvb_captured_length(tvb);
    if (call.pk->in_head) {
        /* Later passes know the framing the first pass found after this
         * payload. */
        if (call.pk->framing.kind == AMF_FRAME_UNKNOWN)
            call.pk->framing = call.flow->framing;
        uint32_t head = dissect_head(tvb, pinfo, tree, &call);
        if (head >= payload)
            return payload;
        tvb = tvb_new_subset_remaining(tvb, head);
        call.skipped = head;
    }
    uint32_t skip = call.pk->skip;
    if (skip) {
        if (call.pk->oversized)
            dissect_unframed(tvb, pinfo, tree, 0, skip, &ei_amftcp_oversized_part,
                             "Part of a message over the size limit, not decoded", &call);
        else
            dissect_unframed(tvb, pinfo, tree, 0, skip, &ei_amftcp_undetected,
                             "End of a message whose start was not captured", &call);
        if (skip == tvb_captured_length(tvb))
            return payload;
        tvb = tvb_new_subset_remaining(tvb, skip);
        call.skipped += skip;
    }
    if (call.pk->framing.kind == AMF_FRAME_LENGTH) {
        tcp_dissect_pdus(tvb, pinfo, tree, amftcp_desegment, call.pk->framing.prefix,
                         get_length_pdu_len, dissect_length_pdu, &call);
    } else {
        dissect_stream(tvb, pinfo, tree, &call);
    }
    /* Desegmentation offsets are TCP's, counted from the whole payload. */
    if (call.skipped && pinfo->desegment_len)
        pinfo->desegment_offset += call.skipped;
    return payload;
}

static int dissect_amftcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_over(tvb, pinfo, tree, data, AMFTCP_OVER_TCP, NULL);
}

int amftcp_dissect_over(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        amftcp_transport transport)
{
    return dissect_over(tvb, pinfo, tree, NULL, transport, NULL);
}

/* A whole message of a transport that delimits messages itself: nothing
 * is asked of the layer below, and the framing is this message's own. */
int amftcp_dissect_whole(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         amftcp_transport transport, const amf_framing *framing)
{
    guint16 saved = pinfo->can_desegment;
    pinfo->can_desegment = 0;
    int n = dissect_over(tvb, pinfo, tree, NULL, transport, framing);
    pinfo->can_desegment = saved;
    return n;
}

/* Claim a connection only on convincing bytes.  When TCP saw it open, the
 * evidence of each direction's first segments adds up in its head until it
 * convinces, and the claim covers the connection from its first byte (later
 * passes decode the head).  A connection whose start was not captured is
 * claimed from the first payload that holds a convincing message boundary,
 * and from that frame on. */
static bool claim_payload(tvbuff_t *tvb, packet_info *pinfo, amftcp_conv *cd, amftcp_flow *flow,
                          bool policy);

static amftcp_heur_bool dissect_amftcp_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    uint32_t len;
    /* Later passes repeat the first pass's answers: a claim made there is
     * the conversation's dissector now. */
    if (!amftcp_pref_heuristic || PINFO_FD_VISITED(pinfo))
        return FALSE;
    const guint8 *p = tvb_bytes(tvb, 0, &len);
    if (len == 0)
        return FALSE;
    /* A connection that has shown no AMF in its first payloads is not tried
     * again: other traffic then costs one lookup per segment. */
    conversation_t *conv = find_or_create_conversation(pinfo);
    amftcp_conv *seen = conversation_get_proto_data(conv, proto_amftcp);
    if (seen && (seen->rejected || seen->heur_rejects >= AMFTCP_HEUR_MAX_REJECTS))
        return FALSE;
    unsigned dir;
    amftcp_conv *cd = get_conv(pinfo, &dir, AMFTCP_OVER_TCP);
    amftcp_flow *flow = &cd->flow[dir];
    const struct tcpinfo *tcp = data;
    flow_start(flow, pinfo, tcp);
    bool policy = len >= strlen(AMF_POLICY_REQUEST) &&
                  memcmp(p, AMF_POLICY_REQUEST, strlen(AMF_POLICY_REQUEST)) == 0 &&
                  amf_policy_measure(p, len, &(uint32_t){0}) != AMF_MALFORMED;

    if (flow->head_mode && tcp) {
        amftcp_packet *pk = wmem_new0(wmem_file_scope(), amftcp_packet);
        pk->policy_allowed = !flow->amf_seen;
        amf_verdict v = head_step(tvb, cd, dir, tcp->seq, pk, true);
        pk->framing = flow->framing;
        /* Later passes find this payload's place in the head, claimed or
         * not yet. */
        p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num, pk);
        if (v == AMF_VERDICT_FRAMED || policy) {
            head_settle(cd, dir ^ 1);
            conversation_set_dissector(conv, amftcp_handle);
            dissect_amftcp(tvb, pinfo, tree, data);
            return TRUE;
        }
        if (v == AMF_VERDICT_NONE) {
            /* Not AMF by itself; its bytes are kept while the other
             * direction may still claim the connection. */
            flow->head_dead = true;
            if (cd->flow[dir ^ 1].head_dead)
                reject_connection(cd);
        }
        if (++cd->heur_rejects >= AMFTCP_HEUR_MAX_REJECTS) {
            reject_connection(cd);
            return FALSE;
        }
        /* Every byte so far is AMF, just not convincingly yet: the payload
         * is held, showing nothing, so that no other heuristic takes it and
         * asks TCP for bytes of the messages after it.  Later passes give
         * it to whoever wants it unless the connection was claimed. */
        return v == AMF_VERDICT_UNDECIDED && !flow->head_dead && amftcp_head_promising(&flow->head);
    }

    /* The start of this direction was not captured (or its head gave up):
     * a message boundary in this payload, at its start or further on. */
    if (!claim_payload(tvb, pinfo, cd, flow, policy))
        return FALSE;
    /* From this frame on: earlier frames stay what the first pass made of
     * them, so later passes (tshark -2, the GUI) show the same. */
    conversation_set_dissector_from_frame_number(conv, pinfo->num, amftcp_handle);
    dissect_amftcp(tvb, pinfo, tree, data);
    return TRUE;
}

/* First pass: does this payload, with no head before it, hold a convincing
 * message boundary (or policy text)?  Then its direction's framing is set. */
static bool claim_payload(tvbuff_t *tvb, packet_info *pinfo, amftcp_conv *cd, amftcp_flow *flow,
                          bool policy)
{
    uint32_t len;
    const guint8 *p = tvb_bytes(tvb, 0, &len);
    amf_framing found;
    memset(&found, 0, sizeof found);
    uint32_t at = 0;
    if (payload_is_other_protocol(p, len)) {
        /* Its bodies may hold AMF (HTTP remoting): that is for the other
         * protocol's dissector to hand over. */
        reject_connection(cd);
        return false;
    }
    if (!policy && (flow->head_dead || !detect_framing(tvb, 0, true, NULL, &found, &at))) {
        if (++cd->heur_rejects >= AMFTCP_HEUR_MAX_REJECTS)
            reject_connection(cd);
        return false;
    }
    if (!policy && flow->framing.kind == AMF_FRAME_UNKNOWN) {
        flow->framing = found;
        if (at && !p_get_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num)) {
            amftcp_packet *pk = wmem_new0(wmem_file_scope(), amftcp_packet);
            pk->framing = found;
            pk->policy_allowed = true;
            pk->skip = at;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_amftcp, pinfo->curr_layer_num, pk);
        }
    }
    return true;
}

bool amftcp_claim_stream(tvbuff_t *tvb, packet_info *pinfo, amftcp_transport transport)
{
    uint32_t len;
    if (PINFO_FD_VISITED(pinfo) || tvb_bytes(tvb, 0, &len) == NULL || len == 0)
        return false;
    unsigned dir;
    amftcp_conv *cd = get_conv(pinfo, &dir, transport);
    if (cd->rejected || cd->heur_rejects >= AMFTCP_HEUR_MAX_REJECTS)
        return false;
    amftcp_flow *flow = &cd->flow[dir];
    flow->started = true;
    const guint8 *p = tvb_get_ptr(tvb, 0, len);
    bool policy = len >= strlen(AMF_POLICY_REQUEST) &&
                  memcmp(p, AMF_POLICY_REQUEST, strlen(AMF_POLICY_REQUEST)) == 0 &&
                  amf_policy_measure(p, len, &(uint32_t){0}) != AMF_MALFORMED;
    return claim_payload(tvb, pinfo, cd, flow, policy);
}

/* ---- registration ----------------------------------------------------- */

void proto_register_amftcp(void)
{
    static hf_register_info hf[] = {
        { &hf_amftcp_length, { "Length", "amftcp.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The message's length prefix, as sent", HFILL } },
        { &hf_amftcp_framing, { "Framing", "amftcp.framing", FT_STRING, BASE_NONE, NULL, 0x0,
            "How messages are delimited on this direction of the connection", HFILL } },
        { &hf_amftcp_version, { "AMF version", "amftcp.amf_version", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Encoding of the message's value (0 or 3)", HFILL } },
        { &hf_amftcp_policy, { "Policy file text", "amftcp.policy", FT_STRING, BASE_NONE, NULL, 0x0,
            "Flash cross-domain policy request or answer, NUL-terminated", HFILL } },
        { &hf_amftcp_undetected, { "Data", "amftcp.data", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Bytes not decoded as AMF", HFILL } },
        { &hf_amftcp_type, { "Type", "amf.type", FT_UINT8, BASE_DEC, VALS(amf_type_vals), 0x0,
            "AMF type of the value, the same names for AMF0 and AMF3", HFILL } },
        { &hf_amftcp_json, { "JSON", "amf.json", FT_STRING, BASE_NONE, NULL, 0x0,
            "The whole message as one JSON document (built only when this field is used)", HFILL } },
        { &hf_amftcp_integer, { "Integer", "amf.int", FT_INT32, BASE_DEC, NULL, 0x0,
            "AMF3 integer or Vector.<int> element", HFILL } },
        { &hf_amftcp_uinteger, { "Unsigned integer", "amf.uint", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Vector.<uint> element", HFILL } },
        { &hf_amftcp_count, { "Count", "amf.count", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Element, entry or byte count as sent", HFILL } },
        { &hf_amftcp_avmplus, { "AVM+ marker", "amf.avmplus", FT_NONE, BASE_NONE, NULL, 0x0,
            "AMF0 marker 0x11: the next value is AMF3", HFILL } },
        { &hf_amftcp_vector_fixed, { "Fixed length", "amf.vector.fixed", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_amftcp_vector_type, { "Element type", "amf.vector.type", FT_STRING, BASE_NONE,
            NULL, 0x0, "Vector.<Object> element type name", HFILL } },
        { &hf_amftcp_dict_weak, { "Weak keys", "amf.dictionary.weak", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_amftcp_traits_dynamic, { "Dynamic", "amf.traits.dynamic", FT_BOOLEAN, BASE_NONE,
            NULL, 0x0, NULL, HFILL } },
        { &hf_amftcp_traits_external, { "Externalizable", "amf.traits.externalizable", FT_BOOLEAN,
            BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_amftcp_date_tz, { "Time-zone field", "amf.date.timezone", FT_INT16, BASE_DEC,
            NULL, 0x0, "AMF0 date time-zone field (minutes), as sent", HFILL } },
        { &hf_amftcp_reference_target, { "Refers to offset", "amf.reference.offset", FT_UINT32,
            BASE_DEC, NULL, 0x0, "Where the referenced value starts in the message", HFILL } },
        { &hf_amftcp_compressed, { "Compressed length", "amftcp.compressed_length", FT_UINT32,
            BASE_DEC, NULL, 0x0, "Bytes of the payload before inflating", HFILL } },
        { &hf_amftcp_inflated, { "Inflated length", "amftcp.inflated_length", FT_UINT32,
            BASE_DEC, NULL, 0x0, "Bytes of the payload after inflating", HFILL } },
        { &hf_amftcp_flex_flags, { "Flags", "amf.flex.flags", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Flag byte of a Flex small message (DSK, DSA, DSC)", HFILL } },
    };

    static gint *ett[] = {
        &ett_amftcp,
        &ett_amftcp_value,
        &ett_amftcp_traits,
        &ett_amftcp_entry,
        &ett_amftcp_part,
    };

    static ei_register_info ei[] = {
        { &ei_amftcp_malformed, { "amftcp.malformed", PI_MALFORMED, PI_ERROR,
            "Malformed AMF: decoding stopped", EXPFILL } },
        { &ei_amftcp_limit, { "amftcp.limit", PI_MALFORMED, PI_ERROR,
            "A decoding limit was reached: decoding stopped", EXPFILL } },
        { &ei_amftcp_unsupported, { "amftcp.unsupported", PI_UNDECODED, PI_ERROR,
            "Externalizable class of unknown layout: decoding stopped", EXPFILL } },
        { &ei_amftcp_utf8, { "amftcp.utf8", PI_MALFORMED, PI_WARN,
            "Text is not valid UTF-8", EXPFILL } },
        { &ei_amftcp_reserved, { "amftcp.reserved_marker", PI_PROTOCOL, PI_WARN,
            "Reserved AMF0 type marker", EXPFILL } },
        { &ei_amftcp_ref_type, { "amftcp.reference_type", PI_PROTOCOL, PI_WARN,
            "Reference to a value of another type", EXPFILL } },
        { &ei_amftcp_trailing, { "amftcp.trailing", PI_MALFORMED, PI_WARN,
            "Bytes after the value inside its declared length", EXPFILL } },
        { &ei_amftcp_flex_flags, { "amftcp.flex_flags", PI_PROTOCOL, PI_NOTE,
            "Flex message flag bits this decoder does not know", EXPFILL } },
        { &ei_amftcp_json_refs, { "amftcp.json_refs", PI_COMMENTS_GROUP, PI_NOTE,
            "amf.json writes some references as {\"$ref\":N} to stay bounded", EXPFILL } },
        { &ei_amftcp_tree_limit, { "amftcp.tree_limit", PI_UNDECODED, PI_NOTE,
            "Tree truncated: too many values in one message", EXPFILL } },
        { &ei_amftcp_json_not_built, { "amftcp.json_not_built", PI_UNDECODED, PI_CHAT,
            "amf.json not built for a large message that no filter, column or tshark -e asks "
            "for", EXPFILL } },
        { &ei_amftcp_too_large, { "amftcp.too_large", PI_MALFORMED, PI_ERROR,
            "Message length over the largest message accepted", EXPFILL } },
        { &ei_amftcp_bad_length, { "amftcp.bad_length", PI_MALFORMED, PI_ERROR,
            "Message length field cannot be right", EXPFILL } },
        { &ei_amftcp_retransmitted, { "amftcp.retransmitted", PI_SEQUENCE, PI_NOTE,
            "Bytes of the stream sent again", EXPFILL } },
        { &ei_amftcp_undetected, { "amftcp.undetected", PI_UNDECODED, PI_NOTE,
            "AMF framing not recognised", EXPFILL } },
        { &ei_amftcp_incomplete, { "amftcp.incomplete", PI_UNDECODED, PI_WARN,
            "Message incomplete: TCP reassembly is off or data is missing", EXPFILL } },
        { &ei_amftcp_oversized_part, { "amftcp.oversized_part", PI_UNDECODED, PI_NOTE,
            "Part of a message over the size limit (amftcp.max_message), skipped", EXPFILL } },
        { &ei_amftcp_inflate, { "amftcp.inflate", PI_MALFORMED, PI_ERROR,
            "Compressed payload does not inflate", EXPFILL } },
        { &ei_amftcp_inflate_limit, { "amftcp.inflate_limit", PI_UNDECODED, PI_WARN,
            "Compressed payload not inflated: it could expand past the limit", EXPFILL } },
    };

    for (int t = AMF_TYPE_UNDEFINED; t < AMF_TYPE_COUNT_; t++) {
        amf_type_vals[t - 1].value = (guint32)t;
        amf_type_vals[t - 1].strptr = amf_type_name((amf_type)t);
    }

    proto_amftcp = proto_register_protocol("AMF over TCP", "AMFTCP", "amftcp");
    proto_register_field_array(proto_amftcp, hf, array_length(hf));
    register_shared_fields();
    amftcp_flex_register(proto_amftcp);
    amftcp_tap = register_tap("amftcp");
    amftcp_srt_register(proto_amftcp);
    amftcp_export_register(proto_amftcp);
    amftcp_follow_register(proto_amftcp);
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert = expert_register_protocol(proto_amftcp);
    expert_register_field_array(expert, ei, array_length(ei));

    amftcp_handle = register_dissector("amftcp", dissect_amftcp, proto_amftcp);
    amftcp_tls_register(proto_amftcp);

    module_t *module = prefs_register_protocol(proto_amftcp, amftcp_http_apply);
    prefs_register_bool_preference(module, "heuristic", "Find AMF on any TCP port",
        "Whether connections on ports not listed below are tried for AMF (the heuristic "
        "\"amftcp_tcp\", also in Analyze > Enabled Protocols). A connection is claimed only when "
        "its first bytes decode as convincing AMF",
        &amftcp_pref_heuristic);
    prefs_register_bool_preference(module, "desegment",
        "Reassemble AMF messages spanning multiple TCP segments",
        "Whether the AMF over TCP dissector should reassemble messages spanning multiple TCP "
        "segments. To use this option, you must also enable \"Allow subdissectors to reassemble "
        "TCP streams\" in the TCP protocol settings.",
        &amftcp_desegment);
    prefs_register_enum_preference(module, "framing", "Framing",
        "How messages are delimited: detected per connection and direction, or forced for every "
        "connection this dissector decodes",
        &amftcp_pref_framing, framing_pref_vals, FALSE);
    prefs_register_enum_preference(module, "length_field", "Length field (forced length framing)",
        "Size and byte order of the length prefix when the framing is forced to \"Length prefix\"",
        &amftcp_pref_length, length_pref_vals, FALSE);
    prefs_register_bool_preference(module, "length_includes_prefix",
        "Length counts the prefix (forced length framing)",
        "Whether the forced length prefix counts its own bytes",
        &amftcp_pref_length_includes_prefix);
    prefs_register_enum_preference(module, "amf_version", "AMF version (forced framing)",
        "Encoding of the values when the framing is forced to length prefix or bare values",
        &amftcp_pref_version, version_pref_vals, FALSE);
    prefs_register_enum_preference(module, "compression", "Compressed payloads",
        "Whether length-prefixed payloads compressed with zlib/deflate are inflated (shown in a tab "
        "of their own) and decoded",
        &amftcp_pref_compression, compression_pref_vals, FALSE);
    prefs_register_bool_preference(module, "bytearray_amf", "Decode ByteArrays that hold AMF",
        "Whether a ByteArray whose bytes are themselves an AMF value (or zlib-compressed AMF) is "
        "decoded in place, in a tab of its own",
        &amftcp_pref_bytearray_amf);
    prefs_register_uint_preference(module, "max_message", "Largest message (bytes)",
        "A length prefix or value larger than this is reported as an error instead of waiting "
        "for its bytes", 10, &amftcp_pref_max_message);
    prefs_register_enum_preference(module, "references", "Show references as",
        "How the tree labels a reference (AMF3 string, object and trait references, AMF0 "
        "references): with the value it points to, its table index, or both",
        &amftcp_pref_references, references_pref_vals, FALSE);
    prefs_register_bool_preference(module, "wire_details", "Show wire details of every value",
        "Whether each value also gets items for its type marker (amf.amf3_type, amf.amf0_type), "
        "counts, trait details, end markers and reference targets. Without it these "
        "items are added only when a display filter, a column or (Wireshark 4.2 and later) "
        "tshark -e asks for the field: the value's own item already says all of it",
        &amftcp_pref_wire_details);
    prefs_register_uint_preference(module, "max_depth", "Nesting depth limit",
        "Values nested deeper than this stop decoding with an error (at most 400)", 10,
        &amftcp_pref_max_depth);
    amftcp_http_register(proto_amftcp, module);
}

void proto_reg_handoff_amftcp(void)
{
    dissector_add_uint_range_with_preference("tcp.port", "", amftcp_handle);
    heur_dissector_add("tcp", dissect_amftcp_heur, "AMF over TCP", "amftcp_tcp", proto_amftcp,
                       HEURISTIC_ENABLE);
    amftcp_tls_handoff();
    amftcp_websocket_handoff();
    amftcp_http_handoff();
}
