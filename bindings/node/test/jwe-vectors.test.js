'use strict';
// tests/vectors/jwe.json through the Node.js package (tests/vectors/README.md, section
// `jwe.json`), as core/tests/jwe.rs, tests/c and tests/python check it: every positive entry
// decrypts to its plaintext (and its `aad`), compact or JSON by its `serialization`, accepting
// exactly its `algorithms` and `encryptions` (and `zip` up to `allow_zip` when present), with
// the public half of its `sender` for ECDH-1PU; every negative entry fails with exactly its
// error kind. Every entry is counted: one skipped silently fails the count.

const test = require('node:test');
const assert = require('node:assert/strict');
const hxjwt = require('..');
const { loadVectors, b64urlDecode, caught } = require('./helpers');

const { jwe } = hxjwt;
const JWE = loadVectors('jwe.json');

const KEYS = new Map();
function key(name) {
  if (!KEYS.has(name)) {
    assert.ok(Object.hasOwn(JWE.keys, name), `the vectors have no key ${name}`);
    KEYS.set(name, jwe.Key.fromJwk(JWE.keys[name]));
  }
  return KEYS.get(name);
}
const SENDERS = new Map();
function senderPublic(name) {
  if (!SENDERS.has(name)) SENDERS.set(name, key(name).toPublic());
  return SENDERS.get(name);
}

/** Decrypts an entry as the README says; returns the Decrypted (or throws). */
function decryptEntry(v) {
  const options = { algorithms: v.algorithms, encryptions: v.encryptions };
  if (v.allow_zip !== undefined) options.allowZip = v.allow_zip;
  if (v.sender !== undefined) options.senderKey = senderPublic(v.sender);
  if (v.serialization === 'compact') return jwe.decrypt(v.token, key(v.key), options);
  assert.equal(v.serialization, 'json', `${v.name}: serialization ${v.serialization}`);
  return jwe.decryptJson(v.token, key(v.key), options);
}

let positives = 0;
let negatives = 0;

test('jwe.json: the file has entries, and every error kind is one of the package', () => {
  assert.ok(JWE.positive.length > 0 && JWE.negative.length > 0);
  for (const v of JWE.negative) assert.ok(hxjwt.KINDS.includes(v.error), v.error);
  for (const v of [...JWE.positive, ...JWE.negative]) assert.ok(['compact', 'json'].includes(v.serialization), v.name);
});

test('jwe.json positive: each decrypts to its plaintext (and aad)', async (t) => {
  for (const v of JWE.positive) {
    await t.test(v.name, () => {
      const d = decryptEntry(v);
      assert.deepEqual(d.plaintext, b64urlDecode(v.plaintext_b64url));
      if (v.aad_b64url !== undefined) assert.deepEqual(d.aad, b64urlDecode(v.aad_b64url));
      else assert.equal(d.aad, null);
      assert.ok(v.algorithms.includes(d.alg), `${d.alg} not among ${v.algorithms}`);
      assert.ok(v.encryptions.includes(d.enc), `${d.enc} not among ${v.encryptions}`);
      assert.equal(d.header.alg, d.alg);
      if (v.serialization === 'compact') {
        // The unverified header is the protected header the decryption returned.
        assert.deepEqual(jwe.decodeHeader(v.token), d.header);
      }
      positives += 1;
    });
  }
});

test('jwe.json negative: each fails with exactly its error kind', async (t) => {
  const secrets = Object.values(JWE.keys).flatMap((jwk) => [jwk.d, jwk.k, jwk.p, jwk.q].filter(Boolean));
  for (const v of JWE.negative) {
    await t.test(v.name, () => {
      const err = caught(() => decryptEntry(v));
      assert.ok(err instanceof hxjwt.HxJwtError, `${v.name}: ${err && err.stack}`);
      assert.equal(err.kind, v.error, `${v.name}: ${err.message}`);
      assert.ok(err instanceof hxjwt.ERROR_CLASSES[v.error]);
      for (const secret of secrets) assert.ok(!err.message.includes(secret), 'a key in the message');
      negatives += 1;
    });
  }
});

test('jwe.json: every entry was checked, none skipped', () => {
  const total = JWE.positive.length + JWE.negative.length;
  assert.ok(total > 0);
  assert.equal(positives, JWE.positive.length);
  assert.equal(negatives, JWE.negative.length);
  assert.equal(positives + negatives, total);
});

test.after(() => {
  for (const k of [...KEYS.values(), ...SENDERS.values()]) k.close();
});
