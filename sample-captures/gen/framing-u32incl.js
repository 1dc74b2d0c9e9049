// SPDX-License-Identifier: GPL-2.0-or-later
// framing-u32incl.pcap: 4-byte big-endian length that counts itself, + one
// AMF3 value per message.
//
// Port: server 127.0.0.1:20103, one client connection (client closes first).
// Framing: U32 big-endian length N = 4 + size of the AMF3 value (the prefix
// is counted), then exactly one AMF3 value of N - 4 bytes.
// Each message is one write, 40 ms apart: one message per TCP segment.
// Encoder: bytearray-node ByteArray.writeObject, objectEncoding AMF3, fresh
// ByteArray (fresh reference tables) per message. Object members are in the
// order listed.
//
//  #  dir   AMF3 value
//  1  C->S  {op: "hello", version: 2}                   (length field 00 00 00 1c = 28)
//  2  S->C  {op: "welcome", serverTime: 1700000000000, features: ["trade", "chat"]}
//  3  C->S  {op: "offer", item: "sword", price: 150, currency: "gold"}
//  4  S->C  {op: "counter", item: "sword", price: 120.5}
//  5  C->S  true
//  6  S->C  null
//  7  C->S  {op: "accept", item: "sword", price: 120.5, note: "déjà vu ✓"}
//  8  S->C  {op: "ledger", entries: [16 objects {n: i, who: "alice"|"bob"
//             (alternating, alice first), amount: i * 10 + 0.5}]}
//             (over 256 bytes)
//  9  C->S  ""                                          (06 01)
// 10  S->C  {op: "close"}
'use strict';
const L = require('./lib-framing');

const PORT = 20103;

const entries = [];
for (let i = 0; i < 16; i++) entries.push({ n: i, who: i % 2 === 0 ? 'alice' : 'bob', amount: i * 10 + 0.5 });

const msgs = [
  ['C', 'hello', { op: 'hello', version: 2 }],
  ['S', 'welcome', { op: 'welcome', serverTime: 1700000000000, features: ['trade', 'chat'] }],
  ['C', 'offer', { op: 'offer', item: 'sword', price: 150, currency: 'gold' }],
  ['S', 'counter', { op: 'counter', item: 'sword', price: 120.5 }],
  ['C', 'true', true],
  ['S', 'null', null],
  ['C', 'accept', { op: 'accept', item: 'sword', price: 120.5, note: 'déjà vu ✓' }],
  ['S', 'ledger (16 entries)', { op: 'ledger', entries }],
  ['C', 'empty string', ''],
  ['S', 'close', { op: 'close' }],
].map(([dir, what, v]) => ({ dir, what, bytes: L.amf3(v) }));

L.runFramed(PORT, L.lenU32beIncl, msgs).catch((e) => { console.error(e); process.exit(1); });
