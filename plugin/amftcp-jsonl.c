/* amftcp-jsonl.c
 * JSON Lines: `tshark -q -z amftcp,jsonl[,filter]` writes one JSON object
 * per message of the "amftcp" tap on standard output, as each frame is
 * dissected: the message's amf.json document, its frame, time, endpoints,
 * direction, framing, length, AMF version, status and Flex links.
 *
 * Written here rather than through `tshark -T fields`, whose escaping of
 * string fields changed after 4.0 (every backslash doubled on 4.4 and 4.6),
 * so the lines are the same bytes on every Wireshark version: times are
 * formatted here, not by Wireshark's time display, and strings go through
 * wsutil's json_dumper after invalid UTF-8 is replaced (its escaping, "</"
 * written as "<\/" included, is the same in 4.0 and in later releases'
 * sources; tests/dissection/test_jsonl.py compares the bytes).  The key
 * names are documented in README.md ("JSON") and stay stable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <wsutil/json_dumper.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet-amftcp.h"
#include "ws-compat.h"

/* The -z argument: "amftcp,jsonl", optionally ",<display filter>". */
#define JSONL_CLI "amftcp,jsonl"

/* Running listeners (one per `-z amftcp,jsonl`): while any runs,
 * amftcp-tree.c builds amf.json for every message. */
static unsigned jsonl_listeners;

bool amftcp_jsonl_active(void)
{
    return jsonl_listeners != 0 || amftcp_tap_json_wanted();
}

/* One listener: the line being built, reused from message to message
 * (lives until tshark removes the listener). */
typedef struct jsonl_state {
    GString *line;
} jsonl_state;

/* Text as a JSON string, or null; invalid UTF-8 becomes U+FFFD first
 * (json_dumper escapes but does not validate). */
static void put_string(json_dumper *d, const char *name, const char *text)
{
    json_dumper_set_member_name(d, name);
    if (!text) {
        json_dumper_value_anyf(d, "null");
    } else if (g_utf8_validate(text, -1, NULL)) {
        json_dumper_value_string(d, text);
    } else {
        char *valid = g_utf8_make_valid(text, -1);
        json_dumper_value_string(d, valid);
        g_free(valid);
    }
}

static void put_uint(json_dumper *d, const char *name, uint32_t value)
{
    json_dumper_set_member_name(d, name);
    json_dumper_value_anyf(d, "%u", value);
}

/* A frame number, null when 0 (no such frame). */
static void put_frame(json_dumper *d, const char *name, uint32_t frame)
{
    json_dumper_set_member_name(d, name);
    if (frame)
        json_dumper_value_anyf(d, "%u", frame);
    else
        json_dumper_value_anyf(d, "null");
}

/* Seconds with nine decimals, "1700000000.000123000", as a string: exact,
 * where a JSON number would be read as a double. */
static void put_seconds(json_dumper *d, const char *name, const nstime_t *t)
{
    int64_t secs = (int64_t)t->secs;
    int64_t nsecs = t->nsecs;
    /* nstime_t keeps secs and nsecs of one sign; print it once. */
    bool negative = secs < 0 || nsecs < 0;
    if (negative) {
        secs = -secs;
        nsecs = -nsecs;
    }
    json_dumper_set_member_name(d, name);
    json_dumper_value_anyf(d, "\"%s%" PRId64 ".%09" PRId64 "\"", negative ? "-" : "", secs, nsecs);
}

char *amftcp_time_utc(wmem_allocator_t *scope, const nstime_t *t)
{
    int64_t secs = (int64_t)t->secs;
    int64_t nsecs = t->nsecs;
    if (nsecs < 0) {
        secs -= 1;
        nsecs += 1000000000;
    }
    /* From 1970 to 9999, the core's date text (without GDateTime, which
     * allocates) with the nanoseconds in place of its milliseconds. */
    char ms_text[AMF_DATE_TEXT_MAX];
    if (secs >= 0 && secs <= INT64_C(253402300799) &&
        amf_format_date((double)secs * 1000.0, ms_text, sizeof ms_text) && strlen(ms_text) == 24) {
        char *text = wmem_alloc(scope, sizeof "YYYY-MM-DDTHH:MM:SS.123456789Z");
        memcpy(text, ms_text, 20);                  /* "YYYY-MM-DDTHH:MM:SS." */
        for (int i = 28; i >= 20; i--) {
            text[i] = (char)('0' + nsecs % 10);
            nsecs /= 10;
        }
        text[29] = 'Z';
        text[30] = '\0';
        return text;
    }
    GDateTime *dt = g_date_time_new_from_unix_utc(secs);
    char *date = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S") : NULL;
    char *text = date ? wmem_strdup_printf(scope, "%s.%09" PRId64 "Z", date, nsecs) : NULL;
    g_free(date);
    if (dt)
        g_date_time_unref(dt);
    return text;
}

/* ISO 8601 in UTC (amftcp_time_utc), or null outside the years 1 to 9999. */
static void put_utc(json_dumper *d, const char *name, const nstime_t *t, wmem_allocator_t *scope)
{
    json_dumper_set_member_name(d, name);
    char *text = amftcp_time_utc(scope, t);
    if (text)
        json_dumper_value_anyf(d, "\"%s\"", text);
    else
        json_dumper_value_anyf(d, "null");
}

static const char *status_name(amf_status status)
{
    switch (status) {
    case AMF_OK:          return "ok";
    case AMF_NEED_MORE:   return "incomplete";
    case AMF_MALFORMED:   return "malformed";
    case AMF_LIMIT:       return "limit";
    case AMF_UNSUPPORTED: return "unsupported";
    }
    return "unknown";
}

static void put_flex(json_dumper *d, const amftcp_tap_info *info)
{
    json_dumper_set_member_name(d, "flex");
    if (!info->flex_count) {
        json_dumper_value_anyf(d, "null");
        return;
    }
    json_dumper_begin_array(d);
    for (uint32_t i = 0; i < info->flex_count; i++) {
        const amftcp_flex_link *l = &info->flex_links[i];
        json_dumper_begin_object(d);
        put_string(d, "message", l->kind);
        put_string(d, "messageId", l->message_id);
        put_string(d, "correlationId", l->correlation_id);
        put_frame(d, "response_in", l->response_in);
        put_frame(d, "response_to", l->response_to);
        if (l->response_to) {
            put_seconds(d, "response_time", &l->response_time);
        } else {
            json_dumper_set_member_name(d, "response_time");
            json_dumper_value_anyf(d, "null");
        }
        json_dumper_end_object(d);
    }
    json_dumper_end_array(d);
}

/* The message's amf.json, already JSON and valid UTF-8 (the core writes
 * U+FFFD for what is not), as the line's last member: appended to the
 * dumper's finished "{...}\n" in place of its closing brace, so the document
 * (often most of the line) is copied once, not formatted again. */
static void put_document(GString *line, const char *json)
{
    g_string_truncate(line, line->len - 2);     /* "}\n" */
    g_string_append(line, ",\"amf\":");
    g_string_append(line, json && *json ? json : "null");
    g_string_append(line, "}\n");
}

/* One line per tap record; every key on every line, null when unknown. */
static void write_line(GString *line, packet_info *pinfo, const amftcp_tap_info *info)
{
    g_string_truncate(line, 0);
    json_dumper d;
    memset(&d, 0, sizeof d);
    d.output_string = line;

    json_dumper_begin_object(&d);
    put_uint(&d, "frame", pinfo->num);
    put_seconds(&d, "time_epoch", &pinfo->abs_ts);
    put_utc(&d, "time_utc", &pinfo->abs_ts, pinfo->pool);
    put_string(&d, "src", address_to_str(pinfo->pool, &pinfo->src));
    put_uint(&d, "srcport", pinfo->srcport);
    put_string(&d, "dst", address_to_str(pinfo->pool, &pinfo->dst));
    put_uint(&d, "dstport", pinfo->destport);
    put_string(&d, "direction", info->to_server ? "to_server" : "to_client");
    put_string(&d, "framing", info->framing);
    put_uint(&d, "length", info->length);
    put_string(&d, "amf_version", info->version);
    put_string(&d, "status", status_name(info->status));
    put_string(&d, "error", info->error);
    put_string(&d, "type", info->type);
    put_string(&d, "class", info->class_name && *info->class_name ? info->class_name : NULL);
    put_flex(&d, info);
    json_dumper_end_object(&d);
    json_dumper_finish(&d);         /* ends the line with '\n' */
    put_document(line, info->json);
}

static tap_packet_status jsonl_packet(void *tapdata, packet_info *pinfo,
                                      epan_dissect_t *edt _U_, const void *data,
                                      tap_flags_t flags _U_)
{
    jsonl_state *state = tapdata;
    write_line(state->line, pinfo, data);
    /* Each line as soon as its frame is done, for a reader on a pipe. */
    fwrite(state->line->str, 1, state->line->len, stdout);
    fflush(stdout);
    return TAP_PACKET_DONT_REDRAW;
}

static void jsonl_finish(void *tapdata)
{
    jsonl_state *state = tapdata;
    g_string_free(state->line, TRUE);
    g_free(state);
    if (jsonl_listeners)
        jsonl_listeners--;
}

static amftcp_stat_init_result jsonl_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    size_t n = strlen(JSONL_CLI);
    if (opt_arg[n] == ',') {
        filter = opt_arg + n + 1;
    } else if (opt_arg[n] != '\0') {
        fprintf(stderr, "tshark: invalid \"-z %s\" argument: use -z " JSONL_CLI
                "[,<display filter>]\n", opt_arg);
        AMFTCP_STAT_INIT_FAILED;
    }
    jsonl_state *state = g_new0(jsonl_state, 1);
    state->line = g_string_sized_new(1024);
    GString *error = register_tap_listener("amftcp", state, filter, TL_REQUIRES_NOTHING, NULL,
                                           jsonl_packet, NULL, jsonl_finish);
    if (error) {
        fprintf(stderr, "tshark: couldn't register amftcp,jsonl tap: %s\n", error->str);
        g_string_free(error, TRUE);
        g_string_free(state->line, TRUE);
        g_free(state);
        AMFTCP_STAT_INIT_FAILED;
    }
    jsonl_listeners++;
    AMFTCP_STAT_INIT_DONE;
}

static stat_tap_ui jsonl_ui = {
    REGISTER_STAT_GROUP_GENERIC,
    "AMF over TCP, JSON Lines",
    JSONL_CLI,
    jsonl_init,
    0,
    NULL
};

void amftcp_jsonl_register(void)
{
    register_stat_tap_ui(&jsonl_ui, NULL);
}
