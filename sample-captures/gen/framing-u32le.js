// SPDX-License-Identifier: GPL-2.0-or-later
// framing-u32le.pcap: 4-byte little-endian length + one AMF3 value per message.
//
// Port: server 127.0.0.1:20102, one client connection (client closes first).
// Framing: U32 little-endian length N (the AMF3 value's size, prefix not
// counted), then exactly one AMF3 value of N bytes.
// Each message is one write, 40 ms apart: one message per TCP segment.
// Encoder: bytearray-node ByteArray.writeObject, objectEncoding AMF3, fresh
// ByteArray (fresh reference tables) per message. Object members are in the
// order listed.
//
//  #  dir   AMF3 value
//  1  C->S  {cmd: "join", room: "lobby", nick: "bob"}
//  2  S->C  {cmd: "joined", room: "lobby", users: ["alice", "bob"]}
//  3  C->S  {cmd: "say", text: "hello there", color: 16711680}
//  4  S->C  {cmd: "said", from: "bob", text: "hello there", at: 1700000000123}
//             (at: a double, 05; "text" and "hello there" written inline,
//             fresh tables)
//  5  C->S  -1                                          (integer, 04 ff ff ff ff)
//  6  S->C  3.25                                        (double)
//  7  C->S  ["a", "b", "a", "b"]                        (string references)
//  8  S->C  {cmd: "history", lines: [20 strings "line NN: message text"
//             for NN = 00..19]}                         (over 256 bytes)
//  9  C->S  {cmd: "leave", room: "lobby"}
// 10  S->C  {cmd: "left", room: "lobby", ok: true}
'use strict';
const L = require('./lib-framing');

const PORT = 20102;

const lines = [];
for (let i = 0; i < 20; i++) lines.push(`line ${String(i).padStart(2, '0')}: message text`);

const msgs = [
  ['C', 'join', { cmd: 'join', room: 'lobby', nick: 'bob' }],
  ['S', 'joined', { cmd: 'joined', room: 'lobby', users: ['alice', 'bob'] }],
  ['C', 'say', { cmd: 'say', text: 'hello there', color: 16711680 }],
  ['S', 'said', { cmd: 'said', from: 'bob', text: 'hello there', at: 1700000000123 }],
  ['C', 'integer -1', -1],
  ['S', 'double 3.25', 3.25],
  ['C', 'array with string references', ['a', 'b', 'a', 'b']],
  ['S', 'history (20 lines)', { cmd: 'history', lines }],
  ['C', 'leave', { cmd: 'leave', room: 'lobby' }],
  ['S', 'left', { cmd: 'left', room: 'lobby', ok: true }],
].map(([dir, what, v]) => ({ dir, what, bytes: L.amf3(v) }));

L.runFramed(PORT, L.lenU32le, msgs).catch((e) => { console.error(e); process.exit(1); });
