// SPDX-License-Identifier: GPL-2.0-or-later
// websocket.pcap: AMF in WebSocket binary messages, written by the npm `ws`
// package (pinned in package.json), server and client on loopback.
//
// Port: server 127.0.0.1:8080 (an HTTP port: Wireshark follows the HTTP
// upgrade to WebSocket).  Two connections, one after the other, the same
// messages on each, in this order, GAP_MS apart:
//   connection 1: permessage-deflate negotiated (threshold 0: every
//                 message is compressed; Wireshark inflates them)
//   connection 2: no extension (the client does not offer it)
// Client -> server:
//   W1 binary: one bare AMF3 value (bytearray-node):
//        object {op: "join", room: "lobby", seq: 1}
//   W2 binary: two u32be-framed AMF3 values back to back:
//        string "first framed message", object {seq: 2, tags: ["a", "b"]}
//   W3 binary: an AMF packet envelope (HAND-ENCODED envelope fields),
//        version 3, 0 headers, 1 message: target "room.say", response
//        "/1", body the AMF0 string "hello" (bytearray-node, AMF0)
//   W4 text:   '{"not":"amf"}'            (must stay WebSocket text)
//   W5 binary: 89 50 4e 47 0d 0a 1a 0a and 24 more bytes 00..17 (a PNG
//        signature, not AMF: must stay undecoded)
// Server -> client, after the 5: binary, one bare AMF3 value (bytearray-node):
//        object {ok: true, got: 5}
//
// Frames as captured in websocket.pcap (50 frames): connection 1 (TCP
// stream 0) W1-W5 in frames 8, 10, 12, 14, 16, the reply in 18;
// connection 2 (stream 1) W1-W5 in 33, 35, 37, 39, 41, the reply in 43.
'use strict';
const { WebSocketServer, WebSocket } = require('ws');
const { sleep } = require('./lib');
const A = require('./lib-amf3');
const L = require('./lib-framing');

const PORT = 8080;
const GAP_MS = 50;

function envelope(target, response, value) {
  return Buffer.concat([L.u16(3), L.u16(0), L.u16(1), L.utf8(target), L.utf8(response),
                        L.u32(value.length), value]);
}

const MESSAGES = [
  A.encode({ op: 'join', room: 'lobby', seq: 1 }),
  Buffer.concat([L.lenU32be(A.encode('first framed message')),
                 L.lenU32be(A.encode({ seq: 2, tags: ['a', 'b'] }))]),
  envelope('room.say', '/1', L.amf0('hello')),
  '{"not":"amf"}',
  Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from([...Array(24).keys()])]),
];
const REPLY = A.encode({ ok: true, got: MESSAGES.length });

async function session(deflate) {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/amf`, { perMessageDeflate: deflate });
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  const reply = new Promise((resolve) => ws.once('message', resolve));
  for (const m of MESSAGES) {
    ws.send(m, { binary: typeof m !== 'string' });
    await sleep(GAP_MS);
  }
  const got = await reply;
  if (!Buffer.from(got).equals(REPLY)) throw new Error('reply differs');
  await sleep(GAP_MS);
  ws.close();
  await new Promise((resolve) => ws.on('close', resolve));
}

async function main() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: PORT,
                                    perMessageDeflate: { threshold: 0 } });
  wss.on('connection', (sock) => {
    let n = 0;
    sock.on('message', (data, isBinary) => {
      const want = MESSAGES[n];
      const ok = typeof want === 'string' ? !isBinary && data.toString() === want
                                          : isBinary && Buffer.from(data).equals(want);
      if (!ok) { console.error(`message ${n + 1} differs`); process.exit(1); }
      if (++n === MESSAGES.length) sock.send(REPLY);
    });
  });
  await new Promise((resolve) => wss.on('listening', resolve));
  await session({ threshold: 0 });
  await session(false);
  await new Promise((resolve) => wss.close(resolve));
}

main().catch((e) => { console.error(e); process.exit(1); });
