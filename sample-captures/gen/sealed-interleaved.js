// SPDX-License-Identifier: GPL-2.0-or-later
// sealed-interleaved.pcap: typed objects as bytearray-node writes them.
//
// Port: server 127.0.0.1:20190, one client connection.
// Framing: 4-byte big-endian length N, then one AMF3 value of N bytes, both
// directions.  Encoder: bytearray-node (plain), every value.
//
// bytearray-node writes an object of a registered class as traits with 3
// sealed members, then each member's name followed by its value
// (name, value, name, value, ...), where AMF3 wants the 3 names in the
// traits and then the 3 values.  So every client message is malformed AMF3:
// the second "sealed member name" is the integer's marker, read as a string
// reference into a table holding one string.  It is the bug of a real
// encoder, and the message is still well framed.
//
// Client -> server, one write each, 50 ms apart:
//   1-3  com.example.Point {x: i, y: 2i, label: "p" + i} for i = 1, 2, 3
// Server -> client, after each message: string "ok i".
// Frames as captured (16): 1-3 handshake; client messages in frames 4, 8,
// 11; replies in 6, 9, 12; then the close.
'use strict';
const ByteArray = require('bytearray-node');
const { listen, connect, u32be, sleep } = require('./lib');

const PORT = 20190;

class Point {
  constructor(x, y, label) { this.x = x; this.y = y; this.label = label; }
}
ByteArray.registerClassAlias(3, 'com.example.Point', Point);

function encode(value) {
  const b = new ByteArray();
  b.writeObject(value);
  return Buffer.from(b.buffer.slice(0, b.length));
}

function readFrame(sock) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        sock.off('data', onData);
        resolve(buf.subarray(4, 4 + buf.readUInt32BE(0)));
      }
    };
    sock.on('data', onData);
  });
}

async function main() {
  const srv = await listen(PORT, async (sock) => {
    for (let i = 1; i <= 3; i++) {
      await readFrame(sock);
      sock.write(u32be(encode(`ok ${i}`)));
    }
    sock.end();
  });
  const c = await connect(PORT);
  c.setNoDelay(true);
  const closed = new Promise((resolve) => c.on('close', resolve));
  for (let i = 1; i <= 3; i++) {
    c.write(u32be(encode(new Point(i, 2 * i, `p${i}`))));
    await readFrame(c);
    await sleep(50);
  }
  c.end();
  await closed;
  srv.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
