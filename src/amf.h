/* amf.h
 * The AMF core: decodes AMF0 and AMF3 values from a byte buffer into a stream
 * of events with exact byte spans.  Plain C11 and GLib, no Wireshark headers.
 *
 * Specifications:
 *   AMF0: https://rtmp.veriskope.com/pdf/amf0-file-format-specification.pdf
 *   AMF3: https://rtmp.veriskope.com/pdf/amf3-file-format-spec.pdf
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * How to use it: fill an amf_config (amf_config_init gives the defaults),
 * point it at an event sink, and call amf_decode() on a buffer that holds one
 * value.  The decoder calls the sink for every value it meets, in wire order,
 * and returns once: AMF_OK with the value's length, AMF_NEED_MORE with how
 * many more bytes are known to be missing, or an error.  Every event's
 * strings point into the caller's buffer (or at static text), so they live as
 * long as the buffer does.  A decode with a NULL sink only measures.
 */
#ifndef AMF_H
#define AMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Types, as users name them (the same for AMF0 and AMF3) ---------- */

/* Values of amf.type: stable, never renumber. */
typedef enum amf_type {
    AMF_TYPE_UNDEFINED = 1,
    AMF_TYPE_NULL,
    AMF_TYPE_BOOLEAN,
    AMF_TYPE_INTEGER,
    AMF_TYPE_NUMBER,
    AMF_TYPE_STRING,          /* also AMF0 long string */
    AMF_TYPE_DATE,
    AMF_TYPE_OBJECT,          /* anonymous, typed and externalizable */
    AMF_TYPE_ECMA_ARRAY,
    AMF_TYPE_ARRAY,           /* AMF0 strict array, AMF3 array */
    AMF_TYPE_XML_DOCUMENT,
    AMF_TYPE_XML,
    AMF_TYPE_BYTE_ARRAY,
    AMF_TYPE_VECTOR_INT,
    AMF_TYPE_VECTOR_UINT,
    AMF_TYPE_VECTOR_NUMBER,
    AMF_TYPE_VECTOR_OBJECT,
    AMF_TYPE_DICTIONARY,
    AMF_TYPE_UNSUPPORTED,
    AMF_TYPE_MOVIECLIP,
    AMF_TYPE_RECORDSET,
    AMF_TYPE_COUNT_           /* not a type: one past the last */
} amf_type;

/* "Object", "Vector int", ...: the label users filter on. */
const char *amf_type_name(amf_type type);
/* The specification's name of a wire marker: "object-marker" style, short. */
const char *amf_marker_name(int version, uint8_t marker);

/* AMF3 markers (AMF3 spec 3.1). */
enum {
    AMF3_UNDEFINED = 0x00, AMF3_NULL = 0x01, AMF3_FALSE = 0x02, AMF3_TRUE = 0x03,
    AMF3_INTEGER = 0x04, AMF3_DOUBLE = 0x05, AMF3_STRING = 0x06,
    AMF3_XML_DOC = 0x07, AMF3_DATE = 0x08, AMF3_ARRAY = 0x09, AMF3_OBJECT = 0x0A,
    AMF3_XML = 0x0B, AMF3_BYTE_ARRAY = 0x0C, AMF3_VECTOR_INT = 0x0D,
    AMF3_VECTOR_UINT = 0x0E, AMF3_VECTOR_DOUBLE = 0x0F, AMF3_VECTOR_OBJECT = 0x10,
    AMF3_DICTIONARY = 0x11
};

/* AMF0 markers (AMF0 spec 2.1). */
enum {
    AMF0_NUMBER = 0x00, AMF0_BOOLEAN = 0x01, AMF0_STRING = 0x02, AMF0_OBJECT = 0x03,
    AMF0_MOVIECLIP = 0x04, AMF0_NULL = 0x05, AMF0_UNDEFINED = 0x06,
    AMF0_REFERENCE = 0x07, AMF0_ECMA_ARRAY = 0x08, AMF0_OBJECT_END = 0x09,
    AMF0_STRICT_ARRAY = 0x0A, AMF0_DATE = 0x0B, AMF0_LONG_STRING = 0x0C,
    AMF0_UNSUPPORTED = 0x0D, AMF0_RECORDSET = 0x0E, AMF0_XML_DOC = 0x0F,
    AMF0_TYPED_OBJECT = 0x10, AMF0_AVMPLUS = 0x11
};

typedef enum amf_version {
    AMF_VERSION_0 = 0,
    AMF_VERSION_3 = 3
} amf_version;

/* ---- Limits: each one a named default with its reason ---------------- */

/* Nesting deeper than this is hostile, not data: Flex/BlazeDS graphs rarely
 * pass 20 levels, and each level costs a C stack frame and a tree level
 * (Wireshark's own tree stops at 500 levels, frame to TCP included). */
#define AMF_DEFAULT_MAX_DEPTH       128
#define AMF_MAX_DEPTH_CEILING       400

/* Every value takes at least one byte, so a message holds at most as many
 * values as bytes; this caps the work on one message independently. */
#define AMF_DEFAULT_MAX_VALUES      (16u * 1024 * 1024)

/* The largest message a framing may claim (a preference in the plugin). */
#define AMF_DEFAULT_MAX_MESSAGE     (16u * 1024 * 1024)

/* ---- Results --------------------------------------------------------- */

typedef enum amf_status {
    AMF_OK = 0,        /* one whole value decoded */
    AMF_NEED_MORE,     /* buffer ends inside the value (only when not complete) */
    AMF_MALFORMED,     /* the bytes break the format */
    AMF_LIMIT,         /* a hard limit stopped decoding */
    AMF_UNSUPPORTED    /* valid AMF the core cannot walk (unknown externalizable) */
} amf_status;

/* Why decoding stopped (errors) or what looks wrong (warnings). */
typedef enum amf_error {
    AMF_ERR_NONE = 0,
    /* errors: decoding stops */
    AMF_ERR_TRUNCATED,          /* value runs past the end of the message */
    AMF_ERR_BAD_MARKER,         /* unknown or misplaced type marker */
    AMF_ERR_BAD_STRING_REF,     /* string reference past the string table */
    AMF_ERR_BAD_OBJECT_REF,     /* object reference past the object table */
    AMF_ERR_BAD_TRAIT_REF,      /* trait reference past the traits table */
    AMF_ERR_COUNT,              /* element count larger than the bytes left */
    AMF_ERR_BAD_VALUE,          /* a field with an impossible value */
    AMF_ERR_DEPTH_LIMIT,        /* nesting past the depth limit */
    AMF_ERR_VALUE_LIMIT,        /* more values than the work limit */
    AMF_ERR_SIZE_LIMIT,         /* longer than the largest message accepted */
    AMF_ERR_NO_MEMORY,          /* the allocator refused */
    AMF_ERR_EXTERNALIZABLE,     /* externalizable class of unknown layout */
    AMF_ERR_STOPPED,            /* the sink asked to stop (amf_config.stop) */
    /* warnings: decoding goes on */
    AMF_WARN_FIRST_,
    AMF_WARN_UTF8 = AMF_WARN_FIRST_, /* string is not valid UTF-8 */
    AMF_WARN_RESERVED_MARKER,   /* AMF0 movieclip or recordset */
    AMF_WARN_REF_TYPE,          /* reference to an entry of another type */
    AMF_WARN_TRAILING,          /* bytes left in a frame after its value */
    AMF_WARN_FLEX_FLAGS,        /* Flex message flag bits this decoder does not know */
    AMF_WARN_JSON_REFS,         /* amf.json wrote references as $ref to stay bounded */
    AMF_ERROR_COUNT_
} amf_error;

const char *amf_error_name(amf_error err);

/* ---- Events ---------------------------------------------------------- */

typedef enum amf_event_kind {
    AMF_EV_SCALAR,      /* a value with no children */
    AMF_EV_BEGIN,       /* a container: its children follow, then AMF_EV_END */
    AMF_EV_END,         /* the innermost open container ends */
    AMF_EV_REFERENCE,   /* an object-table reference, resolved to its target */
    AMF_EV_TRAITS,      /* AMF3 traits of the object just begun */
    AMF_EV_FLAGS,       /* one flag byte of a Flex small message */
    AMF_EV_WARNING,     /* something wrong that does not stop decoding */
    AMF_EV_ERROR,       /* decoding stops here; open containers end truncated */
    /* AMF packet envelope (amf_decode_packet) */
    AMF_EV_PACKET_BEGIN,/* version in integer, header count in count */
    AMF_EV_PART_BEGIN,  /* a header or message: its value follows (role BODY) */
    AMF_EV_PART_END,
    AMF_EV_PACKET_COUNT,/* the message count field, between headers and messages */
    AMF_EV_PACKET_END
} amf_event_kind;

/* AMF_EV_PART_BEGIN: which part of the envelope. */
typedef enum amf_part {
    AMF_PART_HEADER,    /* name in name, must-understand in boolean */
    AMF_PART_MESSAGE    /* target URI in name, response URI in str */
} amf_part;

/* Where a value sits in its parent. */
typedef enum amf_role {
    AMF_ROLE_TOP,       /* the message's value itself */
    AMF_ROLE_ELEMENT,   /* dense/strict array or vector element, index set */
    AMF_ROLE_MEMBER,    /* object member or associative key, name set */
    AMF_ROLE_DICT_KEY,  /* dictionary entry key, index set */
    AMF_ROLE_DICT_VALUE,/* dictionary entry value, index set */
    AMF_ROLE_EXTERNAL,  /* the value an externalizable object wraps */
    AMF_ROLE_BODY       /* the value of an envelope header or message */
} amf_role;

/* A string: bytes in the decoded buffer (or static text), not NUL-terminated. */
typedef struct amf_str {
    const char *ptr;
    uint32_t    len;
} amf_str;

/* Event flags. */
#define AMF_F_DYNAMIC        0x0001u  /* object: dynamic members follow sealed ones */
#define AMF_F_EXTERNALIZABLE 0x0002u  /* object: body written by the class itself */
#define AMF_F_TRAIT_REF      0x0004u  /* object: traits sent as a reference */
#define AMF_F_FIXED          0x0008u  /* vector: fixed length */
#define AMF_F_WEAK           0x0010u  /* dictionary: weak keys */
#define AMF_F_AVMPLUS        0x0020u  /* value preceded by the AMF0 AVM+ marker: span starts there */
#define AMF_F_TRUNCATED      0x0040u  /* END: container stopped by an error */
#define AMF_F_CYCLE          0x0080u  /* REFERENCE: target is still open (an ancestor) */
#define AMF_F_STRING_REF     0x0100u  /* SCALAR string: sent as a string-table reference */
#define AMF_F_NAME_REF       0x0200u  /* member name sent as a string-table reference */
#define AMF_F_BAD_UTF8       0x0400u  /* str (value or name) is not valid UTF-8 */
#define AMF_F_ASSOC          0x0800u  /* BEGIN array: has an associative part */
#define AMF_F_LONG           0x1000u  /* AMF0 long string */
#define AMF_F_NO_MARKER      0x2000u  /* vector element: no marker on the wire */

typedef struct amf_traits_name {
    amf_str  name;
    uint32_t offset, length;     /* wire span of the name (a reference's bytes if sent by reference) */
} amf_traits_name;

/* One event.  Fields not meaningful for a kind are zero. */
typedef struct amf_event {
    amf_event_kind kind;
    uint32_t depth;              /* 0 for the top-level value */
    uint32_t flags;              /* AMF_F_* */

    /* Position in the parent (SCALAR, BEGIN, REFERENCE, ERROR). */
    amf_role role;
    uint32_t index;              /* ELEMENT, DICT_KEY, DICT_VALUE */
    amf_str  name;               /* MEMBER: the member name, resolved */
    uint32_t name_offset;        /* wire span of the name; length 0 when the */
    uint32_t name_length;        /*   name is not here (sealed: in the traits) */
    uint32_t name_ref;           /* string-table index, with AMF_F_NAME_REF */

    /* The value. */
    amf_version version;         /* encoding of this value */
    uint8_t  marker;             /* wire marker */
    amf_type type;               /* for REFERENCE: the target's type */
    uint32_t offset, length;     /* wire span: SCALAR/REFERENCE whole value, BEGIN its header,
                                    END the whole container, ERROR from the failing value to the end */
    uint32_t data_offset;        /* payload span: string bytes, the double, the U29, */
    uint32_t data_length;        /*   a reference's index bytes */
    bool     boolean;
    int32_t  integer;            /* AMF3 integer, vector int, Flex operation */
    uint32_t uinteger;           /* vector uint */
    double   number;             /* number, vector Number, date (ms since 1970 UTC) */
    int16_t  timezone;           /* AMF0 date time-zone field (minutes), as sent */
    amf_str  str;                /* string, XML text, ByteArray bytes; PART_BEGIN: response URI */
    uint32_t str_offset;         /* PART_BEGIN: wire span of the response URI */
    uint32_t str_length;
    uint32_t str_ref;            /* string-table index, with AMF_F_STRING_REF */

    /* Containers and references. */
    amf_str  class_name;         /* typed object class; empty for anonymous */
    amf_str  element_type;       /* Vector.<Object> element type name */
    uint32_t count;              /* BEGIN: declared count (dense length, elements, entries,
                                    sealed members, ECMA hint); END: children decoded */
    uint32_t object_index;       /* BEGIN/SCALAR in the object table: its index; REFERENCE: the index sent */
    uint32_t node;               /* message-wide id (from 1) of an object-table entry, AMF0
                                    and AMF3 tables together; 0: not in a table;
                                    REFERENCE: the target's */
    uint32_t target_offset;      /* REFERENCE: where the target starts */
    uint32_t target_length;      /*   and its length (0 while it is open) */
    uint32_t end_offset;         /* END: span of the end marker (empty string, 0x000009); */
    uint32_t end_length;         /*   length 0 if none */

    /* TRAITS */
    uint32_t trait_index;        /* index in the traits table (sent or assigned) */
    uint32_t sealed_count;
    const amf_traits_name *sealed; /* sealed member names */

    /* PART_BEGIN: which part; index among parts of its kind, count of them;
       the length field in uinteger (0xFFFFFFFF: unknown), its span in
       data_offset/data_length */
    amf_part part;

    /* FLAGS: the flag byte in uinteger, its group in index, the message
       level it belongs to ("AbstractMessage", ...) in name */

    /* WARNING / ERROR */
    amf_error   error;
    amf_status  status;
    const char *message;         /* human-readable, valid until the next event */
} amf_event;

typedef void (*amf_event_fn)(void *user, const amf_event *ev);

/* ---- Allocation ------------------------------------------------------ */

/* The core allocates only reference tables and JSON text, and only for bytes
 * that exist.  The plugin passes Wireshark's packet scope so that an exception
 * thrown mid-decode frees everything; the default is realloc/free. */
typedef struct amf_allocator {
    void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
    void  (*free_fn)(void *ctx, void *ptr);
    void   *ctx;
} amf_allocator;

/* ---- Decoding -------------------------------------------------------- */

typedef struct amf_config {
    uint32_t      max_depth;     /* AMF_DEFAULT_MAX_DEPTH */
    uint32_t      max_values;    /* AMF_DEFAULT_MAX_VALUES */
    uint32_t      max_message;   /* AMF_DEFAULT_MAX_MESSAGE: NEED_MORE past it is LIMIT */
    amf_allocator alloc;
    amf_event_fn  sink;          /* NULL: measure only */
    void         *user;
    const bool   *stop;          /* the sink sets *stop to end decoding early (may be NULL) */
} amf_config;

void amf_config_init(amf_config *cfg);

typedef struct amf_result {
    amf_status status;
    amf_error  error;
    uint32_t   length;           /* OK: the value's length; else where decoding stopped */
    uint32_t   need;             /* NEED_MORE: at least this many more bytes */
    uint32_t   values;           /* values decoded */
    char       message[200];     /* the error, for people */
} amf_result;

/* Decode one value of `version` at the start of buf.  complete: no byte will
 * ever follow buf[len-1] (a framed message): running out is then AMF_MALFORMED,
 * otherwise AMF_NEED_MORE. */
amf_status amf_decode(const amf_config *cfg, amf_version version,
                      const uint8_t *buf, size_t len, bool complete,
                      amf_result *res);

/* Text forms shared by amf.json and the tree (amf_text.c). */
#define AMF_NUMBER_TEXT_MAX 32
#define AMF_DATE_TEXT_MAX   40
/* Shortest text that reads back as v ("NaN", "Infinity" for those). */
void amf_format_number(double v, char *buf, size_t n);
/* "2012-11-09T17:34:56.789Z"; false (and "") outside years 1-9999. */
bool amf_format_date(double ms, char *buf, size_t n);

/* Decode one AMF packet envelope (Flash Remoting: version, headers,
 * messages) at the start of buf.  Each header and message value starts with
 * fresh reference tables. */
amf_status amf_decode_packet(const amf_config *cfg, const uint8_t *buf, size_t len,
                             bool complete, amf_result *res);

#ifdef __cplusplus
}
#endif

#endif /* AMF_H */
