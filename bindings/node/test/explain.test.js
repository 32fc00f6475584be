'use strict';
// explain() and Endpoint.explain() (issue 17 item 5): every failed check at once, with the kind
// of the error verify()/validate() throws; never an acceptance.

const test = require('node:test');
const assert = require('node:assert/strict');

const hxjwt = require('..');
const { Identity, Directory, Endpoint, Key, sign, verify, explain } = hxjwt;
const { caught } = require('./helpers');

const NOW = 1_767_225_600;
const SECRET = 'a secret of at least thirty-two bytes!!';

const failed = (report) => report.checks.filter((c) => c.outcome === 'failed').map((c) => [c.check, c.kind]);

test('explain() reports exp, aud and iss failing together, with verify()\'s kinds', () => {
  const key = Key.fromSecret(SECRET);
  const token = sign({ iss: 'mallory', aud: 'elsewhere', exp: 1000 }, key, { algorithm: 'HS256' });
  const options = { algorithms: ['HS256'], audience: 'api', issuer: ['login'], now: NOW };
  const report = explain(token, key, options);
  assert.deepEqual(failed(report), [['exp', 'Expired'], ['aud', 'WrongAudience'], ['iss', 'IssuerMismatch']]);
  assert.equal(report.passed, false);
  assert.equal(report.claims.iss, 'mallory');
  const err = caught(() => verify(token, key, options));
  assert.equal(err.kind, report.checks.find((c) => c.outcome === 'failed').kind);
  assert.equal(err.code, report.checks.find((c) => c.check === 'exp').code);
  assert.ok(!JSON.stringify(report).includes('thirty-two'));

  // A bad signature: the claims are neither checked nor shown.
  const forged = sign({ exp: 1 }, Key.fromSecret('another secret, thirty-two bytes long'), { algorithm: 'HS256' });
  const r = explain(forged, key, options);
  assert.deepEqual(failed(r), [['signature', 'InvalidSignature']]);
  assert.equal(r.claims, null);
  assert.equal(r.checks.find((c) => c.check === 'exp').outcome, 'not_checked');

  // Garbage is a report, not an exception; bad arguments throw.
  assert.deepEqual(failed(explain('a.b', key, options)), [['format', 'Malformed']]);
  assert.throws(() => explain(token, 'not a key', options), TypeError);
});

test('Endpoint.explain() reports a wrong audience and an expired token together', () => {
  const alice = Identity.generate('alice');
  const bob = Identity.generate('bob');
  const carol = Identity.generate('carol');
  const directory = new Directory([alice.machineToken, bob.machineToken, carol.machineToken]);
  const a = new Endpoint(alice, { directory });
  const b = new Endpoint(bob, { directory });
  a.setTime(NOW);
  b.setTime(NOW + 10_000);
  const token = a.create('hi', { to: 'carol', ttl: 60 });
  const report = b.explain(token);
  assert.deepEqual(failed(report), [['aud', 'WrongAudience'], ['signature', 'InvalidSignature'], ['exp', 'Expired']]);
  const err = caught(() => b.validate(token));
  assert.equal(err.kind, 'WrongAudience');
  b.setTime(NOW);
  const ok = b.explain(a.create('hi', { to: 'bob' }));
  assert.equal(ok.passed, true);
  assert.equal(ok.payload_len, 2);
});
