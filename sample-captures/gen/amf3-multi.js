// SPDX-License-Identifier: GPL-2.0-or-later
// amf3-multi.pcap: message boundaries that do not line up with TCP segments.
//
// Port: server 127.0.0.1:20003, one client connection.
// Framing: 4-byte big-endian length N, then exactly one AMF3 value of N bytes.
// Encoder: bytearray-node (plain), every value.
//
// Client -> server messages and how they are cut into segments (writes are
// 100 ms apart, Nagle is off, so each write is one segment):
//   segment A (one write): messages 1-4 back to back, all complete:
//     1  string "batch 1"
//     2  integer 2
//     3  double 3.5
//     4  anonymous object {batch: 4, last: true}
//   segment B: the first 2 bytes of message 5's length prefix (00 00)
//   segment C: the other 2 prefix bytes and the whole value of message 5:
//     5  string "split inside the length prefix"
//   segment D: message 6 except its last 5 bytes
//   segment E: the last 5 bytes of message 6, then message 7's 4-byte prefix
//     and the first 3 bytes of its value
//     6  dense array [6, "six", 6.5, "the end of this array is in the next segment"]
//   segment F: the rest of message 7
//     7  string "seventh message starts in the previous segment"
//   segment G: message 8's 4-byte length prefix alone
//   segment H: message 8's value
//     8  anonymous object {n: 8, note: "prefix and value in separate segments"}
// Server -> client, one segment after all 8 arrived: string "received 8".
// Then the client closes.
// Messages holding an object: 4 and 8.
//
// Frames as captured in amf3-multi.pcap (24 frames, no retransmissions):
// 1-3 handshake; segments A-H are frames 4, 6, 8, 10, 12, 14, 16, 18 (tcp.len
// 54, 2, 34, 64, 12, 45, 4, 52), each followed by the server's ACK; 20 the
// reply; 21-24 ACK and close.
'use strict';
const { listen, connect, u32be, sleep } = require('./lib');
const A = require('./lib-amf3');

const PORT = 20003;
const GAP_MS = 100;

const MESSAGES = [
  'batch 1',
  2,
  3.5,
  { batch: 4, last: true },
  'split inside the length prefix',
  [6, 'six', 6.5, 'the end of this array is in the next segment'],
  'seventh message starts in the previous segment',
  { n: 8, note: 'prefix and value in separate segments' },
].map((v) => u32be(A.encode(v)));

async function main() {
  const [m1, m2, m3, m4, m5, m6, m7, m8] = MESSAGES;
  const writes = [
    Buffer.concat([m1, m2, m3, m4]), // A
    m5.subarray(0, 2), // B
    m5.subarray(2), // C
    m6.subarray(0, m6.length - 5), // D
    Buffer.concat([m6.subarray(m6.length - 5), m7.subarray(0, 7)]), // E
    m7.subarray(7), // F
    m8.subarray(0, 4), // G
    m8.subarray(4), // H
  ];
  if (!Buffer.concat(writes).equals(Buffer.concat(MESSAGES))) throw new Error('bad split');

  const srv = await listen(PORT, async (sock) => {
    const rd = new A.FrameReader(sock);
    const got = [];
    while (got.length < MESSAGES.length) {
      const m = await rd.next();
      if (m === null) throw new Error('connection ended early');
      got.push(m);
    }
    got.forEach((m, i) => { if (!m.equals(MESSAGES[i].subarray(4))) throw new Error(`message ${i + 1} differs`); });
    sock.write(u32be(A.encode(`received ${got.length}`)));
    await rd.next();
    sock.end();
  });
  const c = await connect(PORT);
  const closed = new Promise((resolve) => c.on('close', resolve));
  const rd = new A.FrameReader(c);
  for (const w of writes) {
    c.write(w);
    await sleep(GAP_MS);
  }
  const reply = await rd.next();
  if (!reply) throw new Error('no reply');
  c.end();
  await closed;
  srv.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
