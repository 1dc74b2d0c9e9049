/* amftcp-tree.c
 * Maps the AMF core's events to Wireshark tree items, amf.* fields, expert
 * infos, the Info summary and amf.json.  No AMF knowledge lives here beyond
 * what each event says.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_LOG_DOMAIN "amftcp"

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto.h>
#include <epan/strutil.h>
#include <wsutil/nstime.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "packet-amftcp.h"
#include "ws-compat.h"
#include "amf_flex.h"
#include "amf_json.h"

/* A tree shows this many values per message, then stops with a note (the
 * JSON and the framing still see them all).  A visible tree labels every
 * item, up to three per value (five with wire details): 20,000 values is
 * more than anyone reads in the packet details and keeps a 16 MiB message
 * of small objects to a few MiB of items.  A tree nobody sees holds only the
 * items a filter asks for, and Wireshark refuses a packet past 1,000,000
 * items. */
#define AMFTCP_TREE_MAX_VALUES 20000u
#define AMFTCP_HIDDEN_TREE_MAX_VALUES 100000u
/* A visible tree that does not ask for amf.json gets it up to this message
 * size (see amftcp_dissect_value). */
#define AMFTCP_JSON_VISIBLE_MAX (1024u * 1024)
/* Strings in item labels are cut here (the field holds the whole text). */
#define AMFTCP_LABEL_TEXT_MAX 48u
/* Member names the Info column lists per message. */
#define AMFTCP_SUMMARY_MEMBERS 4u
/* ByteArrays holding AMF are decoded in place this many levels deep. */
#define AMFTCP_BYTEARRAY_NESTING_MAX 3u

/* An item label built in place: one per value, so no allocation and as
 * little formatting as possible (tshark 4.0 labels every item for -T fields). */
typedef struct label {
    char   buf[ITEM_LABEL_LENGTH];
    size_t len;
} label;

/* An open container in the tree, or a dictionary entry grouping a key and
 * its value.  Lives on the decode's stack array, per message. */
typedef struct tree_frame {
    proto_item *item;        /* NULL once the tree limit is reached */
    proto_tree *tree;
    bool        entry;       /* dictionary entry, not an AMF value */
    amf_role    role;        /* the container's own role in its parent */
    label       text;        /* a visible container's label, set once at its end */
} tree_frame;

/* Detail items: what a value's own item already says (its marker, counts,
 * trait details, end markers, a reference's target offset).  Added with
 * the wire-details preference, or for the fields a display filter, a
 * column or tshark -e (4.2 and later) asks for: a visible tree alone does
 * not ask for them, so a value costs one item (a scalar two: its type and
 * its value field; a member three, with its name) wherever a tree is built. */
typedef struct tree_details {
    bool marker0, marker3;   /* amf.amf0_type, amf.amf3_type */
    bool count;              /* amf.count */
    bool traits;             /* amf.traitcount, amf.traits.dynamic/.externalizable */
    bool end_marker;         /* the end-marker fields */
    bool target;             /* amf.reference.offset */
    /* In a tree nobody sees (a filter's, a tap's), a value's items are
     * added only when a filter, a column or -e asks for one of them. */
    bool type;               /* amf.type */
    bool value[AMF_TYPE_COUNT_]; /* the value field of each type */
    bool string_ref, object_ref, avmplus, membername;
} tree_details;

/* One message being decoded: packet scope, lives for one call. */
typedef struct tree_ctx {
    tvbuff_t       *tvb;
    packet_info    *pinfo;
    const uint8_t  *value;       /* the decoded buffer (tvb bytes at base) */
    uint32_t        base;        /* its offset in tvb */
    proto_tree     *root;        /* the message's subtree */
    proto_item     *top_item;    /* the message's protocol item */
    bool            visible;     /* labels are worth formatting */
    tree_details    want;        /* detail items wanted */
    tree_frame     *stack;
    uint32_t        depth, cap;
    uint32_t        values;      /* value items added */
    bool            limited;     /* AMFTCP_TREE_MAX_VALUES reached */
    amftcp_summary *summary;     /* NULL when there is no Info column */
    bool            packet;      /* an AMF packet envelope: summarised by its parts */
    amf_json       *json;        /* NULL unless amf.json is referenced */
    amf_flex       *flex;        /* Flex messages found, NULL if not wanted */
    unsigned        nesting;     /* ByteArrays decoded in place around this value */
} tree_ctx;

static amf_status decode_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              proto_item *top_item, uint32_t offset, uint32_t length,
                              const amf_framing *framing, amftcp_summary *summary,
                              amf_flex *flex, bool json, unsigned nesting);

/* ---- helpers --------------------------------------------------------- */

static proto_tree *current_tree(tree_ctx *c)
{
    return c->depth ? c->stack[c->depth - 1].tree : c->root;
}

static void push(tree_ctx *c, proto_item *item, proto_tree *tree, bool entry, amf_role role)
{
    if (c->depth == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 8;
        c->stack = wmem_realloc(c->pinfo->pool, c->stack, cap * sizeof *c->stack);
        c->cap = cap;
    }
    proto_tree *parent = current_tree(c);
    tree_frame *f = &c->stack[c->depth++];
    f->item = item;
    f->tree = tree ? tree : parent;
    f->entry = entry;
    f->role = role;
    f->text.len = 0;
    f->text.buf[0] = '\0';
}

/* Offset in tvb of bytes the event points at inside the decoded buffer. */
static uint32_t tvb_offset_of(tree_ctx *c, const char *ptr)
{
    return c->base + (uint32_t)((const uint8_t *)ptr - c->value);
}

/* Does a filter, a column or tshark -e (4.2+) ask for this field? */
static bool field_asked(int hf)
{
    return proto_registrar_get_nth(hf)->ref_type != HF_REF_TYPE_NONE;
}

static void details_init(tree_details *w, const proto_tree *tree)
{
    memset(w, 0, sizeof *w);
    if (!tree)
        return;
    bool all = amftcp_pref_wire_details;
    w->marker0 = all || field_asked(hf_amftcp_amf0_type);
    w->marker3 = all || field_asked(hf_amftcp_amf3_type);
    w->count = all || field_asked(hf_amftcp_count);
    w->traits = all || field_asked(hf_amftcp_traitcount) || field_asked(hf_amftcp_traits_dynamic) ||
                field_asked(hf_amftcp_traits_external);
    w->end_marker = all || field_asked(hf_amftcp_end_of_object) ||
                    field_asked(hf_amftcp_end_of_assoc) || field_asked(hf_amftcp_end_of_dynamic);
    w->target = all || field_asked(hf_amftcp_reference_target);
    w->type = field_asked(hf_amftcp_type);
    w->value[AMF_TYPE_BOOLEAN] = field_asked(hf_amftcp_boolean);
    w->value[AMF_TYPE_INTEGER] = field_asked(hf_amftcp_integer) || field_asked(hf_amftcp_uinteger);
    w->value[AMF_TYPE_NUMBER] = field_asked(hf_amftcp_number);
    w->value[AMF_TYPE_DATE] = field_asked(hf_amftcp_date) || field_asked(hf_amftcp_date_tz);
    w->value[AMF_TYPE_STRING] = field_asked(hf_amftcp_string);
    w->value[AMF_TYPE_XML] = field_asked(hf_amftcp_xml);
    w->value[AMF_TYPE_XML_DOCUMENT] = field_asked(hf_amftcp_xml_doc);
    w->value[AMF_TYPE_BYTE_ARRAY] = field_asked(hf_amftcp_bytearray) || amftcp_pref_bytearray_amf;
    w->string_ref = field_asked(hf_amftcp_string_ref);
    w->object_ref = field_asked(hf_amftcp_object_ref);
    w->avmplus = field_asked(hf_amftcp_avmplus);
    w->membername = field_asked(hf_amftcp_membername);
}

/* Are a scalar's (or reference's) items worth adding? */
static bool value_items_wanted(const tree_ctx *c, const amf_event *ev)
{
    const tree_details *w = &c->want;
    if (c->visible || w->type || w->value[ev->type])
        return true;
    if (ev->kind == AMF_EV_REFERENCE && (w->object_ref || w->target))
        return true;
    if ((ev->flags & (AMF_F_STRING_REF | AMF_F_NAME_REF)) && w->string_ref)
        return true;
    if (ev->role == AMF_ROLE_MEMBER && w->membername)
        return true;
    if ((ev->flags & AMF_F_AVMPLUS) && w->avmplus)
        return true;
    return !(ev->flags & AMF_F_NO_MARKER) && (ev->version == AMF_VERSION_3 ? w->marker3 : w->marker0);
}

static void lb_put(label *l, const char *s, size_t n)
{
    size_t room = sizeof l->buf - 1 - l->len;
    if (n > room)
        n = room;
    if (n == 0)
        return;                 /* s may be NULL (a name that was not read) */
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

static void lb_str(label *l, const char *s)
{
    lb_put(l, s, strlen(s));
}

/* Numbers in labels without printf: a label is built for every value of a
 * visible tree, and glibc's printf costs hundreds of instructions a call. */
static void lb_u32(label *l, uint32_t v)
{
    char digits[10];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    lb_put(l, digits + sizeof digits - n, n);
}

static void lb_signed(label *l, const char *before, int32_t v)
{
    lb_str(l, before);
    if (v < 0) {
        lb_put(l, "-", 1);
        lb_u32(l, 0u - (uint32_t)v);
    } else {
        lb_u32(l, (uint32_t)v);
    }
}

/* " (N" then a word, with the plural of "members" style nouns. */
static void lb_count(label *l, const char *before, uint32_t n, const char *one, const char *many)
{
    lb_str(l, before);
    lb_u32(l, n);
    lb_str(l, n == 1 ? one : many);
}

/* AMF text, at most max bytes: printable ASCII as is, the rest escaped the
 * way Wireshark shows strings; "…" when cut. */
static void lb_text(tree_ctx *c, label *l, amf_str s, uint32_t max)
{
    uint32_t n = s.len > max ? max : s.len;
    bool plain = true;
    for (uint32_t i = 0; i < n && plain; i++)
        plain = s.ptr[i] >= 0x20 && s.ptr[i] < 0x7f;
    if (plain)
        lb_put(l, s.ptr, n);
    else
        lb_str(l, amftcp_format_text(c->pinfo->pool, s.ptr, n));
    if (s.len > max)
        lb_str(l, "\xe2\x80\xa6");
}

/* Text for other labels and fields, from packet scope. */
static char *amf_text(tree_ctx *c, amf_str s, uint32_t max)
{
    label l;
    l.len = 0;
    l.buf[0] = '\0';
    lb_text(c, &l, s, max);
    return wmem_strndup(c->pinfo->pool, l.buf, l.len);
}

static void lb_slot(tree_ctx *c, label *l, const amf_event *ev)
{
    switch (ev->role) {
    case AMF_ROLE_MEMBER:
        if (!ev->name.ptr)
            break;              /* the name itself could not be read */
        lb_text(c, l, ev->name, 64);
        lb_put(l, ": ", 2);
        break;
    case AMF_ROLE_ELEMENT:
        lb_put(l, "[", 1);
        lb_u32(l, ev->index);
        lb_put(l, "]: ", 3);
        break;
    case AMF_ROLE_DICT_KEY:   lb_str(l, "Key: "); break;
    case AMF_ROLE_DICT_VALUE: lb_str(l, "Value: "); break;
    case AMF_ROLE_EXTERNAL:   lb_str(l, "Wrapped: "); break;
    default:                  break;
    }
}

static const char *slot_text(tree_ctx *c, const amf_event *ev)
{
    label l;
    l.len = 0;
    l.buf[0] = '\0';
    lb_slot(c, &l, ev);
    return wmem_strndup(c->pinfo->pool, l.buf, l.len);
}

static void lb_value(tree_ctx *c, label *l, const amf_event *ev)
{
    char num[AMF_DATE_TEXT_MAX + 16];
    switch (ev->type) {
    case AMF_TYPE_BOOLEAN:
        lb_str(l, ev->boolean ? " true" : " false");
        break;
    case AMF_TYPE_INTEGER:
        if ((ev->flags & AMF_F_NO_MARKER) && ev->marker == AMF3_VECTOR_UINT)
            lb_count(l, " ", ev->uinteger, "", "");
        else
            lb_signed(l, " ", ev->integer);
        break;
    case AMF_TYPE_NUMBER:
        amf_format_number(ev->number, num, sizeof num);
        lb_put(l, " ", 1);
        lb_str(l, num);
        break;
    case AMF_TYPE_DATE:
        if (!amf_format_date(ev->number, num, sizeof num))
            amf_format_number(ev->number, num, sizeof num);
        lb_put(l, " ", 1);
        lb_str(l, num);
        if (ev->version == AMF_VERSION_0 && ev->kind == AMF_EV_SCALAR && ev->timezone) {
            lb_signed(l, " (time-zone field ", ev->timezone);
            lb_put(l, ")", 1);
        }
        break;
    case AMF_TYPE_STRING:
    case AMF_TYPE_XML:
    case AMF_TYPE_XML_DOCUMENT:
        if (ev->str.ptr) {
            lb_put(l, " \"", 2);
            lb_text(c, l, ev->str, AMFTCP_LABEL_TEXT_MAX);
            lb_put(l, "\"", 1);
        }
        break;
    case AMF_TYPE_BYTE_ARRAY:
        lb_count(l, " (", ev->str.len, " byte)", " bytes)");
        break;
    default:
        break;
    }
}

/* The start of a value's label: "name: Type". */
static void lb_start(tree_ctx *c, label *l, const amf_event *ev)
{
    l->len = 0;
    l->buf[0] = '\0';
    lb_slot(c, l, ev);
    lb_str(l, amf_type_name(ev->type));
}

/* The item of a value: amf.type, labelled l (when the tree is visible). */
static proto_item *add_value_item(tree_ctx *c, const amf_event *ev, const label *l, int length)
{
    proto_tree *parent = current_tree(c);
    uint32_t offset = c->base + ev->offset;
    if (!c->visible)
        return proto_tree_add_uint(parent, hf_amftcp_type, c->tvb, offset, length, ev->type);
    return proto_tree_add_uint_format(parent, hf_amftcp_type, c->tvb, offset, length, ev->type,
                                      "%s", l->buf);
}

/* A string's text for a field: Wireshark's UTF-8 conversion (invalid bytes
 * shown as U+FFFD), skipped for plain ASCII, which it would copy as is. */
static const char *field_text(tree_ctx *c, amf_str s)
{
    for (uint32_t i = 0; i < s.len; i++)
        if ((uint8_t)s.ptr[i] - 1u >= 0x7fu)   /* NUL or not ASCII */
            return (const char *)tvb_get_string_enc(c->pinfo->pool, c->tvb,
                                                    tvb_offset_of(c, s.ptr), s.len, ENC_UTF_8);
    return wmem_strndup(c->pinfo->pool, s.len ? s.ptr : "", s.len);
}

static void add_string_field(tree_ctx *c, proto_tree *tree, int hf, uint32_t offset,
                             uint32_t length, amf_str s)
{
    if (!proto_field_is_referenced(tree, hf))
        return;
    proto_tree_add_string(tree, hf, c->tvb, offset, length, field_text(c, s));
}

/* Does the marker field's own value table name this marker? */
static bool marker_named(amf_version version, uint8_t marker)
{
    /* [AMF0, AMF3][marker]: 0 not looked up yet, 1 named, 2 not named. */
    static uint8_t named[2][256];
    uint8_t *slot = &named[version == AMF_VERSION_3][marker];
    if (!*slot) {
        int hf = version == AMF_VERSION_3 ? hf_amftcp_amf3_type : hf_amftcp_amf0_type;
        const header_field_info *hfi = proto_registrar_get_nth(hf);
        *slot = hfi->strings && try_val_to_str(marker, (const value_string *)hfi->strings) ? 1 : 2;
    }
    return *slot == 1;
}

/* Marker, AVM+ switch and member name: the first children of every value. */
static void add_slot_items(tree_ctx *c, proto_tree *sub, const amf_event *ev)
{
    uint32_t marker_offset = c->base + ev->offset;
    if (ev->flags & AMF_F_AVMPLUS) {
        proto_tree_add_item(sub, hf_amftcp_avmplus, c->tvb, marker_offset, 1, ENC_NA);
        marker_offset++;
    }
    if (!(ev->flags & AMF_F_NO_MARKER) &&
        (ev->version == AMF_VERSION_3 ? c->want.marker3 : c->want.marker0)) {
        int hf = ev->version == AMF_VERSION_3 ? hf_amftcp_amf3_type : hf_amftcp_amf0_type;
        /* The built-in dissector's marker tables lack some markers (AMF3
         * vectors and Dictionary): those are named here, the rest by the
         * field's own table when the label is printed. */
        if (c->visible && !marker_named(ev->version, ev->marker))
            proto_tree_add_uint_format_value(sub, hf, c->tvb, marker_offset, 1, ev->marker,
                                             "%s (0x%02x)",
                                             amf_marker_name(ev->version, ev->marker), ev->marker);
        else
            proto_tree_add_uint(sub, hf, c->tvb, marker_offset, 1, ev->marker);
    }
    if (ev->role == AMF_ROLE_MEMBER && ev->name.ptr && ev->name_length) {
        if (ev->name.len)
            add_string_field(c, sub, hf_amftcp_membername, c->base + ev->name_offset,
                             ev->name_length, ev->name);
        if (ev->flags & AMF_F_NAME_REF)
            proto_tree_add_uint(sub, hf_amftcp_string_ref, c->tvb, c->base + ev->name_offset,
                                ev->name_length, ev->name_ref);
    }
}

static void add_date_field(tree_ctx *c, proto_tree *sub, uint32_t offset, uint32_t length,
                           double ms)
{
    if (!isfinite(ms) || fabs(ms) > 9.2e18)
        return;
    nstime_t t;
    double secs = floor(ms / 1000.0);
    t.secs = (time_t)secs;
    t.nsecs = (int)((ms - secs * 1000.0) * 1000000.0);
    if (t.nsecs < 0 || t.nsecs >= 1000000000)
        t.nsecs = 0;
    proto_tree_add_time(sub, hf_amftcp_date, c->tvb, offset, length, &t);
}

/* The field holding a scalar's value, on its payload bytes. */
static void add_value_field(tree_ctx *c, proto_tree *sub, const amf_event *ev, bool reference)
{
    uint32_t offset = c->base + ev->data_offset;
    uint32_t length = ev->data_length;
    switch (ev->type) {
    case AMF_TYPE_BOOLEAN:
        proto_tree_add_boolean(sub, hf_amftcp_boolean, c->tvb, offset, length, ev->boolean);
        break;
    case AMF_TYPE_INTEGER:
        if ((ev->flags & AMF_F_NO_MARKER) && ev->marker == AMF3_VECTOR_UINT)
            proto_tree_add_uint(sub, hf_amftcp_uinteger, c->tvb, offset, length, ev->uinteger);
        else
            proto_tree_add_int(sub, hf_amftcp_integer, c->tvb, offset, length, ev->integer);
        break;
    case AMF_TYPE_NUMBER:
        proto_tree_add_double(sub, hf_amftcp_number, c->tvb, offset, length, ev->number);
        break;
    case AMF_TYPE_DATE:
        add_date_field(c, sub, offset, length, ev->number);
        if (ev->version == AMF_VERSION_0 && !reference)
            proto_tree_add_int(sub, hf_amftcp_date_tz, c->tvb, offset + 8, 2, ev->timezone);
        break;
    case AMF_TYPE_STRING:
        if (ev->str.ptr)
            add_string_field(c, sub, hf_amftcp_string, offset, length, ev->str);
        if (ev->flags & AMF_F_STRING_REF)
            proto_tree_add_uint(sub, hf_amftcp_string_ref, c->tvb, offset, length, ev->str_ref);
        break;
    case AMF_TYPE_XML:
    case AMF_TYPE_XML_DOCUMENT:
        if (ev->str.ptr)
            add_string_field(c, sub, ev->type == AMF_TYPE_XML ? hf_amftcp_xml : hf_amftcp_xml_doc,
                             offset, length, ev->str);
        break;
    case AMF_TYPE_BYTE_ARRAY:
        if (ev->str.ptr && proto_field_is_referenced(sub, hf_amftcp_bytearray))
            proto_tree_add_bytes(sub, hf_amftcp_bytearray, c->tvb, offset, length,
                                 (const guint8 *)ev->str.ptr);
        break;
    default:
        break;
    }
}

/* Values past the tree limit are decoded (JSON, framing) but not shown. */
static bool tree_full(tree_ctx *c)
{
    uint32_t max = c->visible ? AMFTCP_TREE_MAX_VALUES : AMFTCP_HIDDEN_TREE_MAX_VALUES;
    if (c->values < max) {
        c->values++;
        return false;
    }
    if (!c->limited) {
        c->limited = true;
        proto_tree_add_expert_format(c->root, c->pinfo, &ei_amftcp_tree_limit, c->tvb, c->base, 0,
                                     "The tree shows the first %u values of this message; "
                                     "amf.json holds them all", max);
    }
    return true;
}

/* ---- dictionary entries ---------------------------------------------- */

static void open_entry(tree_ctx *c, const amf_event *ev)
{
    if (ev->role != AMF_ROLE_DICT_KEY)
        return;
    proto_item *item = NULL;
    proto_tree *sub = NULL;
    if (!c->limited) {
        sub = proto_tree_add_subtree_format(current_tree(c), c->tvb, c->base + ev->offset, -1,
                                            ett_amftcp_entry, &item, "Entry %u", ev->index);
    }
    push(c, item, sub, true, ev->role);
}

static void close_entry(tree_ctx *c, const amf_event *ev, uint32_t end)
{
    if ((ev->role != AMF_ROLE_DICT_VALUE && !(ev->role == AMF_ROLE_DICT_KEY &&
                                              ev->kind == AMF_EV_ERROR)) ||
        !c->depth || !c->stack[c->depth - 1].entry)
        return;
    tree_frame *f = &c->stack[--c->depth];
    if (f->item)
        proto_item_set_end(f->item, c->tvb, c->base + end);
}

/* ---- the summary ----------------------------------------------------- */

static void summary_value(tree_ctx *c, const amf_event *ev)
{
    amftcp_summary *s = c->summary;
    /* The summary reads the top value and its first members only. */
    if (!s || c->packet || s->closed || ev->depth > 1)
        return;
    if (ev->depth == 0 && ev->role == AMF_ROLE_TOP && wmem_strbuf_get_len(s->text) == 0) {
        s->top_type = ev->type;
        if (ev->class_name.len)
            s->top_class = amf_text(c, ev->class_name, 256);
        wmem_strbuf_append(s->text, amf_type_name(ev->type));
        if (ev->class_name.len)
            wmem_strbuf_append_printf(s->text, " %s", amf_text(c, ev->class_name, 64));
        if (ev->kind == AMF_EV_BEGIN && ev->type != AMF_TYPE_OBJECT && ev->type != AMF_TYPE_ECMA_ARRAY)
            wmem_strbuf_append_printf(s->text, " [%u]", ev->count);
        if (ev->kind == AMF_EV_SCALAR) {
            label l;
            l.len = 0;
            l.buf[0] = '\0';
            lb_value(c, &l, ev);
            wmem_strbuf_append(s->text, l.buf);
            s->closed = true;
        }
        return;
    }
    if (ev->depth == 1 && ev->role == AMF_ROLE_MEMBER && !s->closed && ev->name.ptr) {
        if (s->members == AMFTCP_SUMMARY_MEMBERS) {
            wmem_strbuf_append(s->text, ", \xe2\x80\xa6}");
            s->closed = true;
            return;
        }
        wmem_strbuf_append(s->text, s->members ? ", " : " {");
        wmem_strbuf_append(s->text, amf_text(c, ev->name, 32));
        s->members++;
    }
}

static void summary_end(tree_ctx *c, const amf_event *ev)
{
    amftcp_summary *s = c->summary;
    if (!s || c->packet || ev->depth != 0 || s->closed)
        return;
    if (s->members)
        wmem_strbuf_append_c(s->text, '}');
    s->closed = true;
}

/* ---- ByteArrays holding AMF ------------------------------------------ */

/* With the preference on: a ByteArray whose bytes (inflated if compressed)
 * are exactly one plausible AMF value is decoded under its item, from a data
 * source of its own. */
static void decode_bytearray_content(tree_ctx *c, proto_tree *sub, const amf_event *ev)
{
    if (!amftcp_pref_bytearray_amf || c->nesting >= AMFTCP_BYTEARRAY_NESTING_MAX ||
        !ev->str.ptr || ev->str.len == 0 || !sub)
        return;
    uint32_t offset = tvb_offset_of(c, ev->str.ptr);
    tvbuff_t *content = amftcp_inflate(c->tvb, c->pinfo, sub, offset, ev->str.len,
                                       "ByteArray (inflated)");
    if (!content) {
        const guint8 *p = (const guint8 *)ev->str.ptr;
        if (!(amf_value_plausible(AMF_VERSION_3, p, ev->str.len, true, true, &(uint32_t){0})))
            if (!(amf_value_plausible(AMF_VERSION_0, p, ev->str.len, true, true, &(uint32_t){0})))
                return;
        content = tvb_new_child_real_data(c->tvb, p, ev->str.len, ev->str.len);
        add_new_data_source(c->pinfo, content, "ByteArray (AMF)");
    }
    uint32_t len = tvb_captured_length(content);
    const guint8 *bytes = len ? tvb_get_ptr(content, 0, len) : NULL;
    static const amf_version versions[] = { AMF_VERSION_3, AMF_VERSION_0 };
    for (size_t i = 0; bytes && i < G_N_ELEMENTS(versions); i++) {
        uint32_t consumed;
        if (!amf_value_plausible(versions[i], bytes, len, true, true, &consumed) || consumed != len)
            continue;
        amf_framing inner = { .kind = AMF_FRAME_LENGTH, .prefix = 4, .version = versions[i] };
        proto_tree *vt = proto_tree_add_subtree_format(sub, content, 0, len, ett_amftcp_part, NULL,
                                                       "ByteArray content: %s value",
                                                       versions[i] == AMF_VERSION_3 ? "AMF3" : "AMF0");
        decode_tree(content, c->pinfo, vt, NULL, 0, len, &inner, NULL, NULL, false, c->nesting + 1);
        return;
    }
}

/* ---- events ---------------------------------------------------------- */

static void on_scalar(tree_ctx *c, const amf_event *ev)
{
    open_entry(c, ev);
    if (value_items_wanted(c, ev) && !tree_full(c)) {
        label l;
        if (c->visible) {
            lb_start(c, &l, ev);
            lb_value(c, &l, ev);
            if ((ev->flags & AMF_F_STRING_REF) && amftcp_pref_references != REFERENCES_RESOLVED) {
                if (amftcp_pref_references == REFERENCES_INDEX) {
                    lb_start(c, &l, ev);
                    lb_count(&l, " string reference #", ev->str_ref, "", "");
                } else {
                    lb_count(&l, ", string reference #", ev->str_ref, "", "");
                }
            }
        }
        proto_item *item = add_value_item(c, ev, &l, ev->length);
        proto_tree *sub = proto_item_add_subtree(item, ett_amftcp_value);
        add_slot_items(c, sub, ev);
        add_value_field(c, sub, ev, false);
        if (ev->type == AMF_TYPE_BYTE_ARRAY)
            decode_bytearray_content(c, sub, ev);
    }
    summary_value(c, ev);
    close_entry(c, ev, ev->offset + ev->length);
}

static void on_reference(tree_ctx *c, const amf_event *ev)
{
    open_entry(c, ev);
    if (value_items_wanted(c, ev) && !tree_full(c)) {
        label l;
        if (c->visible) {
            lb_start(c, &l, ev);
            if (amftcp_pref_references == REFERENCES_INDEX) {
                lb_count(&l, " reference #", ev->object_index, "", "");
            } else {
                if (ev->class_name.len) {
                    lb_put(&l, " ", 1);
                    lb_text(c, &l, ev->class_name, 64);
                }
                if (ev->flags & AMF_F_CYCLE) {
                    lb_count(&l, " (enclosing value at offset ", ev->target_offset, ": a cycle)",
                             ": a cycle)");
                } else {
                    lb_value(c, &l, ev);
                    lb_count(&l, " (value at offset ", ev->target_offset, ")", ")");
                }
                if (amftcp_pref_references == REFERENCES_BOTH)
                    lb_count(&l, ", reference #", ev->object_index, "", "");
            }
        }
        proto_item *item = add_value_item(c, ev, &l, ev->length);
        proto_tree *sub = proto_item_add_subtree(item, ett_amftcp_value);
        add_slot_items(c, sub, ev);
        proto_tree_add_uint(sub, hf_amftcp_object_ref, c->tvb, c->base + ev->data_offset,
                            ev->data_length, ev->object_index);
        if (c->want.target) {
            proto_item *pi = proto_tree_add_uint(sub, hf_amftcp_reference_target, c->tvb,
                                                 c->base + ev->data_offset, ev->data_length,
                                                 ev->target_offset);
            proto_item_set_generated(pi);
        }
        if (!(ev->flags & AMF_F_CYCLE) && ev->str.ptr) {
            /* A scalar target: its value, on the reference's bytes. */
            add_value_field(c, sub, ev, true);
        } else if (!(ev->flags & AMF_F_CYCLE) && ev->type == AMF_TYPE_DATE) {
            add_date_field(c, sub, c->base + ev->data_offset, ev->data_length, ev->number);
        }
    }
    summary_value(c, ev);
    close_entry(c, ev, ev->offset + ev->length);
}

static void lb_container(tree_ctx *c, label *l, const amf_event *ev)
{
    if (ev->class_name.len) {
        lb_put(l, " ", 1);
        lb_text(c, l, ev->class_name, 128);
    }
    switch (ev->type) {
    case AMF_TYPE_OBJECT:
        if (ev->flags & AMF_F_EXTERNALIZABLE)
            lb_str(l, " (externalizable)");
        break;
    case AMF_TYPE_ECMA_ARRAY:
        lb_count(l, " (count field ", ev->count, ")", ")");
        break;
    case AMF_TYPE_ARRAY:
        lb_count(l, " (", ev->count, " dense", " dense");
        lb_str(l, (ev->flags & AMF_F_ASSOC) ? ", associative part)" : ")");
        break;
    case AMF_TYPE_VECTOR_OBJECT:
        lb_put(l, ".<", 2);
        lb_text(c, l, ev->element_type, 128);
        lb_put(l, ">", 1);
        /* fall through */
    case AMF_TYPE_VECTOR_INT:
    case AMF_TYPE_VECTOR_UINT:
    case AMF_TYPE_VECTOR_NUMBER:
        lb_count(l, " (", ev->count, " element", " elements");
        lb_str(l, (ev->flags & AMF_F_FIXED) ? ", fixed)" : ")");
        break;
    case AMF_TYPE_DICTIONARY:
        lb_count(l, " (", ev->count, " entry", " entries");
        lb_str(l, (ev->flags & AMF_F_WEAK) ? ", weak keys)" : ")");
        break;
    default:
        break;
    }
}

static void on_begin(tree_ctx *c, const amf_event *ev)
{
    open_entry(c, ev);
    proto_item *item = NULL;
    proto_tree *sub = NULL;
    if (!tree_full(c)) {
        /* Labelled once, at the end, when the member count is known. */
        item = proto_tree_add_uint(current_tree(c), hf_amftcp_type, c->tvb, c->base + ev->offset,
                                   ev->length, ev->type);
        sub = proto_item_add_subtree(item, ett_amftcp_value);
        add_slot_items(c, sub, ev);
        uint32_t hdr = c->base + ev->offset + ((ev->flags & AMF_F_AVMPLUS) ? 2 : 1);
        uint32_t hdr_len = c->base + ev->offset + ev->length > hdr
                         ? c->base + ev->offset + ev->length - hdr : 0;
        switch (ev->type) {
        case AMF_TYPE_OBJECT:
            if (ev->class_name.len && ev->version == AMF_VERSION_0)
                add_string_field(c, sub, hf_amftcp_classname, hdr, hdr_len, ev->class_name);
            break;
        case AMF_TYPE_VECTOR_OBJECT:
            add_string_field(c, sub, hf_amftcp_vector_type, hdr, hdr_len, ev->element_type);
            /* fall through */
        case AMF_TYPE_VECTOR_INT:
        case AMF_TYPE_VECTOR_UINT:
        case AMF_TYPE_VECTOR_NUMBER:
            if (c->want.count)
                proto_tree_add_uint(sub, hf_amftcp_count, c->tvb, hdr, hdr_len, ev->count);
            proto_tree_add_boolean(sub, hf_amftcp_vector_fixed, c->tvb, hdr, hdr_len,
                                   (ev->flags & AMF_F_FIXED) != 0);
            break;
        case AMF_TYPE_DICTIONARY:
            if (c->want.count)
                proto_tree_add_uint(sub, hf_amftcp_count, c->tvb, hdr, hdr_len, ev->count);
            proto_tree_add_boolean(sub, hf_amftcp_dict_weak, c->tvb, hdr, hdr_len,
                                   (ev->flags & AMF_F_WEAK) != 0);
            break;
        case AMF_TYPE_ARRAY:
        case AMF_TYPE_ECMA_ARRAY:
            if (c->want.count)
                proto_tree_add_uint(sub, hf_amftcp_count, c->tvb, hdr, hdr_len, ev->count);
            break;
        default:
            break;
        }
    }
    summary_value(c, ev);
    push(c, item, sub, false, ev->role);
    if (item && c->visible) {
        label *l = &c->stack[c->depth - 1].text;
        lb_start(c, l, ev);
        lb_container(c, l, ev);
    }
}

/* Traits: by reference one item; inline, a subtree with the class name and
 * the sealed member names (flags shown only when set). */
static void on_traits(tree_ctx *c, const amf_event *ev)
{
    if (c->limited)
        return;
    proto_tree *parent = current_tree(c);
    uint32_t offset = c->base + ev->offset;
    label l;
    if (c->visible) {
        l.len = 0;
        l.buf[0] = '\0';
        lb_str(&l, "Traits: ");
        if (ev->flags & AMF_F_TRAIT_REF)
            lb_count(&l, "reference #", ev->trait_index, " to ", " to ");
        if (ev->class_name.len)
            lb_text(c, &l, ev->class_name, 128);
        else
            lb_str(&l, "(anonymous)");
        lb_count(&l, ", ", ev->sealed_count, " sealed member", " sealed members");
        if (ev->flags & AMF_F_DYNAMIC)
            lb_str(&l, ", dynamic");
        if (ev->flags & AMF_F_EXTERNALIZABLE)
            lb_str(&l, ", externalizable");
    }
    if (ev->flags & AMF_F_TRAIT_REF) {
        if (c->visible)
            proto_tree_add_uint_format(parent, hf_amftcp_trait_ref, c->tvb, offset, ev->length,
                                       ev->trait_index, "%s", l.buf);
        else
            proto_tree_add_uint(parent, hf_amftcp_trait_ref, c->tvb, offset, ev->length,
                                ev->trait_index);
        /* Every typed object names its class, also through a reference. */
        if (ev->class_name.len && proto_field_is_referenced(parent, hf_amftcp_classname)) {
            proto_item *pi = proto_tree_add_string(parent, hf_amftcp_classname, c->tvb, offset,
                                                   ev->length, field_text(c, ev->class_name));
            proto_item_set_generated(pi);
        }
        return;
    }
    /* Inline traits: the class name's item, labelled with the whole
     * description (a text item for an anonymous class), with the details
     * under it when they are wanted. */
    proto_item *item = NULL;
    if (ev->class_name.len && proto_field_is_referenced(parent, hf_amftcp_classname)) {
        item = proto_tree_add_string(parent, hf_amftcp_classname, c->tvb, offset, ev->length,
                                     field_text(c, ev->class_name));
        if (c->visible)
            proto_item_set_text(item, "%s", l.buf);
    } else {
        proto_tree_add_subtree(parent, c->tvb, offset, ev->length, ett_amftcp_traits, &item,
                               c->visible ? l.buf : "Traits");
    }
    bool names = ev->sealed_count && proto_field_is_referenced(parent, hf_amftcp_membername);
    if (!c->want.traits && !names)
        return;
    proto_tree *sub = proto_item_add_subtree(item, ett_amftcp_traits);
    if (c->want.traits) {
        proto_tree_add_uint(sub, hf_amftcp_traitcount, c->tvb, offset, ev->length, ev->sealed_count);
        if (ev->flags & AMF_F_DYNAMIC)
            proto_tree_add_boolean(sub, hf_amftcp_traits_dynamic, c->tvb, offset, ev->length, TRUE);
        if (ev->flags & AMF_F_EXTERNALIZABLE)
            proto_tree_add_boolean(sub, hf_amftcp_traits_external, c->tvb, offset, ev->length, TRUE);
    }
    for (uint32_t i = 0; names && i < ev->sealed_count; i++)
        add_string_field(c, sub, hf_amftcp_membername, c->base + ev->sealed[i].offset,
                         ev->sealed[i].length, ev->sealed[i].name);
}

static void on_end(tree_ctx *c, const amf_event *ev)
{
    /* Entries left open by an error inside them end here too. */
    while (c->depth && c->stack[c->depth - 1].entry) {
        tree_frame *e = &c->stack[--c->depth];
        if (e->item)
            proto_item_set_end(e->item, c->tvb, c->base + ev->offset + ev->length);
    }
    if (!c->depth)
        return;
    tree_frame *f = &c->stack[c->depth - 1];
    if (f->item) {
        if (ev->end_length && c->want.end_marker) {
            int hf = ev->version == AMF_VERSION_0 ? hf_amftcp_end_of_object
                   : ev->type == AMF_TYPE_ARRAY ? hf_amftcp_end_of_assoc
                   : hf_amftcp_end_of_dynamic;
            proto_tree_add_item(f->tree, hf, c->tvb, c->base + ev->end_offset, ev->end_length,
                                ENC_NA);
        }
        proto_item_set_len(f->item, ev->length);
        if (c->visible) {
            label *l = &f->text;
            if (ev->type == AMF_TYPE_OBJECT || ev->type == AMF_TYPE_ECMA_ARRAY)
                lb_count(l, " (", ev->count, " member)", " members)");
            if (ev->flags & AMF_F_TRUNCATED)
                lb_str(l, " [truncated]");
            proto_item_set_text(f->item, "%s", l->buf);
        }
    }
    c->depth--;
    summary_end(c, ev);
    close_entry(c, ev, ev->offset + ev->length);
}

static expert_field *expert_for(const amf_event *ev)
{
    switch (ev->error) {
    case AMF_WARN_UTF8:            return &ei_amftcp_utf8;
    case AMF_WARN_RESERVED_MARKER: return &ei_amftcp_reserved;
    case AMF_WARN_REF_TYPE:        return &ei_amftcp_ref_type;
    case AMF_WARN_TRAILING:        return &ei_amftcp_trailing;
    case AMF_WARN_FLEX_FLAGS:      return &ei_amftcp_flex_flags;
    case AMF_WARN_JSON_REFS:       return &ei_amftcp_json_refs;
    default:
        break;
    }
    switch (ev->status) {
    case AMF_LIMIT:       return &ei_amftcp_limit;
    case AMF_UNSUPPORTED: return &ei_amftcp_unsupported;
    default:              return &ei_amftcp_malformed;
    }
}

static void on_error(tree_ctx *c, const amf_event *ev)
{
    open_entry(c, ev);
    proto_tree *parent = current_tree(c);
    /* The location prefix ("a: ", "[0]: ") is part of the expert text in
     * every tree, visible or not (tshark 4.4+ builds an invisible tree for
     * -T fields): one error per message at most, so its cost is nothing. */
    proto_item *pi = proto_tree_add_expert_format(parent, c->pinfo, expert_for(ev), c->tvb,
                                                  c->base + ev->offset, ev->length,
                                                  "%s%s", slot_text(c, ev), ev->message);
    (void)pi;
    if (c->top_item)
        proto_item_append_text(c->top_item, " [decoding stopped: %s]", amf_error_name(ev->error));
    if (c->summary) {
        /* A message that fails at its very first value says why. */
        if (wmem_strbuf_get_len(c->summary->text) == 0)
            wmem_strbuf_append_printf(c->summary->text, "[%s] %s", amf_error_name(ev->error),
                                      ev->message);
        else
            wmem_strbuf_append_printf(c->summary->text, " [%s]", amf_error_name(ev->error));
        if (!c->summary->error)
            c->summary->error = amf_error_name(ev->error);
    }
    close_entry(c, ev, ev->offset + ev->length);
}

static void on_warning(tree_ctx *c, const amf_event *ev)
{
    proto_tree_add_expert_format(current_tree(c), c->pinfo, expert_for(ev), c->tvb,
                                 c->base + ev->offset, ev->length, "%s", ev->message);
}

static void on_flags(tree_ctx *c, const amf_event *ev)
{
    if (c->limited)
        return;
    proto_item *pi = proto_tree_add_uint(current_tree(c), hf_amftcp_flex_flags, c->tvb,
                                         c->base + ev->offset, 1, ev->uinteger);
    if (c->visible)
        proto_item_set_text(pi, "%s flags, byte %u: 0x%02x%s", amf_text(c, ev->name, 64), ev->index,
                            ev->uinteger, (ev->uinteger & 0x80) ? " (another flag byte follows)" : "");
}

/* ---- envelope -------------------------------------------------------- */

static void on_packet_begin(tree_ctx *c, const amf_event *ev)
{
    proto_tree_add_uint(c->root, hf_amftcp_packet_version, c->tvb, c->base, 2, (uint32_t)ev->integer);
    proto_tree_add_uint(c->root, hf_amftcp_header_count, c->tvb, c->base + 2, 2, ev->count);
    c->packet = true;
    if (c->summary)
        wmem_strbuf_append_printf(c->summary->text, "AMF packet v%d", ev->integer);
}

static void on_packet_count(tree_ctx *c, const amf_event *ev)
{
    proto_tree_add_uint(c->root, hf_amftcp_message_count, c->tvb, c->base + ev->offset, 2, ev->count);
}

static void on_part_begin(tree_ctx *c, const amf_event *ev)
{
    proto_item *item;
    proto_tree *sub = proto_tree_add_subtree_format(c->root, c->tvb, c->base + ev->offset, ev->length,
                                                    ett_amftcp_part, &item, "%s %u: %s",
                                                    ev->part == AMF_PART_HEADER ? "Header" : "Message",
                                                    ev->index, amf_text(c, ev->name, 128));
    if (ev->part == AMF_PART_HEADER) {
        /* Counted strings: the item's length is that of the count field. */
        proto_tree_add_item(sub, hf_amftcp_header_name, c->tvb, c->base + ev->name_offset,
                            2, ENC_BIG_ENDIAN | ENC_UTF_8);
        proto_tree_add_boolean(sub, hf_amftcp_header_must_understand, c->tvb,
                               c->base + ev->name_offset + ev->name_length, 1, ev->boolean);
        proto_tree_add_item(sub, hf_amftcp_header_length, c->tvb, c->base + ev->data_offset, 4,
                            ENC_BIG_ENDIAN);
        if (ev->boolean && c->visible)
            proto_item_append_text(item, " (must understand)");
    } else {
        proto_tree_add_item(sub, hf_amftcp_message_target, c->tvb, c->base + ev->name_offset,
                            2, ENC_BIG_ENDIAN | ENC_UTF_8);
        proto_tree_add_item(sub, hf_amftcp_message_response, c->tvb, c->base + ev->str_offset,
                            2, ENC_BIG_ENDIAN | ENC_UTF_8);
        proto_tree_add_item(sub, hf_amftcp_message_length, c->tvb, c->base + ev->data_offset, 4,
                            ENC_BIG_ENDIAN);
        if (c->visible)
            proto_item_append_text(item, " (response %s)", amf_text(c, ev->str, 128));
        if (c->summary && ev->index < 2)
            wmem_strbuf_append_printf(c->summary->text, "%s %s", ev->index ? "," : ":",
                                      amf_text(c, ev->name, 64));
    }
    if (ev->uinteger == 0xFFFFFFFFu && c->visible)
        proto_item_append_text(item, ", length unknown");
    push(c, item, sub, false, AMF_ROLE_BODY);
}

static void on_part_end(tree_ctx *c, const amf_event *ev)
{
    while (c->depth && c->stack[c->depth - 1].entry)
        c->depth--;
    if (!c->depth)
        return;
    tree_frame *f = &c->stack[--c->depth];
    proto_item_set_len(f->item, ev->length);
    if ((ev->flags & AMF_F_TRUNCATED) && c->visible)
        proto_item_append_text(f->item, " [truncated]");
}

static void tree_event(void *user, const amf_event *ev)
{
    tree_ctx *c = user;
    if (c->json)
        amf_json_event(c->json, ev);
    if (c->flex)
        amf_flex_event(c->flex, ev);
    /* No tree: only the Info summary and the Flex fields (both read the top
     * two levels) and the expert infos need the events. */
    if (!c->root && ev->depth > 2 && ev->kind != AMF_EV_ERROR && ev->kind != AMF_EV_WARNING)
        return;
    switch (ev->kind) {
    case AMF_EV_SCALAR:       on_scalar(c, ev); break;
    case AMF_EV_BEGIN:        on_begin(c, ev); break;
    case AMF_EV_END:          on_end(c, ev); break;
    case AMF_EV_REFERENCE:    on_reference(c, ev); break;
    case AMF_EV_TRAITS:       on_traits(c, ev); break;
    case AMF_EV_FLAGS:        on_flags(c, ev); break;
    case AMF_EV_WARNING:      on_warning(c, ev); break;
    case AMF_EV_ERROR:        on_error(c, ev); break;
    case AMF_EV_PACKET_BEGIN: on_packet_begin(c, ev); break;
    case AMF_EV_PACKET_COUNT: on_packet_count(c, ev); break;
    case AMF_EV_PART_BEGIN:   on_part_begin(c, ev); break;
    case AMF_EV_PART_END:     on_part_end(c, ev); break;
    case AMF_EV_PACKET_END:   break;
    }
}

/* ---- entry point ----------------------------------------------------- */

static void *pool_realloc(void *ctx, void *ptr, size_t size)
{
    return wmem_realloc((wmem_allocator_t *)ctx, ptr, size);
}

static void pool_free(void *ctx, void *ptr)
{
    wmem_free((wmem_allocator_t *)ctx, ptr);
}

void amftcp_config_init(amf_config *cfg, wmem_allocator_t *pool)
{
    amf_config_init(cfg);
    cfg->alloc.realloc_fn = pool_realloc;
    cfg->alloc.free_fn = pool_free;
    cfg->alloc.ctx = pool;
}

amf_status amftcp_dissect_value(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                                proto_item *top_item, uint32_t offset, uint32_t length,
                                const amf_framing *framing, amftcp_summary *summary,
                                amf_flex *flex)
{
    /* amf.json is a second rendering of the message.  It is built when a
     * filter, a column or tshark -e (4.2 and later) asks for it, for the JSON
     * Lines listener, and for a visible tree, where a person may read it
     * (the GUI's packet details, -V, -T json; tshark 4.0 also makes -T
     * fields visible without saying which fields -e asks for).  A visible
     * tree that does not ask for it gets it only for messages up to
     * AMFTCP_JSON_VISIBLE_MAX, so one huge message does not cost several
     * times its size in memory for text nobody asked for. */
    bool visible = tree && PTREE_DATA(tree)->visible;
    bool json = (tree && field_asked(hf_amftcp_json)) || (summary && amftcp_jsonl_active()) ||
                (visible && length <= AMFTCP_JSON_VISIBLE_MAX);
    if (visible && !json) {
        proto_tree_add_expert_format(tree, pinfo, &ei_amftcp_json_not_built, tvb, offset, length,
                                     "amf.json not built for this message of %u bytes: ask for it "
                                     "in a filter or a column, or use -z amftcp,jsonl", length);
    }
    return decode_tree(tvb, pinfo, tree, top_item, offset, length, framing, summary, flex, json, 0);
}

static amf_status decode_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
                              proto_item *top_item, uint32_t offset, uint32_t length,
                              const amf_framing *framing, amftcp_summary *summary,
                              amf_flex *flex, bool want_json, unsigned nesting)
{
    tree_ctx c;
    memset(&c, 0, sizeof c);
    c.tvb = tvb;
    c.pinfo = pinfo;
    c.base = offset;
    c.root = tree;
    c.top_item = top_item;
    c.visible = tree && PTREE_DATA(tree)->visible;
    details_init(&c.want, tree);
    c.summary = summary;
    c.flex = flex;
    c.nesting = nesting;
    if (flex)
        amf_flex_init(flex);
    c.value = length ? tvb_get_ptr(tvb, offset, length) : (const uint8_t *)"";

    /* Packet scope: an exception thrown mid-decode (tree limits) frees it all. */
    amf_config cfg;
    amftcp_config_init(&cfg, pinfo->pool);
    cfg.max_depth = amftcp_pref_max_depth < AMF_MAX_DEPTH_CEILING ? amftcp_pref_max_depth
                                                                  : AMF_MAX_DEPTH_CEILING;
    cfg.max_message = length;

    amf_json json;
    if (want_json) {
        amf_json_init(&json, &cfg.alloc, length);
        c.json = &json;
    }
    if (tree || summary || flex) {
        cfg.sink = tree_event;
        cfg.user = &c;
    }

    amf_result res;
    if (framing->kind == AMF_FRAME_PACKET)
        amf_decode_packet(&cfg, c.value, length, true, &res);
    else
        amf_decode(&cfg, framing->version, c.value, length, true, &res);

    if (res.status == AMF_OK && res.length < length && framing->kind == AMF_FRAME_LENGTH) {
        proto_tree_add_expert_format(tree, pinfo, &ei_amftcp_trailing, tvb, offset + res.length,
                                     length - res.length,
                                     "%u bytes after the value, inside the message's length",
                                     length - res.length);
    }
    if (want_json) {
        if (json.refs_limited)
            proto_tree_add_expert(tree, pinfo, &ei_amftcp_json_refs, tvb, offset, length);
        size_t jlen;
        const char *text = amf_json_finish(&json, &jlen);
        if (summary && amftcp_jsonl_active())
            summary->json = wmem_strndup(pinfo->pool, text, jlen);
        proto_item *pi = proto_tree_add_string(tree, hf_amftcp_json, tvb, offset, length, text);
        proto_item_set_generated(pi);
        amf_json_free(&json);
    }
    return res.status;
}
