// SPDX-License-Identifier: GPL-2.0-or-later
// compressed.pcap: zlib-compressed AMF3 payloads, and ByteArrays that carry
// AMF themselves.
//
// Port: server 127.0.0.1:20160, one client connection.
// Framing: 4-byte big-endian length N, then N bytes: the AMF3 value, or the
// AMF3 value compressed by Node's zlib (deflateSync: zlib header 78 9c).
// Encoder: bytearray-node (plain) for every AMF3 value; compression by Node.
//
// Messages, in order (one write each, 50 ms apart, so one segment each:
// frames 4, 6, 8, 10, 12, 14, 16 of the 21):
//   1 C->S  plain:      {cmd:"hello", compress:true}
//   2 S->C  compressed: {cmd:"welcome", motd:"compressed payloads from here on",
//                        tags:["a","b","c"]}
//   3 C->S  compressed: {cmd:"list"}
//   4 S->C  compressed, 27 KB raw, 7.4 KB compressed:
//           {cmd:"items", items:[{id:i, name:"item-NNNN", price:i*1.25} for
//           i = 0..999]}
//   5 C->S  plain: {cmd:"blob", data:ByteArray(<the AMF3 encoding of
//           {inner:"amf inside a ByteArray", n:42}>)}
//   6 S->C  plain: {cmd:"blobz", data:ByteArray(<zlib of the AMF3 encoding of
//           ["zlib", "inside", 3]>)}
//   7 C->S  plain: {cmd:"bye"}
// Messages 5 and 6 show ByteArrays whose content is AMF (decoded in place
// when the amftcp.bytearray_amf preference is on).
'use strict';
const zlib = require('zlib');
const { listen, connect, u32be, sleep } = require('./lib');
const A = require('./lib-amf3');

const PORT = 20160;
const GAP_MS = 50;

const items = [];
for (let i = 0; i < 1000; i++)
  items.push({ id: i, name: 'item-' + String(i).padStart(4, '0'), price: i * 1.25 });

const plain = (v) => u32be(A.encode(v));
const packed = (v) => u32be(zlib.deflateSync(A.encode(v)));

const CLIENT = [
  plain({ cmd: 'hello', compress: true }),
  packed({ cmd: 'list' }),
  plain({ cmd: 'blob', data: A.byteArray(A.encode({ inner: 'amf inside a ByteArray', n: 42 })) }),
  plain({ cmd: 'bye' }),
];
const SERVER = [
  packed({ cmd: 'welcome', motd: 'compressed payloads from here on', tags: ['a', 'b', 'c'] }),
  packed({ cmd: 'items', items }),
  plain({ cmd: 'blobz', data: A.byteArray(zlib.deflateSync(A.encode(['zlib', 'inside', 3]))) }),
];

async function main() {
  let serverSock;
  const srv = await listen(PORT, (sock) => { serverSock = sock; });
  const client = await connect(PORT);
  await sleep(GAP_MS);
  const order = [
    [client, CLIENT[0]], [serverSock, SERVER[0]], [client, CLIENT[1]], [serverSock, SERVER[1]],
    [client, CLIENT[2]], [serverSock, SERVER[2]], [client, CLIENT[3]],
  ];
  for (const [sock, msg] of order) {
    sock.write(msg);
    await sleep(GAP_MS);
  }
  client.end();
  await sleep(GAP_MS);
  srv.close();
  serverSock.destroy();
}

main().catch((e) => { console.error(e); process.exit(1); });
