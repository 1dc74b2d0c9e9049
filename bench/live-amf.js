// SPDX-License-Identifier: GPL-2.0-or-later
// Live-capture benchmark helper (bench/live-bench.sh runs it): a real AMF3
// server and client over loopback TCP, and a counter for tshark's output.
//
//   node live-amf.js server --port P --connections N --stats FILE
//       accepts N connections, reads them to the end, checks the framing
//       (u32 big-endian length + AMF3 value) and writes its counts to FILE
//       as JSON when the last connection has closed.
//   node live-amf.js client --port P --rate MB_PER_S --seconds S
//                           --connections N --stats FILE [--seed N]
//       opens N connections and sends rate x seconds bytes of AMF3 values
//       (the value bytes; the 4-byte length prefixes come on top), paced to
//       the rate over all connections, then closes them and writes its
//       counts (messages, bytes, achieved rate) to FILE as JSON.
//   node live-amf.js count --progress FILE
//       reads tshark -T fields -e amf.json -E aggregator=US output on stdin
//       and counts lines and amf.json values (one per non-empty line plus
//       one per US, 0x1f); rewrites FILE every 100 ms and at the end:
//       "values lines bytes last_data_epoch_ms".
//
// The values: bytearray-node 3.3.5 (the project's third-party encoder for
// the sample captures) through sample-captures/gen/lib-framing.js amf3Flex():
// amf3-ts writes every member value, the sealed traits of typed objects are
// laid out by lib-framing (bytearray-node itself interleaves sealed names
// and values, which is not AMF3). A game/chat back end's messages, like
// the bench captures' (bench/traffic.c): typed player moves, chat lines
// with badges, player states with a nested typed guild, RPC results with
// arrays of players (one guild object shared, so sent by reference), a
// dynamic stats object and an inventory of typed items, and untyped
// heartbeats. A pool of messages is encoded before the clock starts, so
// the encoder's own speed does not limit the send rate.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');

const args = process.argv.slice(2);
const cmd = args.shift();
const opt = {};
for (let i = 0; i < args.length; i += 2) {
  if (!args[i].startsWith('--')) throw new Error(`live-amf: bad argument ${args[i]}`);
  opt[args[i].slice(2)] = args[i + 1];
}
const num = (k, d) => (opt[k] === undefined ? d : Number(opt[k]));

function writeJson(file, obj) {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(obj) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

// ------------------------------------------------------------------ values

function makePool(seed, count) {
  const L = require(path.join(__dirname, '../sample-captures/gen/lib-framing'));
  // Typed (sealed) classes: members in constructor order, as on the wire.
  const cls = (alias, members) => {
    const c = class {
      constructor(f) { for (const k of members) this[k] = f[k]; }
    };
    L.registerAmf3(alias, c);
    return c;
  };
  const PlayerMove = cls('com.example.game.PlayerMove', ['playerId', 'seq', 'x', 'y', 'heading', 'running', 'sentAt']);
  const ChatMessage = cls('com.example.chat.ChatMessage', ['channel', 'from', 'text', 'badges', 'sentAt', 'msgId']);
  const Guild = cls('com.example.game.Guild', ['guildId', 'name', 'tag', 'level']);
  const PlayerState = cls('com.example.game.PlayerState', ['playerId', 'name', 'level', 'hp', 'maxHp', 'position', 'guild', 'buffs']);
  const Item = cls('com.example.game.Item', ['itemId', 'name', 'count', 'rarity']);
  const RpcResult = cls('com.example.rpc.RpcResult', ['callId', 'status', 'players', 'stats', 'inventory', 'elapsedMs']);

  let s = seed >>> 0 || 1;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const int = (n) => Math.floor(rnd() * n);
  const pick = (a) => a[int(a.length)];
  const NAMES = ['ann', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'oscar', 'peggy', 'trent', 'victor', 'walter'];
  const WORDS = ['gg', 'anyone up for a raid', 'need a healer', 'lol', 'brb', 'selling 20 iron ore', 'where is the boss', 'nice one', 'meet at the bridge', 'who has the key', 'ready', 'pull in 3'];
  const ITEMS = ['Iron Sword', 'Health Potion', 'Mana Potion', 'Leather Boots', 'Oak Shield', 'Silver Ring', 'Arrow', 'Bread'];
  const guilds = Array.from({ length: 6 }, (_, i) => new Guild({
    guildId: 100 + i, name: `Guild of the ${pick(['Wolf', 'Raven', 'Oak', 'Storm', 'Flame', 'Tide'])} ${i}`,
    tag: `G${i}`, level: 1 + int(30),
  }));
  const t0 = 1764000000000;
  const player = (g) => new PlayerState({
    playerId: 1000 + int(100000), name: `${pick(NAMES)}${int(1000)}`, level: 1 + int(80),
    hp: int(5000), maxHp: 5000, position: [rnd() * 1000, rnd() * 1000, rnd() * 50],
    guild: g || pick(guilds), buffs: Array.from({ length: int(4) }, () => pick(['haste', 'shield', 'regen', 'might'])),
  });
  const make = (k) => {
    const r = rnd();
    if (r < 0.35) {
      return new PlayerMove({ playerId: 1000 + int(100000), seq: k, x: rnd() * 1000, y: rnd() * 1000,
        heading: int(360), running: rnd() < 0.5, sentAt: t0 + k * 7 });
    }
    if (r < 0.55) {
      return new ChatMessage({ channel: pick(['world', 'trade', 'guild', 'party']), from: `${pick(NAMES)}${int(1000)}`,
        text: Array.from({ length: 1 + int(4) }, () => pick(WORDS)).join(', '),
        badges: Array.from({ length: int(3) }, () => pick(['vip', 'mod', 'founder', 'veteran'])),
        sentAt: t0 + k * 7, msgId: `m-${k.toString(16)}-${int(1e9).toString(36)}` });
    }
    if (r < 0.80) return player();
    if (r < 0.90) return { type: 'heartbeat', t: t0 + k * 7, load: rnd(), ok: true };
    const g = pick(guilds);
    return new RpcResult({
      callId: k, status: 'ok',
      players: Array.from({ length: 5 + int(25) }, () => player(rnd() < 0.7 ? g : null)),
      stats: { kills: int(500), deaths: int(300), ratio: rnd() * 3, zone: pick(['north', 'south', 'caves']) },
      inventory: Array.from({ length: 3 + int(20) }, () => new Item({ itemId: int(5000), name: pick(ITEMS), count: 1 + int(99), rarity: pick(['common', 'rare', 'epic']) })),
      elapsedMs: rnd() * 40,
    });
  };
  const pool = [];
  for (let k = 0; k < count; k++) {
    const v = L.amf3Flex(make(k));
    const m = Buffer.allocUnsafe(4 + v.length);
    m.writeUInt32BE(v.length, 0);
    v.copy(m, 4);
    pool.push(m);
  }
  return pool;
}

// ------------------------------------------------------------------ client

async function client() {
  const port = num('port'), conns = num('connections', 4);
  const rate = num('rate', 20) * 1e6, seconds = num('seconds', 10);
  const pool = makePool(num('seed', 1), num('pool', 4096));
  const planned = rate * seconds;  // AMF value bytes
  const socks = await Promise.all(Array.from({ length: conns }, () => new Promise((resolve, reject) => {
    const c = net.connect({ port, host: '127.0.0.1' }, () => resolve(c));
    c.setNoDelay(true);
    c.on('error', reject);
  })));
  const writable = socks.map(() => true);
  socks.forEach((c, i) => c.on('drain', () => { writable[i] = true; }));
  let amf = 0, wire = 0, messages = 0, next = 0, turn = 0, blocked = 0;
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  const BATCH = 16384;  // bytes per write
  while (amf < planned) {
    const due = Math.min(planned, rate * elapsed());
    let wrote = false;
    while (amf < due) {
      let i = -1;
      for (let j = 0; j < conns; j++) {
        const c = (turn + j) % conns;
        if (writable[c]) { i = c; break; }
      }
      if (i < 0) { blocked++; break; }
      turn = (i + 1) % conns;
      const parts = [];
      let n = 0;
      while (n < BATCH && amf < due) {
        const m = pool[next];
        next = (next + 1) % pool.length;
        parts.push(m);
        n += m.length;
        amf += m.length - 4;
        messages++;
      }
      wire += n;
      writable[i] = socks[i].write(parts.length === 1 ? parts[0] : Buffer.concat(parts, n));
      wrote = true;
    }
    // Let the event loop run (drain events, the kernel's acks): at least a
    // millisecond between rounds, longer when ahead of the rate.
    await new Promise((r) => setTimeout(r, wrote ? 1 : 2));
  }
  await Promise.all(socks.map((c) => new Promise((r) => { c.end(r); })));
  const sendSeconds = elapsed();
  await Promise.all(socks.map((c) => new Promise((r) => { if (c.destroyed) r(); else c.on('close', r); })));
  writeJson(opt.stats, {
    messages, amf_bytes: amf, wire_bytes: wire, connections: conns, pool: pool.length,
    mean_message: Math.round(amf / messages), send_seconds: sendSeconds,
    amf_mb_s: amf / 1e6 / sendSeconds, target_mb_s: rate / 1e6, blocked_rounds: blocked,
    end_ms: Date.now(),
  });
}

// ------------------------------------------------------------------ server

function server() {
  const port = num('port'), conns = num('connections', 4);
  let closed = 0, messages = 0, bytes = 0, bad = 0, lastMs = 0;
  const srv = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      bytes += d.length;
      lastMs = Date.now();
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      let off = 0;
      while (buf.length - off >= 4) {
        const len = buf.readUInt32BE(off);
        if (len > 16 << 20) { bad++; off = buf.length; break; }
        if (buf.length - off - 4 < len) break;
        off += 4 + len;
        messages++;
      }
      buf = buf.subarray(off);
    });
    sock.on('end', () => { if (buf.length) bad++; sock.end(); });
    sock.on('close', () => {
      if (++closed === conns) {
        srv.close();
        writeJson(opt.stats, { messages, wire_bytes: bytes, bad_framing: bad, last_data_ms: lastMs });
      }
    });
  });
  srv.listen(port, '127.0.0.1', () => { if (opt.ready) fs.writeFileSync(opt.ready, 'ready\n'); });
}

// ------------------------------------------------------------------ counter

function count() {
  const file = opt.progress;
  let values = 0, lines = 0, bytes = 0, lastMs = 0, lineHasData = false;
  const write = () => fs.writeFileSync(`${file}.tmp`, `${values} ${lines} ${bytes} ${lastMs}\n`) || fs.renameSync(`${file}.tmp`, file);
  write();
  const timer = setInterval(write, 100);
  process.stdin.on('data', (d) => {
    bytes += d.length;
    lastMs = Date.now();
    let pos = 0;
    for (;;) {
      const nl = d.indexOf(10, pos);
      const end = nl < 0 ? d.length : nl;
      if (end > pos) {
        lineHasData = true;
        for (let u = d.indexOf(0x1f, pos); u >= 0 && u < end; u = d.indexOf(0x1f, u + 1)) values++;
      }
      if (nl < 0) break;
      if (lineHasData) values++;
      lineHasData = false;
      lines++;
      pos = nl + 1;
    }
  });
  process.stdin.on('end', () => {
    if (lineHasData) { values++; lines++; }
    clearInterval(timer);
    write();
  });
}

if (cmd === 'client') client().catch((e) => { console.error(e); process.exit(1); });
else if (cmd === 'server') server();
else if (cmd === 'count') count();
else { console.error('usage: live-amf.js server|client|count [--option value]...'); process.exit(2); }
