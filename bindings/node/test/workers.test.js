'use strict';
// worker_threads: each worker loads the package (its own koffi instance over the one libhxjwt of
// the process) and makes its own handles from what can cross threads (JWK and JWK Set text);
// handles themselves do not cross (a wrapper sent to a worker arrives as a plain object and is
// refused with a TypeError). Several workers validate tokens from the main thread at once,
// create tokens the main thread validates, and verify standard JWTs; a failure on one thread
// never changes another thread's error message (hx_last_error_message is per thread).

const test = require('node:test');
const assert = require('node:assert/strict');
const { Worker } = require('node:worker_threads');
const hxjwt = require('..');

const { Identity, Directory, Endpoint, Key, sign, verify } = hxjwt;

const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const hxjwt = require(workerData.packagePath);
const { Identity, Directory, Endpoint, Key, verify } = hxjwt;
const bob = Identity.fromJwk(workerData.bobJwk);
const directory = Directory.fromJwks(workerData.jwks);
const endpoint = new Endpoint(bob, { directory, replayProtection: true });
const verifier = Key.fromJwk(workerData.publicJwk);
const result = { validated: 0, refused: {}, created: [], verified: 0, handleRefused: null };
for (const token of workerData.tokens) {
  const m = endpoint.validate(token);
  if (m.issuer !== 'alice.service' || m.json().worker !== undefined) throw new Error('wrong message');
  result.validated += 1;
  // Every other round, a failure on this thread, its message read right away.
  try {
    endpoint.validate(token); // replayed
  } catch (err) {
    result.refused[err.kind] = (result.refused[err.kind] || 0) + 1;
    if (!err.message.startsWith('Replayed: ')) throw new Error('message of another thread: ' + err.message);
  }
  if (verify(workerData.jwt, verifier, { algorithms: ['ES256'] }).sub === 'user-7') result.verified += 1;
}
for (let i = 0; i < 20; i++) {
  result.created.push(endpoint.create({ worker: workerData.id, i }, { to: 'alice.service' }));
}
// A handle from the main thread arrives as a plain object: refused, not used.
try {
  new Endpoint(workerData.identityHandle);
} catch (err) {
  result.handleRefused = err instanceof TypeError;
}
endpoint.close();
bob.close();
directory.close();
verifier.close();
parentPort.postMessage(result);
`;

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData, env: process.env });
    let message = null;
    worker.on('message', (m) => {
      message = m;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 && message ? resolve(message) : reject(new Error(`worker exited with ${code}`))));
  });
}

test('three worker_threads, each loading the library, validate and create tokens at once', { timeout: 300_000 }, async () => {
  const alice = Identity.generate('alice.service');
  const bob = Identity.generate('bob.service');
  const directory = new Directory([alice.machineToken, bob.machineToken]);
  const a = new Endpoint(alice, { directory });
  const key = Key.generate('ES256');
  const jwt = sign({ sub: 'user-7', exp: 4e9 }, key);
  const workers = 3;
  const perWorker = 200;
  const tokens = Array.from({ length: workers }, () =>
    Array.from({ length: perWorker }, (_, i) => a.create({ n: i }, { to: 'bob.service' })),
  );
  const running = Promise.all(
    tokens.map((list, id) =>
      runWorker({
        id,
        packagePath: require.resolve('..'),
        bobJwk: bob.toJwk(),
        jwks: directory.toJwks(),
        publicJwk: key.toPublicJwk(),
        jwt,
        tokens: list,
        identityHandle: alice,
      }),
    ),
  );
  // Meanwhile the main thread keeps working, and its own error messages stay its own.
  const expired = new hxjwt.Validation({ algorithms: ['ES256'], now: 4e9 + 1 });
  for (let i = 0; i < 200; i++) {
    assert.throws(() => verify(jwt, key, expired), { message: /^Expired: /, claim: 'exp' });
    assert.equal(verify(jwt, key, { algorithms: ['ES256'] }).sub, 'user-7');
  }
  expired.close();
  const results = await running;
  for (const [id, r] of results.entries()) {
    assert.equal(r.validated, perWorker);
    assert.deepEqual(r.refused, { Replayed: perWorker });
    assert.equal(r.verified, perWorker);
    assert.equal(r.handleRefused, true);
    assert.equal(r.created.length, 20);
    for (const [i, token] of r.created.entries()) assert.deepEqual(a.validate(token).json(), { worker: id, i });
  }
  for (const h of [a, alice, bob, directory, key]) h.close();
});
