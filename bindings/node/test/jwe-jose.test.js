'use strict';
// JWE interop with jose (panva's JOSE library, a devDependency), in this process, both ways:
// compact tokens jose makes decrypt with this package, and tokens this package makes decrypt
// with jose: ECDH-ES and ECDH-ES+A256KW over X25519 and P-256, RSA-OAEP-256, A256KW and dir,
// each with A256GCM and A128CBC-HS256. The keys are hxjwt's (generated, exported as JWKs and
// imported into jose). Also: each side refuses the other's token under the wrong alg.

const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const hxjwt = require('..');

const { jwe } = hxjwt;

const CASES = [
  ['X25519', 'ECDH-ES'],
  ['X25519', 'ECDH-ES+A256KW'],
  ['P-256', 'ECDH-ES'],
  ['P-256', 'ECDH-ES+A256KW'],
  ['RSA', 'RSA-OAEP-256'],
  ['oct-32', 'A256KW'],
  ['oct-32', 'dir'],
];
const ENCS = ['A256GCM', 'A128CBC-HS256'];

test('jose -> hxjwt and hxjwt -> jose: compact JWE, every alg x enc of the list', async (t) => {
  const jose = await import('jose');
  let checked = 0;
  for (const [kind, alg] of CASES) {
    for (const enc of ENCS) {
      await t.test(`${kind} ${alg} ${enc}`, async () => {
        const key = jwe.Key.generate(kind);
        const symmetric = kind.startsWith('oct');
        const privateJwk = JSON.parse(key.toPrivateJwk());
        const publicJwk = symmetric ? privateJwk : JSON.parse(key.toPublicJwk());
        const joseEncryptKey = await jose.importJWK(publicJwk, alg);
        const joseDecryptKey = await jose.importJWK(privateJwk, alg);
        const plaintext = Buffer.concat([crypto.randomBytes(64), Buffer.from(' é \0 end')]);

        // jose makes, hxjwt decrypts.
        const fromJose = await new jose.CompactEncrypt(plaintext)
          .setProtectedHeader({ alg, enc, kid: key.kid, cty: 'application/octet-stream' })
          .encrypt(joseEncryptKey);
        const d = jwe.decrypt(fromJose, key, { algorithms: [alg], encryptions: [enc] });
        assert.deepEqual(d.plaintext, plaintext);
        assert.equal(d.alg, alg);
        assert.equal(d.enc, enc);
        assert.equal(d.header.cty, 'application/octet-stream');
        // Not accepted under another enc: hxjwt refuses what the options do not name.
        const other = enc === 'A256GCM' ? 'A128CBC-HS256' : 'A256GCM';
        assert.throws(() => jwe.decrypt(fromJose, key, { algorithms: [alg], encryptions: [other] }), hxjwt.UnsupportedAlgorithmError);

        // hxjwt makes, jose decrypts.
        const recipient = symmetric ? key : key.toPublic();
        const fromHxjwt = jwe.encrypt(plaintext, recipient, { alg, enc, typ: 'JWT' });
        const { plaintext: back, protectedHeader } = await jose.compactDecrypt(fromHxjwt, joseDecryptKey, {
          keyManagementAlgorithms: [alg],
          contentEncryptionAlgorithms: [enc],
        });
        assert.deepEqual(Buffer.from(back), plaintext);
        assert.equal(protectedHeader.alg, alg);
        assert.equal(protectedHeader.enc, enc);
        assert.equal(protectedHeader.kid, key.kid);
        assert.equal(protectedHeader.typ, 'JWT');
        await assert.rejects(
          jose.compactDecrypt(fromHxjwt, joseDecryptKey, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [other] }),
        );
        // A tampered ciphertext from jose: DecryptionFailed.
        const parts = fromJose.split('.');
        parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
        assert.throws(() => jwe.decrypt(parts.join('.'), key, { algorithms: [alg], encryptions: [enc] }), hxjwt.DecryptionFailedError);

        if (recipient !== key) recipient.close();
        key.close();
        checked += 1;
      });
    }
  }
  assert.equal(checked, CASES.length * ENCS.length);
});

test('jose general JSON with two recipients decrypts with hxjwt, and hxjwt\'s with jose', async () => {
  const jose = await import('jose');
  const a = jwe.Key.generate('X25519');
  const b = jwe.Key.generate('oct-32');
  const aPublic = await jose.importJWK(JSON.parse(a.toPublicJwk()), 'ECDH-ES+A256KW');
  const aPrivate = await jose.importJWK(JSON.parse(a.toPrivateJwk()), 'ECDH-ES+A256KW');
  const bSecret = await jose.importJWK(JSON.parse(b.toPrivateJwk()), 'A256KW');
  const aad = Buffer.from('bound');
  const general = await new jose.GeneralEncrypt(Buffer.from('to both'))
    .setProtectedHeader({ enc: 'A256GCM' })
    .setAdditionalAuthenticatedData(aad)
    .addRecipient(aPublic)
    .setUnprotectedHeader({ alg: 'ECDH-ES+A256KW', kid: a.kid })
    .addRecipient(bSecret)
    .setUnprotectedHeader({ alg: 'A256KW', kid: b.kid })
    .encrypt();
  for (const [k, alg] of [[a, 'ECDH-ES+A256KW'], [b, 'A256KW']]) {
    const d = jwe.decryptJson(general, k, { algorithms: [alg], encryptions: ['A256GCM'] });
    assert.equal(d.text(), 'to both');
    assert.deepEqual(d.aad, aad);
  }
  const mine = JSON.parse(jwe.encryptJson('from hxjwt', [[a.toPublic(), 'ECDH-ES+A256KW'], [b, 'A256KW']], { enc: 'A128CBC-HS256', aad }));
  for (const key of [aPrivate, bSecret]) {
    const r = await jose.generalDecrypt(mine, key);
    assert.equal(Buffer.from(r.plaintext).toString(), 'from hxjwt');
    assert.deepEqual(Buffer.from(r.additionalAuthenticatedData), aad);
  }
  a.close();
  b.close();
});
