// SPDX-License-Identifier: GPL-2.0-or-later
// malformed.pcap: malformed AMF3 values in well-formed length-prefixed
// frames, each followed by a good message, for the decoder's error handling
// and expert infos.
//
// Port: server 127.0.0.1:20160, one client connection (client closes first).
// Regenerate (as root, from sample-captures/):
//   gen/capture.sh malformed.pcap 'tcp port 20160' node gen/malformed.js
// Framing: 4-byte big-endian length N (prefix not counted), then N bytes
// that should hold one AMF3 value. Every length is right (it counts exactly
// the bytes that follow), except in B11.
// Each message is one write, 40 ms apart: one message per TCP segment.
// Encoder: the good messages are bytearray-node's (lib-framing.js amf3, a
// fresh ByteArray per message), except G11's nested arrays. Every bad value is HAND-ENCODED below, byte
// by byte (bytearray-node cannot write broken AMF). Every message, bad or
// good, starts with empty reference tables.
//
//  #   dir   frame  value (hex of the AMF3 bytes after the length prefix)
//  G1  C->S    4    {seq: 1, text: "first good message"}   (bytearray-node)
//  B1  C->S    6    unknown AMF3 marker 0x12 as a member value:
//                   {a: 1, b: <0x12>}
//                   0a 0b 01 03 61 04 01 03 62 12 01
//                   expected: {"a":1,"b":{"$error":...}}, decoding stops at
//                   offset 9 (the 0x12)
//  G2  C->S    8    "good after unknown marker"
//  B2  C->S   10    value truncated inside its frame: dense array of 2,
//                   [1, string of declared length 20 of which 5 bytes
//                   ("hello") are in the frame]
//                   09 05 01 04 01 06 29 68 65 6c 6c 6f
//                   expected: [1,{"$error":...}]
//  G3  C->S   12    "good after truncated value"
//  B3  C->S   14    string reference out of range: {k: <string ref 5>}; the
//                   string table holds only "k" (index 0)
//                   0a 0b 01 03 6b 06 0a 01
//                   expected: {"k":{"$error":...}}
//  G4  C->S   16    "good after bad string reference"
//  B4  C->S   18    object reference out of range: [{}, <object ref 3>]; the
//                   object table holds the array (0) and {} (1)
//                   09 05 01 0a 0b 01 01 0a 06
//                   expected: [{},{"$error":...}]
//  G5  C->S   20    "good after bad object reference"
//  B5  C->S   22    trait reference before any trait: [1, <object with trait
//                   reference 0>]; no traits have been sent (arrays have none)
//                   09 05 01 04 01 0a 01
//                   expected: [1,{"$error":...}]
//  G6  C->S   24    "good after bad trait reference"
//  B6  C->S   26    unknown externalizable class: {payload: <object of the
//                   externalizable class "com.example.Secret" (traits 0x07)
//                   followed by 4 private bytes de ad be ef>}
//                   0a 0b 01 0f 70 61 79 6c 6f 61 64 0a 07 25
//                   63 6f 6d 2e 65 78 61 6d 70 6c 65 2e 53 65 63 72 65 74
//                   de ad be ef 01
//                   expected: "payload" holds {"$class":"com.example.Secret",
//                   "$external":{"$error":...}}; decoding stops there
//  G7  C->S   28    "good after unknown externalizable"
//  B7  C->S   30    invalid UTF-8 in a string: {s: "caf" + byte e9 (Latin-1
//                   e-acute, not UTF-8), n: 1}
//                   0a 0b 01 03 73 06 09 63 61 66 e9 03 6e 04 01 01
//                   a warning only: {"s":"caf\ufffd","n":1}
//  G8  C->S   32    "good after invalid UTF-8 string"
//  B8  C->S   34    invalid UTF-8 in a member name: {<ff fe>: 1, ok: true}
//                   0a 0b 01 05 ff fe 04 01 05 6f 6b 03 01
//                   a warning only: {"\ufffd\ufffd":1,"ok":true}
//  G9  C->S   36    "good after invalid UTF-8 name"
//  B9  C->S   38    value shorter than its frame: the string "short" and 3
//                   more bytes 00 00 00 inside the length (10 bytes)
//                   06 0b 73 68 6f 72 74 00 00 00
//                   a warning only: "short"
//  G10 C->S   40    "good after trailing bytes"
//  B10 C->S   42    nesting deeper than 128 levels: 129 nested dense arrays
//                   of one element each, the innermost holding integer 1
//                   (09 03 01) x 129, 04 01
//                   the 129th array (offset 384) is one level too deep:
//                   expected: 128 nested arrays around {"$error":...}
//  G11 C->S   44    exactly 128 levels, the limit itself, must decode:
//                   128 nested dense arrays of one element each, the
//                   innermost holding the string "deep ok" (the arrays
//                   HAND-ENCODED like B10's, the string bytearray-node's)
//                   expected: [[[...["deep ok"]...]]] (128 arrays)
//  G12 C->S   46    "good after depth limit"
//  B11 C->S   48    length prefix over 16 MiB: 01 00 00 01 (16777217), then
//                   only the 8 ASCII bytes "overflow" (6f 76 65 72 66 6c 6f 77)
//                   in the same segment; nothing else of that "message" is
//                   ever sent. Sent last but one by the client (only G14
//                   follows, in a segment of its own), since a reader
//                   cannot tell where the stream goes on after it.
//                   expected: an error (over the largest message
//                   accepted), no value decoded
//  G13 S->C   50    {reply: "server side is fine", count: 24}
//  G14 C->S   52    "last good message"
//
// Frames as captured in malformed.pcap (56 frames, no retransmissions):
// 1-3 handshake; the client's 24 messages and the server's one in the even
// frames 4..52 as listed, each followed by the peer's ACK in the next odd
// frame (53 for 52); 54-56 FIN, FIN, ACK.
'use strict';
const L = require('./lib-framing');

const PORT = 20160;

const hex = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// HAND-ENCODED: n nested AMF3 dense arrays of one element each (09 03 01:
// array marker, U29 (1 << 1) | 1, empty associative part), then `inner`.
function nestedArrays(n, inner) {
  return Buffer.concat([...Array(n).fill(hex('09 03 01')), inner]);
}

function build() {
  const m = [];
  const C = (what, bytes) => m.push({ dir: 'C', what, wire: L.lenU32be(bytes) });
  const S = (what, bytes) => m.push({ dir: 'S', what, wire: L.lenU32be(bytes) });

  C('G1 first good message', L.amf3({ seq: 1, text: 'first good message' }));
  C('B1 unknown marker 0x12', hex('0a 0b 01 03 61 04 01 03 62 12 01'));
  C('G2', L.amf3('good after unknown marker'));
  C('B2 truncated string', hex('09 05 01 04 01 06 29 68 65 6c 6c 6f'));
  C('G3', L.amf3('good after truncated value'));
  C('B3 string reference 5 of 1', hex('0a 0b 01 03 6b 06 0a 01'));
  C('G4', L.amf3('good after bad string reference'));
  C('B4 object reference 3 of 2', hex('09 05 01 0a 0b 01 01 0a 06'));
  C('G5', L.amf3('good after bad object reference'));
  C('B5 trait reference 0 of 0', hex('09 05 01 04 01 0a 01'));
  C('G6', L.amf3('good after bad trait reference'));
  C('B6 unknown externalizable', Buffer.concat([
    hex('0a 0b 01 0f'), Buffer.from('payload'),
    hex('0a 07 25'), Buffer.from('com.example.Secret'),
    hex('de ad be ef 01'),
  ]));
  C('G7', L.amf3('good after unknown externalizable'));
  C('B7 invalid UTF-8 string', hex('0a 0b 01 03 73 06 09 63 61 66 e9 03 6e 04 01 01'));
  C('G8', L.amf3('good after invalid UTF-8 string'));
  C('B8 invalid UTF-8 member name', hex('0a 0b 01 05 ff fe 04 01 05 6f 6b 03 01'));
  C('G9', L.amf3('good after invalid UTF-8 name'));
  C('B9 trailing bytes', hex('06 0b 73 68 6f 72 74 00 00 00'));
  C('G10', L.amf3('good after trailing bytes'));
  C('B10 129 nested arrays', nestedArrays(129, hex('04 01')));
  C('G11 128 nested arrays', nestedArrays(128, L.amf3('deep ok')));
  C('G12', L.amf3('good after depth limit'));
  // HAND-ENCODED: a length prefix past 16 MiB and 8 bytes, not lenU32be.
  m.push({ dir: 'C', what: 'B11 length 16777217', wire: Buffer.concat([L.u32(16777217), Buffer.from('overflow')]) });
  S('G13 server reply', L.amf3({ reply: 'server side is fine', count: 24 }));
  C('G14', L.amf3('last good message'));
  return m;
}

async function main() {
  const msgs = build();
  if (msgs.length !== 25) throw new Error(`${msgs.length} messages`);
  if (msgs[19].wire.length !== 4 + 129 * 3 + 2) throw new Error('B10 size');
  await L.session(PORT, async ({ cli, srv }) => {
    let n = 0;
    for (const x of msgs) {
      n += 1;
      L.logMsg(n, x.dir === 'C' ? 'C->S' : 'S->C', x.wire, x.what);
      await L.send(x.dir === 'C' ? cli : srv, x.wire);
    }
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
