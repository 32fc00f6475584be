'use strict';
// Standard JWE (RFC 7516/7518, ECDH-1PU): the hx_jwe_* family of include/hxjwt.h, shaped as the
// Python face's hxjwt.jwe module (keys, decrypt options, encrypt/decrypt compact and JSON,
// ECDH-1PU, nested JWTs, the unverified header). As everywhere in this package, every decision
// about a token is the library's: this file checks JS types, converts values and maps errors.
//
// Made by lib/index.js, which hands over its converters and handle classes (create(shared)).

function create(shared) {
  const {
    hx,
    ptrOf,
    copyBytes,
    Handle,
    INTERNAL,
    newHandle,
    internalOnly,
    check,
    fail,
    takeString,
    describe,
    isPlainObject,
    cString,
    optionalCString,
    tokenArg,
    jsonArg,
    bytesArg,
    integerArg,
    u64,
    boolArg,
    optionsArg,
    stringList,
    Key: JwsKey,
    KeySet,
    Validation,
  } = shared;

  const u32 = (value, what) => integerArg(value, what, 0n, 0xffffffffn);

  // The library's defaults, equal to the header's #defines (test/jwe.test.js reads them there).
  /** The longest token decryption accepts by default, in bytes: HX_JWE_DEFAULT_MAX_TOKEN_LENGTH. */
  const DEFAULT_MAX_TOKEN_LENGTH = 262144;
  /** The largest PBES2 `p2c` accepted by default: HX_JWE_DEFAULT_MAX_P2C. */
  const DEFAULT_MAX_P2C = 200000;
  /** A sensible bound for `allowZip`, in bytes: HX_JWE_DEFAULT_MAX_INFLATED_LENGTH. */
  const DEFAULT_MAX_INFLATED_LENGTH = 250000;

  /**
   * Bytes from a secret-bearing JS value: a Buffer/Uint8Array is used as it is (the caller's
   * memory, never changed here); a string becomes a new Buffer that `wipe` zeroes after the call.
   */
  function secretBytes(value, what) {
    const bytes = bytesArg(value, what);
    const owned = !(value instanceof Uint8Array);
    return {
      bytes,
      ptr: bytes.length === 0 ? null : bytes,
      wipe() {
        if (owned) bytes.fill(0);
      },
    };
  }

  /** A plaintext: bytes as they are, a string as UTF-8, a plain object or array as compact JSON. */
  function plaintextArg(value) {
    if (isPlainObject(value) || Array.isArray(value)) {
      return secretBytes(JSON.stringify(value), 'plaintext');
    }
    if (value instanceof Uint8Array || typeof value === 'string') return secretBytes(value, 'plaintext');
    throw new TypeError(
      `plaintext must be a string, a Buffer, a Uint8Array or a plain object, not ${describe(value)}`,
    );
  }

  /** Copies `len` bytes the library returned, then wipes and frees its buffer. */
  function takeBytes(ptr, len) {
    const n = Number(len);
    try {
      return copyBytes(ptr, n);
    } finally {
      hx.hx_bytes_free(ptr, n);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Keys

  /**
   * A JWE key: a symmetric secret (`dir`, `A*KW`, `A*GCMKW`) or a PBES2 password, an RSA key
   * (RSA-OAEP), an EC key on P-256/P-384/P-521 or an X25519 key (ECDH-ES, ECDH-1PU), private or
   * public. A JWK's `alg`, `use` and `key_ops` are kept and enforced by the library.
   */
  class JweKey extends Handle {
    /** @internal */
    constructor(token, ptr) {
      internalOnly(
        token,
        'jwe.Key',
        'jwe.Key.fromJwk(), fromPem(), fromSecret(), fromPassword() or generate()',
      );
      super(ptr, hx.hx_jwe_key_free, 'jwe.Key');
    }

    static #make(fn, ...args) {
      const out = [null];
      check(fn(...args, out));
      return newHandle(JweKey, out[0]);
    }

    /** `key`, or when `kid` is given a copy with that kid (and `key` closed). */
    static #withKid(key, kid) {
      if (kid === null) return key;
      try {
        return key.withKid(kid);
      } finally {
        key.close();
      }
    }

    static #kidOption(options) {
      const o = optionsArg(options);
      return optionalCString(o.kid, 'options.kid');
    }

    /**
     * A key from a private or public JWK (JSON text, its bytes, or an object): `kty` `oct`,
     * `RSA`, `EC` or `OKP` (X25519). InvalidKeyError for one that is not a JWE key (`use` not
     * `"enc"`, a JWS `alg`, a point off its curve, ...).
     */
    static fromJwk(jwk) {
      return JweKey.#make(hx.hx_jwe_key_from_jwk, jsonArg(jwk, 'jwk'));
    }

    /** An RSA or EC key from PEM text (PKCS#8, SPKI, PKCS#1 or SEC1); `options.kid` sets its kid. */
    static fromPem(pem, options) {
      const text = pem instanceof Uint8Array ? tokenArg(pem, 'pem') : cString(pem, 'pem');
      const kid = JweKey.#kidOption(options);
      return JweKey.#withKid(JweKey.#make(hx.hx_jwe_key_from_pem, text), kid);
    }

    /**
     * A symmetric key from the secret's bytes (a string as UTF-8): the content key of `dir`
     * (16 to 64 bytes, as the `enc` needs) or the key-wrap key of `A*KW` / `A*GCMKW` (16, 24 or
     * 32 bytes). `options.kid` sets its kid.
     */
    static fromSecret(secret, options) {
      const s = secretBytes(secret, 'secret');
      try {
        const kid = JweKey.#kidOption(options);
        return JweKey.#withKid(JweKey.#make(hx.hx_jwe_key_from_secret, s.ptr, s.bytes.length), kid);
      } finally {
        s.wipe();
      }
    }

    /**
     * A PBES2 password (a string as UTF-8). Decrypting with it also needs the `PBES2-*` name in
     * `algorithms`. `options.kid` sets its kid.
     */
    static fromPassword(password, options) {
      const s = secretBytes(password, 'password');
      try {
        const kid = JweKey.#kidOption(options);
        return JweKey.#withKid(JweKey.#make(hx.hx_jwe_key_from_password, s.ptr, s.bytes.length), kid);
      } finally {
        s.wipe();
      }
    }

    /**
     * A new private key from the system's random generator: `kind` is "X25519", "P-256",
     * "P-384", "P-521" (ECDH-ES, ECDH-1PU), "RSA" (2048 bits), "RSA-3072", "RSA-4096"
     * (RSA-OAEP), or "oct-16" ... "oct-64" (a random secret of that many bytes). Its kid is its
     * RFC 7638 thumbprint. Another kind is an InvalidArgumentError.
     */
    static generate(kind) {
      return JweKey.#make(hx.hx_jwe_key_generate, cString(kind, 'kind'));
    }

    /** A copy of this key whose `kid` is `kid` (written into the headers of tokens made for it). */
    withKid(kid) {
      return JweKey.#make(hx.hx_jwe_key_with_kid, ptrOf(this, JweKey), cString(kid, 'kid'));
    }

    /** The public half (same kid, alg, use): what senders encrypt to. InvalidKeyError for a secret. */
    toPublic() {
      return JweKey.#make(hx.hx_jwe_key_to_public, ptrOf(this, JweKey));
    }

    /** The public JWK as JSON text (no private member); InvalidKeyError for a secret. */
    toPublicJwk() {
      const out = [null];
      check(hx.hx_jwe_key_to_public_jwk(ptrOf(this, JweKey), out));
      return takeString(out[0]);
    }

    /**
     * The full JWK as JSON text, **private or secret members included** (`d`, the RSA CRT
     * numbers, `k`): store it like a password. For a public key, the public JWK.
     */
    toPrivateJwk() {
      const out = [null];
      check(hx.hx_jwe_key_to_private_jwk(ptrOf(this, JweKey), out));
      return takeString(out[0]);
    }

    /** The key's `kid`, or null. */
    get kid() {
      return hx.hx_jwe_key_kid(ptrOf(this, JweKey));
    }

    /** Whether the key can decrypt: a secret or a private key (true), or a public key (false). */
    get isPrivate() {
      return hx.hx_jwe_key_is_private(ptrOf(this, JweKey));
    }

    /** The JWK `kty`: "oct" (a secret or a password), "RSA", "EC" or "OKP" (X25519). */
    get kty() {
      return hx.hx_jwe_key_kty(ptrOf(this, JweKey));
    }

    /** The curve of an EC or X25519 key ("P-256", "P-384", "P-521", "X25519"); null otherwise. */
    get curve() {
      return hx.hx_jwe_key_curve(ptrOf(this, JweKey));
    }

    /** The one key management algorithm the key is restricted to (its JWK `alg`), or null. */
    get algorithm() {
      return hx.hx_jwe_key_algorithm(ptrOf(this, JweKey));
    }

    /**
     * The RFC 7638 thumbprint (base64url SHA-256) of the public members: a private key and its
     * public half have the same. For a secret it is computed over the secret: keep it private.
     */
    thumbprint() {
      const out = [null];
      check(hx.hx_jwe_key_thumbprint(ptrOf(this, JweKey), out));
      return takeString(out[0]);
    }
  }

  function keyPtr(value, what) {
    if (!(value instanceof JweKey)) throw new TypeError(`${what} must be a jwe.Key, not ${describe(value)}`);
    return ptrOf(value);
  }

  /** One jwe.Key or an iterable of them, as an array of pointers (null when empty). */
  function keyList(value, what) {
    if (value instanceof JweKey) return [ptrOf(value)];
    if (value === null || typeof value !== 'object' || typeof value[Symbol.iterator] !== 'function') {
      throw new TypeError(`${what} must be a jwe.Key or an array of them, not ${describe(value)}`);
    }
    const list = [];
    for (const key of value) list.push(keyPtr(key, `each of ${what}`));
    return list;
  }

  const orNull = (list) => (list.length === 0 ? null : list);

  // -------------------------------------------------------------------------------------------
  // Decrypt options

  /**
   * What decryption accepts, reusable across calls: `algorithms` and `encryptions` (the `alg`
   * and `enc` names accepted; required, there is no default and the token's header never
   * chooses), `maxTokenLength` (bytes, default jwe.DEFAULT_MAX_TOKEN_LENGTH), `maxP2c` (the
   * largest PBES2 `p2c`, default jwe.DEFAULT_MAX_P2C), `allowZip` (accept `zip: "DEF"`,
   * inflating to at most that many bytes, jwe.DEFAULT_MAX_INFLATED_LENGTH being a sensible
   * bound; refused by default), `critical` (the `crit` names the caller understands and checks
   * itself) and `typ` (the required `typ`, case-insensitive).
   */
  class DecryptOptions extends Handle {
    constructor(options) {
      const o = optionsArg(options);
      for (const name of ['algorithms', 'encryptions']) {
        if (o[name] === undefined || o[name] === null) {
          throw new TypeError(`options.${name} is required (an array of names): there is no default`);
        }
      }
      const algorithms = stringList(o.algorithms, 'options.algorithms');
      const encryptions = stringList(o.encryptions, 'options.encryptions');
      const maxLen =
        o.maxTokenLength === undefined || o.maxTokenLength === null
          ? null
          : u64(o.maxTokenLength, 'options.maxTokenLength');
      const maxP2c = o.maxP2c === undefined || o.maxP2c === null ? null : u32(o.maxP2c, 'options.maxP2c');
      const zip = o.allowZip === undefined || o.allowZip === null ? null : u64(o.allowZip, 'options.allowZip');
      const critical =
        o.critical === undefined || o.critical === null ? null : stringList(o.critical, 'options.critical');
      const typ = optionalCString(o.typ, 'options.typ');

      const out = [null];
      check(
        hx.hx_jwe_options_new(
          orNull(algorithms),
          algorithms.length,
          orNull(encryptions),
          encryptions.length,
          out,
        ),
      );
      super(out[0], hx.hx_jwe_options_free, 'jwe.DecryptOptions');
      try {
        const p = out[0];
        if (maxLen !== null) check(hx.hx_jwe_options_set_max_token_length(p, maxLen));
        if (maxP2c !== null) check(hx.hx_jwe_options_set_max_p2c(p, maxP2c));
        if (zip !== null) check(hx.hx_jwe_options_allow_zip(p, zip));
        if (critical !== null) check(hx.hx_jwe_options_set_critical(p, orNull(critical), critical.length));
        if (typ !== null) check(hx.hx_jwe_options_set_typ(p, typ));
      } catch (err) {
        this.close();
        throw err;
      }
    }

    /** The longest token accepted, in bytes (0 is refused). */
    setMaxTokenLength(bytes) {
      check(hx.hx_jwe_options_set_max_token_length(ptrOf(this, DecryptOptions), u64(bytes, 'bytes')));
    }

    /** The largest PBES2 `p2c` accepted, checked before any PBKDF2 work. */
    setMaxP2c(iterations) {
      check(hx.hx_jwe_options_set_max_p2c(ptrOf(this, DecryptOptions), u32(iterations, 'iterations')));
    }

    /**
     * Accepts `zip: "DEF"`, inflating to at most `maxInflatedBytes` (jwe.DEFAULT_MAX_INFLATED_LENGTH
     * is sensible; 0 refuses `zip` again).
     */
    allowZip(maxInflatedBytes) {
      check(hx.hx_jwe_options_allow_zip(ptrOf(this, DecryptOptions), u64(maxInflatedBytes, 'maxInflatedBytes')));
    }

    /** Replaces the `crit` names understood (and checked by the caller in the header). */
    setCritical(names) {
      const list = stringList(names, 'names');
      check(hx.hx_jwe_options_set_critical(ptrOf(this, DecryptOptions), orNull(list), list.length));
    }

    /** Requires the header's `typ` (case-insensitive); null removes the requirement. */
    setTyp(typ) {
      check(hx.hx_jwe_options_set_typ(ptrOf(this, DecryptOptions), optionalCString(typ, 'typ')));
    }
  }

  /**
   * Runs `fn(optionsPtr, senderKeys)` with a DecryptOptions, or with one made for this call
   * from an options object (then closed). `senderKey` is only read from an options object.
   */
  function withDecryptOptions(options, fn) {
    if (options instanceof DecryptOptions) return fn(ptrOf(options), []);
    const o = optionsArg(options);
    const senders = o.senderKey === undefined || o.senderKey === null ? [] : keyList(o.senderKey, 'options.senderKey');
    const made = new DecryptOptions(o);
    try {
      return fn(ptrOf(made), senders);
    } finally {
      made.close();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Results

  const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  /** A decrypted token: its header, `alg`, `enc`, plaintext and (JSON serialization) `aad`. */
  class Decrypted {
    #headerJson;

    /** @internal */
    constructor(token, headerJson, plaintext, aad) {
      internalOnly(token, 'jwe.Decrypted', 'jwe.decrypt()');
      this.#headerJson = headerJson;
      const header = JSON.parse(headerJson);
      /** The key management algorithm (`alg`) that decrypted it. */
      this.alg = header.alg;
      /** The content encryption (`enc`). */
      this.enc = header.enc;
      /** The plaintext (inflated when `zip` was used): a copy, the library wiped its own. */
      this.plaintext = plaintext;
      /** The JSON serialization's `aad`, decoded, or null. */
      this.aad = aad;
      Object.freeze(this);
    }

    /**
     * The JOSE header, a new object on each access (for the JSON serialization, the union of
     * the protected, shared and recipient headers).
     */
    get header() {
      return JSON.parse(this.#headerJson);
    }

    /** The plaintext as UTF-8 text; a TypeError if it is not UTF-8. */
    text() {
      return utf8Decoder.decode(this.plaintext);
    }

    /** The plaintext parsed as JSON; a SyntaxError if it is not JSON. */
    json() {
      return JSON.parse(this.text());
    }
  }

  /**
   * Copies what a decryption returned into a Decrypted, freeing each of the library's buffers
   * exactly once (the plaintext and `aad` with hx_bytes_free, which wipes them; the header with
   * hx_string_free), whatever fails on the way.
   */
  function takeDecrypted(ptPtr, ptLen, headerPtr, aadPtr, aadLen) {
    let plaintext;
    let headerJson;
    let aad = null;
    try {
      plaintext = takeBytes(ptPtr, ptLen);
    } finally {
      try {
        headerJson = takeString(headerPtr);
      } finally {
        if (aadPtr !== null) aad = takeBytes(aadPtr, aadLen);
      }
    }
    return new Decrypted(INTERNAL, headerJson, plaintext, aad);
  }

  // -------------------------------------------------------------------------------------------
  // Encrypt

  const HEADER_FIELDS = ['kid', 'typ', 'cty'];

  /**
   * The `header_json` of an encryption: `options.header` (an object, or JSON text given as is)
   * and the named options `kid`, `typ`, `cty` (strings), `apu`, `apv` (bytes, sent as
   * base64url), `p2c` (integer) and `zip` (true: `"DEF"`). null when there is none.
   */
  function headerArg(o) {
    const named = {};
    for (const name of HEADER_FIELDS) {
      const value = optionalCString(o[name], `options.${name}`);
      if (value !== null) named[name] = value;
    }
    for (const name of ['apu', 'apv']) {
      if (o[name] !== undefined && o[name] !== null) {
        named[name] = Buffer.from(bytesArg(o[name], `options.${name}`)).toString('base64url');
      }
    }
    if (o.p2c !== undefined && o.p2c !== null) named.p2c = Number(u32(o.p2c, 'options.p2c'));
    if (o.zip !== undefined && boolArg(o.zip, 'options.zip')) named.zip = 'DEF';
    const header = o.header;
    const hasNamed = Object.keys(named).length > 0;
    if (header === undefined || header === null) return hasNamed ? JSON.stringify(named) : null;
    if (isPlainObject(header)) return JSON.stringify(hasNamed ? { ...header, ...named } : header);
    if (hasNamed) {
      throw new TypeError(
        'options.header must be an object to be combined with kid, typ, cty, apu, apv, p2c or zip',
      );
    }
    return jsonArg(header, 'options.header');
  }

  function encOption(o) {
    return { alg: cString(o.alg, 'options.alg'), enc: cString(o.enc, 'options.enc') };
  }

  /**
   * Encrypts `plaintext` (bytes, a string as UTF-8, a plain object or array as compact JSON)
   * for `key` (the recipient's public key, or the shared secret or password) as a compact JWE.
   * Options: `alg` and `enc` (required), `kid` (defaults to the key's), `typ`, `cty`, `header`
   * (other protected members), `zip`, `p2c`, `apu`, `apv`, and `senderKey` (the sender's
   * private key: ECDH-1PU, required there and refused elsewhere).
   */
  function encrypt(plaintext, key, options) {
    const k = keyPtr(key, 'key');
    const o = optionsArg(options);
    const { alg, enc } = encOption(o);
    const sender = o.senderKey === undefined || o.senderKey === null ? null : keyPtr(o.senderKey, 'options.senderKey');
    const header = headerArg(o);
    const p = plaintextArg(plaintext);
    try {
      const out = [null];
      check(
        sender === null
          ? hx.hx_jwe_encrypt(k, alg, enc, header, p.ptr, p.bytes.length, out)
          : hx.hx_jwe_encrypt_1pu(k, sender, alg, enc, header, p.ptr, p.bytes.length, out),
      );
      return takeString(out[0]);
    } finally {
      p.wipe();
    }
  }

  /** One recipient of encryptJson(): `{ key, alg }` or `[key, alg]`. */
  function recipientArg(value) {
    if (Array.isArray(value)) {
      if (value.length !== 2) throw new TypeError(`a recipient must be [key, alg], not an array of ${value.length}`);
      return [keyPtr(value[0], 'a recipient\'s key'), cString(value[1], 'a recipient\'s alg')];
    }
    if (value !== null && typeof value === 'object') {
      return [keyPtr(value.key, 'a recipient\'s key'), cString(value.alg, 'a recipient\'s alg')];
    }
    throw new TypeError(`a recipient must be { key, alg } or [key, alg], not ${describe(value)}`);
  }

  /**
   * Encrypts `plaintext` for every recipient (`{ key, alg }` or `[key, alg]`) in the JSON
   * serialization: general (the default), or flattened when there is one recipient and
   * `general` is false. Options: `enc` (required), `aad` (authenticated, not encrypted),
   * `general`, `senderKey` (ECDH-1PU), and the protected members as for encrypt() (`typ`,
   * `cty`, `header`, `zip`, `p2c`, `apu`, `apv`; each recipient's `kid` is its key's). Returns
   * the JSON text.
   */
  function encryptJson(plaintext, recipients, options) {
    if (recipients === null || typeof recipients !== 'object' || typeof recipients[Symbol.iterator] !== 'function') {
      throw new TypeError(`recipients must be an array of { key, alg }, not ${describe(recipients)}`);
    }
    const pairs = Array.from(recipients, recipientArg);
    const o = optionsArg(options);
    const enc = cString(o.enc, 'options.enc');
    const sender = o.senderKey === undefined || o.senderKey === null ? null : keyPtr(o.senderKey, 'options.senderKey');
    const general = o.general === undefined ? true : boolArg(o.general, 'options.general');
    const header = headerArg(o);
    const aad = o.aad === undefined || o.aad === null ? null : bytesArg(o.aad, 'options.aad');
    const p = plaintextArg(plaintext);
    try {
      const out = [null];
      check(
        hx.hx_jwe_encrypt_json(
          orNull(pairs.map((r) => r[0])),
          orNull(pairs.map((r) => r[1])),
          pairs.length,
          sender,
          enc,
          header,
          p.ptr,
          p.bytes.length,
          aad === null || aad.length === 0 ? null : aad,
          aad === null ? 0 : aad.length,
          general,
          out,
        ),
      );
      return takeString(out[0]);
    } finally {
      p.wipe();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Decrypt

  /**
   * Decrypts a compact JWE with one of `keys` (a jwe.Key or an array of them; the token's `kid`
   * selects among them), accepting only what `options` allows: a DecryptOptions, or its options
   * (`{ algorithms, encryptions, maxTokenLength, maxP2c, allowZip, critical, typ }`) plus
   * `senderKey` (the sender's public key or keys, selected by `skid`: ECDH-1PU). Returns a
   * Decrypted; throws an HxJwtError subclass (DecryptionFailedError for every failure of the
   * cryptography, UnsupportedAlgorithmError for an `alg`/`enc` not accepted, ...).
   */
  function decrypt(token, keys, options) {
    const t = tokenArg(token);
    const list = keyList(keys, 'keys');
    return withDecryptOptions(options, (opts, senders) => {
      const pt = [null];
      const len = [0];
      const header = [null];
      const status =
        senders.length === 0
          ? hx.hx_jwe_decrypt(orNull(list), list.length, t, opts, pt, len, header)
          : hx.hx_jwe_decrypt_1pu(orNull(list), list.length, senders, senders.length, t, opts, pt, len, header);
      if (status !== 0) fail(status);
      return takeDecrypted(pt[0], len[0], header[0], null, 0);
    });
  }

  /** JSON-serialized token: JSON text, its bytes, or a plain object (JSON.stringify). */
  function jsonTokenArg(value) {
    if (isPlainObject(value)) return JSON.stringify(value);
    return tokenArg(value);
  }

  /**
   * decrypt() for the JSON serialization (general or flattened), given as text, bytes or an
   * object; the Decrypted's `aad` is the token's `aad` member, decoded, or null.
   */
  function decryptJson(token, keys, options) {
    const t = jsonTokenArg(token);
    const list = keyList(keys, 'keys');
    return withDecryptOptions(options, (opts, senders) => {
      const pt = [null];
      const len = [0];
      const header = [null];
      const aad = [null];
      const aadLen = [0];
      const status = hx.hx_jwe_decrypt_json(
        orNull(list),
        list.length,
        orNull(senders),
        senders.length,
        t,
        opts,
        pt,
        len,
        header,
        aad,
        aadLen,
      );
      if (status !== 0) fail(status);
      return takeDecrypted(pt[0], len[0], header[0], aad[0], aadLen[0]);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Nested JWTs

  /**
   * A nested JWT (RFC 7519 section 5.2): signs `claims` (a plain object, or JSON text signed
   * exactly as given) with `signingKey` (a JWS Key) as `sign()` does, then encrypts the signed
   * token for `encryptionKey` with `alg` and `enc` and `cty: "JWT"`. Options: `alg`, `enc`
   * (required) and `algorithm` (the JWS algorithm; defaults to the signing key's own).
   */
  function encryptNested(claims, signingKey, encryptionKey, options) {
    const claimsJson = jsonArg(claims, 'claims');
    if (!(signingKey instanceof JwsKey)) {
      throw new TypeError(`signingKey must be a Key, not ${describe(signingKey)}`);
    }
    const sk = ptrOf(signingKey);
    const ek = keyPtr(encryptionKey, 'encryptionKey');
    const o = optionsArg(options);
    const { alg, enc } = encOption(o);
    let jwsAlg = o.algorithm;
    if (jwsAlg === undefined || jwsAlg === null) {
      jwsAlg = hx.hx_key_algorithm(sk);
      if (jwsAlg === null) throw new TypeError('options.algorithm is required: this key serves several algorithms');
    } else {
      cString(jwsAlg, 'options.algorithm');
    }
    const out = [null];
    check(hx.hx_jwe_encrypt_nested(sk, jwsAlg, ek, alg, enc, claimsJson, out));
    return takeString(out[0]);
  }

  function decryptNestedToJson(token, keys, verifyingKey, options) {
    const t = tokenArg(token);
    const list = keyList(keys, 'keys');
    let key = null;
    let keyset = null;
    if (verifyingKey instanceof JwsKey) key = ptrOf(verifyingKey);
    else if (verifyingKey instanceof KeySet) keyset = ptrOf(verifyingKey);
    else throw new TypeError(`verifyingKey must be a Key or a KeySet, not ${describe(verifyingKey)}`);
    const o = optionsArg(options);
    if (o.validation === undefined || o.validation === null) {
      throw new TypeError('options.validation is required (a Validation or its options)');
    }
    if (o.decryption === undefined || o.decryption === null) {
      throw new TypeError('options.decryption is required (a jwe.DecryptOptions or its options)');
    }
    const owned = !(o.validation instanceof Validation);
    const validation = owned ? new Validation(o.validation) : o.validation;
    try {
      return withDecryptOptions(o.decryption, (opts) => {
        const out = [null];
        check(hx.hx_jwe_decrypt_nested(orNull(list), list.length, t, opts, key, keyset, ptrOf(validation), out));
        return takeString(out[0]);
      });
    } finally {
      if (owned) validation.close();
    }
  }

  /**
   * Decrypts a nested JWT with `keys` under `options.decryption` (a DecryptOptions or its
   * options), then verifies the signed token inside with `verifyingKey` (a Key or a KeySet)
   * under `options.validation` (a Validation or its options) and returns its claims. The JWE
   * must say `cty: "JWT"` (else InvalidClaimError, claim "cty"); the claims are never returned
   * unless both steps pass.
   */
  function decryptNested(token, keys, verifyingKey, options) {
    return JSON.parse(decryptNestedToJson(token, keys, verifyingKey, options));
  }

  /** As decryptNested(), returning the claims as JSON text exactly as the issuer signed them. */
  function decryptNestedRaw(token, keys, verifyingKey, options) {
    return decryptNestedToJson(token, keys, verifyingKey, options);
  }

  /**
   * **Decrypts and checks nothing**: the protected header of a compact JWE, decoded strictly,
   * as an object, to choose a key by `kid`. Never trust what it says.
   */
  function decodeHeader(token) {
    const t = tokenArg(token);
    const out = [null];
    check(hx.hx_jwe_decode_header(t, out));
    return JSON.parse(takeString(out[0]));
  }

  return Object.freeze({
    DEFAULT_MAX_TOKEN_LENGTH,
    DEFAULT_MAX_P2C,
    DEFAULT_MAX_INFLATED_LENGTH,
    Key: JweKey,
    DecryptOptions,
    Decrypted,
    encrypt,
    encryptJson,
    decrypt,
    decryptJson,
    encryptNested,
    decryptNested,
    decryptNestedRaw,
    decodeHeader,
  });
}

module.exports = { create };
