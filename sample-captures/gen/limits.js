// SPDX-License-Identifier: GPL-2.0-or-later
// limits.pcap.gz: hostile AMF3 messages that must hit a limit (or decode in
// full) without harming the messages after them, over real loopback sockets.
// Stored gzip-compressed (109 KB as plain pcap, most of it the 20000 member
// names of A31); Wireshark and tshark open .pcap.gz files directly.
//
// Regenerate (as root, from sample-captures/): gen/make-recovery.sh limits
// (capture.sh, filter 'tcp portrange 20170-20172', then gzip -9 -n).
// Three connections, one after the other, the client always sending (the
// server only receives, then both close; the client closes first).  Every
// message is one write, 40 ms apart, so one TCP segment each (loopback MTU
// 65536) unless said otherwise (A31 is one write that left in two
// segments).  Framing: 4-byte big-endian length N (prefix not counted) + N
// bytes meant to hold one AMF3 value; every length is
// honest (counts exactly the bytes that follow) except on connection C.
// Good messages are bytearray-node's (lib-framing.js amf3, fresh tables per
// message); every hostile value is HAND-ENCODED below (no encoder writes
// them).  "x1000" means the bytes repeated 1000 times.
//
// Connection A, port 20170 (default preferences; depth limit 128):
//  id   frame  value
//  A0     4    {seq: 0, text: "first good message"}
//  A1     6    1000 nested dense arrays of one element, innermost integer 1:
//              (09 03 01)x1000 04 01 (3002 bytes): level 129 (offset 384)
//              is past the depth limit
//  A2     8    "good after nested arrays"
//  A3    10    1000 nested anonymous dynamic objects {a: {a: ... 1}}: the
//              first 0a 0b 01 03 61 (traits inline, member name "a"
//              inline), then (0a 01 00)x999 (trait reference 0, member name
//              string reference 0), 04 01, then 01x1000 (end of dynamic
//              members) (4004 bytes); level 129 (offset 386) past the limit
//  A4    12    "good after nested objects"
//  A5    14    dense array claiming 268435455 elements (2^28 - 1, the
//              largest count a U29 holds next to its flag bit) with 10
//              bytes left: 09 ff ff ff ff, then 01 04 01 04 02 04 03 04 04 01
//              (the 01 ends the empty associative part: 9 bytes are left
//              for the elements)
//  A6    16    "good after huge array count"
//  A7    18    Vector.<int> claiming 268435455 elements, 10 bytes left:
//              0d ff ff ff ff 00, then 00 00 00 01 00 00 00 02 00 00
//  A8    20    "good after huge vector count"
//  A9    22    Dictionary claiming 268435455 entries, 10 bytes left:
//              11 ff ff ff ff 00, then 06 03 6b 04 01 06 03 6c 04 02
//  A10   24    "good after huge dictionary count"
//  A11   26    Vector.<Object> claiming 268435455 elements, 10 bytes left:
//              10 ff ff ff ff 00 01 (type name ""), then 0a 0b 01 01 0a 0b 01
//              01 01 01
//  A12   28    "good after huge object vector count"
//  A13   30    string claiming 268435455 bytes (256 MiB - 1), 5 bytes sent:
//              06 ff ff ff ff 73 68 6f 72 74 (frame length 10, honest)
//  A14   32    "good after huge string length"
//  A15   34    ByteArray claiming 268435455 bytes, 4 sent: 0c ff ff ff ff de ad be ef
//  A16   36    "good after huge ByteArray length"
//  A17   38    object reference #1 at the top, the object table empty: 0a 02
//  A18   40    "good after bad object reference"
//  A19   42    string reference #2, the string table empty: 06 04
//  A20   44    "good after bad string reference"
//  A21   46    trait reference #0 before any traits: 0a 01
//  A22   48    "good after trait reference before traits"
//  A23   50    object whose member refers to itself, {self: <ref 0>}:
//              0a 0b 01 09 73 65 6c 66 0a 00 01
//  A24   52    array holding itself, [<ref 0>]: 09 03 01 09 00
//  A25   54    a cycle through a child, {child: {parent: <ref 0>}}:
//              0a 0b 01 0b 63 68 69 6c 64 0a 01 0d 70 61 72 65 6e 74 0a 00 01 01
//  A26   56    the same child twice, not a cycle, [c, c] with c = {n: 1}:
//              09 05 01 0a 0b 01 03 6e 04 01 01 0a 02
//  A27   58    "good after references"
//  A28   60    invalid UTF-8 in a string: {s: 61 c0 af 62 ed a0 80 63 80 64 e2 82}
//              (overlong, surrogate, lone continuation byte, truncated
//              sequence at the end): 0a 0b 01 03 73 06 19 61 c0 af 62 ed a0
//              80 63 80 64 e2 82 01
//  A29   62    invalid UTF-8 in member names: {<6e ff>: 1, <e9 74 e9>: 2}:
//              0a 0b 01 05 6e ff 04 01 07 e9 74 e9 04 02 01
//  A30   64    "good after invalid UTF-8"
//  A31   66    one anonymous object with 20000 dynamic members, every name
//              inline (83625 bytes with the prefix, in frames 66 and 67 of
//              52224 and 31401 bytes): member i (i = 0..19999)
//              is named NAME(i) and holds null, false, true for i % 3 = 0,
//              1, 2.  NAME(i): all names of one, then two, then three
//              characters from the 127 ASCII characters 0x01..0x7f (control
//              characters included: valid UTF-8, and the fewest bytes for
//              20000 distinct names), in order, shorter first and the first
//              character varying slowest (01, 02, ..., 7f, 01 01, 01 02,
//              ..., 7f 7f, 01 01 01, 01 01 02, ...).
//  A32   69    "last good message"
// Frames 1-3 handshake, each message followed by the server's ACK (A31's
// in 68, after its second segment), 71-73 close.
//
// Connection B, port 20171 (meant for -o amftcp.max_message:2000; with the
// default limit all of it decodes):
//  B1    77    string of 2000 bytes on the wire, the limit itself:
//              06 9f 1b "B1:" + 1994 "x"           (message 2004 bytes)
//  B2    79    "good after 2000 bytes"
//  B3    81    string of 2001 bytes: 06 9f 1d "B3:" + 1995 "x"
//  B4    83    "good after 2001 bytes"
//  B5 B6 85    B5 (2001 bytes, like B3 but "B5:") and B6 "good in the same
//              segment as 2001 bytes" in one write, one segment
//  B7    87    B7 (2001 bytes, "B7:") cut in two writes: its first 1000
//  B7 B8 89    bytes; then its remaining 1005 bytes and B8 "good after a
//              split 2001-byte message" in one segment
//  B9    91    "last good message on B"
// Frames 74-76 handshake, ACKs after each segment, 93-95 close.
//
// Connection C, port 20172 (length prefix 0xFFFFFFFF, 4 GiB):
//  C1    99    "first good message on C"
//  C2   101    ff ff ff ff and then 7 bytes 0a 0b 01 03 61 04 01 (the start
//              of an object), nothing more of that "message"
//  C3   103    "good after a 4 GiB length"
//  C4   105    {seq: 4, text: "second good after a 4 GiB length"}
//  C5 C6 107   ff ff ff ff directly followed by C6 "good right behind a
//              4 GiB length" in one segment
//  C7   109    "last good message on C"
// Frames 96-98 handshake, ACKs, 111-113 close.
//
// (The frame numbers are those of limits.pcap.gz as committed; a new run
// may number them differently.)
'use strict';
const L = require('./lib-framing');

const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const rep = (b, n) => Buffer.concat(Array(n).fill(b));

// HAND-ENCODED: AMF3 U29 (1 to 4 bytes).
function u29(n) {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x4000) return Buffer.from([(n >> 7) | 0x80, n & 0x7f]);
  if (n < 0x200000) return Buffer.from([(n >> 14) | 0x80, ((n >> 7) & 0x7f) | 0x80, n & 0x7f]);
  return Buffer.from([((n >> 22) & 0x7f) | 0x80, ((n >> 15) & 0x7f) | 0x80, ((n >> 8) & 0x7f) | 0x80, n & 0xff]);
}

// HAND-ENCODED: an inline AMF3 string value, 06 U29((len << 1) | 1) bytes.
function str(bytes) {
  return Buffer.concat([hex('06'), u29((bytes.length << 1) | 1), bytes]);
}

function memberName(i) {
  const chars = [];
  for (let c = 0x01; c <= 0x7f; c++) chars.push(String.fromCharCode(c));
  let n = i;
  for (let len = 1; ; len++) {
    const count = chars.length ** len;
    if (n < count) {
      let s = '';
      for (let k = 0; k < len; k++) { s = chars[n % chars.length] + s; n = Math.floor(n / chars.length); }
      return s;
    }
    n -= count;
  }
}

// HAND-ENCODED: anonymous dynamic object (0a 0b 01), 20000 members, every
// name inline and distinct, values null/false/true, end 01.
function manyMembers(count) {
  const parts = [hex('0a 0b 01')];
  for (let i = 0; i < count; i++) {
    const name = Buffer.from(memberName(i), 'ascii');
    parts.push(u29((name.length << 1) | 1), name, Buffer.from([[0x01, 0x02, 0x03][i % 3]]));
  }
  parts.push(hex('01'));
  return Buffer.concat(parts);
}

function connectionA() {
  const m = [];
  const C = (bytes) => m.push(L.lenU32be(bytes));
  C(L.amf3({ seq: 0, text: 'first good message' }));
  C(Buffer.concat([rep(hex('09 03 01'), 1000), hex('04 01')]));
  C(L.amf3('good after nested arrays'));
  C(Buffer.concat([hex('0a 0b 01 03 61'), rep(hex('0a 01 00'), 999), hex('04 01'), rep(hex('01'), 1000)]));
  C(L.amf3('good after nested objects'));
  C(hex('09 ff ff ff ff 01 04 01 04 02 04 03 04 04 01'));
  C(L.amf3('good after huge array count'));
  C(hex('0d ff ff ff ff 00 00 00 00 01 00 00 00 02 00 00'));
  C(L.amf3('good after huge vector count'));
  C(hex('11 ff ff ff ff 00 06 03 6b 04 01 06 03 6c 04 02'));
  C(L.amf3('good after huge dictionary count'));
  C(hex('10 ff ff ff ff 00 01 0a 0b 01 01 0a 0b 01 01 01 01'));
  C(L.amf3('good after huge object vector count'));
  C(hex('06 ff ff ff ff 73 68 6f 72 74'));
  C(L.amf3('good after huge string length'));
  C(hex('0c ff ff ff ff de ad be ef'));
  C(L.amf3('good after huge ByteArray length'));
  C(hex('0a 02'));
  C(L.amf3('good after bad object reference'));
  C(hex('06 04'));
  C(L.amf3('good after bad string reference'));
  C(hex('0a 01'));
  C(L.amf3('good after trait reference before traits'));
  C(hex('0a 0b 01 09 73 65 6c 66 0a 00 01'));
  C(hex('09 03 01 09 00'));
  C(hex('0a 0b 01 0b 63 68 69 6c 64 0a 01 0d 70 61 72 65 6e 74 0a 00 01 01'));
  C(hex('09 05 01 0a 0b 01 03 6e 04 01 01 0a 02'));
  C(L.amf3('good after references'));
  C(hex('0a 0b 01 03 73 06 19 61 c0 af 62 ed a0 80 63 80 64 e2 82 01'));
  C(hex('0a 0b 01 05 6e ff 04 01 07 e9 74 e9 04 02 01'));
  C(L.amf3('good after invalid UTF-8'));
  C(manyMembers(20000));
  C(L.amf3('last good message'));
  return m;
}

function stringOf(total, label) {
  // 06, a 2-byte U29 length, then label + "x" filling `total` bytes.
  const n = total - 3;
  return str(Buffer.from(label + 'x'.repeat(n - label.length), 'ascii'));
}

async function main() {
  const a = connectionA();
  if (a[1].length !== 4 + 3002 || a[3].length !== 4 + 4004) throw new Error('nesting sizes');
  await L.session(20170, async ({ cli }) => {
    for (const w of a) await L.send(cli, w);
  });

  const b1 = stringOf(2000, 'B1:');
  const b3 = stringOf(2001, 'B3:');
  const b5 = stringOf(2001, 'B5:');
  const b7 = L.lenU32be(stringOf(2001, 'B7:'));
  if (b1.length !== 2000 || b3.length !== 2001) throw new Error('B sizes');
  await L.session(20171, async ({ cli }) => {
    await L.send(cli, L.lenU32be(b1));
    await L.send(cli, L.lenU32be(L.amf3('good after 2000 bytes')));
    await L.send(cli, L.lenU32be(b3));
    await L.send(cli, L.lenU32be(L.amf3('good after 2001 bytes')));
    await L.send(cli, Buffer.concat([L.lenU32be(b5), L.lenU32be(L.amf3('good in the same segment as 2001 bytes'))]));
    await L.send(cli, b7.subarray(0, 1000));
    await L.send(cli, Buffer.concat([b7.subarray(1000), L.lenU32be(L.amf3('good after a split 2001-byte message'))]));
    await L.send(cli, L.lenU32be(L.amf3('last good message on B')));
  });

  await L.session(20172, async ({ cli }) => {
    await L.send(cli, L.lenU32be(L.amf3('first good message on C')));
    // HAND-ENCODED: a 4 GiB length and 7 bytes, not lenU32be.
    await L.send(cli, hex('ff ff ff ff 0a 0b 01 03 61 04 01'));
    await L.send(cli, L.lenU32be(L.amf3('good after a 4 GiB length')));
    await L.send(cli, L.lenU32be(L.amf3({ seq: 4, text: 'second good after a 4 GiB length' })));
    await L.send(cli, Buffer.concat([hex('ff ff ff ff'), L.lenU32be(L.amf3('good right behind a 4 GiB length'))]));
    await L.send(cli, L.lenU32be(L.amf3('last good message on C')));
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
