// SPDX-License-Identifier: GPL-2.0-or-later
// framing-amf0-u32.pcap: 4-byte big-endian length + one AMF0 value per
// message (typical game-server traffic).
//
// Port: server 127.0.0.1:20104, one client connection (client closes first).
// Framing: U32 big-endian length N (prefix not counted), then exactly one
// AMF0 value of N bytes.
// Each message is one write, 40 ms apart: one message per TCP segment.
// Encoder: bytearray-node ByteArray.writeObject, objectEncoding AMF0
// (amf0-ts), fresh reference table per message. Object members are in the
// order listed; numbers are AMF0 numbers (doubles); JS arrays are written by
// bytearray-node as ECMA arrays (08) with keys "0", "1", ...
//
//  #  dir   AMF0 value
//  1  C->S  {cmd: "login", user: "alice", pass: "secret", version: 3}
//  2  S->C  {cmd: "loginResult", ok: true, userId: 1001, nick: "Alice"}
//  3  C->S  {cmd: "joinRoom", room: "lobby"}
//  4  S->C  {cmd: "roomState", room: "lobby", users: ECMA array
//             {"0": "alice", "1": "bob", "2": "carol"} (count 3), count: 3}
//  5  C->S  {cmd: "chat", text: "hi all"}
//  6  S->C  {cmd: "chat", from: "bob", text: "hello alice", ts: 1700000000000}
//  7  C->S  {cmd: "move", x: 10.5, y: -4, dir: "north"}
//  8  S->C  {cmd: "moved", who: "alice", x: 10.5, y: -4}
//  9  C->S  {cmd: "logout"}
// 10  S->C  {cmd: "bye", reason: "logout"}
'use strict';
const L = require('./lib-framing');

const PORT = 20104;

const msgs = [
  ['C', 'login', { cmd: 'login', user: 'alice', pass: 'secret', version: 3 }],
  ['S', 'loginResult', { cmd: 'loginResult', ok: true, userId: 1001, nick: 'Alice' }],
  ['C', 'joinRoom', { cmd: 'joinRoom', room: 'lobby' }],
  ['S', 'roomState', { cmd: 'roomState', room: 'lobby', users: ['alice', 'bob', 'carol'], count: 3 }],
  ['C', 'chat', { cmd: 'chat', text: 'hi all' }],
  ['S', 'chat from bob', { cmd: 'chat', from: 'bob', text: 'hello alice', ts: 1700000000000 }],
  ['C', 'move', { cmd: 'move', x: 10.5, y: -4, dir: 'north' }],
  ['S', 'moved', { cmd: 'moved', who: 'alice', x: 10.5, y: -4 }],
  ['C', 'logout', { cmd: 'logout' }],
  ['S', 'bye', { cmd: 'bye', reason: 'logout' }],
].map(([dir, what, v]) => ({ dir, what, bytes: L.amf0(v) }));

L.runFramed(PORT, L.lenU32be, msgs).catch((e) => { console.error(e); process.exit(1); });
