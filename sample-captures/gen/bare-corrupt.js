// SPDX-License-Identifier: GPL-2.0-or-later
// bare-corrupt.pcap: a bare AMF3 stream (values back to back, no length, as
// Socket.writeObject writes them) in which two values are damaged; the
// values after each must decode again.
//
// Regenerate (as root, from sample-captures/): gen/make-recovery.sh bare-corrupt
// (capture.sh, filter 'tcp port 20173').
// Port: server 127.0.0.1:20173, one connection, the client closes first.
// Good values: bytearray-node (lib-framing.js amf3), a fresh ByteArray per
// value, so every value starts with empty reference tables.  The two
// damaged values are HAND-ENCODED below.  Each write is one segment (40 ms
// apart, Nagle off).
//
//  seg frame dir   values
//  A     4   C->S  v1 {cmd: "join", room: "lobby"}
//  B     6   C->S  v2 {cmd: "chat", text: "before the damage"}
//  C     8   C->S  v3 DAMAGED, then v4 and v5, in one segment:
//                  v3 = {cmd: "bad", n: 5, z: 7} with the integer marker of
//                  n (04) replaced by 0x12, not an AMF3 marker:
//                    0a 0b 01 07 63 6d 64 06 07 62 61 64 03 6e 12 05 03 7a 04 07 01
//                  (offset 14 is the 0x12; the bytes before it hold the
//                  string value "bad" at offset 7, which is not a value of
//                  its own)
//                  v4 {cmd: "chat", text: "after the damage"}
//                  v5 "a string right after"
//  D    10   C->S  v6 {cmd: "chat", text: "next segment after the damage"}
//  E    12   C->S  v7 DAMAGED, alone in its segment: {list: [<object
//                  reference #5>], after: "x"}; the object table holds 2
//                  entries (the object and the array) when the reference
//                  comes:
//                    0a 0b 01 09 6c 69 73 74 09 03 01 0a 0a 0b 61 66 74 65 72 06 03 78 01
//                  (the 0a 0a at offset 11 is the bad reference)
//  F    14   C->S  v8 {cmd: "chat", text: "good after a bad reference"} and
//                  v9 true (03), in one segment
//  G    16   S->C  v10 {cmd: "ack", n: 9}
// Frames 1-3 handshake; each segment is followed by the peer's ACK; then
// the close (FIN, FIN, ACK).
'use strict';
const L = require('./lib-framing');

const PORT = 20173;
const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

async function main() {
  const v1 = L.amf3({ cmd: 'join', room: 'lobby' });
  const v2 = L.amf3({ cmd: 'chat', text: 'before the damage' });
  // HAND-ENCODED: {cmd: "bad", n: 5, z: 7} with n's marker 04 -> 12.
  const v3 = hex('0a 0b 01 07 63 6d 64 06 07 62 61 64 03 6e 12 05 03 7a 04 07 01');
  const good3 = L.amf3({ cmd: 'bad', n: 5, z: 7 });
  if (!Buffer.concat([v3.subarray(0, 14), hex('04'), v3.subarray(15)]).equals(good3)) {
    throw new Error(`v3 is not the damaged form of ${good3.toString('hex')}`);
  }
  const v4 = L.amf3({ cmd: 'chat', text: 'after the damage' });
  const v5 = L.amf3('a string right after');
  const v6 = L.amf3({ cmd: 'chat', text: 'next segment after the damage' });
  // HAND-ENCODED: {list: [<object reference #5>], after: "x"}.
  const v7 = hex('0a 0b 01 09 6c 69 73 74 09 03 01 0a 0a 0b 61 66 74 65 72 06 03 78 01');
  const v8 = L.amf3({ cmd: 'chat', text: 'good after a bad reference' });
  const v9 = L.amf3(true);
  const v10 = L.amf3({ cmd: 'ack', n: 9 });

  await L.session(PORT, async ({ cli, srv }) => {
    await L.send(cli, v1);
    await L.send(cli, v2);
    await L.send(cli, Buffer.concat([v3, v4, v5]));
    await L.send(cli, v6);
    await L.send(cli, v7);
    await L.send(cli, Buffer.concat([v8, v9]));
    await L.send(srv, v10);
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
