'use strict';
// The JWE API (hxjwt.jwe): keys of every kind and format, round trips over several alg x enc
// pairs, the JSON serialization (two recipients, flattened, aad), ECDH-1PU, nested JWTs (signed
// then encrypted; a tampered inner signature and a missing cty refused), the decrypt options,
// errors, the handles' lifetimes, the key accessors (kty, curve, algorithm, thumbprint), the
// default limits (named constants, checked against the header) and the library's rules
// (decodeHeader reads only a JWE, sender keys only ECDH-1PU, bounded keys and headers).

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const hxjwt = require('..');
const { VECTORS_DIR, caught, loadVectors } = require('./helpers');

const { jwe, Key, KeySet, Validation, sign } = hxjwt;

const ENCS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];

function roundTrip(privateKey, publicKey, alg, enc, plaintext = Buffer.from(`${alg} ${enc} \0 é`)) {
  const token = jwe.encrypt(plaintext, publicKey, { alg, enc });
  assert.match(token, /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/);
  const d = jwe.decrypt(token, privateKey, { algorithms: [alg], encryptions: [enc] });
  assert.deepEqual(d.plaintext, Buffer.from(plaintext));
  assert.equal(d.alg, alg);
  assert.equal(d.enc, enc);
  assert.equal(d.aad, null);
  return { token, d };
}

test('round trips: every key kind, several alg x enc pairs', () => {
  const cases = [
    ['X25519', ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']],
    ['P-256', ['ECDH-ES', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']],
    ['P-384', ['ECDH-ES+A256KW']],
    ['P-521', ['ECDH-ES']],
    ['RSA', ['RSA-OAEP', 'RSA-OAEP-256']],
  ];
  let n = 0;
  for (const [kind, algs] of cases) {
    const priv = jwe.Key.generate(kind);
    const pub = priv.toPublic();
    assert.equal(priv.isPrivate, true);
    assert.equal(pub.isPrivate, false);
    assert.equal(pub.kid, priv.kid);
    for (const [i, alg] of algs.entries()) {
      // Each alg with two encs, so that every enc is met.
      for (const enc of [ENCS[(n + i) % ENCS.length], ENCS[(n + i + 3) % ENCS.length]]) {
        const { d } = roundTrip(priv, pub, alg, enc);
        assert.equal(d.header.kid, priv.kid);
      }
    }
    n += 1;
    priv.close();
    pub.close();
  }
  // Symmetric keys: key wrap, AES-GCM key wrap, dir (the key is the content key).
  for (const [kind, alg] of [
    ['oct-16', 'A128KW'],
    ['oct-24', 'A192KW'],
    ['oct-32', 'A256KW'],
    ['oct-16', 'A128GCMKW'],
    ['oct-32', 'A256GCMKW'],
  ]) {
    const k = jwe.Key.generate(kind);
    for (const enc of ['A256GCM', 'A128CBC-HS256']) roundTrip(k, k, alg, enc);
    k.close();
  }
  for (const [len, enc] of [[16, 'A128GCM'], [32, 'A256GCM'], [32, 'A128CBC-HS256'], [64, 'A256CBC-HS512']]) {
    const k = jwe.Key.fromSecret(crypto.randomBytes(len));
    roundTrip(k, k, 'dir', enc);
    // A dir key of the wrong length for the enc: the library's InvalidKey.
    const wrong = len === 16 ? 'A256GCM' : 'A128GCM';
    assert.throws(() => jwe.encrypt('x', k, { alg: 'dir', enc: wrong }), hxjwt.InvalidKeyError);
    k.close();
  }
  // A password (PBES2), with a p2c of our own.
  const pw = jwe.Key.fromPassword('correct horse battery staple', { kid: 'pw-1' });
  assert.equal(pw.kid, 'pw-1');
  const token = jwe.encrypt({ msg: 'hi' }, pw, { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1000 });
  assert.equal(jwe.decodeHeader(token).p2c, 1000);
  const d = jwe.decrypt(token, pw, { algorithms: ['PBES2-HS256+A128KW'], encryptions: ['A128GCM'] });
  assert.deepEqual(d.json(), { msg: 'hi' });
  assert.equal(d.header.kid, 'pw-1');
  // A p2c over the options' maximum: Malformed, before any PBKDF2 work.
  assert.throws(
    () => jwe.decrypt(token, pw, { algorithms: ['PBES2-HS256+A128KW'], encryptions: ['A128GCM'], maxP2c: 999 }),
    hxjwt.MalformedError,
  );
  pw.close();
});

test('keys: JWK both ways, PEM, secrets, kid, public halves', () => {
  const priv = jwe.Key.generate('P-256');
  const privateJwk = JSON.parse(priv.toPrivateJwk());
  const publicJwk = JSON.parse(priv.toPublicJwk());
  assert.equal(privateJwk.kty, 'EC');
  assert.ok(typeof privateJwk.d === 'string');
  assert.equal(publicJwk.d, undefined);
  assert.equal(publicJwk.kid, priv.kid);
  // From JSON text, bytes or an object; the public key's private JWK is its public JWK.
  const again = jwe.Key.fromJwk(Buffer.from(JSON.stringify(privateJwk)));
  const pub = jwe.Key.fromJwk(publicJwk);
  assert.deepEqual(JSON.parse(pub.toPrivateJwk()), publicJwk);
  roundTrip(again, pub, 'ECDH-ES+A128KW', 'A128GCM');
  // A JWK for signatures is refused as a JWE key.
  assert.throws(() => jwe.Key.fromJwk({ ...publicJwk, use: 'sig' }), hxjwt.InvalidKeyError);
  assert.throws(() => jwe.Key.fromJwk({ ...publicJwk, alg: 'ES256' }), hxjwt.InvalidKeyError);
  // withKid: a copy; the original keeps its kid.
  const renamed = priv.withKid('k-2');
  assert.equal(renamed.kid, 'k-2');
  assert.notEqual(priv.kid, 'k-2');
  // Secrets: no public half, never published.
  const secret = jwe.Key.fromSecret('0123456789abcdef', { kid: 's-1' });
  assert.equal(secret.kid, 's-1');
  assert.equal(secret.isPrivate, true);
  assert.throws(() => secret.toPublic(), hxjwt.InvalidKeyError);
  assert.throws(() => secret.toPublicJwk(), hxjwt.InvalidKeyError);
  assert.equal(JSON.parse(secret.toPrivateJwk()).k, Buffer.from('0123456789abcdef').toString('base64url'));
  assert.equal(jwe.Key.fromSecret(Buffer.alloc(16, 1)).kid, null);
  assert.throws(() => jwe.Key.fromSecret(''), hxjwt.InvalidKeyError);
  // PEM: RSA and EC, private (PKCS#8, PKCS#1, SEC1) and public (SPKI), text or bytes.
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pems = [
    [rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }), rsa.publicKey.export({ type: 'spki', format: 'pem' }), 'RSA-OAEP-256'],
    [rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }), rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }), 'RSA-OAEP'],
    [ec.privateKey.export({ type: 'sec1', format: 'pem' }), ec.publicKey.export({ type: 'spki', format: 'pem' }), 'ECDH-ES+A256KW'],
  ];
  for (const [privatePem, publicPem, alg] of pems) {
    const k = jwe.Key.fromPem(privatePem, { kid: 'pem' });
    const p = jwe.Key.fromPem(Buffer.from(publicPem));
    assert.equal(k.kid, 'pem');
    assert.equal(p.kid, null);
    assert.equal(p.isPrivate, false);
    roundTrip(k, p, alg, 'A256GCM');
    k.close();
    p.close();
  }
  assert.throws(() => jwe.Key.fromPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), hxjwt.InvalidKeyError);
  // An unknown kind to generate: the library's InvalidArgument.
  assert.throws(() => jwe.Key.generate('Ed25519'), hxjwt.InvalidArgumentError);
  for (const kind of ['P-521', 'RSA-3072', 'oct-48', 'oct-64']) {
    const k = jwe.Key.generate(kind);
    assert.equal(typeof k.kid, 'string');
    k.close();
  }
  for (const k of [priv, again, pub, renamed, secret]) k.close();
});

test('the recipient key is selected by kid among several', () => {
  const keys = ['X25519', 'X25519', 'P-256'].map((kind) => jwe.Key.generate(kind));
  for (const k of keys) {
    const token = jwe.encrypt('to me', k.toPublic(), { alg: 'ECDH-ES+A128KW', enc: 'A128GCM' });
    const d = jwe.decrypt(Buffer.from(token), keys, { algorithms: ['ECDH-ES+A128KW'], encryptions: ['A128GCM'] });
    assert.equal(d.header.kid, k.kid);
    assert.equal(d.text(), 'to me');
  }
  const stranger = jwe.Key.generate('X25519');
  const token = jwe.encrypt('x', stranger.toPublic(), { alg: 'ECDH-ES', enc: 'A128GCM' });
  assert.throws(() => jwe.decrypt(token, keys, { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] }), hxjwt.KeyNotFoundError);
  // A key without kid is tried; a wrong one is DecryptionFailed.
  const anonymous = jwe.Key.fromJwk({ ...JSON.parse(keys[0].toPrivateJwk()), kid: undefined });
  assert.equal(anonymous.kid, null);
  assert.throws(() => jwe.decrypt(token, [anonymous], { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] }), hxjwt.DecryptionFailedError);
  for (const k of [...keys, stranger, anonymous]) k.close();
});

test('encrypt options: header members, zip, apu/apv', () => {
  const k = jwe.Key.generate('X25519');
  const pub = k.toPublic();
  const token = jwe.encrypt('a'.repeat(1000), pub, {
    alg: 'ECDH-ES',
    enc: 'A256GCM',
    typ: 'JWT',
    cty: 'text/plain',
    kid: 'other-kid',
    header: { 'x-app': 7 },
    zip: true,
    apu: Buffer.from('Alice'),
    apv: 'Bob',
  });
  assert.ok(token.length < 500, 'compressed');
  const h = jwe.decodeHeader(token);
  assert.deepEqual(
    [h.typ, h.cty, h.kid, h['x-app'], h.zip, h.apu, h.apv],
    ['JWT', 'text/plain', 'other-kid', 7, 'DEF', 'QWxpY2U', 'Qm9i'],
  );
  const base = { algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] };
  // zip refused by default, accepted with a cap, and the cap holds.
  assert.throws(() => jwe.decrypt(token, k.withKid('other-kid'), base), hxjwt.UnknownHeaderError);
  const withKid = k.withKid('other-kid');
  assert.equal(jwe.decrypt(token, withKid, { ...base, allowZip: 1000 }).text(), 'a'.repeat(1000));
  assert.throws(() => jwe.decrypt(token, withKid, { ...base, allowZip: 999 }), hxjwt.MalformedError);
  // Members hxjwt writes itself are refused in header; header as JSON text is passed as is.
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'ECDH-ES', enc: 'A256GCM', header: { alg: 'none' } }), hxjwt.InvalidArgumentError);
  assert.equal(jwe.decodeHeader(jwe.encrypt('x', pub, { alg: 'ECDH-ES', enc: 'A256GCM', header: '{"x":1}' })).x, 1);
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'ECDH-ES', enc: 'A256GCM', header: '{"x":1}', typ: 'JWT' }), TypeError);
  // ECDH-1PU needs encrypt's senderKey; RSA1_5 and unknown names are refused.
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'ECDH-1PU', enc: 'A256GCM' }), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'RSA1_5', enc: 'A256GCM' }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'ECDH-ES', enc: 'A512GCM' }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => jwe.encrypt('x', pub, { alg: 'A128KW', enc: 'A256GCM' }), hxjwt.InvalidKeyError);
  assert.throws(() => jwe.encrypt('x', pub, { enc: 'A256GCM' }), TypeError);
  for (const h of [k, pub, withKid]) h.close();
});

test('decrypt options: required allow-lists, typ, crit, token length, reuse', () => {
  const k = jwe.Key.generate('oct-32');
  const token = jwe.encrypt('x', k, { alg: 'A256KW', enc: 'A256GCM', typ: 'secevent+jwt' });
  assert.throws(() => jwe.decrypt(token, k, {}), TypeError);
  assert.throws(() => jwe.decrypt(token, k, { algorithms: ['A256KW'] }), TypeError);
  assert.throws(() => new jwe.DecryptOptions({ encryptions: ['A256GCM'] }), TypeError);
  assert.throws(() => new jwe.DecryptOptions({ algorithms: [], encryptions: ['A256GCM'] }), hxjwt.InvalidArgumentError);
  assert.throws(() => new jwe.DecryptOptions({ algorithms: ['A256KW'], encryptions: [] }), hxjwt.InvalidArgumentError);
  assert.throws(() => new jwe.DecryptOptions({ algorithms: ['A256KW', 'nope'], encryptions: ['A256GCM'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => new jwe.DecryptOptions({ algorithms: ['RSA1_5'], encryptions: ['A256GCM'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => new jwe.DecryptOptions({ algorithms: ['A256KW'], encryptions: ['A256GCM'], maxTokenLength: 0 }), hxjwt.InvalidArgumentError);
  // Not among the accepted: UnsupportedAlgorithm, whatever the header says.
  assert.throws(() => jwe.decrypt(token, k, { algorithms: ['A128KW'], encryptions: ['A256GCM'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => jwe.decrypt(token, k, { algorithms: 'A256KW', encryptions: 'A128GCM' }), hxjwt.UnsupportedAlgorithmError);
  // A reusable DecryptOptions, changed by its setters.
  const o = new jwe.DecryptOptions({ algorithms: ['A256KW'], encryptions: ['A256GCM'], typ: 'SECEVENT+JWT' });
  assert.equal(jwe.decrypt(token, k, o).text(), 'x');
  o.setTyp('JWT');
  const err = caught(() => jwe.decrypt(token, k, o));
  assert.ok(err instanceof hxjwt.InvalidClaimError, err.message);
  o.setTyp(null);
  assert.equal(jwe.decrypt(token, k, o).text(), 'x');
  o.setMaxTokenLength(token.length - 1);
  assert.throws(() => jwe.decrypt(token, k, o), hxjwt.MalformedError);
  o.setMaxTokenLength(token.length);
  assert.equal(jwe.decrypt(token, k, o).text(), 'x');
  assert.throws(() => o.setMaxTokenLength(0), hxjwt.InvalidArgumentError);
  o.setMaxP2c(10);
  o.allowZip(100);
  o.allowZip(0);
  // hxjwt writes no crit member itself.
  assert.throws(() => jwe.encrypt('c', k, { alg: 'A256KW', enc: 'A256GCM', header: { crit: ['exp'], exp: 1 } }), hxjwt.InvalidArgumentError);
  o.close();
  assert.throws(() => jwe.decrypt(token, k, o), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_STATE');
  k.close();
});

test('crit names understood are accepted, others refused', () => {
  // hxjwt writes no crit: the token with crit ["exp"] of jwe.json (a forged header over
  // another token's ciphertext) is refused with UnknownHeader unless "exp" is named; named, it
  // passes that check and fails only at the cryptography (DecryptionFailed).
  const vectors = loadVectors('jwe.json');
  const v = vectors.negative.find((e) => e.name === 'crit-not-understood');
  assert.ok(v, 'jwe.json has its crit-not-understood entry');
  const k = jwe.Key.fromJwk(vectors.keys[v.key]);
  const o = new jwe.DecryptOptions({ algorithms: v.algorithms, encryptions: v.encryptions, critical: ['b64', 'exp'] });
  assert.throws(() => jwe.decrypt(v.token, k, o), hxjwt.DecryptionFailedError);
  o.setCritical([]);
  assert.throws(() => jwe.decrypt(v.token, k, o), hxjwt.UnknownHeaderError);
  o.setCritical('exp');
  assert.throws(() => jwe.decrypt(v.token, k, o), hxjwt.DecryptionFailedError);
  o.setCritical(['other']);
  assert.throws(() => jwe.decrypt(v.token, k, o), hxjwt.UnknownHeaderError);
  assert.throws(() => o.setCritical([1]), TypeError);
  o.close();
  k.close();
});

test('JSON serialization: two recipients, flattened, aad, tampering', () => {
  const alice = jwe.Key.generate('X25519');
  const bob = jwe.Key.generate('RSA');
  const shared = jwe.Key.fromSecret(crypto.randomBytes(16), { kid: 'shared' });
  const aad = Buffer.from([0, 1, 2, 255]);
  const json = jwe.encryptJson(Buffer.from('for both'), [
    { key: alice.toPublic(), alg: 'ECDH-ES+A128KW' },
    [bob.toPublic(), 'RSA-OAEP-256'],
    [shared, 'A128GCMKW'],
  ], { enc: 'A256GCM', aad, cty: 'text/plain' });
  const parsed = JSON.parse(json);
  assert.equal(parsed.recipients.length, 3);
  assert.equal(parsed.aad, aad.toString('base64url'));
  for (const [k, alg] of [[alice, 'ECDH-ES+A128KW'], [bob, 'RSA-OAEP-256'], [shared, 'A128GCMKW']]) {
    for (const input of [json, parsed, Buffer.from(json)]) {
      const d = jwe.decryptJson(input, k, { algorithms: [alg], encryptions: ['A256GCM'] });
      assert.equal(d.text(), 'for both');
      assert.deepEqual(d.aad, aad);
      assert.equal(d.alg, alg);
      assert.equal(d.header.cty, 'text/plain');
      assert.equal(d.header.kid, k.kid);
    }
  }
  // The aad is authenticated: changed, nothing decrypts.
  const changed = { ...parsed, aad: Buffer.from('other').toString('base64url') };
  assert.throws(() => jwe.decryptJson(changed, alice, { algorithms: ['ECDH-ES+A128KW'], encryptions: ['A256GCM'] }), hxjwt.DecryptionFailedError);
  // A compact token is not JSON, nor the JSON one compact.
  const compact = jwe.encrypt('x', shared, { alg: 'A128GCMKW', enc: 'A256GCM' });
  assert.throws(() => jwe.decryptJson(compact, shared, { algorithms: ['A128GCMKW'], encryptions: ['A256GCM'] }), hxjwt.MalformedError);
  assert.throws(() => jwe.decrypt(json, shared, { algorithms: ['A128GCMKW'], encryptions: ['A256GCM'] }), hxjwt.MalformedError);
  // Flattened: one recipient and general false; no aad.
  const flat = JSON.parse(jwe.encryptJson('flat', [[shared, 'A128KW']], { enc: 'A128CBC-HS256', general: false }));
  assert.equal(flat.recipients, undefined);
  assert.equal(typeof flat.encrypted_key, 'string');
  const d = jwe.decryptJson(flat, shared, { algorithms: ['A128KW'], encryptions: ['A128CBC-HS256'] });
  assert.equal(d.text(), 'flat');
  assert.equal(d.aad, null);
  // The flattened form has exactly one recipient: the library's InvalidArgument.
  assert.throws(
    () => jwe.encryptJson('x', [[shared, 'A128KW'], [alice.toPublic(), 'ECDH-ES+A128KW']], { enc: 'A128GCM', general: false }),
    hxjwt.InvalidArgumentError,
  );
  // No recipient, a bad recipient shape.
  assert.throws(() => jwe.encryptJson('x', [], { enc: 'A128GCM' }), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.encryptJson('x', [[shared]], { enc: 'A128GCM' }), TypeError);
  assert.throws(() => jwe.encryptJson('x', [{ key: JSON.parse(shared.toPrivateJwk()), alg: 'A128KW' }], { enc: 'A128GCM' }), TypeError);
  assert.throws(() => jwe.encryptJson('x', 'nope', { enc: 'A128GCM' }), TypeError);
  for (const k of [alice, bob, shared]) k.close();
});

test('ECDH-1PU: compact and JSON, over X25519 and P-256; the wrong sender refused', () => {
  for (const curve of ['X25519', 'P-256']) {
    const recipient = jwe.Key.generate(curve);
    const sender = jwe.Key.generate(curve);
    const other = jwe.Key.generate(curve);
    for (const [alg, enc] of [['ECDH-1PU', 'A256GCM'], ['ECDH-1PU+A128KW', 'A128CBC-HS256'], ['ECDH-1PU+A256KW', 'A256CBC-HS512']]) {
      const token = jwe.encrypt('authenticated', recipient.toPublic(), { alg, enc, senderKey: sender });
      const h = jwe.decodeHeader(token);
      assert.equal(h.skid, sender.kid);
      const options = { algorithms: [alg], encryptions: [enc] };
      const d = jwe.decrypt(token, recipient, { ...options, senderKey: [other.toPublic(), sender.toPublic()] });
      assert.equal(d.text(), 'authenticated');
      assert.equal(d.alg, alg);
      // Without the sender's key: not decryptable as plain ECDH-ES; with another's: refused.
      assert.throws(() => jwe.decrypt(token, recipient, options), hxjwt.HxJwtError);
      assert.throws(() => jwe.decrypt(token, recipient, { ...options, senderKey: other.toPublic() }), hxjwt.KeyNotFoundError);
      const impostor = other.toPublic().withKid(sender.kid);
      assert.throws(() => jwe.decrypt(token, recipient, { ...options, senderKey: impostor }), hxjwt.DecryptionFailedError);
      impostor.close();
    }
    // The key-wrapped forms need a CBC-HS enc; a public sender key is refused.
    assert.throws(() => jwe.encrypt('x', recipient.toPublic(), { alg: 'ECDH-1PU+A128KW', enc: 'A128GCM', senderKey: sender }), hxjwt.HxJwtError);
    assert.throws(() => jwe.encrypt('x', recipient.toPublic(), { alg: 'ECDH-1PU', enc: 'A128GCM', senderKey: sender.toPublic() }), hxjwt.InvalidKeyError);
    // JSON serialization with a 1PU recipient.
    const json = jwe.encryptJson('json 1pu', [[recipient.toPublic(), 'ECDH-1PU+A256KW']], { enc: 'A256CBC-HS512', senderKey: sender, aad: 'hdr' });
    const d = jwe.decryptJson(json, recipient, { algorithms: ['ECDH-1PU+A256KW'], encryptions: ['A256CBC-HS512'], senderKey: sender.toPublic() });
    assert.equal(d.text(), 'json 1pu');
    assert.equal(d.aad.toString(), 'hdr');
    for (const k of [recipient, sender, other]) k.close();
  }
  // Sender and recipient on different curves.
  const x = jwe.Key.generate('X25519');
  const p = jwe.Key.generate('P-256');
  assert.throws(() => jwe.encrypt('x', x.toPublic(), { alg: 'ECDH-1PU', enc: 'A128GCM', senderKey: p }), hxjwt.InvalidKeyError);
  x.close();
  p.close();
});

test('nested JWT: signed (ES256, HS256) then encrypted; verified on the way out', () => {
  const recipient = jwe.Key.generate('P-256');
  const es = Key.generate('ES256');
  const hs = Key.generate('HS256');
  const claims = { sub: 'user-7', aud: 'api', exp: 4_000_000_000, n: 1 };
  for (const [signing, verifying, algorithm] of [[es, es.toPublic(), 'ES256'], [hs, hs, 'HS256']]) {
    const token = jwe.encryptNested(claims, signing, recipient.toPublic(), { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    const h = jwe.decodeHeader(token);
    assert.equal(h.cty, 'JWT');
    const options = {
      validation: { algorithms: [algorithm], audience: 'api' },
      decryption: { algorithms: ['ECDH-ES+A256KW'], encryptions: ['A256GCM'] },
    };
    assert.deepEqual(jwe.decryptNested(token, recipient, verifying, options), claims);
    assert.equal(jwe.decryptNestedRaw(token, [recipient], verifying, options), JSON.stringify(claims));
    // Reusable Validation and DecryptOptions, and a KeySet.
    const v = new Validation({ algorithms: [algorithm], audience: 'api' });
    const o = new jwe.DecryptOptions({ algorithms: ['ECDH-ES+A256KW'], encryptions: ['A256GCM'], typ: null });
    assert.equal(jwe.decryptNested(token, recipient, new KeySet([verifying]), { validation: v, decryption: o }).sub, 'user-7');
    // The inner token's checks: the wrong audience, the wrong algorithm, another key.
    assert.throws(() => jwe.decryptNested(token, recipient, verifying, { ...options, validation: { algorithms: [algorithm], audience: 'other' } }), hxjwt.WrongAudienceError);
    assert.throws(() => jwe.decryptNested(token, recipient, verifying, { ...options, validation: { algorithms: ['ES384'] } }), hxjwt.HxJwtError);
    const otherKey = algorithm === 'ES256' ? Key.generate('ES256').toPublic() : Key.generate('HS256');
    assert.throws(() => jwe.decryptNested(token, recipient, otherKey, options), hxjwt.InvalidSignatureError);
    // A tampered inner signature, encrypted properly: refused.
    const jws = sign(claims, signing, { algorithm });
    const last = jws.length - 3;
    const tampered = jws.slice(0, last) + (jws[last] === 'A' ? 'B' : 'A') + jws.slice(last + 1);
    const wrapped = jwe.encrypt(tampered, recipient.toPublic(), { alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' });
    assert.throws(() => jwe.decryptNested(wrapped, recipient, verifying, options), hxjwt.InvalidSignatureError);
    // The genuine JWS encrypted with cty JWT is a nested token; without cty it is refused.
    const good = jwe.encrypt(jws, recipient.toPublic(), { alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' });
    assert.equal(jwe.decryptNested(good, recipient, verifying, options).n, 1);
    const noCty = jwe.encrypt(jws, recipient.toPublic(), { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
    const err = caught(() => jwe.decryptNested(noCty, recipient, verifying, options));
    assert.ok(err instanceof hxjwt.InvalidClaimError, err.message);
    assert.equal(err.claim, 'cty');
    // Options required; the JWE allow-lists as for decrypt.
    assert.throws(() => jwe.decryptNested(token, recipient, verifying, { validation: options.validation }), TypeError);
    assert.throws(() => jwe.decryptNested(token, recipient, verifying, { decryption: options.decryption }), TypeError);
    assert.throws(() => jwe.decryptNested(token, recipient, verifying, { ...options, decryption: { algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] } }), hxjwt.UnsupportedAlgorithmError);
    v.close();
    o.close();
  }
  // The JWS algorithm defaults to the signing key's own; a key with none needs it.
  const fromSecret = Key.fromSecret(crypto.randomBytes(32));
  assert.throws(() => jwe.encryptNested(claims, fromSecret, recipient.toPublic(), { alg: 'ECDH-ES', enc: 'A128GCM' }), TypeError);
  const t = jwe.encryptNested(JSON.stringify(claims), fromSecret, recipient.toPublic(), { alg: 'ECDH-ES', enc: 'A128GCM', algorithm: 'HS256' });
  assert.equal(jwe.decryptNested(t, recipient, fromSecret, {
    validation: { algorithms: ['HS256'], audience: 'api' },
    decryption: { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] },
  }).sub, 'user-7');
  assert.throws(() => jwe.encryptNested(claims, recipient, recipient.toPublic(), { alg: 'ECDH-ES', enc: 'A128GCM' }), TypeError);
  assert.throws(() => jwe.encryptNested(claims, es, es, { alg: 'ECDH-ES', enc: 'A128GCM' }), TypeError);
  for (const k of [recipient, es, hs, fromSecret]) k.close();
});

test('Decrypted: frozen, a new header object on each access, text and json', () => {
  const k = jwe.Key.generate('oct-16');
  const d = jwe.decrypt(jwe.encrypt([1, 'two'], k, { alg: 'A128KW', enc: 'A128GCM' }), k, { algorithms: ['A128KW'], encryptions: ['A128GCM'] });
  assert.ok(Object.isFrozen(d));
  assert.ok(d instanceof hxjwt.JweDecrypted);
  assert.deepEqual(d.json(), [1, 'two']);
  const h = d.header;
  h.alg = 'changed';
  assert.equal(d.header.alg, 'A128KW');
  const bin = jwe.decrypt(jwe.encrypt(Buffer.from([0xff, 0]), k, { alg: 'A128KW', enc: 'A128GCM' }), k, { algorithms: ['A128KW'], encryptions: ['A128GCM'] });
  assert.throws(() => bin.text(), TypeError);
  const empty = jwe.decrypt(jwe.encrypt('', k, { alg: 'A128KW', enc: 'A128GCM' }), k, { algorithms: ['A128KW'], encryptions: ['A128GCM'] });
  assert.equal(empty.plaintext.length, 0);
  assert.throws(() => new hxjwt.JweDecrypted('{}', Buffer.alloc(0), null), TypeError);
  k.close();
});

test('handles: closed keys and options refuse use; aliases; no direct construction', () => {
  assert.equal(hxjwt.JweKey, jwe.Key);
  assert.equal(hxjwt.JweDecryptOptions, jwe.DecryptOptions);
  assert.throws(() => new jwe.Key(), TypeError);
  const k = jwe.Key.generate('X25519');
  const pub = k.toPublic();
  k.close();
  k.close(); // idempotent
  assert.equal(k.closed, true);
  for (const use of [() => k.kid, () => k.toPublic(), () => jwe.decrypt('a.b.c.d.e', k, { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] })]) {
    const err = caught(use);
    assert.ok(err instanceof TypeError && err.code === 'ERR_INVALID_STATE', String(err));
  }
  // A public key cannot decrypt: the library's InvalidKey (or KeyNotFound).
  const token = jwe.encrypt('x', pub, { alg: 'ECDH-ES', enc: 'A128GCM' });
  assert.throws(() => jwe.decrypt(token, pub, { algorithms: ['ECDH-ES'], encryptions: ['A128GCM'] }), hxjwt.HxJwtError);
  if (typeof Symbol.dispose === 'symbol') {
    pub[Symbol.dispose]();
    assert.equal(pub.closed, true);
  } else {
    pub.close();
  }
});

test('key accessors: kty, curve, algorithm and thumbprint on every key kind; a key and its public half agree', () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const cases = [
    [jwe.Key.generate('X25519'), 'OKP', 'X25519'],
    [jwe.Key.generate('P-256'), 'EC', 'P-256'],
    [jwe.Key.generate('P-384'), 'EC', 'P-384'],
    [jwe.Key.generate('P-521'), 'EC', 'P-521'],
    [jwe.Key.generate('RSA'), 'RSA', null],
    [jwe.Key.fromPem(rsaPem), 'RSA', null],
  ];
  for (const [priv, kty, curve] of cases) {
    const pub = priv.toPublic();
    for (const k of [priv, pub]) {
      assert.equal(k.kty, kty);
      assert.equal(k.curve, curve);
      assert.equal(k.algorithm, null); // generated and PEM keys serve every algorithm of their kind
    }
    const tp = priv.thumbprint();
    assert.match(tp, /^[\w-]{43}$/); // base64url SHA-256
    assert.equal(pub.thumbprint(), tp);
    // RFC 7638 over the public JWK's required members, computed here.
    const jwk = JSON.parse(pub.toPublicJwk());
    const members = { EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'], RSA: ['e', 'kty', 'n'] }[kty];
    const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
    assert.equal(tp, crypto.createHash('sha256').update(canonical).digest('base64url'));
    // A key read back from its JWK (private or public) has the same thumbprint.
    const again = jwe.Key.fromJwk(priv.toPrivateJwk());
    assert.equal(again.thumbprint(), tp);
    if (priv.kid !== null && kty !== 'RSA') assert.equal(priv.kid, tp); // generated: kid = thumbprint
    for (const k of [priv, pub, again]) k.close();
  }
  // Secrets and passwords: oct, no curve; the thumbprint is over `k`.
  const secret = jwe.Key.fromSecret(Buffer.alloc(32, 9));
  const password = jwe.Key.fromPassword('correct horse battery staple');
  const generated = jwe.Key.generate('oct-16');
  for (const k of [secret, password, generated]) {
    assert.equal(k.kty, 'oct');
    assert.equal(k.curve, null);
    assert.equal(k.algorithm, null);
    assert.match(k.thumbprint(), /^[\w-]{43}$/);
  }
  const k = Buffer.alloc(32, 9).toString('base64url');
  assert.equal(secret.thumbprint(), crypto.createHash('sha256').update(`{"k":"${k}","kty":"oct"}`).digest('base64url'));
  assert.equal(generated.kid, generated.thumbprint());
  // A JWK's alg restricts the key, and is kept by its public half and by withKid.
  const restricted = jwe.Key.fromJwk({ ...JSON.parse(jwe.Key.generate('P-256').toPrivateJwk()), alg: 'ECDH-ES+A256KW' });
  assert.equal(restricted.algorithm, 'ECDH-ES+A256KW');
  assert.equal(restricted.toPublic().algorithm, 'ECDH-ES+A256KW');
  assert.equal(restricted.withKid('k').algorithm, 'ECDH-ES+A256KW');
  assert.equal(restricted.withKid('k').thumbprint(), restricted.thumbprint()); // the kid is not hashed
  const kw = jwe.Key.fromJwk({ kty: 'oct', k, alg: 'A256KW' });
  assert.equal(kw.algorithm, 'A256KW');
  assert.equal(kw.thumbprint(), secret.thumbprint()); // alg is not hashed either
  // Static and borrowed strings: the same on every read; closed keys refuse.
  for (const h of [secret, password, generated, restricted, kw]) h.close();
  for (const use of [() => secret.kty, () => secret.curve, () => secret.algorithm, () => secret.thumbprint()]) {
    assert.throws(use, { code: 'ERR_INVALID_STATE' });
  }
});

test('the decrypt defaults are named constants equal to the header\'s, and are the defaults', () => {
  const header = fs.readFileSync(path.join(VECTORS_DIR, '..', '..', 'include', 'hxjwt.h'), 'utf8');
  const define = (name) => {
    const m = new RegExp(`^#define ${name} (\\d+)$`, 'm').exec(header);
    assert.ok(m, name);
    return Number(m[1]);
  };
  assert.equal(jwe.DEFAULT_MAX_TOKEN_LENGTH, define('HX_JWE_DEFAULT_MAX_TOKEN_LENGTH'));
  assert.equal(jwe.DEFAULT_MAX_P2C, define('HX_JWE_DEFAULT_MAX_P2C'));
  assert.equal(jwe.DEFAULT_MAX_INFLATED_LENGTH, define('HX_JWE_DEFAULT_MAX_INFLATED_LENGTH'));
  assert.ok(Object.isFrozen(jwe));
  // The library's defaults are these: a p2c one above the maximum is refused before any PBKDF2
  // work (Malformed), and so is a token one byte over the default length.
  const pw = jwe.Key.fromPassword('pw');
  const options = { algorithms: ['PBES2-HS256+A128KW'], encryptions: ['A128GCM'] };
  const protectedHeader = Buffer.from(JSON.stringify({
    alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2s: 'AAAAAAAAAAAAAAAAAAAAAA', p2c: jwe.DEFAULT_MAX_P2C + 1,
  })).toString('base64url');
  const above = `${protectedHeader}.${'A'.repeat(32)}.${'A'.repeat(16)}.AA.${'A'.repeat(22)}`;
  assert.throws(() => jwe.decrypt(above, pw, options), hxjwt.MalformedError);
  pw.close();
  const k = jwe.Key.generate('X25519');
  const long = `${'A'.repeat(jwe.DEFAULT_MAX_TOKEN_LENGTH - 7)}.a.b.c.d`;
  assert.equal(long.length, jwe.DEFAULT_MAX_TOKEN_LENGTH + 1);
  assert.throws(() => jwe.decrypt(long, k, { algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] }), hxjwt.MalformedError);
  k.close();
});

test('the library\'s rules: decodeHeader reads only a JWE, sender keys only ECDH-1PU, bounded keys and headers', () => {
  // A JWS, or a header without enc, is not a JWE header.
  const signing = Key.generate('ES256');
  const jws = sign({ exp: 4e9 }, signing);
  assert.throws(() => jwe.decodeHeader(jws), hxjwt.MalformedError);
  const noEnc = `${Buffer.from('{"alg":"dir"}').toString('base64url')}..a.b.c`;
  assert.throws(() => jwe.decodeHeader(noEnc), hxjwt.MalformedError);
  signing.close();
  // Sender keys given: a token that is not ECDH-1PU is refused, even when the options name it.
  const recipient = jwe.Key.generate('X25519');
  const sender = jwe.Key.generate('X25519');
  const plain = jwe.encrypt('x', recipient.toPublic(), { alg: 'ECDH-ES', enc: 'A256GCM' });
  const both = { algorithms: ['ECDH-ES', 'ECDH-1PU'], encryptions: ['A256GCM'], senderKey: sender.toPublic() };
  assert.throws(() => jwe.decrypt(plain, recipient, both), hxjwt.UnsupportedAlgorithmError);
  const plainJson = jwe.encryptJson('x', [[recipient.toPublic(), 'ECDH-ES+A128KW']], { enc: 'A256GCM' });
  assert.throws(
    () => jwe.decryptJson(plainJson, recipient, { ...both, algorithms: ['ECDH-ES+A128KW', 'ECDH-1PU+A128KW'] }),
    hxjwt.UnsupportedAlgorithmError,
  );
  // A protected header over 8 KiB (a huge kid) is refused when encrypting.
  assert.throws(
    () => jwe.encrypt('x', recipient.toPublic(), { alg: 'ECDH-ES', enc: 'A256GCM', kid: 'k'.repeat(9000) }),
    hxjwt.InvalidArgumentError,
  );
  assert.throws(
    () => jwe.encryptJson('x', [[recipient.toPublic(), 'ECDH-ES']], { enc: 'A256GCM', header: { big: 'x'.repeat(9000) } }),
    hxjwt.InvalidArgumentError,
  );
  // A JWK over 64 KiB, a secret or a password over 4 KiB: InvalidKey.
  const jwk = { ...JSON.parse(recipient.toPublicJwk()), pad: 'p'.repeat(65 * 1024) };
  assert.throws(() => jwe.Key.fromJwk(jwk), hxjwt.InvalidKeyError);
  assert.throws(() => jwe.Key.fromSecret(Buffer.alloc(4097, 1)), hxjwt.InvalidKeyError);
  assert.throws(() => jwe.Key.fromPassword('p'.repeat(4097)), hxjwt.InvalidKeyError);
  for (const k of [recipient, sender]) k.close();
});
