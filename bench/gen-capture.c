/* gen-capture.c
 * Writes the benchmark's captures: many concurrent TCP connections,
 * interleaved segment by segment, of one of these kinds:
 *
 *   amf       AMF3 over raw TCP: u32 big-endian length + one AMF3 value, the
 *             game/chat traffic of traffic.h, on ports no dissector owns
 *             (the amftcp heuristic finds it).
 *   other     TCP that is not AMF, on ports no dissector owns, so every
 *             heuristic runs on it: HTTP/1.1, TLS-like records, random
 *             binary messages.
 *   builtin   The same AMF3 values as `amf` (same seed and plan), carried
 *             the way Wireshark's own AMF decoder reads them: HTTP on port
 *             80 with Content-Type: application/x-amf, each body an AMF
 *             packet envelope with one message whose body is the AVM+
 *             marker 0x11 followed by the AMF3 value.  The request value is
 *             a POST; the first answer value its response; further answer
 *             values come as responses to GET polls (the built-in decoder
 *             loses its way in envelopes of several AMF3 messages, so each
 *             value has its own).
 *   large-records, large-bytes
 *             One connection carrying one large AMF3 message (--size is
 *             then the value's size, up to 64 MiB; amftcp's default limit
 *             is 16 MiB): a leaderboard of many typed objects, or an object
 *             wrapping one ByteArray.
 *
 *   gen-capture --kind KIND --size SIZE --out FILE [--seed N] [--conns N]
 *               [--exchanges N] [--plan-size SIZE]
 *
 * SIZE takes decimal suffixes: 100M is 100,000,000 bytes, 1G is 10^9 (so
 * 1G is exactly ten times 100M).  For amf/other the capture stops taking
 * new work once the file reaches SIZE; connections then finish what they
 * were sending and close.  builtin carries exactly the exchanges the amf
 * capture of the same --seed and --plan-size carried (--exchanges N, which
 * the amf run prints), so the two hold the very same AMF3 values.
 *
 * Statistics go to stdout as key=value lines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf3_writer.h"
#include "pcap_tcp.h"
#include "traffic.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_CONNS 64u
#define MAX_CONNS     4096u
/* Segments a connection sends per turn: a bulk transfer's congestion
 * window, so large messages do not take the whole capture to finish. */
#define BURST_SEGMENTS 16u
/* Exchanges over one connection before it closes and a new one opens. */
#define CONN_EXCHANGES_MIN 50u
#define CONN_EXCHANGES_SPAN 1950u
/* Capture clock start: 2024-03-01T12:00:00Z. */
#define START_US 1709294400000000ull

typedef enum kind {
    KIND_AMF, KIND_OTHER, KIND_BUILTIN, KIND_LARGE_RECORDS, KIND_LARGE_BYTES
} kind;

typedef struct options {
    kind     kind;
    uint64_t size;
    uint64_t plan_size;          /* 0: size */
    uint64_t seed;
    uint32_t conns;
    uint64_t exchanges;          /* 0: until size */
    const char *out;
} options;

/* Counters reported at the end. */
typedef struct stats {
    uint64_t connections;
    uint64_t exchanges;
    uint64_t amf_values;
    uint64_t amf_bytes;          /* AMF3 value bytes, framing and envelopes excluded */
    uint64_t large_messages;
    uint64_t large_bytes;
    uint64_t largest;
} stats;

/* ---- connections ----------------------------------------------------- */

typedef enum app_state {
    APP_IDLE,                    /* ready for the next exchange */
    APP_REQUEST,                 /* the client's write is going out */
    APP_ANSWER                   /* the server's write is going out */
} app_state;

typedef enum other_proto { OTHER_HTTP, OTHER_TLS, OTHER_BINARY } other_proto;

/* One slot of the concurrent connections. */
typedef struct app_conn {
    tcp_conn    tcp;
    app_state   state;
    uint32_t    exchanges_left;  /* before this connection closes */
    uint32_t    exchanges_done;
    traffic_exchange ex;         /* the exchange in flight (amf, builtin) */
    uint32_t    answered;        /* builtin: answer values sent so far */
    other_proto proto;           /* other */
    uint64_t    rng;
} app_conn;

typedef struct generator {
    options       opt;
    pcap_out      out;
    traffic_model model;
    amf3_writer   w;             /* scratch for encoding */
    amf3_writer   body;          /* scratch for envelopes */
    app_conn     *conns;
    uint64_t      rng;
    uint64_t      next_exchange;
    uint32_t      next_client;   /* distinct client address/port per connection */
    bool          stopping;
    uint64_t      queued;        /* bytes applications wrote into TCP queues */
    stats         st;
} generator;

static void die(const char *msg)
{
    fprintf(stderr, "gen-capture: %s\n", msg);
    exit(2);
}

static uint16_t server_port(const generator *g, const app_conn *c)
{
    static const uint16_t amf_ports[] = { 9339, 9933, 8765 };
    switch (g->opt.kind) {
    case KIND_BUILTIN:
        return 80;
    case KIND_OTHER:
        return c->proto == OTHER_HTTP ? 8123 : c->proto == OTHER_TLS ? 8444 : 7777;
    default:
        return amf_ports[g->next_client % 3];
    }
}

static void open_conn(generator *g, app_conn *c)
{
    memset(c, 0, sizeof *c);
    c->rng = traffic_rand(&g->rng);
    if (g->opt.kind == KIND_OTHER) {
        uint32_t r = traffic_below(&c->rng, 100);
        c->proto = r < 40 ? OTHER_HTTP : r < 75 ? OTHER_TLS : OTHER_BINARY;
    }
    uint32_t n = g->next_client++;
    /* Clients 10.1.0.0/16, ports 50000-56999 (no dissector owns them). */
    uint32_t client_ip = 0x0A010000u | ((n / 7000) & 0xFFFF);
    uint16_t client_port = (uint16_t)(50000 + n % 7000);
    uint32_t server_ip = 0x0A000001u + (n % 4);
    tcp_conn_init(&c->tcp, client_ip, client_port, server_ip, server_port(g, c),
                  traffic_rand(&g->rng));
    c->exchanges_left = CONN_EXCHANGES_MIN + traffic_below(&c->rng, CONN_EXCHANGES_SPAN);
    tcp_handshake(&g->out, &c->tcp);
    g->st.connections++;
}

/* ---- AMF over raw TCP ------------------------------------------------ */

static void count_value(generator *g, size_t n)
{
    g->st.amf_values++;
    g->st.amf_bytes += n;
    if (n > g->st.largest)
        g->st.largest = n;
}

/* One framed value (u32 big-endian length + value) appended to g->w. */
static void frame_value(generator *g, const traffic_exchange *ex, uint32_t which)
{
    size_t at = g->w.len;
    amf3w_raw_u32(&g->w, 0);
    traffic_write_value(ex, which, &g->w);
    size_t n = amf3w_message_length(&g->w);
    amf3w_patch_u32(&g->w, at, (uint32_t)n);
    count_value(g, n);
}

static void amf_request(generator *g, app_conn *c)
{
    amf3w_clear(&g->w);
    frame_value(g, &c->ex, 0);
    tcp_write(&c->tcp, 0, g->w.buf, g->w.len);
}

static void amf_answer(generator *g, app_conn *c)
{
    amf3w_clear(&g->w);
    for (uint32_t v = 1; v <= c->ex.n_answer; v++)
        frame_value(g, &c->ex, v);
    if (c->ex.large) {
        g->st.large_messages++;
        g->st.large_bytes += g->w.len - 4;
    }
    tcp_write(&c->tcp, 1, g->w.buf, g->w.len);
}

/* ---- AMF in HTTP bodies (Wireshark's built-in decoder) ---------------- */

/* An AMF packet envelope (AMF0 spec 4.1, Flash Remoting) with one message
 * whose body is value `which` of the exchange: 0x11 + the AMF3 value. */
static void envelope(generator *g, const traffic_exchange *ex, uint32_t which, uint32_t call_id)
{
    amf3_writer *b = &g->body;
    amf3w_clear(b);
    amf3w_raw_u16(b, 3);                    /* AMF3-era client */
    amf3w_raw_u16(b, 0);                    /* no headers */
    amf3w_raw_u16(b, 1);                    /* one message */
    char target[64], response[32];
    int tn, rn;
    if (which > 0) {
        tn = snprintf(target, sizeof target, "/%u/onResult", call_id);
        rn = snprintf(response, sizeof response, "null");
    } else {
        tn = snprintf(target, sizeof target, "GameService.call");
        rn = snprintf(response, sizeof response, "/%u", call_id);
    }
    amf3w_raw_u16(b, (uint16_t)tn);
    amf3w_raw(b, target, (size_t)tn);
    amf3w_raw_u16(b, (uint16_t)rn);
    amf3w_raw(b, response, (size_t)rn);
    size_t len_at = b->len;
    amf3w_raw_u32(b, 0);
    amf3w_raw_u8(b, 0x11);                  /* AVM+: an AMF3 value follows */
    traffic_write_value(ex, which, b);
    size_t n = amf3w_message_length(b);
    amf3w_patch_u32(b, len_at, (uint32_t)(n + 1));
    count_value(g, n);
}

static void http_request_amf(generator *g, app_conn *c)
{
    envelope(g, &c->ex, 0, c->exchanges_done + 1);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /messagebroker/amf HTTP/1.1\r\n"
                     "Host: game.example.com\r\n"
                     "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AdobeAIR/32.0\r\n"
                     "Content-Type: application/x-amf\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: keep-alive\r\n\r\n", g->body.len);
    uint8_t *p = tcp_write_reserve(&c->tcp, 0, (size_t)n + g->body.len);
    memcpy(p, head, (size_t)n);
    memcpy(p + n, g->body.buf, g->body.len);
    tcp_write_commit(&c->tcp, 0, (size_t)n + g->body.len);
}

/* A later answer value is fetched by a poll. */
static void http_poll(app_conn *c)
{
    static const char poll[] =
        "GET /messagebroker/poll HTTP/1.1\r\n"
        "Host: game.example.com\r\n"
        "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) AdobeAIR/32.0\r\n"
        "Connection: keep-alive\r\n\r\n";
    tcp_write(&c->tcp, 0, poll, sizeof poll - 1);
}

static void http_answer_amf(generator *g, app_conn *c)
{
    uint64_t before = g->st.amf_bytes;
    envelope(g, &c->ex, ++c->answered, c->exchanges_done + 1);
    if (c->ex.large) {
        g->st.large_messages++;
        g->st.large_bytes += g->st.amf_bytes - before;
    }
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\n"
                     "Server: Apache-Coyote/1.1\r\n"
                     "Content-Type: application/x-amf\r\n"
                     "Content-Length: %zu\r\n"
                     "Date: Fri, 01 Mar 2024 12:00:00 GMT\r\n\r\n", g->body.len);
    uint8_t *p = tcp_write_reserve(&c->tcp, 1, (size_t)n + g->body.len);
    memcpy(p, head, (size_t)n);
    memcpy(p + n, g->body.buf, g->body.len);
    tcp_write_commit(&c->tcp, 1, (size_t)n + g->body.len);
}

/* ---- TCP that is not AMF --------------------------------------------- */

static void fill_random(uint64_t *s, uint8_t *p, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v = traffic_rand(s);
        memcpy(p + i, &v, 8);
    }
    for (; i < n; i++)
        p[i] = (uint8_t)traffic_rand(s);
}

/* Text-like filler for HTML/JSON bodies. */
static void fill_text(uint64_t *s, uint8_t *p, size_t n)
{
    static const char text[] =
        "{\"id\":1234,\"name\":\"example\",\"tags\":[\"alpha\",\"beta\"],\"ok\":true} "
        "<div class=\"item\"><a href=\"/catalog/page/17\">Next page</a></div>\n";
    size_t off = traffic_below(s, sizeof text - 1);
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)text[off++];
        if (off == sizeof text - 1)
            off = 0;
    }
}

static void http_exchange_other(generator *g, app_conn *c, int d)
{
    (void)g;
    uint64_t *s = &c->rng;
    if (d == 0) {
        static const char *const paths[] = { "/", "/api/v2/items?page=3", "/static/app.js",
                                             "/download/patch-17.bin", "/catalog/page/17" };
        char head[512];
        int n = snprintf(head, sizeof head,
                         "GET %s HTTP/1.1\r\nHost: shop.example.net:8123\r\n"
                         "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0\r\n"
                         "Accept: */*\r\nAccept-Encoding: gzip, deflate\r\n"
                         "Cookie: session=%016" PRIx64 "\r\nConnection: keep-alive\r\n\r\n",
                         paths[traffic_below(s, 5)], traffic_rand(s));
        tcp_write(&c->tcp, 0, head, (size_t)n);
        return;
    }
    bool binary = traffic_below(s, 100) < 35;
    size_t body = binary ? 2000 + traffic_below(s, 200000) : 200 + traffic_below(s, 30000);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nCache-Control: max-age=600\r\n\r\n",
                     binary ? "application/octet-stream" : "application/json", body);
    uint8_t *p = tcp_write_reserve(&c->tcp, 1, (size_t)n + body);
    memcpy(p, head, (size_t)n);
    if (binary) {
        fill_random(s, p + n, body);
    } else {
        fill_text(s, p + n, body);
    }
    tcp_write_commit(&c->tcp, 1, (size_t)n + body);
}

/* TLS 1.2-style records: a handshake first, then application data. */
static void tls_exchange_other(generator *g, app_conn *c, int d)
{
    (void)g;
    uint64_t *s = &c->rng;
    size_t total = c->exchanges_done == 0 ? (d == 0 ? 517 : 3800)
                                          : (d == 0 ? 60 + traffic_below(s, 900)
                                                    : 200 + traffic_below(s, 60000));
    uint8_t type = c->exchanges_done == 0 ? 0x16 : 0x17;
    while (total > 0) {
        size_t rec = total > 16384 ? 16384 : total;
        uint8_t *p = tcp_write_reserve(&c->tcp, d, rec + 5);
        p[0] = type;
        p[1] = 0x03;
        p[2] = c->exchanges_done == 0 && d == 0 ? 0x01 : 0x03;
        p[3] = (uint8_t)(rec >> 8);
        p[4] = (uint8_t)rec;
        fill_random(s, p + 5, rec);
        if (type == 0x16)
            p[5] = d == 0 ? 0x01 : 0x02;    /* ClientHello / ServerHello */
        tcp_write_commit(&c->tcp, d, rec + 5);
        total -= rec;
    }
}

static void binary_exchange_other(generator *g, app_conn *c, int d)
{
    (void)g;
    uint64_t *s = &c->rng;
    size_t n = d == 0 ? 20 + traffic_below(s, 2000) : 20 + traffic_below(s, 20000);
    fill_random(s, tcp_write_reserve(&c->tcp, d, n), n);
    tcp_write_commit(&c->tcp, d, n);
}

static void other_write(generator *g, app_conn *c, int d)
{
    switch (c->proto) {
    case OTHER_HTTP:   http_exchange_other(g, c, d); break;
    case OTHER_TLS:    tls_exchange_other(g, c, d); break;
    case OTHER_BINARY: binary_exchange_other(g, c, d); break;
    }
}

/* ---- the schedule ---------------------------------------------------- */

static bool more_work(generator *g)
{
    if (g->stopping)
        return false;
    /* Bytes still queued will be written too: count them (with their
     * frame overhead, roughly) so the file ends close to --size. */
    uint64_t queued = g->queued - g->out.payload_bytes;
    uint64_t expected = g->out.bytes + queued + queued / TCP_MSS_PAYLOAD * 82;
    if (g->opt.exchanges ? g->next_exchange >= g->opt.exchanges : expected >= g->opt.size) {
        g->stopping = true;
        return false;
    }
    return true;
}

/* Start the next exchange on an idle connection: the client's write. */
static void start_exchange(generator *g, app_conn *c)
{
    size_t before = tcp_pending(&c->tcp, 0);
    switch (g->opt.kind) {
    case KIND_AMF:
    case KIND_BUILTIN:
        traffic_exchange_get(&g->model, g->next_exchange++, &c->ex);
        c->answered = 0;
        if (g->opt.kind == KIND_AMF)
            amf_request(g, c);
        else
            http_request_amf(g, c);
        break;
    default:
        g->next_exchange++;
        other_write(g, c, 0);
        break;
    }
    g->queued += tcp_pending(&c->tcp, 0) - before;
    g->st.exchanges++;
    c->state = APP_REQUEST;
}

static void answer(generator *g, app_conn *c)
{
    size_t before = tcp_pending(&c->tcp, 1);
    switch (g->opt.kind) {
    case KIND_AMF:     amf_answer(g, c); break;
    case KIND_BUILTIN: http_answer_amf(g, c); break;
    default:           other_write(g, c, 1); break;
    }
    g->queued += tcp_pending(&c->tcp, 1) - before;
    c->state = APP_ANSWER;
}

/* One turn of connection c.  false: the slot is empty for good. */
static bool turn(generator *g, app_conn *c)
{
    if (!c->tcp.open) {
        if (!more_work(g))
            return false;
        open_conn(g, c);
        return true;
    }
    if (tcp_pending(&c->tcp, 0)) {
        tcp_send_some(&g->out, &c->tcp, 0, BURST_SEGMENTS);
        return true;
    }
    if (c->state == APP_REQUEST) {
        /* Traffic that is not AMF may end unanswered: the capture then
         * stops close to --size.  AMF exchanges always complete, so the
         * builtin capture can carry the same values. */
        if (g->opt.kind != KIND_OTHER || more_work(g)) {
            answer(g, c);
            return true;
        }
        c->state = APP_IDLE;
    }
    if (tcp_pending(&c->tcp, 1)) {
        tcp_send_some(&g->out, &c->tcp, 1, BURST_SEGMENTS);
        return true;
    }
    if (c->state == APP_ANSWER && g->opt.kind == KIND_BUILTIN && c->answered < c->ex.n_answer) {
        http_poll(c);
        g->queued += tcp_pending(&c->tcp, 0);
        c->state = APP_REQUEST;
        return true;
    }
    if (c->state == APP_ANSWER) {
        c->state = APP_IDLE;
        c->exchanges_done++;
        c->exchanges_left--;
    }
    if (c->exchanges_left == 0 || !more_work(g)) {
        tcp_close_conn(&g->out, &c->tcp);
        tcp_conn_free(&c->tcp);
        if (!more_work(g))
            return false;
        return true;            /* reopened on its next turn */
    }
    start_exchange(g, c);
    return true;
}

static void run_streams(generator *g)
{
    uint32_t n = g->opt.conns;
    g->conns = calloc(n, sizeof *g->conns);
    uint32_t *live = malloc(n * sizeof *live);
    if (!g->conns || !live)
        die("out of memory");
    for (uint32_t i = 0; i < n; i++)
        live[i] = i;
    uint32_t n_live = n;
    while (n_live) {
        uint32_t pick = traffic_below(&g->rng, n_live);
        if (!turn(g, &g->conns[live[pick]])) {
            tcp_conn_free(&g->conns[live[pick]].tcp);
            live[pick] = live[--n_live];
        }
    }
    free(live);
    free(g->conns);
}

/* One connection, one small request, one large answer. */
static void run_large(generator *g)
{
    app_conn c;
    memset(&c, 0, sizeof c);
    tcp_conn_init(&c.tcp, 0x0A010001u, 50000, 0x0A000001u, 9339, g->opt.seed);
    tcp_handshake(&g->out, &c.tcp);
    g->st.connections = 1;
    g->st.exchanges = 1;
    traffic_exchange_get(&g->model, 0, &c.ex);
    amf3w_clear(&g->w);
    frame_value(g, &c.ex, 0);
    tcp_write(&c.tcp, 0, g->w.buf, g->w.len);
    tcp_send_some(&g->out, &c.tcp, 0, UINT32_MAX);
    amf3w_clear(&g->w);
    amf3w_raw_u32(&g->w, 0);
    traffic_write_large(g->opt.seed, g->opt.kind == KIND_LARGE_BYTES ? TRAFFIC_LARGE_BYTES
                                                                    : TRAFFIC_LARGE_RECORDS,
                        (uint32_t)g->opt.size, &g->w);
    size_t n = amf3w_message_length(&g->w);
    amf3w_patch_u32(&g->w, 0, (uint32_t)n);
    count_value(g, n);
    g->st.large_messages = 1;
    g->st.large_bytes = n;
    tcp_write(&c.tcp, 1, g->w.buf, g->w.len);
    tcp_send_some(&g->out, &c.tcp, 1, UINT32_MAX);
    tcp_close_conn(&g->out, &c.tcp);
    tcp_conn_free(&c.tcp);
}

/* ---- options --------------------------------------------------------- */

static uint64_t parse_size(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    uint64_t mult = 1;
    switch (*end) {
    case 'k': case 'K': mult = 1000ull; end++; break;
    case 'm': case 'M': mult = 1000000ull; end++; break;
    case 'g': case 'G': mult = 1000000000ull; end++; break;
    case 0: break;
    default: die("bad size (use a number with K, M or G)");
    }
    if ((*end == 'i' || *end == 'I') && end[1] == 0)
        mult = mult == 1000ull ? 1024ull : mult == 1000000ull ? 1048576ull : 1073741824ull;
    else if (*end)
        die("bad size (use a number with K, M or G; KiB/MiB/GiB as Ki, Mi, Gi)");
    if (v <= 0)
        die("size must be positive");
    return (uint64_t)(v * (double)mult);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: gen-capture --kind amf|other|builtin|large-records|large-bytes\n"
            "                   --size SIZE --out FILE [--seed N] [--conns N]\n"
            "                   [--exchanges N] [--plan-size SIZE]\n"
            "SIZE: bytes with K/M/G (decimal) or Ki/Mi/Gi (binary) suffixes.\n");
    exit(2);
}

static void parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->conns = DEFAULT_CONNS;
    o->kind = (kind)-1;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--kind")) {
            if (!strcmp(v, "amf")) o->kind = KIND_AMF;
            else if (!strcmp(v, "other")) o->kind = KIND_OTHER;
            else if (!strcmp(v, "builtin")) o->kind = KIND_BUILTIN;
            else if (!strcmp(v, "large-records")) o->kind = KIND_LARGE_RECORDS;
            else if (!strcmp(v, "large-bytes")) o->kind = KIND_LARGE_BYTES;
            else usage();
        } else if (!strcmp(a, "--size")) {
            o->size = parse_size(v);
        } else if (!strcmp(a, "--plan-size")) {
            o->plan_size = parse_size(v);
        } else if (!strcmp(a, "--seed")) {
            o->seed = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--conns")) {
            o->conns = (uint32_t)strtoul(v, NULL, 0);
        } else if (!strcmp(a, "--exchanges")) {
            o->exchanges = strtoull(v, NULL, 0);
        } else if (!strcmp(a, "--out")) {
            o->out = v;
        } else {
            usage();
        }
    }
    if (o->kind == (kind)-1 || !o->out || (!o->size && !o->exchanges))
        usage();
    if (o->conns == 0 || o->conns > MAX_CONNS)
        die("--conns must be 1 to 4096");
    if ((o->kind == KIND_LARGE_RECORDS || o->kind == KIND_LARGE_BYTES) &&
        (o->size < 1024 || o->size > (64u << 20)))
        die("a large message is 1 KiB to 64 MiB (amftcp accepts 16 MiB by default)");
}

int main(int argc, char **argv)
{
    generator g;
    memset(&g, 0, sizeof g);
    parse(argc, argv, &g.opt);
    if (g.opt.kind == KIND_BUILTIN && !g.opt.exchanges)
        die("builtin needs --exchanges N (printed by the amf capture of the same plan)");
    g.rng = g.opt.seed * 0x2545F4914F6CDD1Dull + 7;
    amf3w_init(&g.w);
    amf3w_init(&g.body);
    uint64_t plan = g.opt.plan_size ? g.opt.plan_size : g.opt.size;
    traffic_plan(&g.model, g.opt.seed, plan ? plan : 100000000ull);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pcap_open(&g.out, g.opt.out, START_US, g.opt.seed) != 0) {
        perror(g.opt.out);
        return 2;
    }
    if (g.opt.kind == KIND_LARGE_RECORDS || g.opt.kind == KIND_LARGE_BYTES)
        run_large(&g);
    else
        run_streams(&g);
    uint64_t frames = g.out.frames, bytes = g.out.bytes, payload = g.out.payload_bytes;
    if (pcap_close(&g.out) != 0)
        die("closing the capture failed");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    static const char *const kind_names[] = { "amf", "other", "builtin", "large-records",
                                              "large-bytes" };
    printf("kind=%s\n", kind_names[g.opt.kind]);
    printf("file=%s\n", g.opt.out);
    printf("bytes=%" PRIu64 "\n", bytes);
    printf("frames=%" PRIu64 "\n", frames);
    printf("tcp_payload_bytes=%" PRIu64 "\n", payload);
    printf("connections=%" PRIu64 "\n", g.st.connections);
    printf("exchanges=%" PRIu64 "\n", g.st.exchanges);
    printf("amf_values=%" PRIu64 "\n", g.st.amf_values);
    printf("amf_bytes=%" PRIu64 "\n", g.st.amf_bytes);
    printf("large_messages=%" PRIu64 "\n", g.st.large_messages);
    printf("large_bytes=%" PRIu64 "\n", g.st.large_bytes);
    printf("largest_value=%" PRIu64 "\n", g.st.largest);
    printf("seed=%" PRIu64 "\n", g.opt.seed);
    printf("plan_size=%" PRIu64 "\n", plan);
    printf("seconds=%.3f\n", secs);
    printf("mb_per_s=%.1f\n", secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
    amf3w_free(&g.w);
    amf3w_free(&g.body);
    return 0;
}
