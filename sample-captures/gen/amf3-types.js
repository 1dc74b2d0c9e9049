// SPDX-License-Identifier: GPL-2.0-or-later
// amf3-types.pcap: one AMF3 value of each kind, one message per TCP segment.
//
// Port: server 127.0.0.1:20001, one client connection.
// Framing: every message is a 4-byte big-endian length N followed by exactly
// one AMF3 value of N bytes (no AMF0 envelope, no 0x11 switch marker).
// Exchange: the client sends message k (k = 1..45 below) in one write, the
// server answers each with the AMF3 string "ok k" (e.g. "ok 1"), and only then
// does the client send message k+1. So each client message and each reply is
// alone in its own segment. The client closes after reply 45.
//
// Encoder: bytearray-node (lib-amf3.js encode) unless marked [ext], which
// means bytearray-node's serializer with the hand-written parts described in
// lib-amf3.js (typed objects with sealed members, XML, XMLDocument,
// Vector.<Object>, Dictionary, Vector.<int> with negative elements).
//
// Client -> server messages, in order (member order is as listed):
//   1  undefined                                    (marker 0x00)
//   2  null                                         (0x01)
//   3  false                                        (0x02)
//   4  true                                         (0x03)
//   5  integer 0                                    (0x04, 1-byte U29)
//   6  integer 1
//   7  integer -1                                   (U29 ff ff ff ff)
//   8  integer 127                                  (1-byte U29)
//   9  integer 128                                  (2-byte U29)
//  10  integer 16383                                (2-byte U29)
//  11  integer 16384                                (3-byte U29)
//  12  integer 268435455  (largest AMF3 integer)    (4-byte U29)
//  13  integer -268435456 (smallest AMF3 integer)   (4-byte U29)
//  14  double 268435456 (2^28, one past the integer range, so 0x05)
//  15  double 0.5
//  16  double -1.25e300
//  17  double NaN          (7ff8000000000000)
//  18  double Infinity     (7ff0000000000000)
//  19  double -Infinity    (fff0000000000000)
//  20  double 9007199254740992 (2^53)
//  21  string "Hello, AMF3!"
//  22  string ""                                     (06 01)
//  23  string "héllo ☃ 𝄞" (UTF-8, 15 bytes)
//  24  XMLDocument '<?xml version="1.0"?><note id="1"><to>Ann</to></note>' [ext]
//  25  XML '<catalog><book isbn="42">AMF</book></catalog>' [ext]
//  26  Date 2012-11-09T17:34:56.789Z (1352482496789 ms)
//  27  array, dense only: [1, "two", 3.5, true, null]
//  28  array, associative + dense: {name: "mixed", count: 3} + [10, 20, 30]
//  29  anonymous object (dynamic): {name: "Ann", age: 30, active: true, score: 9.5}
//  30  typed object com.example.User, sealed members
//        {id: 1, name: "Ann", email: "ann@example.com", admin: false} [ext]
//  31  ByteArray 00 01 02 7f 80 fe ff 41 4d 46 (10 bytes)
//  32  Vector.<int> [0, 1, 127, 2147483647], not fixed
//  33  Vector.<int> [-1, 0, 1, -2147483648, 2147483647, -300], not fixed [ext]
//  34  Vector.<uint> [0, 1, 2147483648, 4294967295], not fixed
//  35  Vector.<Number> [0.5, -1.5, 3.141592653589793, 1e300], not fixed
//  36  Vector.<int> [1, 2, 3], fixed (fixed flag 1)
//  37  Vector.<Object> type name "com.example.User", not fixed, 2 elements:
//        com.example.User {id: 2, name: "Bob", email: "bob@example.com", admin: true}
//        com.example.User {id: 3, name: "Cy", email: "cy@example.com", admin: false}
//        (the second uses a trait reference) [ext]
//  38  Dictionary, weak keys 0, 5 entries in this order:
//        "name" => "Ann"; integer 1 => "one"; double 2.5 => true;
//        true => "yes"; anonymous object {id: 1} => "object key" [ext]
//  39  Dictionary, weak keys 1, 2 entries: "alpha" => integer 1;
//        integer 2 => "beta" [ext]
//  40  nested containers:
//        {name: "root", child: {name: "child", list: [[1, 2, [3, "deep"]],
//         {name: "leaf", value: 4}]}}
//        (object > object > array > array > array; "name" repeats as a
//        string reference)
//  41  string references: {alpha: "alpha", beta: "alpha",
//        gamma: ["alpha", "beta", "gamma"], delta: "beta"}
//        (each string is written once, then referenced as value and as
//        member name: table 0 "alpha", 1 "beta", 2 "gamma", 3 "delta")
//  42  object references: [S, S, L, {ref: L}] with S = {id: 7, label: "shared"}
//        and L = ["a", "b"]; the second S is object reference 1, the last
//        L is object reference 2 (0 is the outer array); the second
//        anonymous object uses trait reference 0
//  43  trait references: array of three com.example.User
//        {id: 1, name: "Ann", email: "ann@example.com", admin: false},
//        {id: 2, name: "Bob", email: "bob@example.com", admin: true},
//        {id: 3, name: "Cy", email: "cy@example.com", admin: false};
//        the 2nd and 3rd use trait reference 0 [ext]
//  44  flex.messaging.io.ArrayCollection (externalizable, traits 0x07), its
//        external data one array ["red", "green", "blue", 42,
//        {label: "only object", n: 1}] (no references inside)
//  45  mixed types in one anonymous object:
//        {u: undefined, n: null, f: false, t: true, i: -5, d: 3.25,
//         s: "mixed", date: 2000-01-01T00:00:00.000Z, arr: [1, "x"],
//         bytes: ByteArray 01 02 03, vint: Vector.<int> [1, 2, 3],
//         vuint: Vector.<uint> [4000000000], vdouble: Vector.<Number> [0.25],
//         emptyArr: [], emptyObj: {}, obj: {inner: true}}
// Messages holding an object (marker 0x0a) anywhere inside: 29, 30, 37, 38,
// 40, 41, 42, 43, 44, 45. All others hold none. Server replies hold none.
//
// Server -> client: after client message k, the string "ok k".
//
// Frames as captured in amf3-types.pcap (98 frames, no retransmissions):
// 1-3 handshake; 4 message 1; 5 ACK; 6 "ok 1"; 7 ACK; then for k = 2..45
// message k in frame 2k+4 and "ok k" in frame 2k+5 (so message 45 in 94,
// "ok 45" in 95); 96-98 FIN, FIN, ACK. A rerun may move pure ACKs around.
'use strict';
const { listen, connect, u32be } = require('./lib');
const A = require('./lib-amf3');

const PORT = 20001;

class User {
  constructor(id, name, email, admin) {
    this.id = id; this.name = name; this.email = email; this.admin = admin;
  }
}
A.registerClassAlias('com.example.User', User);

// Flex's ArrayCollection on the wire: externalizable, writes its source array.
class ArrayCollection {
  constructor(source = []) { this.source = source; }
  writeExternal(output) { output.writeObject(this.source); }
  readExternal(input) { this.source = input.readObject(); }
}
A.registerClassAlias('flex.messaging.io.ArrayCollection', ArrayCollection);

function mixedArray(dense, assoc) { return Object.assign([...dense], assoc); }

const ann = () => new User(1, 'Ann', 'ann@example.com', false);
const bob = () => new User(2, 'Bob', 'bob@example.com', true);
const cy = () => new User(3, 'Cy', 'cy@example.com', false);

const shared = { id: 7, label: 'shared' };
const letters = ['a', 'b'];

// [value, writer]; index + 1 is the message number above.
const plain = A.encode;
const ext = A.encodeExt;
const MESSAGES = [
  [undefined, plain],
  [null, plain],
  [false, plain],
  [true, plain],
  [0, plain],
  [1, plain],
  [-1, plain],
  [127, plain],
  [128, plain],
  [16383, plain],
  [16384, plain],
  [268435455, plain],
  [-268435456, plain],
  [268435456, plain],
  [0.5, plain],
  [-1.25e300, plain],
  [NaN, plain],
  [Infinity, plain],
  [-Infinity, plain],
  [2 ** 53, plain],
  ['Hello, AMF3!', plain],
  ['', plain],
  ['héllo ☃ 𝄞', plain],
  [new A.XmlDocument('<?xml version="1.0"?><note id="1"><to>Ann</to></note>'), ext],
  [new A.Xml('<catalog><book isbn="42">AMF</book></catalog>'), ext],
  [new Date(Date.UTC(2012, 10, 9, 17, 34, 56, 789)), plain],
  [[1, 'two', 3.5, true, null], plain],
  [mixedArray([10, 20, 30], { name: 'mixed', count: 3 }), plain],
  [{ name: 'Ann', age: 30, active: true, score: 9.5 }, plain],
  [ann(), ext],
  [A.byteArray([0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff, 0x41, 0x4d, 0x46]), plain],
  [new Int32Array([0, 1, 127, 2147483647]), plain],
  [new Int32Array([-1, 0, 1, -2147483648, 2147483647, -300]), ext],
  [new Uint32Array([0, 1, 2147483648, 4294967295]), plain],
  [new Float64Array([0.5, -1.5, 3.141592653589793, 1e300]), plain],
  [Object.preventExtensions(new Int32Array([1, 2, 3])), plain],
  [new A.VectorObject('com.example.User', [bob(), cy()], false), ext],
  [new A.Dictionary([['name', 'Ann'], [1, 'one'], [2.5, true], [true, 'yes'],
    [{ id: 1 }, 'object key']], false), ext],
  [new A.Dictionary([['alpha', 1], [2, 'beta']], true), ext],
  [{ name: 'root', child: { name: 'child', list: [[1, 2, [3, 'deep']], { name: 'leaf', value: 4 }] } }, plain],
  [{ alpha: 'alpha', beta: 'alpha', gamma: ['alpha', 'beta', 'gamma'], delta: 'beta' }, plain],
  [[shared, shared, letters, { ref: letters }], plain],
  [[ann(), bob(), cy()], ext],
  [new ArrayCollection(['red', 'green', 'blue', 42, { label: 'only object', n: 1 }]), plain],
  [{
    u: undefined, n: null, f: false, t: true, i: -5, d: 3.25, s: 'mixed',
    date: new Date(Date.UTC(2000, 0, 1)), arr: [1, 'x'], bytes: A.byteArray([1, 2, 3]),
    vint: new Int32Array([1, 2, 3]), vuint: new Uint32Array([4000000000]),
    vdouble: new Float64Array([0.25]), emptyArr: [], emptyObj: {}, obj: { inner: true },
  }, plain],
];

async function main() {
  const payloads = MESSAGES.map(([v, write]) => write(v));
  const srv = await listen(PORT, async (sock) => {
    const rd = new A.FrameReader(sock);
    for (let k = 1; ; k++) {
      const msg = await rd.next();
      if (msg === null) break;
      sock.write(u32be(A.encode(`ok ${k}`)));
    }
    sock.end();
  });
  const c = await connect(PORT);
  const closed = new Promise((resolve) => c.on('close', resolve));
  const rd = new A.FrameReader(c);
  for (let k = 1; k <= payloads.length; k++) {
    c.write(u32be(payloads[k - 1]));
    const reply = await rd.next();
    const want = A.encode(`ok ${k}`);
    if (!reply || !reply.equals(want)) throw new Error(`bad reply to message ${k}`);
  }
  c.end();
  await closed;
  srv.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
