// SPDX-License-Identifier: GPL-2.0-or-later
// amf0-avmplus.pcap: a bare AMF0 stream (no length prefix) whose values
// switch to AMF3 with the AVM+ marker 0x11, at top level and nested.
//
// Port: server 127.0.0.1:20107, one client connection (client closes first).
// Framing: none; AMF0 values back to back. Writes are 40 ms apart, so each
// write below is one TCP segment.
// Encoder: AMF0 values and AMF3 values are bytearray-node's (ByteArray
// writeObject with objectEncoding AMF0 / AMF3, a fresh ByteArray per value,
// so each AMF3 value after a 0x11 starts with empty reference tables).
// HAND-ENCODED: every 0x11 byte (bytearray-node's AMF0 writer has no AVM+
// switch) and the AMF0 containers that hold a 0x11 (object 03 / ECMA array
// 08 / strict array 0A headers, member names, 00 00 09 ends).
// Where one AMF0 value holds several 0x11 switches, only the first AMF3
// value contains references, so a reader that keeps one AMF3 table set per
// top-level value and one that starts fresh at every 0x11 decode the same.
//
//  seg  dir   values
//  1    C->S  v1 11 + AMF3 {cmd: "hello", client: "flash", ver: 11,
//               tags: ["a", "hello"]}   ("hello" in tags: string ref 06 02)
//  2    S->C  v2 AMF0 object {cmd: "welcome" (AMF0 string),
//               session: 11 + AMF3 {id: "S-0001", caps: ["chat", "trade"]},
//               ttl: 300 (AMF0 number)}
//  3    C->S  two values in one segment:
//               v3 AMF0 string "tick"
//               v4 11 + AMF3 integer 7                 (11 04 07)
//  4    S->C  v5 AMF0 ECMA array, count 2: "0": 11 + AMF3 {x: 1, y: 2},
//               "1": AMF0 string "end"
//  5    C->S  v6 AMF0 strict array, count 2: 11 + AMF3 {a: "x", b: "x"}
//               (string ref 06 02), 11 + AMF3 string "solo"
//  6    S->C  v7 AMF0 object {event: "tick" (AMF0 string), data: AMF0 object
//               {when: 11 + AMF3 date 2024-03-15T12:34:56.789Z
//               (1710506096789 ms), seq: 11 + AMF3 integer 99}}
//  7a   C->S  first 6 bytes of v8 (0x11 and the start of the AMF3 object)
//  7b   C->S  rest of v8
//               v8 11 + AMF3 {cmd: "bye", reason: "done"}
'use strict';
const L = require('./lib-framing');

const PORT = 20107;

async function main() {
  const when = new Date(Date.UTC(2024, 2, 15, 12, 34, 56, 789));
  const v = [
    L.avmplus(L.amf3({ cmd: 'hello', client: 'flash', ver: 11, tags: ['a', 'hello'] })),
    L.amf0Object([
      ['cmd', L.amf0('welcome')],
      ['session', L.avmplus(L.amf3({ id: 'S-0001', caps: ['chat', 'trade'] }))],
      ['ttl', L.amf0(300)],
    ]),
    L.amf0('tick'),
    L.avmplus(L.amf3(7)),
    L.amf0EcmaArray([
      ['0', L.avmplus(L.amf3({ x: 1, y: 2 }))],
      ['1', L.amf0('end')],
    ]),
    L.amf0StrictArray([
      L.avmplus(L.amf3({ a: 'x', b: 'x' })),
      L.avmplus(L.amf3('solo')),
    ]),
    L.amf0Object([
      ['event', L.amf0('tick')],
      ['data', L.amf0Object([
        ['when', L.avmplus(L.amf3(when))],
        ['seq', L.avmplus(L.amf3(99))],
      ])],
    ]),
    L.avmplus(L.amf3({ cmd: 'bye', reason: 'done' })),
  ];
  v.forEach((b, i) => L.logMsg(i + 1, 'value', b, `v${i + 1}`));

  await L.session(PORT, async ({ cli, srv }) => {
    await L.send(cli, v[0]);
    await L.send(srv, v[1]);
    await L.send(cli, Buffer.concat([v[2], v[3]]));
    await L.send(srv, v[4]);
    await L.send(cli, v[5]);
    await L.send(srv, v[6]);
    await L.send(cli, v[7].subarray(0, 6));
    await L.send(cli, v[7].subarray(6));
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
