// SPDX-License-Identifier: GPL-2.0-or-later
// http-remoting.pcap: Flash Remoting over HTTP. A Node `http` client POSTs
// AMF packet envelopes (Content-Type: application/x-amf) to a Node `http`
// server on one keep-alive connection; the server answers each with an
// envelope: once with Content-Length, once chunked, once gzip-compressed.
//
// Port: server 127.0.0.1:20190 (HTTP on a port Wireshark does not know:
// the tests say `-d tcp.port==20190,http`), one connection (Agent keepAlive,
// maxSockets 1), the client closes it at the end.  Requests go one after
// another, each after the previous response was read, 40 ms apart.
//
// HAND-ENCODED: the envelope fields (layout in envelope.js: U16 version 3,
// U16 header count, headers, U16 message count, per message U16+UTF-8
// target URI, U16+UTF-8 response URI, U32 value length, AMF0 value) and the
// AMF0 strict array 0x0A and avmplus 0x11 markers (lib-framing.js). Every
// other value is bytearray-node's (amf0(), amf3()), or lib-framing.js
// amf3Flex for the Flex messages (bytearray-node's serializer, hand-encoded
// sealed traits, see there).
//
//  #   HTTP                         envelope
//  Q1  POST /gateway                0 headers, 1 message:
//        target "catalog.getItems", response "/1",
//        AMF0 strict array ["books"] (bytearray-node string)
//  A1  200, Content-Length          0 headers, 1 message:
//        target "/1/onResult", response "null",
//        11 + AMF3 (bytearray-node) {items: [{id: 1, title: "Dune"},
//        {id: 2, title: "Emma"}], cover: ByteArray 89 50 4e 47 0d 0a 1a 0a,
//        count: 2}: the second item's traits are the trait reference 0a 01,
//        the cover a ByteArray 0c 11 + 8 bytes, then "count" follows them.
//  Q2  POST /gateway                1 header, 2 messages:
//        header "Credentials", must-understand 0, AMF0 {userid: "alice",
//        password: "secret"};
//        target "catalog.getCount", response "/2", AMF0 strict array [];
//        target "catalog.getItem", response "/3", AMF0 strict array [-1]
//  A2  200, Transfer-Encoding: chunked (three writes: the envelope split at
//      bytes 10 and 30)                0 headers, 2 messages:
//        target "/2/onResult", response "null", AMF0 number 42;
//        target "/3/onStatus", response "null", AMF0 {code:
//        "Server.Processing", description: "Item -1 not found", level: "error"}
//  Q3  POST /gateway                0 headers, 1 message:
//        target "null", response "/4", AMF0 strict array of 1: 11 + AMF3
//        RemotingMessage {source: null, operation: "getItemCount",
//        body: ["books"], clientId: null, destination: "catalog",
//        headers: {DSId: "nil", DSEndpoint: "my-amf"},
//        messageId: "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6", timestamp: 0,
//        timeToLive: 0}
//  A3  200, Content-Encoding: gzip, Content-Length   0 headers, 1 message:
//        target "/4/onResult", response "null", 11 + AMF3
//        AcknowledgeMessage {body: 7, clientId:
//        "D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6", correlationId:
//        "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6", destination: null,
//        headers: {}, messageId: "C0FFEE00-1111-4222-8333-944455556666",
//        timeToLive: 0, timestamp: 1700000001000}
'use strict';
const http = require('http');
const zlib = require('zlib');
const L = require('./lib-framing');

const PORT = 20190;
const GAP = 40;

// HAND-ENCODED envelope (as in envelope.js).
function envelope(headers, messages) {
  const parts = [L.u16(3), L.u16(headers.length)];
  for (const h of headers) {
    parts.push(L.utf8(h.name), L.u8(h.mustUnderstand ? 1 : 0), L.u32(h.value.length), h.value);
  }
  parts.push(L.u16(messages.length));
  for (const m of messages) {
    parts.push(L.utf8(m.target), L.utf8(m.response), L.u32(m.value.length), m.value);
  }
  return Buffer.concat(parts);
}

const rmId = '2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6';
const exchanges = [
  {
    request: envelope([], [
      { target: 'catalog.getItems', response: '/1', value: L.amf0StrictArray([L.amf0('books')]) },
    ]),
    response: envelope([], [
      {
        target: '/1/onResult', response: 'null',
        value: L.avmplus(L.amf3({
          items: [{ id: 1, title: 'Dune' }, { id: 2, title: 'Emma' }],
          cover: L.byteArray([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          count: 2,
        })),
      },
    ]),
    send: 'length',
  },
  {
    request: envelope([
      { name: 'Credentials', mustUnderstand: false, value: L.amf0({ userid: 'alice', password: 'secret' }) },
    ], [
      { target: 'catalog.getCount', response: '/2', value: L.amf0StrictArray([]) },
      { target: 'catalog.getItem', response: '/3', value: L.amf0StrictArray([L.amf0(-1)]) },
    ]),
    response: envelope([], [
      { target: '/2/onResult', response: 'null', value: L.amf0(42) },
      {
        target: '/3/onStatus', response: 'null',
        value: L.amf0({ code: 'Server.Processing', description: 'Item -1 not found', level: 'error' }),
      },
    ]),
    send: 'chunked',
  },
  {
    request: envelope([], [
      {
        target: 'null', response: '/4',
        value: L.amf0StrictArray([L.avmplus(L.amf3Flex(new L.RemotingMessage({
          source: null, operation: 'getItemCount', body: ['books'], clientId: null,
          destination: 'catalog', headers: { DSId: 'nil', DSEndpoint: 'my-amf' },
          messageId: rmId, timestamp: 0, timeToLive: 0,
        })))]),
      },
    ]),
    response: envelope([], [
      {
        target: '/4/onResult', response: 'null',
        value: L.avmplus(L.amf3Flex(new L.AcknowledgeMessage({
          body: 7, clientId: 'D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6', correlationId: rmId,
          destination: null, headers: {}, messageId: 'C0FFEE00-1111-4222-8333-944455556666',
          timeToLive: 0, timestamp: 1700000001000,
        }))),
      },
    ]),
    send: 'gzip',
  },
];

function readBody(stream) {
  return new Promise((resolve, reject) => {
    const got = [];
    stream.on('data', (d) => got.push(d));
    stream.on('end', () => resolve(Buffer.concat(got)));
    stream.on('error', reject);
  });
}

async function answer(req, res) {
  req.socket.setNoDelay(true);
  const body = await readBody(req);
  const x = exchanges.find((e) => e.request.equals(body));
  if (!x) throw new Error('server: unexpected request body');
  const type = { 'Content-Type': 'application/x-amf' };
  if (x.send === 'length') {
    res.writeHead(200, { ...type, 'Content-Length': x.response.length });
    res.end(x.response);
  } else if (x.send === 'chunked') {
    res.writeHead(200, type); // no length: Node sends it chunked
    res.write(x.response.subarray(0, 10));
    await L.sleep(10);
    res.write(x.response.subarray(10, 30));
    await L.sleep(10);
    res.end(x.response.subarray(30));
  } else {
    const packed = zlib.gzipSync(x.response);
    res.writeHead(200, { ...type, 'Content-Encoding': 'gzip', 'Content-Length': packed.length });
    res.end(packed);
  }
}

function post(agent, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: PORT, method: 'POST', path: '/gateway', agent,
      headers: { 'Content-Type': 'application/x-amf', 'Content-Length': body.length },
    }, (res) => {
      const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(zlib.createGunzip()) : res;
      readBody(stream).then(resolve, reject);
    });
    req.on('socket', (s) => s.setNoDelay(true));
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const server = http.createServer((req, res) => {
    answer(req, res).catch((e) => { console.error(e); process.exit(1); });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await L.sleep(GAP);
  let n = 0;
  for (const x of exchanges) {
    n += 1;
    L.logMsg(n, 'C->S', x.request, `Q${n} request envelope`);
    const got = await post(agent, x.request);
    if (!got.equals(x.response)) throw new Error(`client: response ${n} differs`);
    L.logMsg(n, 'S->C', x.response, `A${n} response envelope (${x.send})`);
    await L.sleep(GAP);
  }
  agent.destroy();
  await L.sleep(GAP);
  await new Promise((resolve) => server.close(resolve));
  for (const x of exchanges) console.log(L.hex(x.request) + '\n' + L.hex(x.response));
}

main().catch((e) => { console.error(e); process.exit(1); });
