'use strict';
// Issue 17 item 3 ("Keys") through the Node face: a JWK Set mixing HMAC secrets with asymmetric
// keys is refused unless KeySet.fromJwks(json, {allowMixed: true}); two different keys with one
// kid are refused naming the kid; every skipped key is listed by keySet.skipped with its index,
// kid and reason. Also item 2 at configuration time: an empty audience or issuer is refused.

const test = require('node:test');
const assert = require('node:assert/strict');
const hxjwt = require('..');
const { caught } = require('./helpers');

const { Key, KeySet, Validation, sign, verify } = hxjwt;

const ED = (kid) => ({ kty: 'OKP', crv: 'Ed25519', kid, x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
const HS = (kid) => ({ kty: 'oct', kid, k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' });
const MIXED = { keys: [ED('ed'), HS('hs')] };

test('a JWK Set mixing HMAC secrets and asymmetric keys is refused unless allowMixed', () => {
  for (const refuse of [() => KeySet.fromJwks(MIXED), () => KeySet.fromJwks(JSON.stringify(MIXED), { allowMixed: false }), () => KeySet.fromJwks(MIXED, {})]) {
    const err = caught(refuse);
    assert.ok(err instanceof hxjwt.InvalidKeyError, err.message);
    assert.equal(err.kind, 'InvalidKey');
    assert.match(err.message, /keys\[1\] is an HMAC secret and keys\[0\] an asymmetric key/);
  }
  const set = KeySet.fromJwks(MIXED, { allowMixed: true });
  assert.equal(set.size, 2);
  assert.deepEqual(set.skipped, []);
  const secret = Key.fromJwk(HS('hs'));
  const token = sign({ sub: 'a', exp: 4e9 }, secret, { algorithm: 'HS256', header: { kid: 'hs' } });
  assert.equal(verify(token, set, { algorithms: ['HS256'] }).sub, 'a');
  // Only secrets, or only public keys: no option needed.
  KeySet.fromJwks({ keys: [HS('a')] }).close();
  KeySet.fromJwks({ keys: [ED('a')] }).close();
  // The option is a boolean.
  assert.throws(() => KeySet.fromJwks(MIXED, { allowMixed: 1 }), TypeError);
  assert.throws(() => KeySet.fromJwks(MIXED, 'allowMixed'), TypeError);
  for (const h of [set, secret]) h.close();
});

test('two different keys with one kid are refused, naming the kid; the same key twice is kept', () => {
  const a = Key.generate('EdDSA').withKid('dup');
  const b = Key.generate('EdDSA').withKid('dup');
  const jwkA = JSON.parse(a.toPublicJwk());
  const jwkB = JSON.parse(b.toPublicJwk());
  for (const options of [undefined, { allowMixed: true }]) {
    const err = caught(() => KeySet.fromJwks({ keys: [jwkA, { kty: 'EC', crv: 'P-256K' }, jwkB] }, options));
    assert.ok(err instanceof hxjwt.InvalidKeyError, err.message);
    assert.match(err.message, /keys\[0\] and keys\[2\] are different keys with the same kid "dup"/);
  }
  const twice = KeySet.fromJwks({ keys: [jwkA, jwkA] });
  assert.equal(twice.size, 2);
  for (const h of [a, b, twice]) h.close();
});

test('every skipped key is listed with its index, kid and reason', () => {
  const set = KeySet.fromJwks({
    keys: [
      { kty: 'OKP', crv: 'X25519', kid: 'hx1', x: 'EU3wvSVXI4c0ZRTExhpx9aNxd9c0q7FRXnnxJtuCSEs' },
      ED('ed'),
      { kty: 'RSA', use: 'enc', kid: 'e1', n: 'AQAB', e: 'AQAB' },
      { kty: 'PQC' },
      { kty: 'oct', kid: 'a\u0000b', alg: 'A128KW', k: 'AAAA' },
    ],
  });
  assert.equal(set.size, 1);
  const skipped = set.skipped;
  assert.ok(Object.isFrozen(skipped) && Object.isFrozen(skipped[0]));
  assert.deepEqual(skipped.map((s) => [s.index, s.kid]), [[0, 'hx1'], [2, 'e1'], [3, null], [4, 'a\\0b']]);
  assert.match(skipped[0].reason, /X25519/);
  assert.match(skipped[1].reason, /its use is "enc"/);
  assert.match(skipped[2].reason, /kty "PQC"/);
  assert.match(skipped[3].reason, /A128KW/);
  // Adding a key by hand keeps the list; a set built by hand lists nothing.
  const extra = Key.generate('ES256');
  set.add(extra);
  assert.equal(set.skipped.length, 4);
  const byHand = new KeySet([extra]);
  assert.deepEqual(byHand.skipped, []);
  // A remote set does not list skipped keys: it says so instead of answering [].
  const remote = KeySet.fromUrl('https://issuer.example/jwks.json');
  const err = caught(() => remote.skipped);
  assert.ok(err instanceof hxjwt.InvalidArgumentError, err.message);
  assert.match(err.message, /remote key set/);
  // A closed set throws.
  set.close();
  assert.throws(() => set.skipped, TypeError);
  for (const h of [extra, byHand, remote]) h.close();
});

test('an empty audience or issuer is refused when the validation is made', () => {
  for (const [options, word] of [[{ audience: '' }, 'audience'], [{ audience: ['api', ''] }, 'audience'], [{ issuer: '' }, 'issuer']]) {
    const err = caught(() => new Validation({ algorithms: ['HS256'], ...options }));
    assert.ok(err instanceof hxjwt.InvalidArgumentError, err.message);
    assert.match(err.message, new RegExp(`never a valid ${word}`));
  }
});
