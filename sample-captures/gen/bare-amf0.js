// SPDX-License-Identifier: GPL-2.0-or-later
// bare-amf0.pcap: AMF0 values back to back with no length prefix, as Flash's
// Socket.writeObject (objectEncoding AMF0) writes them.
//
// Port: server 127.0.0.1:20106, one client connection (client closes first).
// Framing: none. Each value is encoded with a fresh bytearray-node ByteArray
// (objectEncoding AMF0, amf0-ts), so every value starts with an empty
// reference table. JS arrays are written by bytearray-node as ECMA arrays
// (08) with keys "0", "1", ...
// Writes are 40 ms apart (chunks of the large value 10 ms apart), so each
// write below is one TCP segment.
//
// Values, in stream order (v1..v12), and the writes (segments) carrying them:
//  seg  dir   contents
//  A    C->S  three whole values in one segment:
//               v1 "hello"
//               v2 42                                  (00 40 45 00 00 00 00 00 00)
//               v3 {cmd: "join", room: "lobby"}
//  B    S->C  v4 {players: ECMA array {"0": p1, "1": p2}, lead: p1} with
//               p1 = {name: "ann", team: "red"}, p2 = {name: "bob",
//               team: "red"}; "lead" is the reference 07 00 02 (table: v4 0,
//               players 1, p1 2, p2 3).
//  C1   C->S  first 20 bytes of v5 (ends with the string marker 02 of the
//             "text" value; its length and bytes are in C2)
//  C2   C->S  rest of v5
//               v5 {cmd: "chat", text: "split across two segments",
//                   to: ECMA array {"0": "bob", "1": "cat"}}
//  D    S->C  v6 {cmd: "map", tiles: ECMA array of 155 objects {id: i,
//               x: i * 1.25 + 0.1, label: "tile-NNN"} for i = 0..154, NNN = i
//               with 3 digits}, 7980 bytes, written in 1000-byte chunks: one
//               segment per chunk (7 of 1000 bytes, one of 980).
//  E1   C->S  first 15 bytes of v7 (ends right after the 2-byte length
//             00 01 of the member name "x")
//  E2   C->S  rest of v7, then the whole of v8, in one segment:
//               v7 {cmd: "move", x: 3, y: 4}
//               v8 "done"
//  F    S->C  four whole values in one segment:
//               v9  true                               (01 01)
//               v10 null                               (05)
//               v11 {cmd: "ack", room: "lobby"}
//               v12 undefined                          (06)
'use strict';
const L = require('./lib-framing');

const PORT = 20106;

function map() {
  const tiles = [];
  for (let i = 0; i < 155; i++) tiles.push({ id: i, x: i * 1.25 + 0.1, label: `tile-${String(i).padStart(3, '0')}` });
  return { cmd: 'map', tiles };
}

async function main() {
  const p1 = { name: 'ann', team: 'red' };
  const p2 = { name: 'bob', team: 'red' };
  const v = [
    'hello',
    42,
    { cmd: 'join', room: 'lobby' },
    { players: [p1, p2], lead: p1 },
    { cmd: 'chat', text: 'split across two segments', to: ['bob', 'cat'] },
    map(),
    { cmd: 'move', x: 3, y: 4 },
    'done',
    true,
    null,
    { cmd: 'ack', room: 'lobby' },
    undefined,
  ].map((x) => L.amf0(x));
  v.forEach((b, i) => L.logMsg(i + 1, 'value', b, `v${i + 1}`));

  await L.session(PORT, async ({ cli, srv }) => {
    await L.send(cli, Buffer.concat([v[0], v[1], v[2]]));
    await L.send(srv, v[3]);
    await L.send(cli, v[4].subarray(0, 20));
    await L.send(cli, v[4].subarray(20));
    await L.sendChunked(srv, v[5], 1000);
    await L.send(cli, v[6].subarray(0, 15));
    await L.send(cli, Buffer.concat([v[6].subarray(15), v[7]]));
    await L.send(srv, Buffer.concat([v[8], v[9], v[10], v[11]]));
  });
  console.log(`v6 is ${v[5].length} bytes: ${Math.ceil(v[5].length / 1000)} chunks`);
}

main().catch((e) => { console.error(e); process.exit(1); });
