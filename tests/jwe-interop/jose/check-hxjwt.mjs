#!/usr/bin/env node
// Decrypts JWE tokens made by hxjwt with jose (panva's JOSE library for Node.js): the direction
// "hxjwt encrypts, jose decrypts" of the jose interop (make-tokens.mjs is the other one).
//
//   HXJWT_JWE_EXPORT=$PWD/target/jwe-hxjwt.json \
//       cargo test --locked -p hxjwt --test jwe export_tokens_for_the_interop_check
//   node tests/jwe-interop/jose/check-hxjwt.mjs target/jwe-hxjwt.json
//
// The export (written by core/tests/jwe.rs) is {"plaintext_b64url", "tokens": [{"alg", "enc",
// "key", "serialization": "compact" | "json", "token", "sender"?, "aad"?, "zip"?}]}; "key" and
// "sender" name keys of tests/vectors/jwe.json ("keys", private JWKs). Each token is decrypted
// with jose accepting exactly its alg and enc; the plaintext (and the JSON tokens' aad) must
// match. ECDH-1PU, which jose does not implement, is counted on a "not supported by jose" line
// and is not a failure. Prints one line per failure, then the pair matrix, and ends with
// exactly "N passed, N failed" (exit status 1 on a failure).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'vectors', 'jwe.json');

// The alg values jose 6 implements (its JWE table); hxjwt's others are the ECDH-1PU family.
const JOSE_ALGS = new Set([
  'dir', 'A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW',
  'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW', 'RSA-OAEP', 'RSA-OAEP-256',
  'PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW',
]);

const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

async function decrypt(entry, keys) {
  const jwk = keys[entry.key];
  if (!jwk) throw new Error(`no key ${entry.key} in tests/vectors/jwe.json`);
  const key = await jose.importJWK(jwk, entry.alg);
  const options = {
    keyManagementAlgorithms: [entry.alg],
    contentEncryptionAlgorithms: [entry.enc],
    // hxjwt's tests write p2c = 1000; this is jose's default bound, said explicitly.
    maxPBES2Count: 10_000,
  };
  if (entry.serialization === 'compact') {
    return { ...(await jose.compactDecrypt(entry.token, key, options)), aad: undefined };
  }
  const token = JSON.parse(entry.token);
  // General JSON: jose tries each recipient in turn; only the one whose alg is allowed (the
  // entry's) can succeed, so this checks that recipient's wrapped key.
  const result = token.recipients
    ? await jose.generalDecrypt(token, key, options)
    : await jose.flattenedDecrypt(token, key, options);
  return { ...result, aad: result.additionalAuthenticatedData };
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node check-hxjwt.mjs EXPORT.json   (see the comment at the top)');
    process.exit(2);
  }
  const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const { keys } = JSON.parse(readFileSync(VECTORS, 'utf8'));
  const want = jose.base64url.decode(doc.plaintext_b64url);
  let passed = 0;
  let failed = 0;
  const unsupported = new Map();
  const matrix = new Map(); // "alg enc" -> [ok, total]
  for (const entry of doc.tokens) {
    const pair = `${entry.alg} ${entry.enc}`;
    if (!JOSE_ALGS.has(entry.alg)) {
      unsupported.set(pair, (unsupported.get(pair) ?? 0) + 1);
      continue;
    }
    const label = `jose ${entry.serialization} ${pair} ${entry.key}${entry.zip ? ' zip' : ''}`;
    const cell = matrix.get(pair) ?? [0, 0];
    matrix.set(pair, cell);
    cell[1] += 1;
    try {
      const got = await decrypt(entry, keys);
      if (!sameBytes(got.plaintext, want)) throw new Error('plaintext differs');
      if (got.protectedHeader.alg !== undefined && got.protectedHeader.alg !== entry.alg) {
        throw new Error(`protected alg is ${got.protectedHeader.alg}`);
      }
      if (entry.aad !== undefined && !sameBytes(got.aad ?? new Uint8Array(), jose.base64url.decode(entry.aad))) {
        throw new Error('aad differs');
      }
      passed += 1;
      cell[0] += 1;
    } catch (err) {
      failed += 1;
      console.log(`FAIL ${label}: ${err.code ?? err.name}: ${err.message}`);
    }
  }
  // The pair matrix: one row per alg, one column per enc, "passed/tokens" in each cell (ECDH-ES
  // cells count the four curves, and the JSON tokens count under their recipient's pair).
  const algs = [...new Set(doc.tokens.map((e) => e.alg))].filter((a) => JOSE_ALGS.has(a));
  const encs = [...new Set(doc.tokens.map((e) => e.enc))];
  console.log(['hxjwt -> jose'.padEnd(20), ...encs.map((e) => e.padStart(14))].join(''));
  for (const alg of algs) {
    const cells = encs.map((enc) => {
      const [ok, total] = matrix.get(`${alg} ${enc}`) ?? [0, 0];
      return (total ? `${ok === total ? '' : 'FAIL '}${ok}/${total}` : '-').padStart(14);
    });
    console.log([alg.padEnd(20), ...cells].join(''));
  }
  if (passed === 0) {
    failed += 1;
    console.log('FAIL: the export holds no token jose supports');
  }
  if (unsupported.size) {
    const n = [...unsupported.values()].reduce((a, b) => a + b, 0);
    const skipped = [...new Set([...unsupported.keys()].map((pair) => pair.split(' ')[0]))];
    console.log(`not supported by jose (skipped): ${n} tokens, ${unsupported.size} alg x enc pairs of ${skipped.join(', ')}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

await main();
