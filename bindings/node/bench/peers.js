#!/usr/bin/env node
'use strict';
// hxjwt's Node.js face against fast-jwt and jose on the same work, for `make bench`: HS256 and
// ES256 sign and verify of the harness's claims (sub, name, iat, exp, aud, iss) with the same
// checks (algorithm list, signature, exp with no leeway, aud, iss), keys parsed once, every
// library verifying every other's token first (and refusing an expired one). The sides run
// interleaved in rounds in this process (A B C, B C A, …): one untimed warm-up round fixes each
// side's batch (~0.12 s of calls, times BENCH_SCALE), then 7 timed rounds; a row gives the median
// over rounds and each side's time / hxjwt's taken within each round. jose is asynchronous (a
// Promise per call, awaited one at a time): its rows include that.
//
//   HXJWT_LIB=…/libhxjwt.so.0 NODE_PATH=target/bench/node/node_modules \
//     node bindings/node/bench/peers.js results.json
//
// fast-jwt, jose and koffi come from target/bench/node/node_modules (bench/node/package.json,
// installed by `make bench-node-build`), never from the hxjwt package's dependencies.

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const hxjwt = require('..');

const SCALE = Number(process.env.BENCH_SCALE || '1');
const ROUNDS = 7;
const ROUND_SECONDS = 0.12 * SCALE;
const KEYS = path.join(__dirname, '..', '..', '..', 'tests', 'vectors', 'keys');
const MODULES = (process.env.NODE_PATH || '').split(path.delimiter).filter(Boolean);
const AUD = 'api.example.com';
const ISS = 'https://login.example.com';

function peer(name) {
  return require.resolve(name, { paths: MODULES });
}

function version(name) {
  for (const dir of MODULES) {
    const file = path.join(dir, name, 'package.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  }
  return '?';
}

const now = () => process.hrtime.bigint();

async function runBatch(fn, isAsync, n) {
  const t0 = now();
  if (isAsync) {
    for (let i = 0; i < n; i++) await fn();
  } else {
    for (let i = 0; i < n; i++) fn();
  }
  return Number(now() - t0);
}

const rows = [];

// sides: [name, fn, isAsync], hxjwt first.
async function interleave(op, sides) {
  const batch = [];
  for (const [, fn, isAsync] of sides) {
    let n = 0;
    const t0 = now();
    while (Number(now() - t0) < ROUND_SECONDS * 1e9 || n < 3) {
      if (isAsync) await fn();
      else fn();
      n++;
    }
    const perCall = Number(now() - t0) / n;
    batch.push(Math.max(1, Math.floor((ROUND_SECONDS * 1e9) / perCall)));
  }
  const rounds = sides.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      const ns = await runBatch(sides[i][1], sides[i][2], batch[i]);
      rounds[i].push(ns / batch[i]);
    }
  }
  const spread = (v) => {
    const s = [...v].sort((a, b) => a - b);
    return [s[Math.floor(s.length / 2)], s[0], s[s.length - 1]];
  };
  sides.forEach(([impl], i) => {
    const [med, lo, hi] = spread(rounds[i]);
    const [ratio, rlo, rhi] = spread(rounds[i].map((x, j) => x / rounds[0][j]));
    process.stderr.write(`  node       ${op.padEnd(28)} ${impl.padEnd(24)} ${med.toFixed(0).padStart(12)} ns  (x${ratio.toFixed(2)} hxjwt's)\n`);
    rows.push({
      group: 'node', op, impl, median_ns: med, min_ns: lo, max_ns: hi, rounds_ns: rounds[i],
      batch: batch[i], ratio_to_hxjwt: ratio, ratio_to_hxjwt_min: rlo, ratio_to_hxjwt_max: rhi,
    });
  });
}

async function refuses(fn) {
  try {
    await fn();
  } catch {
    return true;
  }
  return false;
}

async function main() {
  const fastJwt = require(peer('fast-jwt'));
  const jose = await import(peer('jose'));
  const t = Math.floor(Date.now() / 1000);
  const claims = { sub: 'user-7', name: 'Ada Lovelace', iat: t - 60, exp: t + 3600, aud: AUD, iss: ISS };
  const expired = { ...claims, iat: t - 100, exp: t - 10 };
  const secret = Buffer.alloc(32, 0x5a);
  const cases = [
    {
      alg: 'HS256',
      hxSign: hxjwt.Key.fromSecret(secret),
      hxVerify: hxjwt.Key.fromSecret(secret),
      fastSign: secret,
      fastVerify: secret,
      joseSign: crypto.createSecretKey(secret),
      joseVerify: crypto.createSecretKey(secret),
    },
    (() => {
      const priv = fs.readFileSync(path.join(KEYS, 'ec-P-256.pkcs8.pem'), 'utf8');
      const pub = fs.readFileSync(path.join(KEYS, 'ec-P-256.spki.pem'), 'utf8');
      return {
        alg: 'ES256',
        hxSign: hxjwt.Key.fromPem(priv),
        hxVerify: hxjwt.Key.fromPem(pub),
        // fast-jwt caches its parsed keys (by PEM text); jose takes KeyObjects.
        fastSign: priv,
        fastVerify: pub,
        joseSign: crypto.createPrivateKey(priv),
        joseVerify: crypto.createPublicKey(pub),
      };
    })(),
  ];
  for (const c of cases) {
    const validation = new hxjwt.Validation({ algorithms: [c.alg], audience: AUD, issuer: ISS, leeway: 0 });
    const fastSigner = fastJwt.createSigner({ key: c.fastSign, algorithm: c.alg });
    const fastVerifier = fastJwt.createVerifier({
      key: c.fastVerify, algorithms: [c.alg], allowedAud: AUD, allowedIss: ISS, clockTolerance: 0,
      requiredClaims: ['exp', 'aud', 'iss'],
    });
    const joseSign = (cl) => new jose.SignJWT(cl).setProtectedHeader({ alg: c.alg, typ: 'JWT' }).sign(c.joseSign);
    const joseVerify = (tok) => jose.jwtVerify(tok, c.joseVerify, {
      algorithms: [c.alg], audience: AUD, issuer: ISS, clockTolerance: 0, requiredClaims: ['exp', 'aud', 'iss'],
    });
    const signOptions = { algorithm: c.alg };
    const tokens = [hxjwt.sign(claims, c.hxSign, signOptions), fastSigner(claims), await joseSign(claims)];
    for (const tok of tokens) {
      const a = hxjwt.verify(tok, c.hxVerify, validation);
      const b = fastVerifier(tok);
      const d = (await joseVerify(tok)).payload;
      for (const got of [a, b, d]) {
        if (JSON.stringify(got) !== JSON.stringify(claims)) throw new Error(`${c.alg}: claims differ: ${JSON.stringify(got)}`);
      }
    }
    const old = hxjwt.sign(expired, c.hxSign, signOptions);
    if (!(await refuses(() => hxjwt.verify(old, c.hxVerify, validation)))) throw new Error('hxjwt accepted an expired token');
    if (!(await refuses(() => fastVerifier(old)))) throw new Error('fast-jwt accepted an expired token');
    if (!(await refuses(() => joseVerify(old)))) throw new Error('jose accepted an expired token');

    const token = tokens[0];
    await interleave(`${c.alg} sign`, [
      ['hxjwt', () => hxjwt.sign(claims, c.hxSign, signOptions), false],
      ['fast-jwt', () => fastSigner(claims), false],
      ['jose', () => joseSign(claims), true],
    ]);
    await interleave(`${c.alg} verify`, [
      ['hxjwt', () => hxjwt.verify(token, c.hxVerify, validation), false],
      ['hxjwt verifyRaw', () => hxjwt.verifyRaw(token, c.hxVerify, validation), false],
      ['fast-jwt', () => fastVerifier(token), false],
      ['jose', () => joseVerify(token), true],
    ]);
    validation.close();
    c.hxSign.close();
    c.hxVerify.close();
  }
  const doc = {
    face: 'node',
    meta: {
      node: process.version, hxjwt_library: hxjwt.libraryVersion(), 'fast-jwt': version('fast-jwt'),
      jose: version('jose'), koffi: version('koffi'), rounds: ROUNDS, round_seconds: ROUND_SECONDS,
    },
    rows,
  };
  const text = JSON.stringify(doc, null, 1);
  if (process.argv[2]) fs.writeFileSync(process.argv[2], text);
  else console.log(text);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
