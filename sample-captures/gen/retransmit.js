// SPDX-License-Identifier: GPL-2.0-or-later
// retransmit.pcap: u32be+AMF3 messages over a real TCP connection whose
// segments were really lost, reordered and duplicated on the way, so that
// the capture shows the kernel's own retransmissions, out-of-order segments
// and a spurious retransmission.  Made by retransmit.sh (see there for the
// namespaces and the impairment); this script is both ends.
//
//   node retransmit.js server     (in the server namespace, 10.77.0.2:20180)
//   node retransmit.js client     (in the client namespace, 10.77.0.1)
//
// Framing: 4-byte big-endian length N, then one AMF3 value of N bytes
// (bytearray-node, a fresh ByteArray per message).
// Client -> server: 24 messages, message k being the anonymous object
//   {seq: k, fill: FILL(k, LEN[k])}
// where FILL(k, n) is the text "#k:" followed by
// "abcdefghijklmnopqrstuvwxyz0123456789", repeated and cut to n characters,
// and LEN[k] (k = 1..24) is
//   20 300 1800 60 3200 600 30 1400 2600 100 40 4200
//   500 900 25 1900 120 3000 70 800 2000 45 1300 35
// (every message is 24 + LEN[k] bytes on the wire for LEN < 64, 25 +
// LEN[k] up to 8191).  Messages 3, 5, 9, 12, 16, 18, 21 are longer than one
// segment (MSS 1448).  They are written in these groups, one write each,
// 4 ms apart (Nagle off): [1 2] [3] [4] [5 6] [7] [8] [9 10 11] [12] [13]
// [14 15] [16] [17 18] [19] [20] [21 22] [23 24].
// Server -> client: after client messages 8, 16 and 24 have arrived (and
// been checked byte for byte), the object {ack: k, ok: true}.
// The client closes after the third ack; the server then closes too.
//
// Client message k takes these bytes of the client's stream (prefix
// included): 1 0-40, 2 41-362, 3 363-1884, 4 1885-1965, 5 1966-3587,
// 6 3588-3909, 7 3910-3960, 8 3961-4582, 9 4583-6104, 10 6105-6226,
// 11 6227-6287, 12 6288-8309, 13 8310-8531, 14 8532-8953, 15 8954-8999,
// 16 9000-10521, 17 10522-10663, 18 10664-10985, 19 10986-11077,
// 20 11078-11499, 21 11500-13021, 22 13022-13087, 23 13088-13409,
// 24 13410-13465, 25 13466-15487, 26 15488-15809, 27 15810-15890,
// 28 15891-17612, 29 17613-17673, 30 17674-18195, 31 18196-18297,
// 32 18298-19319.  Each server ack is 18 bytes.
//
// retransmit.pcap (70 frames, captured at the server, so a segment dropped
// on the way to the server is missing and one dropped on the way back is
// there twice; retransmit.sh lists the impairment):
//   1-3   handshake
//   4     C  messages 1 and 2
//   6, 8  C  message 3 (1448 + 74 bytes)
//   10    C  first 1448 bytes of message 5; message 4 (a#4) was dropped
//   12    C  rest of message 5, message 6
//   14    C  message 4, retransmitted: out of order
//   16    C  message 8; message 7 (a#7) is being held
//   18    C  message 7, retransmitted before the held original arrives
//   20    C  first 1448 bytes of message 9
//   22    C  rest of message 9, messages 10 and 11
//   24    S  {ack: 8}
//   26    C  message 13; both segments of message 12 (a#11, a#12) dropped
//   28, 30 C message 12 (1448 + 574 bytes), retransmitted
//   32    C  messages 14 and 15
//   33    C  first 1448 bytes of message 16
//   35    C  messages 17 and 18; message 16's last 74 bytes (a#16) held
//   37    C  message 16's last 74 bytes, retransmitted: out of order
//   39    S  {ack: 16}; dropped on its way to the client (b#2)
//   40    C  message 19
//   41    C  message 7 again: the original, held 40 ms (spurious
//            retransmission)
//   43    C  message 20
//   45, 47 C message 21 (1448 + 74 bytes), then message 22 in 47
//   49    C  message 16's last 74 bytes again: the original, held 150 ms
//   51    S  {ack: 16} again: the server's retransmission
//   52    C  messages 23 and 24, retransmitted after a timeout (the first
//            copy, a#22, was dropped; nothing is missing in the capture)
//   54    S  {ack: 24}
//   (300 ms pause: part 2, nothing impaired)
//   56, 57 C message 25 (1448 + 574 bytes), then all of message 26 in 57
//   59    C  message 27
//   60, 61 C message 28 (1448 + 274 bytes), then messages 29 and 30 in 61
//   63    C  message 31
//   64    C  message 32
//   66    S  {ack: 32}
//   68-70 close (FIN, FIN, ACK)
// The other frames are ACKs.  Every byte of every message is in the
// capture at least once.  With tcp.reassemble_out_of_order:TRUE every
// message decodes; with Wireshark's default (FALSE) messages 4, 7, 12 and
// 16 cannot: some of their bytes are only in segments TCP marks as
// out-of-order or retransmitted, which it does not hand to a dissector.
'use strict';
const L = require('./lib-framing');
const { sleep } = require('./lib');
const net = require('net');

const PORT = 20180;
const SERVER = '10.77.0.2';
const PATTERN = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LEN = [20, 300, 1500, 60, 1600, 300, 30, 600, 1500, 100, 40, 2000,
  200, 400, 25, 1500, 120, 300, 70, 400, 1500, 45, 300, 35,
  2000, 300, 60, 1700, 40, 500, 80, 1000];
// Part 1 (impaired by retransmit.sh), then a pause, then part 2 (left alone).
const PART1 = [[1, 2], [3], [4], [5, 6], [7], [8], [9, 10, 11], [12], [13],
  [14, 15], [16], [17, 18], [19], [20], [21, 22], [23, 24]];
const PART2 = [[25, 26], [27], [28, 29, 30], [31], [32]];
const ACK_AFTER = [8, 16, 24, 32];

function fill(k, n) {
  let s = `#${k}:`;
  while (s.length < n) s += PATTERN;
  return s.slice(0, n);
}

const MESSAGES = LEN.map((n, i) => L.lenU32be(L.amf3({ seq: i + 1, fill: fill(i + 1, n) })));

async function server() {
  const srv = net.createServer((sock) => {
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let k = 0;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = 4 + buf.readUInt32BE(0);
        const m = buf.subarray(0, n);
        buf = buf.subarray(n);
        if (!m.equals(MESSAGES[k])) { console.error(`message ${k + 1} differs`); process.exit(1); }
        k += 1;
        if (ACK_AFTER.includes(k)) sock.write(L.lenU32be(L.amf3({ ack: k, ok: true })));
      }
    });
    sock.on('end', () => {
      if (k !== MESSAGES.length) { console.error(`only ${k} messages`); process.exit(1); }
      sock.end();
      srv.close();
    });
  });
  srv.listen(PORT, SERVER, () => console.log('listening'));
}

async function client() {
  const sock = net.connect(PORT, SERVER);
  await new Promise((resolve, reject) => { sock.on('connect', resolve); sock.on('error', reject); });
  sock.setNoDelay(true);
  let acks = 0;
  let buf = Buffer.alloc(0);
  let wake = null;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      buf = buf.subarray(4 + buf.readUInt32BE(0));
      acks += 1;
      if (wake) wake();
    }
  });
  const acked = async (n) => {
    while (acks < n) await new Promise((resolve) => { wake = resolve; });
  };
  const write = async (groups) => {
    for (const g of groups) {
      sock.write(Buffer.concat(g.map((k) => MESSAGES[k - 1])));
      await sleep(4);
    }
  };
  await sleep(50);
  await write(PART1);
  await acked(3);
  await sleep(300);
  await write(PART2);
  await acked(4);
  await sleep(50);
  sock.end();
  await new Promise((resolve) => sock.on('close', resolve));
}

if (process.argv[2] === 'server') server();
else if (process.argv[2] === 'client') client().catch((e) => { console.error(e); process.exit(1); });
else { console.error('usage: retransmit.js server|client'); process.exit(2); }
