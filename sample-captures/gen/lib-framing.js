// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the AMF0 / raw-TCP-framing / Flex messaging captures
// (amf0-types, framing-*, bare-*, amf0-avmplus, envelope, policy-file,
// flex-messages).
//
// Encoders
//   amf0(v)      bytearray-node ByteArray.writeObject, objectEncoding AMF0
//                (amf0-ts underneath). Fresh reference table per call.
//   amf3(v)      bytearray-node ByteArray.writeObject, objectEncoding AMF3
//                (amf3-ts underneath). Fresh reference tables per call.
//   amf3Flex(v)  the same amf3-ts serializer, with two changes, used only for
//                values holding typed (registered) objects or externalizable
//                objects:
//                 1. HAND-ENCODED sealed traits. amf3-ts writes a typed
//                    object's sealed members as name, value, name, value...
//                    (and repeats the names after a trait reference); AMF3
//                    wants the traits (header, class name, all member names)
//                    and then the member values, and after a trait reference
//                    only the values. bytearray-node cannot write that at all,
//                    so writeSealed() below writes the object marker, the
//                    U29 traits header / trait reference and the member names
//                    itself, using amf3-ts's own reference tables and its
//                    string writer; every member value is still written by
//                    amf3-ts.
//                 2. Shared reference tables inside writeExternal. With plain
//                    bytearray-node, output.writeObject() inside writeExternal
//                    starts a fresh serializer (fresh string/object/trait
//                    tables). Flash Player and BlazeDS share one set of tables
//                    for the whole value, externalized parts included, and
//                    the Flex small messages (DSK/DSA/DSC) rely on that. Here
//                    output.writeObject(x) is amf3-ts serializing x with the
//                    enclosing serializer, so references inside and after an
//                    externalized object index the message's single tables.
//   Values a function here writes by hand are marked HAND-ENCODED.
//
// Session helpers
//   session(port, fn): starts a server on 127.0.0.1:port, connects a client,
//   and runs fn({cli, srv}) with the two connection ends; send(end, buf)
//   writes buf in one write and then pauses GAP ms, so every send is its own
//   TCP segment (Nagle is off); sendChunked() writes a buffer in fixed-size
//   chunks, one segment each. Both ends collect what they receive; at the end
//   the collected bytes are compared with what the other end sent. The
//   client closes first (then the server), unless serverClosesFirst is set.
//   runFramed(port, frame, msgs) is a session that sends a list of framed
//   messages, each from the client ('C') or the server ('S').
'use strict';
const ByteArray = require('bytearray-node');
const { ObjectEncoding } = require('bytearray-node/enums');
const { AMF3, Stream } = require('amf3-ts');
const { Serializer } = require('amf3-ts/dist/core/serializer');
const { listen, connect, sleep, writeChunked } = require('./lib');

const GAP = 40; // ms between writes

// ---------------------------------------------------------------- encoders

function amf0(v) {
  const ba = new ByteArray();
  ba.objectEncoding = ObjectEncoding.AMF0;
  ba.writeObject(v);
  return Buffer.from(ba.buffer);
}

function amf3(v) {
  const ba = new ByteArray();
  ba.objectEncoding = ObjectEncoding.AMF3;
  ba.writeObject(v);
  return Buffer.from(ba.buffer);
}

function registerAmf0(alias, cls) {
  ByteArray.registerClassAlias(ObjectEncoding.AMF0, alias, cls);
}

function registerAmf3(alias, cls) {
  ByteArray.registerClassAlias(ObjectEncoding.AMF3, alias, cls);
}

const mapping = AMF3.mapping; // the alias registry bytearray-node fills

function isExternalizable(v) {
  return ('writeExternal' in v) && ('readExternal' in v);
}

function isSealedTyped(v) {
  if (v === null || typeof v !== 'object') return false;
  const type = Object.getPrototypeOf(v).constructor;
  return mapping.isRegisteredClassAlias(type) && !isExternalizable(v);
}

class FlexSerializer extends Serializer {
  constructor() {
    super({ stream: new Stream(), mapping });
    // Change 2: writeObject() called from writeExternal() serializes with
    // this serializer, i.e. with the value's shared reference tables.
    this.stream.writeObject = (x) => { this.serialize(x); };
  }

  serializeObject(value) {
    if (isSealedTyped(value)) return this.writeSealed(value);
    return super.serializeObject(value);
  }

  serializeUnidentifiedObject(value) {
    if (isSealedTyped(value)) return this.writeSealed(value);
    return super.serializeUnidentifiedObject(value);
  }

  // HAND-ENCODED (change 1): object marker 0x0A; object reference
  // (index << 1) if already written; else traits: either a new traits block
  // U29 = (member count << 4) | 0x03 (sealed, not dynamic, not
  // externalizable), class name, member names in Object.keys order, or a
  // trait reference U29 = (trait index << 2) | 0x01; then the member values
  // in the same order, each written by amf3-ts.
  writeSealed(value) {
    this.stream.writeUnsignedByte(0x0a);
    const objIdx = this.reference.check('objectReferences', value);
    if (objIdx !== false) {
      this.stream.writeUInt29(objIdx << 1);
      return;
    }
    const type = Object.getPrototypeOf(value).constructor;
    const keys = Object.keys(value);
    const traits = {
      className: mapping.getQualifiedClassName(type),
      externalizable: false, dynamic: false, keys, count: keys.length,
    };
    const traitIdx = this.reference.check('traitReferences', traits);
    if (traitIdx !== false) {
      this.stream.writeUInt29((traitIdx << 2) | 0x01);
    } else {
      this.stream.writeUInt29((keys.length << 4) | 0x03);
      this.serializeString(traits.className, false);
      for (const k of keys) this.serializeString(k, false);
    }
    for (const k of keys) this.serialize(value[k]);
  }
}

function amf3Flex(v) {
  const s = new FlexSerializer();
  s.serialize(v);
  return Buffer.from(s.stream.data);
}

// A bytearray-node ByteArray holding `bytes` (amf3-ts writes it as an AMF3
// ByteArray, marker 0x0C).
function byteArray(bytes) {
  const ba = new ByteArray();
  for (const b of bytes) ba.writeUnsignedByte(b);
  return ba;
}

// The 16 bytes of a UUID string "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX", in
// the order its hex digits are written (what BlazeDS's
// UUIDUtils.toByteArray produces). Returns null for anything else, as
// BlazeDS does.
function uuidBytes(s) {
  if (typeof s !== 'string' || !/^[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/.test(s)) return null;
  return Buffer.from(s.replace(/-/g, ''), 'hex');
}

// ------------------------------------------------- HAND-ENCODED byte helpers
// Plain big-endian fields for the envelope and for AMF0 containers that
// amf0-ts cannot write (strict array, XML document, reserved markers, and
// containers holding an AVM+ 0x11 switch).

function u8(n) { return Buffer.from([n & 0xff]); }
function u16(n) { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; }
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; }
// UTF-8 string with a 16-bit big-endian byte length (AMF0 UTF-8).
function utf8(s) { const t = Buffer.from(s, 'utf8'); return Buffer.concat([u16(t.length), t]); }

// HAND-ENCODED: AMF0 strict array 0x0A, U32 count, then the elements (each
// an already encoded AMF0 value, e.g. from amf0() or avmplus()).
function amf0StrictArray(elements) {
  return Buffer.concat([u8(0x0a), u32(elements.length), ...elements]);
}

// HAND-ENCODED: AMF0 XML document 0x0F, U32 byte length, UTF-8 text.
function amf0XmlDocument(text) {
  const t = Buffer.from(text, 'utf8');
  return Buffer.concat([u8(0x0f), u32(t.length), t]);
}

// HAND-ENCODED: AMF0 anonymous object 0x03 whose members are given as
// [name, encoded value] pairs, closed by 00 00 09.
function amf0Object(pairs) {
  const parts = [u8(0x03)];
  for (const [k, v] of pairs) parts.push(utf8(k), v);
  parts.push(u16(0), u8(0x09));
  return Buffer.concat(parts);
}

// HAND-ENCODED: AMF0 ECMA array 0x08, U32 count, [name, encoded value]
// pairs, 00 00 09.
function amf0EcmaArray(pairs, count = pairs.length) {
  const parts = [u8(0x08), u32(count)];
  for (const [k, v] of pairs) parts.push(utf8(k), v);
  parts.push(u16(0), u8(0x09));
  return Buffer.concat(parts);
}

// HAND-ENCODED marker: AMF0 avmplus-object-marker 0x11 followed by an AMF3
// value (already encoded, e.g. by amf3() or amf3Flex()).
function avmplus(amf3Bytes) {
  return Buffer.concat([u8(0x11), amf3Bytes]);
}

// ------------------------------------------------------- Flex / BlazeDS
// Typed (sealed) message classes. Member names are those of BlazeDS's
// flex.messaging.messages classes; each constructor sets every member, in
// the order listed, from the given fields (missing ones get the class
// default), and that order is the order of the sealed member names on the
// wire. Client-side classes (RemotingMessage, CommandMessage) list the
// subclass members first and then AbstractMessage's, as Flash Player writes
// them; server-side classes (AcknowledgeMessage, ErrorMessage, AsyncMessage)
// list all members alphabetically, as BlazeDS's bean proxy writes them.

function sealedClass(alias, members) {
  const cls = class {
    constructor(fields = {}) {
      for (const [k, dflt] of members) this[k] = (k in fields) ? fields[k] : dflt;
    }
  };
  Object.defineProperty(cls, 'name', { value: alias.split('.').pop() });
  registerAmf3(alias, cls);
  return cls;
}

const ABSTRACT = [
  ['body', null], ['clientId', null], ['destination', null], ['headers', null],
  ['messageId', null], ['timestamp', 0], ['timeToLive', 0],
];

const RemotingMessage = sealedClass('flex.messaging.messages.RemotingMessage', [
  ['source', null], ['operation', null], ...ABSTRACT,
]);
const CommandMessage = sealedClass('flex.messaging.messages.CommandMessage', [
  ['operation', 10000], ['correlationId', null], ...ABSTRACT,
]);
const AcknowledgeMessage = sealedClass('flex.messaging.messages.AcknowledgeMessage', [
  ['body', null], ['clientId', null], ['correlationId', null], ['destination', null],
  ['headers', null], ['messageId', null], ['timeToLive', 0], ['timestamp', 0],
]);
const ErrorMessage = sealedClass('flex.messaging.messages.ErrorMessage', [
  ['body', null], ['clientId', null], ['correlationId', null], ['destination', null],
  ['extendedData', null], ['faultCode', null], ['faultDetail', null], ['faultString', null],
  ['headers', null], ['messageId', null], ['rootCause', null], ['timeToLive', 0], ['timestamp', 0],
]);
const AsyncMessage = sealedClass('flex.messaging.messages.AsyncMessage', [
  ['body', null], ['clientId', null], ['correlationId', null], ['destination', null],
  ['headers', null], ['messageId', null], ['timeToLive', 0], ['timestamp', 0],
]);

// Externalizable "small" messages, written the way BlazeDS's writeExternal
// methods write them (AbstractMessage.java, AsyncMessage.java,
// AcknowledgeMessage.java, CommandMessage.java in apache/flex-blazeds,
// core/src/main/java/flex/messaging/messages/):
//
//   AbstractMessage: flag bytes; in each flag byte bit 0x80 (HAS_NEXT_FLAG)
//   means another flag byte follows.
//     byte 1: 0x01 BODY_FLAG, 0x02 CLIENT_ID_FLAG, 0x04 DESTINATION_FLAG,
//             0x08 HEADERS_FLAG, 0x10 MESSAGE_ID_FLAG, 0x20 TIMESTAMP_FLAG,
//             0x40 TIME_TO_LIVE_FLAG, 0x80 another byte follows
//     byte 2 (only written when non-zero, i.e. when byte 1 has 0x80):
//             0x01 CLIENT_ID_BYTES_FLAG, 0x02 MESSAGE_ID_BYTES_FLAG
//     then the values, each an AMF3 value, in this order: body, clientId
//     (string form), destination, headers, messageId (string form),
//     timestamp, timeToLive, clientIdBytes, messageIdBytes.
//     clientId / messageId go in the 16-byte ByteArray form when they are
//     UUID strings (UUIDUtils.toByteArray), else in the string form.
//   AsyncMessage: one flag byte (always written): 0x01 CORRELATION_ID_FLAG
//     (string form), 0x02 CORRELATION_ID_BYTES_FLAG (16-byte ByteArray form);
//     then that value.
//   AcknowledgeMessage: one flag byte, always 0x00.
//   CommandMessage: one flag byte (always written): 0x01 OPERATION_FLAG when
//     operation != 0; then operation as an AMF3 integer.
//   Aliases: DSK = AcknowledgeMessageExt, DSA = AsyncMessageExt,
//   DSC = CommandMessageExt.

function writeAbstractExternal(m, out) {
  const clientIdBytes = uuidBytes(m.clientId);
  const messageIdBytes = uuidBytes(m.messageId);
  let flags = 0;
  if (m.body != null) flags |= 0x01;
  if (m.clientId != null && !clientIdBytes) flags |= 0x02;
  if (m.destination != null) flags |= 0x04;
  if (m.headers != null) flags |= 0x08;
  if (m.messageId != null && !messageIdBytes) flags |= 0x10;
  if (m.timestamp) flags |= 0x20;
  if (m.timeToLive) flags |= 0x40;
  if (clientIdBytes || messageIdBytes) flags |= 0x80;
  out.writeUnsignedByte(flags);
  let flags2 = 0;
  if (clientIdBytes) flags2 |= 0x01;
  if (messageIdBytes) flags2 |= 0x02;
  if (flags2) out.writeUnsignedByte(flags2);
  if (m.body != null) out.writeObject(m.body);
  if (m.clientId != null && !clientIdBytes) out.writeObject(m.clientId);
  if (m.destination != null) out.writeObject(m.destination);
  if (m.headers != null) out.writeObject(m.headers);
  if (m.messageId != null && !messageIdBytes) out.writeObject(m.messageId);
  if (m.timestamp) out.writeObject(m.timestamp);
  if (m.timeToLive) out.writeObject(m.timeToLive);
  if (clientIdBytes) out.writeObject(byteArray(clientIdBytes));
  if (messageIdBytes) out.writeObject(byteArray(messageIdBytes));
}

function writeAsyncExternal(m, out) {
  writeAbstractExternal(m, out);
  const corrBytes = uuidBytes(m.correlationId);
  let flags = 0;
  if (m.correlationId != null && !corrBytes) flags |= 0x01;
  if (corrBytes) flags |= 0x02;
  out.writeUnsignedByte(flags);
  if (m.correlationId != null && !corrBytes) out.writeObject(m.correlationId);
  if (corrBytes) out.writeObject(byteArray(corrBytes));
}

function extClass(alias, write) {
  const cls = class {
    constructor(fields = {}) { Object.assign(this, fields); }
    writeExternal(out) { write(this, out); }
    readExternal() { throw new Error('not used'); }
  };
  registerAmf3(alias, cls);
  return cls;
}

const AsyncMessageExt = extClass('DSA', (m, out) => writeAsyncExternal(m, out));
const AcknowledgeMessageExt = extClass('DSK', (m, out) => {
  writeAsyncExternal(m, out);
  out.writeUnsignedByte(0x00);
});
const CommandMessageExt = extClass('DSC', (m, out) => {
  writeAsyncExternal(m, out);
  const op = m.operation || 0;
  out.writeUnsignedByte(op !== 0 ? 0x01 : 0x00);
  if (op !== 0) out.writeObject(op);
});

// ----------------------------------------------------------------- framings

function lenU32be(p) { return Buffer.concat([u32(p.length), p]); }
function lenU16be(p) {
  if (p.length > 0xffff) throw new Error('too long for a 16-bit length');
  return Buffer.concat([u16(p.length), p]);
}
function lenU32le(p) { const h = Buffer.alloc(4); h.writeUInt32LE(p.length); return Buffer.concat([h, p]); }
function lenU32beIncl(p) { return Buffer.concat([u32(p.length + 4), p]); }

// ------------------------------------------------------------------ session

function hex(b) { return Buffer.from(b).toString('hex').replace(/(..)(?!$)/g, '$1 '); }

// Wraps a connected socket: collects everything it receives and everything
// written through it.
function endpoint(sock, name) {
  const ep = { sock, name, sent: [], got: [], ended: false };
  sock.on('data', (d) => ep.got.push(d));
  ep.endP = new Promise((resolve) => sock.on('end', () => { ep.ended = true; resolve(); }));
  ep.closeP = new Promise((resolve) => sock.on('close', resolve));
  return ep;
}

async function send(ep, buf, gap = GAP) {
  ep.sent.push(buf);
  ep.sock.write(buf);
  await sleep(gap);
}

async function sendChunked(ep, buf, size, pauseMs = 10, gap = GAP) {
  ep.sent.push(buf);
  await writeChunked(ep.sock, buf, size, pauseMs);
  await sleep(gap);
}

function checkDelivered(from, to) {
  const a = Buffer.concat(from.sent);
  const b = Buffer.concat(to.got);
  if (!a.equals(b)) {
    throw new Error(`${from.name} sent ${a.length} bytes but ${to.name} got ${b.length} different bytes`);
  }
}

// Runs one connection: fn({cli, srv}) does the sends; then the client ends,
// the server ends after seeing the client's FIN.
async function session(port, fn, { serverClosesFirst = false } = {}) {
  let srvSock;
  const accepted = new Promise((resolve) => { srvSock = resolve; });
  const server = await listen(port, (sock) => srvSock(sock));
  const cliSock = await connect(port);
  const srv = endpoint(await accepted, 'server');
  const cli = endpoint(cliSock, 'client');
  await sleep(GAP);
  await fn({ cli, srv });
  if (serverClosesFirst) {
    srv.sock.end();
    await cli.endP;
    cli.sock.end();
  } else {
    cli.sock.end();
    await srv.endP;
    srv.sock.end();
  }
  await Promise.all([cli.closeP, srv.closeP]);
  server.close();
  checkDelivered(cli, srv);
  checkDelivered(srv, cli);
  await sleep(GAP);
}

// Prints what each send put on the wire (for the generator's log).
function logMsg(n, dir, buf, what) {
  const head = buf.length > 48 ? `${hex(buf.subarray(0, 48))} ...` : hex(buf);
  console.log(`#${n} ${dir} ${buf.length} bytes: ${what}\n    ${head}`);
}


// Runs one connection on `port` sending msgs in order, each framed with
// frame() and written in one write by the client ('C') or server ('S').
async function runFramed(port, frame, msgs) {
  await session(port, async ({ cli, srv }) => {
    let n = 0;
    for (const m of msgs) {
      n += 1;
      const wire = frame(m.bytes);
      logMsg(n, m.dir === 'C' ? 'C->S' : 'S->C', wire, m.what);
      await send(m.dir === 'C' ? cli : srv, wire);
    }
  });
}

module.exports = {
  GAP, ByteArray, ObjectEncoding,
  amf0, amf3, amf3Flex, registerAmf0, registerAmf3, byteArray, uuidBytes,
  u8, u16, u32, utf8, amf0StrictArray, amf0XmlDocument, amf0Object, amf0EcmaArray, avmplus,
  lenU32be, lenU16be, lenU32le, lenU32beIncl,
  hex, session, send, sendChunked, logMsg, sleep, runFramed,
  RemotingMessage, CommandMessage, AcknowledgeMessage, ErrorMessage, AsyncMessage,
  AsyncMessageExt, AcknowledgeMessageExt, CommandMessageExt,
};
