/* fuzz_check.c
 * The checking sink, result checks, value and JSON drivers and the JSON
 * validator shared by the fuzz targets (see fuzz_check.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz_check.h"

#if defined(__has_include)
#if __has_include("amf_flex.h")
#include "amf_flex.h"
#define FZ_HAVE_FLEX 1
#endif
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

uint32_t fz_hash(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    return h ^ (uint32_t)size;
}

amf_status fz_decode(fz_kind kind, const amf_config *cfg, const uint8_t *buf, size_t len,
                     bool complete, amf_result *res)
{
    switch (kind) {
    case FZ_AMF3:   return amf_decode(cfg, AMF_VERSION_3, buf, len, complete, res);
    case FZ_AMF0:   return amf_decode(cfg, AMF_VERSION_0, buf, len, complete, res);
    case FZ_PACKET: return amf_decode_packet(cfg, buf, len, complete, res);
    }
    abort();
}

static const char *const kind_names[] = {
    "SCALAR", "BEGIN", "END", "REFERENCE", "TRAITS", "FLAGS", "WARNING", "ERROR",
    "PACKET_BEGIN", "PART_BEGIN", "PART_END", "PACKET_COUNT", "PACKET_END",
};

/* ---- the checking sink ----------------------------------------------- */

void fz_check_init(fz_check *c, const uint8_t *buf, size_t len, bool packet)
{
    memset(c, 0, sizeof *c);
    c->buf = buf;
    c->len = len;
    c->packet = packet;
}

/* Read every byte of s; a string inside the buffer must end inside it too
 * (strings outside it are the core's static text). */
static void touch_str(fz_check *c, amf_str s, const char *what, const amf_event *ev)
{
    if (s.len == 0)
        return;
    FZ_REQUIRE(s.ptr != NULL, "%s event at offset %u: %s has length %u and no pointer",
               kind_names[ev->kind], ev->offset, what, s.len);
    const uint8_t *p = (const uint8_t *)s.ptr;
    if (p >= c->buf && p < c->buf + c->len)
        FZ_REQUIRE((size_t)(p - c->buf) + s.len <= c->len,
                   "%s event at offset %u: %s [%zu, +%u) runs past the buffer (%zu bytes)",
                   kind_names[ev->kind], ev->offset, what, (size_t)(p - c->buf), s.len, c->len);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < s.len; i++)
        sum += p[i];
    c->touched += sum;
}

static void touch_text(fz_check *c, const char *text)
{
    size_t n = strlen(text);
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)text[i];
    c->touched += sum;
}

/* [offset, offset+length) lies inside the buffer. */
static void check_span(const fz_check *c, const amf_event *ev, uint32_t offset, uint32_t length,
                       const char *what)
{
    FZ_REQUIRE((uint64_t)offset + length <= c->len,
               "%s event at offset %u: %s span [%u, +%u) runs past the buffer (%zu bytes)",
               kind_names[ev->kind], ev->offset, what, offset, length, c->len);
    /* Read it: a span is what the plugin highlights. */
    uint32_t sum = 0;
    for (uint32_t i = 0; i < length; i++)
        sum += c->buf[offset + i];
    ((fz_check *)c)->touched += sum;
}

static bool role_fits(amf_role role, const fz_open *parent, bool packet)
{
    if (!parent || parent->kind == AMF_EV_PART_BEGIN)
        return packet ? role == AMF_ROLE_BODY : role == AMF_ROLE_TOP;
    switch (parent->type) {
    case AMF_TYPE_OBJECT:
        return role == AMF_ROLE_MEMBER || role == AMF_ROLE_EXTERNAL;
    case AMF_TYPE_ECMA_ARRAY:
        return role == AMF_ROLE_MEMBER;
    case AMF_TYPE_ARRAY:
        return role == AMF_ROLE_ELEMENT || role == AMF_ROLE_MEMBER;
    case AMF_TYPE_VECTOR_INT:
    case AMF_TYPE_VECTOR_UINT:
    case AMF_TYPE_VECTOR_NUMBER:
    case AMF_TYPE_VECTOR_OBJECT:
        return role == AMF_ROLE_ELEMENT;
    case AMF_TYPE_DICTIONARY:
        return role == AMF_ROLE_DICT_KEY || role == AMF_ROLE_DICT_VALUE;
    default:
        return false;
    }
}

static const fz_open *innermost_begin(const fz_check *c)
{
    for (uint32_t i = c->n_open; i > 0; i--) {
        if (c->open[i - 1].kind == AMF_EV_BEGIN)
            return &c->open[i - 1];
        if (c->open[i - 1].kind == AMF_EV_PART_BEGIN)
            return &c->open[i - 1];
    }
    return NULL;
}

/* SCALAR, BEGIN, REFERENCE: a value in its slot. */
static void check_value(fz_check *c, const amf_event *ev)
{
    const char *k = kind_names[ev->kind];
    FZ_REQUIRE(ev->type > 0 && ev->type < AMF_TYPE_COUNT_, "%s at %u: type %d out of range",
               k, ev->offset, (int)ev->type);
    FZ_REQUIRE(ev->version == AMF_VERSION_0 || ev->version == AMF_VERSION_3,
               "%s at %u: version %d", k, ev->offset, (int)ev->version);
    FZ_REQUIRE(ev->depth == c->containers, "%s at %u: depth %u, but %u containers are open",
               k, ev->offset, ev->depth, c->containers);
    FZ_REQUIRE(role_fits(ev->role, innermost_begin(c), c->packet),
               "%s at %u: role %d does not fit its parent", k, ev->offset, (int)ev->role);
    FZ_REQUIRE(ev->length >= 1, "%s at %u: empty value span", k, ev->offset);
    check_span(c, ev, ev->offset, ev->length, "value");
    if (ev->kind != AMF_EV_BEGIN) {
        check_span(c, ev, ev->data_offset, ev->data_length, "data");
        FZ_REQUIRE(ev->data_offset >= ev->offset &&
                   (uint64_t)ev->data_offset + ev->data_length <= (uint64_t)ev->offset + ev->length,
                   "%s at %u+%u: data span [%u, +%u) outside the value", k, ev->offset,
                   ev->length, ev->data_offset, ev->data_length);
    }
    if (ev->role == AMF_ROLE_MEMBER)
        FZ_REQUIRE(ev->name.ptr != NULL, "%s at %u: member without a name", k, ev->offset);
    touch_str(c, ev->name, "name", ev);
    if (ev->name_length) {
        check_span(c, ev, ev->name_offset, ev->name_length, "name");
        FZ_REQUIRE((uint64_t)ev->name_offset + ev->name_length <= ev->offset,
                   "%s at %u: name span [%u, +%u) overlaps the value", k, ev->offset,
                   ev->name_offset, ev->name_length);
    }
    touch_str(c, ev->str, "str", ev);
    touch_str(c, ev->class_name, "class name", ev);
    touch_str(c, ev->element_type, "element type", ev);
    if (ev->kind == AMF_EV_SCALAR && ev->str.len && !(ev->flags & AMF_F_STRING_REF) &&
        (ev->type == AMF_TYPE_STRING || ev->type == AMF_TYPE_XML ||
         ev->type == AMF_TYPE_XML_DOCUMENT || ev->type == AMF_TYPE_BYTE_ARRAY))
        FZ_REQUIRE((const uint8_t *)ev->str.ptr == c->buf + ev->data_offset &&
                   ev->str.len == ev->data_length,
                   "%s at %u: text is not its data span", k, ev->offset);
}

/* Node ids seen on values (the table entries a reference may name). */
typedef struct fz_node {
    amf_type type;
    uint32_t offset;
    bool     seen;
} fz_node;

static fz_node *nodes;
static size_t   nodes_cap;

static void note_node(const amf_event *ev)
{
    if (!ev->node)
        return;
    if (ev->node >= nodes_cap) {
        size_t cap = nodes_cap ? nodes_cap : 256;
        while (cap <= ev->node)
            cap *= 2;
        fz_node *p = realloc(nodes, cap * sizeof *p);
        if (!p)
            abort();
        memset(p + nodes_cap, 0, (cap - nodes_cap) * sizeof *p);
        nodes = p;
        nodes_cap = cap;
    }
    FZ_REQUIRE(!nodes[ev->node].seen, "%s at %u: node %u was already given to the value at %u",
               kind_names[ev->kind], ev->offset, ev->node, nodes[ev->node].offset);
    nodes[ev->node].seen = true;
    nodes[ev->node].type = ev->type;
    nodes[ev->node].offset = ev->offset;
}

static void forget_nodes(void)
{
    if (nodes)
        memset(nodes, 0, nodes_cap * sizeof *nodes);
}

static void push_open(fz_check *c, const amf_event *ev)
{
    FZ_REQUIRE(c->n_open < FZ_MAX_OPEN, "more than %u containers open", FZ_MAX_OPEN);
    fz_open *o = &c->open[c->n_open++];
    o->kind = ev->kind;
    o->type = ev->type;
    o->offset = ev->offset;
    o->depth = ev->depth;
    o->node = ev->node;
    if (ev->kind == AMF_EV_BEGIN)
        c->containers++;
}

static void check_event(fz_check *c, const amf_event *ev)
{
    FZ_REQUIRE(ev->kind >= AMF_EV_SCALAR && ev->kind <= AMF_EV_PACKET_END, "event kind %d",
               (int)ev->kind);
    const char *k = kind_names[ev->kind];
    c->events++;
    FZ_REQUIRE(!c->packet_ended, "%s after PACKET_END", k);
    if (c->error_seen)
        FZ_REQUIRE(ev->kind == AMF_EV_END || ev->kind == AMF_EV_PART_END ||
                   ev->kind == AMF_EV_PACKET_END,
                   "%s at %u after the ERROR event", k, ev->offset);
    if (!c->packet)
        FZ_REQUIRE(ev->kind < AMF_EV_PACKET_BEGIN, "%s from amf_decode", k);

    switch (ev->kind) {
    case AMF_EV_SCALAR:
        check_value(c, ev);
        note_node(ev);
        break;
    case AMF_EV_BEGIN:
        check_value(c, ev);
        note_node(ev);
        push_open(c, ev);
        break;
    case AMF_EV_END: {
        FZ_REQUIRE(c->n_open && c->open[c->n_open - 1].kind == AMF_EV_BEGIN,
                   "END at %u without an open container", ev->offset);
        fz_open *o = &c->open[--c->n_open];
        c->containers--;
        FZ_REQUIRE(ev->offset == o->offset && ev->type == o->type && ev->depth == o->depth &&
                   ev->node == o->node,
                   "END (offset %u type %d depth %u node %u) does not match its BEGIN "
                   "(offset %u type %d depth %u node %u)", ev->offset, (int)ev->type, ev->depth,
                   ev->node, o->offset, (int)o->type, o->depth, o->node);
        check_span(c, ev, ev->offset, ev->length, "container");
        if (ev->end_length) {
            check_span(c, ev, ev->end_offset, ev->end_length, "end marker");
            FZ_REQUIRE(ev->end_offset >= ev->offset &&
                       (uint64_t)ev->end_offset + ev->end_length <=
                           (uint64_t)ev->offset + ev->length,
                       "END at %u+%u: end marker [%u, +%u) outside the container", ev->offset,
                       ev->length, ev->end_offset, ev->end_length);
        }
        touch_str(c, ev->name, "name", ev);
        touch_str(c, ev->class_name, "class name", ev);
        touch_str(c, ev->element_type, "element type", ev);
        break;
    }
    case AMF_EV_REFERENCE:
        check_value(c, ev);
        FZ_REQUIRE(ev->node != 0, "REFERENCE at %u without a target node", ev->offset);
        FZ_REQUIRE(ev->target_offset < ev->offset, "REFERENCE at %u: target at %u is not before it",
                   ev->offset, ev->target_offset);
        FZ_REQUIRE(ev->node < nodes_cap && nodes[ev->node].seen,
                   "REFERENCE at %u: node %u never appeared on a value", ev->offset, ev->node);
        FZ_REQUIRE(nodes[ev->node].offset == ev->target_offset &&
                   nodes[ev->node].type == ev->type,
                   "REFERENCE at %u: node %u is the %d at %u, the event says %d at %u",
                   ev->offset, ev->node, (int)nodes[ev->node].type, nodes[ev->node].offset,
                   (int)ev->type, ev->target_offset);
        if (ev->flags & AMF_F_CYCLE) {
            bool ancestor = false;
            for (uint32_t i = 0; i < c->n_open; i++)
                ancestor |= c->open[i].kind == AMF_EV_BEGIN && c->open[i].node == ev->node;
            FZ_REQUIRE(ancestor, "REFERENCE at %u: cycle to node %u, which is not open",
                       ev->offset, ev->node);
        } else {
            FZ_REQUIRE(ev->target_length > 0 &&
                       (uint64_t)ev->target_offset + ev->target_length <= ev->offset,
                       "REFERENCE at %u: closed target [%u, +%u) does not end before it",
                       ev->offset, ev->target_offset, ev->target_length);
        }
        break;
    case AMF_EV_TRAITS:
        FZ_REQUIRE(c->n_open && c->open[c->n_open - 1].kind == AMF_EV_BEGIN &&
                   c->open[c->n_open - 1].type == AMF_TYPE_OBJECT,
                   "TRAITS at %u outside an object", ev->offset);
        FZ_REQUIRE(ev->depth == c->containers, "TRAITS at %u: depth %u, %u open", ev->offset,
                   ev->depth, c->containers);
        check_span(c, ev, ev->offset, ev->length, "traits");
        touch_str(c, ev->class_name, "class name", ev);
        FZ_REQUIRE(ev->sealed_count == 0 || ev->sealed != NULL,
                   "TRAITS at %u: %u sealed names and no array", ev->offset, ev->sealed_count);
        for (uint32_t i = 0; i < ev->sealed_count; i++) {
            touch_str(c, ev->sealed[i].name, "sealed name", ev);
            check_span(c, ev, ev->sealed[i].offset, ev->sealed[i].length, "sealed name");
        }
        break;
    case AMF_EV_FLAGS:
        FZ_REQUIRE(c->n_open && c->open[c->n_open - 1].kind == AMF_EV_BEGIN &&
                   c->open[c->n_open - 1].type == AMF_TYPE_OBJECT,
                   "FLAGS at %u outside an object", ev->offset);
        check_span(c, ev, ev->offset, ev->length, "flags");
        FZ_REQUIRE(ev->uinteger == c->buf[ev->offset], "FLAGS at %u: value is not the byte",
                   ev->offset);
        touch_str(c, ev->name, "level name", ev);
        break;
    case AMF_EV_WARNING:
        FZ_REQUIRE(ev->error >= AMF_WARN_FIRST_ && ev->error < AMF_ERROR_COUNT_,
                   "WARNING at %u: code %d is not a warning", ev->offset, (int)ev->error);
        FZ_REQUIRE(ev->message != NULL, "WARNING at %u without a message", ev->offset);
        FZ_REQUIRE(ev->depth == c->containers, "WARNING at %u: depth %u, %u open", ev->offset,
                   ev->depth, c->containers);
        touch_text(c, ev->message);
        touch_text(c, amf_error_name(ev->error));
        check_span(c, ev, ev->offset, ev->length, "warning");
        break;
    case AMF_EV_ERROR:
        FZ_REQUIRE(!c->error_seen, "a second ERROR event at %u", ev->offset);
        c->error_seen = true;
        FZ_REQUIRE(ev->error > AMF_ERR_NONE && ev->error < AMF_WARN_FIRST_,
                   "ERROR at %u: code %d is not an error", ev->offset, (int)ev->error);
        FZ_REQUIRE(ev->status > AMF_OK && ev->status <= AMF_UNSUPPORTED,
                   "ERROR at %u: status %d", ev->offset, (int)ev->status);
        FZ_REQUIRE(ev->message != NULL, "ERROR at %u without a message", ev->offset);
        FZ_REQUIRE(ev->depth == c->containers, "ERROR at %u: depth %u, %u open", ev->offset,
                   ev->depth, c->containers);
        touch_text(c, ev->message);
        touch_text(c, amf_error_name(ev->error));
        touch_str(c, ev->name, "name", ev);
        check_span(c, ev, ev->offset, ev->length, "error");
        break;
    case AMF_EV_PACKET_BEGIN:
        FZ_REQUIRE(c->events == 1, "PACKET_BEGIN is event %u", c->events);
        FZ_REQUIRE(ev->offset == 0 && ev->length == 4, "PACKET_BEGIN span [%u, +%u)", ev->offset,
                   ev->length);
        check_span(c, ev, ev->offset, ev->length, "packet header");
        c->packet_begun = true;
        break;
    case AMF_EV_PACKET_COUNT:
        FZ_REQUIRE(c->packet_begun && c->n_open == 0, "PACKET_COUNT at %u out of place",
                   ev->offset);
        check_span(c, ev, ev->offset, ev->length, "message count");
        break;
    case AMF_EV_PART_BEGIN:
        FZ_REQUIRE(c->packet_begun && c->n_open == 0, "PART_BEGIN at %u out of place", ev->offset);
        FZ_REQUIRE(ev->part == AMF_PART_HEADER || ev->part == AMF_PART_MESSAGE,
                   "PART_BEGIN at %u: part %d", ev->offset, (int)ev->part);
        check_span(c, ev, ev->offset, ev->length, "part header");
        check_span(c, ev, ev->name_offset, ev->name_length, "part name");
        check_span(c, ev, ev->str_offset, ev->str_length, "response URI");
        check_span(c, ev, ev->data_offset, ev->data_length, "part length");
        touch_str(c, ev->name, "part name", ev);
        touch_str(c, ev->str, "response URI", ev);
        push_open(c, ev);
        break;
    case AMF_EV_PART_END: {
        FZ_REQUIRE(c->n_open == 1 && c->open[0].kind == AMF_EV_PART_BEGIN,
                   "PART_END at %u: %u open, not one part", ev->offset, c->n_open);
        FZ_REQUIRE(ev->offset == c->open[0].offset, "PART_END at %u for the part at %u",
                   ev->offset, c->open[0].offset);
        check_span(c, ev, ev->offset, ev->length, "part");
        c->n_open = 0;
        break;
    }
    case AMF_EV_PACKET_END:
        FZ_REQUIRE(c->n_open == 0, "PACKET_END with %u open", c->n_open);
        check_span(c, ev, ev->offset, ev->length, "packet");
        c->packet_ended = true;
        break;
    }
}

void fz_check_event(void *user, const amf_event *ev)
{
    fz_check *c = user;
    check_event(c, ev);
    if (c->stop_after && c->events >= c->stop_after)
        c->stop = true;
    if (c->next)
        c->next(c->next_user, ev);
}

void fz_check_result(const fz_check *c, const amf_result *res, size_t len, bool complete,
                     bool with_sink)
{
    FZ_REQUIRE(res->status >= AMF_OK && res->status <= AMF_UNSUPPORTED, "status %d",
               (int)res->status);
    FZ_REQUIRE(res->length <= len, "result length %u past the buffer (%zu bytes)", res->length,
               len);
    FZ_REQUIRE(memchr(res->message, 0, sizeof res->message) != NULL, "message not terminated");
    if (complete)
        FZ_REQUIRE(res->status != AMF_NEED_MORE, "NEED_MORE from a complete buffer");
    if (res->status == AMF_NEED_MORE)
        FZ_REQUIRE(res->need >= 1, "NEED_MORE asking for 0 bytes");
    if (res->status == AMF_OK)
        FZ_REQUIRE(res->error == AMF_ERR_NONE, "OK with error %d", (int)res->error);
    else
        FZ_REQUIRE(res->error > AMF_ERR_NONE && res->error < AMF_WARN_FIRST_,
                   "status %d with error code %d", (int)res->status, (int)res->error);
    if (!with_sink)
        return;
    FZ_REQUIRE(c->n_open == 0, "%u containers or parts never ended", c->n_open);
    if (c->packet)
        FZ_REQUIRE(c->packet_ended, "no PACKET_END");
    if (res->status == AMF_OK)
        FZ_REQUIRE(!c->error_seen, "an ERROR event, and the result is OK");
    else
        FZ_REQUIRE(c->error_seen, "status %d (%s), and no ERROR event", (int)res->status,
                   res->message);
}

/* ---- value driver ---------------------------------------------------- */

static void *failing_realloc(void *ctx, void *ptr, size_t size)
{
    fz_failing_alloc *s = ctx;
    if (s->calls++ >= s->fail_from)
        return NULL;
    return realloc(ptr, size);
}

static void failing_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

amf_allocator fz_failing_allocator(fz_failing_alloc *state, uint32_t fail_from)
{
    state->calls = 0;
    state->fail_from = fail_from;
    amf_allocator a = { failing_realloc, failing_free, state };
    return a;
}

/* One decode through the checking sink; returns the result. */
static void checked_decode(fz_kind kind, amf_config *cfg, const uint8_t *buf, size_t len,
                           bool complete, uint32_t stop_after, amf_result *res)
{
    fz_check c;
    fz_check_init(&c, buf, len, kind == FZ_PACKET);
    c.stop_after = stop_after;
    forget_nodes();
    cfg->sink = fz_check_event;
    cfg->user = &c;
    cfg->stop = stop_after ? &c.stop : NULL;
    fz_decode(kind, cfg, buf, len, complete, res);
    fz_check_result(&c, res, len, complete, true);
    cfg->sink = NULL;
    cfg->user = NULL;
    cfg->stop = NULL;
}

/* With and without a sink, a decode must reach the same verdict.  Two
 * NEED_MOREs may differ in where and how much: each is a lower bound, and
 * check_prefix() holds both to the real value. */
static void same_result(const amf_result *a, const amf_result *b, const char *what)
{
    if (a->status == AMF_NEED_MORE && b->status == AMF_NEED_MORE)
        return;
    FZ_REQUIRE(a->status == b->status && a->length == b->length && a->need == b->need,
               "%s: with events status %d length %u need %u, without: status %d length %u "
               "need %u", what, (int)a->status, a->length, a->need, (int)b->status, b->length,
               b->need);
}

/* A copy of buf[0, n) in its own allocation, so a read past n is caught. */
uint8_t *fz_exact_copy(const uint8_t *buf, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        abort();
    if (n)
        memcpy(p, buf, n);
    return p;
}

/* A value that decodes to length L from a stream: every shorter prefix of it
 * must ask for more, and never for more than the value still lacks. */
static void check_prefix(fz_kind kind, const uint8_t *data, uint32_t whole, uint32_t k)
{
    uint8_t *p = fz_exact_copy(data, k);
    amf_config cfg;
    amf_config_init(&cfg);
    amf_result res;
    fz_decode(kind, &cfg, p, k, false, &res);
    fz_check_result(NULL, &res, k, false, false);
    FZ_REQUIRE(res.status == AMF_NEED_MORE,
               "the first %u bytes of a %u-byte value: status %d (%s), not NEED_MORE", k, whole,
               (int)res.status, res.message);
    FZ_REQUIRE((uint64_t)k + res.need <= whole,
               "the first %u bytes of a %u-byte value ask for %u more bytes (%s)", k, whole,
               res.need, res.message);
    checked_decode(kind, &cfg, p, k, false, 0, &res);
    FZ_REQUIRE(res.status == AMF_NEED_MORE && (uint64_t)k + res.need <= whole,
               "with events, the first %u bytes of a %u-byte value: status %d need %u (%s)", k,
               whole, (int)res.status, res.need, res.message);
    free(p);
}

void fz_run_value(fz_kind kind, const uint8_t *data, size_t size)
{
    uint32_t h = fz_hash(data, size);
    amf_config cfg;
    amf_result with, without;

    /* As the plugin decodes a framed message: complete, limited to itself. */
    amf_config_init(&cfg);
    cfg.max_message = (uint32_t)size;
    checked_decode(kind, &cfg, data, size, true, 0, &with);
    fz_decode(kind, &cfg, data, size, true, &without);
    fz_check_result(NULL, &without, size, true, false);
    same_result(&with, &without, "complete");

    /* As framing measures a stream: more bytes may follow. */
    amf_config_init(&cfg);
    checked_decode(kind, &cfg, data, size, false, 0, &with);
    fz_decode(kind, &cfg, data, size, false, &without);
    fz_check_result(NULL, &without, size, false, false);
    same_result(&with, &without, "streaming");

    if (with.status == AMF_OK && with.length > 1) {
        check_prefix(kind, data, with.length, with.length - 1);
        check_prefix(kind, data, with.length, h % with.length);
        /* The value alone, complete, decodes the same. */
        uint8_t *p = fz_exact_copy(data, with.length);
        amf_result alone;
        amf_config_init(&cfg);
        checked_decode(kind, &cfg, p, with.length, true, 0, &alone);
        FZ_REQUIRE(alone.status == AMF_OK && alone.length == with.length,
                   "a %u-byte value from a stream, decoded alone: status %d length %u (%s)",
                   with.length, (int)alone.status, alone.length, alone.message);
        free(p);
    }

    /* Low limits: depth, message size. */
    amf_config_init(&cfg);
    cfg.max_depth = 1 + (h >> 8) % 4;
    checked_decode(kind, &cfg, data, size, true, 0, &with);
    fz_decode(kind, &cfg, data, size, true, &without);
    same_result(&with, &without, "low depth limit");
    amf_config_init(&cfg);
    cfg.max_message = (h >> 12) % (size + 1);
    checked_decode(kind, &cfg, data, size, false, 0, &with);
    fz_decode(kind, &cfg, data, size, false, &without);
    same_result(&with, &without, "low message limit");

    /* A sink that stops the decode early. */
    amf_config_init(&cfg);
    checked_decode(kind, &cfg, data, size, true, 1 + (h >> 16) % 16, &with);

    /* An allocator that runs out. */
    fz_failing_alloc fa;
    amf_config_init(&cfg);
    cfg.alloc = fz_failing_allocator(&fa, (h >> 20) % 6);
    checked_decode(kind, &cfg, data, size, true, 0, &with);
}

/* ---- JSON driver ----------------------------------------------------- */

/* The consumers the plugin feeds from one decode: amf.json and the Flex
 * message collector. */
typedef struct fz_consumers {
    amf_json *json;
#ifdef FZ_HAVE_FLEX
    amf_flex flex;
#endif
} fz_consumers;

static void consumers_event(void *user, const amf_event *ev)
{
    fz_consumers *k = user;
    amf_json_event(k->json, ev);
#ifdef FZ_HAVE_FLEX
    amf_flex_event(&k->flex, ev);
#endif
}

#ifdef FZ_HAVE_FLEX
static void check_flex_field(const fz_check *c, const amf_flex_field *f, const char *what)
{
    if (!f->present)
        return;
    FZ_REQUIRE((uint64_t)f->offset + f->length <= c->len, "Flex %s span [%u, +%u) past %zu bytes",
               what, f->offset, f->length, c->len);
    if (f->uuid_bytes)
        FZ_REQUIRE(f->str.len == 16, "Flex %s: UUID of %u bytes", what, f->str.len);
    amf_event dummy;
    memset(&dummy, 0, sizeof dummy);
    touch_str((fz_check *)c, f->str, what, &dummy);
    char buf[AMF_FLEX_UUID_TEXT];
    const char *text = amf_flex_field_text(f, buf, sizeof buf);
    if (text && f->uuid_bytes)
        FZ_REQUIRE(strlen(text) == AMF_FLEX_UUID_TEXT - 1, "Flex %s: UUID text '%s'", what, text);
}

/* What the collector found points into the message. */
static void check_flex(const fz_check *c, const amf_flex *f)
{
    FZ_REQUIRE(f->count <= AMF_FLEX_MAX_MESSAGES, "Flex: %u messages", f->count);
    for (uint32_t i = 0; i < f->count; i++) {
        const amf_flex_message *m = &f->messages[i];
        FZ_REQUIRE(m->kind > AMF_FLEX_NONE && m->kind < AMF_FLEX_KIND_COUNT_, "Flex kind %d",
                   (int)m->kind);
        FZ_REQUIRE(amf_flex_kind_name(m->kind) != NULL, "Flex kind %d has no name", (int)m->kind);
        FZ_REQUIRE((uint64_t)m->offset + m->length <= c->len,
                   "Flex message span [%u, +%u) past %zu bytes", m->offset, m->length, c->len);
        amf_event dummy;
        memset(&dummy, 0, sizeof dummy);
        touch_str((fz_check *)c, m->class_name, "Flex class", &dummy);
        check_flex_field(c, &m->operation, "operation");
        check_flex_field(c, &m->destination, "destination");
        check_flex_field(c, &m->source, "source");
        check_flex_field(c, &m->message_id, "messageId");
        check_flex_field(c, &m->correlation_id, "correlationId");
        check_flex_field(c, &m->client_id, "clientId");
        check_flex_field(c, &m->fault_code, "faultCode");
        check_flex_field(c, &m->fault_string, "faultString");
        if (m->has_command) {
            FZ_REQUIRE((uint64_t)m->command_offset + m->command_length <= c->len,
                       "Flex command span [%u, +%u) past %zu bytes", m->command_offset,
                       m->command_length, c->len);
            const char *name = amf_flex_command_name(m->command);
            if (name)
                touch_text((fz_check *)c, name);
        }
    }
}
#endif

void fz_run_json(fz_kind kind, const uint8_t *data, size_t size, uint32_t max_depth,
                 const amf_allocator *alloc)
{
    amf_config cfg;
    amf_config_init(&cfg);
    cfg.max_message = (uint32_t)size;
    if (max_depth)
        cfg.max_depth = max_depth;
    if (alloc)
        cfg.alloc = *alloc;

    amf_json json;
    amf_json_init(&json, &cfg.alloc, size);
    fz_consumers consumers = { .json = &json };
#ifdef FZ_HAVE_FLEX
    amf_flex_init(&consumers.flex);
#endif
    fz_check c;
    fz_check_init(&c, data, size, kind == FZ_PACKET);
    c.next = consumers_event;
    c.next_user = &consumers;
    forget_nodes();
    cfg.sink = fz_check_event;
    cfg.user = &c;
    amf_result res;
    fz_decode(kind, &cfg, data, size, true, &res);
    fz_check_result(&c, &res, size, true, true);
#ifdef FZ_HAVE_FLEX
    check_flex(&c, &consumers.flex);
#endif

    size_t len = 0;
    const char *text = amf_json_finish(&json, &len);
    FZ_REQUIRE(text != NULL, "amf_json_finish gave NULL");
    FZ_REQUIRE(strlen(text) == len, "JSON of %zu bytes holds a NUL at %zu", len, strlen(text));
    FZ_REQUIRE(len <= (size_t)size * AMF_JSON_MAX_FACTOR + AMF_JSON_MAX_SLACK,
               "JSON of %zu bytes for a %zu-byte message, over the cap", len, size);
    if (!alloc)
        FZ_REQUIRE(len > 0, "empty JSON document (status %d)", (int)res.status);
    bool has_error = false;
    char why[160];
    if (len > 0 && !fz_json_valid(text, len, &has_error, why, sizeof why)) {
        fprintf(stderr, "JSON (%zu bytes): %.*s%s\n", len, (int)(len > 4000 ? 4000 : len), text,
                len > 4000 ? "..." : "");
        fz_fail("invalid JSON: %s", why);
    }
    static const char overflow[] = "{\"$error\":\"JSON longer than";
    bool overflowed = strncmp(text, overflow, sizeof overflow - 1) == 0;
    if (res.status == AMF_OK && !overflowed && !alloc)
        FZ_REQUIRE(!has_error, "an \"$error\" key in the JSON of a value that decoded OK: %.*s",
                   (int)(len > 2000 ? 2000 : len), text);
    amf_json_free(&json);
}

/* ---- JSON validator -------------------------------------------------- */

typedef struct json_parser {
    const unsigned char *p, *end;
    unsigned depth;
    bool has_error_key;
    char *why;
    size_t why_len;
    bool failed;
} json_parser;

/* Past any real document's nesting (AMF depth ceiling, two levels per
 * container at most, envelope levels). */
#define FZ_JSON_MAX_DEPTH 2048

static bool jfail(json_parser *jp, const char *what)
{
    if (!jp->failed) {
        jp->failed = true;
        snprintf(jp->why, jp->why_len, "%s", what);
    }
    return false;
}

static void skip_ws(json_parser *jp)
{
    while (jp->p < jp->end &&
           (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r'))
        jp->p++;
}

/* One UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
static bool utf8_char(json_parser *jp)
{
    const unsigned char *s = jp->p;
    size_t left = (size_t)(jp->end - s);
    unsigned c = s[0];
    if (c < 0x80) {
        jp->p++;
        return true;
    }
    unsigned n, min;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return jfail(jp, "invalid UTF-8 lead byte");
    if (left < n + 1)
        return jfail(jp, "truncated UTF-8 sequence");
    for (unsigned i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return jfail(jp, "invalid UTF-8 continuation byte");
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return jfail(jp, "overlong, surrogate or out-of-range UTF-8");
    jp->p += n + 1;
    return true;
}

static bool hex4(json_parser *jp, unsigned *out)
{
    if (jp->end - jp->p < 4)
        return jfail(jp, "short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = jp->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return jfail(jp, "bad hex digit in \\u escape");
    }
    jp->p += 4;
    *out = v;
    return true;
}

/* A string; its raw text (between the quotes) in *start and *n. */
static bool parse_string(json_parser *jp, const unsigned char **start, size_t *n)
{
    if (jp->p >= jp->end || *jp->p != '"')
        return jfail(jp, "expected a string");
    jp->p++;
    *start = jp->p;
    while (jp->p < jp->end) {
        unsigned c = *jp->p;
        if (c == '"') {
            *n = (size_t)(jp->p - *start);
            jp->p++;
            return true;
        }
        if (c < 0x20)
            return jfail(jp, "control character in a string");
        if (c == '\\') {
            jp->p++;
            if (jp->p >= jp->end)
                return jfail(jp, "string ends in an escape");
            c = *jp->p++;
            if (c == 'u') {
                unsigned u;
                if (!hex4(jp, &u))
                    return false;
                if (u >= 0xdc00 && u <= 0xdfff)
                    return jfail(jp, "lone low surrogate escape");
                if (u >= 0xd800 && u <= 0xdbff) {
                    unsigned lo;
                    if (jp->end - jp->p < 2 || jp->p[0] != '\\' || jp->p[1] != 'u')
                        return jfail(jp, "high surrogate escape without a low one");
                    jp->p += 2;
                    if (!hex4(jp, &lo))
                        return false;
                    if (lo < 0xdc00 || lo > 0xdfff)
                        return jfail(jp, "high surrogate escape without a low one");
                }
            } else if (!strchr("\"\\/bfnrt", (int)c) || c == 0) {
                return jfail(jp, "bad escape");
            }
            continue;
        }
        if (!utf8_char(jp))
            return false;
    }
    return jfail(jp, "unterminated string");
}

static bool parse_number(json_parser *jp)
{
    const unsigned char *s = jp->p;
    if (jp->p < jp->end && *jp->p == '-')
        jp->p++;
    if (jp->p >= jp->end)
        return jfail(jp, "number ends early");
    if (*jp->p == '0') {
        jp->p++;
    } else if (*jp->p >= '1' && *jp->p <= '9') {
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
            jp->p++;
    } else {
        return jfail(jp, "bad number");
    }
    if (jp->p < jp->end && *jp->p == '.') {
        jp->p++;
        if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
            return jfail(jp, "no digit after the decimal point");
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
            jp->p++;
    }
    if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
        jp->p++;
        if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
            jp->p++;
        if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
            return jfail(jp, "no digit in the exponent");
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
            jp->p++;
    }
    return jp->p > s;
}

/* Keys the amf.json mapping writes with a leading '$'; a member name of
 * its own that starts with '$' gets one more. */
static bool mapping_key(const unsigned char *k, size_t n)
{
    static const char *const keys[] = {
        "$number", "$undefined", "$date", "$xmldoc", "$xml", "$bytes", "$class", "$ecma",
        "$assoc", "$dense", "$vector", "$fixed", "$items", "$type", "$dictionary", "$weak",
        "$external", "$unsupported", "$movieclip", "$recordset", "$ref", "$packet", "$error",
    };
    if (n >= 2 && k[1] == '$')
        return true;
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
            return true;
    }
    return false;
}

static bool parse_value(json_parser *jp);

static bool parse_object(json_parser *jp)
{
    jp->p++;
    skip_ws(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        return true;
    }
    for (;;) {
        skip_ws(jp);
        const unsigned char *k;
        size_t n;
        if (!parse_string(jp, &k, &n))
            return false;
        if (n && k[0] == '$' && !mapping_key(k, n))
            return jfail(jp, "a '$' key the mapping does not define (member name not escaped)");
        if (n == 6 && memcmp(k, "$error", 6) == 0)
            jp->has_error_key = true;
        skip_ws(jp);
        if (jp->p >= jp->end || *jp->p != ':')
            return jfail(jp, "expected ':'");
        jp->p++;
        if (!parse_value(jp))
            return false;
        skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == '}') {
            jp->p++;
            return true;
        }
        return jfail(jp, "expected ',' or '}'");
    }
}

static bool parse_array(json_parser *jp)
{
    jp->p++;
    skip_ws(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        return true;
    }
    for (;;) {
        if (!parse_value(jp))
            return false;
        skip_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p < jp->end && *jp->p == ']') {
            jp->p++;
            return true;
        }
        return jfail(jp, "expected ',' or ']'");
    }
}

static bool literal(json_parser *jp, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n) != 0)
        return jfail(jp, "unexpected character");
    jp->p += n;
    return true;
}

static bool parse_value(json_parser *jp)
{
    skip_ws(jp);
    if (jp->p >= jp->end)
        return jfail(jp, "value expected, end of text");
    if (++jp->depth > FZ_JSON_MAX_DEPTH)
        return jfail(jp, "nesting too deep");
    bool ok;
    const unsigned char *s;
    size_t n;
    switch (*jp->p) {
    case '{': ok = parse_object(jp); break;
    case '[': ok = parse_array(jp); break;
    case '"': ok = parse_string(jp, &s, &n); break;
    case 't': ok = literal(jp, "true"); break;
    case 'f': ok = literal(jp, "false"); break;
    case 'n': ok = literal(jp, "null"); break;
    default:  ok = parse_number(jp); break;
    }
    jp->depth--;
    return ok;
}

bool fz_json_valid(const char *text, size_t len, bool *has_error_key, char *why, size_t why_len)
{
    json_parser jp = {
        .p = (const unsigned char *)text, .end = (const unsigned char *)text + len,
        .why = why, .why_len = why_len,
    };
    const unsigned char *begin = jp.p;
    bool ok = parse_value(&jp);
    if (ok) {
        skip_ws(&jp);
        if (jp.p != jp.end)
            ok = jfail(&jp, "text after the document");
    }
    if (!ok && why_len) {
        /* Say where, counted from the start. */
        char where[32];
        snprintf(where, sizeof where, " (offset %zu)", (size_t)(jp.p - begin));
        size_t used = strlen(why);
        if (used + strlen(where) < why_len)
            strcat(why, where);
    }
    *has_error_key = jp.has_error_key;
    return ok;
}
