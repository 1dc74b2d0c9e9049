// SPDX-License-Identifier: GPL-2.0-or-later
// AMF3 helpers for the amf3-*.pcap scenarios.
//
// Values are written by bytearray-node 3.3.5, whose AMF3 writer is amf3-ts
// 1.1.0 (both pinned by package-lock.json). Two writers are offered:
//
//  encode(v)     plain bytearray-node: ByteArray.writeObject with objectEncoding
//                AMF3. Used for every value that bytearray-node writes as the
//                AMF3 specification says.
//
//  encodeExt(v)  the same amf3-ts serializer (same reference tables, same string,
//                number, date, array, anonymous object, ByteArray and vector
//                writers), extended for the cases bytearray-node cannot write
//                in AMF3 form. Those cases, and only they, are written by hand
//                below (each is marked HAND-ENCODED):
//                  - typed objects with sealed members: amf3-ts writes the
//                    member names interleaved with the values (name, value,
//                    name, value) after the traits, and again after a trait
//                    reference; AMF3 wants all member names in the traits
//                    (only when the traits are new) and then the values.
//                  - XMLDocument (marker 0x07) and XML (0x0B): not supported.
//                  - Vector.<Object> (0x10) and Dictionary (0x11): amf3-ts
//                    uses these markers for JS Set and Map but leaves out the
//                    fixed flag and the object type name (vector) and the
//                    weak-keys flag (dictionary), so its output is not AMF3.
//                  - Vector.<int> elements below zero: amf3-ts throws a
//                    RangeError for them (its 32-bit signed overflow helper
//                    turns -1 into 4294967295 and then rejects it). Vectors
//                    without negative elements still go through amf3-ts.
//
// Known limitation kept as is (it is bytearray-node's behaviour): for an
// IExternalizable class, writeExternal receives a bare amf3-ts Stream whose
// writeObject starts a fresh serializer, i.e. fresh reference tables. Values
// written that way must hold no string, object or trait references, or a
// reader (which keeps one set of tables per message) resolves them wrongly.
'use strict';
const ByteArray = require('bytearray-node');
const { ObjectEncoding } = require('bytearray-node/enums');
const { AMF3, Stream } = require('amf3-ts');
const { Serializer } = require('amf3-ts/dist/core/serializer');

const M = {
  OBJECT: 0x0a, XML_DOC: 0x07, XML: 0x0b, VECTOR_INT: 0x0d,
  VECTOR_OBJECT: 0x10, DICTIONARY: 0x11,
};

function registerClassAlias(alias, cls) {
  ByteArray.registerClassAlias(ObjectEncoding.AMF3, alias, cls);
}

// The alias registry bytearray-node fills (amf3-ts keeps it on AMF3).
const mapping = AMF3.mapping;

function isSealedTyped(v) {
  if (v === null || typeof v !== 'object') return false;
  const type = Object.getPrototypeOf(v).constructor;
  return mapping.isRegisteredClassAlias(type)
    && !(('writeExternal' in v) && ('readExternal' in v));
}

// Marker classes for the values bytearray-node has no AMF3 form for.
class Xml { constructor(text) { this.text = text; } }
class XmlDocument { constructor(text) { this.text = text; } }
class VectorObject {
  constructor(typeName, items, fixed = false) {
    this.typeName = typeName; this.items = items; this.fixed = fixed;
  }
}
class Dictionary {
  constructor(entries, weakKeys = false) { this.entries = entries; this.weakKeys = weakKeys; }
}
const EXT_TYPES = [Xml, XmlDocument, VectorObject, Dictionary];

// Throw if v holds anything plain bytearray-node would get wrong.
function checkPlain(v, seen = new Set()) {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (isSealedTyped(v)) throw new Error('sealed typed object: use encodeExt');
  if (EXT_TYPES.some((t) => v instanceof t)) throw new Error(`${v.constructor.name}: use encodeExt`);
  if (v instanceof Int32Array && v.some((x) => x < 0)) throw new Error('negative Vector.<int>: use encodeExt');
  if (Buffer.isBuffer(v)) throw new Error('Buffer: use a ByteArray');
  if (ArrayBuffer.isView(v)) return;
  if (v instanceof ByteArray || v instanceof Date) return;
  if (typeof v.writeExternal === 'function') return;
  for (const k of Object.keys(v)) checkPlain(v[k], seen);
}

// Plain bytearray-node AMF3.
function encode(v) {
  checkPlain(v);
  const ba = new ByteArray();
  ba.objectEncoding = ObjectEncoding.AMF3;
  ba.writeObject(v);
  return Buffer.from(ba.buffer);
}

class ExtSerializer extends Serializer {
  constructor() {
    super({ stream: new Stream(), mapping });
  }

  serialize(data) {
    if (data instanceof Xml) this.writeXml(M.XML, data);
    else if (data instanceof XmlDocument) this.writeXml(M.XML_DOC, data);
    else if (data instanceof VectorObject) this.writeVectorObject(data);
    else if (data instanceof Dictionary) this.writeDictionary(data);
    else return super.serialize(data);
    return this.stream.data;
  }

  // Writes the marker, then either an object reference (true) or nothing
  // (false, the value is new and now in the object table).
  objectRef(marker, value) {
    this.stream.writeUnsignedByte(marker);
    const idx = this.reference.check('objectReferences', value);
    if (idx === false) return false;
    this.stream.writeUInt29(idx << 1);
    return true;
  }

  // HAND-ENCODED: XMLDocument / XML, U29X-value = (byte length << 1) | 1
  // followed by the UTF-8 text.
  writeXml(marker, x) {
    if (this.objectRef(marker, x)) return;
    this.stream.writeUInt29((Buffer.byteLength(x.text, 'utf8') << 1) | 1);
    this.stream.writeUTFBytes(x.text);
  }

  // HAND-ENCODED: Vector.<Object>: U29V-value = (count << 1) | 1, fixed
  // flag byte, object type name (UTF-8-vr, in the string table), then each
  // element as a full AMF3 value.
  writeVectorObject(v) {
    if (this.objectRef(M.VECTOR_OBJECT, v)) return;
    this.stream.writeUInt29((v.items.length << 1) | 1);
    this.stream.writeUnsignedByte(v.fixed ? 1 : 0);
    this.serializeString(v.typeName, false);
    for (const item of v.items) this.serialize(item);
  }

  // HAND-ENCODED: Dictionary: U29Dict-value = (entry count << 1) | 1,
  // weak-keys flag byte, then key and value, each a full AMF3 value.
  writeDictionary(d) {
    if (this.objectRef(M.DICTIONARY, d)) return;
    this.stream.writeUInt29((d.entries.length << 1) | 1);
    this.stream.writeUnsignedByte(d.weakKeys ? 1 : 0);
    for (const [k, v] of d.entries) {
      this.serialize(k);
      this.serialize(v);
    }
  }

  // HAND-ENCODED only when an element is negative: each element as a
  // 32-bit big-endian two's complement integer.
  serializeVectorInt(value) {
    if (!value.some((x) => x < 0)) return super.serializeVectorInt(value);
    if (this.objectRef(M.VECTOR_INT, value)) return;
    this.stream.writeUInt29((value.length << 1) | 1);
    this.stream.writeUnsignedByte(Object.isExtensible(value) ? 0 : 1);
    for (const x of value) this.stream.writeUnsignedInt(x >>> 0);
  }

  // HAND-ENCODED for sealed typed objects: traits header
  // (count << 4) | 0x03, class name, the member names, then the values; or a
  // trait reference (index << 2) | 0x01 followed by the values only. The
  // trait table is amf3-ts's own, so indices agree with the anonymous and
  // externalizable traits it writes. Everything else goes to amf3-ts.
  serializeObject(value) {
    if (!isSealedTyped(value)) return super.serializeObject(value);
    if (this.objectRef(M.OBJECT, value)) return;
    const type = Object.getPrototypeOf(value).constructor;
    const keys = Object.keys(value);
    const traits = {
      className: mapping.getQualifiedClassName(type),
      externalizable: false, dynamic: false, keys, count: keys.length,
    };
    const traitIdx = this.reference.check('traitReferences', traits);
    if (traitIdx !== false) {
      this.stream.writeUInt29((traitIdx << 2) | 1);
    } else {
      this.stream.writeUInt29(0x03 | (keys.length << 4));
      this.serializeString(traits.className, false);
      for (const k of keys) this.serializeString(k, false);
    }
    for (const k of keys) this.serialize(value[k]);
  }

  // Typed objects that are not instances of a JS-known type land here in
  // amf3-ts; send the sealed ones to serializeObject above.
  serializeUnidentifiedObject(value) {
    if (isSealedTyped(value)) return this.serializeObject(value);
    return super.serializeUnidentifiedObject(value);
  }
}

// bytearray-node's serializer, extended as described at the top.
function encodeExt(v) {
  const s = new ExtSerializer();
  s.serialize(v);
  return Buffer.from(s.stream.data);
}

// A bytearray-node ByteArray holding the given bytes.
function byteArray(bytes) {
  const ba = new ByteArray();
  for (const b of bytes) ba.writeUnsignedByte(b);
  return ba;
}

// Deterministic PRNG (mulberry32); returns floats in [0, 1).
function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(rand, n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

// Reads 4-byte big-endian length-prefixed messages from a socket, however
// they were split into segments. next() resolves with the next payload, or
// null once the peer has ended and no complete message is left.
class FrameReader {
  constructor(sock) {
    this.buf = Buffer.alloc(0);
    this.ended = false;
    this.waiter = null;
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('end', () => { this.ended = true; this.wake(); });
  }

  wake() {
    if (this.waiter) { const w = this.waiter; this.waiter = null; w(); }
  }

  async next() {
    for (;;) {
      if (this.buf.length >= 4) {
        const n = this.buf.readUInt32BE(0);
        if (this.buf.length >= 4 + n) {
          const payload = this.buf.subarray(4, 4 + n);
          this.buf = this.buf.subarray(4 + n);
          return payload;
        }
      }
      if (this.ended) return null;
      await new Promise((resolve) => { this.waiter = resolve; });
    }
  }
}

module.exports = {
  ByteArray, registerClassAlias, encode, encodeExt, byteArray,
  Xml, XmlDocument, VectorObject, Dictionary,
  prng, randomBytes, FrameReader,
};
