// SPDX-License-Identifier: GPL-2.0-or-later
// amf0-types.pcap: every AMF0 type marker, one value per message.
//
// Port: server 127.0.0.1:20100, one client connection (client closes first).
// Framing: 4-byte big-endian length N, then exactly one AMF0 value of N bytes.
// Each message is one write, 40 ms apart, so each is alone in its own TCP
// segment, except message 18 (66009 bytes with its prefix), which the kernel
// sends as several segments (here 32768 + 32768 + 473 bytes).
// Directions alternate: odd messages client -> server, even server -> client.
// Encoder: bytearray-node ByteArray.writeObject with objectEncoding AMF0
// (amf0-ts), except the parts marked HAND-ENCODED, which bytearray-node
// cannot write at all (see lib-framing.js for the helpers).
//
//  #  dir   value
//  1  C->S  number 42.5                                   00 40 45 40 00 00 00 00 00
//  2  S->C  number NaN                                    00 7f f8 00 00 00 00 00 00
//  3  C->S  number -0.0                                   00 80 00 00 00 00 00 00 00
//  4  S->C  boolean true                                  01 01
//  5  C->S  boolean false                                 01 00
//  6  S->C  string "hello"                                02 00 05 68 65 6c 6c 6f
//  7  C->S  string "Grüße, 世界! 🎮" (UTF-8, 21 bytes: ü ß 2 bytes each,
//             世 界 3 bytes each, 🎮 4 bytes)
//  8  S->C  string "" (empty)                             02 00 00
//  9  C->S  anonymous object, nested, members in this order:
//             {id: 7, name: "hero", stats: {hp: 100, mp: 35.5, buffs: {haste: true}}}
// 10  S->C  null                                          05
// 11  C->S  undefined                                     06
// 12  S->C  object with references (marker 0x07): top = {first: o, second: o,
//             self: top} with o = {k: "shared"}. Reference table: top = 0,
//             o = 1; "second" is 07 00 01, "self" is 07 00 00.
// 13  C->S  ECMA array, associative: {name: "alice", level: 12, admin: false}
//             (08, count 3)
// 14  S->C  ECMA array with numeric keys: "0": "zero", "1": "one", "2": "two"
//             (08, count 3; what bytearray-node writes for the JS array
//             ["zero", "one", "two"])
// 15  C->S  strict array [1, "two", true]                 (0A, count 3)
//             HAND-ENCODED container: bytearray-node never writes 0x0A (it
//             writes every JS array as an ECMA array); the elements are
//             written by bytearray-node.
// 16  S->C  date 2024-03-15T12:34:56.789Z = 1710506096789 ms, written with
//             the process time zone UTC: time-zone field 00 00
// 17  C->S  the same date written with the process time zone Etc/GMT-2
//             (UTC+2): bytearray-node writes Date.getTimezoneOffset() = -120
//             as the S16 time-zone field: ff 88
// 18  S->C  long string (marker 0C, U32 length 66000): the first 66000 bytes
//             of the lines "line 00000: the quick brown fox jumps over the
//             lazy dog\n", "line 00001: ...", ... (56 bytes per line)
// 19  C->S  XML document (0F, U32 length 114):
//             <?xml version="1.0" encoding="UTF-8"?><config><server host="127.0.0.1" port="20100"/><motd>Welcome</motd></config>
//             HAND-ENCODED: bytearray-node has no XML document type.
// 20  S->C  typed object (10) class "com.example.game.Player", registered
//             with registerClassAlias: {name: "hero", level: 5, guild: null,
//             pos: {x: 1.5, y: -2}}
// 21  C->S  AVM+ switch at top level: 11, then the AMF3 value
//             {user: "alice", items: [1, 2, 3], ok: true, again: "alice"}
//             ("again" is the AMF3 string reference 06 02 to "alice")
//             HAND-ENCODED: the 0x11 byte (bytearray-node's AMF0 writer has no
//             AVM+ switch); the AMF3 value is bytearray-node's (AMF3 mode).
// 22  S->C  AVM+ switch as an object member value: AMF0 object
//             {cmd: "sync", payload: 11 + AMF3 {a: 1, b: "x"}, seq: 7}
//             HAND-ENCODED: the AMF0 object framing (03, member names,
//             00 00 09) and the 0x11 byte; "sync", 7 and the AMF3 value are
//             bytearray-node's.
// 23  C->S  AVM+ switch as a strict array element: strict array of 2:
//             "call", 11 + AMF3 [1, "two", {three: 3}]
//             HAND-ENCODED: strict array header and 0x11 byte.
// 24  S->C  movieclip marker 04 alone (1-byte message)
//             HAND-ENCODED: reserved type with no defined body. (amf0-ts does
//             use 0x04, but for a JS Map with an object-like body that is not
//             AMF0; that form is not used here.)
// 25  C->S  recordset marker 0E alone (1-byte message)
//             HAND-ENCODED: reserved type with no defined body. (amf0-ts uses
//             0x0E for a JS Set with a made-up body; not used here.)
// 26  S->C  unsupported marker 0D alone (1-byte message): written by
//             bytearray-node itself for a value it cannot serialize (a
//             Uint8Array [1, 2]).
// 27  C->S  object with an unsupported member: {note: "binary dropped",
//             data: <Uint8Array [1, 2]>, after: 1}; bytearray-node writes
//             "data" as the bare marker 0D.
//
// Markers covered: 00 01 02 03 04 05 06 07 08 09 (object end) 0A 0B 0C 0D 0E
// 0F 10 11.
'use strict';
const L = require('./lib-framing');

const PORT = 20100;

class Player {
  constructor(name, level, guild, pos) {
    this.name = name;
    this.level = level;
    this.guild = guild;
    this.pos = pos;
  }
}
L.registerAmf0('com.example.game.Player', Player);

function longString() {
  const lines = [];
  let len = 0;
  for (let i = 0; len < 66000; i++) {
    const line = `line ${String(i).padStart(5, '0')}: the quick brown fox jumps over the lazy dog\n`;
    lines.push(line);
    len += line.length;
  }
  return lines.join('').slice(0, 66000);
}

function build() {
  const when = new Date(Date.UTC(2024, 2, 15, 12, 34, 56, 789));
  process.env.TZ = 'UTC';
  const dateUtc = L.amf0(when);
  process.env.TZ = 'Etc/GMT-2';
  const dateGmt2 = L.amf0(when);
  process.env.TZ = 'UTC';

  const o = { k: 'shared' };
  const top = { first: o, second: o };
  top.self = top;

  const m = [];
  const C = (what, bytes) => m.push({ dir: 'C', what, bytes });
  const S = (what, bytes) => m.push({ dir: 'S', what, bytes });

  C('number 42.5', L.amf0(42.5));
  S('number NaN', L.amf0(NaN));
  C('number -0.0', L.amf0(-0));
  S('boolean true', L.amf0(true));
  C('boolean false', L.amf0(false));
  S('string "hello"', L.amf0('hello'));
  C('string multi-byte UTF-8', L.amf0('Grüße, 世界! 🎮'));
  S('string empty', L.amf0(''));
  C('nested anonymous object', L.amf0({ id: 7, name: 'hero', stats: { hp: 100, mp: 35.5, buffs: { haste: true } } }));
  S('null', L.amf0(null));
  C('undefined', L.amf0(undefined));
  S('object with references', L.amf0(top));
  C('ECMA array, associative', L.amf0(Object.assign([], { name: 'alice', level: 12, admin: false })));
  S('ECMA array, numeric keys', L.amf0(['zero', 'one', 'two']));
  C('strict array (hand-encoded container)', L.amf0StrictArray([L.amf0(1), L.amf0('two'), L.amf0(true)]));
  S('date, TZ UTC', dateUtc);
  C('date, TZ Etc/GMT-2', dateGmt2);
  S('long string 66000 bytes', L.amf0(longString()));
  C('XML document (hand-encoded)', L.amf0XmlDocument(
    '<?xml version="1.0" encoding="UTF-8"?><config><server host="127.0.0.1" port="20100"/><motd>Welcome</motd></config>'));
  S('typed object com.example.game.Player', L.amf0(new Player('hero', 5, null, { x: 1.5, y: -2 })));
  C('AVM+ at top level', L.avmplus(L.amf3({ user: 'alice', items: [1, 2, 3], ok: true, again: 'alice' })));
  S('AVM+ as object member', L.amf0Object([
    ['cmd', L.amf0('sync')],
    ['payload', L.avmplus(L.amf3({ a: 1, b: 'x' }))],
    ['seq', L.amf0(7)],
  ]));
  C('AVM+ as strict array element', L.amf0StrictArray([
    L.amf0('call'),
    L.avmplus(L.amf3([1, 'two', { three: 3 }])),
  ]));
  S('movieclip 0x04 (hand-encoded)', L.u8(0x04));
  C('recordset 0x0E (hand-encoded)', L.u8(0x0e));
  S('unsupported 0x0D (bytearray-node, Uint8Array)', L.amf0(new Uint8Array([1, 2])));
  C('object with unsupported member', L.amf0({ note: 'binary dropped', data: new Uint8Array([1, 2]), after: 1 }));
  return m;
}

async function main() {
  const msgs = build();
  if (msgs[25].bytes.length !== 1 || msgs[25].bytes[0] !== 0x0d) throw new Error('expected 0x0D from bytearray-node');
  await L.runFramed(PORT, L.lenU32be, msgs);
}

main().catch((e) => { console.error(e); process.exit(1); });
