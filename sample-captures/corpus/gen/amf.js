// SPDX-License-Identifier: GPL-2.0-or-later
// The AMF half of the recall corpus: connections that start the hard way
// (scalars first, bare values, one-byte segments, a malformed first message,
// two framings, the server speaking first), over real loopback sockets.
//
//   node amf.js NAME         run scenario NAME (under ../../gen/capture.sh)
//   node amf.js --list       NAME PORT FILE per line
//   node amf.js --manifest   the manifest entries of every scenario (JSON)
//
// Every scenario is one connection to 127.0.0.1:PORT. A step is one write
// (one TCP segment: Nagle is off, writes 40 ms apart) holding one or more
// whole framed messages; a step with `bytes: 1` is written one byte per
// write (one byte per segment, 3 ms apart). The client closes first.
//
// Encoders: AMF values come from bytearray-node (3.3.5; gen/lib-framing.js
// amf0()/amf3(): fresh reference tables per message) unless marked ASTRO
// (@astronautlabs/amf 0.0.6: AMF0 strict arrays and AMF3 sealed anonymous
// objects, which bytearray-node does not write). verify() below checks, before
// anything is sent, that both encoders write the exact bytes the AMF0/AMF3
// specifications give for every kind of value used here. The bad first
// messages of the malformed-* scenarios are HAND-ENCODED (no encoder writes
// them); their bytes are listed with each scenario.
//
// The manifest (../manifest.json, written by make-amf.sh from --manifest)
// gives per direction the framing, the number of messages and the stream
// offset just past each message, so tests can find the frame where each
// message ends; for a malformed first message: which one, and the expert
// info expected on it.
'use strict';
require('reflect-metadata'); // @astronautlabs/amf's decorators need it
const { AMF0: AstroAMF0, AMF3: AstroAMF3 } = require('@astronautlabs/amf');
const L = require('../../gen/lib-framing');

// ------------------------------------------------------------ encoders

const a3 = (v) => L.amf3(v);
const a0 = (v) => L.amf0(v);
// ASTRO: AMF0 value (strict array for a JS array).
const astro0 = (v) => Buffer.from(AstroAMF0.Value.any(v).serialize());
// ASTRO: AMF3 value (an object becomes a sealed anonymous object; numbers
// become doubles).
const astro3 = (v) => Buffer.from(AstroAMF3.Value.any(v).serialize());
const hexb = (s) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// The bytes the specifications give (AMF3: U29 integers, inline strings,
// dense arrays, anonymous dynamic/sealed objects with trait and string
// references; AMF0: number, boolean, string, null, object, ECMA and strict
// arrays), against what each encoder writes.
function verify() {
  const cases = [
    [a3, 0, '04 00'], [a3, 127, '04 7f'], [a3, 128, '04 81 00'],
    [a3, 16383, '04 ff 7f'], [a3, 16384, '04 81 80 00'],
    [a3, 268435455, '04 bf ff ff ff'], [a3, -1, '04 ff ff ff ff'],
    [a3, -268435456, '04 c0 80 80 00'], [a3, 268435456, '05 41 b0 00 00 00 00 00 00'],
    [a3, 2.5, '05 40 04 00 00 00 00 00 00'],
    [a3, true, '03'], [a3, false, '02'], [a3, null, '01'],
    [a3, 'hi', '06 05 68 69'], [a3, '', '06 01'],
    [a3, [1, 'two', null], '09 07 01 04 01 06 07 74 77 6f 01'],
    [a3, { a: 1, b: 'x' }, '0a 0b 01 03 61 04 01 03 62 06 03 78 01'],
    [a3, { l: [{ a: 1 }, { a: 2 }] }, '0a 0b 01 03 6c 09 05 01 0a 01 03 61 04 01 01 0a 01 02 04 02 01 01'],
    [astro3, { a: 1, b: 'x' }, '0a 23 01 03 61 03 62 05 3f f0 00 00 00 00 00 00 06 03 78'],
    [a0, 2.5, '00 40 04 00 00 00 00 00 00'], [a0, true, '01 01'], [a0, null, '05'],
    [a0, 'hi', '02 00 02 68 69'],
    [a0, { a: 1, b: 'x' }, '03 00 01 61 00 3f f0 00 00 00 00 00 00 00 01 62 02 00 01 78 00 00 09'],
    [a0, ['x'], '08 00 00 00 01 00 01 30 02 00 01 78 00 00 09'],
    [astro0, [1, 'two', null], '0a 00 00 00 03 00 3f f0 00 00 00 00 00 00 02 00 03 74 77 6f 05'],
    [astro0, { a: 1 }, '03 00 01 61 00 3f f0 00 00 00 00 00 00 00 00 09'],
  ];
  for (const [enc, v, want] of cases) {
    const got = enc(v);
    if (!got.equals(hexb(want))) {
      throw new Error(`encoder ${enc.name} writes ${JSON.stringify(v)} as ${L.hex(got)}, not ${want}`);
    }
  }
}

// ------------------------------------------------------------ framings

const FRAME = {
  'u32be+amf3': L.lenU32be, 'u32be+amf0': L.lenU32be,
  'u16be+amf3': L.lenU16be, 'u16be+amf0': L.lenU16be,
  'bare+amf3': (b) => b, 'bare+amf0': (b) => b,
};

// m(bytes, what[, bad]): one message. bad: {expert, severity, kind}.
const m = (bytes, what, bad) => ({ bytes, what, bad });
const v3 = (v, what) => m(a3(v), what || JSON.stringify(v));
const v0 = (v, what) => m(a0(v), what || JSON.stringify(v));

// ------------------------------------------------------------ scenarios

const S = [];

// scalar-u32-amf3: u32be + AMF3 both ways. The client opens with twelve
// scalars, one message (one segment) each: the integers at the U29 length
// boundaries 0, 127, 128, 16383, 16384, 2^28-1, -1, -2^28, then true, false,
// "ok", "hi there"; then objects. The server answers with objects only.
S.push({
  name: 'scalar-u32-amf3', port: 20300, client: 'u32be+amf3', server: 'u32be+amf3',
  steps: [
    ...[0, 127, 128, 16383, 16384, 268435455, -1, -268435456, true, false, 'ok', 'hi there']
      .map((x) => ({ dir: 'C', msgs: [v3(x)] })),
    { dir: 'C', msgs: [v3({ cmd: 'login', user: 'ann', token: 'abc123' })] },
    { dir: 'S', msgs: [v3({ cmd: 'welcome', id: 7, motd: 'hello ann' })] },
    { dir: 'C', msgs: [v3({ cmd: 'join', room: 'lobby' })] },
    { dir: 'S', msgs: [v3({ cmd: 'joined', players: [{ name: 'ann', hp: 100 }, { name: 'bob', hp: 85 }] })] },
    { dir: 'C', msgs: [v3([1, 2, 'three'])] },
    { dir: 'S', msgs: [m(astro3({ status: 'ok', n: 3 }), 'ASTRO sealed {status: "ok", n: 3.0}')] },
  ],
});

// scalar-u32-amf0 / scalar-u16-amf0: AMF0 behind a 4- or 2-byte big-endian
// length. The client opens with a number, then a string, then objects and a
// strict array (ASTRO); the server answers with objects.
for (const [name, port, fr] of [['scalar-u32-amf0', 20301, 'u32be+amf0'], ['scalar-u16-amf0', 20302, 'u16be+amf0']]) {
  S.push({
    name, port, client: fr, server: fr,
    steps: [
      { dir: 'C', msgs: [v0(3.5)] },
      { dir: 'C', msgs: [v0('hello')] },
      { dir: 'C', msgs: [v0({ cmd: 'login', user: 'ann' })] },
      { dir: 'S', msgs: [v0({ cmd: 'welcome', id: 7 })] },
      { dir: 'C', msgs: [m(astro0(['move', 12, -7]), 'ASTRO strict array ["move", 12, -7]')] },
      { dir: 'S', msgs: [v0({ cmd: 'state', x: 12, y: -7, players: ['ann', 'bob'] })] },
      { dir: 'C', msgs: [v0('bye')] },
      { dir: 'S', msgs: [v0({ cmd: 'bye' })] },
    ],
  });
}

// bare-amf3-scalar: AMF3 values back to back, no length
// (Socket.writeObject). Segment 1 (client): 7, "hello", {cmd: "join"};
// segment 2 (client): null, true, 2.5, [1, 2, 3], "bye"; each segment ends
// exactly at a value's end. The server answers 1, "ok", {cmd: "joined", ...}
// in one segment, then an object.
S.push({
  name: 'bare-amf3-scalar', port: 20303, client: 'bare+amf3', server: 'bare+amf3',
  steps: [
    { dir: 'C', msgs: [v3(7), v3('hello'), v3({ cmd: 'join', room: 'lobby' })] },
    { dir: 'C', msgs: [v3(null), v3(true), v3(2.5), v3([1, 2, 3]), v3('bye')] },
    { dir: 'S', msgs: [v3(1), v3('ok'), v3({ cmd: 'joined', room: 'lobby', players: ['ann', 'bob'] })] },
    { dir: 'S', msgs: [v3({ cmd: 'bye', reason: 'client quit' })] },
  ],
});

// bare-amf0-scalar: the same with AMF0 values (bytearray-node writes arrays
// as ECMA arrays).
S.push({
  name: 'bare-amf0-scalar', port: 20304, client: 'bare+amf0', server: 'bare+amf0',
  steps: [
    { dir: 'C', msgs: [v0(1), v0('hello'), v0({ cmd: 'join', room: 'lobby' })] },
    { dir: 'C', msgs: [v0(true), v0(null), v0(2.5), v0(['a', 'b']), v0('bye')] },
    { dir: 'S', msgs: [v0(0), v0('ok'), v0({ cmd: 'joined', room: 'lobby' })] },
    { dir: 'S', msgs: [v0({ cmd: 'bye', reason: 'client quit' })] },
  ],
});

// onebyte-u32-amf3: u32be + AMF3, every byte its own write and segment
// (both directions). Stored gzip-compressed (22 KB as plain pcap).
S.push({
  name: 'onebyte-u32-amf3', port: 20305, client: 'u32be+amf3', server: 'u32be+amf3', gzip: true,
  steps: [
    { dir: 'C', bytes: 1, msgs: [v3('hello')] },
    { dir: 'C', bytes: 1, msgs: [v3({ cmd: 'login', user: 'ann', token: 'abc123' })] },
    { dir: 'S', bytes: 1, msgs: [v3({ cmd: 'welcome', motd: 'hi ann' })] },
    { dir: 'C', bytes: 1, msgs: [v3([1, 2, 3])] },
    { dir: 'S', bytes: 1, msgs: [v3(42)] },
  ],
});

// mixed-framing: the client writes u16be + AMF0, the server u32be + AMF3.
S.push({
  name: 'mixed-framing', port: 20306, client: 'u16be+amf0', server: 'u32be+amf3',
  steps: [
    { dir: 'C', msgs: [v0({ cmd: 'login', user: 'ann' })] },
    { dir: 'S', msgs: [v3({ cmd: 'welcome', id: 7 })] },
    { dir: 'C', msgs: [v0('ping')] },
    { dir: 'S', msgs: [v3('pong')] },
    { dir: 'C', msgs: [v0({ cmd: 'move', x: 1.5, y: -2 })] },
    { dir: 'S', msgs: [v3({ cmd: 'state', x: 1.5, y: -2 })] },
  ],
});

// server-first: u32be + AMF3; the server sends a banner before the client
// says anything, then the client's requests and the answers.
S.push({
  name: 'server-first', port: 20307, client: 'u32be+amf3', server: 'u32be+amf3',
  steps: [
    { dir: 'S', msgs: [v3({ banner: 'amf-game 1.0', protocol: 3, motd: 'welcome' })] },
    { dir: 'C', msgs: [v3({ cmd: 'login', user: 'ann' })] },
    { dir: 'S', msgs: [v3({ cmd: 'loginOk', id: 7 })] },
    { dir: 'C', msgs: [v3({ cmd: 'list' })] },
    { dir: 'S', msgs: [v3({ cmd: 'rooms', rooms: ['lobby', 'arena'] })] },
  ],
});

// malformed-*: u32be + AMF3 (malformed-amf0-long-string: u32be + AMF0). The
// client's first message is bad (HAND-ENCODED, bytes below; each length
// prefix counts exactly the bytes that follow, except in
// malformed-overrun); then good messages both ways: S {cmd: "error"}, C
// {cmd: "retry", n: 1}, S {cmd: "ok"}, C "bye".
const ERR = (kind, expert = 'amftcp.malformed') => ({ expert, severity: 'error', kind });
const BAD = [
  ['malformed-string-count', 20340, '06 ff ff ff ff 73 68 6f 72 74',
    'string claiming 2^28-1 bytes, 5 sent', ERR('string length past the message')],
  ['malformed-bytearray-count', 20341, '0c ff ff ff ff de ad be ef',
    'ByteArray claiming 2^28-1 bytes, 4 sent', ERR('ByteArray length past the message')],
  ['malformed-dictionary-count', 20342, '11 ff ff ff ff 00 06 03 6b 04 01 06 03 6c 04 02',
    'Dictionary claiming 2^28-1 entries, 2 sent', ERR('Dictionary count past the message')],
  ['malformed-amf0-long-string', 20343, '0c ff ff ff ff 61 62 63 64',
    'AMF0 long string of length 0xFFFFFFFF, 4 bytes sent', ERR('long string length past the message')],
  ['malformed-object-ref', 20344, '0a 00',
    'object reference #0, the object table empty', ERR('object reference into an empty table')],
  ['malformed-trait-ref', 20345, '0a 01',
    'trait reference #0, the trait table empty', ERR('trait reference into an empty table')],
  ['malformed-string-ref', 20346, '09 03 01 06 00',
    '[string reference #0], the string table empty', ERR('string reference into an empty table')],
  ['malformed-unknown-marker', 20347, '0a 0b 01 07 63 6d 64 06 09 6d 6f 76 65 03 76 12 01',
    '{cmd: "move", v: <marker 0x12>}', ERR('unknown marker 0x12')],
  ['malformed-invalid-utf8', 20348, '0a 0b 01 03 73 06 0b 61 c0 af 62 ff 01',
    '{s: 61 c0 af 62 ff} (overlong sequence, byte ff)',
    { expert: 'amftcp.utf8', severity: 'warning', kind: 'invalid UTF-8 (a warning: decoding goes on, README "Bad input")' }],
  ['malformed-u29-5byte', 20349, '06 80 80 80 80 0b 68 65 6c 6c 6f',
    'string "hello" whose length U29 is written in 5 bytes (80 80 80 80 0b): read as 4 bytes it is the reference #64 into an empty table',
    ERR('string reference into an empty table (U29 read as 4 bytes)')],
  ['malformed-overrun', 20350, '06 0b 68 65 6c 6c',
    'string "hello" (5 bytes declared) behind a length prefix of 6 that leaves it 4', ERR('value overruns its length prefix')],
];
for (const [name, port, hex, what, bad] of BAD) {
  const amf0 = name.includes('amf0');
  const good = amf0 ? v0 : v3;
  S.push({
    name, port, client: amf0 ? 'u32be+amf0' : 'u32be+amf3', server: amf0 ? 'u32be+amf0' : 'u32be+amf3',
    // malformed-overrun: the prefix says 6, the value wants 7 bytes.
    prefix: name === 'malformed-overrun' ? 6 : undefined,
    steps: [
      { dir: 'C', msgs: [m(hexb(hex), 'HAND-ENCODED ' + what, bad)] },
      { dir: 'S', msgs: [good({ cmd: 'error', reason: 'bad request' })] },
      { dir: 'C', msgs: [good({ cmd: 'retry', n: 1 })] },
      { dir: 'S', msgs: [good({ cmd: 'ok' })] },
      { dir: 'C', msgs: [good('bye')] },
    ],
  });
}

// ------------------------------------------------------------ running

// The wire bytes of a step's message i.
function wire(sc, dir, msg, first) {
  const fr = dir === 'C' ? sc.client : sc.server;
  if (sc.prefix !== undefined && first) return Buffer.concat([L.u32(sc.prefix), msg.bytes]);
  return FRAME[fr](msg.bytes);
}

function plan(sc) {
  const dirs = { C: { framing: sc.client, ends: [], off: 0, bad: null }, S: { framing: sc.server, ends: [], off: 0, bad: null } };
  const writes = [];
  let firstC = true;
  for (const st of sc.steps) {
    const parts = st.msgs.map((msg) => {
      const w = wire(sc, st.dir, msg, st.dir === 'C' && firstC);
      if (st.dir === 'C') firstC = false;
      const d = dirs[st.dir];
      d.off += w.length;
      d.ends.push(d.off);
      if (msg.bad) d.bad = Object.assign({ message: d.ends.length }, msg.bad);
      return { w, what: msg.what };
    });
    writes.push({ dir: st.dir, bytes: st.bytes, parts });
  }
  return { dirs, writes };
}

const file = (sc) => `${sc.name}.pcap${sc.gzip ? '.gz' : ''}`;

function manifest() {
  return S.map((sc) => {
    const { dirs } = plan(sc);
    const dir = (d) => ({ framing: d.framing, messages: d.ends.length, ends: d.ends });
    const e = {
      capture: file(sc), kind: 'amf', port: sc.port, generator: 'gen/amf.js',
      first: sc.steps[0].dir === 'C' ? 'client' : 'server',
      client: dir(dirs.C), server: dir(dirs.S),
    };
    for (const [k, d] of [['client', dirs.C], ['server', dirs.S]]) {
      if (d.bad) e.bad = Object.assign({ direction: k }, d.bad);
    }
    return e;
  });
}

async function run(sc) {
  const { writes } = plan(sc);
  let n = 0;
  await L.session(sc.port, async ({ cli, srv }) => {
    for (const w of writes) {
      const ep = w.dir === 'C' ? cli : srv;
      for (const p of w.parts) L.logMsg(++n, w.dir === 'C' ? 'C->S' : 'S->C', p.w, p.what);
      const buf = Buffer.concat(w.parts.map((p) => p.w));
      if (w.bytes) await L.sendChunked(ep, buf, w.bytes, 3);
      else await L.send(ep, buf);
    }
  });
}

function main() {
  verify();
  const arg = process.argv[2];
  if (arg === '--manifest') { process.stdout.write(JSON.stringify(manifest(), null, 1) + '\n'); return; }
  if (arg === '--list') { for (const sc of S) console.log(sc.name, sc.port, file(sc)); return; }
  const sc = S.find((x) => x.name === arg);
  if (!sc) throw new Error(`unknown scenario ${arg}`);
  run(sc).catch((e) => { console.error(e); process.exit(1); });
}

main();
