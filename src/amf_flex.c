/* amf_flex.c
 * Flex messaging: BlazeDS message objects in a message's events.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_flex.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* A Flex message is the value itself, or an element of the array a Flash
 * Remoting request wraps its argument in: nowhere deeper. */
#define AMF_FLEX_MAX_DEPTH 1u

/* A UUID sent as bytes is exactly this long. */
#define AMF_FLEX_UUID_BYTES 16u

typedef struct flex_class {
    const char   *name;
    amf_flex_kind kind;
    bool          small;
} flex_class;

static const flex_class flex_classes[] = {
    { "flex.messaging.messages.RemotingMessage",    AMF_FLEX_REMOTING,    false },
    { "flex.messaging.messages.AcknowledgeMessage", AMF_FLEX_ACKNOWLEDGE, false },
    { "flex.messaging.messages.ErrorMessage",       AMF_FLEX_ERROR,       false },
    { "flex.messaging.messages.CommandMessage",     AMF_FLEX_COMMAND,     false },
    { "flex.messaging.messages.AsyncMessage",       AMF_FLEX_ASYNC,       false },
    { "DSK", AMF_FLEX_ACKNOWLEDGE, true },
    { "DSA", AMF_FLEX_ASYNC,       true },
    { "DSC", AMF_FLEX_COMMAND,     true },
};

static const char *const kind_names[AMF_FLEX_KIND_COUNT_] = {
    [AMF_FLEX_NONE]        = "",
    [AMF_FLEX_REMOTING]    = "RemotingMessage",
    [AMF_FLEX_ACKNOWLEDGE] = "AcknowledgeMessage",
    [AMF_FLEX_ERROR]       = "ErrorMessage",
    [AMF_FLEX_COMMAND]     = "CommandMessage",
    [AMF_FLEX_ASYNC]       = "AsyncMessage",
};

const char *amf_flex_kind_name(amf_flex_kind kind)
{
    return kind > AMF_FLEX_NONE && kind < AMF_FLEX_KIND_COUNT_ ? kind_names[kind] : "";
}

/* flex.messaging.messages.CommandMessage operation codes. */
static const char *const command_names[] = {
    [0] = "subscribe", [1] = "unsubscribe", [2] = "poll", [4] = "client sync",
    [5] = "client ping", [7] = "cluster request", [8] = "login", [9] = "logout",
    [10] = "subscription invalidate", [11] = "multi-subscribe", [12] = "disconnect",
    [13] = "trigger connect",
};

const char *amf_flex_command_name(int32_t operation)
{
    if (operation == 10000)
        return "unknown operation";
    if (operation < 0 || (size_t)operation >= sizeof command_names / sizeof *command_names)
        return NULL;
    return command_names[operation];
}

static bool str_is(amf_str s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.ptr, text, n) == 0;
}

void amf_flex_init(amf_flex *f)
{
    memset(f, 0, sizeof *f);
}

static const flex_class *find_class(amf_str name)
{
    for (size_t i = 0; i < sizeof flex_classes / sizeof *flex_classes; i++) {
        if (str_is(name, flex_classes[i].name))
            return &flex_classes[i];
    }
    return NULL;
}

static void take_text(amf_flex_field *field, const amf_event *ev)
{
    if (ev->type != AMF_TYPE_STRING || !ev->str.ptr)
        return;
    field->present = true;
    field->uuid_bytes = false;
    field->str = ev->str;
    field->offset = ev->data_offset;
    field->length = ev->data_length;
}

static void take_uuid(amf_flex_field *field, const amf_event *ev)
{
    if (ev->type != AMF_TYPE_BYTE_ARRAY || !ev->str.ptr || ev->str.len != AMF_FLEX_UUID_BYTES ||
        (field->present && !field->uuid_bytes))
        return;
    field->present = true;
    field->uuid_bytes = true;
    field->str = ev->str;
    field->offset = ev->offset;
    field->length = ev->length;
}

/* A direct member of the open message: keep the ones of interest. */
static void member(amf_flex_message *m, const amf_event *ev)
{
    amf_str n = ev->name;
    if (str_is(n, "operation")) {
        if (ev->type == AMF_TYPE_STRING) {
            take_text(&m->operation, ev);
        } else if (ev->type == AMF_TYPE_INTEGER ||
                   (ev->type == AMF_TYPE_NUMBER && ev->number >= INT32_MIN &&
                    ev->number <= INT32_MAX)) {
            /* A Number that no int holds (or NaN) is no command code. */
            m->has_command = true;
            m->command = ev->type == AMF_TYPE_INTEGER ? ev->integer : (int32_t)ev->number;
            m->command_offset = ev->offset;
            m->command_length = ev->length;
        }
    } else if (str_is(n, "destination")) {
        take_text(&m->destination, ev);
    } else if (str_is(n, "source")) {
        take_text(&m->source, ev);
    } else if (str_is(n, "messageId")) {
        take_text(&m->message_id, ev);
    } else if (str_is(n, "messageIdBytes")) {
        take_uuid(&m->message_id, ev);
    } else if (str_is(n, "correlationId")) {
        take_text(&m->correlation_id, ev);
    } else if (str_is(n, "correlationIdBytes")) {
        take_uuid(&m->correlation_id, ev);
    } else if (str_is(n, "clientId")) {
        take_text(&m->client_id, ev);
    } else if (str_is(n, "clientIdBytes")) {
        take_uuid(&m->client_id, ev);
    } else if (str_is(n, "faultCode")) {
        take_text(&m->fault_code, ev);
    } else if (str_is(n, "faultString")) {
        take_text(&m->fault_string, ev);
    }
}

void amf_flex_event(amf_flex *f, const amf_event *ev)
{
    if (f->count >= AMF_FLEX_MAX_MESSAGES)
        return;
    amf_flex_message *m = &f->messages[f->count];
    switch (ev->kind) {
    case AMF_EV_BEGIN:
        if (f->open) {
            if (ev->depth == f->open_depth + 1 && ev->role == AMF_ROLE_MEMBER)
                member(m, ev);
            return;
        }
        if (ev->type != AMF_TYPE_OBJECT || ev->depth > AMF_FLEX_MAX_DEPTH)
            return;
        {
            const flex_class *c = find_class(ev->class_name);
            if (!c)
                return;
            memset(m, 0, sizeof *m);
            m->kind = c->kind;
            m->small = c->small;
            m->class_name = ev->class_name;
            m->offset = ev->offset;
            f->open = true;
            f->open_depth = ev->depth;
        }
        return;
    case AMF_EV_SCALAR:
    case AMF_EV_REFERENCE:
        if (f->open && ev->depth == f->open_depth + 1 && ev->role == AMF_ROLE_MEMBER)
            member(m, ev);
        return;
    case AMF_EV_END:
        if (f->open && ev->depth == f->open_depth) {
            m->length = ev->length;
            f->open = false;
            f->count++;
        }
        return;
    default:
        return;
    }
}

const char *amf_flex_field_text(const amf_flex_field *field, char *buf, size_t n)
{
    if (!field->present)
        return NULL;
    if (!field->uuid_bytes) {
        size_t len = field->str.len < n - 1 ? field->str.len : n - 1;
        memcpy(buf, field->str.ptr, len);
        buf[len] = '\0';
        return buf;
    }
    const uint8_t *b = (const uint8_t *)field->str.ptr;
    snprintf(buf, n, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return buf;
}
