/* amf_flex.h
 * Flex messaging: recognises BlazeDS-style message objects in a decoded
 * message's events (RemotingMessage, AcknowledgeMessage, ErrorMessage,
 * CommandMessage, AsyncMessage and the small forms DSK, DSA, DSC) and picks
 * out their key parts with the bytes they came from.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Reference: BlazeDS flex.messaging.messages.* (member names, CommandMessage
 * operation codes); the *Bytes members of the small forms carry UUIDs as 16
 * bytes, written back as text the way mx.utils.RPCUIDUtil does.
 */
#ifndef AMF_FLEX_H
#define AMF_FLEX_H

#include "amf.h"

typedef enum amf_flex_kind {
    AMF_FLEX_NONE = 0,
    AMF_FLEX_REMOTING,        /* RemotingMessage */
    AMF_FLEX_ACKNOWLEDGE,     /* AcknowledgeMessage, DSK */
    AMF_FLEX_ERROR,           /* ErrorMessage */
    AMF_FLEX_COMMAND,         /* CommandMessage, DSC */
    AMF_FLEX_ASYNC,           /* AsyncMessage, DSA */
    AMF_FLEX_KIND_COUNT_
} amf_flex_kind;

/* "RemotingMessage", ... */
const char *amf_flex_kind_name(amf_flex_kind kind);
/* CommandMessage operation codes: "client ping", ...; NULL if unknown. */
const char *amf_flex_command_name(int32_t operation);

/* Text of a UUID: 8-4-4-4-12 upper-case hex digits and a NUL. */
#define AMF_FLEX_UUID_TEXT 37

/* One member of interest: a string, or 16 bytes of a UUID (the small forms'
 * *Bytes members), with the span of its value. */
typedef struct amf_flex_field {
    bool     present;
    bool     uuid_bytes;      /* str holds 16 bytes, not text */
    amf_str  str;
    uint32_t offset, length;  /* wire span of the value */
} amf_flex_field;

typedef struct amf_flex_message {
    amf_flex_kind  kind;
    bool           small;           /* DSK, DSA, DSC */
    amf_str        class_name;
    uint32_t       offset, length;  /* the message object */
    amf_flex_field operation;       /* RemotingMessage */
    amf_flex_field destination;
    amf_flex_field source;
    amf_flex_field message_id;
    amf_flex_field correlation_id;
    amf_flex_field client_id;
    amf_flex_field fault_code;      /* ErrorMessage */
    amf_flex_field fault_string;
    bool           has_command;     /* CommandMessage operation */
    int32_t        command;
    uint32_t       command_offset, command_length;
} amf_flex_message;

/* Messages one decode may carry (an envelope holds several bodies). */
#define AMF_FLEX_MAX_MESSAGES 8

/* Collects Flex messages from one decode's events: amf_flex_init, then
 * amf_flex_event for every event (stack or packet scope, no allocation). */
typedef struct amf_flex {
    amf_flex_message messages[AMF_FLEX_MAX_MESSAGES];
    uint32_t         count;
    bool             open;          /* messages[count] is being filled */
    uint32_t         open_depth;    /* depth of its BEGIN */
} amf_flex;

void amf_flex_init(amf_flex *f);
void amf_flex_event(amf_flex *f, const amf_event *ev);

/* The field as text: the string itself, or the UUID text of 16 bytes
 * (buf must hold AMF_FLEX_UUID_TEXT).  NULL when absent. */
const char *amf_flex_field_text(const amf_flex_field *field, char *buf, size_t n);

#endif /* AMF_FLEX_H */
