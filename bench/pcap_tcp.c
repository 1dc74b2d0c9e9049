/* pcap_tcp.c
 * Ethernet/IPv4/TCP frames into a pcap file (see pcap_tcp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * File format: https://www.tcpdump.org/manpages/pcap-savefile.5.html
 * (classic pcap, microsecond timestamps, LINKTYPE_ETHERNET).
 */
#include "pcap_tcp.h"
#include "traffic.h"

#include <stdlib.h>
#include <string.h>

#define PCAP_BUF_SIZE     (8u << 20)
#define ETH_HEADER        14u
#define IPV4_HEADER       20u
#define TCP_HEADER_DATA   32u     /* 20 + NOP, NOP, timestamps */
#define TCP_HEADER_SYN    40u     /* 20 + MSS, SACK-permitted, timestamps, NOP, window scale */
#define MAX_FRAME         (ETH_HEADER + IPV4_HEADER + TCP_HEADER_SYN + TCP_MSS_PAYLOAD)
#define TCP_WINDOW        502u    /* scaled by 2^7: 64 KB */

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10 };

static void die(const char *what)
{
    fprintf(stderr, "pcap_tcp: %s\n", what);
    exit(1);
}

/* ---- the file -------------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void flush(pcap_out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->file) != o->len)
        die("write failed");
    o->len = 0;
}

int pcap_open(pcap_out *o, const char *path, uint64_t start_us, uint64_t seed)
{
    memset(o, 0, sizeof *o);
    o->file = fopen(path, "wb");
    if (!o->file)
        return -1;
    o->cap = PCAP_BUF_SIZE;
    o->buf = malloc(o->cap);
    if (!o->buf)
        die("out of memory");
    o->clock_us = start_us;
    o->rng = seed ^ 0xC0FFEEull;
    uint8_t *h = o->buf;
    put_le32(h, 0xa1b2c3d4u);       /* microsecond timestamps */
    h[4] = 2; h[5] = 0;             /* version 2.4 */
    h[6] = 4; h[7] = 0;
    put_le32(h + 8, 0);             /* thiszone */
    put_le32(h + 12, 0);            /* sigfigs */
    put_le32(h + 16, 65535);        /* snaplen */
    put_le32(h + 20, 1);            /* LINKTYPE_ETHERNET */
    o->len = 24;
    o->bytes = 24;
    return 0;
}

int pcap_close(pcap_out *o)
{
    flush(o);
    int rc = fclose(o->file);
    free(o->buf);
    o->buf = NULL;
    return rc;
}

/* ---- checksums ------------------------------------------------------- */

/* Ones'-complement sum of 16-bit words, accumulated in host order: the
 * final fold is byte-order independent (RFC 1071, 2.(B)), so the result
 * is swapped once at the end. */
static uint64_t sum_words(uint64_t acc, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        acc += (uint64_t)a + b;
        p += 8;
        n -= 8;
    }
    while (n >= 2) {
        uint16_t a;
        memcpy(&a, p, 2);
        acc += a;
        p += 2;
        n -= 2;
    }
    if (n) {
        uint8_t last[2] = { p[0], 0 };
        uint16_t a;
        memcpy(&a, last, 2);
        acc += a;
    }
    return acc;
}

static uint16_t fold(uint64_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    uint16_t host = (uint16_t)~acc;
    uint8_t b[2];
    memcpy(b, &host, 2);
    return (uint16_t)(b[0] << 8 | b[1]);    /* the bytes as they go on the wire */
}

/* ---- frames ---------------------------------------------------------- */

static void tick(pcap_out *o)
{
    o->clock_us += 1 + traffic_below(&o->rng, 24);
}

/* One TCP segment from side d of c, with payload (may be empty). */
static void emit(pcap_out *o, tcp_conn *c, int d, uint8_t flags, const uint8_t *payload,
                 size_t n)
{
    if (o->cap - o->len < 16 + MAX_FRAME)
        flush(o);
    int peer = 1 - d;
    uint32_t tcp_len = (flags & TCP_SYN) ? TCP_HEADER_SYN : TCP_HEADER_DATA;
    uint32_t ip_total = IPV4_HEADER + tcp_len + (uint32_t)n;
    uint32_t frame_len = ETH_HEADER + ip_total;

    uint8_t *rec = o->buf + o->len;
    put_le32(rec, (uint32_t)(o->clock_us / 1000000));
    put_le32(rec + 4, (uint32_t)(o->clock_us % 1000000));
    put_le32(rec + 8, frame_len);
    put_le32(rec + 12, frame_len);
    uint8_t *f = rec + 16;

    memcpy(f, c->mac[peer], 6);
    memcpy(f + 6, c->mac[d], 6);
    put_be16(f + 12, 0x0800);

    uint8_t *ip = f + ETH_HEADER;
    ip[0] = 0x45;
    ip[1] = 0;
    put_be16(ip + 2, (uint16_t)ip_total);
    put_be16(ip + 4, c->ip_id[d]++);
    put_be16(ip + 6, 0x4000);               /* don't fragment */
    ip[8] = 64;
    ip[9] = 6;
    ip[10] = ip[11] = 0;
    put_be32(ip + 12, c->ip[d]);
    put_be32(ip + 16, c->ip[peer]);
    uint16_t ipsum = fold(sum_words(0, ip, IPV4_HEADER));
    put_be16(ip + 10, ipsum);

    uint8_t *tcp = ip + IPV4_HEADER;
    put_be16(tcp, c->port[d]);
    put_be16(tcp + 2, c->port[peer]);
    put_be32(tcp + 4, c->next_seq[d]);
    put_be32(tcp + 8, (flags & TCP_ACK) ? c->next_seq[peer] : 0);
    tcp[12] = (uint8_t)((tcp_len / 4) << 4);
    tcp[13] = flags;
    put_be16(tcp + 14, (flags & TCP_SYN) ? 64240 : TCP_WINDOW);
    tcp[16] = tcp[17] = 0;                  /* checksum, below */
    tcp[18] = tcp[19] = 0;                  /* urgent pointer */
    uint32_t ms = (uint32_t)(o->clock_us / 1000);
    uint8_t *opt = tcp + 20;
    if (flags & TCP_SYN) {
        opt[0] = 2; opt[1] = 4; put_be16(opt + 2, 1460);           /* MSS */
        opt[4] = 4; opt[5] = 2;                                    /* SACK permitted */
        opt[6] = 8; opt[7] = 10;                                   /* timestamps */
        put_be32(opt + 8, c->ts_base[d] + ms);
        put_be32(opt + 12, (flags & TCP_ACK) ? c->ts_base[peer] + ms : 0);
        opt[16] = 1;                                               /* NOP */
        opt[17] = 3; opt[18] = 3; opt[19] = 7;                     /* window scale 7 */
    } else {
        opt[0] = 1; opt[1] = 1;                                    /* NOP, NOP */
        opt[2] = 8; opt[3] = 10;
        put_be32(opt + 4, c->ts_base[d] + ms);
        put_be32(opt + 8, c->ts_base[peer] + ms);
    }
    if (n)
        memcpy(tcp + tcp_len, payload, n);

    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put_be16(pseudo + 10, (uint16_t)(tcp_len + n));
    uint64_t acc = sum_words(0, pseudo, sizeof pseudo);
    acc = sum_words(acc, tcp, tcp_len + n);
    put_be16(tcp + 16, fold(acc));

    o->len += 16 + frame_len;
    o->bytes += 16 + frame_len;
    o->frames++;
    o->payload_bytes += n;
    c->next_seq[d] += (uint32_t)n + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
    if (flags & TCP_ACK)
        c->unacked[peer] = 0;
    tick(o);
}

/* ---- connections ----------------------------------------------------- */

void tcp_conn_init(tcp_conn *c, uint32_t client_ip, uint16_t client_port,
                   uint32_t server_ip, uint16_t server_port, uint64_t isn_seed)
{
    memset(c, 0, sizeof *c);
    c->ip[0] = client_ip;
    c->ip[1] = server_ip;
    c->port[0] = client_port;
    c->port[1] = server_port;
    for (int d = 0; d < 2; d++) {
        uint32_t ip = c->ip[d];
        uint8_t mac[6] = { 0x02, (uint8_t)d, (uint8_t)(ip >> 24), (uint8_t)(ip >> 16),
                           (uint8_t)(ip >> 8), (uint8_t)ip };
        memcpy(c->mac[d], mac, 6);
        c->next_seq[d] = (uint32_t)traffic_rand(&isn_seed);
        c->ip_id[d] = (uint16_t)traffic_rand(&isn_seed);
        c->ts_base[d] = (uint32_t)traffic_rand(&isn_seed);
    }
}

void tcp_conn_free(tcp_conn *c)
{
    free(c->q[0].data);
    free(c->q[1].data);
    c->q[0].data = c->q[1].data = NULL;
}

void tcp_handshake(pcap_out *o, tcp_conn *c)
{
    emit(o, c, 0, TCP_SYN, NULL, 0);
    emit(o, c, 1, TCP_SYN | TCP_ACK, NULL, 0);
    emit(o, c, 0, TCP_ACK, NULL, 0);
    c->open = true;
}

/* A queue whose bytes were all sent starts again at its beginning. */
static void compact(tcp_queue *q)
{
    if (q->sent == q->len) {
        q->len = q->sent = q->write_end = 0;
    }
}

uint8_t *tcp_write_reserve(tcp_conn *c, int d, size_t n)
{
    tcp_queue *q = &c->q[d];
    compact(q);
    if (q->cap - q->len < n) {
        size_t cap = q->cap ? q->cap : 65536;
        while (cap - q->len < n)
            cap *= 2;
        uint8_t *p = realloc(q->data, cap);
        if (!p)
            die("out of memory");
        q->data = p;
        q->cap = cap;
    }
    return q->data + q->len;
}

void tcp_write_commit(tcp_conn *c, int d, size_t n)
{
    tcp_queue *q = &c->q[d];
    q->len += n;
    q->write_end = q->len;
}

void tcp_write(tcp_conn *c, int d, const void *data, size_t n)
{
    memcpy(tcp_write_reserve(c, d, n), data, n);
    tcp_write_commit(c, d, n);
}

unsigned tcp_send_some(pcap_out *o, tcp_conn *c, int d, unsigned max_segments)
{
    tcp_queue *q = &c->q[d];
    int peer = 1 - d;
    unsigned sent = 0;
    while (sent < max_segments && q->sent < q->len) {
        size_t n = q->len - q->sent;
        if (n > TCP_MSS_PAYLOAD)
            n = TCP_MSS_PAYLOAD;
        bool push = q->sent + n == q->write_end;
        emit(o, c, d, TCP_ACK | (push ? TCP_PSH : 0), q->data + q->sent, n);
        q->sent += n;
        c->unacked[d]++;
        sent++;
        /* A Linux receiver acks every second full segment, and a pushed
         * write it has no data to answer with right away. */
        if (c->unacked[d] >= 2 || (push && tcp_pending(c, peer) == 0))
            emit(o, c, peer, TCP_ACK, NULL, 0);
    }
    compact(q);
    return sent;
}

void tcp_close_conn(pcap_out *o, tcp_conn *c)
{
    emit(o, c, 0, TCP_FIN | TCP_ACK, NULL, 0);
    emit(o, c, 1, TCP_FIN | TCP_ACK, NULL, 0);
    emit(o, c, 0, TCP_ACK, NULL, 0);
    c->open = false;
}
