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
const key = Key.generate('ES256');
const jwt = sign({ exp: 4e9 }, key);
const validation = new Validation({ algorithms: ['ES256'] });

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

test.after(() => {
  for (const h of [a, b, directory, alice, bob, key, validation]) h.close();
});
