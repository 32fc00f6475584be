'use strict';
// Replay stores (hx_replay_store_*): shared by endpoints and validations, each token accepted
// once; a Redis server that cannot be reached refuses the token with StoreUnavailableError
// (HX_ERR_STORE_UNAVAILABLE, 118). The Redis server itself is the C and Python tests' to run
// (tests/c/test_redis.c); here a closed loopback port stands for one that is down.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const hxjwt = require('..');
const { caught } = require('./helpers');

const { Identity, Directory, Endpoint, Key, ReplayStore, Validation, sign, verify } = hxjwt;

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a memory store shared by two endpoints accepts each HX1 token once', () => {
  const alice = Identity.generate('alice.service');
  const bob = Identity.generate('bob.service');
  const directory = new Directory([alice.machineToken, bob.machineToken]);
  const store = ReplayStore.memory();
  store.ping();
  const a = new Endpoint(alice, { directory });
  const b1 = new Endpoint(bob, { directory, replayStore: store });
  const b2 = new Endpoint(bob, { directory });
  b2.setReplayStore(store);
  store.close(); // the endpoints keep their own reference
  const token = a.create('once', { to: 'bob.service' });
  assert.equal(b1.validate(token).text(), 'once');
  assert.throws(() => b2.validate(token), hxjwt.ReplayedError);
  assert.throws(() => b1.validate(token), hxjwt.ReplayedError);
  b2.setReplayStore(null); // off again
  assert.equal(b2.validate(token).text(), 'once');
  assert.throws(() => new Endpoint(bob, { replayStore: 'redis://x' }), TypeError);
  for (const h of [a, b1, b2, alice, bob, directory]) h.close();
});

test('a validation with a replay store accepts each jti once and requires one', () => {
  const key = Key.generate('HS256');
  const store = ReplayStore.memory(10);
  const v = new Validation({ algorithms: ['HS256'], replayStore: store });
  const token = sign({ jti: 'id-1', exp: 4e9 }, key);
  assert.equal(verify(token, key, v).jti, 'id-1');
  const again = caught(() => verify(token, key, v));
  assert.ok(again instanceof hxjwt.ReplayedError);
  assert.equal(again.claim, 'jti');
  const noJti = caught(() => verify(sign({ exp: 4e9 }, key), key, v));
  assert.ok(noJti instanceof hxjwt.MissingClaimError);
  assert.equal(noJti.claim, 'jti');
  for (const h of [key, store, v]) h.close();
});

test('a Redis server that is down: StoreUnavailableError (code 118), the token refused', async () => {
  const port = await closedPort();
  const store = ReplayStore.redis(`redis://127.0.0.1:${port}/0`, { connectTimeoutMs: 300, commandTimeoutMs: 300 });
  const down = caught(() => store.ping());
  assert.ok(down instanceof hxjwt.StoreUnavailableError, String(down));
  assert.equal(down.kind, 'StoreUnavailable');
  assert.equal(down.code, 118);
  assert.equal(hxjwt.kindOfStatus(118), 'StoreUnavailable');
  const alice = Identity.generate('alice.service');
  const bob = Identity.generate('bob.service');
  const a = new Endpoint(alice);
  const b = new Endpoint(bob, { replayStore: store });
  const token = a.create('x', { recipientToken: bob.machineToken });
  const err = caught(() => b.validate(token, { sender: alice.machineToken }));
  assert.ok(err instanceof hxjwt.StoreUnavailableError, String(err));
  assert.match(err.message, /^StoreUnavailable: /);
  // The password of the URL never appears in a message.
  const secret = ReplayStore.redis(`redis://user:s3cr3t-pass@127.0.0.1:${port}/0`, { connectTimeoutMs: 300 });
  assert.ok(!caught(() => secret.ping()).message.includes('s3cr3t-pass'));
  assert.throws(() => ReplayStore.redis('http://not-redis/'), hxjwt.InvalidArgumentError);
  assert.throws(() => ReplayStore.redis(42), TypeError);
  for (const h of [store, secret, a, b, alice, bob]) h.close();
});
