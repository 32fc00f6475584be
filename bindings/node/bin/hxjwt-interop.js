#!/usr/bin/env node
'use strict';
// The Node.js program of the cross-runtime interop matrix, and a worked example of the public
// API of the hxjwt package.
//
//   hxjwt-interop hx1-create   IDENTITY_JWK_FILE RECIPIENT_MACHINE_TOKEN_FILE PAYLOAD_FILE
//       prints the HX1 token (TTL 300 s) for the recipient, then a newline
//   hxjwt-interop hx1-validate IDENTITY_JWK_FILE SENDER_MACHINE_TOKEN_FILE TOKEN_FILE
//       validates the token as from that sender (no directory); prints the payload bytes exactly
//   hxjwt-interop es256-sign   PRIVATE_JWK_FILE CLAIMS_JSON_FILE
//       prints a compact ES256 JWS of the claims (signed exactly as the file has them)
//   hxjwt-interop es256-verify PUBLIC_JWK_FILE TOKEN_FILE
//       verifies with the algorithms ["ES256"] and no audience; prints the claims JSON
//   hxjwt-interop jwe-encrypt  ALG ENC RECIPIENT_JWK_FILE PAYLOAD_FILE
//       prints a compact JWE of exactly the payload bytes, made with the key management ALG and
//       the content encryption ENC for the key in the file (a public JWK; or a secret "oct" JWK
//       for dir / A*KW / A*GCMKW), then a newline
//   hxjwt-interop jwe-decrypt  ALG ENC PRIVATE_JWK_FILE TOKEN_FILE
//       decrypts the compact token (trailing whitespace stripped) accepting only ALG and ENC,
//       with the private (or oct) JWK in the file; prints the plaintext bytes exactly
//
// Exit status: 0 on success; 1 when the library refuses something, with
// "error: <Kind>: <message>" on stderr; 2 for usage errors and files that cannot be read.
// The library is $HXJWT_LIB, else the system loader's libhxjwt.so.0.

const fs = require('node:fs');
const path = require('node:path');

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

function readBytes(file) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${err.message}`);
  }
}

/**
 * A text file (a JWK, a machine token, claims): its bytes, given to the package as they are, so
 * that bytes that are not UTF-8 are the library's to refuse (never replaced on the way).
 */
function readText(file) {
  return readBytes(file);
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/** A token file: its bytes without trailing whitespace (it may end with a newline). */
function readToken(file) {
  const bytes = readBytes(file);
  let end = bytes.length;
  while (end > 0 && WHITESPACE.has(bytes[end - 1])) end -= 1;
  return bytes.subarray(0, end);
}

function main(argv) {
  // Loaded here so that a usage error never needs the library.
  const hxjwt = require(path.join(__dirname, '..', 'lib', 'index.js'));
  const { Identity, Endpoint, Key, sign, verifyRaw, jwe } = hxjwt;
  const commands = {
    'hx1-create': ([identityFile, recipientFile, payloadFile]) => {
      const identityJwk = readText(identityFile);
      const recipientToken = readText(recipientFile);
      const payload = readBytes(payloadFile);
      const identity = Identity.fromJwk(identityJwk);
      const endpoint = new Endpoint(identity);
      try {
        return `${endpoint.create(payload, { recipientToken, ttl: 300 })}\n`;
      } finally {
        endpoint.close();
        identity.close();
      }
    },
    'hx1-validate': ([identityFile, senderFile, tokenFile]) => {
      const identityJwk = readText(identityFile);
      const sender = readText(senderFile);
      const token = readToken(tokenFile);
      const identity = Identity.fromJwk(identityJwk);
      const endpoint = new Endpoint(identity);
      try {
        return endpoint.validate(token, { sender }).payload;
      } finally {
        endpoint.close();
        identity.close();
      }
    },
    'es256-sign': ([keyFile, claimsFile]) => {
      const jwk = readText(keyFile);
      const claims = readText(claimsFile);
      const key = Key.fromJwk(jwk);
      try {
        return `${sign(claims, key, { algorithm: 'ES256' })}\n`;
      } finally {
        key.close();
      }
    },
    'es256-verify': ([keyFile, tokenFile]) => {
      const jwk = readText(keyFile);
      const token = readToken(tokenFile);
      const key = Key.fromJwk(jwk);
      try {
        return `${verifyRaw(token, key, { algorithms: ['ES256'] })}\n`;
      } finally {
        key.close();
      }
    },
    'jwe-encrypt': ([alg, enc, keyFile, payloadFile]) => {
      const jwk = readText(keyFile);
      const payload = readBytes(payloadFile);
      const key = jwe.Key.fromJwk(jwk);
      try {
        return `${jwe.encrypt(payload, key, { alg, enc })}\n`;
      } finally {
        key.close();
        payload.fill(0);
      }
    },
    'jwe-decrypt': ([alg, enc, keyFile, tokenFile]) => {
      const jwk = readText(keyFile);
      const token = readToken(tokenFile);
      const key = jwe.Key.fromJwk(jwk);
      try {
        return jwe.decrypt(token, key, { algorithms: [alg], encryptions: [enc] }).plaintext;
      } finally {
        key.close();
        jwk.fill(0);
      }
    },
  };
  const arity = {
    'hx1-create': 3,
    'hx1-validate': 3,
    'es256-sign': 2,
    'es256-verify': 2,
    'jwe-encrypt': 4,
    'jwe-decrypt': 4,
  };

  const [command, ...args] = argv;
  if (!Object.hasOwn(commands, command)) {
    throw new UsageError(
      command === undefined
        ? 'usage: hxjwt-interop hx1-create|hx1-validate|es256-sign|es256-verify FILE... | ' +
            'jwe-encrypt|jwe-decrypt ALG ENC KEY_FILE FILE'
        : `unknown command "${command}"`,
    );
  }
  if (args.length !== arity[command]) {
    throw new UsageError(`${command} takes ${arity[command]} arguments, not ${args.length}`);
  }
  try {
    return commands[command](args);
  } catch (err) {
    if (err instanceof hxjwt.HxJwtError) {
      process.stderr.write(`error: ${err.kind}: ${err.detail}\n`);
      process.exitCode = EXIT_REFUSED;
      return null;
    }
    throw err;
  }
}

try {
  const out = main(process.argv.slice(2));
  if (out !== null) {
    process.stdout.write(out); // flushed before the process exits (no process.exit())
  }
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = EXIT_USAGE;
  } else {
    throw err;
  }
}
