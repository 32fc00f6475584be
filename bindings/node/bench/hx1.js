#!/usr/bin/env node
'use strict';
// Per-call times of the Node.js face: HX1 create and validate (directory mode, a 64-byte JSON
// payload), HS256 and ES256 sign and verify (a reusable Validation), and the cost of the face
// itself (a call that does nothing: hx_version). Run with the release library:
//
//   HXJWT_LIB=/tmp/hxjwt-lib-release/libhxjwt.so.0 node bindings/node/bench/hx1.js [seconds]
//
// Each operation runs for a warm-up, then for `seconds` (default 1) of measured time, in
// batches; the median batch's time per call is printed, in microseconds.

const hxjwt = require('..');

const { Identity, Directory, Endpoint, Key, Validation, sign, verifyRaw } = hxjwt;

const seconds = Number(process.argv[2] ?? 1);

function measure(name, fn) {
  const batch = 200;
  const run = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    return Number(process.hrtime.bigint() - t0) / 1e3 / batch;
  };
  const warmupEnd = Date.now() + 200;
  while (Date.now() < warmupEnd) run();
  const samples = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) samples.push(run());
  samples.sort((x, y) => x - y);
  const median = samples[Math.floor(samples.length / 2)];
  const calls = samples.length * batch;
  console.log(`${name.padEnd(28)} ${median.toFixed(2).padStart(9)} us/call  (${calls} calls)`);
  return median;
}

const alice = Identity.generate('alice.service');
const bob = Identity.generate('bob.service');
const directory = new Directory([alice.machineToken, bob.machineToken]);
const a = new Endpoint(alice, { directory });
const b = new Endpoint(bob, { directory });
const payload = Buffer.from(JSON.stringify({ order: 42, items: ['a', 'b'], note: 'x'.repeat(20) }));
const token = a.create(payload, { to: 'bob.service', ttl: 3600 });

const hs = Key.generate('HS256');
const es = Key.generate('ES256');
const esPublic = es.toPublic();
const claims = JSON.stringify({ sub: 'user-7', aud: 'api', iat: 1_767_225_600, exp: 4_000_000_000 });
const hsToken = sign(claims, hs);
const esToken = sign(claims, es);
const hsValidation = new Validation({ algorithms: ['HS256'], audience: 'api' });
const esValidation = new Validation({ algorithms: ['ES256'], audience: 'api' });

console.log(`hxjwt Node.js face, node ${process.version}, library ${hxjwt.LIBRARY_PATH} (${hxjwt.libraryVersion()})`);
measure('face: hx_version()', () => hxjwt.libraryVersion());
measure('HX1 create', () => a.create(payload, { to: 'bob.service' }));
measure('HX1 validate', () => b.validate(token));
measure('HX1 create + validate', () => b.validate(a.create(payload, { to: 'bob.service' })));
measure('HS256 sign', () => sign(claims, hs));
measure('HS256 verify', () => verifyRaw(hsToken, hs, hsValidation));
measure('HS256 verify (claims object)', () => hxjwt.verify(hsToken, hs, hsValidation));
measure('ES256 sign', () => sign(claims, es));
measure('ES256 verify', () => verifyRaw(esToken, esPublic, esValidation));

for (const h of [a, b, alice, bob, directory, hs, es, esPublic, hsValidation, esValidation]) h.close();
