/* amf_envelope.c
 * Request/response roles of the messages of an AMF packet envelope.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_envelope.h"

#include <string.h>

static const char SUFFIX_RESULT[] = "/onResult";
static const char SUFFIX_STATUS[] = "/onStatus";

const char *amf_envelope_role_name(amf_envelope_role role)
{
    switch (role) {
    case AMF_ENVELOPE_REQUEST: return "request";
    case AMF_ENVELOPE_RESULT:  return "result";
    case AMF_ENVELOPE_STATUS:  return "status";
    default:                   return "other";
    }
}

static bool ends_with(amf_str s, const char *suffix, size_t n)
{
    return s.len > n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

/* "null" is what Flash Player writes as the response URI of a response
 * (and as the target of a Flex message request). */
static bool is_null_uri(amf_str s)
{
    return s.len == 0 || (s.len == 4 && memcmp(s.ptr, "null", 4) == 0);
}

amf_envelope_role amf_envelope_classify(amf_str target, amf_str response, amf_str *request_uri)
{
    request_uri->ptr = "";
    request_uri->len = 0;
    amf_envelope_role role = AMF_ENVELOPE_OTHER;
    size_t n = 0;
    if (ends_with(target, SUFFIX_RESULT, strlen(SUFFIX_RESULT))) {
        role = AMF_ENVELOPE_RESULT;
        n = strlen(SUFFIX_RESULT);
    } else if (ends_with(target, SUFFIX_STATUS, strlen(SUFFIX_STATUS))) {
        role = AMF_ENVELOPE_STATUS;
        n = strlen(SUFFIX_STATUS);
    }
    if (role != AMF_ENVELOPE_OTHER) {
        request_uri->ptr = target.ptr;
        request_uri->len = target.len - (uint32_t)n;
        return role;
    }
    if (!is_null_uri(response)) {
        *request_uri = response;
        return AMF_ENVELOPE_REQUEST;
    }
    return AMF_ENVELOPE_OTHER;
}

void amf_envelope_init(amf_envelope *e)
{
    memset(e, 0, sizeof *e);
}

void amf_envelope_event(amf_envelope *e, const amf_event *ev)
{
    if (ev->kind == AMF_EV_PART_BEGIN && ev->part == AMF_PART_MESSAGE) {
        e->seen++;
        if (e->count >= AMF_ENVELOPE_MAX_MESSAGES)
            return;
        amf_envelope_message *m = &e->messages[e->count];
        memset(m, 0, sizeof *m);
        m->target = ev->name;
        m->response = ev->str;
        m->role = amf_envelope_classify(ev->name, ev->str, &m->key);
        m->offset = ev->offset;
        m->length = ev->length;
        e->open = true;
    } else if (ev->kind == AMF_EV_PART_END && ev->part == AMF_PART_MESSAGE && e->open) {
        /* A message cut by an error is kept too: its URIs were read. */
        e->messages[e->count].length = ev->length;
        e->count++;
        e->open = false;
    }
}

static void envelope_sink(void *user, const amf_event *ev)
{
    amf_envelope_event(user, ev);
}

amf_status amf_envelope_scan(const amf_config *cfg, const uint8_t *buf, size_t len,
                             amf_envelope *e)
{
    amf_envelope_init(e);
    amf_config c = *cfg;
    c.sink = envelope_sink;
    c.user = e;
    c.stop = NULL;
    amf_result res;
    amf_status st = amf_decode_packet(&c, buf, len, true, &res);
    /* A PART_BEGIN without its PART_END (a decode stopped inside it). */
    if (e->open) {
        e->count++;
        e->open = false;
    }
    return st;
}
