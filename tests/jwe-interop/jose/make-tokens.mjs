#!/usr/bin/env node
// Makes JWE tokens with jose (panva's JOSE library for Node.js) for hxjwt to decrypt: the
// direction "jose encrypts, hxjwt decrypts" of the jose interop (check-hxjwt.mjs is the other).
//
//   node tests/jwe-interop/jose/make-tokens.mjs OUT.json
//
// Fresh keys each run, made by jose and written as JWKs; a compact token for every alg x enc
// pair that both jose and hxjwt implement (ECDH-ES over X25519, P-256, P-384 and P-521), plus
// ECDH-ES with apu/apv, a general JSON token with five recipients, a flattened JSON one with aad
// and unprotected headers, a zip DEF one, and nested JWTs (ES256, EdDSA, RS256 inside). PBES2
// uses jose's default p2c (2048).
//
// tests/vectors/jwe-jose.json is this program's output, committed: core/tests/jwe_jose.rs
// checks it in every `cargo test`, and `make jwe-jose-interop` checks a freshly made file too
// (HXJWT_JOSE_TOKENS). Format:
//
//   {"generator": str, "keys": {name: private JWK (kid = name)},
//    "tokens": [{"name", "serialization": "compact" | "json", "alg", "enc", "key": name,
//                "token": str, "plaintext_b64url", "aad_b64url"?, "zip"?: true}],
//    "signing_keys": {name: public JWK (use "sig")},
//    "nested": [{"name", "jws_alg", "signer": name, "alg", "enc", "key": name, "token": str,
//                "claims": {...}}]}
//
// A JSON token with several recipients appears once per recipient (same token, its key). A
// nested token is a JWT jose signed with signing_keys[signer]'s private half (not written) and
// then encrypted (cty "JWT"); decrypting and verifying it gives "claims" (aud "hxjwt").

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const joseVersion = JSON.parse(
  readFileSync(join(here, 'node_modules', 'jose', 'package.json'), 'utf8'),
).version;

const ENCS = ['A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512', 'A128GCM', 'A192GCM', 'A256GCM'];
const ENC_KEY_LEN = {
  'A128CBC-HS256': 32, 'A192CBC-HS384': 48, 'A256CBC-HS512': 64,
  A128GCM: 16, A192GCM: 24, A256GCM: 32,
};
const CURVES = { x25519: 'X25519', p256: 'P-256', p384: 'P-384', p521: 'P-521' };
// Every alg jose and hxjwt share, with the keys it is used with. jose also has RSA-OAEP-384 and
// RSA-OAEP-512 (not in hxjwt); hxjwt also has ECDH-1PU (not in jose).
const ALGS = {
  dir: (enc) => [`oct${ENC_KEY_LEN[enc]}`],
  A128KW: () => ['oct16'], A192KW: () => ['oct24'], A256KW: () => ['oct32'],
  A128GCMKW: () => ['oct16'], A192GCMKW: () => ['oct24'], A256GCMKW: () => ['oct32'],
  'ECDH-ES': () => Object.keys(CURVES),
  'ECDH-ES+A128KW': () => Object.keys(CURVES),
  'ECDH-ES+A192KW': () => Object.keys(CURVES),
  'ECDH-ES+A256KW': () => Object.keys(CURVES),
  'RSA-OAEP': () => ['rsa2048'], 'RSA-OAEP-256': () => ['rsa2048'],
  'PBES2-HS256+A128KW': () => ['password'],
  'PBES2-HS384+A192KW': () => ['password'],
  'PBES2-HS512+A256KW': () => ['password'],
};

const encoder = new TextEncoder();

async function makeKeys() {
  const keys = {};
  for (const n of [16, 24, 32, 48, 64]) {
    keys[`oct${n}`] = { kty: 'oct', k: jose.base64url.encode(crypto.getRandomValues(new Uint8Array(n))) };
  }
  keys.password = { kty: 'oct', k: jose.base64url.encode('hxjwt and jose: a password, not a key') };
  const pairs = { rsa2048: ['RSA-OAEP-256', { modulusLength: 2048 }] };
  for (const [name, crv] of Object.entries(CURVES)) pairs[name] = ['ECDH-ES', { crv }];
  for (const [name, [alg, options]] of Object.entries(pairs)) {
    const { privateKey } = await jose.generateKeyPair(alg, { ...options, extractable: true });
    keys[name] = { ...(await jose.exportJWK(privateKey)), use: 'enc' };
  }
  for (const [name, jwk] of Object.entries(keys)) jwk.kid = name;
  return keys;
}

/** The key jose encrypts to: the public half of an asymmetric JWK. */
async function encryptionKey(jwk, alg) {
  const { d, p, q, dp, dq, qi, ...pub } = jwk;
  return jose.importJWK(jwk.kty === 'oct' ? jwk : pub, alg);
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node make-tokens.mjs OUT.json   (see the comment at the top)');
    process.exit(2);
  }
  const keys = await makeKeys();
  const tokens = [];
  const plaintext = (what) => encoder.encode(`made by jose ${joseVersion}, read by hxjwt: ${what} ünïcödé`);
  const push = (entry, pt) => tokens.push({ ...entry, plaintext_b64url: jose.base64url.encode(pt) });

  for (const [alg, keyNames] of Object.entries(ALGS)) {
    for (const enc of ENCS) {
      for (const key of keyNames(enc)) {
        const pt = plaintext(`${alg} ${enc} ${key}`);
        const token = await new jose.CompactEncrypt(pt)
          .setProtectedHeader({ alg, enc, kid: key })
          .encrypt(await encryptionKey(keys[key], alg));
        push({ name: `${alg} ${enc} ${key}`, serialization: 'compact', alg, enc, key, token }, pt);
      }
    }
  }

  // ECDH-ES with Agreement PartyUInfo / PartyVInfo (they enter the Concat KDF).
  for (const [alg, enc, key] of [['ECDH-ES', 'A256GCM', 'x25519'], ['ECDH-ES+A128KW', 'A128CBC-HS256', 'p521']]) {
    const pt = plaintext(`${alg} ${enc} ${key} apu/apv`);
    const token = await new jose.CompactEncrypt(pt)
      .setProtectedHeader({ alg, enc, kid: key })
      .setKeyManagementParameters({ apu: encoder.encode('Alice'), apv: encoder.encode('Bob') })
      .encrypt(await encryptionKey(keys[key], alg));
    push({ name: `${alg} ${enc} ${key} apu/apv`, serialization: 'compact', alg, enc, key, token }, pt);
  }

  // zip DEF (hxjwt accepts it only when enabled, up to a bound).
  {
    const pt = encoder.encode(`made by jose, compressed: ${'the same words again and again, '.repeat(40)}`);
    const token = await new jose.CompactEncrypt(pt)
      .setProtectedHeader({ alg: 'A128KW', enc: 'A128GCM', zip: 'DEF', kid: 'oct16' })
      .encrypt(await encryptionKey(keys.oct16, 'A128KW'));
    push({ name: 'A128KW A128GCM oct16 zip', serialization: 'compact', alg: 'A128KW', enc: 'A128GCM', key: 'oct16', token, zip: true }, pt);
  }

  // General JSON: five recipients, shared unprotected header, aad.
  {
    const enc = 'A256GCM';
    const recipients = [
      ['RSA-OAEP-256', 'rsa2048'], ['ECDH-ES+A256KW', 'p256'], ['ECDH-ES+A128KW', 'x25519'],
      ['A256GCMKW', 'oct32'], ['PBES2-HS256+A128KW', 'password'],
    ];
    const pt = plaintext('general JSON, five recipients');
    const aad = encoder.encode('jose aad');
    let e = new jose.GeneralEncrypt(pt)
      .setProtectedHeader({ enc })
      .setSharedUnprotectedHeader({ 'x-shared': 'jose' })
      .setAdditionalAuthenticatedData(aad);
    for (const [alg, key] of recipients) {
      e = e.addRecipient(await encryptionKey(keys[key], alg)).setUnprotectedHeader({ alg, kid: key }).done();
    }
    const token = JSON.stringify(await e.encrypt());
    for (const [alg, key] of recipients) {
      push({ name: `general JSON ${alg} ${key}`, serialization: 'json', alg, enc, key, token, aad_b64url: jose.base64url.encode(aad) }, pt);
    }
  }

  // Flattened JSON: alg in the per-recipient header, enc protected, aad.
  {
    const [alg, enc, key] = ['ECDH-ES+A192KW', 'A128CBC-HS256', 'p384'];
    const pt = plaintext('flattened JSON');
    const aad = encoder.encode('flattened aad');
    const token = JSON.stringify(
      await new jose.FlattenedEncrypt(pt)
        .setProtectedHeader({ enc })
        .setUnprotectedHeader({ alg, kid: key })
        .setSharedUnprotectedHeader({ 'x-shared': 'jose' })
        .setAdditionalAuthenticatedData(aad)
        .encrypt(await encryptionKey(keys[key], alg)),
    );
    push({ name: `flattened JSON ${alg} ${enc} ${key}`, serialization: 'json', alg, enc, key, token, aad_b64url: jose.base64url.encode(aad) }, pt);
  }

  // Nested JWTs (sign, then encrypt with cty "JWT"): jose's SignJWT inside its CompactEncrypt.
  const signingKeys = {};
  const nested = [];
  for (const [jwsAlg, alg, enc, key] of [
    ['ES256', 'ECDH-ES+A256KW', 'A256GCM', 'p256'],
    ['EdDSA', 'RSA-OAEP-256', 'A128CBC-HS256', 'rsa2048'],
    ['RS256', 'ECDH-ES', 'A256GCM', 'x25519'],
  ]) {
    const signer = jwsAlg.toLowerCase();
    const { privateKey, publicKey } = await jose.generateKeyPair(jwsAlg, {
      ...(jwsAlg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
      extractable: true,
    });
    signingKeys[signer] = { ...(await jose.exportJWK(publicKey)), use: 'sig', kid: signer };
    const claims = { sub: `nested ${jwsAlg}`, iss: 'jose', aud: 'hxjwt', iat: 1_700_000_000, exp: 4_000_000_000 };
    const signed = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: jwsAlg, typ: 'JWT', kid: signer })
      .sign(privateKey);
    const token = await new jose.CompactEncrypt(encoder.encode(signed))
      .setProtectedHeader({ alg, enc, cty: 'JWT', kid: key })
      .encrypt(await encryptionKey(keys[key], alg));
    nested.push({ name: `nested ${jwsAlg} in ${alg} ${enc} ${key}`, jws_alg: jwsAlg, signer, alg, enc, key, token, claims });
  }

  const doc = {
    generator: `jose ${joseVersion} (npm), tests/jwe-interop/jose/make-tokens.mjs`,
    keys,
    tokens,
    signing_keys: signingKeys,
    nested,
  };
  writeFileSync(process.argv[2], `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`make-tokens: ${tokens.length} tokens and ${nested.length} nested JWTs made with jose ${joseVersion} in ${process.argv[2]}`);
}

await main();
