'use strict';
// The interop program (bin/hxjwt-interop.js) as the cross-runtime matrix runs it: files in,
// stdout out; exit 1 with "error: <Kind>: <message>" when the library refuses, 2 for usage and
// unreadable files.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const hxjwt = require('..');

const PROGRAM = path.join(__dirname, '..', 'bin', 'hxjwt-interop.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hxjwt-node-interop-'));
const file = (name, content) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

function run(...args) {
  const r = spawnSync(process.execPath, [PROGRAM, ...args], { env: process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const alice = hxjwt.Identity.generate('alice.service');
const bob = hxjwt.Identity.generate('bob.service');
const aliceJwk = file('alice.jwk', alice.toJwk());
const bobJwk = file('bob.jwk', bob.toJwk());
const alicePub = file('alice.pub', alice.machineToken);
const bobPub = file('bob.pub', `${bob.machineToken}\n`);
const signing = hxjwt.Key.generate('ES256');
const privateJwk = file('es256.jwk', signing.toPrivateJwk());
const publicJwk = file('es256.pub.jwk', signing.toPublicJwk());

test('hx1-create then hx1-validate: the payload bytes exactly, a trailing newline dropped', () => {
  const payload = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x20, 0x0a]);
  const created = run('hx1-create', aliceJwk, bobPub, file('payload.bin', payload));
  assert.equal(created.status, 0, created.stderr);
  assert.match(created.stdout.toString(), /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  const token = file('token', created.stdout); // ends with the newline the program printed
  const validated = run('hx1-validate', bobJwk, alicePub, token);
  assert.equal(validated.status, 0, validated.stderr);
  assert.deepEqual(validated.stdout, payload);
  // The token is an ordinary one: the package validates it too, with a 300 s lifetime.
  const m = new hxjwt.Endpoint(bob).validate(created.stdout.toString().trim(), { sender: alice.machineToken });
  assert.equal(m.expiresAt - m.issuedAt, 300);
  // An empty payload.
  const empty = run('hx1-create', aliceJwk, bobPub, file('empty.bin', ''));
  assert.equal(empty.status, 0, empty.stderr);
  const back = run('hx1-validate', bobJwk, alicePub, file('empty.token', empty.stdout));
  assert.equal(back.status, 0, back.stderr);
  assert.equal(back.stdout.length, 0);
});

test('hx1-validate refusals: exit 1 and "error: <Kind>: <message>"', () => {
  const created = run('hx1-create', aliceJwk, bobPub, file('p.txt', 'hi'));
  const token = file('t2', created.stdout);
  // Validated by the wrong recipient, from the wrong sender, or tampered.
  const cases = [
    [['hx1-validate', aliceJwk, alicePub, token], 'WrongAudience'],
    [['hx1-validate', bobJwk, bobPub, token], 'IssuerMismatch'],
    [['hx1-validate', bobJwk, alicePub, file('bad', 'a.b.c')], 'Malformed'],
    [['hx1-validate', bobJwk, alicePub, file('nul', 'a\0b')], 'InvalidArgument'],
    [['hx1-validate', alicePub, alicePub, token], 'InvalidKey'],
    [['hx1-validate', bobJwk, file('latin1.pub', Buffer.from(alice.machineToken.replace('alice', 'al\u00e9ce'), 'latin1')), token], 'InvalidArgument'],
  ];
  for (const [args, kind] of cases) {
    const r = run(...args);
    assert.equal(r.status, 1, `${kind}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error: ${kind}: \\S.*\\n$`));
    assert.ok(!r.stderr.includes(`${kind}: ${kind}:`), 'the kind is said once');
    assert.equal(r.stdout.length, 0);
  }
});

test('es256-sign then es256-verify: the claims as signed', () => {
  const claims = '{"sub":"user-7","exp":4000000000,"n":123456789012345678901234567890}';
  const signed = run('es256-sign', privateJwk, file('claims.json', claims));
  assert.equal(signed.status, 0, signed.stderr);
  const token = signed.stdout.toString().trim();
  assert.equal(hxjwt.decodeHeader(token).alg, 'ES256');
  const verified = run('es256-verify', publicJwk, file('jws', `${token}\n\n`));
  assert.equal(verified.status, 0, verified.stderr);
  assert.equal(verified.stdout.toString(), `${claims}\n`);
  // Refusals: expired, an audience none expects, another key, an HS256 token.
  const expired = file('expired', hxjwt.sign({ exp: 1 }, signing));
  assert.match(run('es256-verify', publicJwk, expired).stderr, /^error: Expired: /);
  const withAud = file('aud', hxjwt.sign({ exp: 4e9, aud: 'api' }, signing));
  assert.match(run('es256-verify', publicJwk, withAud).stderr, /^error: WrongAudience: /);
  const other = file('other.pub', hxjwt.Key.generate('ES256').toPublicJwk());
  assert.match(run('es256-verify', other, file('jws2', token)).stderr, /^error: InvalidSignature: /);
  const hs = file('hs', hxjwt.sign({ exp: 4e9 }, hxjwt.Key.generate('HS256')));
  const r = run('es256-verify', publicJwk, hs);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: UnsupportedAlgorithm: /);
  // Signing with a public key, or claims that are not a JSON object.
  assert.match(run('es256-sign', publicJwk, file('c2', claims)).stderr, /^error: InvalidKey: /);
  assert.match(run('es256-sign', privateJwk, file('c3', '[1,2]')).stderr, /^error: InvalidArgument: /);
});

test('jwe-encrypt then jwe-decrypt: the payload bytes exactly, for every key kind', () => {
  const payload = Buffer.concat([crypto.randomBytes(200), Buffer.from([0, 0x0a, 0x20, 0x0a])]);
  const payloadFile = file('jwe-payload.bin', payload);
  const cases = [
    ['X25519', 'ECDH-ES', 'A256GCM'],
    ['X25519', 'ECDH-ES+A256KW', 'A128CBC-HS256'],
    ['P-256', 'ECDH-ES+A128KW', 'A256GCM'],
    ['RSA', 'RSA-OAEP-256', 'A256GCM'],
    ['oct-32', 'dir', 'A256GCM'],
    ['oct-16', 'A128KW', 'A128GCM'],
    ['oct-32', 'A256GCMKW', 'A128CBC-HS256'],
  ];
  for (const [kind, alg, enc] of cases) {
    const key = hxjwt.jwe.Key.generate(kind);
    const symmetric = kind.startsWith('oct');
    const privateFile = file(`${kind}.jwk`, key.toPrivateJwk());
    const recipientFile = symmetric ? privateFile : file(`${kind}.pub.jwk`, key.toPublicJwk());
    const encrypted = run('jwe-encrypt', alg, enc, recipientFile, payloadFile);
    assert.equal(encrypted.status, 0, encrypted.stderr);
    const text = encrypted.stdout.toString();
    assert.match(text, /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const header = hxjwt.jwe.decodeHeader(text.trim());
    assert.deepEqual([header.alg, header.enc], [alg, enc]);
    const tokenFile = file(`${kind}-${alg}.jwe`, `${text}\n  \n`);
    const decrypted = run('jwe-decrypt', alg, enc, privateFile, tokenFile);
    assert.equal(decrypted.status, 0, decrypted.stderr);
    assert.deepEqual(decrypted.stdout, payload);
    // The package decrypts the program's token, and the program the package's.
    assert.deepEqual(hxjwt.jwe.decrypt(text.trim(), key, { algorithms: [alg], encryptions: [enc] }).plaintext, payload);
    const mine = file(`${kind}-${alg}.mine`, hxjwt.jwe.encrypt(payload, symmetric ? key : key.toPublic(), { alg, enc }));
    assert.deepEqual(run('jwe-decrypt', alg, enc, privateFile, mine).stdout, payload);
    key.close();
  }
  // An empty payload.
  const k = hxjwt.jwe.Key.generate('X25519');
  const empty = run('jwe-encrypt', 'ECDH-ES', 'A128GCM', file('x.pub', k.toPublicJwk()), file('empty', ''));
  assert.equal(empty.status, 0, empty.stderr);
  const back = run('jwe-decrypt', 'ECDH-ES', 'A128GCM', file('x.jwk', k.toPrivateJwk()), file('empty.jwe', empty.stdout));
  assert.equal(back.status, 0, back.stderr);
  assert.equal(back.stdout.length, 0);
  k.close();
});

test('jwe-encrypt and jwe-decrypt refusals: exit 1 and "error: <Kind>: <message>"', () => {
  const k = hxjwt.jwe.Key.generate('X25519');
  const priv = file('r.jwk', k.toPrivateJwk());
  const pub = file('r.pub', k.toPublicJwk());
  const token = file('r.jwe', hxjwt.jwe.encrypt('secret', k.toPublic(), { alg: 'ECDH-ES+A128KW', enc: 'A128GCM' }));
  const other = hxjwt.jwe.Key.generate('X25519').withKid(k.kid);
  const cases = [
    [['jwe-decrypt', 'ECDH-ES', 'A128GCM', priv, token], 'UnsupportedAlgorithm'],
    [['jwe-decrypt', 'ECDH-ES+A128KW', 'A256GCM', priv, token], 'UnsupportedAlgorithm'],
    [['jwe-decrypt', 'ECDH-ES+A128KW', 'A128GCM', file('o.jwk', other.toPrivateJwk()), token], 'DecryptionFailed'],
    [['jwe-decrypt', 'ECDH-ES+A128KW', 'A128GCM', priv, file('jws', 'a.b.c')], 'Malformed'],
    [['jwe-decrypt', 'ECDH-ES+A128KW', 'A128GCM', priv, file('jnul', 'a\0b')], 'InvalidArgument'],
    [['jwe-decrypt', 'ECDH-ES+A128KW', 'A128GCM', file('bad.jwk', '{"kty":"OKP"}'), token], 'InvalidKey'],
    [['jwe-decrypt', 'nope', 'A128GCM', priv, token], 'UnsupportedAlgorithm'],
    [['jwe-encrypt', 'RSA1_5', 'A128GCM', pub, file('p', 'x')], 'UnsupportedAlgorithm'],
    [['jwe-encrypt', 'A128KW', 'A128GCM', pub, file('p', 'x')], 'InvalidKey'],
    [['jwe-encrypt', 'ECDH-ES', 'A128GCM', file('nj', 'not json'), file('p', 'x')], 'InvalidKey'],
  ];
  for (const [args, kind] of cases) {
    const r = run(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error: ${kind}: \\S.*\\n$`), args.join(' '));
    assert.equal(r.stdout.length, 0);
  }
  k.close();
  other.close();
});

test('usage errors and unreadable files exit 2', () => {
  for (const args of [[], ['nope'], ['hx1-create', aliceJwk], ['es256-verify', publicJwk, 'a', 'b'], ['jwe-encrypt', 'ECDH-ES', 'A128GCM', publicJwk], ['jwe-decrypt', 'a', 'b', 'c', 'd', 'e']]) {
    const r = run(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: /);
  }
  const r = run('es256-verify', publicJwk, path.join(dir, 'does-not-exist'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read/);
  const j = run('jwe-decrypt', 'ECDH-ES', 'A128GCM', publicJwk, path.join(dir, 'does-not-exist'));
  assert.equal(j.status, 2);
  assert.match(j.stderr, /cannot read/);
});

test.after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
