// SPDX-License-Identifier: GPL-2.0-or-later
// envelope.pcap: AMF packet envelopes (the Flash Remoting / NetConnection
// "AMF message" structure) sent over a raw TCP socket, one envelope per
// write, no other framing.
//
// Port: server 127.0.0.1:20108, one client connection (client closes first).
// Each envelope is one write, 40 ms apart: one envelope per TCP segment.
//
// Envelope layout (all integers big-endian):
//   U16 version, U16 header count,
//   per header: U16 name length + UTF-8 name, U8 must-understand,
//               U32 value length, AMF0 value,
//   U16 message count,
//   per message: U16 length + UTF-8 target URI, U16 length + UTF-8 response
//                URI, U32 value length (0xFFFFFFFF = unknown), AMF0 value.
// HAND-ENCODED: the envelope fields (no npm package writes them usably here:
// amfjs, amf-js and @astronautlabs/amf have no envelope writer; libamf has
// one, but it depends on a GitHub-only fork of bytearray-node and writes 1
// in every length field). The AMF0 / AMF3 values are bytearray-node's, except
// where marked: strict arrays (0A) and 0x11 switches are hand-encoded
// containers around bytearray-node values, and the Flex message uses
// lib-framing.js amf3Flex (hand-encoded sealed traits, see there).
// Each header and message value is encoded separately (fresh tables).
//
// E1 C->S  request, version 3, 2 headers, 2 messages:
//   header "Credentials", must-understand 0, length 39,
//          AMF0 {userid: "alice", password: "secret"}
//   header "DescribeService", must-understand 1, length 2, AMF0 false (01 00)
//   message target "catalog.getItems", response "/1", length 31,
//          AMF0 strict array ["books", 0, 20]  (HAND-ENCODED 0A header)
//   message target "null", response "/2", length 241,
//          AMF0 strict array of 1: 11 + AMF3 typed object
//          flex.messaging.messages.RemotingMessage with sealed members in
//          this order: source null, operation "getItemCount", body ["books"],
//          clientId null, destination "catalog",
//          headers {DSId: "nil", DSEndpoint: "my-amf"},
//          messageId "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6",
//          timestamp 0 (AMF3 integer), timeToLive 0
// E2 S->C  response, version 3, 0 headers, 2 messages:
//   message target "/1/onResult", response "null", length 108,
//          AMF0 ECMA array (bytearray-node's form of a JS array) count 2:
//          "0": {id: 1, title: "Dune", price: 9.99},
//          "1": {id: 2, title: "Emma", price: 7.5}
//   message target "/2/onStatus", response "null", length 419,
//          11 + AMF3 typed object flex.messaging.messages.ErrorMessage,
//          sealed members in this order: body null,
//          clientId "D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6",
//          correlationId "2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6",
//          destination "catalog", extendedData null,
//          faultCode "Server.ResourceUnavailable",
//          faultDetail "No method getItemCount on catalog",
//          faultString "Cannot invoke method 'getItemCount'.",
//          headers {} (empty anonymous object),
//          messageId "C0FFEE00-1111-4222-8333-944455556666", rootCause null,
//          timeToLive 0, timestamp 1700000001000 (double)
// E3 C->S  request, version 3, 0 headers, 1 message:
//   message target "catalog.getCount", response "/3", length 5,
//          AMF0 empty strict array (0a 00 00 00 00, HAND-ENCODED)
// E4 S->C  response, version 3, 0 headers, 1 message:
//   message target "/3/onResult", response "null",
//          length ff ff ff ff (unknown), AMF0 number 2
'use strict';
const L = require('./lib-framing');

const PORT = 20108;

// HAND-ENCODED envelope.
function envelope(version, headers, messages) {
  const parts = [L.u16(version), L.u16(headers.length)];
  for (const h of headers) {
    parts.push(L.utf8(h.name), L.u8(h.mustUnderstand ? 1 : 0), L.u32(h.length ?? h.value.length), h.value);
  }
  parts.push(L.u16(messages.length));
  for (const m of messages) {
    parts.push(L.utf8(m.target), L.utf8(m.response), L.u32(m.length ?? m.value.length), m.value);
  }
  return Buffer.concat(parts);
}

async function main() {
  const rmId = '2F7C1E2A-8B3D-4C5E-9F60-718293A4B5C6';
  const remoting = new L.RemotingMessage({
    source: null,
    operation: 'getItemCount',
    body: ['books'],
    clientId: null,
    destination: 'catalog',
    headers: { DSId: 'nil', DSEndpoint: 'my-amf' },
    messageId: rmId,
    timestamp: 0,
    timeToLive: 0,
  });
  const error = new L.ErrorMessage({
    body: null,
    clientId: 'D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6',
    correlationId: rmId,
    destination: 'catalog',
    extendedData: null,
    faultCode: 'Server.ResourceUnavailable',
    faultDetail: 'No method getItemCount on catalog',
    faultString: "Cannot invoke method 'getItemCount'.",
    headers: {},
    messageId: 'C0FFEE00-1111-4222-8333-944455556666',
    rootCause: null,
    timeToLive: 0,
    timestamp: 1700000001000,
  });

  const e1 = envelope(3, [
    { name: 'Credentials', mustUnderstand: false, value: L.amf0({ userid: 'alice', password: 'secret' }) },
    { name: 'DescribeService', mustUnderstand: true, value: L.amf0(false) },
  ], [
    { target: 'catalog.getItems', response: '/1', value: L.amf0StrictArray([L.amf0('books'), L.amf0(0), L.amf0(20)]) },
    { target: 'null', response: '/2', value: L.amf0StrictArray([L.avmplus(L.amf3Flex(remoting))]) },
  ]);
  const e2 = envelope(3, [], [
    { target: '/1/onResult', response: 'null', value: L.amf0([{ id: 1, title: 'Dune', price: 9.99 }, { id: 2, title: 'Emma', price: 7.5 }]) },
    { target: '/2/onStatus', response: 'null', value: L.avmplus(L.amf3Flex(error)) },
  ]);
  const e3 = envelope(3, [], [
    { target: 'catalog.getCount', response: '/3', value: L.amf0StrictArray([]) },
  ]);
  const e4 = envelope(3, [], [
    { target: '/3/onResult', response: 'null', length: 0xffffffff, value: L.amf0(2) },
  ]);

  await L.session(PORT, async ({ cli, srv }) => {
    L.logMsg(1, 'C->S', e1, 'E1 request');
    await L.send(cli, e1);
    L.logMsg(2, 'S->C', e2, 'E2 response');
    await L.send(srv, e2);
    L.logMsg(3, 'C->S', e3, 'E3 request');
    await L.send(cli, e3);
    L.logMsg(4, 'S->C', e4, 'E4 response');
    await L.send(srv, e4);
  });
  for (const e of [e1, e2, e3, e4]) console.log(L.hex(e));
}

main().catch((e) => { console.error(e); process.exit(1); });
