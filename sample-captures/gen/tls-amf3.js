// SPDX-License-Identifier: GPL-2.0-or-later
// tls-amf3.pcap: AMF3 inside TLS, decrypted with the key log written next
// to it (tls-amf3.keys, NSS key log format, from the client's 'keylog'
// events).  The certificate and key are throwaway ones made by
// make-tls.sh for this run only; the key log is test data.
//
// Port: server 127.0.0.1:20443 (not a TLS port: TLS finds the connections
// by its own heuristic), TLS 1.3 (Node's default), Nagle off.
// Framing: 4-byte big-endian length N, then one AMF3 value of N bytes
// (bytearray-node, plain).
//
// Connection 1, client -> server (each write is one TLS record; writes are
// GAP_MS apart, so each record leaves in its own TCP segment):
//   write A: message 1  object {op: "login", user: "alice", id: 1}
//   write B: messages 2 and 3 in one record:
//            2  string "two messages in one record"
//            3  integer 3
//   writes C1..Cn: message 4 cut into CHUNK-byte pieces, one record each
//            4  object {op: "upload", items: ["item 0", ..., "item 299"]}
//               (about 2.6 KB: more than several TLS records)
//   write D: the first 2 bytes of message 5's length prefix
//   write E: the rest of message 5
//            5  string "length prefix split across records"
// Server -> client, after all 5 arrived: object {ok: true, received: 5}.
//
// Connection 2 (not AMF): the client sends the text lines "hello over
// TLS\n" and "this is not AMF\n", the server answers "bye\n".
//
// Frames as captured in tls-amf3.pcap (58 frames, TCP streams 0 and 1):
// connection 1's application data: 8 message 1 (length 31), 11 messages 2
// and 3 (28, 2), 13-25 odd (7 records) and 27 message 4 (length 2915, 8
// TLS segments, reassembled in 27), 29 and 31 message 5 (length 36,
// reassembled in 31), 33 the reply (length 19); connection 2's application
// data: 48, 51, 52 (and session tickets, alerts).
'use strict';
const tls = require('tls');
const fs = require('fs');
const { u32be, sleep, readBytes } = require('./lib');
const A = require('./lib-amf3');

const PORT = 20443;
const GAP_MS = 50;
const CHUNK = 400;
const [keyFile, certFile, keylogFile] = process.argv.slice(2);

const ITEMS = Array.from({ length: 300 }, (_, i) => `item ${i}`);
const MESSAGES = [
  { op: 'login', user: 'alice', id: 1 },
  'two messages in one record',
  3,
  { op: 'upload', items: ITEMS },
  'length prefix split across records',
].map((v) => u32be(A.encode(v)));

function connectTls() {
  return new Promise((resolve, reject) => {
    const c = tls.connect({ port: PORT, host: '127.0.0.1', rejectUnauthorized: false }, () => {
      c.setNoDelay(true);
      resolve(c);
    });
    c.on('keylog', (line) => fs.appendFileSync(keylogFile, line));
    c.on('error', reject);
  });
}

async function main() {
  fs.writeFileSync(keylogFile, '');
  const [m1, m2, m3, m4, m5] = MESSAGES;
  const writes = [m1, Buffer.concat([m2, m3])];
  for (let off = 0; off < m4.length; off += CHUNK) writes.push(m4.subarray(off, off + CHUNK));
  writes.push(m5.subarray(0, 2), m5.subarray(2));
  if (!Buffer.concat(writes).equals(Buffer.concat(MESSAGES))) throw new Error('bad split');

  let conn = 0;
  const srv = tls.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) },
    async (sock) => {
      sock.setNoDelay(true);
      if (++conn === 1) {
        const rd = new A.FrameReader(sock);
        for (let i = 0; i < MESSAGES.length; i++) {
          const m = await rd.next();
          if (!m || !m.equals(MESSAGES[i].subarray(4))) throw new Error(`message ${i + 1} differs`);
        }
        sock.write(u32be(A.encode({ ok: true, received: MESSAGES.length })));
      } else {
        const text = 'hello over TLS\nthis is not AMF\n';
        const got = await readBytes(sock, text.length);
        if (got.toString() !== text) throw new Error('text differs');
        sock.write('bye\n');
      }
      sock.on('end', () => sock.end());
    });
  await new Promise((resolve) => srv.listen(PORT, '127.0.0.1', resolve));

  const c = await connectTls();
  const rd = new A.FrameReader(c);
  for (const w of writes) {
    c.write(w);
    await sleep(GAP_MS);
  }
  if (!(await rd.next())) throw new Error('no reply');
  c.end();
  await new Promise((resolve) => c.on('close', resolve));

  const t = await connectTls();
  t.write('hello over TLS\n');
  await sleep(GAP_MS);
  t.write('this is not AMF\n');
  const bye = await readBytes(t, 4);
  if (bye.toString() !== 'bye\n') throw new Error('no bye');
  t.end();
  await new Promise((resolve) => t.on('close', resolve));
  srv.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
