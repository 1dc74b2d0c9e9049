// SPDX-License-Identifier: GPL-2.0-or-later
// large-message.pcap.gz: one message over 1 MiB between two small ones, for
// what the tree does with a large message (tests/dissection/test_large_message.py).
//
// Port: server 127.0.0.1:20174, one client connection (client closes first).
// Framing: U32 big-endian length N (prefix not counted), then one AMF3
// value of N bytes. Each message is one write, 40 ms apart.
// Encoder: bytearray-node ByteArray.writeObject, objectEncoding AMF3, fresh
// reference tables per message. Object members are in the order listed.
//
//  #  dir   AMF3 value
//  1  C->S  {cmd: "export", file: "scores.bin"}
//  2  S->C  {cmd: "export", file: "scores.bin", size: 1200000,
//            data: ByteArray of 1,200,000 bytes, byte i = i % 251}
//            (1,200,052 bytes of AMF: over the 1 MiB up to which a visible
//            tree gets amf.json unasked)
//  3  C->S  {cmd: "thanks", n: 1}
//  4  S->C  dense array of 25,001 integers: i % 100 for i = 0..24999, then
//            424242 (more values than a visible tree shows: 20,000)
//  5-44  C->S  {seq: k} for k = 1..40, in one write (one segment of 40
//            messages: the Info column lists 32, then an ellipsis)
'use strict';
const L = require('./lib-framing');

const PORT = 20174;
const SIZE = 1200000;

const blob = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) blob[i] = i % 251;

const msgs = [
  ['C', 'export request', { cmd: 'export', file: 'scores.bin' }],
  ['S', 'export (1,200,000-byte ByteArray)', { cmd: 'export', file: 'scores.bin', size: SIZE, data: L.byteArray(blob) }],
  ['C', 'thanks', { cmd: 'thanks', n: 1 }],
  ['S', 'array of 25,001 integers', Array.from({ length: 25000 }, (_, i) => i % 100).concat([424242])],
].map(([dir, what, v]) => ({ dir, what, bytes: L.lenU32be(L.amf3(v)) }));
const batch = [];
for (let k = 1; k <= 40; k++) batch.push(L.lenU32be(L.amf3({ seq: k })));
msgs.push({ dir: 'C', what: '40 messages {seq: 1..40} in one write', bytes: Buffer.concat(batch) });

// Every entry is already framed (the batch holds 40 messages).
L.runFramed(PORT, (p) => p, msgs).catch((e) => { console.error(e); process.exit(1); });
