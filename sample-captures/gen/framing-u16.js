// SPDX-License-Identifier: GPL-2.0-or-later
// framing-u16.pcap: 2-byte big-endian length + one AMF3 value per message.
//
// Port: server 127.0.0.1:20101, one client connection (client closes first).
// Framing: U16 big-endian length N (the AMF3 value's size, prefix not
// counted), then exactly one AMF3 value of N bytes.
// Each message is one write, 40 ms apart: one message per TCP segment.
// Encoder: bytearray-node ByteArray.writeObject, objectEncoding AMF3, fresh
// ByteArray (fresh reference tables) per message. Object members are in the
// order listed.
//
//  #  dir   AMF3 value
//  1  C->S  {cmd: "login", user: "alice", token: "abc123"}
//  2  S->C  {cmd: "loginOk", userId: 1001, motd: "Welcome!"}
//  3  C->S  "ping"
//  4  S->C  [1, 2, 3, "four", true]
//  5  C->S  {cmd: "move", x: 12, y: -7, speed: 2.5}     (y: integer, U29 1f ff ff f9)
//  6  S->C  {cmd: "state", players: [{id: 1001, name: "alice", hp: 100},
//                                    {id: 1002, name: "bob", hp: 85}]}
//             (second player: trait reference 01; "id", "name", "hp" string
//             references)
//  7  C->S  array, associative part {count: 2} + dense part ["red", "blue"]
//  8  S->C  {cmd: "inventory", items: [24 objects {slot: i, item: "item-NN",
//             qty: (i * 7) % 10 + 1} for i = 0..23, NN = i with 2 digits]}
//             (over 256 bytes, so the length's high byte is not 0)
//  9  C->S  "bye"
// 10  S->C  {cmd: "bye", reason: "client quit"}
'use strict';
const L = require('./lib-framing');

const PORT = 20101;

function inventory() {
  const items = [];
  for (let i = 0; i < 24; i++) items.push({ slot: i, item: `item-${String(i).padStart(2, '0')}`, qty: (i * 7) % 10 + 1 });
  return { cmd: 'inventory', items };
}

const msgs = [
  ['C', 'login', { cmd: 'login', user: 'alice', token: 'abc123' }],
  ['S', 'loginOk', { cmd: 'loginOk', userId: 1001, motd: 'Welcome!' }],
  ['C', 'string ping', 'ping'],
  ['S', 'dense array', [1, 2, 3, 'four', true]],
  ['C', 'move', { cmd: 'move', x: 12, y: -7, speed: 2.5 }],
  ['S', 'state with 2 players', { cmd: 'state', players: [{ id: 1001, name: 'alice', hp: 100 }, { id: 1002, name: 'bob', hp: 85 }] }],
  ['C', 'mixed array', Object.assign(['red', 'blue'], { count: 2 })],
  ['S', 'inventory (24 items)', inventory()],
  ['C', 'string bye', 'bye'],
  ['S', 'bye', { cmd: 'bye', reason: 'client quit' }],
].map(([dir, what, v]) => ({ dir, what, bytes: L.amf3(v) }));

L.runFramed(PORT, L.lenU16be, msgs).catch((e) => { console.error(e); process.exit(1); });
