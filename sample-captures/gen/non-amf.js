// SPDX-License-Identifier: GPL-2.0-or-later
// non-amf.pcap: TCP traffic that is not AMF, for checking that the AMF-over-
// TCP heuristic leaves it alone. Six connections, one after the other, each
// on 127.0.0.1, each closed before the next starts:
//
//  1. port 20080, HTTP/1.1: request "GET /index.html HTTP/1.1" with headers
//     Host: 127.0.0.1:20080 and Connection: close (one segment); response
//     "HTTP/1.1 200 OK" with Content-Type: text/html, Content-Length: 59,
//     Connection: close, no Date header, and the body
//     '<!DOCTYPE html><html><body><h1>It works</h1></body></html>\n' (one
//     segment); the server closes first.
//  2. port 8080, the same exchange (Host: 127.0.0.1:8080).
//  3. port 20443, TLS (node tls, the version node negotiates by default, 1.3
//     here) with a throwaway self-signed EC certificate (CN=localhost) made
//     with openssl in a temporary directory at run time and deleted after.
//     Inside: the client sends "hello over tls\n", the server echoes it back,
//     the client closes (close_notify, FIN), then the server does the same.
//     Not deterministic (keys and randoms are fresh each run).
//  4. port 20090, random bytes from a fixed-seed PRNG (prng seeds 90 and 91):
//     client sends 4096 bytes in two writes of 2048, then the server sends
//     3000 bytes in one write.
//  5. port 20091, a length-prefixed binary protocol that is not AMF: each
//     message is a 4-byte big-endian length N and N random bytes (prng seed
//     2091). The client sends a message, the server answers with one, five
//     times; payload lengths client 16, 100, 333, 7, 1024 and server 24,
//     64, 500, 12, 2048. Each message is one write (one segment). The first
//     payload byte is forced to an AMF3 marker in three of them (client
//     message 2: 0x0a, client message 4: 0x06, server message 3: 0x09); the
//     rest of each is random and none of them is a valid AMF0 or AMF3 value.
//  6. port 20092, an SMTP-like text protocol, CRLF lines, one write per line
//     (the server's EHLO answer is two lines in one write), strict turn
//     taking: see SMTP_TALK below.
//
// Frames as captured in non-amf.pcap (90 frames, no retransmissions):
//   1-10  port 20080: 4 GET (70 bytes), 6 response (142 bytes)
//  11-20  port 8080: 14 GET (69 bytes), 16 response (142 bytes)
//  21-34  port 20443: 24 ClientHello, 26 ServerHello..., 28, 29, 30, 32
//  35-46  port 20090: 38 and 40 client (2048 each), 42 server (3000)
//  47-64  port 20091: client messages in 50, 54, 56, 58, 60 and server
//         messages in 52, 55, 57, 59, 61
//  65-90  port 20092: text lines in 68, 70, 72-80, 82, 83, 85-87
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const tls = require('tls');
const { execFileSync } = require('child_process');
const { listen, connect, u32be, sleep, readBytes } = require('./lib');
const { prng, randomBytes, FrameReader } = require('./lib-amf3');

const HTML = '<!DOCTYPE html><html><body><h1>It works</h1></body></html>\n';

function httpExchange(port) {
  return new Promise((resolve, reject) => {
    const srv = http.createServer((req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(HTML) });
      res.end(HTML);
    });
    srv.listen(port, '127.0.0.1', () => {
      http.get({ host: '127.0.0.1', port, path: '/index.html', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { body += d; });
        res.on('end', () => {
          if (body !== HTML) reject(new Error('bad HTTP body'));
          srv.close(() => resolve());
        });
      }).on('error', reject);
    });
  });
}

async function tlsExchange(port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amftcp-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=localhost', '-days', '1'], { stdio: 'ignore' });
    const opts = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
    const srv = tls.createServer(opts, (s) => {
      s.on('data', (d) => { s.write(d); });
    });
    await new Promise((resolve) => srv.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve, reject) => {
      const c = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: opts.cert }, () => {
        c.write('hello over tls\n');
      });
      let got = '';
      c.on('data', (d) => {
        got += d;
        if (got === 'hello over tls\n') c.end();
      });
      c.on('close', () => (got === 'hello over tls\n' ? resolve() : reject(new Error('bad TLS echo'))));
      c.on('error', reject);
    });
    await new Promise((resolve) => srv.close(resolve));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function randomExchange(port) {
  const up = randomBytes(prng(90), 4096);
  const down = randomBytes(prng(91), 3000);
  const srv = await listen(port, async (sock) => {
    await readBytes(sock, up.length);
    sock.write(down);
    sock.end();
  });
  const c = await connect(port);
  const closed = new Promise((resolve) => c.on('close', resolve));
  c.write(up.subarray(0, 2048));
  await sleep(50);
  c.write(up.subarray(2048));
  const got = await readBytes(c, down.length);
  if (!got.equals(down)) throw new Error('bad random reply');
  c.end();
  await closed;
  srv.close();
}

const LP_CLIENT = [16, 100, 333, 7, 1024];
const LP_SERVER = [24, 64, 500, 12, 2048];

async function lengthPrefixedExchange(port) {
  const rand = prng(2091);
  const up = []; const down = [];
  for (let i = 0; i < LP_CLIENT.length; i++) {
    up.push(randomBytes(rand, LP_CLIENT[i]));
    down.push(randomBytes(rand, LP_SERVER[i]));
  }
  // Some payloads start with an AMF3 marker byte, so that only looking at
  // the first byte after the length is not enough to reject them.
  up[1][0] = 0x0a;
  down[2][0] = 0x09;
  up[3][0] = 0x06;
  const srv = await listen(port, async (sock) => {
    const rd = new FrameReader(sock);
    for (let i = 0; i < up.length; i++) {
      await rd.next();
      sock.write(u32be(down[i]));
    }
    await rd.next();
    sock.end();
  });
  const c = await connect(port);
  const closed = new Promise((resolve) => c.on('close', resolve));
  const rd = new FrameReader(c);
  for (let i = 0; i < up.length; i++) {
    c.write(u32be(up[i]));
    const m = await rd.next();
    if (!m || !m.equals(down[i])) throw new Error(`bad length-prefixed reply ${i}`);
  }
  c.end();
  await closed;
  srv.close();
}

// [who, text]: 'S' lines are written by the server, 'C' by the client.
const SMTP_TALK = [
  ['S', '220 mail.example.test ESMTP ready\r\n'],
  ['C', 'EHLO client.example.test\r\n'],
  ['S', '250-mail.example.test greets client.example.test\r\n250 SIZE 1000000\r\n'],
  ['C', 'MAIL FROM:<ann@example.test>\r\n'],
  ['S', '250 OK\r\n'],
  ['C', 'RCPT TO:<bob@example.test>\r\n'],
  ['S', '250 OK\r\n'],
  ['C', 'DATA\r\n'],
  ['S', '354 End data with <CR><LF>.<CR><LF>\r\n'],
  ['C', 'Subject: test\r\n'],
  ['C', '\r\n'],
  ['C', 'Hello Bob, this is a plain text line protocol.\r\n'],
  ['C', '.\r\n'],
  ['S', '250 OK queued as 12345\r\n'],
  ['C', 'QUIT\r\n'],
  ['S', '221 Bye\r\n'],
];

async function textExchange(port) {
  const srv = await listen(port, async (sock) => {
    for (const [who, text] of SMTP_TALK) {
      if (who === 'S') { sock.write(text); } else { await readBytes(sock, text.length); }
    }
    sock.end();
  });
  const c = await connect(port);
  const closed = new Promise((resolve) => c.on('close', resolve));
  // Count bytes as they arrive so that every line waits for the one before.
  let buf = '';
  const waiters = [];
  c.on('data', (d) => { buf += d; while (waiters.length && waiters[0].n <= buf.length) waiters.shift().resolve(); });
  const waitFor = (n) => new Promise((resolve) => {
    if (buf.length >= n) resolve(); else waiters.push({ n, resolve });
  });
  let expect = 0;
  for (const [who, text] of SMTP_TALK) {
    if (who === 'S') { expect += text.length; await waitFor(expect); } else { c.write(text); await sleep(20); }
  }
  c.end();
  await closed;
  srv.close();
}

async function main() {
  await httpExchange(20080);
  await sleep(100);
  await httpExchange(8080);
  await sleep(100);
  await tlsExchange(20443);
  await sleep(100);
  await randomExchange(20090);
  await sleep(100);
  await lengthPrefixedExchange(20091);
  await sleep(100);
  await textExchange(20092);
}

main().catch((e) => { console.error(e); process.exit(1); });
