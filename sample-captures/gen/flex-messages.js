// SPDX-License-Identifier: GPL-2.0-or-later
// flex-messages.pcap: a BlazeDS-style Flex messaging exchange, first with the
// typed (sealed) message classes, then with the small externalizable forms
// DSK / DSC / DSA.
//
// Port: server 127.0.0.1:20110, one client connection (client closes first).
// Framing: 4-byte big-endian length N (prefix not counted), then exactly one
// AMF3 value of N bytes. Each message is one write, 40 ms apart: one message
// per TCP segment (M6 and M7, M11 and M12 are two server writes in a row).
// Encoder: lib-framing.js amf3Flex = bytearray-node's AMF3 serializer
// (amf3-ts) with HAND-ENCODED sealed traits (amf3-ts writes sealed members
// as interleaved name/value pairs, which is not AMF3) and with writeObject
// inside writeExternal sharing the message's reference tables (as Flash
// Player and BlazeDS do). One serializer per message: each message starts
// with empty tables. Every member value is written by amf3-ts: strings 06,
// integers 04 (any whole number from -2^28 to 2^28-1, e.g. timeToLive 0,
// timestamp 0), doubles 05 (e.g. timestamp 1700000000000), null 01,
// arrays 09, anonymous objects 0a 0b 01 ... 01 or trait reference 0a 01 / 0a 05.
//
// Class names: flex.messaging.messages.{RemotingMessage, AcknowledgeMessage,
// ErrorMessage, CommandMessage, AsyncMessage}. Sealed member order (traits):
//   RemotingMessage:    source, operation, body, clientId, destination,
//                       headers, messageId, timestamp, timeToLive
//   CommandMessage:     operation, correlationId, body, clientId, destination,
//                       headers, messageId, timestamp, timeToLive
//   AcknowledgeMessage: body, clientId, correlationId, destination, headers,
//                       messageId, timeToLive, timestamp
//   AsyncMessage:       same members and order as AcknowledgeMessage
//   ErrorMessage:       body, clientId, correlationId, destination,
//                       extendedData, faultCode, faultDetail, faultString,
//                       headers, messageId, rootCause, timeToLive, timestamp
//
// Ids: CID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301" (client id the server
// assigns); client message ids 6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D/4E/4F/50/51;
// server message ids A1B2C3D4-0001-4000-8000-00000000A001..A006.
//
//  #   dir   message
//  M1  C->S  RemotingMessage {source: "com.example.auth.LoginService",
//              operation: "authenticate", body: ["alice", "secret"],
//              clientId: null, destination: "login",
//              headers: {DSId: "nil", DSEndpoint: "my-amf"},
//              messageId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D",
//              timestamp: 1700000000000, timeToLive: 0}
//  M2  S->C  AcknowledgeMessage {body: {userId: 1001, displayName: "Alice",
//              roles: ["player", "admin"]}, clientId: CID,
//              correlationId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D" (M1),
//              destination: null, headers: {DSId: CID} (CID here is a string
//              reference), messageId: "A1B2C3D4-0001-4000-8000-00000000A001",
//              timeToLive: 0, timestamp: 1700000000050}
//  M3  C->S  RemotingMessage {source: null, operation: "getItem", body: [-1],
//              clientId: CID, destination: "catalog",
//              headers: {DSId: CID, DSEndpoint: "my-amf"},
//              messageId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4E",
//              timestamp: 1700000000100, timeToLive: 0}
//  M4  S->C  ErrorMessage {body: null, clientId: CID,
//              correlationId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4E" (M3),
//              destination: "catalog", extendedData: {itemId: -1},
//              faultCode: "Server.Processing", faultDetail: null,
//              faultString: "Item -1 not found", headers: {},
//              messageId: "A1B2C3D4-0001-4000-8000-00000000A002",
//              rootCause: {message: "id must be >= 0",
//                          localizedMessage: "id must be >= 0"},
//              timeToLive: 0, timestamp: 1700000000150}
//  M5  C->S  CommandMessage (client ping) {operation: 5, correlationId: "",
//              body: {}, clientId: null, destination: "",
//              headers: {DSMessagingVersion: 1, DSId: CID},
//              messageId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4F",
//              timestamp: 0, timeToLive: 0}
//  M6  S->C  AcknowledgeMessage {body: null, clientId: null,
//              correlationId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4F" (M5),
//              destination: null, headers: {DSMessagingVersion: 1},
//              messageId: "A1B2C3D4-0001-4000-8000-00000000A003",
//              timeToLive: 0, timestamp: 1700000000200}
//  M7  S->C  AsyncMessage (pushed) {body: {from: "bob", text: "hi!"},
//              clientId: CID, correlationId: null, destination: "chat",
//              headers: {DSSubtopic: "lobby"},
//              messageId: "A1B2C3D4-0001-4000-8000-00000000A004",
//              timeToLive: 0, timestamp: 1700000000250}
//  M8  C->S  RemotingMessage {source: null, operation: "getItem", body: [7],
//              clientId: CID, destination: "catalog",
//              headers: {DSId: CID, DSEndpoint: "my-amf"},
//              messageId: "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C50",
//              timestamp: 1700000000280, timeToLive: 0}
//
// Small messages. Traits: 0a 07 + class name (externalizable, 0 members),
// then BlazeDS's writeExternal layout (see lib-framing.js for the bits):
//   AbstractMessage flag byte 1: 01 body, 02 clientId, 04 destination,
//     08 headers, 10 messageId, 20 timestamp, 40 timeToLive, 80 another flag
//     byte follows; flag byte 2 (present only if byte 1 has 80): 01
//     clientIdBytes, 02 messageIdBytes. Values in the order body, clientId,
//     destination, headers, messageId, timestamp, timeToLive, clientIdBytes,
//     messageIdBytes. A UUID-formatted id goes as its 16-byte ByteArray
//     (0c 21 + 16 bytes, the id's hex digits in order), anything else as a
//     string.
//   AsyncMessage flag byte: 01 correlationId (string), 02 correlationIdBytes;
//     then that value.
//   AcknowledgeMessage (DSK) flag byte: always 00.
//   CommandMessage (DSC) flag byte: 01 operation; then the operation (AMF3
//     integer).
//  M9  S->C  DSK (AcknowledgeMessageExt) acknowledging M8:
//              body {id: 7, name: "Sword", price: 12.5}, clientId CID (bytes),
//              messageId "A1B2C3D4-0001-4000-8000-00000000A005" (bytes),
//              timestamp 1700000000300, correlationId M8's id (bytes)
//              flags: a1 03 | async 02 | ack 00
//  M10 C->S  DSC (CommandMessageExt) client ping: operation 5,
//              correlationId "" (string form), body {}, destination "",
//              headers {DSMessagingVersion: 1, DSId: CID} (its traits are the
//              trait reference 0a 05: index 1, after DSC's own traits and
//              the body's), messageId "6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C51"
//              (bytes), no clientId, timestamp 0 (not written)
//              flags: 8d 02 | async 01 | command 01
//  M11 S->C  DSK acknowledging M10: body null (not written), clientId CID
//              (bytes), headers {DSMessagingVersion: 1},
//              messageId "A1B2C3D4-0001-4000-8000-00000000A006" (bytes),
//              timestamp 1700000000400, correlationId M10's id (bytes)
//              flags: a8 03 | async 02 | ack 00
//  M12 S->C  DSA (AsyncMessageExt) pushed: body {from: "carol",
//              text: "small msg"}, clientId "subscriber-42" (string form),
//              destination "chat", headers {DSSubtopic: "lobby"},
//              messageId "push-0001" (string form), timestamp 1700000000500,
//              timeToLive 60000 (amf3-ts writes it as integer 04 83 d4 60;
//              BlazeDS would write a Long as a double), no correlationId
//              flags: 7f (one AbstractMessage flag byte only) | async 00
'use strict';
const L = require('./lib-framing');

const PORT = 20110;
const CID = '3F2504E0-4F89-41D3-9A0C-0305E82C3301';
const cid = (n) => `6D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C${n}`;
const sid = (n) => `A1B2C3D4-0001-4000-8000-00000000A00${n}`;

function build() {
  const m = [];
  const C = (what, v) => m.push({ dir: 'C', what, bytes: L.amf3Flex(v) });
  const S = (what, v) => m.push({ dir: 'S', what, bytes: L.amf3Flex(v) });

  C('M1 RemotingMessage login.authenticate', new L.RemotingMessage({
    source: 'com.example.auth.LoginService', operation: 'authenticate', body: ['alice', 'secret'],
    clientId: null, destination: 'login', headers: { DSId: 'nil', DSEndpoint: 'my-amf' },
    messageId: cid('4D'), timestamp: 1700000000000, timeToLive: 0,
  }));
  S('M2 AcknowledgeMessage for M1', new L.AcknowledgeMessage({
    body: { userId: 1001, displayName: 'Alice', roles: ['player', 'admin'] }, clientId: CID,
    correlationId: cid('4D'), destination: null, headers: { DSId: CID },
    messageId: sid(1), timeToLive: 0, timestamp: 1700000000050,
  }));
  C('M3 RemotingMessage catalog.getItem(-1)', new L.RemotingMessage({
    source: null, operation: 'getItem', body: [-1], clientId: CID, destination: 'catalog',
    headers: { DSId: CID, DSEndpoint: 'my-amf' }, messageId: cid('4E'), timestamp: 1700000000100, timeToLive: 0,
  }));
  S('M4 ErrorMessage for M3', new L.ErrorMessage({
    body: null, clientId: CID, correlationId: cid('4E'), destination: 'catalog',
    extendedData: { itemId: -1 }, faultCode: 'Server.Processing', faultDetail: null,
    faultString: 'Item -1 not found', headers: {}, messageId: sid(2),
    rootCause: { message: 'id must be >= 0', localizedMessage: 'id must be >= 0' },
    timeToLive: 0, timestamp: 1700000000150,
  }));
  C('M5 CommandMessage ping', new L.CommandMessage({
    operation: 5, correlationId: '', body: {}, clientId: null, destination: '',
    headers: { DSMessagingVersion: 1, DSId: CID }, messageId: cid('4F'), timestamp: 0, timeToLive: 0,
  }));
  S('M6 AcknowledgeMessage for M5', new L.AcknowledgeMessage({
    body: null, clientId: null, correlationId: cid('4F'), destination: null,
    headers: { DSMessagingVersion: 1 }, messageId: sid(3), timeToLive: 0, timestamp: 1700000000200,
  }));
  S('M7 AsyncMessage push', new L.AsyncMessage({
    body: { from: 'bob', text: 'hi!' }, clientId: CID, correlationId: null, destination: 'chat',
    headers: { DSSubtopic: 'lobby' }, messageId: sid(4), timeToLive: 0, timestamp: 1700000000250,
  }));
  C('M8 RemotingMessage catalog.getItem(7)', new L.RemotingMessage({
    source: null, operation: 'getItem', body: [7], clientId: CID, destination: 'catalog',
    headers: { DSId: CID, DSEndpoint: 'my-amf' }, messageId: cid('50'), timestamp: 1700000000280, timeToLive: 0,
  }));
  S('M9 DSK for M8', new L.AcknowledgeMessageExt({
    body: { id: 7, name: 'Sword', price: 12.5 }, clientId: CID, destination: null, headers: null,
    messageId: sid(5), timestamp: 1700000000300, timeToLive: 0, correlationId: cid('50'),
  }));
  C('M10 DSC ping', new L.CommandMessageExt({
    body: {}, clientId: null, destination: '', headers: { DSMessagingVersion: 1, DSId: CID },
    messageId: cid('51'), timestamp: 0, timeToLive: 0, correlationId: '', operation: 5,
  }));
  S('M11 DSK for M10', new L.AcknowledgeMessageExt({
    body: null, clientId: CID, destination: null, headers: { DSMessagingVersion: 1 },
    messageId: sid(6), timestamp: 1700000000400, timeToLive: 0, correlationId: cid('51'),
  }));
  S('M12 DSA push', new L.AsyncMessageExt({
    body: { from: 'carol', text: 'small msg' }, clientId: 'subscriber-42', destination: 'chat',
    headers: { DSSubtopic: 'lobby' }, messageId: 'push-0001', timestamp: 1700000000500,
    timeToLive: 60000, correlationId: null,
  }));
  return m;
}

async function main() {
  const msgs = build();
  await L.runFramed(PORT, L.lenU32be, msgs);
  if (process.argv.includes('--hex')) for (const x of msgs) console.log(`${x.what}:\n${L.hex(x.bytes)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
