/* amf_external.c
 * Bodies of externalizable AMF3 objects whose layout is public: the Flex
 * collection wrappers, and BlazeDS's small messages (DSK, DSA, DSC).  Any other
 * externalizable class writes a private layout whose length cannot be known,
 * so decoding stops there.
 *
 * References: Flex SDK mx.collections.ArrayCollection/ArrayList and
 * mx.utils.ObjectProxy (readExternal: one AMF3 value); BlazeDS
 * flex.messaging.messages.AbstractMessage, AsyncMessage, AcknowledgeMessage,
 * CommandMessage readExternal (flag bytes).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf_decoder.h"

#include <string.h>

/* A flag byte with this bit set is followed by another flag byte. */
#define FLEX_FLAG_MORE 0x80u
/* Unknown flag bits name one more value each, up to this bit (BlazeDS reads
 * bits reservedPosition..5 for forward compatibility). */
#define FLEX_FLAG_LAST_SKIPPABLE_BIT 5

/* Classes whose body is a single AMF3 value. */
static const char *const wrapper_classes[] = {
    "flex.messaging.io.ArrayCollection",
    "flex.messaging.io.ArrayList",
    "flex.messaging.io.ObjectProxy",
};

/* One level of a small message's readExternal: its flag groups name the
 * fields below, by group and bit. */
typedef struct flex_level {
    const char *name;            /* "AbstractMessage", ... */
    const char *fields[2][7];    /* [group][bit]: NULL for a bit it does not know */
} flex_level;

static const flex_level level_abstract = {
    "AbstractMessage",
    { { "body", "clientId", "destination", "headers", "messageId", "timestamp", "timeToLive" },
      { "clientIdBytes", "messageIdBytes" } },
};
static const flex_level level_async = {
    "AsyncMessage",
    { { "correlationId", "correlationIdBytes" } },
};
static const flex_level level_acknowledge = { "AcknowledgeMessage", { { NULL } } };
static const flex_level level_command = { "CommandMessage", { { "operation" } } };

typedef struct flex_small_class {
    const char       *alias;
    const flex_level *levels[3];
} flex_small_class;

static const flex_small_class small_classes[] = {
    { "DSA", { &level_abstract, &level_async, NULL } },
    { "DSK", { &level_abstract, &level_async, &level_acknowledge } },
    { "DSC", { &level_abstract, &level_async, &level_command } },
};

static bool str_is(amf_str s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.ptr, text, n) == 0;
}

static void field_slot(amf_slot *slot, const char *name)
{
    memset(slot, 0, sizeof *slot);
    slot->role = AMF_ROLE_MEMBER;
    slot->name.ptr = name;
    slot->name.len = (uint32_t)strlen(name);
}

/* Names for values behind flag bits no level knows: static, so the events can
 * point at them. */
static const char *const unknown_field_names[8] = {
    "unknown field (bit 0)", "unknown field (bit 1)", "unknown field (bit 2)",
    "unknown field (bit 3)", "unknown field (bit 4)", "unknown field (bit 5)",
    "unknown field (bit 6)", "unknown field (bit 7)",
};

/* One level: its flag bytes, then the fields they announce, group by group. */
static void decode_flex_level(amf_dec *d, const flex_level *level, uint32_t *fields)
{
    uint32_t flags_offset = d->r.pos;
    uint32_t groups = 0;
    uint8_t b;
    do {
        b = amf_read_u8(&d->r);
        if (!amf_dec_ok(d))
            return;
        if (amf_dec_has_sink(d)) {
            amf_event ev;
            memset(&ev, 0, sizeof ev);
            ev.kind = AMF_EV_FLAGS;
            ev.depth = d->depth;
            ev.version = AMF_VERSION_3;
            ev.offset = d->r.pos - 1;
            ev.length = 1;
            ev.uinteger = b;
            ev.index = groups;
            ev.name.ptr = level->name;
            ev.name.len = (uint32_t)strlen(level->name);
            amf_emit(d, &ev);
        }
        groups++;
    } while (b & FLEX_FLAG_MORE);

    for (uint32_t g = 0; g < groups; g++) {
        uint8_t flags = d->r.buf[flags_offset + g];
        unsigned known = 0;
        if (g < 2) {
            while (known < 7 && level->fields[g][known])
                known++;
        }
        amf_slot slot;
        for (unsigned bit = 0; bit < known; bit++) {
            if (!(flags & (1u << bit)))
                continue;
            field_slot(&slot, level->fields[g][bit]);
            amf3_decode_value(d, &slot);
            if (!amf_dec_ok(d)) {
                amf_emit_error_once(d, &slot);
                return;
            }
            (*fields)++;
        }
        if (((flags & ~FLEX_FLAG_MORE) >> known) == 0)
            continue;
        amf_emit_warning(d, AMF_WARN_FLEX_FLAGS, flags_offset + g, 1,
                         "%s flag byte %u (0x%02x) sets bits this decoder does not know",
                         level->name, g, flags);
        for (unsigned bit = known; bit <= FLEX_FLAG_LAST_SKIPPABLE_BIT; bit++) {
            if (!(flags & (1u << bit)))
                continue;
            field_slot(&slot, unknown_field_names[bit]);
            amf3_decode_value(d, &slot);
            if (!amf_dec_ok(d)) {
                amf_emit_error_once(d, &slot);
                return;
            }
            (*fields)++;
        }
    }
}

bool amf3_decode_external(amf_dec *d, const amf_event *begin)
{
    amf_str cls = begin->class_name;
    for (size_t i = 0; i < sizeof wrapper_classes / sizeof *wrapper_classes; i++) {
        if (!str_is(cls, wrapper_classes[i]))
            continue;
        amf_slot slot;
        memset(&slot, 0, sizeof slot);
        slot.role = AMF_ROLE_EXTERNAL;
        amf3_decode_value(d, &slot);
        amf_emit_error_once(d, &slot);
        return true;
    }
    for (size_t i = 0; i < sizeof small_classes / sizeof *small_classes; i++) {
        if (!str_is(cls, small_classes[i].alias))
            continue;
        uint32_t fields = 0;
        for (int l = 0; l < 3 && small_classes[i].levels[l] && amf_dec_ok(d); l++)
            decode_flex_level(d, small_classes[i].levels[l], &fields);
        return true;
    }
    amf_reader_fail(&d->r, AMF_UNSUPPORTED, AMF_ERR_EXTERNALIZABLE, begin->offset,
                    "unknown externalizable class %.*s at offset %u: its body has a private "
                    "layout, so the rest of the message cannot be decoded",
                    (int)(cls.len > 100 ? 100 : cls.len), cls.ptr, begin->offset);
    return false;
}
