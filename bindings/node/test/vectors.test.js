'use strict';
// The shared vectors (tests/vectors/README.md) through the Node.js package, as
// tests/c/test_vectors.c and tests/python/test_vectors.py check them: hx1-kat.json (an
// independent implementation's tokens), hx1.json (every positive vector validates in directory
// and shared-key mode with its payload byte for byte; every negative one is refused with its
// kind) and jws.json (test_jws_vectors.c: every valid token verifies with its claims, and signs
// again byte for byte where the algorithm is deterministic; every invalid one is refused with its
// kind and claim).

const test = require('node:test');
const assert = require('node:assert/strict');
const hxjwt = require('..');
const { loadVectors, b64urlDecode, caught } = require('./helpers');

const { Identity, Directory, Endpoint, Key, Validation, ERROR_CLASSES } = hxjwt;

// ---- hx1-kat.json -------------------------------------------------------------------------

test('hx1-kat.json: every token validates as the recipient, and no longer when tampered or at exp', async (t) => {
  const kat = loadVectors('hx1-kat.json');
  assert.ok(kat.vectors.length >= 3);
  const sender = Identity.fromJwk(kat.sender);
  const recipient = Identity.fromJwk(kat.recipient);
  const directory = new Directory([sender.machineToken]);
  for (const v of kat.vectors) {
    await t.test(`kat-iat-${v.iat}`, () => {
      const endpoint = new Endpoint(recipient, { directory, now: v.iat });
      for (const sender_ of [sender.machineToken, undefined]) {
        const m = endpoint.validate(v.token, { sender: sender_ });
        assert.deepEqual(m.payload, b64urlDecode(v.plaintext_b64url));
        assert.equal(m.issuer, 'alice.service');
        assert.equal(m.audience, 'bob.service');
        assert.equal(m.issuedAt, v.iat);
        assert.equal(m.expiresAt, v.exp);
      }
      const n = v.token.length;
      const tampered = v.token.slice(0, n - 5) + (v.token[n - 5] === 'A' ? 'B' : 'A') + v.token.slice(n - 4);
      assert.throws(() => endpoint.validate(tampered, { sender: sender.machineToken }), ERROR_CLASSES.InvalidSignature);
      endpoint.setTime(v.exp);
      assert.throws(() => endpoint.validate(v.token, { sender: sender.machineToken }), hxjwt.ExpiredError);
      endpoint.close();
    });
  }
});

// ---- hx1.json -------------------------------------------------------------------------------

const HX1 = loadVectors('hx1.json');
const IDENTITIES = Object.fromEntries(
  Object.entries(HX1.identities).map(([name, jwk]) => [name, Identity.fromJwk(jwk)]),
);
const DIRECTORY = Directory.fromJwks(HX1.directory);
const SECRETS = Object.values(HX1.identities).map((jwk) => jwk.d);

test('hx1.json is complete, and its identities and directory load', () => {
  assert.ok(HX1.positive.length >= 5 && HX1.negative.length >= 30);
  assert.deepEqual(Object.keys(IDENTITIES).sort(), [
    'alice.service',
    'bob.service',
    'carol.service',
    'mallory.service',
  ]);
  for (const [name, identity] of Object.entries(IDENTITIES)) assert.equal(identity.name, name);
  assert.equal(DIRECTORY.size, 3);
  for (const v of HX1.negative) assert.ok(hxjwt.KINDS.includes(v.error), v.error);
});

test('hx1.json positive: each validates in directory and shared-key mode, byte for byte', async (t) => {
  for (const v of HX1.positive) {
    await t.test(v.name, () => {
      const policy = v.max_token_len === undefined ? {} : { maxTokenLength: v.max_token_len };
      const recipient = IDENTITIES[v.recipient];
      const senderToken = IDENTITIES[v.sender].machineToken;
      const byDirectory = new Endpoint(recipient, { directory: DIRECTORY, now: v.iat, ...policy });
      const shared = new Endpoint(recipient, { now: v.iat, ...policy });
      const messages = [
        byDirectory.validate(v.token),
        shared.validate(v.token, { sender: senderToken }),
        // The token's bytes are accepted as well as a string.
        shared.validate(Buffer.from(v.token), { sender: JSON.parse(senderToken) }),
      ];
      for (const m of messages) {
        assert.deepEqual(m.payload, b64urlDecode(v.plaintext_b64url));
        assert.equal(m.issuer, v.sender);
        assert.equal(m.audience, v.recipient);
        assert.equal(m.issuedAt, v.iat);
        assert.equal(m.expiresAt, v.exp);
        assert.equal(m.notBefore, v.nbf ?? null);
        assert.equal(m.jti, v.jti ?? null);
        assert.equal(m.contentType, v.cty ?? null);
      }
      byDirectory.close();
      shared.close();
    });
  }
});

function failingDirectory() {
  return Directory.fromCallback((name) => {
    throw new Error(`directory unreachable while looking up ${name}`);
  });
}

test('hx1.json negative: each is refused with its kind, and no message has a private key', async (t) => {
  const seen = new Set();
  for (const v of HX1.negative) {
    await t.test(v.name, () => {
      const policy = v.policy ?? {};
      const failing = v.directory_fails ? failingDirectory() : null;
      const endpoint = new Endpoint(IDENTITIES[v.recipient], {
        directory: failing ?? DIRECTORY,
        now: v.now,
        leeway: policy.leeway,
        maxLifetime: policy.max_lifetime,
        audiences: policy.audiences,
        maxTokenLength: policy.max_token_len,
        replayProtection: Boolean(v.replay),
      });
      if (failing) failing.close(); // the endpoint keeps its own reference
      let options;
      if (v.mode === 'shared') {
        options = { sender: v.sender_jwk };
      } else {
        assert.equal(v.mode, 'directory');
      }
      if (v.replay) endpoint.validate(v.token, options); // accepted the first time
      const err = caught(() => endpoint.validate(v.token, options));
      assert.ok(err instanceof hxjwt.HxJwtError, String(err));
      assert.equal(err.kind, v.error, err.message);
      assert.ok(err instanceof ERROR_CLASSES[v.error]);
      assert.equal(err.constructor, ERROR_CLASSES[v.error]);
      assert.equal(err.name, `${v.error}Error`);
      assert.ok(err.message.startsWith(`${v.error}: `), err.message);
      assert.equal(err.claim, null); // HX1 failures are about no claim
      for (const d of SECRETS) assert.ok(!err.message.includes(d), 'a private key in a message');
      if (v.directory_fails) {
        assert.ok(err.cause instanceof Error);
        assert.match(err.cause.message, /directory unreachable/);
      }
      seen.add(v.error);
      endpoint.close();
    });
  }
  // Every kind of a token check is reachable from Node: each appears in some vector.
  for (const kind of [
    'Malformed',
    'UnsupportedAlgorithm',
    'UnknownHeader',
    'WrongAudience',
    'UnknownIssuer',
    'IssuerMismatch',
    'InvalidKey',
    'InvalidSignature',
    'Expired',
    'NotYetValid',
    'LifetimeTooLong',
    'DecryptionFailed',
    'Replayed',
    'ResolverFailed',
  ]) {
    assert.ok(seen.has(kind), `no negative vector gives ${kind}`);
  }
});

// ---- jws.json -------------------------------------------------------------------------------

const JWS = loadVectors('jws.json');
const SIGNERS = {};
const VERIFIERS = {};
const JWS_SECRETS = [];
for (const [name, jwk] of Object.entries(JWS.keys)) {
  SIGNERS[name] = Key.fromJwk(jwk);
  VERIFIERS[name] = jwk.kty === 'oct' ? Key.fromJwk(jwk) : SIGNERS[name].toPublic();
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    if (typeof jwk[member] === 'string') JWS_SECRETS.push(jwk[member]);
  }
}

const VALIDATION_MEMBERS = {
  algorithms: 'algorithms',
  leeway: 'leeway',
  audience: 'audience',
  issuer: 'issuer',
  subject: 'subject',
  required: 'requiredClaims',
  typ: 'typ',
  max_age: 'maxAge',
  verify_exp: 'verifyExp',
  verify_nbf: 'verifyNbf',
  verify_iat: 'verifyIat',
  verify_aud: 'verifyAud',
};

/** The Validation an entry describes, with the clock at `now`. */
function validationOf(entry) {
  const options = { now: entry.now };
  for (const [member, value] of Object.entries(entry.validation)) {
    const option = VALIDATION_MEMBERS[member];
    assert.ok(option, `${entry.name}: unknown validation member "${member}" (the format changed)`);
    options[option] = value;
  }
  return new Validation(options);
}

test('jws.json keys: each loads, private, with its kid; verifiers are public', () => {
  for (const name of Object.keys(JWS.keys)) {
    assert.equal(SIGNERS[name].kid, name);
    assert.equal(SIGNERS[name].isPrivate, true);
    if (JWS.keys[name].kty !== 'oct') assert.equal(VERIFIERS[name].isPrivate, false);
  }
});

test('jws.json valid: each verifies with its claims, and signs again byte for byte', async (t) => {
  let resigned = 0;
  for (const e of JWS.valid) {
    await t.test(e.name, () => {
      const v = validationOf(e);
      try {
        assert.deepEqual(hxjwt.verify(e.token, VERIFIERS[e.key], v), e.claims);
        assert.deepEqual(hxjwt.verify(e.token, SIGNERS[e.key], v), e.claims);
        const header = hxjwt.decodeHeader(e.token);
        assert.equal(header.alg, e.alg);
        if (e.alg.startsWith('HS') || e.alg.startsWith('RS') || e.alg === 'EdDSA') {
          // Deterministic signatures: when sign() can rebuild the signing input exactly (the
          // same header members, the payload as given), the signature is the token's.
          const [h, p, s] = e.token.split('.');
          const payload = b64urlDecode(p).toString('utf8');
          const { alg, ...members } = header;
          let again = null;
          try {
            again = hxjwt.sign(payload, SIGNERS[e.key], { algorithm: alg, header: members });
          } catch {
            again = null;
          }
          if (again !== null && again.startsWith(`${h}.${p}.`)) {
            assert.equal(again.split('.')[2], s, 'signed again, the signature differs');
            resigned += 1;
          }
        }
      } finally {
        v.close();
      }
    });
  }
  assert.ok(resigned >= 10, `only ${resigned} valid vectors could be signed again`);
});

const CLAIM_KINDS = new Set(['MissingClaim', 'InvalidClaim', 'Expired', 'NotYetValid', 'WrongAudience', 'IssuerMismatch']);

test('jws.json invalid: each is refused with its kind (and claim), no message has a private key', async (t) => {
  const claimKindsSeen = new Set();
  for (const e of JWS.invalid) {
    await t.test(e.name, () => {
      const v = validationOf(e);
      try {
        const err = caught(() => hxjwt.verify(e.token, VERIFIERS[e.key], v));
        assert.ok(err instanceof hxjwt.HxJwtError, String(err));
        assert.equal(err.kind, e.error, err.message);
        assert.equal(err.constructor, ERROR_CLASSES[e.error]);
        if (CLAIM_KINDS.has(e.error)) {
          // A claim failure names its claim (or header member).
          assert.equal(typeof err.claim, 'string', `${e.name}: no claim named`);
          assert.ok(err.claim.length > 0);
          claimKindsSeen.add(e.error);
        } else {
          assert.equal(err.claim, null);
        }
        for (const secret of JWS_SECRETS) assert.ok(!err.message.includes(secret), 'a private key in a message');
      } finally {
        v.close();
      }
    });
  }
  assert.deepEqual([...claimKindsSeen].sort(), [...CLAIM_KINDS].sort());
});
