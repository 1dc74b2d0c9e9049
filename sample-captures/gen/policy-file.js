// SPDX-License-Identifier: GPL-2.0-or-later
// policy-file.pcap: Flash socket policy file exchange, alone on port 843 and
// then in front of an AMF3 session on the application port.
//
// Connection 1: server 127.0.0.1:843.
//   C->S  "<policy-file-request/>" + 00               (23 bytes, one segment)
//   S->C  POLICY (below) + 00                         (one segment)
//   then the server closes (its FIN comes first), then the client closes.
// Connection 2: server 127.0.0.1:20150, opened after connection 1 is closed.
//   C->S  "<policy-file-request/>" + 00               (one segment)
//   S->C  POLICY + 00                                 (one segment)
//   then, on the same connection, 4-byte big-endian length + one AMF3 value
//   per message (bytearray-node, AMF3), one message per segment:
//   C->S  {cmd: "hello", user: "alice"}
//   S->C  {cmd: "welcome", id: 1}
//   C->S  {cmd: "ping", t: 1}
//   S->C  {cmd: "pong", t: 1}
//   then the client closes first.
// Writes are 40 ms apart.
//
// POLICY is this text (UTF-8, lines end with \n, 260 bytes; 261 with the 00):
//   <?xml version="1.0"?>
//   <!DOCTYPE cross-domain-policy SYSTEM "/xml/dtds/cross-domain-policy.dtd">
//   <cross-domain-policy>
//     <site-control permitted-cross-domain-policies="master-only"/>
//     <allow-access-from domain="*" to-ports="843,20150"/>
//   </cross-domain-policy>
'use strict';
const L = require('./lib-framing');

const REQUEST = Buffer.from('<policy-file-request/>\0', 'utf8');
const POLICY = '<?xml version="1.0"?>\n'
  + '<!DOCTYPE cross-domain-policy SYSTEM "/xml/dtds/cross-domain-policy.dtd">\n'
  + '<cross-domain-policy>\n'
  + '  <site-control permitted-cross-domain-policies="master-only"/>\n'
  + '  <allow-access-from domain="*" to-ports="843,20150"/>\n'
  + '</cross-domain-policy>\n';
const ANSWER = Buffer.concat([Buffer.from(POLICY, 'utf8'), Buffer.from([0])]);

async function main() {
  if (Buffer.byteLength(POLICY) !== 260) throw new Error(`policy is ${Buffer.byteLength(POLICY)} bytes`);
  await L.session(843, async ({ cli, srv }) => {
    L.logMsg(1, 'C->S', REQUEST, 'policy request (port 843)');
    await L.send(cli, REQUEST);
    L.logMsg(2, 'S->C', ANSWER, 'policy (port 843)');
    await L.send(srv, ANSWER);
  }, { serverClosesFirst: true });

  await L.session(20150, async ({ cli, srv }) => {
    L.logMsg(3, 'C->S', REQUEST, 'policy request (port 20150)');
    await L.send(cli, REQUEST);
    L.logMsg(4, 'S->C', ANSWER, 'policy (port 20150)');
    await L.send(srv, ANSWER);
    const msgs = [
      [cli, 'C->S', { cmd: 'hello', user: 'alice' }],
      [srv, 'S->C', { cmd: 'welcome', id: 1 }],
      [cli, 'C->S', { cmd: 'ping', t: 1 }],
      [srv, 'S->C', { cmd: 'pong', t: 1 }],
    ];
    let n = 4;
    for (const [ep, dir, v] of msgs) {
      const wire = L.lenU32be(L.amf3(v));
      L.logMsg(++n, dir, wire, JSON.stringify(v));
      await L.send(ep, wire);
    }
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
