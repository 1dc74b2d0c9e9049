/* test_util.h
 * Helpers shared by the core's unit tests: checks that report file:line and
 * both values, a recorded decode (events, JSON, result), byte vectors written
 * as hex, and a small JSON validator.  No test framework.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include "amf.h"
#include "amf_frame.h"
#include "amf_json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- checks ---------------------------------------------------------- */

extern unsigned long test_checks;
extern unsigned long test_failures;

/* What the following checks are about (printed with each failure). */
void test_context(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

bool check_true(const char *file, int line, const char *expr, bool ok);
bool check_int(const char *file, int line, const char *ea, long long a, const char *eb, long long b);
bool check_uint(const char *file, int line, const char *ea, unsigned long long a,
                const char *eb, unsigned long long b);
bool check_dbl(const char *file, int line, const char *ea, double a, const char *eb, double b);
bool check_str(const char *file, int line, const char *ea, const char *a, const char *eb, const char *b);
bool check_mem(const char *file, int line, const char *ea, const void *a, size_t alen,
               const char *eb, const void *b, size_t blen);

#define CHECK(cond)        check_true(__FILE__, __LINE__, #cond, (cond))
#define CHECK_INT(a, b)    check_int(__FILE__, __LINE__, #a, (long long)(a), #b, (long long)(b))
#define CHECK_UINT(a, b)   check_uint(__FILE__, __LINE__, #a, (unsigned long long)(a), #b, \
                                      (unsigned long long)(b))
#define CHECK_DBL(a, b)    check_dbl(__FILE__, __LINE__, #a, (a), #b, (b))
#define CHECK_STR(a, b)    check_str(__FILE__, __LINE__, #a, (a), #b, (b))
#define CHECK_MEM(a, alen, b, blen) check_mem(__FILE__, __LINE__, #a, (a), (alen), #b, (b), (blen))
/* An amf_str against C text. */
#define CHECK_ASTR(s, text) check_mem(__FILE__, __LINE__, #s, (s).ptr, (s).len, #text, (text), \
                                      strlen(text))

/* A bound on CPU seconds for work that must stay linear: `seconds` on a
 * plain build, more under AddressSanitizer or Valgrind (which slow
 * everything alike; runaway work is slower by orders of magnitude).
 * AMFTCP_TEST_TIME_SCALE overrides the factor. */
double time_bound(double seconds);

/* ---- byte vectors ---------------------------------------------------- */

/* "0a 0b 01" -> bytes (spaces ignored; "'abc'" quotes text as its bytes).
 * The buffer lives until test_free_all(). */
const uint8_t *H(const char *hex, size_t *len);
void *test_alloc(size_t n);          /* freed by test_free_all() */
void test_free_all(void);
/* Read a whole file (freed by test_free_all); NULL if missing. */
uint8_t *read_file(const char *path, size_t *len);

/* ---- recorded decodes ------------------------------------------------ */

/* What to decode with: amf_decode (AMF0, AMF3) or amf_decode_packet. */
typedef enum test_mode {
    MODE_AMF0 = 0,
    MODE_PACKET = 1,
    MODE_AMF3 = 3
} test_mode;

#define REC_MAX_SEALED 8

typedef struct rec_event {
    amf_event       ev;
    char            message[200];          /* ev.message copied */
    amf_traits_name sealed[REC_MAX_SEALED]; /* ev.sealed copied (first ones) */
} rec_event;

typedef struct decoded {
    size_t     buf_len;            /* bytes decoded */
    amf_status status;
    amf_result res;
    rec_event *ev;                 /* NULL unless events were recorded */
    size_t     n, cap;
    size_t     n_events;           /* counted even when not recorded */
    char      *json;               /* NUL-terminated copy */
    size_t     json_len;
    bool       refs_limited;
    double     seconds;            /* CPU time of the decode */
} decoded;

enum {
    DEC_EVENTS = 1,                /* record every event */
    DEC_JSON = 2                   /* render amf.json */
};

/* Decode buf with the events and/or JSON recorded.  cfg may be NULL (the
 * defaults); its sink is replaced. */
void decode_rec(decoded *d, test_mode mode, const uint8_t *buf, size_t len, bool complete,
                int what, const amf_config *cfg);
void decoded_free(decoded *d);
/* The same decode with no sink (measuring). */
amf_status decode_measure(test_mode mode, const uint8_t *buf, size_t len, bool complete,
                          const amf_config *cfg, amf_result *res);

/* Index of the n-th (from 0) event of a kind, or -1. */
int find_event(const decoded *d, amf_event_kind kind, int nth);
/* Number of events of a kind (and, if err != AMF_ERR_NONE, with that error). */
int count_events(const decoded *d, amf_event_kind kind, amf_error err);

/* Check the shape of the event stream: every span inside the buffer,
 * BEGIN/END and PART/PACKET pairs nest, depths match, exactly one ERROR
 * when and only when the status is not OK, after it only ENDs flagged
 * truncated, before it none.  Returns false after reporting the first
 * problem. */
bool check_event_shape(const char *file, int line, const decoded *d);
#define CHECK_SHAPE(d) check_event_shape(__FILE__, __LINE__, (d))

/* Decode (complete) and check the status, error, JSON text (json NULL: not
 * compared), JSON validity, event shape, and that a measuring decode
 * agrees.  OK also means the whole buffer was used.  The decode is left in
 * *out when out is not NULL (the caller frees it). */
bool expect_decode(const char *file, int line, test_mode mode, const uint8_t *buf, size_t len,
                   amf_status status, amf_error err, const char *json, decoded *out);
bool expect_hex(const char *file, int line, test_mode mode, const char *hex, amf_status status,
                amf_error err, const char *json, decoded *out);
#define EXPECT_JSON(mode, hex, json) \
    expect_hex(__FILE__, __LINE__, (mode), (hex), AMF_OK, AMF_ERR_NONE, (json), NULL)
#define EXPECT_JSON_D(mode, hex, json, d) \
    expect_hex(__FILE__, __LINE__, (mode), (hex), AMF_OK, AMF_ERR_NONE, (json), (d))
#define EXPECT_FAIL(mode, hex, status, err, json) \
    expect_hex(__FILE__, __LINE__, (mode), (hex), (status), (err), (json), NULL)
#define EXPECT_FAIL_D(mode, hex, status, err, json, d) \
    expect_hex(__FILE__, __LINE__, (mode), (hex), (status), (err), (json), (d))

/* ---- JSON ------------------------------------------------------------ */

/* RFC 8259 syntax, strings valid UTF-8 with valid escapes.  why: a short
 * reason on failure (may be NULL). */
bool json_valid(const char *s, size_t n, char *why, size_t why_len);
#define CHECK_JSON_VALID(s, n) check_json_valid(__FILE__, __LINE__, (s), (n))
bool check_json_valid(const char *file, int line, const char *s, size_t n);

/* ---- suites ---------------------------------------------------------- */

void test_fixtures(const char *vectors_dir);
void test_amf3_spec(void);
void test_amf0_spec(void);
void test_external(void);
void test_packet(void);
void test_spans(void);
void test_truncation(const char *vectors_dir);
void test_hostile(void);
void test_frame(void);
void test_evidence(void);
void test_json_unit(void);
void test_regressions(void);
void test_measure(void);
void test_text(void);
void test_envelope(void);

#endif /* TEST_UTIL_H */
