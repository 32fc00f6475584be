'use strict';
// Hostile input: every argument of every public function, given null/undefined, the wrong types,
// strings C cannot carry (embedded NUL, lone surrogates), bytes that are not UTF-8, and huge
// values, ends in a JS error (TypeError, RangeError or an HxJwtError), never in a crash and never
// in a success that swallowed part of the input. A crash would end this file's process, which
// node --test reports as a failure.

const test = require('node:test');
const assert = require('node:assert/strict');
const hxjwt = require('..');
const { caught } = require('./helpers');

const { Identity, Directory, Endpoint, Key, KeySet, Validation, ReplayStore, sign, verify, verifyRaw, decodeHeader } = hxjwt;

const alice = Identity.generate('alice.service');
const bob = Identity.generate('bob.service');
const directory = new Directory([alice.machineToken, bob.machineToken]);
const a = new Endpoint(alice, { directory });
const b = new Endpoint(bob, { directory });
const token = a.create('hello', { to: 'bob.service' });
const onePuToken = a.create('hello', { to: 'bob.service', protocol: 'ECDH-1PU' });
const key = Key.generate('ES256');
const jwt = sign({ exp: 4e9 }, key);
const validation = new Validation({ algorithms: ['ES256'] });

const { jwe } = hxjwt;
const jweKey = jwe.Key.generate('X25519');
const jwePublic = jweKey.toPublic();
const jweSecret = jwe.Key.generate('oct-32');
const JWE_OPTIONS = { algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] };
const jweOptions = new jwe.DecryptOptions(JWE_OPTIONS);
const jweToken = jwe.encrypt('hello', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' });
const jweJson = jwe.encryptJson('hello', [[jwePublic, 'ECDH-ES']], { enc: 'A256GCM' });
const NESTED = { validation: { algorithms: ['ES256'] }, decryption: JWE_OPTIONS };
const nestedToken = jwe.encryptNested({ exp: 4e9 }, key, jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' });

const HUGE = 'A'.repeat(4 * 1024 * 1024);
const HOSTILE = {
  null: null,
  undefined,
  number: 42,
  negative: -1,
  fraction: 1.5,
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  'huge bigint': 2n ** 80n,
  'negative bigint': -(2n ** 70n),
  boolean: true,
  symbol: Symbol('s'),
  function: () => 'x',
  'plain object': { a: 1 },
  'empty array': [],
  'array of junk': [null, 1, {}],
  date: new Date(0),
  'boxed string': Object('text'),
  'string with NUL': 'abc\0def',
  'lone surrogate': 'abc\ud800def',
  'empty string': '',
  'bytes not UTF-8': Buffer.from([0xff, 0xfe, 0x41]),
  'bytes with NUL': Buffer.from('abc\0def'),
  'huge string': HUGE,
  'huge bytes': Buffer.alloc(4 * 1024 * 1024, 0x41),
  'fake handle': { _ptr: () => 1234n },
  'forged handle': Object.create(Identity.prototype),
  'another handle': key,
  'throwing proxy': new Proxy({}, {
    get() {
      throw new Error('proxy trap');
    },
  }),
};

// Each call site takes the hostile value in one argument position.
const SITES = {
  'Identity.generate(x)': (x) => Identity.generate(x),
  'Identity.fromJwk(x)': (x) => Identity.fromJwk(x),
  'new Directory(x)': (x) => new Directory(x),
  'new Directory([x])': (x) => new Directory([x]),
  'Directory.fromJwks(x)': (x) => Directory.fromJwks(x),
  'Directory.fromUrl(x)': (x) => Directory.fromUrl(x),
  'Directory.fromUrl(url, x)': (x) => Directory.fromUrl('https://keys.example/jwks.json', x),
  'Directory.fromCallback(x)': (x) => Directory.fromCallback(x),
  'directory.add(x)': (x) => directory.add(x),
  'directory.retire(x)': (x) => directory.retire(x),
  'new Endpoint(x)': (x) => new Endpoint(x),
  'new Endpoint(id, x)': (x) => new Endpoint(alice, x),
  'new Endpoint(id, {directory: x})': (x) => new Endpoint(alice, { directory: x }),
  'new Endpoint(id, {leeway: x})': (x) => new Endpoint(alice, { leeway: x }),
  'new Endpoint(id, {audiences: x})': (x) => new Endpoint(alice, { audiences: x }),
  'new Endpoint(id, {now: x})': (x) => new Endpoint(alice, { now: x }),
  'endpoint.create(x, to)': (x) => a.create(x, { to: 'bob.service' }),
  'endpoint.create(p, x)': (x) => a.create('p', x),
  'endpoint.create(p, {to: x})': (x) => a.create('p', { to: x }),
  'endpoint.create(p, {recipientToken: x})': (x) => a.create('p', { recipientToken: x }),
  'endpoint.create(p, {ttl: x})': (x) => a.create('p', { to: 'bob.service', ttl: x }),
  'endpoint.create(p, {jti: x})': (x) => a.create('p', { to: 'bob.service', jti: x }),
  'endpoint.create(p, {notBefore: x})': (x) => a.create('p', { to: 'bob.service', notBefore: x }),
  'endpoint.create(p, {protocol: x})': (x) => a.create('p', { to: 'bob.service', protocol: x }),
  'endpoint.create(x, {protocol: 1PU})': (x) => a.create(x, { to: 'bob.service', protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, to: x})': (x) => a.create('p', { to: x, protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, recipientToken: x})': (x) => a.create('p', { recipientToken: x, protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, ttl: x})': (x) => a.create('p', { to: 'bob.service', ttl: x, protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, jti: x})': (x) => a.create('p', { to: 'bob.service', jti: x, protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, notBefore: x})': (x) => a.create('p', { to: 'bob.service', notBefore: x, protocol: 'ECDH-1PU' }),
  'endpoint.create(p, {protocol: 1PU, contentType: x})': (x) => a.create('p', { to: 'bob.service', contentType: x, protocol: 'ECDH-1PU' }),
  'endpoint.validate(1PU, {sender: x})': (x) => b.validate(onePuToken, { sender: x }),
  'endpoint.validate(x)': (x) => b.validate(x),
  'endpoint.validate(t, x)': (x) => b.validate(token, x),
  'endpoint.validate(t, {sender: x})': (x) => b.validate(token, { sender: x }),
  'endpoint.setTime(x)': (x) => b.setTime(x),
  'endpoint.addAudience(x)': (x) => b.addAudience(x),
  'endpoint.addPreviousIdentity(x)': (x) => b.addPreviousIdentity(x),
  'new Endpoint(id, {replayStore: x})': (x) => new Endpoint(alice, { replayStore: x }),
  'endpoint.setReplayStore(x)': (x) => b.setReplayStore(x),
  'ReplayStore.memory(x)': (x) => ReplayStore.memory(x),
  'ReplayStore.redis(x)': (x) => ReplayStore.redis(x),
  'ReplayStore.redis(url, x)': (x) => ReplayStore.redis('redis://127.0.0.1:1/0', x),
  'ReplayStore.redis(url, {keyPrefix: x})': (x) => ReplayStore.redis('redis://127.0.0.1:1/0', { keyPrefix: x }),
  'new Validation({replayStore: x})': (x) => new Validation({ algorithms: ['ES256'], replayStore: x }),
  'Key.fromJwk(x)': (x) => Key.fromJwk(x),
  'Key.fromPem(x)': (x) => Key.fromPem(x),
  'Key.fromDer(x)': (x) => Key.fromDer(x),
  'Key.fromSecret(x)': (x) => Key.fromSecret(x),
  'Key.fromSecret(s, x)': (x) => Key.fromSecret('s'.repeat(32), x),
  'Key.generate(x)': (x) => Key.generate(x),
  'key.withKid(x)': (x) => key.withKid(x),
  'new KeySet(x)': (x) => new KeySet(x),
  'KeySet.fromJwks(x)': (x) => KeySet.fromJwks(x),
  'keyset.add(x)': (x) => new KeySet().add(x),
  'new Validation(x)': (x) => new Validation(x),
  'new Validation({algorithms: x})': (x) => new Validation({ algorithms: x }),
  'new Validation({audience: x})': (x) => new Validation({ algorithms: ['ES256'], audience: x }),
  'new Validation({maxAge: x})': (x) => new Validation({ algorithms: ['ES256'], maxAge: x }),
  'new Validation({verifyExp: x})': (x) => new Validation({ algorithms: ['ES256'], verifyExp: x }),
  'sign(x, key)': (x) => sign(x, key),
  'sign(claims, x)': (x) => sign({ exp: 1 }, x),
  'sign(claims, key, x)': (x) => sign({ exp: 1 }, key, x),
  'sign(claims, key, {algorithm: x})': (x) => sign({ exp: 1 }, key, { algorithm: x }),
  'sign(claims, key, {header: x})': (x) => sign({ exp: 1 }, key, { header: x }),
  'verify(x, key, v)': (x) => verify(x, key, validation),
  'verify(t, x, v)': (x) => verify(jwt, x, validation),
  'verify(t, key, x)': (x) => verify(jwt, key, x),
  'verifyRaw(x, key, v)': (x) => verifyRaw(x, key, validation),
  'decodeHeader(x)': (x) => decodeHeader(x),
  // JWE
  'jwe.Key.fromJwk(x)': (x) => jwe.Key.fromJwk(x),
  'jwe.Key.fromPem(x)': (x) => jwe.Key.fromPem(x),
  'jwe.Key.fromPem(pem, x)': (x) => jwe.Key.fromPem('-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n', x),
  'jwe.Key.fromSecret(x)': (x) => jwe.Key.fromSecret(x),
  'jwe.Key.fromSecret(s, {kid: x})': (x) => jwe.Key.fromSecret(Buffer.alloc(32, 1), { kid: x }),
  'jwe.Key.fromPassword(x)': (x) => jwe.Key.fromPassword(x),
  'jwe.Key.generate(x)': (x) => jwe.Key.generate(x),
  'jweKey.withKid(x)': (x) => jweKey.withKid(x),
  // The accessors with another `this`: a forged or foreign object is a TypeError, never a pointer.
  'jwe.Key.prototype.thumbprint.call(x)': (x) => jwe.Key.prototype.thumbprint.call(x),
  'jwe.Key kty getter on x': (x) => Object.getOwnPropertyDescriptor(jwe.Key.prototype, 'kty').get.call(x),
  'jwe.Key curve getter on x': (x) => Object.getOwnPropertyDescriptor(jwe.Key.prototype, 'curve').get.call(x),
  'jwe.Key algorithm getter on x': (x) => Object.getOwnPropertyDescriptor(jwe.Key.prototype, 'algorithm').get.call(x),
  'new jwe.DecryptOptions(x)': (x) => new jwe.DecryptOptions(x),
  'new jwe.DecryptOptions({algorithms: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, algorithms: x }),
  'new jwe.DecryptOptions({encryptions: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, encryptions: x }),
  'new jwe.DecryptOptions({maxTokenLength: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, maxTokenLength: x }),
  'new jwe.DecryptOptions({maxP2c: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, maxP2c: x }),
  'new jwe.DecryptOptions({allowZip: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, allowZip: x }),
  'new jwe.DecryptOptions({critical: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, critical: x }),
  'new jwe.DecryptOptions({typ: x})': (x) => new jwe.DecryptOptions({ ...JWE_OPTIONS, typ: x }),
  'decryptOptions.setMaxTokenLength(x)': (x) => new jwe.DecryptOptions(JWE_OPTIONS).setMaxTokenLength(x),
  'decryptOptions.setMaxP2c(x)': (x) => new jwe.DecryptOptions(JWE_OPTIONS).setMaxP2c(x),
  'decryptOptions.allowZip(x)': (x) => new jwe.DecryptOptions(JWE_OPTIONS).allowZip(x),
  'decryptOptions.setCritical(x)': (x) => new jwe.DecryptOptions(JWE_OPTIONS).setCritical(x),
  'decryptOptions.setTyp(x)': (x) => new jwe.DecryptOptions(JWE_OPTIONS).setTyp(x),
  'jwe.encrypt(x, key)': (x) => jwe.encrypt(x, jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }),
  'jwe.encrypt(p, x)': (x) => jwe.encrypt('p', x, { alg: 'ECDH-ES', enc: 'A256GCM' }),
  'jwe.encrypt(p, key, x)': (x) => jwe.encrypt('p', jwePublic, x),
  'jwe.encrypt(p, key, {alg: x})': (x) => jwe.encrypt('p', jwePublic, { alg: x, enc: 'A256GCM' }),
  'jwe.encrypt(p, key, {enc: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES', enc: x }),
  'jwe.encrypt(p, key, {header: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM', header: x }),
  'jwe.encrypt(p, key, {kid: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM', kid: x }),
  'jwe.encrypt(p, key, {apu: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM', apu: x }),
  'jwe.encrypt(p, key, {p2c: x})': (x) => jwe.encrypt('p', jweSecret, { alg: 'PBES2-HS256+A128KW', enc: 'A256GCM', p2c: x }),
  'jwe.encrypt(p, key, {zip: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM', zip: x }),
  'jwe.encrypt(p, key, {senderKey: x})': (x) => jwe.encrypt('p', jwePublic, { alg: 'ECDH-1PU', enc: 'A256GCM', senderKey: x }),
  'jwe.encryptJson(p, x)': (x) => jwe.encryptJson('p', x, { enc: 'A256GCM' }),
  'jwe.encryptJson(p, [x])': (x) => jwe.encryptJson('p', [x], { enc: 'A256GCM' }),
  'jwe.encryptJson(p, [[key, x]])': (x) => jwe.encryptJson('p', [[jwePublic, x]], { enc: 'A256GCM' }),
  'jwe.encryptJson(p, r, x)': (x) => jwe.encryptJson('p', [[jwePublic, 'ECDH-ES']], x),
  'jwe.encryptJson(p, r, {aad: x})': (x) => jwe.encryptJson('p', [[jwePublic, 'ECDH-ES']], { enc: 'A256GCM', aad: x }),
  'jwe.encryptJson(p, r, {general: x})': (x) => jwe.encryptJson('p', [[jwePublic, 'ECDH-ES']], { enc: 'A256GCM', general: x }),
  'jwe.decrypt(x, key, o)': (x) => jwe.decrypt(x, jweKey, jweOptions),
  'jwe.decrypt(t, x, o)': (x) => jwe.decrypt(jweToken, x, jweOptions),
  'jwe.decrypt(t, [x], o)': (x) => jwe.decrypt(jweToken, [x], jweOptions),
  'jwe.decrypt(t, key, x)': (x) => jwe.decrypt(jweToken, jweKey, x),
  'jwe.decrypt(t, key, {senderKey: x})': (x) => jwe.decrypt(jweToken, jweKey, { ...JWE_OPTIONS, senderKey: x }),
  'jwe.decryptJson(x, key, o)': (x) => jwe.decryptJson(x, jweKey, jweOptions),
  'jwe.decryptJson(t, x, o)': (x) => jwe.decryptJson(jweJson, x, jweOptions),
  'jwe.decryptJson(t, key, x)': (x) => jwe.decryptJson(jweJson, jweKey, x),
  'jwe.encryptNested(x, ...)': (x) => jwe.encryptNested(x, key, jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }),
  'jwe.encryptNested(c, x, ...)': (x) => jwe.encryptNested({}, x, jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }),
  'jwe.encryptNested(c, k, x)': (x) => jwe.encryptNested({}, key, x, { alg: 'ECDH-ES', enc: 'A256GCM' }),
  'jwe.encryptNested(c, k, k, x)': (x) => jwe.encryptNested({}, key, jwePublic, x),
  'jwe.decryptNested(x, ...)': (x) => jwe.decryptNested(x, jweKey, key, NESTED),
  'jwe.decryptNested(t, x, ...)': (x) => jwe.decryptNested(nestedToken, x, key, NESTED),
  'jwe.decryptNested(t, k, x, o)': (x) => jwe.decryptNested(nestedToken, jweKey, x, NESTED),
  'jwe.decryptNested(t, k, k, x)': (x) => jwe.decryptNested(nestedToken, jweKey, key, x),
  'jwe.decryptNested(t, k, k, {validation: x})': (x) => jwe.decryptNested(nestedToken, jweKey, key, { ...NESTED, validation: x }),
  'jwe.decryptNested(t, k, k, {decryption: x})': (x) => jwe.decryptNested(nestedToken, jweKey, key, { ...NESTED, decryption: x }),
  'jwe.decodeHeader(x)': (x) => jwe.decodeHeader(x),
};

// What a call may end with: a value it makes (then the input was acceptable), or one of these.
function isAcceptableError(err) {
  return err instanceof TypeError || err instanceof RangeError || err instanceof hxjwt.HxJwtError ||
    (err instanceof Error && err.message === 'proxy trap');
}

test('every call site, every hostile value: a JS error or a value, never a crash', async (t) => {
  for (const [site, call] of Object.entries(SITES)) {
    await t.test(site, () => {
      for (const [label, value] of Object.entries(HOSTILE)) {
        let result;
        try {
          result = call(value);
        } catch (err) {
          assert.ok(isAcceptableError(err), `${site} with ${label}: ${err && err.stack}`);
          continue;
        }
        // Some inputs are acceptable (an empty options object, a huge payload, ...); what
        // they made is released.
        if (result && typeof result.close === 'function') result.close();
      }
    });
  }
});

test('null, undefined and wrong types for required arguments are TypeErrors, before the library', () => {
  for (const value of [null, undefined, 42, true, Symbol('s'), {}, [], () => 1]) {
    assert.throws(() => Identity.generate(value), TypeError);
    assert.throws(() => b.validate(value), TypeError);
    assert.throws(() => Key.generate(value), TypeError);
    assert.throws(() => decodeHeader(value), TypeError);
    assert.throws(() => new Endpoint(value), TypeError);
    assert.throws(() => verify(jwt, value, validation), TypeError);
  }
  // A forged wrapper (the prototype without a handle) and a look-alike are refused.
  assert.throws(() => new Endpoint(Object.create(Identity.prototype)), TypeError);
  assert.throws(() => new Endpoint({ _ptr: () => 1234n }), TypeError);
  assert.throws(() => sign({}, Object.create(Key.prototype), { algorithm: 'ES256' }), TypeError);
  // Numbers out of range are RangeErrors: negative, fractional, unsafe, beyond 64 bits.
  for (const value of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, 2n ** 64n, -1n]) {
    assert.throws(() => a.create('x', { to: 'bob.service', ttl: value }), RangeError);
  }
  assert.throws(() => b.setTime(2n ** 63n), RangeError);
  b.setTime(-(2n ** 63n)); // the full int64 range is accepted
  b.useSystemClock();
});

test('strings C cannot carry are InvalidArgument errors, never silently cut or replaced', () => {
  const cases = [
    () => b.validate(`${token}\0trailing`),
    () => b.validate(Buffer.from(`${token}\0`)),
    () => Identity.generate('alice\0.service'),
    () => Identity.generate('alice\udc00'),
    () => a.create('p', { to: 'bob.service\0evil' }),
    () => a.create('\ud800', { to: 'bob.service' }),
    () => verify(`${jwt}\0`, key, validation),
    () => sign({ exp: 1 }, key, { algorithm: 'ES256\0' }),
  ];
  for (const call of cases) {
    const err = caught(call);
    assert.ok(err instanceof hxjwt.InvalidArgumentError, String(err));
    assert.equal(err.kind, 'InvalidArgument');
    assert.equal(err.code, 1);
  }
  // JSON made from objects escapes them, so it is carried.
  assert.deepEqual(b.validate(a.create({ s: 'a\0b\ud800' }, { to: 'bob.service' })).json(), { s: 'a\0b\ud800' });
});

test('bytes that are not UTF-8 are the library\'s InvalidArgument', () => {
  const err = caught(() => b.validate(Buffer.from([0x61, 0xff, 0x62])));
  assert.ok(err instanceof hxjwt.InvalidArgumentError);
  assert.match(err.message, /UTF-8/);
  assert.throws(() => decodeHeader(new Uint8Array([0xc3, 0x28])), hxjwt.InvalidArgumentError);
  assert.throws(() => Key.fromPem(Buffer.from([0xff, 0xff])), hxjwt.InvalidArgumentError);
  // JSON given as bytes: as they are, never with the bad bytes replaced.
  const jwk = Buffer.from(alice.toJwk());
  assert.equal(Identity.fromJwk(jwk).name, 'alice.service');
  const broken = Buffer.from(alice.machineToken.replace('alice', 'al\u00e9ce'), 'latin1');
  assert.throws(() => b.validate(token, { sender: broken }), hxjwt.InvalidArgumentError);
  assert.throws(() => Key.fromJwk(Buffer.concat([Buffer.from(key.toPublicJwk()), Buffer.of(0xff)])), hxjwt.InvalidArgumentError);
});

test('huge inputs are refused by the library\'s limits with its own error', () => {
  assert.throws(() => b.validate(HUGE), hxjwt.MalformedError);
  assert.throws(() => b.validate(Buffer.from(HUGE)), hxjwt.MalformedError);
  assert.throws(() => verify(HUGE, key, validation), hxjwt.MalformedError);
  assert.throws(() => decodeHeader(HUGE), hxjwt.MalformedError);
  assert.throws(() => Identity.generate(HUGE), hxjwt.InvalidArgumentError);
  assert.throws(() => Directory.fromJwks(`{"keys":[${'1,'.repeat(1_000_000)}1]}`), hxjwt.HxJwtError);
  assert.throws(() => KeySet.fromJwks('['.repeat(100_000)), hxjwt.MalformedError);
  // A large payload round-trips byte for byte.
  const big = Buffer.alloc(30 * 1024, 7);
  assert.deepEqual(b.validate(a.create(big, { to: 'bob.service' })).payload, big);
});

test('tampered tokens of every shape are refused with an HxJwtError', () => {
  const variants = [
    '',
    '.',
    '..',
    '...',
    token.replace(/\./g, ''),
    token.split('.').slice(0, 2).join('.'),
    `${token}.`,
    `${token}=`,
    token.replace(/^./, '+'),
    token.toLowerCase(),
    ` ${token}`,
  ];
  for (const t of variants) assert.throws(() => b.validate(t), hxjwt.HxJwtError, JSON.stringify(t.slice(0, 20)));
});

test('JWE: wrong types are TypeErrors, strings C cannot carry InvalidArgument, limits the library\'s', () => {
  for (const value of [null, undefined, 42, true, {}, () => 1]) {
    assert.throws(() => jwe.decrypt(value, jweKey, jweOptions), TypeError);
    assert.throws(() => jwe.decrypt(jweToken, value, jweOptions), TypeError);
    assert.throws(() => jwe.encrypt('p', value, { alg: 'ECDH-ES', enc: 'A256GCM' }), TypeError);
    assert.throws(() => jwe.Key.generate(value), TypeError);
    assert.throws(() => jwe.decodeHeader(value), TypeError);
  }
  // A JWS Key is not a JWE key, nor the reverse; a forged wrapper is refused.
  assert.throws(() => jwe.decrypt(jweToken, key, jweOptions), TypeError);
  assert.throws(() => jwe.decrypt(jweToken, Object.create(jwe.Key.prototype), jweOptions), TypeError);
  assert.throws(() => jwe.decrypt(jweToken, [jweKey, { _ptr: () => 1234n }], jweOptions), TypeError);
  assert.throws(() => jwe.decrypt(jweToken, jweKey, { ...JWE_OPTIONS, senderKey: key }), TypeError);
  // Empty allow-lists and unknown names: the library's own errors.
  assert.throws(() => jwe.decrypt(jweToken, jweKey, { algorithms: [], encryptions: ['A256GCM'] }), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.decrypt(jweToken, jweKey, { algorithms: ['ECDH-ES'], encryptions: [] }), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.decrypt(jweToken, [], jweOptions), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.decrypt(jweToken, jweKey, { algorithms: ['ECDH-ES\u00e9'], encryptions: ['A256GCM'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => jwe.decrypt(jweToken, jweKey, { algorithms: ['none'], encryptions: ['A256GCM'] }), hxjwt.UnsupportedAlgorithmError);
  assert.throws(() => jwe.encrypt('p', jwePublic, { alg: 'ecdh-es', enc: 'A256GCM' }), hxjwt.UnsupportedAlgorithmError);
  // Embedded NULs and lone surrogates: InvalidArgument, never cut.
  for (const call of [
    () => jwe.decrypt(`${jweToken}\0`, jweKey, jweOptions),
    () => jwe.decrypt(Buffer.from(`${jweToken}\0x`), jweKey, jweOptions),
    () => jwe.decrypt(jweToken, jweKey, { algorithms: ['ECDH-ES\0'], encryptions: ['A256GCM'] }),
    () => jwe.encrypt('p', jwePublic, { alg: 'ECDH-ES\0evil', enc: 'A256GCM' }),
    () => jwe.encrypt('\ud800', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }),
    () => jwe.Key.fromPassword('pass\udc00'),
    () => jweKey.withKid('k\0'),
    () => jwe.decodeHeader(`${jweToken}\0`),
  ]) {
    const err = caught(call);
    assert.ok(err instanceof hxjwt.InvalidArgumentError, String(err));
  }
  // A NUL inside the plaintext is data, not a terminator.
  assert.equal(jwe.decrypt(jwe.encrypt('a\0b', jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }), jweKey, jweOptions).text(), 'a\0b');
  // Bytes that are not UTF-8: the library's InvalidArgument.
  assert.throws(() => jwe.decrypt(Buffer.from([0x61, 0xff, 0x2e]), jweKey, jweOptions), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.decodeHeader(new Uint8Array([0xc3, 0x28])), hxjwt.InvalidArgumentError);
  assert.throws(() => jwe.Key.fromJwk(Buffer.from([0x7b, 0xff, 0x7d])), hxjwt.InvalidArgumentError);
  // Huge tokens stop at the length limit; a large plaintext round-trips.
  assert.throws(() => jwe.decrypt(HUGE, jweKey, jweOptions), hxjwt.MalformedError);
  assert.throws(() => jwe.decryptJson(HUGE, jweKey, jweOptions), hxjwt.MalformedError);
  assert.throws(() => jwe.decrypt(`${'A'.repeat(2 ** 20)}.${'A'.repeat(2 ** 20)}.a.b.c`, jweKey, jweOptions), hxjwt.MalformedError);
  assert.throws(() => jwe.decodeHeader(HUGE), hxjwt.MalformedError);
  assert.throws(() => jwe.decryptJson(`{"a":${'['.repeat(100_000)}`, jweKey, jweOptions), hxjwt.MalformedError);
  const big = Buffer.alloc(100 * 1024, 7);
  assert.deepEqual(jwe.decrypt(jwe.encrypt(big, jwePublic, { alg: 'ECDH-ES', enc: 'A256GCM' }), jweKey, jweOptions).plaintext, big);
  // Numbers out of range.
  for (const value of [-1, 1.5, 2n ** 64n, Number.NaN]) {
    assert.throws(() => jweOptions.setMaxTokenLength(value), RangeError);
  }
  assert.throws(() => jweOptions.setMaxP2c(2 ** 32), RangeError);
  // Tokens of every wrong shape.
  for (const t of ['', '.', '....', '.....', jweToken.split('.').slice(0, 4).join('.'), `${jweToken}.`, jweToken.replace(/^./, '+'), token, jwt]) {
    assert.throws(() => jwe.decrypt(t, jweKey, jweOptions), hxjwt.HxJwtError, JSON.stringify(t.slice(0, 20)));
  }
});

test('methods called on another object (call/apply): a TypeError, never a pointer of the wrong type', () => {
  const getter = (cls, name) => Object.getOwnPropertyDescriptor(cls.prototype, name).get;
  const methods = [
    [jwe.Key.prototype.thumbprint, []],
    [getter(jwe.Key, 'kty'), []],
    [getter(jwe.Key, 'curve'), []],
    [getter(jwe.Key, 'algorithm'), []],
    [getter(jwe.Key, 'kid'), []],
    [jwe.Key.prototype.toPublicJwk, []],
    [Key.prototype.thumbprint, []],
    [getter(Key, 'algorithm'), []],
    [Endpoint.prototype.create, ['x', { to: 'bob.service', protocol: 'ECDH-1PU' }]],
    [Endpoint.prototype.validate, [onePuToken]],
    [Identity.prototype.toJwk, []],
    [jwe.DecryptOptions.prototype.setMaxP2c, [1]],
  ];
  // A handle of another class (a JWS Key for a jwe.Key, ...), a look-alike, a forged prototype.
  const others = [key, jweKey, alice, a, validation, jweOptions, directory, { _ptr: () => 1234n }, Object.create(jwe.Key.prototype), null, undefined, 7];
  const own = [jweKey, key, a, alice, jweOptions];
  for (const [fn, args] of methods) {
    let accepted = 0;
    for (const other of others) {
      try {
        fn.apply(other, args);
      } catch (err) {
        // On its own class, the library may refuse the arguments; on anything else, a TypeError.
        if (own.includes(other) && err instanceof hxjwt.HxJwtError) accepted += 1;
        else assert.ok(err instanceof TypeError, `${fn.name} on ${others.indexOf(other)}: ${err}`);
        continue;
      }
      assert.ok(own.includes(other), `${fn.name} accepted ${others.indexOf(other)}`);
      accepted += 1;
    }
    assert.equal(accepted, 1, fn.name); // exactly its own class's handle
  }
});

test('ECDH-1PU mode: hostile tokens and keys are refused with an HxJwtError, never a crash', () => {
  const parts = onePuToken.split('.');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
  const withHeader = (h) => [Buffer.from(JSON.stringify(h)).toString('base64url'), ...parts.slice(1)].join('.');
  const variants = [
    onePuToken.split('.').slice(0, 4).join('.'),
    `${onePuToken}.`,
    `${onePuToken}.AAAA`,
    parts.map((p, i) => (i === 2 ? '' : p)).join('.'),
    parts.map((p, i) => (i === 4 ? p.slice(0, -2) : p)).join('.'),
    parts.map((p, i) => (i === 3 ? `${p}AAAA` : p)).join('.'),
    withHeader({ ...header, alg: 'ECDH-ES' }),
    withHeader({ ...header, alg: 'ECDH-1PU+A256KW' }),
    withHeader({ ...header, enc: 'A128GCM' }),
    withHeader({ ...header, epk: { ...header.epk, x: 'AAAA' } }),
    withHeader({ ...header, epk: { kty: 'EC', crv: 'P-256', x: header.epk.x, y: header.epk.x } }),
    withHeader({ ...header, skid: 'carol.service' }),
    withHeader({ ...header, skid: 'a'.repeat(100_000) }),
    withHeader({ ...header, iss: 'carol.service' }),
    withHeader({ ...header, aud: ['bob.service'] }),
    withHeader({ ...header, exp: 1e300 }),
    withHeader({ ...header, zip: 'DEF' }),
    withHeader({ ...header, crit: ['exp'] }),
    withHeader({ ...header, jti: 'a\u0000b' }),
    withHeader({ ...header, cty: 'x'.repeat(1_000_000) }),
    withHeader('ECDH-1PU'),
    withHeader([header]),
    `${'['.repeat(10_000)}.a.b.c.d`,
    `${Buffer.from('{"alg":"ECDH-1PU","enc":"A256GCM"'.repeat(100)).toString('base64url')}.a.b.c.d`,
  ];
  for (const t of variants) {
    assert.throws(() => b.validate(t), hxjwt.HxJwtError, t.slice(0, 40));
    assert.throws(() => b.validate(Buffer.from(t), { sender: alice.machineToken }), hxjwt.HxJwtError, t.slice(0, 40));
  }
  assert.equal(b.validate(onePuToken).protocol, 'ECDH-1PU'); // the untouched one still validates
  // The JWE key accessors on keys from hostile but loadable JWKs: plain values, or the library's
  // errors when loading, never a crash.
  const pub = JSON.parse(jwePublic.toPublicJwk());
  for (const jwk of [
    { ...pub, alg: 'ECDH-1PU+A128KW' },
    { ...pub, alg: 'ECDH-ES'.repeat(1000) },
    { ...pub, kid: 'k'.repeat(10_000) },
    { ...pub, crv: 'P-256' },
    { ...pub, crv: 'X448' },
    { kty: 'oct', k: '' },
    { kty: 'oct', k: 'AAAA', alg: 'A128KW\u0000' },
    { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
  ]) {
    let k;
    try {
      k = jwe.Key.fromJwk(jwk);
    } catch (err) {
      assert.ok(err instanceof hxjwt.HxJwtError, String(err));
      continue;
    }
    assert.ok(['oct', 'RSA', 'EC', 'OKP'].includes(k.kty));
    assert.ok(k.curve === null || typeof k.curve === 'string');
    assert.ok(k.algorithm === null || typeof k.algorithm === 'string');
    assert.match(k.thumbprint(), /^[\w-]{43}$/);
    k.close();
  }
});

test.after(() => {
  for (const h of [a, b, directory, alice, bob, key, validation, jweKey, jwePublic, jweSecret, jweOptions]) h.close();
});
