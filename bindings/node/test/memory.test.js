'use strict';
// No leak: 100 000 HX1 create/validate calls (plus failing validations, standard JWT signs and
// verifies, and handles made and closed or left to the garbage collector), and 5000 JWE
// rounds (compact and JSON, refusals, keys and options), each in a child process,
// whose resident set size is measured after a warm-up and at the end. Every string the library
// returns is freed with hx_string_free, every message with hx_message_free, every handle once;
// a leak of even a few dozen bytes per call would show as megabytes here.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');

const CHILD = String.raw`(async () => {
const hxjwt = require(process.argv[1]);
const { Identity, Directory, Endpoint, Key, Validation, sign, verifyRaw } = hxjwt;
const N = Number(process.argv[2]);
const alice = Identity.generate('alice.service');
const bob = Identity.generate('bob.service');
const directory = new Directory([alice.machineToken, bob.machineToken]);
const a = new Endpoint(alice, { directory });
const b = new Endpoint(bob, { directory });
const payload = Buffer.from('{"order":42,"items":["a","b","c"]}');
const key = Key.generate('HS256');
const validation = new Validation({ algorithms: ['HS256'] });
const expired = new Validation({ algorithms: ['HS256'], now: 4e9 + 1 });

function round(i) {
  const token = a.create(payload, { to: 'bob.service', jti: i % 2 ? 'jti-odd' : undefined });
  const m = b.validate(token);
  if (m.payload.length !== payload.length) throw new Error('payload differs');
  if (i % 10 === 0) {
    // Error paths: the last-error message and claim are read, nothing is allocated to free.
    const n = token.length; const bad = token.slice(0, n - 5) + (token[n - 5] === 'A' ? 'B' : 'A') + token.slice(n - 4);
    try { b.validate(bad); throw new Error('accepted'); } catch (e) { if (!(e instanceof hxjwt.HxJwtError)) throw e; }
    const jwt = sign({ sub: 'u', exp: 4e9 }, key);
    verifyRaw(jwt, key, validation);
    try { verifyRaw(jwt, key, expired); throw new Error('accepted'); } catch (e) { if (e.claim !== 'exp') throw e; }
  }
  if (i % 100 === 0) {
    // Handles: closed explicitly, or dropped for the FinalizationRegistry to release.
    const id = Identity.generate('tmp.service');
    const ep = new Endpoint(id, { directory });
    id.close();
    if (i % 200 === 0) ep.close();
    Key.generate('ES256');
  }
}

const warmup = Math.floor(N / 10);
// The event loop turns now and then, as in a server, so that finalizers can run.
const tick = () => new Promise((resolve) => setImmediate(resolve));
for (let i = 0; i < warmup; i++) { round(i); if (i % 1000 === 0) await tick(); }
global.gc();
const before = process.memoryUsage().rss;
for (let i = warmup; i < N; i++) { round(i); if (i % 1000 === 0) await tick(); }
global.gc();
await new Promise((resolve) => setTimeout(resolve, 50)); // let finalizers run
global.gc();
const after = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ before, after, calls: N }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test('100 000 create/validate calls: the RSS stays flat (< 20 MB growth after warm-up)', { timeout: 600_000 }, (t) => {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '-e', CHILD, require.resolve('..'), '100000'],
    { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 },
  );
  assert.equal(child.status, 0, child.stderr);
  const { before, after, calls } = JSON.parse(child.stdout);
  const growth = (after - before) / (1024 * 1024);
  t.diagnostic(`RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB after ${calls} calls`);
  assert.equal(calls, 100_000);
  assert.ok(growth < 20, `RSS grew by ${growth.toFixed(1)} MB over ${calls} create/validate calls`);
});

const FORGOTTEN = String.raw`(async () => {
const hxjwt = require(process.argv[1]);
const N = Number(process.argv[2]);
// Each key holds a 16 KiB secret in the library: 3000 forgotten ones would be ~48 MB.
const secret = Buffer.alloc(16 * 1024, 7);
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function round(n) {
  for (let i = 0; i < n; i++) {
    hxjwt.Key.fromSecret(secret); // never closed: left to the FinalizationRegistry
    if (i % 50 === 0) { global.gc(); await tick(); }
  }
}
await round(N / 5);
global.gc(); await tick(); global.gc();
const before = process.memoryUsage().rss;
await round(N);
global.gc(); await tick(); global.gc(); await tick();
const after = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ before, after }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test('handles never closed are released by the FinalizationRegistry', { timeout: 600_000 }, (t) => {
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', FORGOTTEN, require.resolve('..'), '3000'], {
    encoding: 'utf8',
    env: process.env,
  });
  assert.equal(child.status, 0, child.stderr);
  const { before, after } = JSON.parse(child.stdout);
  const growth = (after - before) / (1024 * 1024);
  t.diagnostic(`RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB after 3000 forgotten 16 KiB keys`);
  assert.ok(growth < 20, `RSS grew by ${growth.toFixed(1)} MB: forgotten handles are not released`);
});

// JWE: every round encrypts and decrypts an 8 KiB plaintext (one plaintext buffer or token not
// freed per round would be 40 MB or more), every 4th round the JSON serialization with a 24 KiB
// aad (30 MB if its aad buffer leaked), a refused token and the unverified header, every 250th an
// X25519 round; DecryptOptions made from objects every other round, and keys closed or left to
// the FinalizationRegistry. (The library is a debug build: the sizes keep the test to seconds.)
const JWE_CHILD = String.raw`(async () => {
const hxjwt = require(process.argv[1]);
const { jwe } = hxjwt;
const N = Number(process.argv[2]);
const secret = jwe.Key.generate('oct-32');
const x25519 = jwe.Key.generate('X25519');
const x25519Public = x25519.toPublic();
const ALG = { alg: 'A256KW', enc: 'A128CBC-HS256' };
const options = new jwe.DecryptOptions({ algorithms: ['A256KW'], encryptions: ['A128CBC-HS256'] });
const plaintext = Buffer.alloc(8192, 0x61);
const aad = Buffer.alloc(24 * 1024, 0x62);

function round(i) {
  const token = jwe.encrypt(plaintext, secret, { ...ALG, typ: 'JWT' });
  const d = jwe.decrypt(token, secret, i % 2 ? options : { algorithms: ['A256KW'], encryptions: ['A128CBC-HS256'] });
  if (d.plaintext.length !== plaintext.length || d.header.typ !== 'JWT') throw new Error('plaintext differs');
  if (i % 4 === 0) {
    const json = jwe.encryptJson(plaintext.subarray(0, 16), [[secret, 'A256KW']], { enc: ALG.enc, aad });
    const dj = jwe.decryptJson(json, secret, options);
    if (dj.aad.length !== aad.length) throw new Error('aad differs');
    const bad = token.slice(0, -5) + (token.at(-5) === 'A' ? 'B' : 'A') + token.slice(-4);
    try { jwe.decrypt(bad, secret, options); throw new Error('accepted'); } catch (e) { if (!(e instanceof hxjwt.DecryptionFailedError)) throw e; }
    if (jwe.decodeHeader(token).alg !== 'A256KW') throw new Error('header');
  }
  if (i % 250 === 0) {
    const t = jwe.encrypt('x', x25519Public, { alg: 'ECDH-ES', enc: 'A128GCM' });
    jwe.decrypt(t, [x25519], { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] });
    const k = jwe.Key.fromSecret(Buffer.alloc(32, i & 0xff), { kid: 'k' });
    const pub = x25519.toPublic();
    if (i % 500 === 0) { k.close(); pub.close(); } // else left to the FinalizationRegistry
    JSON.parse(x25519.toPrivateJwk());
  }
}

const warmup = Math.floor(N / 10);
const tick = () => new Promise((resolve) => setImmediate(resolve));
for (let i = 0; i < warmup; i++) { round(i); if (i % 100 === 0) await tick(); }
global.gc();
const before = process.memoryUsage().rss;
for (let i = warmup; i < N; i++) { round(i); if (i % 100 === 0) await tick(); }
global.gc();
await new Promise((resolve) => setTimeout(resolve, 50));
global.gc();
const after = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ before, after, calls: N }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test('5000 JWE encrypt/decrypt rounds: the RSS stays flat (< 20 MB growth after warm-up)', { timeout: 600_000 }, (t) => {
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', JWE_CHILD, require.resolve('..'), '5000'], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 1 << 20,
  });
  assert.equal(child.status, 0, child.stderr);
  const { before, after, calls } = JSON.parse(child.stdout);
  const growth = (after - before) / (1024 * 1024);
  t.diagnostic(`RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB after ${calls} JWE rounds`);
  assert.equal(calls, 5000);
  assert.ok(growth < 20, `RSS grew by ${growth.toFixed(1)} MB over ${calls} JWE rounds`);
});

const JWE_FORGOTTEN = String.raw`(async () => {
const { jwe } = require(process.argv[1]);
const N = Number(process.argv[2]);
// Each password key holds 4 KiB in the library (the most it takes: a longer password is an
// InvalidKeyError): 12000 forgotten ones would be ~48 MB.
const password = Buffer.alloc(4 * 1024, 7);
const tick = () => new Promise((resolve) => setImmediate(resolve));
async function round(n) {
  for (let i = 0; i < n; i++) {
    jwe.Key.fromPassword(password); // never closed: left to the FinalizationRegistry
    new jwe.DecryptOptions({ algorithms: ['A128KW'], encryptions: ['A128GCM'] });
    if (i % 50 === 0) { global.gc(); await tick(); }
  }
}
await round(N / 5);
global.gc(); await tick(); global.gc();
const before = process.memoryUsage().rss;
await round(N);
global.gc(); await tick(); global.gc(); await tick();
const after = process.memoryUsage().rss;
process.stdout.write(JSON.stringify({ before, after }));
})().catch((err) => { console.error(err); process.exit(1); });
`;

test('JWE keys and options never closed are released by the FinalizationRegistry', { timeout: 600_000 }, (t) => {
  const child = spawnSync(process.execPath, ['--expose-gc', '-e', JWE_FORGOTTEN, require.resolve('..'), '12000'], {
    encoding: 'utf8',
    env: process.env,
  });
  assert.equal(child.status, 0, child.stderr);
  const { before, after } = JSON.parse(child.stdout);
  const growth = (after - before) / (1024 * 1024);
  t.diagnostic(`RSS ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB after 12000 forgotten 4 KiB JWE keys`);
  assert.ok(growth < 20, `RSS grew by ${growth.toFixed(1)} MB: forgotten JWE handles are not released`);
});
