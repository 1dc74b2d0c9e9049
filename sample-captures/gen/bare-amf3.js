// SPDX-License-Identifier: GPL-2.0-or-later
// bare-amf3.pcap: AMF3 values back to back with no length prefix, as Flash's
// Socket.writeObject (objectEncoding AMF3) writes them.
//
// Port: server 127.0.0.1:20105, one client connection (client closes first).
// Framing: none. Each value is encoded with a fresh bytearray-node ByteArray
// (objectEncoding AMF3), so every value starts with empty string, object and
// trait reference tables; references never point into an earlier value.
// Writes are 40 ms apart (chunks of the large value 10 ms apart), so each
// write below is one TCP segment.
//
// Values, in stream order (v1..v11), and the writes (segments) carrying them:
//  seg  dir   contents
//  A    C->S  three whole values in one segment:
//               v1 "hello"
//               v2 42                                       (04 2a)
//               v3 {cmd: "join", room: "lobby"}
//  B    S->C  v4 {players: [p1, p2], lead: p1, teams: ["red", "blue"]}
//               with p1 = {name: "ann", team: "red"}, p2 = {name: "bob",
//               team: "red"}: p1 and p2 use the trait reference 01 (v4's own
//               anonymous traits); "name", "team" and "red" are string
//               references after their first use (p2: 02, 06, 06 08; teams:
//               06 08); "lead" is the object reference 0a 04 (object table:
//               v4 0, players 1, p1 2, p2 3, teams 4).
//  C1   C->S  first 20 bytes of v5 (ends right after the U29 length of
//             the "text" value)
//  C2   C->S  rest of v5
//               v5 {cmd: "chat", text: "split across two segments",
//                   to: ["bob", "cat"]}
//  D    S->C  v6 {cmd: "map", tiles: [212 objects {id: i, x: i * 1.25 + 0.1,
//               y: (i % 17) * 0.5 + 0.3, label: "tile-NNN"} for i = 0..211,
//               NNN = i with 3 digits]}, about 8 KB, written in 1000-byte
//               chunks: one segment per chunk (D1..Dn, the last one shorter).
//               Every tile uses the trait reference 01 and, from the second
//               tile on, string references for the member names; all x and y
//               are doubles (05), never whole numbers. 7960 bytes: 7 chunks
//               of 1000 bytes and one of 960.
//  E1   C->S  first 15 bytes of v7 (ends inside the member name "path")
//  E2   C->S  rest of v7, then the whole of v8, in one segment:
//               v7 {cmd: "move", path: [[0, 0], [1, 0], [1, 1], [2, 1]]}
//               v8 "done"
//  F    S->C  three whole values in one segment:
//               v9  {cmd: "ack", room: "lobby"}   ("cmd", "room", "lobby" are
//                   written inline again: fresh tables per value)
//               v10 true                                    (03)
//               v11 null                                    (01)
'use strict';
const L = require('./lib-framing');

const PORT = 20105;

function map() {
  const tiles = [];
  for (let i = 0; i < 212; i++) {
    tiles.push({ id: i, x: i * 1.25 + 0.1, y: (i % 17) * 0.5 + 0.3, label: `tile-${String(i).padStart(3, '0')}` });
  }
  return { cmd: 'map', tiles };
}

async function main() {
  const p1 = { name: 'ann', team: 'red' };
  const p2 = { name: 'bob', team: 'red' };
  const v = [
    'hello',
    42,
    { cmd: 'join', room: 'lobby' },
    { players: [p1, p2], lead: p1, teams: ['red', 'blue'] },
    { cmd: 'chat', text: 'split across two segments', to: ['bob', 'cat'] },
    map(),
    { cmd: 'move', path: [[0, 0], [1, 0], [1, 1], [2, 1]] },
    'done',
    { cmd: 'ack', room: 'lobby' },
    true,
    null,
  ].map((x) => L.amf3(x));
  v.forEach((b, i) => L.logMsg(i + 1, 'value', b, `v${i + 1}`));

  await L.session(PORT, async ({ cli, srv }) => {
    await L.send(cli, Buffer.concat([v[0], v[1], v[2]]));
    await L.send(srv, v[3]);
    await L.send(cli, v[4].subarray(0, 20));
    await L.send(cli, v[4].subarray(20));
    await L.sendChunked(srv, v[5], 1000);
    await L.send(cli, v[6].subarray(0, 15));
    await L.send(cli, Buffer.concat([v[6].subarray(15), v[7]]));
    await L.send(srv, Buffer.concat([v[8], v[9], v[10]]));
  });
  console.log(`v6 is ${v[5].length} bytes: ${Math.ceil(v[5].length / 1000)} chunks`);
}

main().catch((e) => { console.error(e); process.exit(1); });
