/* pcap_tcp.h
 * Writes pcap files of Ethernet/IPv4/TCP connections the way a Linux host
 * sends them: three-way handshake with MSS and timestamp options, 1448-byte
 * segments (MSS 1460 less the 12-byte timestamp option), correct sequence
 * and acknowledgement numbers, delayed ACKs every second segment, IPv4 and
 * TCP checksums, FIN/ACK teardown.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each connection direction has a queue of bytes the application wrote; the
 * caller decides which connection sends next (tcp_send_some), so segments of
 * many connections interleave in the file.
 */
#ifndef PCAP_TCP_H
#define PCAP_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TCP_MSS_PAYLOAD 1448u

/* The output file with its write buffer, clock and counters. */
typedef struct pcap_out {
    FILE     *file;
    uint8_t  *buf;
    size_t    len, cap;
    uint64_t  bytes;            /* file bytes so far, header included */
    uint64_t  frames;
    uint64_t  payload_bytes;    /* TCP payload bytes */
    uint64_t  clock_us;         /* capture time of the next frame */
    uint64_t  rng;              /* jitter of the clock */
} pcap_out;

int  pcap_open(pcap_out *o, const char *path, uint64_t start_us, uint64_t seed);
int  pcap_close(pcap_out *o);

/* Bytes the application wrote and TCP has not sent yet (one direction). */
typedef struct tcp_queue {
    uint8_t *data;
    size_t   len, cap;
    size_t   sent;              /* bytes of data already in segments */
    size_t   write_end;         /* PSH goes on the segment that reaches this */
} tcp_queue;

/* One connection: endpoints, both directions' sequence state and queues. */
typedef struct tcp_conn {
    uint32_t  ip[2];            /* [0] client, [1] server, host order */
    uint16_t  port[2];
    uint8_t   mac[2][6];
    uint32_t  next_seq[2];      /* next sequence number each side sends */
    uint32_t  unacked[2];       /* data segments sent by side d the peer has not acked */
    uint16_t  ip_id[2];
    uint32_t  ts_base[2];       /* TCP timestamp clocks */
    tcp_queue q[2];
    bool      open;
} tcp_conn;

void tcp_conn_init(tcp_conn *c, uint32_t client_ip, uint16_t client_port,
                   uint32_t server_ip, uint16_t server_port, uint64_t isn_seed);
void tcp_conn_free(tcp_conn *c);

/* SYN, SYN-ACK, ACK. */
void tcp_handshake(pcap_out *o, tcp_conn *c);
/* Queue an application write on side d (0 client, 1 server). */
void tcp_write(tcp_conn *c, int d, const void *data, size_t n);
/* Room for n more bytes of a write, to fill in place; commit with
 * tcp_write_commit(c, d, n). */
uint8_t *tcp_write_reserve(tcp_conn *c, int d, size_t n);
void tcp_write_commit(tcp_conn *c, int d, size_t n);
/* Bytes side d still has to send. */
static inline size_t tcp_pending(const tcp_conn *c, int d) { return c->q[d].len - c->q[d].sent; }
/* Send up to max_segments segments of side d's queue (ACKs from the peer
 * follow as a Linux receiver sends them).  Returns segments sent. */
unsigned tcp_send_some(pcap_out *o, tcp_conn *c, int d, unsigned max_segments);
/* FIN from the client, FIN from the server, last ACK (queues must be empty). */
void tcp_close_conn(pcap_out *o, tcp_conn *c);

#endif /* PCAP_TCP_H */
