// SPDX-License-Identifier: GPL-2.0-or-later
// amf3-large.pcap: one AMF3 message of about 50 KB spread over many TCP
// segments, followed by a small message in its own segment.
//
// Port: server 127.0.0.1:21935, one client connection.
// Framing: 4-byte big-endian length N, then exactly one AMF3 value of N bytes.
//
// Messages, in order:
//  1. client -> server, one segment: typed object com.example.Request with
//     sealed members {method: "getCatalog", page: 1}.
//  2. server -> client: anonymous object {total: 380, page: 1, items: [...]}
//     where items is a dense array of 380 com.example.Item typed objects with
//     sealed members, in this order:
//       {id: int, name: string, price: double, tags: dense array of strings,
//        description: string, created: Date}
//     Item i (i = 1..380) is built by makeItem(i) below from a fixed-seed
//     PRNG, so the content is the same on every run. Item 1 writes the
//     com.example.Item traits (trait index 1; index 0 is the outer anonymous
//     object's), items 2..380 use trait reference 1 (U29O byte 0x05). Member
//     names and the 12 tag strings are written once and referenced after
//     that. Every price has a fractional part, so it is always a double.
//     The 4-byte prefix and the value go out as one buffer written in
//     1400-byte chunks, one TCP segment per chunk.
//  3. server -> client, alone in one segment after a pause: the AMF3 string
//     "end of catalog page 1, 380 items" (32 ASCII characters); 38 bytes on
//     the wire in total (4-byte prefix + 06 41 + 32 bytes).
// Then the client closes.
//
// Frames as captured in amf3-large.pcap (82 frames, no retransmissions):
// 1-3 handshake; 4 request (52 bytes); 5 ACK; 6, 8, ..., 74 the catalog
// (35 segments of 1400 bytes) and 76 its last 468 bytes (49468 bytes on
// the wire in 36 segments, each followed by the client's ACK in the next
// odd frame); 78 the 38-byte end message; 79 ACK; 80-82 FIN, FIN, ACK.
//
// Encoder: bytearray-node's AMF3 serializer with the sealed-member writer
// from lib-amf3.js (encodeExt); message 3 is plain bytearray-node.
// Values (printed again with DUMP=1): request value 48 bytes; catalog value
// 49464 bytes (49468 with the prefix); total 380, page 1;
//   item 1:   {id: 1, name: "Smart Lamp 0001", price: 190.08,
//              tags: ["premium", "kitchen", "limited"],
//              description: "Smart red lamp, catalog entry 1 of 380, ships in 2 days by courier.",
//              created: 2020-01-01T07:00:00.000Z}
//   item 2:   {id: 2, name: "Compact Backpack 0002", price: 291.59,
//              tags: ["gift", "bundle"],
//              description: "Compact silver backpack, catalog entry 2 of 380, ships in 3 days by courier.",
//              created: 2020-01-01T14:00:00.000Z}
//   item 380: {id: 380, name: "Smart Chair 0380", price: 103.63,
//              tags: ["popular", "outdoor"],
//              description: "Smart red chair, catalog entry 380 of 380, ships in 3 days by courier.",
//              created: 2020-04-20T20:00:00.000Z}
// created of item i is 2020-01-01T00:00:00Z + 7 h * i. The catalog holds
// 1142 objects in the object table (outer object, items array, and per item
// the Item, its tags array and its Date), 379 trait references and 952
// string references.
'use strict';
const { listen, connect, u32be, writeChunked, sleep } = require('./lib');
const A = require('./lib-amf3');

const PORT = 21935;
const COUNT = 380;
const CHUNK = 1400;

class Request {
  constructor(method, page) { this.method = method; this.page = page; }
}
A.registerClassAlias('com.example.Request', Request);

class Item {
  constructor(id, name, price, tags, description, created) {
    this.id = id; this.name = name; this.price = price; this.tags = tags;
    this.description = description; this.created = created;
  }
}
A.registerClassAlias('com.example.Item', Item);

const TAGS = ['new', 'sale', 'popular', 'eco', 'premium', 'limited',
  'clearance', 'bundle', 'gift', 'outdoor', 'kitchen', 'office'];
const ADJ = ['Compact', 'Deluxe', 'Rugged', 'Classic', 'Smart', 'Portable', 'Quiet', 'Heavy-duty'];
const NOUN = ['Widget', 'Gadget', 'Lamp', 'Kettle', 'Backpack', 'Speaker', 'Chair', 'Bottle'];
const COLOR = ['red', 'blue', 'green', 'black', 'white', 'silver'];
const BASE_MS = Date.UTC(2020, 0, 1, 0, 0, 0);

const rand = A.prng(0x414d4633);
const pick = (arr) => arr[Math.floor(rand() * arr.length)];

function makeItem(i) {
  const adj = pick(ADJ); const noun = pick(NOUN); const color = pick(COLOR);
  let cents = 199 + Math.floor(rand() * 49800);
  if (cents % 100 === 0) cents += 49;
  const ntags = 1 + Math.floor(rand() * 4);
  const tags = [];
  while (tags.length < ntags) {
    const t = pick(TAGS);
    if (!tags.includes(t)) tags.push(t);
  }
  const name = `${adj} ${noun} ${String(i).padStart(4, '0')}`;
  const description = `${adj} ${color} ${noun.toLowerCase()}, catalog entry ${i} of ${COUNT}, ships in ${1 + (i % 7)} days by courier.`;
  return new Item(i, name, cents / 100, tags, description, new Date(BASE_MS + i * 3600000 * 7));
}

const items = [];
for (let i = 1; i <= COUNT; i++) items.push(makeItem(i));
const catalog = { total: COUNT, page: 1, items };
const END_TEXT = 'end of catalog page 1, 380 items';

async function main() {
  const request = A.encodeExt(new Request('getCatalog', 1));
  const big = u32be(A.encodeExt(catalog));
  const tail = u32be(A.encode(END_TEXT));
  if (tail.length !== 38) throw new Error(`tail is ${tail.length} bytes`);
  if (process.env.DUMP) {
    console.log(`request ${request.length} bytes, catalog ${big.length - 4} bytes + 4, ${Math.ceil(big.length / CHUNK)} chunks`);
    console.log('first', items[0], 'last', items[COUNT - 1]);
    return;
  }

  const srv = await listen(PORT, async (sock) => {
    const rd = new A.FrameReader(sock);
    const req = await rd.next();
    if (!req || !req.equals(request)) throw new Error('unexpected request');
    await writeChunked(sock, big, CHUNK, 5);
    await sleep(100);
    sock.write(tail);
    await rd.next();
    sock.end();
  });
  const c = await connect(PORT);
  const closed = new Promise((resolve) => c.on('close', resolve));
  const rd = new A.FrameReader(c);
  c.write(u32be(request));
  const got = await rd.next();
  if (!got || got.length !== big.length - 4) throw new Error('catalog not received');
  const end = await rd.next();
  if (!end || end.length !== 34) throw new Error('end message not received');
  await sleep(50);
  c.end();
  await closed;
  srv.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
