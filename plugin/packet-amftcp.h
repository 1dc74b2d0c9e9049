/* packet-amftcp.h
 * Declarations shared by the amftcp dissector's files: field, subtree and
 * expert ids, and the mapping of core events to the tree.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_AMFTCP_H
#define PACKET_AMFTCP_H

#include <epan/packet.h>
#include <epan/expert.h>
#include <wsutil/nstime.h>

#include "amf.h"
#include "amf_flex.h"
#include "amf_frame.h"
#include "ws-compat.h"

/* Field ids the tree code uses, defined and registered in packet-amftcp.c.
 * From hf_amftcp_amf0_type on they are the built-in AMF dissector's own
 * fields when it has them with the same type (so one filter finds a value in
 * RTMP, HTTP and raw TCP alike), else ours under the same name (hf_shared). */
extern int hf_amftcp_type;                  /* amf.type */
extern int hf_amftcp_json;                  /* amf.json */
extern int hf_amftcp_integer;               /* amf.int */
extern int hf_amftcp_uinteger;              /* amf.uint */
extern int hf_amftcp_count;                 /* amf.count */
extern int hf_amftcp_avmplus;               /* amf.avmplus */
extern int hf_amftcp_vector_fixed;          /* amf.vector.fixed */
extern int hf_amftcp_vector_type;           /* amf.vector.type */
extern int hf_amftcp_dict_weak;             /* amf.dictionary.weak */
extern int hf_amftcp_traits_dynamic;        /* amf.traits.dynamic */
extern int hf_amftcp_traits_external;       /* amf.traits.externalizable */
extern int hf_amftcp_date_tz;               /* amf.date.timezone */
extern int hf_amftcp_reference_target;      /* amf.reference.offset */
extern int hf_amftcp_flex_flags;            /* amf.flex.flags */
extern int hf_amftcp_compressed;            /* amftcp.compressed_length */
extern int hf_amftcp_inflated;              /* amftcp.inflated_length */
extern int hf_amftcp_amf0_type;
extern int hf_amftcp_amf3_type;
extern int hf_amftcp_number;
extern int hf_amftcp_boolean;
extern int hf_amftcp_string;
extern int hf_amftcp_string_ref;
extern int hf_amftcp_object_ref;
extern int hf_amftcp_trait_ref;
extern int hf_amftcp_date;
extern int hf_amftcp_xml_doc;
extern int hf_amftcp_xml;
extern int hf_amftcp_bytearray;
extern int hf_amftcp_classname;
extern int hf_amftcp_membername;
extern int hf_amftcp_traitcount;
extern int hf_amftcp_end_of_object;
extern int hf_amftcp_end_of_dynamic;
extern int hf_amftcp_end_of_assoc;
extern int hf_amftcp_packet_version;
extern int hf_amftcp_header_count;
extern int hf_amftcp_header_name;
extern int hf_amftcp_header_must_understand;
extern int hf_amftcp_header_length;
extern int hf_amftcp_message_count;
extern int hf_amftcp_message_target;
extern int hf_amftcp_message_response;
extern int hf_amftcp_message_length;

extern int proto_amftcp;
extern int ett_amftcp;
extern int ett_amftcp_value;
extern int ett_amftcp_traits;
extern int ett_amftcp_entry;
extern int ett_amftcp_part;

extern expert_field ei_amftcp_malformed;
extern expert_field ei_amftcp_limit;
extern expert_field ei_amftcp_unsupported;
extern expert_field ei_amftcp_utf8;
extern expert_field ei_amftcp_reserved;
extern expert_field ei_amftcp_ref_type;
extern expert_field ei_amftcp_trailing;
extern expert_field ei_amftcp_flex_flags;
extern expert_field ei_amftcp_json_refs;
extern expert_field ei_amftcp_tree_limit;
extern expert_field ei_amftcp_json_not_built;
extern expert_field ei_amftcp_inflate;
extern expert_field ei_amftcp_inflate_limit;

/* What one message's decode produced for the Info column and the tap. */
typedef struct amftcp_summary {
    wmem_strbuf_t *text;       /* "Object com.example.User {id, name, ...}" */
    uint32_t       members;    /* member names listed so far */
    bool           closed;     /* the member list is complete */
    amf_type       top_type;   /* of the message's value (0 for an envelope) */
    const char    *top_class;  /* its class name, or NULL (packet scope) */
    const char    *error;      /* why decoding stopped (amf_error_name), or NULL */
    const char    *json;       /* amf.json text for the tap (packet scope), NULL
                                  unless a jsonl listener is active */
} amftcp_summary;

/* A Flex message's ids and request/response links, for the tap (packet
 * scope).  Links to later frames are known only in a second pass (-2). */
typedef struct amftcp_flex_link {
    const char *kind;           /* "RemotingMessage", "AcknowledgeMessage", ... */
    const char *message_id;     /* or NULL */
    const char *correlation_id; /* or NULL */
    const char *label;          /* "RemotingMessage login.authenticate" */
    const char *request_label;  /* of the request a response answers, or NULL */
    uint32_t    response_in;    /* frame of the response to this request; 0: not known */
    uint32_t    response_to;    /* frame of the request this answers; 0: none */
    nstime_t    response_time;  /* from request to response, when response_to is set */
} amftcp_flex_link;

/* An AMF packet envelope message's target and request/response links, for
 * the tap (packet scope; HTTP bodies). */
typedef struct amftcp_envelope_link {
    const char *role;           /* "request", "result", "status", "other" */
    const char *target;         /* its target URI */
    const char *request_target; /* of the request a result/status answers, or NULL */
    uint32_t    response_in;    /* frame of the answer to this request; 0: not known */
    uint32_t    response_to;    /* frame of the request this answers; 0: none */
    nstime_t    response_time;  /* from request to answer, when response_to is set */
} amftcp_envelope_link;

/* One record of the "amftcp" tap per decoded message (packet scope). */
typedef struct amftcp_tap_info {
    bool        to_server;   /* sent by the client side of the connection */
    const char *version;     /* "AMF0", "AMF3", "AMF packet", "Policy file" */
    const char *framing;     /* amftcp.framing value */
    const char *type;        /* top-level type name, "Packet", "Policy file" */
    const char *class_name;  /* class of the top-level object, or NULL */
    const char *flex;        /* "RemotingMessage login.authenticate", or NULL */
    uint32_t    length;      /* bytes of the message on the wire */
    amf_status  status;      /* AMF_OK, or why decoding stopped */
    const char *error;       /* amf_error_name of the stop, or NULL */
    const char *json;        /* the message's amf.json, NULL unless a jsonl
                                listener is active (amftcp_jsonl_active) */
    const amftcp_flex_link *flex_links; /* its Flex messages, NULL if none */
    uint32_t    flex_count;
    const amftcp_envelope_link *envelope_links; /* its envelope messages, NULL if none */
    uint32_t    envelope_count;
    bool        links_complete; /* decoded after the first pass: a request without
                                   response_in got no answer (flex and envelope) */
} amftcp_tap_info;

extern int amftcp_tap;
void amftcp_stats_register(void);

/* JSON Lines (amftcp-jsonl.c): `tshark -z amftcp,jsonl[,filter]`. */
void amftcp_jsonl_register(void);
/* Is a listener running that reads the tap record's JSON (JSON Lines,
 * Export Objects, Follow)?  amf.json is then built for every message. */
bool amftcp_jsonl_active(void);

/* Service response time (amftcp-srt.c), Export Objects (amftcp-export.c)
 * and Follow AMF stream (amftcp-follow.c): registered with the protocol. */
void amftcp_srt_register(int proto);
void amftcp_export_register(int proto);
void amftcp_follow_register(int proto);
/* Export Objects and Follow have taps of their own ("amftcp_eo",
 * "amftcp_follow") that get the same records; -1 until registered. */
extern int amftcp_export_tap;
extern int amftcp_follow_tap;
/* Is an Export Objects or Follow listener running (they read the JSON)? */
bool amftcp_tap_json_wanted(void);
/* Queue one message's record to the "amftcp" tap and to those two. */
void amftcp_tap_queue(packet_info *pinfo, const amftcp_tap_info *tap);

/* A decode configuration whose reference tables and JSON text come from
 * pool (wmem, normally pinfo->pool), not malloc: an exception thrown while
 * it is in use frees them with the pool. */
void amftcp_config_init(amf_config *cfg, wmem_allocator_t *pool);

/* Decode one message's value (or envelope) at [offset, offset+length) of tvb
 * into tree, the Info summary, expert infos, (when referenced) amf.json and
 * (when flex is not NULL) the Flex messages it holds, spans relative to
 * offset.  top_item is the message's protocol item, marked when decoding
 * stops. */
amf_status amftcp_dissect_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                proto_item *top_item, uint32_t offset, uint32_t length,
                                const amf_framing *framing, amftcp_summary *summary,
                                amf_flex *flex);

/* Flex messaging (amftcp-flex.c): per-connection request table. */
typedef struct amftcp_flex_state amftcp_flex_state;
amftcp_flex_state *amftcp_flex_state_new(void);
/* Fields and request/response links for the Flex messages of one AMF message
 * whose value starts at base in tvb; returns the Info text, or NULL when the
 * message holds none, and the first message's own label ("RemotingMessage
 * login.authenticate") in *first_label. */
const char *amftcp_flex_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                uint32_t base, const amf_flex *flex, amftcp_flex_state *state,
                                const char **first_label);
/* The ids and links of those Flex messages into tap (after amftcp_flex_dissect). */
void amftcp_flex_tap(packet_info *pinfo, const amf_flex *flex, amftcp_flex_state *state,
                     amftcp_tap_info *tap);
void amftcp_flex_register(int proto);

/* Preferences read by the tree code. */
extern unsigned amftcp_pref_max_depth;
enum { COMPRESSION_AUTO, COMPRESSION_OFF, COMPRESSION_DEFLATE };
extern gint     amftcp_pref_compression;
extern amftcp_pref_bool amftcp_pref_bytearray_amf;
enum { REFERENCES_BOTH, REFERENCES_RESOLVED, REFERENCES_INDEX };
extern gint     amftcp_pref_references;
extern amftcp_pref_bool amftcp_pref_wire_details;

/* Compressed payloads (amftcp-inflate.c). */
/* Does this payload start like zlib or gzip data? */
bool amftcp_looks_compressed(const guint8 *p, uint32_t length);
/* Inflate [offset, offset+length) of tvb with Wireshark's own decompression
 * into a new data source named `source`, the lengths shown in tree: when the
 * compression preference says so.  NULL if not compressed, if it does not
 * inflate (expert info added) or if it could expand past the limit. */
tvbuff_t *amftcp_inflate(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, uint32_t offset,
                         uint32_t length, const char *source);
/* Framing detection for compressed streams: a length prefix whose value
 * inflates to plausible AMF (strict), or starts like compressed data and is
 * framed like the other direction (hint, !strict). */
bool amftcp_detect_compressed(tvbuff_t *tvb, uint32_t offset, bool strict, const amf_framing *hint,
                              amf_framing *out);

/* The head of a stream direction (amftcp-head.c). */
#include "amf_evidence.h"

/* Bytes of a direction kept at most while its framing is not known: a
 * first message larger than this is decoded from where TCP takes over. */
#define AMFTCP_HEAD_MAX      (1024u * 1024)
#define AMFTCP_HEAD_NOT_LIVE UINT32_MAX

typedef enum {
    AMFTCP_HEAD_MESSAGE,     /* a message: header (length prefix) and value */
    AMFTCP_HEAD_POLICY,      /* policy-file text */
    AMFTCP_HEAD_BAD_LENGTH,  /* a length prefix that cannot be right, to the segment's end */
    AMFTCP_HEAD_UNFRAMED     /* bytes no framing fits */
} amftcp_head_kind;

typedef struct amftcp_head_entry {
    amftcp_head_kind kind;
    uint32_t start, end;     /* offsets in the head */
    uint32_t header;         /* MESSAGE: bytes before the value */
} amftcp_head_entry;

/* One direction's head (inside the connection's state, wmem_file_scope;
 * filled in the first pass, read in every pass). */
typedef struct amftcp_head {
    wmem_array_t *bytes;     /* the direction's payload from its first byte; NULL: dropped */
    wmem_array_t *entries;   /* amftcp_head_entry, in order, once the framing is known */
    uint32_t      base_seq;  /* TCP sequence number of the first byte */
    bool          started;   /* base_seq is set */
    bool          closed;    /* no byte is added any more (a gap, the limit, TCP took over) */
    bool          amf_seen;  /* an AMF message was cut: no policy text after it */
    bool          evidence_ready; /* evidence started (after any policy text) */
    uint32_t      segments;  /* segments appended */
    uint32_t      walked;    /* entries cover the head up to here */
    uint32_t      wait;      /* the message at walked needs the head to reach this length */
    uint32_t      live;      /* offset where TCP reassembly takes over, or AMFTCP_HEAD_NOT_LIVE */
    uint32_t      max_message;
    amf_evidence  evidence;
} amftcp_head;

void amftcp_head_init(amftcp_head *h, uint32_t max_message);
/* First pass: append a payload whose first byte has TCP sequence number seq;
 * *offset: where it starts in the head, *fresh_from: where the bytes the
 * head did not have yet start (a retransmission repeats some or all).
 * false when it does not continue the head (a gap), or the head is
 * closed. */
bool amftcp_head_add(amftcp_head *h, uint32_t seq, tvbuff_t *tvb, uint32_t *offset,
                     uint32_t *fresh_from);
/* The framing the head's evidence shows (see amf_evidence_verdict). */
amf_verdict amftcp_head_verdict(amftcp_head *h, bool strict, const amf_framing *hint,
                                amf_framing *out);
/* The length framing the evidence would take if no more bytes came (the
 * first pass shows messages by it while the framing is not known). */
bool amftcp_head_guess(amftcp_head *h, const amf_framing *hint, amf_framing *out);
/* Every byte so far frames as AMF, but not convincingly yet. */
bool amftcp_head_promising(const amftcp_head *h);
/* The framing is f (NULL: not known yet, only policy text is cut): cut the
 * head into messages, and say where TCP takes
 * over (live) if a boundary lies at or after frame_start, the offset of the
 * segment being dissected (the head's length when none is). */
void amftcp_head_frame(amftcp_head *h, const amf_framing *f, uint32_t frame_start);
/* No framing fits: the rest of the head is one unframed entry. */
void amftcp_head_fail(amftcp_head *h);
/* Free the bytes of a head that will never be decoded. */
void amftcp_head_drop(amftcp_head *h);
const guint8 *amftcp_head_bytes(const amftcp_head *h);
uint32_t amftcp_head_length(const amftcp_head *h);
const amftcp_head_entry *amftcp_head_entries(const amftcp_head *h, unsigned *count);

/* AMF inside other transports (amftcp-tls.c, amftcp-websocket.c).  Each
 * keeps a connection state of its own beside raw TCP's. */
typedef enum {
    AMFTCP_OVER_TCP,
    AMFTCP_OVER_TLS,         /* decrypted TLS application data: a byte stream */
    AMFTCP_OVER_WEBSOCKET,   /* WebSocket messages, each delimited by WebSocket */
    AMFTCP_OVER_COUNT_
} amftcp_transport;

/* First pass, a heuristic of a byte-stream transport: does this payload
 * hold a convincing message boundary (or policy text)?  Its direction's
 * framing is then set, as the raw-TCP heuristic does without a head.
 * Claims nothing: the caller tells its transport. */
bool amftcp_claim_stream(tvbuff_t *tvb, packet_info *pinfo, amftcp_transport transport);
/* Dissect a byte-stream transport's payload: detection, framing and
 * reassembly (through pinfo->desegment_*) as on raw TCP. */
int amftcp_dissect_over(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                        amftcp_transport transport);
/* Dissect one whole message of a transport that delimits messages itself,
 * by `framing`; nothing is asked of the layer below. */
int amftcp_dissect_whole(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                         amftcp_transport transport, const amf_framing *framing);
/* The largest message accepted (preference amftcp.max_message). */
extern guint amftcp_pref_max_message;

void amftcp_tls_register(int proto);
void amftcp_tls_handoff(void);
void amftcp_websocket_handoff(void);

/* Flash Remoting over HTTP (amftcp-http.c): application/x-amf bodies. */
#include <epan/prefs.h>
void amftcp_http_register(int proto, module_t *module);
void amftcp_http_handoff(void);
/* Preferences applied: the media_type entry follows amftcp.http. */
void amftcp_http_apply(void);

/* A capture time as ISO 8601 in UTC with nanoseconds,
 * "2023-11-14T22:13:20.000123000Z" (amftcp-jsonl.c), allocated in scope;
 * NULL outside the years 1 to 9999. */
char *amftcp_time_utc(wmem_allocator_t *scope, const nstime_t *t);

#endif /* PACKET_AMFTCP_H */
