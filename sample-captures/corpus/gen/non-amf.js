// SPDX-License-Identifier: GPL-2.0-or-later
// The node-written half of the non-AMF recall corpus (run by
// make-non-amf.sh under ../../gen/capture.sh):
//
//   node non-amf.js msgpack|cbor|bson|protobuf
//     two connections, one after the other: 127.0.0.1:P (2-byte big-endian
//     length + payload) and 127.0.0.1:P+1 (4-byte big-endian length +
//     payload), P = 20420 msgpack, 20422 CBOR, 20424 BSON, 20426 protobuf.
//     On each the client sends login, move, chat, bye; the server answers
//     welcome, state (a list of 3 players), ack, bye; one message per write
//     and segment (Nagle off, 40 ms apart). Encoders: @msgpack/msgpack
//     encode, cbor-x encode, bson serialize, protobufjs (the schema below);
//     each payload is checked to decode back to the value sent.
//
//   node non-amf.js flash-remoting
//     HTTP/1.1 on 127.0.0.1:8400 (node's http module, one keep-alive
//     connection): two POST /messagebroker/amf requests with
//     Content-Type: application/x-amf, each body an AMF packet envelope
//     (version 3, no headers, one message "catalog.getItems" / "/1", then
//     "catalog.getItem" / "/2", body an AMF0 strict array); each answered
//     200 application/x-amf with an envelope "/1/onResult" (resp. "/2")
//     holding an AMF0 object. The envelope fields are HAND-ENCODED (no npm
//     encoder writes envelopes, see ../../gen/envelope.js); the AMF0 values
//     are bytearray-node's, strict arrays @astronautlabs/amf's. This is HTTP:
//     the heuristic must leave it to HTTP.
'use strict';
require('reflect-metadata');
const http = require('http');
const assert = require('assert');
const L = require('../../gen/lib-framing');

const players = [{ id: 1, name: 'ann', hp: 100 }, { id: 2, name: 'bob', hp: 85 }, { id: 3, name: 'cat', hp: 70 }];
const CONV = [
  ['C', { cmd: 'login', user: 'ann', token: 'abc123' }],
  ['S', { cmd: 'welcome', id: 7, motd: 'hello ann' }],
  ['C', { cmd: 'move', x: 12, y: -7 }],
  ['S', { cmd: 'state', players }],
  ['C', { cmd: 'chat', text: 'hi all' }],
  ['S', { cmd: 'ack', seq: 3 }],
  ['C', { cmd: 'bye' }],
  ['S', { cmd: 'bye', reason: 'client quit' }],
];

function protobufCodec() {
  const protobuf = require('protobufjs');
  const root = protobuf.Root.fromJSON({
    nested: {
      Player: { fields: { id: { type: 'int32', id: 1 }, name: { type: 'string', id: 2 }, hp: { type: 'int32', id: 3 } } },
      Msg: {
        fields: {
          cmd: { type: 'string', id: 1 }, user: { type: 'string', id: 2 }, token: { type: 'string', id: 3 },
          id: { type: 'int32', id: 4 }, motd: { type: 'string', id: 5 }, x: { type: 'sint32', id: 6 },
          y: { type: 'sint32', id: 7 }, players: { rule: 'repeated', type: 'Player', id: 8 },
          text: { type: 'string', id: 9 }, seq: { type: 'int32', id: 10 }, reason: { type: 'string', id: 11 },
        },
      },
    },
  });
  const Msg = root.lookupType('Msg');
  return {
    encode: (v) => Buffer.from(Msg.encode(Msg.fromObject(v)).finish()),
    decode: (b) => Msg.toObject(Msg.decode(b)),
  };
}

const CODECS = {
  msgpack: [20420, () => { const m = require('@msgpack/msgpack'); return { encode: (v) => Buffer.from(m.encode(v)), decode: (b) => m.decode(b) }; }],
  cbor: [20422, () => { const c = require('cbor-x'); return { encode: (v) => Buffer.from(c.encode(v)), decode: (b) => c.decode(b) }; }],
  bson: [20424, () => { const b = require('bson'); return { encode: (v) => Buffer.from(b.serialize(v)), decode: (x) => b.deserialize(x, { promoteValues: true }) }; }],
  protobuf: [20426, protobufCodec],
};

async function framedPayloads(name) {
  const [port, make] = CODECS[name];
  const codec = make();
  const msgs = CONV.map(([dir, v]) => {
    const bytes = codec.encode(v);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(codec.decode(bytes))), v, `${name} round trip`);
    return { dir, bytes, what: `${name} ${JSON.stringify(v)}` };
  });
  await L.runFramed(port, L.lenU16be, msgs);
  await L.runFramed(port + 1, L.lenU32be, msgs);
}

// HAND-ENCODED AMF packet envelope: version, no headers, messages
// [target, response, AMF0 value].
function envelope(messages) {
  const parts = [L.u16(3), L.u16(0), L.u16(messages.length)];
  for (const [target, response, value] of messages) {
    parts.push(L.utf8(target), L.utf8(response), L.u32(value.length), value);
  }
  return Buffer.concat(parts);
}

async function flashRemoting() {
  const { AMF0 } = require('@astronautlabs/amf');
  const strict = (a) => Buffer.from(AMF0.Value.any(a).serialize());
  const requests = [
    envelope([['catalog.getItems', '/1', strict(['books', 0, 20])]]),
    envelope([['catalog.getItem', '/2', strict([42])]]),
  ];
  const responses = [
    envelope([['/1/onResult', 'null', L.amf0({ total: 2, items: ['AMF in practice', 'Flash Remoting'] })]]),
    envelope([['/2/onResult', 'null', L.amf0({ id: 42, title: 'AMF in practice', price: 12.5 })]]),
  ];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (d) => chunks.push(d));
    req.on('end', () => {
      assert.ok(Buffer.concat(chunks).equals(requests[n]));
      const body = responses[n++];
      res.writeHead(200, { 'Content-Type': 'application/x-amf', 'Content-Length': body.length });
      res.end(body);
    });
  });
  await new Promise((r) => server.listen(8400, '127.0.0.1', r));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const body of requests) {
    await new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: 8400, method: 'POST', path: '/messagebroker/amf', agent,
        headers: { 'Content-Type': 'application/x-amf', 'Content-Length': body.length },
      }, (res) => { res.resume(); res.on('end', resolve); });
      req.on('error', reject);
      req.end(body);
    });
    await L.sleep(40);
  }
  agent.destroy();
  await L.sleep(40);
  server.close();
}

const what = process.argv[2];
const run = what === 'flash-remoting' ? flashRemoting() : CODECS[what] ? framedPayloads(what) : Promise.reject(new Error(`unknown: ${what}`));
run.catch((e) => { console.error(e); process.exit(1); });
