'use strict';
// hxjwt for Node.js: a thin face over libhxjwt (include/hxjwt.h). Every decision about a token
// is the C library's; this file checks JS types, converts values and maps errors, nothing more.

const { koffi, hx, missing, HxResolveFn, strdup, copyBytes, decodeString, LIBRARY_PATH } = require('./ffi');
const {
  KINDS,
  HxJwtError,
  ERROR_CLASSES,
  kindOfStatus,
  makeError,
  fail,
  invalidArgument,
} = require('./errors');

// ---------------------------------------------------------------------------------------------
// Argument conversion: JS values into what the C functions take. A wrong JS type is a TypeError
// (an out-of-range number a RangeError) raised before any library call; a string C cannot carry
// (an embedded NUL, a lone surrogate that has no UTF-8 form) is an InvalidArgumentError, the
// kind the library gives for a string it cannot read.

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'no prototype'})` : `${typeof value} ${String(value).slice(0, 40)}`;
}

const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (s) => s.isWellFormed()
    : (s) => !/\p{Surrogate}/u.test(s);

/** A JS string that C can carry as a NUL-terminated UTF-8 string. */
function cString(value, what) {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, not ${describe(value)}`);
  }
  if (value.indexOf('\0') !== -1) throw invalidArgument(`${what} contains a NUL character`);
  if (!isWellFormed(value)) {
    throw invalidArgument(`${what} is not valid Unicode (it has a lone surrogate)`);
  }
  return value;
}

function optionalCString(value, what) {
  return value === undefined || value === null ? null : cString(value, what);
}

const ZERO = Buffer.of(0);

/** A token: a string, or its bytes (Buffer/Uint8Array; not UTF-8 is the library's to refuse). */
function tokenArg(value, what = 'token') {
  if (typeof value === 'string') return cString(value, what);
  if (value instanceof Uint8Array) {
    if (value.indexOf(0) !== -1) throw invalidArgument(`${what} contains a NUL byte`);
    return Buffer.concat([value, ZERO]);
  }
  throw new TypeError(`${what} must be a string, a Buffer or a Uint8Array, not ${describe(value)}`);
}

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * JSON text: a string (passed as given), its UTF-8 bytes (a Buffer/Uint8Array, passed as they
 * are: whether they are UTF-8 is the library's to say), or a plain object or array
 * (JSON.stringify).
 */
function jsonArg(value, what) {
  if (typeof value === 'string') return cString(value, what);
  if (value instanceof Uint8Array) return tokenArg(value, what);
  if (isPlainObject(value) || Array.isArray(value)) return JSON.stringify(value);
  throw new TypeError(`${what} must be JSON text (a string or bytes) or a plain object, not ${describe(value)}`);
}

function optionalJsonArg(value, what) {
  return value === undefined || value === null ? null : jsonArg(value, what);
}

/** Bytes: a Buffer/Uint8Array as is, a string as UTF-8. */
function bytesArg(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (!isWellFormed(value)) {
      throw invalidArgument(`${what} is not valid Unicode (it has a lone surrogate)`);
    }
    return Buffer.from(value, 'utf8');
  }
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string, not ${describe(value)}`);
}

/** An HX1 payload: bytes, a string (UTF-8), or a plain object or array (compact JSON). */
function payloadArg(value) {
  if (isPlainObject(value) || Array.isArray(value)) return Buffer.from(JSON.stringify(value), 'utf8');
  if (value instanceof Uint8Array || typeof value === 'string') return bytesArg(value, 'payload');
  throw new TypeError(
    `payload must be a string, a Buffer, a Uint8Array or a plain object, not ${describe(value)}`,
  );
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function integerArg(value, what, min, max) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`${what} must be an integer, not ${value}`);
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${what} is too large to be exact as a number; pass a BigInt`);
    }
    if (BigInt(value) < min || BigInt(value) > max) {
      throw new RangeError(`${what} must be between ${min} and ${max}, not ${value}`);
    }
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < min || value > max) {
      throw new RangeError(`${what} must be between ${min} and ${max}, not ${value}`);
    }
    return value;
  }
  throw new TypeError(`${what} must be an integer (number or BigInt), not ${describe(value)}`);
}

const u64 = (value, what) => integerArg(value, what, 0n, U64_MAX);
const i64 = (value, what) => integerArg(value, what, I64_MIN, I64_MAX);

function boolArg(value, what) {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, not ${describe(value)}`);
  return value;
}

function optionsArg(value, what = 'options') {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be an object, not ${describe(value)}`);
  }
  return value;
}

/** A string or an iterable of strings, as an array of C strings. */
function stringList(value, what) {
  if (typeof value === 'string') return [cString(value, what)];
  if (value === null || typeof value !== 'object' || typeof value[Symbol.iterator] !== 'function') {
    throw new TypeError(`${what} must be a string or an array of strings, not ${describe(value)}`);
  }
  const list = [];
  for (const item of value) list.push(cString(item, `each of ${what}`));
  return list;
}

function check(status) {
  if (status !== 0) fail(status);
}

/** A string the library allocated: decoded, then freed with hx_string_free (which wipes it). */
function takeString(ptr) {
  try {
    return decodeString(ptr);
  } finally {
    hx.hx_string_free(ptr);
  }
}

// ---------------------------------------------------------------------------------------------
// Handles. Each wrapper owns one C handle, released exactly once: by close() (idempotent), or,
// as a fallback for a wrapper that was never closed, by a FinalizationRegistry when the wrapper
// is garbage-collected. A closed wrapper throws a TypeError [ERR_INVALID_STATE] when used.

const INTERNAL = Symbol('hxjwt.internal');
const finalizers = new FinalizationRegistry((held) => {
  held.release(held.ptr);
});

function closedError(what) {
  const err = new TypeError(`Invalid state: this ${what} is closed`);
  err.code = 'ERR_INVALID_STATE';
  return err;
}

class Handle {
  #ptr;
  #held;
  #what;
  #cls;

  constructor(ptr, release, what) {
    this.#cls = new.target;
    this.#ptr = ptr;
    this.#what = what;
    this.#held = { ptr, release };
    finalizers.register(this, this.#held, this);
  }

  /**
   * Whether `value` is a wrapper this package made (not a look-alike) of class `cls` (or of a
   * subclass of it), by the class it was constructed as, not by its prototype. @internal
   */
  static _isHandle(value, cls) {
    if (value === null || typeof value !== 'object' || !(#ptr in value)) return false;
    return value.#cls === cls || Object.prototype.isPrototypeOf.call(cls, value.#cls);
  }

  /** The C pointer; throws once closed. @internal */
  _ptr() {
    if (this.#ptr === null) throw closedError(this.#what);
    return this.#ptr;
  }

  /** Whether close() was called. */
  get closed() {
    return this.#ptr === null;
  }

  /** Releases the C handle now (its secrets are wiped by the library). Idempotent. */
  close() {
    if (this.#ptr === null) return;
    const ptr = this.#ptr;
    this.#ptr = null;
    finalizers.unregister(this);
    this.#held.release(ptr);
  }
}
if (typeof Symbol.dispose === 'symbol') {
  Handle.prototype[Symbol.dispose] = function dispose() {
    this.close();
  };
}

/**
 * The C pointer of a handle of class `cls`, read through Handle's own method (never an object's
 * own `_ptr`): anything but a wrapper of that class made by this package (a look-alike, a
 * forged or foreign `this` given with call(), a handle of another class) is a TypeError, never a
 * pointer handed to the library; a closed one is a TypeError [ERR_INVALID_STATE].
 */
const handlePtr = Handle.prototype._ptr;
function ptrOf(handle, cls = Handle) {
  if (!Handle._isHandle(handle, cls)) {
    throw new TypeError(`expected ${cls === Handle ? 'an hxjwt handle' : `a ${cls.name}`}, not ${describe(handle)}`);
  }
  return handlePtr.call(handle);
}

function newHandle(cls, ptr) {
  return new cls(INTERNAL, ptr);
}

function internalOnly(token, name, how) {
  if (token !== INTERNAL) throw new TypeError(`${name} cannot be constructed directly: use ${how}`);
}

// ---------------------------------------------------------------------------------------------
// HX1: identities, directories, endpoints, messages.

/** A service's identity: a name and an X25519 key pair, private key included. */
class Identity extends Handle {
  #name;
  #machineToken = null;

  /** @internal */
  constructor(token, ptr) {
    internalOnly(token, 'Identity', 'Identity.generate() or Identity.fromJwk()');
    super(ptr, hx.hx_identity_free, 'Identity');
    this.#name = hx.hx_identity_name(ptr);
  }

  /** A new identity named `name` with a fresh key pair. */
  static generate(name) {
    const n = cString(name, 'name');
    const out = [null];
    check(hx.hx_identity_generate(n, out));
    return newHandle(Identity, out[0]);
  }

  /** An identity from its private OKP X25519 JWK (JSON text or an object). */
  static fromJwk(jwk) {
    const text = jsonArg(jwk, 'jwk');
    const out = [null];
    check(hx.hx_identity_from_jwk(text, out));
    return newHandle(Identity, out[0]);
  }

  /** The identity's name. */
  get name() {
    ptrOf(this, Identity);
    return this.#name;
  }

  /** The machine token: the public OKP X25519 JWK, as JSON text, to give to peers. */
  get machineToken() {
    const ptr = ptrOf(this, Identity);
    if (this.#machineToken === null) {
      const out = [null];
      check(hx.hx_identity_machine_token(ptr, out));
      this.#machineToken = takeString(out[0]);
    }
    return this.#machineToken;
  }

  /** The private JWK as JSON text, **including the private key `d`**: store it like a password. */
  toJwk() {
    const out = [null];
    check(hx.hx_identity_to_jwk(ptrOf(this, Identity), out));
    return takeString(out[0]);
  }
}

const REMOTE_FIELDS = [
  ['connectTimeoutMs', 'connect_timeout_ms'],
  ['timeoutMs', 'timeout_ms'],
  ['maxResponseBytes', 'max_response_bytes'],
  ['defaultTtl', 'default_ttl_s'],
  ['minTtl', 'min_ttl_s'],
  ['maxTtl', 'max_ttl_s'],
  ['refreshCooldown', 'refresh_cooldown_s'],
  ['maxStale', 'max_stale_s'],
];

/**
 * `headers` (an object of header names to string values) as the C struct's "Name: value" lines.
 * The names and values are checked by the library; a name with a colon could not be told apart
 * in a line, so it is refused here (InvalidArgumentError, as the library refuses it).
 */
function headerLines(headers) {
  if (headers === undefined || headers === null) return [];
  if (typeof headers !== 'object' || Array.isArray(headers)) {
    throw new TypeError(`headers must be an object of names to string values, not ${describe(headers)}`);
  }
  const lines = [];
  for (const [name, value] of Object.entries(headers)) {
    cString(name, 'a header name');
    if (name.includes(':') || name.trim() !== name || name === '') {
      throw invalidArgument(`the header name ${JSON.stringify(name.slice(0, 40))} is not an HTTP token`);
    }
    if (typeof value !== 'string') {
      throw new TypeError(`the value of the header ${JSON.stringify(name.slice(0, 40))} must be a string, not ${typeof value}`);
    }
    lines.push(`${name}: ${cString(value, `the value of the header ${JSON.stringify(name.slice(0, 40))}`)}`);
  }
  return lines;
}

/** Remote options (camelCase, seconds and milliseconds as in C) into an HxRemoteOptions. */
function remoteOptions(options) {
  const o = optionsArg(options);
  const headers = headerLines(o.headers);
  const c = {
    allow_http: o.allowHttp === undefined ? false : boolArg(o.allowHttp, 'allowHttp'),
    ca_file: optionalCString(o.caFile, 'options.caFile'),
    headers: headers.length === 0 ? null : headers,
    headers_len: headers.length,
    allow_mixed_keys: o.allowMixedKeys === undefined ? false : boolArg(o.allowMixedKeys, 'allowMixedKeys'),
  };
  for (const [js, cName] of REMOTE_FIELDS) c[cName] = o[js] === undefined ? 0 : u64(o[js], js);
  return c;
}

/**
 * The library's defaults for Directory.fromUrl() and KeySet.fromUrl(), with their actual values
 * (hx_remote_options_default), in the options' own names: a new object on each call, to show or
 * adjust (omitting an option, or giving 0, is the default too).
 */
function defaultRemoteOptions() {
  const c = {};
  check(hx.hx_remote_options_default(c));
  const o = {};
  for (const [js, cName] of REMOTE_FIELDS) o[js] = Number(c[cName]);
  o.allowHttp = Boolean(c.allow_http);
  // caFile (null), headers (none) and allowMixedKeys (false) have no value to show.
  return o;
}

/**
 * The library's defaults for ReplayStore.redis(), with their actual values
 * (hx_redis_options_default): `keyPrefix` and `caFile` are null (the prefix "hxjwt:" and the
 * Web PKI roots). A new object on each call.
 */
function defaultRedisOptions() {
  const c = {};
  check(hx.hx_redis_options_default(c));
  return {
    connectTimeoutMs: Number(c.connect_timeout_ms),
    commandTimeoutMs: Number(c.command_timeout_ms),
    maxConnections: Number(c.max_connections),
    keyPrefix: c.key_prefix ?? null,
    caFile: c.ca_file ?? null,
  };
}

/**
 * The state of a callback directory: the registered koffi callback stays alive while the
 * directory or an endpoint made with it lives (endpoints keep their own reference to it).
 */
class Resolver {
  constructor(fn) {
    this.refs = 1;
    this.lastError = null;
    this.callback = koffi.register((_userData, name) => this.#resolve(fn, name), koffi.pointer(HxResolveFn));
  }

  #resolve(fn, name) {
    try {
      const answer = fn(name);
      if (answer === null || answer === undefined) return null;
      const text = jsonArg(answer, 'the machine token a directory callback returns');
      return strdup(text);
    } catch (err) {
      // Never let an exception unwind through C. The library is given something that is not a
      // machine token, so the call fails with ResolverFailed; the exception becomes its cause.
      this.lastError = err;
      return strdup('the directory callback threw an exception');
    }
  }

  acquire() {
    this.refs += 1;
  }

  release() {
    this.refs -= 1;
    if (this.refs === 0) koffi.unregister(this.callback);
  }

  takeError() {
    const err = this.lastError;
    this.lastError = null;
    return err;
  }
}

/** Resolves names to machine tokens: the peers an Endpoint may talk to. */
class Directory extends Handle {
  #resolver;

  /** A directory held in memory, with the given machine tokens (JSON text or objects). */
  constructor(machineTokens, ptr, resolver) {
    if (machineTokens === INTERNAL) {
      super(ptr, resolver ? (p) => { hx.hx_directory_free(p); resolver.release(); } : hx.hx_directory_free, 'Directory');
      this.#resolver = resolver ?? null;
      return;
    }
    let tokens = [];
    if (machineTokens !== undefined && machineTokens !== null) {
      if (typeof machineTokens !== 'object' || typeof machineTokens[Symbol.iterator] !== 'function') {
        throw new TypeError(`machineTokens must be an array, not ${describe(machineTokens)}`);
      }
      tokens = Array.from(machineTokens, (t) => jsonArg(t, 'each machine token'));
    }
    const out = [null];
    check(hx.hx_directory_new(out));
    super(out[0], hx.hx_directory_free, 'Directory');
    this.#resolver = null;
    try {
      for (const token of tokens) check(hx.hx_directory_add(out[0], token));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** A directory from a JWK Set (`{"keys":[...]}`), as JSON text or an object. */
  static fromJwks(jwks) {
    const text = jsonArg(jwks, 'jwks');
    const out = [null];
    check(hx.hx_directory_from_jwks(text, out));
    return new Directory(INTERNAL, out[0]);
  }

  /**
   * A read-only directory of the JWK Set published at `url` (`https://`; `http://` only with
   * `allowHttp`), fetched on first use (blocking the calling thread, at most `timeoutMs`) and
   * cached; see docs/C-API.md for the options. `caFile`: a PEM file of the certificate
   * authorities to trust (replacing the built-in roots), read now; `headers`: an object of
   * header names to values sent with every fetch (User-Agent `hxjwt/<version>` unless given);
   * a bad CA file or header is an InvalidArgumentError here. At most 3 redirects are followed,
   * never from https to http.
   */
  static fromUrl(url, options) {
    const u = cString(url, 'url');
    const opts = remoteOptions(options);
    const out = [null];
    check(hx.hx_directory_from_url(u, opts, out));
    return new Directory(INTERNAL, out[0]);
  }

  /**
   * A directory that asks `resolve(name)` for each name: it returns the name's machine token
   * (JSON text or an object), or null/undefined when the name is unknown. If it throws, the
   * call that needed it fails with ResolverFailedError whose `cause` is the exception. It is
   * called synchronously on the thread that creates or validates a token.
   */
  static fromCallback(resolve) {
    if (typeof resolve !== 'function') {
      throw new TypeError(`resolve must be a function, not ${describe(resolve)}`);
    }
    if (strdup === null) throw new Error('hxjwt: Directory.fromCallback needs libc.so.6 (strdup)');
    const resolver = new Resolver(resolve);
    const out = [null];
    const status = hx.hx_directory_from_callback(resolver.callback, null, out);
    if (status !== 0) {
      try {
        fail(status);
      } finally {
        resolver.release();
      }
    }
    return new Directory(INTERNAL, out[0], resolver);
  }

  /** @internal */
  _resolver() {
    return this.#resolver;
  }

  /** Adds (or replaces) the machine token of its name. In-memory directories only. */
  add(machineToken) {
    const text = jsonArg(machineToken, 'machineToken');
    check(hx.hx_directory_add(ptrOf(this, Directory), text));
  }

  /** Makes `machineToken` the newest key of its name, keeping its others (rotation). */
  rotateIn(machineToken) {
    const text = jsonArg(machineToken, 'machineToken');
    check(hx.hx_directory_rotate_in(ptrOf(this, Directory), text));
  }

  /** Removes this one key of its name; whether it was there. */
  retire(machineToken) {
    const text = jsonArg(machineToken, 'machineToken');
    const out = [false];
    check(hx.hx_directory_retire(ptrOf(this, Directory), text, out));
    return out[0];
  }

  /** The number of names. */
  get size() {
    const out = [0];
    check(hx.hx_directory_len(ptrOf(this, Directory), out));
    return Number(out[0]);
  }

  /** The directory as a JWK Set, JSON text sorted by name: what a web server publishes. */
  toJwks() {
    const out = [null];
    check(hx.hx_directory_to_jwks(ptrOf(this, Directory), out));
    return takeString(out[0]);
  }
}

/**
 * A validated token (HX1 or the ECDH-1PU mode): sender, recipient, times (Unix seconds), the
 * decrypted payload and the token's protocol.
 */
class Message {
  /** @internal */
  constructor(token, fields) {
    internalOnly(token, 'Message', 'Endpoint.validate()');
    /** The sender's name (`iss`), authenticated. */
    this.issuer = fields.issuer;
    /** The recipient's name (`aud`). */
    this.audience = fields.audience;
    /** `iat`, in Unix seconds. */
    this.issuedAt = fields.issuedAt;
    /** `exp`, in Unix seconds. */
    this.expiresAt = fields.expiresAt;
    /** `nbf`, in Unix seconds, or null. */
    this.notBefore = fields.notBefore;
    /** The token's `jti`, or null. */
    this.jti = fields.jti;
    /** The token's `cty`, or null. */
    this.contentType = fields.contentType;
    /** The token's mode: "HX1" or "ECDH-1PU" (Endpoint.create()'s `protocol`). */
    this.protocol = fields.protocol;
    /** The decrypted payload (a copy: the library wiped its own). */
    this.payload = fields.payload;
    Object.freeze(this);
  }

  /** The payload as UTF-8 text; a TypeError if it is not UTF-8. */
  text() {
    return utf8Decoder.decode(this.payload);
  }

  /** The payload parsed as JSON; a SyntaxError if it is not JSON. */
  json() {
    return JSON.parse(this.text());
  }
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Copies everything out of an HxMessage, then frees it. */
function takeMessage(m) {
  try {
    const len = [0];
    const ptr = hx.hx_message_payload(m, len);
    const n = Number(len[0]);
    // A copy, not a view of the library's memory: it is wiped and freed below.
    const payload = copyBytes(ptr, n);
    const nbf = [0];
    const hasNbf = hx.hx_message_not_before(m, nbf);
    return new Message(INTERNAL, {
      issuer: hx.hx_message_issuer(m),
      audience: hx.hx_message_audience(m),
      issuedAt: hx.hx_message_issued_at(m),
      expiresAt: hx.hx_message_expires_at(m),
      notBefore: hasNbf ? nbf[0] : null,
      jti: hx.hx_message_jti(m),
      contentType: hx.hx_message_content_type(m),
      // A library from before hx_message_protocol validates HX1 tokens only.
      protocol: missing.has('hx_message_protocol') ? 'HX1' : hx.hx_message_protocol(m),
      payload,
    });
  } finally {
    hx.hx_message_free(m);
  }
}

/**
 * A replay store: remembers the tokens accepted until they expire, so that each is accepted once
 * by every endpoint and validation sharing it: in memory (one process) or on a Redis server
 * (every process connected to it). Endpoints and validations keep their own reference: the
 * store may be closed right after it is attached.
 */
class ReplayStore extends Handle {
  /** @internal */
  constructor(token, ptr) {
    internalOnly(token, 'ReplayStore', 'ReplayStore.memory() or ReplayStore.redis()');
    super(ptr, hx.hx_replay_store_free, 'ReplayStore');
  }

  /** An in-memory store of at most `capacity` unexpired tokens (0: the library's default). */
  static memory(capacity = 0) {
    const n = u64(capacity, 'capacity');
    const out = [null];
    check(hx.hx_replay_store_memory_new(n, out));
    return newHandle(ReplayStore, out[0]);
  }

  /**
   * A store on the Redis server at `url` (`redis://[user[:password]@]host[:port][/db]`,
   * `rediss://...`, `unix:///path.sock`). No connection is opened yet (see ping()); when the
   * server cannot answer, validations fail with StoreUnavailableError: the token is refused.
   * Options: `connectTimeoutMs`, `commandTimeoutMs`, `maxConnections`, `keyPrefix`, `caFile`.
   */
  static redis(url, options) {
    const u = cString(url, 'url');
    const o = optionsArg(options);
    const c = {
      connect_timeout_ms: o.connectTimeoutMs === undefined ? 0 : u64(o.connectTimeoutMs, 'options.connectTimeoutMs'),
      command_timeout_ms: o.commandTimeoutMs === undefined ? 0 : u64(o.commandTimeoutMs, 'options.commandTimeoutMs'),
      max_connections: o.maxConnections === undefined ? 0 : u64(o.maxConnections, 'options.maxConnections'),
      key_prefix: optionalCString(o.keyPrefix, 'options.keyPrefix'),
      ca_file: optionalCString(o.caFile, 'options.caFile'),
    };
    const out = [null];
    check(hx.hx_replay_store_redis_new(u, c, out));
    return newHandle(ReplayStore, out[0]);
  }

  /** Checks that the store answers; throws StoreUnavailableError when it does not. */
  ping() {
    check(hx.hx_replay_store_ping(ptrOf(this, ReplayStore)));
  }
}

function replayStoreArg(value, what) {
  if (value === null) return null;
  if (!(value instanceof ReplayStore)) {
    throw new TypeError(`${what} must be a ReplayStore or null, not ${describe(value)}`);
  }
  return value;
}

/** A machine token argument: JSON text or a JWK object. */
function machineTokenArg(value, what) {
  return value === undefined || value === null ? null : jsonArg(value, what);
}

/** The protocols of Endpoint.create(), by name. */
const PROTOCOLS = Object.freeze(['HX1', 'ECDH-1PU']);

/** Endpoint.create()'s `protocol`: "HX1" (the default) or "ECDH-1PU"; whether it is the latter. */
function protocolArg(value) {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'string') {
    throw new TypeError(`options.protocol must be "HX1" or "ECDH-1PU", not ${describe(value)}`);
  }
  if (!PROTOCOLS.includes(value)) {
    throw new RangeError(`options.protocol must be "HX1" or "ECDH-1PU", not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return value === 'ECDH-1PU';
}

/**
 * One service's end of HX1: its identity, a directory of peers and a validation policy. Creates
 * tokens for peers and validates tokens from them.
 */
class Endpoint extends Handle {
  #name;
  #resolver;

  /**
   * @param identity the service's Identity (the endpoint keeps its own copy: it may be closed)
   * @param options `{directory, leeway, maxLifetime, audiences, replayProtection,
   *   replayStore, maxTokenLength, now}`
   */
  constructor(identity, options) {
    if (!(identity instanceof Identity)) {
      throw new TypeError(`identity must be an Identity, not ${describe(identity)}`);
    }
    const o = optionsArg(options);
    const directory = o.directory ?? null;
    if (directory !== null && !(directory instanceof Directory)) {
      throw new TypeError(`options.directory must be a Directory, not ${describe(directory)}`);
    }
    const leeway = o.leeway === undefined ? null : u64(o.leeway, 'options.leeway');
    const maxLifetime =
      o.maxLifetime === undefined || o.maxLifetime === null ? null : u64(o.maxLifetime, 'options.maxLifetime');
    const audiences =
      o.audiences === undefined || o.audiences === null ? [] : stringList(o.audiences, 'options.audiences');
    const replay =
      o.replayProtection === undefined ? null : boolArg(o.replayProtection, 'options.replayProtection');
    const maxTokenLength =
      o.maxTokenLength === undefined ? null : u64(o.maxTokenLength, 'options.maxTokenLength');
    const now = o.now === undefined || o.now === null ? null : i64(o.now, 'options.now');
    const store = o.replayStore === undefined ? undefined : replayStoreArg(o.replayStore, 'options.replayStore');

    const out = [null];
    check(hx.hx_endpoint_new(ptrOf(identity), directory === null ? null : ptrOf(directory), out));
    const resolver = directory === null ? null : directory._resolver();
    if (resolver !== null) resolver.acquire();
    super(
      out[0],
      resolver === null
        ? hx.hx_endpoint_free
        : (p) => {
            hx.hx_endpoint_free(p);
            resolver.release();
          },
      'Endpoint',
    );
    this.#name = identity.name;
    this.#resolver = resolver;
    try {
      const ep = out[0];
      if (leeway !== null) check(hx.hx_endpoint_set_leeway(ep, leeway));
      if (maxLifetime !== null) check(hx.hx_endpoint_set_max_lifetime(ep, maxLifetime));
      for (const name of audiences) check(hx.hx_endpoint_add_audience(ep, name));
      if (replay !== null) check(hx.hx_endpoint_set_replay_protection(ep, replay));
      if (maxTokenLength !== null) check(hx.hx_endpoint_set_max_token_length(ep, maxTokenLength));
      if (now !== null) check(hx.hx_endpoint_set_time(ep, now));
      if (store !== undefined) check(hx.hx_endpoint_set_replay_store(ep, store === null ? null : ptrOf(store)));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** The name of this endpoint's identity. */
  get name() {
    ptrOf(this, Endpoint);
    return this.#name;
  }

  #fail(status) {
    // Read the library's message first (nothing may call hx_* before), then add the exception
    // a callback directory may have raised.
    const message = hx.hx_last_error_message();
    const claim = hx.hx_last_error_claim();
    const cause = this.#resolver === null ? null : this.#resolver.takeError();
    throw makeError(status, message, claim, cause !== null && kindOfStatus(status) === 'ResolverFailed' ? cause : undefined);
  }

  /**
   * Creates a token carrying `payload` (a string, bytes, or a plain object sent as JSON) for
   * one peer: `to` (a name, resolved by the directory) or `recipientToken` (its machine token),
   * valid `ttl` seconds (default 300), with the optional `jti`, `notBefore` and `contentType`.
   * `protocol` is "HX1" (the default: fastest, read by hxjwt) or "ECDH-1PU" (a standard compact
   * JWE, `alg` ECDH-1PU and `enc` A256GCM, that jose/joserfc or any ECDH-1PU stack reads with the
   * two machine tokens; past tokens stay sealed if the sender's key is stolen later); validate()
   * takes both and the Message's `protocol` says which.
   */
  create(payload, options) {
    const ep = ptrOf(this, Endpoint);
    const bytes = payloadArg(payload);
    const o = optionsArg(options);
    const onePu = protocolArg(o.protocol);
    const to = optionalCString(o.to, 'options.to');
    const recipient = machineTokenArg(o.recipientToken, 'options.recipientToken');
    const ttl = o.ttl === undefined ? 300 : u64(o.ttl, 'options.ttl');
    const jti = optionalCString(o.jti, 'options.jti');
    const contentType = optionalCString(o.contentType, 'options.contentType');
    const notBefore =
      o.notBefore === undefined || o.notBefore === null ? null : [i64(o.notBefore, 'options.notBefore')];
    const data = bytes.length === 0 ? null : bytes;
    if (this.#resolver !== null) this.#resolver.takeError(); // none left from an earlier call
    const out = [null];
    let status;
    if (onePu) {
      status = hx.hx_create_jwt_1pu(ep, to, recipient, data, bytes.length, ttl, notBefore, jti, contentType, out);
    } else if (jti === null && contentType === null && notBefore === null) {
      status = hx.hx_create_jwt(ep, to, recipient, data, bytes.length, ttl, out);
    } else {
      status = hx.hx_create_jwt_ex(ep, to, recipient, data, bytes.length, ttl, notBefore, jti, contentType, out);
    }
    if (status !== 0) this.#fail(status);
    return takeString(out[0]);
  }

  /**
   * Validates a token addressed to this endpoint; the sender is resolved by the token's `iss`
   * through the directory, or is `sender` (a machine token) when given. Returns a Message;
   * throws an HxJwtError subclass (ExpiredError, InvalidSignatureError, ...).
   */
  validate(token, options) {
    const ep = ptrOf(this, Endpoint);
    const t = tokenArg(token);
    const o = optionsArg(options);
    const sender = machineTokenArg(o.sender, 'options.sender');
    if (this.#resolver !== null) this.#resolver.takeError(); // none left from an earlier call
    const out = [null];
    const status = hx.hx_validate_jwt(ep, t, sender, out);
    if (status !== 0) this.#fail(status);
    return takeMessage(out[0]);
  }

  /**
   * **A diagnostic, never an acceptance**: every check validate() applies to `token`, run to the
   * end (options as validate()'s: `sender`). Returns the report `{passed, checks: [{check,
   * outcome, kind, code, message}], header, claims: null, payload_len?}`; the first failed check
   * is the error validate() throws (`kind` is its HxJwtError's `kind`). The replay store is not
   * used; the payload is never in the report. Throws only for unusable arguments.
   */
  explain(token, options) {
    const ep = ptrOf(this, Endpoint);
    const t = tokenArg(token);
    const o = optionsArg(options);
    const sender = machineTokenArg(o.sender, 'options.sender');
    if (this.#resolver !== null) this.#resolver.takeError();
    const out = [null];
    const status = hx.hx_explain_jwt(ep, t, sender, out);
    if (status !== 0) this.#fail(status);
    return JSON.parse(takeString(out[0]));
  }

  /** For tests, vectors and replaying recorded traffic: stops this endpoint's clock. */
  setTime(unixSeconds) {
    const t = i64(unixSeconds, 'unixSeconds');
    check(hx.hx_endpoint_set_time(ptrOf(this, Endpoint), t));
  }

  /** Reads the system clock again (the default). */
  useSystemClock() {
    check(hx.hx_endpoint_use_system_clock(ptrOf(this, Endpoint)));
  }

  /**
   * Records each token accepted in `store` (shared with other endpoints, processes, machines),
   * replacing any replay protection; null turns replay protection off.
   */
  setReplayStore(store) {
    const s = replayStoreArg(store, 'store');
    check(hx.hx_endpoint_set_replay_store(ptrOf(this, Endpoint), s === null ? null : ptrOf(s)));
  }

  /** Also accepts tokens addressed to `name` (an alias). */
  addAudience(name) {
    const n = cString(name, 'name');
    check(hx.hx_endpoint_add_audience(ptrOf(this, Endpoint), n));
  }

  /** Keeps `identity`'s key for receiving too (key rotation, docs/ROTATION.md). */
  addPreviousIdentity(identity) {
    if (!(identity instanceof Identity)) {
      throw new TypeError(`identity must be an Identity, not ${describe(identity)}`);
    }
    check(hx.hx_endpoint_add_previous_identity(ptrOf(this, Endpoint), ptrOf(identity)));
  }

  /** `identity` becomes current; the old key keeps receiving. */
  rotateIdentity(identity) {
    if (!(identity instanceof Identity)) {
      throw new TypeError(`identity must be an Identity, not ${describe(identity)}`);
    }
    check(hx.hx_endpoint_rotate_identity(ptrOf(this, Endpoint), ptrOf(identity)));
  }

  /** Forgets the previous identities. */
  clearPreviousIdentities() {
    check(hx.hx_endpoint_clear_previous_identities(ptrOf(this, Endpoint)));
  }

  /** How many previous identities are kept for receiving (0 to 2). */
  get previousIdentityCount() {
    const out = [0];
    check(hx.hx_endpoint_previous_identity_count(ptrOf(this, Endpoint), out));
    return Number(out[0]);
  }
}

// ---------------------------------------------------------------------------------------------
// Standard JWT: keys, key sets, validations, sign and verify.

/** A key for signing or verifying standard JWTs: an HMAC secret, or an RSA, EC or Ed25519 key. */
class Key extends Handle {
  /** @internal */
  constructor(token, ptr) {
    internalOnly(token, 'Key', 'Key.fromJwk(), Key.fromPem(), Key.fromSecret() or Key.generate()');
    super(ptr, hx.hx_key_free, 'Key');
  }

  static #make(fn, ...args) {
    const out = [null];
    check(fn(...args, out));
    return newHandle(Key, out[0]);
  }

  /** A key from a JWK (JSON text or an object), private or public. */
  static fromJwk(jwk) {
    return Key.#make(hx.hx_key_from_jwk, jsonArg(jwk, 'jwk'));
  }

  /** A key from PEM text (PKCS#8, SPKI, PKCS#1, SEC1). */
  static fromPem(pem) {
    // Bytes go as they are: whether they are UTF-8 is the library's to say.
    const text = pem instanceof Uint8Array ? tokenArg(pem, 'pem') : cString(pem, 'pem');
    return Key.#make(hx.hx_key_from_pem, text);
  }

  /** A key from DER bytes (PKCS#8 private key or SPKI public key). */
  static fromDer(der) {
    if (!(der instanceof Uint8Array)) {
      throw new TypeError(`der must be a Buffer or a Uint8Array, not ${describe(der)}`);
    }
    return Key.#make(hx.hx_key_from_der, der.length === 0 ? null : der, der.length);
  }

  /**
   * An HMAC key (HS256/384/512) from the secret's bytes (a string is taken as UTF-8). A secret
   * shorter than the hash is refused when used, unless `allowShortSecret` is true.
   */
  static fromSecret(secret, options) {
    const bytes = bytesArg(secret, 'secret');
    const o = optionsArg(options);
    const allowShort =
      o.allowShortSecret === undefined ? false : boolArg(o.allowShortSecret, 'options.allowShortSecret');
    const key = Key.#make(hx.hx_key_from_secret, bytes.length === 0 ? null : bytes, bytes.length);
    if (!allowShort) return key;
    try {
      return Key.#make(hx.hx_key_allow_short_secret, ptrOf(key));
    } finally {
      key.close();
    }
  }

  /** A new key for `alg` ("HS256" ... "EdDSA"), restricted to it, its kid its thumbprint. */
  static generate(alg) {
    return Key.#make(hx.hx_key_generate, cString(alg, 'alg'));
  }

  /** A copy of this key whose `kid` is `kid`. */
  withKid(kid) {
    return Key.#make(hx.hx_key_with_kid, ptrOf(this, Key), cString(kid, 'kid'));
  }

  /** The public half (what verifiers get); InvalidKeyError for an HMAC secret. */
  toPublic() {
    return Key.#make(hx.hx_key_to_public, ptrOf(this, Key));
  }

  /** The public JWK as JSON text; InvalidKeyError for an HMAC secret. */
  toPublicJwk() {
    const out = [null];
    check(hx.hx_key_to_public_jwk(ptrOf(this, Key), out));
    return takeString(out[0]);
  }

  /** The full JWK as JSON text, **private members included**: store it like a password. */
  toPrivateJwk() {
    const out = [null];
    check(hx.hx_key_to_private_jwk(ptrOf(this, Key), out));
    return takeString(out[0]);
  }

  /** The RFC 7638 thumbprint (base64url SHA-256). */
  thumbprint() {
    const out = [null];
    check(hx.hx_key_thumbprint(ptrOf(this, Key), out));
    return takeString(out[0]);
  }

  /** The key's `kid`, or null. */
  get kid() {
    return hx.hx_key_kid(ptrOf(this, Key));
  }

  /** The one algorithm the key is restricted to, or null. */
  get algorithm() {
    return hx.hx_key_algorithm(ptrOf(this, Key));
  }

  /** Whether the key can sign (a private key or an HMAC secret). */
  get isPrivate() {
    return hx.hx_key_is_private(ptrOf(this, Key));
  }
}

/** An issuer's keys, selected by the token's `kid` (a JWK Set). */
class KeySet extends Handle {
  /** A key set held in memory, with copies of the given keys. */
  constructor(keys, ptr) {
    if (keys === INTERNAL) {
      super(ptr, hx.hx_keyset_free, 'KeySet');
      return;
    }
    let list = [];
    if (keys !== undefined && keys !== null) {
      if (typeof keys !== 'object' || typeof keys[Symbol.iterator] !== 'function') {
        throw new TypeError(`keys must be an array of Keys, not ${describe(keys)}`);
      }
      list = Array.from(keys);
      for (const key of list) {
        if (!(key instanceof Key)) throw new TypeError(`each key must be a Key, not ${describe(key)}`);
      }
    }
    const out = [null];
    check(hx.hx_keyset_new(out));
    super(out[0], hx.hx_keyset_free, 'KeySet');
    try {
      for (const key of list) check(hx.hx_keyset_add(out[0], ptrOf(key)));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /**
   * A key set from a JWK Set (`{"keys":[...]}`), JSON text or an object. Keys hxjwt cannot use
   * for signatures are skipped and listed by `skipped`; two different keys with one `kid` are
   * refused (InvalidKeyError naming the kid), and so is a set mixing HMAC secrets with
   * asymmetric keys unless `options.allowMixed` is true.
   */
  static fromJwks(jwks, options) {
    const text = jsonArg(jwks, 'jwks');
    const o = optionsArg(options);
    const allowMixed = o.allowMixed === undefined ? false : boolArg(o.allowMixed, 'allowMixed');
    const out = [null];
    check(allowMixed ? hx.hx_keyset_from_jwks_mixed(text, out) : hx.hx_keyset_from_jwks(text, out));
    return new KeySet(INTERNAL, out[0]);
  }

  /**
   * The keys of the JWK Set this set was read from that were skipped, in document order: a
   * frozen array of frozen `{index, kid, reason}` (`index`: the position in `keys`; `kid`: a
   * string or null). Empty for a set built by hand; a set from fromUrl() throws
   * InvalidArgumentError (its keys change with each fetch).
   */
  get skipped() {
    const ptr = ptrOf(this, KeySet);
    const count = [0];
    check(hx.hx_keyset_skipped_count(ptr, count));
    const list = [];
    for (let i = 0; i < Number(count[0]); i++) {
      const index = [0];
      const kid = [null];
      const reason = [null];
      check(hx.hx_keyset_skipped(ptr, i, index, kid, reason));
      list.push(Object.freeze({
        index: Number(index[0]),
        kid: kid[0] === null ? null : decodeString(kid[0]),
        reason: decodeString(reason[0]),
      }));
    }
    return Object.freeze(list);
  }

  /**
   * A key set fetched from an issuer's `jwks_uri` and cached (options as Directory.fromUrl, and
   * `allowMixedKeys` to accept a set mixing HMAC secrets with public keys).
   */
  static fromUrl(url, options) {
    const u = cString(url, 'url');
    const opts = remoteOptions(options);
    const out = [null];
    check(hx.hx_keyset_from_url(u, opts, out));
    return new KeySet(INTERNAL, out[0]);
  }

  /** Adds a copy of `key`. */
  add(key) {
    if (!(key instanceof Key)) throw new TypeError(`key must be a Key, not ${describe(key)}`);
    check(hx.hx_keyset_add(ptrOf(this, KeySet), ptrOf(key)));
  }

  /** The number of keys. */
  get size() {
    const out = [0];
    check(hx.hx_keyset_len(ptrOf(this, KeySet), out));
    return Number(out[0]);
  }

  /** The public JWK Set as JSON text (HMAC secrets left out): what an issuer publishes. */
  toPublicJwks() {
    const out = [null];
    check(hx.hx_keyset_to_public_jwks(ptrOf(this, KeySet), out));
    return takeString(out[0]);
  }
}

/**
 * What a standard JWT must satisfy, reusable across verify() calls (and cheaper than passing
 * the options each time). Options: `algorithms` (required, no default), `audience`, `issuer`
 * (a string or strings), `subject`, `leeway`, `requiredClaims` (default ["exp"]), `maxAge`,
 * `typ`, `verifyExp`, `verifyNbf`, `verifyIat`, `verifyAud`, `maxTokenLength`, `now` (a fixed
 * Unix time, for tests), `replayStore` (each token, by its `jti`, accepted once).
 */
class Validation extends Handle {
  constructor(options) {
    const o = optionsArg(options);
    if (o.algorithms === undefined || o.algorithms === null) {
      throw new TypeError('options.algorithms is required (an array of algorithm names)');
    }
    const algorithms = stringList(o.algorithms, 'options.algorithms');
    const audience = o.audience === undefined || o.audience === null ? [] : stringList(o.audience, 'options.audience');
    const issuer = o.issuer === undefined || o.issuer === null ? [] : stringList(o.issuer, 'options.issuer');
    const subject = optionalCString(o.subject, 'options.subject');
    const typ = optionalCString(o.typ, 'options.typ');
    const leeway = o.leeway === undefined ? null : u64(o.leeway, 'options.leeway');
    const required =
      o.requiredClaims === undefined ? null : stringList(o.requiredClaims, 'options.requiredClaims');
    const maxAge = o.maxAge === undefined || o.maxAge === null ? null : u64(o.maxAge, 'options.maxAge');
    const maxLen = o.maxTokenLength === undefined ? null : u64(o.maxTokenLength, 'options.maxTokenLength');
    const flags = [];
    for (const [name, fn] of [
      ['verifyExp', hx.hx_validation_set_verify_exp],
      ['verifyNbf', hx.hx_validation_set_verify_nbf],
      ['verifyIat', hx.hx_validation_set_verify_iat],
      ['verifyAud', hx.hx_validation_set_verify_aud],
    ]) {
      if (o[name] !== undefined) flags.push([fn, boolArg(o[name], `options.${name}`)]);
    }
    const now = o.now === undefined || o.now === null ? null : i64(o.now, 'options.now');
    const store =
      o.replayStore === undefined || o.replayStore === null ? null : replayStoreArg(o.replayStore, 'options.replayStore');

    const out = [null];
    check(hx.hx_validation_new(algorithms, algorithms.length, out));
    super(out[0], hx.hx_validation_free, 'Validation');
    try {
      const v = out[0];
      for (const a of audience) check(hx.hx_validation_add_audience(v, a));
      for (const i of issuer) check(hx.hx_validation_add_issuer(v, i));
      if (subject !== null) check(hx.hx_validation_set_subject(v, subject));
      if (typ !== null) check(hx.hx_validation_set_typ(v, typ));
      if (leeway !== null) check(hx.hx_validation_set_leeway(v, leeway));
      if (required !== null) {
        check(hx.hx_validation_set_required_claims(v, required.length ? required : null, required.length));
      }
      if (maxAge !== null) check(hx.hx_validation_set_max_age(v, maxAge));
      if (maxLen !== null) check(hx.hx_validation_set_max_token_length(v, maxLen));
      for (const [fn, on] of flags) check(fn(v, on));
      if (now !== null) check(hx.hx_validation_set_time(v, now));
      if (store !== null) check(hx.hx_validation_set_replay_store(v, ptrOf(store)));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** For tests and vectors: stops this validation's clock at `unixSeconds`. */
  setTime(unixSeconds) {
    const t = i64(unixSeconds, 'unixSeconds');
    check(hx.hx_validation_set_time(ptrOf(this, Validation), t));
  }

  /** Reads the system clock again (the default). */
  useSystemClock() {
    check(hx.hx_validation_use_system_clock(ptrOf(this, Validation)));
  }
}

/**
 * Signs `claims` (a plain object, sent as compact JSON, or JSON text signed exactly as given)
 * with `key`, as a compact JWS. `options.algorithm` defaults to the key's own algorithm (a
 * generated key has one); `options.header` adds header members (`kid`, `typ`, `cty`).
 */
function sign(claims, key, options) {
  const claimsJson = jsonArg(claims, 'claims');
  if (!(key instanceof Key)) throw new TypeError(`key must be a Key, not ${describe(key)}`);
  const o = optionsArg(options);
  const k = ptrOf(key);
  let alg = o.algorithm;
  if (alg === undefined || alg === null) {
    alg = hx.hx_key_algorithm(k);
    if (alg === null) throw new TypeError('options.algorithm is required: this key serves several algorithms');
  } else {
    cString(alg, 'options.algorithm');
  }
  const header = optionalJsonArg(o.header, 'options.header');
  const out = [null];
  check(hx.hx_jwt_encode(k, alg, header, claimsJson, out));
  return takeString(out[0]);
}

function verifyToJson(token, keyOrKeySet, options) {
  const t = tokenArg(token);
  let key = null;
  let keyset = null;
  if (keyOrKeySet instanceof Key) key = ptrOf(keyOrKeySet);
  else if (keyOrKeySet instanceof KeySet) keyset = ptrOf(keyOrKeySet);
  else throw new TypeError(`key must be a Key or a KeySet, not ${describe(keyOrKeySet)}`);
  const owned = !(options instanceof Validation);
  const validation = owned ? new Validation(options) : options;
  try {
    const out = [null];
    check(hx.hx_jwt_decode(key, keyset, t, ptrOf(validation), out));
    return takeString(out[0]);
  } finally {
    if (owned) validation.close();
  }
}

/**
 * Verifies a standard JWT with `key` (a Key, or a KeySet selecting by `kid`) and the checks of
 * `options` (a Validation, or its options: `{algorithms, audience, issuer, subject, leeway,
 * requiredClaims, maxAge, typ, now, ...}`). Returns the claims object; throws an HxJwtError
 * subclass (ExpiredError with `claim` "exp", ...). Integers beyond 2^53 lose precision in
 * JSON.parse: use verifyRaw() for the claims exactly as signed.
 */
function verify(token, keyOrKeySet, options) {
  return JSON.parse(verifyToJson(token, keyOrKeySet, options));
}

/** As verify(), but returns the claims as JSON text exactly as the issuer signed them. */
function verifyRaw(token, keyOrKeySet, options) {
  return verifyToJson(token, keyOrKeySet, options);
}

/**
 * **A diagnostic, never an acceptance**: every check verify() applies to `token` (same
 * arguments), run to the end. Returns the report `{passed, checks: [{check, outcome, kind, code,
 * message}], header, claims}`: `outcome` is "passed", "failed" or "not_checked"; `kind` is the
 * kind of the HxJwtError verify() would throw for that check (`code` its HX_ERR_* value); the
 * first failed check is the one verify() throws for; `claims` is null unless the signature
 * verified. No replay store is consulted or written. Throws only for unusable arguments.
 */
function explain(token, keyOrKeySet, options) {
  const t = tokenArg(token);
  let key = null;
  let keyset = null;
  if (keyOrKeySet instanceof Key) key = ptrOf(keyOrKeySet);
  else if (keyOrKeySet instanceof KeySet) keyset = ptrOf(keyOrKeySet);
  else throw new TypeError(`key must be a Key or a KeySet, not ${describe(keyOrKeySet)}`);
  const owned = !(options instanceof Validation);
  const validation = owned ? new Validation(options) : options;
  try {
    const out = [null];
    check(hx.hx_jwt_explain(key, keyset, t, ptrOf(validation), out));
    return JSON.parse(takeString(out[0]));
  } finally {
    if (owned) validation.close();
  }
}

/** **Verifies nothing**: the header of a compact JWS, as an object, to choose a key by `kid`. */
function decodeHeader(token) {
  const t = tokenArg(token);
  const out = [null];
  check(hx.hx_jwt_decode_header(t, out));
  return JSON.parse(takeString(out[0]));
}

/** The version of the loaded libhxjwt ("0.1.0"). */
function libraryVersion() {
  return hx.hx_version();
}

// Standard JWE: lib/jwe.js, given this file's converters and handle classes.
const jwe = require('./jwe').create({
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
  Key,
  KeySet,
  Validation,
});

module.exports = {
  Identity,
  Directory,
  Endpoint,
  Message,
  PROTOCOLS,
  Key,
  KeySet,
  Validation,
  ReplayStore,
  sign,
  verify,
  verifyRaw,
  explain,
  decodeHeader,
  jwe,
  JweKey: jwe.Key,
  JweDecryptOptions: jwe.DecryptOptions,
  JweDecrypted: jwe.Decrypted,
  libraryVersion,
  defaultRemoteOptions,
  defaultRedisOptions,
  LIBRARY_PATH,
  KINDS,
  HxJwtError,
  ERROR_CLASSES,
  kindOfStatus,
  ...Object.fromEntries(Object.entries(ERROR_CLASSES).map(([kind, cls]) => [`${kind}Error`, cls])),
};
