// SPDX-License-Identifier: GPL-2.0-or-later
// Socket helpers shared by the capture scenarios: a loopback server and
// client, length-prefix framing, and chunked writes that force one TCP
// segment per chunk.
'use strict';
const net = require('net');

function u32be(payload) {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(payload.length);
  return Buffer.concat([h, payload]);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Write buf in chunks of `size` bytes, pausing so that each chunk leaves as
// its own segment (Nagle is off on every socket made here).
async function writeChunked(sock, buf, size, pauseMs = 2) {
  for (let off = 0; off < buf.length; off += size) {
    sock.write(buf.subarray(off, Math.min(off + size, buf.length)));
    await sleep(pauseMs);
  }
}

// Start a server on 127.0.0.1:port; `onConn(sock)` is an async function run
// for each connection. Resolves with the server once it listens.
function listen(port, onConn) {
  return new Promise((resolve) => {
    const srv = net.createServer((sock) => {
      sock.setNoDelay(true);
      Promise.resolve(onConn(sock)).catch((e) => { console.error(e); process.exit(1); });
    });
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => { sock.setNoDelay(true); resolve(sock); });
    sock.on('error', reject);
  });
}

// Resolve once `n` bytes have arrived on sock (or it ends).
function readBytes(sock, n) {
  return new Promise((resolve) => {
    let got = [];
    let len = 0;
    const onData = (d) => {
      got.push(d);
      len += d.length;
      if (len >= n) { sock.off('data', onData); resolve(Buffer.concat(got)); }
    };
    sock.on('data', onData);
    sock.on('end', () => resolve(Buffer.concat(got)));
  });
}

module.exports = { u32be, sleep, writeChunked, listen, connect, readBytes };
