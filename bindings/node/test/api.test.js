'use strict';
// The public API: round trips in both HX1 modes and in the ECDH-1PU mode, the endpoint's options, messages, keys of every
// algorithm and format, key sets, validations, errors (classes, kinds, codes, claims), handles
// (close, use after close), and the mapping of every C status to a kind.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const hxjwt = require('..');
const { VECTORS_DIR, caught } = require('./helpers');

const { Identity, Directory, Endpoint, Key, KeySet, Validation, sign, verify, verifyRaw, decodeHeader } = hxjwt;

const NOW = 1_767_225_600; // 2026-01-01

function pair() {
  const alice = Identity.generate('alice.service');
  const bob = Identity.generate('bob.service');
  const directory = new Directory([alice.machineToken, bob.machineToken]);
  return { alice, bob, directory };
}

test('HX1 round trip through a directory: object, string and bytes payloads', () => {
  const { alice, bob, directory } = pair();
  const a = new Endpoint(alice, { directory });
  const b = new Endpoint(bob, { directory });
  const m = b.validate(a.create({ order: 42 }, { to: 'bob.service' }));
  assert.deepEqual(m.json(), { order: 42 });
  assert.equal(m.issuer, 'alice.service');
  assert.equal(m.audience, 'bob.service');
  assert.equal(m.expiresAt - m.issuedAt, 300); // the default ttl
  assert.equal(m.notBefore, null);
  assert.equal(m.jti, null);
  assert.equal(m.contentType, null);
  assert.ok(Object.isFrozen(m));
  assert.equal(b.validate(a.create('héllo €', { to: 'bob.service' })).text(), 'héllo €');
  const bytes = Buffer.from([0, 1, 2, 0, 255]);
  assert.deepEqual(b.validate(a.create(bytes, { to: 'bob.service' })).payload, bytes);
  assert.deepEqual(b.validate(a.create(new Uint8Array(0), { to: 'bob.service' })).payload, Buffer.alloc(0));
  assert.deepEqual(b.validate(a.create([1, 'two'], { to: 'bob.service' })).json(), [1, 'two']);
  // Binary payloads are no text.
  assert.throws(() => b.validate(a.create(Buffer.from([0xff]), { to: 'bob.service' })).text(), TypeError);
  assert.throws(() => b.validate(a.create('not json', { to: 'bob.service' })).json(), SyntaxError);
  // Tokens for the other way round are refused: the key is directional and aud is checked.
  assert.throws(() => a.validate(a.create('x', { to: 'bob.service' })), hxjwt.WrongAudienceError);
  for (const h of [a, b, alice, bob, directory]) h.close();
});

test('HX1 round trip with machine tokens (no directory), with every create option', () => {
  const { alice, bob } = pair();
  const a = new Endpoint(alice, { now: NOW });
  const b = new Endpoint(bob, { now: NOW + 10 });
  const token = a.create('hi', {
    recipientToken: bob.machineToken,
    ttl: 60,
    jti: 'id-1',
    notBefore: NOW + 5,
    contentType: 'text/plain',
  });
  const m = b.validate(token, { sender: JSON.parse(alice.machineToken) });
  assert.equal(m.text(), 'hi');
  assert.deepEqual([m.issuedAt, m.expiresAt, m.notBefore, m.jti, m.contentType], [NOW, NOW + 60, NOW + 5, 'id-1', 'text/plain']);
  // Another sender's token given: IssuerMismatch.
  const carol = Identity.generate('carol.service');
  assert.throws(() => b.validate(token, { sender: carol.machineToken }), hxjwt.IssuerMismatchError);
  // Without a directory, a name cannot be resolved: the library's InvalidArgument.
  const err = caught(() => a.create('x', { to: 'bob.service' }));
  assert.ok(err instanceof hxjwt.InvalidArgumentError, err.message);
  assert.equal(err.code, 1);
  // Exactly one of to and recipientToken: the library's to check.
  assert.throws(() => a.create('x', {}), hxjwt.InvalidArgumentError);
  assert.throws(() => a.create('x'), hxjwt.InvalidArgumentError);
  assert.throws(() => a.create('x', { to: 'bob.service', recipientToken: bob.machineToken }), hxjwt.InvalidArgumentError);
  // Before nbf and after exp.
  b.setTime(NOW);
  assert.throws(() => b.validate(token, { sender: alice.machineToken }), hxjwt.NotYetValidError);
  b.setTime(NOW + 60);
  assert.throws(() => b.validate(token, { sender: alice.machineToken }), hxjwt.ExpiredError);
  b.useSystemClock();
  assert.throws(() => b.validate(token, { sender: alice.machineToken }), hxjwt.ExpiredError);
  for (const h of [a, b, alice, bob, carol]) h.close();
});

test('ECDH-1PU mode: a standard compact JWE, validated as HX1 tokens are; the message says its protocol', () => {
  const { alice, bob, directory } = pair();
  const a = new Endpoint(alice, { directory, now: NOW });
  const b = new Endpoint(bob, { directory, now: NOW + 10 });
  const payload = Buffer.from('1pu \0 é');
  const token = a.create(payload, {
    to: 'bob.service',
    protocol: 'ECDH-1PU',
    ttl: 60,
    jti: 'id-1pu',
    notBefore: NOW + 5,
    contentType: 'application/octet-stream',
  });
  assert.match(token, /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/); // five segments
  const m = b.validate(token);
  assert.equal(m.protocol, 'ECDH-1PU');
  assert.deepEqual(m.payload, payload);
  assert.deepEqual(
    [m.issuer, m.audience, m.issuedAt, m.expiresAt, m.notBefore, m.jti, m.contentType],
    ['alice.service', 'bob.service', NOW, NOW + 60, NOW + 5, 'id-1pu', 'application/octet-stream'],
  );
  assert.equal(m.expiresAt - m.issuedAt, 60);
  assert.ok(Object.isFrozen(m));
  // Its header is a standard JWE's: ECDH-1PU, A256GCM, the sender's key id in skid.
  const h = hxjwt.jwe.decodeHeader(token);
  assert.deepEqual([h.alg, h.enc, h.kid, h.skid], ['ECDH-1PU', 'A256GCM', 'bob.service', 'alice.service']);
  // Any ECDH-1PU stack reads it with the two machine tokens: here the JWE API.
  const bobKey = hxjwt.jwe.Key.fromJwk(bob.toJwk());
  const aliceKey = hxjwt.jwe.Key.fromJwk(alice.machineToken);
  const d = hxjwt.jwe.decrypt(token, bobKey, { algorithms: ['ECDH-1PU'], encryptions: ['A256GCM'], senderKey: aliceKey });
  assert.deepEqual(d.plaintext, payload);
  bobKey.close();
  aliceKey.close();
  // Defaults: no option, an object payload, a machine token for the recipient, the sender given.
  const plain = a.create({ n: 1 }, { recipientToken: bob.machineToken, protocol: 'ECDH-1PU' });
  assert.equal(plain.split('.').length, 5);
  const pm = b.validate(plain, { sender: alice.machineToken });
  assert.deepEqual([pm.protocol, pm.expiresAt - pm.issuedAt, pm.notBefore, pm.jti, pm.contentType], ['ECDH-1PU', 300, null, null, null]);
  assert.deepEqual(pm.json(), { n: 1 });
  // The default mode, and "HX1" or null named, is HX1: three segments, protocol "HX1".
  for (const protocol of [undefined, null, 'HX1']) {
    const t = a.create('x', { to: 'bob.service', protocol, jti: 'j' });
    assert.equal(t.split('.').length, 3);
    assert.equal(b.validate(t).protocol, 'HX1');
  }
  assert.deepEqual(hxjwt.PROTOCOLS, ['HX1', 'ECDH-1PU']);
  assert.ok(Object.isFrozen(hxjwt.PROTOCOLS));
  // Validation is the same: times, the sender, tampering, replay.
  b.setTime(NOW);
  assert.throws(() => b.validate(token), hxjwt.NotYetValidError);
  b.setTime(NOW + 60);
  assert.throws(() => b.validate(token), hxjwt.ExpiredError);
  b.setTime(NOW + 10);
  const carol = Identity.generate('carol.service');
  assert.throws(() => b.validate(token, { sender: carol.machineToken }), hxjwt.IssuerMismatchError);
  const parts = token.split('.');
  parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
  assert.throws(() => b.validate(parts.join('.')), hxjwt.HxJwtError);
  assert.throws(() => a.validate(token), hxjwt.HxJwtError); // not addressed to alice
  const once = new Endpoint(bob, { directory, now: NOW + 10, replayProtection: true });
  once.validate(token);
  assert.throws(() => once.validate(token), hxjwt.ReplayedError);
  for (const h2 of [a, b, once, alice, bob, carol, directory]) h2.close();
});

test('ECDH-1PU mode: argument errors as for create', () => {
  const { alice, bob, directory } = pair();
  const a = new Endpoint(alice, { directory });
  const alone = new Endpoint(alice);
  const onePu = (options) => a.create('x', { protocol: 'ECDH-1PU', ...options });
  // The library's: exactly one of to and recipientToken, ttl >= 1, jti <= 128 bytes, names known.
  assert.throws(() => onePu({}), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ to: 'bob.service', recipientToken: bob.machineToken }), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ to: 'bob.service', ttl: 0 }), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ to: 'bob.service', jti: 'j'.repeat(129) }), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ to: 'nobody' }), hxjwt.UnknownIssuerError);
  assert.throws(() => alone.create('x', { to: 'bob.service', protocol: 'ECDH-1PU' }), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ recipientToken: alice.toJwk() }), hxjwt.InvalidKeyError); // a private JWK
  assert.throws(() => onePu({ recipientToken: '{"kty":"EC"}' }), hxjwt.HxJwtError);
  // Ours, before the library: types and ranges, strings C cannot carry.
  assert.throws(() => onePu({ to: 'bob.service', ttl: -1 }), RangeError);
  assert.throws(() => onePu({ to: 'bob.service', notBefore: 2n ** 63n }), RangeError);
  assert.throws(() => onePu({ to: 42 }), TypeError);
  assert.throws(() => onePu({ to: 'bob.service', jti: 'a\0b' }), hxjwt.InvalidArgumentError);
  assert.throws(() => onePu({ to: 'bob.service', contentType: '\ud800' }), hxjwt.InvalidArgumentError);
  assert.throws(() => a.create(42, { to: 'bob.service', protocol: 'ECDH-1PU' }), TypeError);
  // The protocol itself: one of two names, exactly.
  for (const protocol of ['hx1', 'ecdh-1pu', 'ECDH-1PU ', '', 'ECDH-ES', 'ECDH-1PU\0']) {
    assert.throws(() => a.create('x', { to: 'bob.service', protocol }), RangeError, JSON.stringify(protocol));
  }
  for (const protocol of [1, true, {}, ['ECDH-1PU'], Object('HX1'), Symbol('HX1')]) {
    assert.throws(() => a.create('x', { to: 'bob.service', protocol }), TypeError);
  }
  a.close();
  assert.throws(() => a.create('x', { to: 'bob.service', protocol: 'ECDH-1PU' }), { code: 'ERR_INVALID_STATE' });
  for (const h of [alone, alice, bob, directory]) h.close();
});

test('endpoint options: leeway, maxLifetime, audiences, replayProtection, maxTokenLength', () => {
  const { alice, bob, directory } = pair();
  const a = new Endpoint(alice, { directory, now: NOW });
  const token = a.create('x', { to: 'bob.service', ttl: 100 });
  const strict = new Endpoint(bob, { directory, now: NOW + 100 });
  assert.throws(() => strict.validate(token), hxjwt.ExpiredError);
  const lenient = new Endpoint(bob, { directory, now: NOW + 100, leeway: 1 });
  assert.equal(lenient.validate(token).text(), 'x');
  const short = new Endpoint(bob, { directory, now: NOW, maxLifetime: 99 });
  assert.throws(() => short.validate(token), hxjwt.LifetimeTooLongError);
  const replay = new Endpoint(bob, { directory, now: NOW, replayProtection: true });
  replay.validate(token);
  const again = caught(() => replay.validate(token));
  assert.ok(again instanceof hxjwt.ReplayedError);
  assert.equal(again.code, 112);
  const small = new Endpoint(bob, { directory, now: NOW, maxTokenLength: 10 });
  assert.throws(() => small.validate(token), hxjwt.MalformedError);
  // A token over the sender's limit (64 KiB by default, what receivers apply) is not made.
  const big = Buffer.alloc(60_000, 0x78);
  assert.throws(() => a.create(big, { to: 'bob.service' }), /max_token_len/);
  assert.throws(() => a.create(big, { to: 'bob.service' }), hxjwt.InvalidArgumentError);
  const roomyA = new Endpoint(alice, { directory, now: NOW, maxTokenLength: 1 << 18 });
  const roomyB = new Endpoint(bob, { directory, now: NOW, maxTokenLength: 1 << 18 });
  assert.deepEqual(roomyB.validate(roomyA.create(big, { to: 'bob.service' })).payload, big);
  roomyA.close();
  roomyB.close();
  // An alias: tokens to it are accepted by bob only when configured.
  const toAlias = a.create('y', { recipientToken: JSON.stringify({ ...JSON.parse(bob.machineToken), kid: 'billing' }) });
  assert.throws(() => strict.validate(toAlias), hxjwt.WrongAudienceError);
  const aliased = new Endpoint(bob, { directory, now: NOW, audiences: ['billing'] });
  assert.equal(aliased.validate(toAlias).audience, 'billing');
  const later = new Endpoint(bob, { directory, now: NOW });
  later.addAudience('billing');
  assert.equal(later.validate(toAlias).text(), 'y');
  assert.equal(later.name, 'bob.service');
  // Invalid settings are the library's to refuse.
  assert.throws(() => new Endpoint(bob, { maxTokenLength: 0 }), hxjwt.InvalidArgumentError);
  assert.throws(() => a.create('x', { to: 'bob.service', ttl: 0 }), hxjwt.InvalidArgumentError);
  for (const h of [a, strict, lenient, short, replay, small, aliased, later, alice, bob, directory]) h.close();
});

test('directories: add, size, toJwks, fromJwks, rotation; unknown names', () => {
  const { alice, bob } = pair();
  const d = new Directory();
  assert.equal(d.size, 0);
  d.add(alice.machineToken);
  d.add(JSON.parse(bob.machineToken));
  assert.equal(d.size, 2);
  const jwks = JSON.parse(d.toJwks());
  assert.deepEqual(jwks.keys.map((k) => k.kid), ['alice.service', 'bob.service']);
  const copy = Directory.fromJwks(d.toJwks());
  assert.equal(copy.size, 2);
  assert.equal(Directory.fromJwks(jwks).size, 2);
  // A private JWK is no machine token.
  assert.throws(() => d.add(alice.toJwk()), hxjwt.InvalidKeyError);
  assert.throws(() => Directory.fromJwks('{"nope":1}'), hxjwt.MalformedError);
  // Rotation: a second key for bob, then the first one retired.
  const bob2 = Identity.generate('bob.service');
  d.rotateIn(bob2.machineToken);
  assert.equal(d.size, 2);
  assert.equal(d.retire(bob.machineToken), true);
  assert.equal(d.retire(bob.machineToken), false);
  const a = new Endpoint(alice, { directory: d });
  assert.throws(() => a.create('x', { to: 'nobody' }), hxjwt.UnknownIssuerError);
  for (const h of [a, d, copy, alice, bob, bob2]) h.close();
});

test('endpoint key rotation: tokens sealed to the old key keep validating until cleared', () => {
  const { alice, bob, directory } = pair();
  const a = new Endpoint(alice, { directory });
  const b = new Endpoint(bob, { directory });
  const inFlight = a.create('old', { to: 'bob.service' });
  const bobNew = Identity.generate('bob.service');
  b.addPreviousIdentity(bobNew);
  assert.equal(b.previousIdentityCount, 1);
  directory.rotateIn(bobNew.machineToken);
  b.rotateIdentity(bobNew);
  assert.equal(b.validate(inFlight).text(), 'old');
  b.clearPreviousIdentities();
  assert.equal(b.previousIdentityCount, 0);
  assert.throws(() => b.validate(inFlight), hxjwt.InvalidSignatureError);
  for (const h of [a, b, alice, bob, bobNew, directory]) h.close();
});

test('callback directories: answers, unknown names, exceptions as the cause of ResolverFailed', () => {
  const { alice, bob } = pair();
  const asked = [];
  const tokens = { 'alice.service': alice.machineToken, 'bob.service': JSON.parse(bob.machineToken) };
  const d = Directory.fromCallback((name) => {
    asked.push(name);
    if (name === 'broken.service') throw new RangeError('no route to the key server');
    if (name === 'liar.service') return alice.machineToken; // the key of another name
    if (name === 'odd.service') return 42; // not a machine token at all
    return tokens[name];
  });
  const a = new Endpoint(alice, { directory: d });
  const b = new Endpoint(bob, { directory: d });
  d.close(); // the endpoints keep the directory, and its callback, alive
  assert.equal(b.validate(a.create('x', { to: 'bob.service' })).text(), 'x');
  assert.deepEqual(asked.sort(), ['alice.service', 'bob.service']);
  assert.throws(() => a.create('x', { to: 'nobody' }), hxjwt.UnknownIssuerError);
  const broken = caught(() => a.create('x', { to: 'broken.service' }));
  assert.ok(broken instanceof hxjwt.ResolverFailedError, broken.message);
  assert.ok(broken.cause instanceof RangeError);
  assert.throws(() => a.create('x', { to: 'liar.service' }), hxjwt.ResolverFailedError);
  const odd = caught(() => a.create('x', { to: 'odd.service' }));
  assert.ok(odd instanceof hxjwt.ResolverFailedError);
  assert.ok(odd.cause instanceof TypeError);
  // A failure without a callback exception has no cause left over from before.
  assert.equal(caught(() => a.create('x', { to: 'liar.service' })).cause, undefined);
  a.close();
  b.close();
  assert.throws(() => Directory.fromCallback('not a function'), TypeError);
  alice.close();
  bob.close();
});

test('remote directories and key sets: URLs checked by the library; a server that is down', () => {
  assert.throws(() => Directory.fromUrl('http://127.0.0.1:1/keys.json'), hxjwt.InvalidArgumentError);
  assert.throws(() => KeySet.fromUrl('ftp://example.com/jwks'), hxjwt.InvalidArgumentError);
  // Port 1 on loopback: refused at once; the lookup fails with ResolverFailed.
  const d = Directory.fromUrl('http://127.0.0.1:1/keys.json', { allowHttp: true, timeoutMs: 2000, connectTimeoutMs: 1000 });
  const bob = Identity.generate('bob.service');
  const b = new Endpoint(bob, { directory: d });
  assert.throws(() => b.create('x', { to: 'alice.service' }), hxjwt.ResolverFailedError);
  assert.throws(() => d.add(bob.machineToken), hxjwt.InvalidArgumentError); // read-only
  const ks = KeySet.fromUrl('http://127.0.0.1:1/jwks.json', { allowHttp: true, connectTimeoutMs: 1000 });
  const key = Key.generate('ES256');
  const token = sign({ exp: 4e9 }, key);
  assert.throws(() => verify(token, ks, { algorithms: ['ES256'] }), hxjwt.ResolverFailedError);
  assert.throws(() => Directory.fromUrl('https://x.example/', { timeoutMs: -1 }), RangeError);
  for (const h of [d, b, bob, ks, key]) h.close();
});

test('identities: JWK round trip, names, machine tokens; the library refuses bad names and keys', () => {
  const alice = Identity.generate('alice.service');
  const jwk = JSON.parse(alice.toJwk());
  assert.equal(jwk.kid, 'alice.service');
  assert.equal(typeof jwk.d, 'string');
  const again = Identity.fromJwk(jwk);
  assert.equal(again.machineToken, alice.machineToken);
  assert.equal(Identity.fromJwk(alice.toJwk()).name, 'alice.service');
  const token = JSON.parse(alice.machineToken);
  assert.equal(token.d, undefined);
  assert.deepEqual([token.kty, token.crv, token.use], ['OKP', 'X25519', 'enc']);
  assert.throws(() => Identity.generate(''), hxjwt.InvalidArgumentError);
  assert.throws(() => Identity.generate('a'.repeat(256)), hxjwt.InvalidArgumentError);
  assert.throws(() => Identity.generate('tab\there'), hxjwt.InvalidArgumentError);
  assert.throws(() => Identity.fromJwk(alice.machineToken), hxjwt.InvalidKeyError); // no d
  assert.throws(() => Identity.fromJwk('{'), hxjwt.InvalidKeyError);
  assert.equal(Identity.generate('ünïcødé ✓').name, 'ünïcødé ✓');
  assert.throws(() => new Identity(), TypeError);
  alice.close();
  again.close();
});

test('standard JWT: every algorithm signs and verifies with generated keys', () => {
  for (const alg of ['HS256', 'HS384', 'HS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256']) {
    const key = Key.generate(alg);
    assert.equal(key.algorithm, alg);
    assert.equal(key.isPrivate, true);
    assert.equal(key.kid, key.thumbprint());
    const token = sign({ sub: 'user-7', exp: 4_000_000_000 }, key);
    assert.equal(decodeHeader(token).alg, alg);
    const verifier = alg.startsWith('HS') ? key : key.toPublic();
    assert.deepEqual(verify(token, verifier, { algorithms: [alg] }), { sub: 'user-7', exp: 4_000_000_000 });
    if (!alg.startsWith('HS')) {
      assert.equal(verifier.isPrivate, false);
      assert.equal(verifier.thumbprint(), key.thumbprint());
      assert.deepEqual(verify(token, Key.fromJwk(key.toPublicJwk()), { algorithms: [alg] }).sub, 'user-7');
      assert.throws(() => sign({ exp: 1 }, verifier), hxjwt.InvalidKeyError); // a public key cannot sign
    } else {
      assert.throws(() => key.toPublic(), hxjwt.InvalidKeyError);
      assert.throws(() => key.toPublicJwk(), hxjwt.InvalidKeyError);
    }
    // Another algorithm than the validation's: refused.
    assert.throws(() => verify(token, verifier, { algorithms: [alg === 'EdDSA' ? 'ES256' : 'EdDSA'] }), hxjwt.UnsupportedAlgorithmError);
    key.close();
  }
  assert.throws(() => Key.generate('none'), hxjwt.UnsupportedAlgorithmError);
});

test('standard JWT: PEM, DER and secrets; algorithm confusion is refused', () => {
  const pem = (name) => fs.readFileSync(path.join(VECTORS_DIR, 'keys', name), 'utf8');
  const signing = Key.fromPem(pem('ec-P-256.pkcs8.pem'));
  const verifying = Key.fromPem(Buffer.from(pem('ec-P-256.spki.pem')));
  assert.equal(signing.kid, null);
  const token = sign({ exp: 4e9 }, signing, { algorithm: 'ES256', header: { kid: 'k1', typ: 'at+jwt' } });
  assert.deepEqual(decodeHeader(token), { alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
  assert.deepEqual(verify(token, verifying, { algorithms: ['ES256'], typ: 'AT+JWT' }), { exp: 4e9 });
  const der = Buffer.from(pem('ec-P-256.spki.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  assert.deepEqual(verify(token, Key.fromDer(der), { algorithms: ['ES256'] }), { exp: 4e9 });
  assert.throws(() => Key.fromDer(Buffer.from('nope')), hxjwt.InvalidKeyError);
  assert.throws(() => Key.fromPem(pem('rsa1024.pkcs8.pem')), hxjwt.InvalidKeyError); // under 2048 bits
  // The PEM of the public key as an HMAC secret: refused when made.
  assert.throws(() => Key.fromSecret(pem('ec-P-256.spki.pem')), hxjwt.InvalidKeyError);
  // A key of another type than the algorithm's: InvalidKey.
  const hmac = Key.fromSecret(Buffer.alloc(32, 7));
  assert.throws(() => sign({ exp: 1 }, signing, { algorithm: 'HS256' }), hxjwt.InvalidKeyError);
  assert.throws(() => sign({ exp: 1 }, hmac), TypeError); // no algorithm, and the secret serves several
  const hs = sign({ exp: 4e9 }, hmac, { algorithm: 'HS256' });
  assert.throws(() => verify(hs, verifying, { algorithms: ['HS256'] }), hxjwt.InvalidKeyError);
  // Short secrets: refused when used, unless allowed.
  const short = Key.fromSecret('short');
  assert.throws(() => sign({ exp: 1 }, short, { algorithm: 'HS256' }), hxjwt.InvalidKeyError);
  const allowed = Key.fromSecret('short', { allowShortSecret: true });
  assert.equal(verify(sign({ exp: 4e9 }, allowed, { algorithm: 'HS256' }), allowed, { algorithms: ['HS256'] }).exp, 4e9);
  assert.throws(() => Key.fromSecret(Buffer.alloc(0)), hxjwt.InvalidKeyError);
  // withKid makes a copy.
  const named = signing.withKid('2026-01');
  assert.equal(named.kid, '2026-01');
  assert.equal(signing.kid, null);
  for (const h of [signing, verifying, hmac, short, allowed, named]) h.close();
});

test('standard JWT: claims checks name their claim; raw claims are exactly as signed', () => {
  const key = Key.generate('EdDSA');
  const pub = key.toPublic();
  const token = sign({ sub: 'u', aud: 'api', iss: 'login', iat: NOW, exp: NOW + 60 }, key);
  const base = { algorithms: ['EdDSA'], now: NOW };
  assert.equal(verify(token, pub, { ...base, audience: 'api', issuer: ['login'], subject: 'u' }).sub, 'u');
  const cases = [
    [{ ...base }, hxjwt.WrongAudienceError, 'aud'], // an aud, none expected
    [{ ...base, audience: 'other' }, hxjwt.WrongAudienceError, 'aud'],
    [{ ...base, audience: 'api', issuer: 'evil' }, hxjwt.IssuerMismatchError, 'iss'],
    [{ ...base, audience: 'api', subject: 'v' }, hxjwt.InvalidClaimError, 'sub'],
    [{ ...base, audience: 'api', requiredClaims: ['jti'] }, hxjwt.MissingClaimError, 'jti'],
    [{ ...base, audience: 'api', now: NOW + 60 }, hxjwt.ExpiredError, 'exp'],
    [{ ...base, audience: 'api', now: NOW - 1 }, hxjwt.NotYetValidError, 'iat'],
  ];
  for (const [options, cls, claim] of cases) {
    const err = caught(() => verify(token, pub, options));
    assert.ok(err instanceof cls, `${cls.name}: ${err}`);
    assert.equal(err.claim, claim, err.message);
  }
  assert.equal(verify(token, pub, { ...base, audience: 'api', now: NOW + 70, leeway: 11 }).sub, 'u');
  assert.equal(verify(token, pub, { ...base, audience: 'api', now: NOW + 70, verifyExp: false }).sub, 'u');
  assert.equal(verify(token, pub, { ...base, verifyAud: false }).sub, 'u');
  assert.throws(() => verify(token, pub, { ...base, audience: 'api', maxAge: 10, now: NOW + 20 }), hxjwt.ExpiredError);
  assert.equal(verify(token, pub, { ...base, audience: 'api', requiredClaims: [] }).sub, 'u');
  // Raw claims keep order, spacing and big integers.
  const exact = '{"z":1, "a":123456789012345678901234567890,"exp":4000000000}';
  const t2 = sign(exact, key);
  assert.equal(verifyRaw(t2, pub, { algorithms: ['EdDSA'] }), exact);
  assert.equal(verifyRaw(Buffer.from(t2), pub, { algorithms: ['EdDSA'] }), exact);
  // A reusable Validation, with its clock moved.
  const v = new Validation({ algorithms: ['EdDSA'], audience: 'api', now: NOW });
  assert.equal(verify(token, pub, v).iss, 'login');
  v.setTime(NOW + 100);
  assert.throws(() => verify(token, pub, v), hxjwt.ExpiredError);
  v.useSystemClock();
  assert.throws(() => verify(token, pub, v), hxjwt.ExpiredError);
  assert.throws(() => new Validation({ algorithms: [] }), hxjwt.InvalidArgumentError);
  assert.throws(() => new Validation({ algorithms: ['none'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => new Validation({}), TypeError);
  // Claims that are not one JSON object are the library's to refuse.
  assert.throws(() => sign('[1]', key), hxjwt.InvalidArgumentError);
  assert.throws(() => sign('{"a":1,"a":2}', key), hxjwt.InvalidArgumentError);
  assert.throws(() => decodeHeader('nope'), hxjwt.MalformedError);
  for (const h of [key, pub, v]) h.close();
});

test('key sets: kid selection, publishing, KeyNotFound', () => {
  const k1 = Key.generate('ES256');
  const k2 = Key.generate('EdDSA');
  const set = new KeySet([k1.toPublic()]);
  set.add(k2.toPublic());
  assert.equal(set.size, 2);
  const published = JSON.parse(set.toPublicJwks());
  assert.deepEqual(published.keys.map((k) => k.kid).sort(), [k1.kid, k2.kid].sort());
  const fromJwks = KeySet.fromJwks(set.toPublicJwks());
  for (const key of [k1, k2]) {
    const token = sign({ exp: 4e9 }, key);
    assert.equal(verify(token, fromJwks, { algorithms: ['ES256', 'EdDSA'] }).exp, 4e9);
  }
  const stranger = Key.generate('ES256');
  assert.throws(() => verify(sign({ exp: 4e9 }, stranger), set, { algorithms: ['ES256'] }), hxjwt.KeyNotFoundError);
  assert.throws(() => new KeySet([k1, 'k2']), TypeError);
  assert.throws(() => KeySet.fromJwks('{"keys":7}'), hxjwt.MalformedError);
  for (const h of [k1, k2, set, fromJwks, stranger]) h.close();
});

test('errors: one class per kind, named, with kind, code and claim; every C status has a kind', () => {
  assert.equal(hxjwt.KINDS.length, 21);
  const codes = new Map();
  for (const kind of hxjwt.KINDS) {
    const cls = hxjwt[`${kind}Error`];
    assert.equal(typeof cls, 'function', kind);
    assert.equal(hxjwt.ERROR_CLASSES[kind], cls);
    assert.equal(cls.name, `${kind}Error`);
    const err = new cls(`${kind}: test`, { kind, code: 0 });
    assert.ok(err instanceof hxjwt.HxJwtError && err instanceof Error);
    assert.equal(err.name, `${kind}Error`);
    assert.equal(err.detail, 'test');
  }
  // Every status the header defines (and 118, being added) maps to its kind by its name.
  const header = fs.readFileSync(path.join(VECTORS_DIR, '..', '..', 'include', 'hxjwt.h'), 'utf8');
  const statuses = [...header.matchAll(/^\s+HX_ERR_([A-Z_]+) = (\d+),$/gm)];
  assert.ok(statuses.length >= 20);
  for (const [, name, value] of statuses) {
    const kind = hxjwt.kindOfStatus(Number(value));
    const expected = name.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join('');
    assert.equal(kind, expected);
    assert.ok(hxjwt.KINDS.includes(kind), kind);
    codes.set(kind, Number(value));
  }
  assert.equal(hxjwt.kindOfStatus(118), 'StoreUnavailable');
  codes.set('StoreUnavailable', 118);
  assert.deepEqual([...codes.keys()].sort(), [...hxjwt.KINDS].sort());
  // One kind, one code: the numbers are distinct.
  assert.equal(new Set(codes.values()).size, codes.size);
  // A failure carries its code.
  const key = Key.generate('HS256');
  const err = caught(() => verify('a.b.c', key, { algorithms: ['HS256'] }));
  assert.equal(err.code, codes.get(err.kind));
  assert.match(err.message, /^Malformed: /);
  key.close();
});

test('handles: close() is idempotent; a closed handle throws ERR_INVALID_STATE; dispose', () => {
  const alice = Identity.generate('alice.service');
  const key = Key.generate('HS256');
  const ep = new Endpoint(alice);
  alice.close(); // the endpoint keeps its own copy
  assert.equal(alice.closed, true);
  alice.close();
  for (const use of [() => alice.name, () => alice.toJwk(), () => new Endpoint(alice)]) {
    const err = caught(use);
    assert.ok(err instanceof TypeError);
    assert.equal(err.code, 'ERR_INVALID_STATE');
  }
  const bob = Identity.generate('bob.service');
  assert.match(ep.create('x', { recipientToken: bob.machineToken }), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  ep.close();
  assert.throws(() => ep.validate('x'), { code: 'ERR_INVALID_STATE' });
  key.close();
  assert.throws(() => sign({}, key, { algorithm: 'HS256' }), { code: 'ERR_INVALID_STATE' });
  const v = new Validation({ algorithms: ['HS256'] });
  v.close();
  assert.throws(() => verify('a.b.c', Key.generate('HS256'), v), { code: 'ERR_INVALID_STATE' });
  if (typeof Symbol.dispose === 'symbol') {
    const d = new Directory();
    d[Symbol.dispose]();
    assert.equal(d.closed, true);
  }
  bob.close();
});

test('the package loads the library named by HXJWT_LIB and says its version', () => {
  assert.match(hxjwt.libraryVersion(), /^\d+\.\d+\.\d+/);
  if (process.env.HXJWT_LIB) assert.equal(hxjwt.LIBRARY_PATH, process.env.HXJWT_LIB);
});

test('the defaults of remote and Redis options, with their actual values, as the header documents them', () => {
  const remote = hxjwt.defaultRemoteOptions();
  assert.deepEqual(remote, {
    connectTimeoutMs: 5000,
    timeoutMs: 10000,
    maxResponseBytes: 1024 * 1024,
    defaultTtl: 300,
    minTtl: 60,
    maxTtl: 86400,
    refreshCooldown: 30,
    maxStale: 3600,
    allowHttp: false,
  });
  assert.notEqual(hxjwt.defaultRemoteOptions(), remote); // a new object each time
  // They are options as fromUrl() takes them.
  Directory.fromUrl('https://keys.example/jwks.json', remote).close();
  KeySet.fromUrl('https://keys.example/jwks.json', { ...remote, maxStale: 0 }).close();
  const redis = hxjwt.defaultRedisOptions();
  assert.deepEqual(redis, { connectTimeoutMs: 1000, commandTimeoutMs: 500, maxConnections: 16, keyPrefix: null, caFile: null });
  hxjwt.ReplayStore.redis('redis://127.0.0.1:1/0', redis).close();
});

test('every function of include/hxjwt.h is declared, the JWE family included, and nothing else', () => {
  const header = fs.readFileSync(path.join(VECTORS_DIR, '..', '..', 'include', 'hxjwt.h'), 'utf8');
  const inHeader = new Set([...header.matchAll(/\b(hx_[a-z0-9_]+)\(/g)].map((m) => m[1]));
  const { hx, missing } = require('../lib/ffi');
  assert.deepEqual(Object.keys(hx).sort(), [...inHeader].sort());
  // The JWE family is there (names with digits too), and the loaded library has every function.
  for (const name of [
    'hx_jwe_decrypt', 'hx_jwe_encrypt_1pu', 'hx_jwe_options_set_max_p2c', 'hx_bytes_free',
    'hx_create_jwt_1pu', 'hx_message_protocol', 'hx_jwe_key_kty', 'hx_jwe_key_curve',
    'hx_jwe_key_algorithm', 'hx_jwe_key_thumbprint',
  ]) {
    assert.ok(inHeader.has(name) && typeof hx[name] === 'function', name);
  }
  assert.deepEqual([...missing], []);
  // And each is called by the public API (lib/index.js, lib/jwe.js, lib/errors.js), none left
  // unwrapped.
  const lib = ['index.js', 'jwe.js', 'errors.js'].map((f) => fs.readFileSync(path.join(__dirname, '..', 'lib', f), 'utf8')).join('\n');
  const called = new Set([...lib.matchAll(/\bhx\.(hx_[a-z0-9_]+)\b/g)].map((m) => m[1]));
  assert.deepEqual([...inHeader].filter((name) => !called.has(name)).sort(), []);
});
