// Type declarations of the hxjwt package (lib/index.js), checked by `tsc -p test/tsconfig.json`
// over test/typed-usage.ts.

/// <reference types="node" />

/** JSON text (a string, or its UTF-8 bytes), or a plain object (sent as compact JSON). */
export type JsonInput = string | Uint8Array | { [key: string]: unknown } | unknown[];

/** A machine token: the public OKP X25519 JWK of a service, as JSON text or an object. */
export type MachineTokenInput = JsonInput;

/** A token: a string, or its bytes. */
export type TokenInput = string | Uint8Array;

/** An integer: a number (a safe integer) or a BigInt. */
export type Integer = number | bigint;

/** Base of every wrapper of a C handle: released by close(), or by the GC as a fallback. */
declare abstract class Handle {
  /** Whether close() was called. */
  readonly closed: boolean;
  /** Releases the C handle now (secrets are wiped by the library). Idempotent; using the
   * wrapper afterwards throws a TypeError whose code is "ERR_INVALID_STATE". */
  close(): void;
  [Symbol.dispose](): void;
}

// ---- HX1 ------------------------------------------------------------------------------------

/** A service's identity: a name and an X25519 key pair, private key included. */
export class Identity extends Handle {
  private constructor();
  /** A new identity named `name` (1 to 255 bytes of UTF-8, no control characters). */
  static generate(name: string): Identity;
  /** An identity from its private OKP X25519 JWK; InvalidKeyError if it is not one. */
  static fromJwk(jwk: JsonInput): Identity;
  /** The identity's name. */
  readonly name: string;
  /** The machine token: the public OKP X25519 JWK as JSON text, to give to peers. */
  readonly machineToken: string;
  /** The private JWK as JSON text, **including the private key `d`**. */
  toJwk(): string;
}

/** How a JWK Set at a URL is fetched and cached (0 or absent: the library's default). */
export interface RemoteOptions {
  /** Connection time-out in milliseconds (default 5000). */
  connectTimeoutMs?: Integer;
  /** Whole-request time-out in milliseconds (default 10000). */
  timeoutMs?: Integer;
  /** Largest response body in bytes (default 1 MiB). */
  maxResponseBytes?: Integer;
  /** Freshness without `Cache-Control: max-age`, in seconds (default 300). */
  defaultTtl?: Integer;
  /** Lower bound on freshness, in seconds (default 60). */
  minTtl?: Integer;
  /** Upper bound on freshness, in seconds (default 86400). */
  maxTtl?: Integer;
  /** Least time between two fetches for unknown names or after a failure (default 30 s). */
  refreshCooldown?: Integer;
  /** How long the last good set serves while fetches fail (default 3600 s). */
  maxStale?: Integer;
  /** Accept `http://` URLs (loopback tests only). Default false. A redirect from `https://`
   * to `http://` is refused even so; at most 3 redirects are followed. */
  allowHttp?: boolean;
  /** A PEM file of the certificate authorities to trust (a private CA), replacing the
   * built-in Mozilla roots; read when the directory or key set is made (InvalidArgumentError
   * naming the path if it cannot be read or holds no certificate). Default null. */
  caFile?: string | null;
  /** Request headers sent with every fetch, names to values (InvalidArgumentError for a name
   * that is not an HTTP token or is Host/Content-Length/Transfer-Encoding, or a value with
   * CR, LF or another control character). A `User-Agent` replaces the default
   * `hxjwt/<version>`. Default none. */
  headers?: Record<string, string> | null;
  /** Accept a JWK Set mixing HMAC secrets with public keys (KeySet.fromUrl only). Default
   * false. */
  allowMixedKeys?: boolean;
}

/** A directory callback's answer: the name's machine token, or null/undefined if unknown. */
export type ResolverAnswer = MachineTokenInput | null | undefined;

/** Resolves identity names to machine tokens: the peers an Endpoint may talk to. */
export class Directory extends Handle {
  /** A directory held in memory, with the given machine tokens. */
  constructor(machineTokens?: Iterable<MachineTokenInput>);
  /** A directory from a JWK Set (`{"keys":[...]}`). */
  static fromJwks(jwks: JsonInput): Directory;
  /** A read-only directory of the JWK Set at `url`, fetched on first use and cached. */
  static fromUrl(url: string, options?: RemoteOptions): Directory;
  /** A directory that asks `resolve(name)`, synchronously, on the thread that uses it. If it
   * throws, the call fails with ResolverFailedError whose `cause` is the exception. */
  static fromCallback(resolve: (name: string) => ResolverAnswer): Directory;
  /** Adds (or replaces) the machine token of its name (in-memory directories only). */
  add(machineToken: MachineTokenInput): void;
  /** Makes `machineToken` the newest key of its name, keeping the others (rotation). */
  rotateIn(machineToken: MachineTokenInput): void;
  /** Removes this one key of its name; whether it was there. */
  retire(machineToken: MachineTokenInput): boolean;
  /** The number of names. */
  readonly size: number;
  /** The directory as a JWK Set (JSON text, sorted by name). */
  toJwks(): string;
}

/** How ReplayStore.redis() connects (0 or absent: the library's default). */
export interface RedisOptions {
  /** Longest wait to open a connection, in milliseconds (default 1000). */
  connectTimeoutMs?: Integer;
  /** Longest wait for a reply, in milliseconds (default 500). */
  commandTimeoutMs?: Integer;
  /** Most connections open at once (default 16). */
  maxConnections?: Integer;
  /** Put before every key (default "hxjwt:"). */
  keyPrefix?: string | null;
  /** A PEM file of the CAs trusted for rediss:// instead of the Web PKI roots. */
  caFile?: string | null;
}

/** Remembers accepted tokens until they expire, so that each is accepted once. */
export class ReplayStore extends Handle {
  private constructor();
  /** An in-memory store (one process) of at most `capacity` tokens (0: the default). */
  static memory(capacity?: Integer): ReplayStore;
  /** A store on a Redis server (every process connected to it); no connection yet. */
  static redis(url: string, options?: RedisOptions): ReplayStore;
  /** Throws StoreUnavailableError when the store cannot answer. */
  ping(): void;
}

/** Options of an Endpoint. */
export interface EndpointOptions {
  /** Where peers' names are resolved; without one, give `recipientToken` / `sender`. */
  directory?: Directory | null;
  /** Clock skew tolerated on `exp`, `iat`, `nbf`, in seconds. Default 0. */
  leeway?: Integer;
  /** Longest `exp - iat` accepted, in seconds; null or 0: no limit (the default). */
  maxLifetime?: Integer | null;
  /** Other names (aliases) this endpoint accepts tokens for. */
  audiences?: string | Iterable<string> | null;
  /** Refuse a token accepted before (in memory, until it expires). Default false. */
  replayProtection?: boolean;
  /** A shared replay store (replaces replayProtection's own); null: off. */
  replayStore?: ReplayStore | null;
  /** Longest token accepted, in bytes. Default 65536. */
  maxTokenLength?: Integer;
  /** For tests and vectors: a fixed clock (Unix seconds). Default: the system clock. */
  now?: Integer | null;
}

/** Options of Endpoint.create(). Give exactly one of `to` and `recipientToken`. */
export interface CreateOptions {
  /** The recipient's name, resolved by the endpoint's directory. */
  to?: string | null;
  /** The recipient's machine token. */
  recipientToken?: MachineTokenInput | null;
  /** Validity in seconds (at least 1). Default 300. */
  ttl?: Integer;
  /** A unique token id (at most 128 bytes). */
  jti?: string | null;
  /** The token's `nbf`, in Unix seconds. */
  notBefore?: Integer | null;
  /** The token's `cty` (the payload's media type, e.g. "json"). */
  contentType?: string | null;
  /** "HX1" (the default: fastest, read by hxjwt) or "ECDH-1PU" (a standard compact JWE, `alg`
   * ECDH-1PU and `enc` A256GCM, that jose/joserfc or any ECDH-1PU stack reads with the two
   * machine tokens; past tokens stay sealed if the sender's key is stolen later). validate()
   * takes both. Another string is a RangeError. */
  protocol?: Protocol | null;
}

/** The modes of Endpoint.create() and Message.protocol. */
export type Protocol = 'HX1' | 'ECDH-1PU';

/** Every protocol's name: ["HX1", "ECDH-1PU"]. */
export const PROTOCOLS: readonly Protocol[];

/** Options of Endpoint.validate(). */
export interface ValidateOptions {
  /** The sender's machine token; without it, the token's `iss` is resolved by the directory. */
  sender?: MachineTokenInput | null;
}

/** A validated token, of either protocol. */
export class Message {
  private constructor();
  /** The sender's name (`iss`), authenticated. */
  readonly issuer: string;
  /** The recipient's name (`aud`). */
  readonly audience: string;
  /** `iat`, in Unix seconds. */
  readonly issuedAt: number;
  /** `exp`, in Unix seconds. */
  readonly expiresAt: number;
  /** `nbf`, in Unix seconds, or null. */
  readonly notBefore: number | null;
  /** The token's `jti`, or null. */
  readonly jti: string | null;
  /** The token's `cty`, or null. */
  readonly contentType: string | null;
  /** The token's mode: "HX1" or "ECDH-1PU" (Endpoint.create()'s `protocol`). */
  readonly protocol: Protocol;
  /** The decrypted payload. */
  readonly payload: Buffer;
  /** The payload as UTF-8 text (TypeError if it is not UTF-8). */
  text(): string;
  /** The payload parsed as JSON (SyntaxError if it is not JSON). */
  json(): unknown;
}

/** One service's end of HX1: creates tokens for peers and validates tokens from them. */
export class Endpoint extends Handle {
  /** An endpoint for `identity` (it keeps its own copy: the Identity may be closed). */
  constructor(identity: Identity, options?: EndpointOptions);
  /** The name of this endpoint's identity. */
  readonly name: string;
  /** Creates a token carrying `payload` (text as UTF-8, bytes, or a plain object as JSON), in
   * HX1 or, with `protocol: "ECDH-1PU"`, as a standard compact JWE. */
  create(payload: string | Uint8Array | { [key: string]: unknown } | unknown[], options: CreateOptions): string;
  /** Validates a token addressed to this endpoint; throws an HxJwtError subclass. */
  validate(token: TokenInput, options?: ValidateOptions): Message;
  /** **A diagnostic, never an acceptance**: every check validate() applies, run to the end
   * (`sender` as for validate()); the first failed check is validate()'s error. The replay store
   * is not used; the payload is never in the report (`payload_len` once it decrypted). */
  explain(token: TokenInput, options?: ValidateOptions): ExplainReport;
  /** For tests and vectors: stops the endpoint's clock at `unixSeconds`. */
  setTime(unixSeconds: Integer): void;
  /** Reads the system clock again (the default). */
  useSystemClock(): void;
  /** Records accepted tokens in `store` (null: replay protection off). */
  setReplayStore(store: ReplayStore | null): void;
  /** Also accepts tokens addressed to `name`. */
  addAudience(name: string): void;
  /** Also receives on `identity`'s key (rotation). */
  addPreviousIdentity(identity: Identity): void;
  /** `identity` becomes current; the old key keeps receiving. */
  rotateIdentity(identity: Identity): void;
  /** Forgets the previous identities. */
  clearPreviousIdentities(): void;
  /** How many previous identities are kept (0 to 2). */
  readonly previousIdentityCount: number;
}

// ---- Standard JWT ---------------------------------------------------------------------------

/** The algorithms of standard JWTs. */
export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'ES256K'
  | 'EdDSA' | 'Ed25519';

/** A key for signing or verifying standard JWTs. */
export class Key extends Handle {
  #private; // nominal: a jwe.Key, which has every member of a Key, is not one
  private constructor();
  /** A key from a JWK, private or public. */
  static fromJwk(jwk: JsonInput): Key;
  /** A key from PEM text (PKCS#8, SPKI, PKCS#1, SEC1). */
  static fromPem(pem: string | Uint8Array): Key;
  /** A key from DER bytes (PKCS#8 or SPKI). */
  static fromDer(der: Uint8Array): Key;
  /** An HMAC key from the secret's bytes (a string as UTF-8). */
  static fromSecret(secret: string | Uint8Array, options?: { allowShortSecret?: boolean }): Key;
  /** A new key restricted to `alg`, its kid its RFC 7638 thumbprint. */
  static generate(alg: Algorithm | string): Key;
  /** A copy whose `kid` is `kid`. */
  withKid(kid: string): Key;
  /** The public half; InvalidKeyError for an HMAC secret. */
  toPublic(): Key;
  /** The public JWK (JSON text); InvalidKeyError for an HMAC secret. */
  toPublicJwk(): string;
  /** The full JWK (JSON text), **private members included**. */
  toPrivateJwk(): string;
  /** The RFC 7638 thumbprint. */
  thumbprint(): string;
  /** The key's `kid`, or null. */
  readonly kid: string | null;
  /** The one algorithm the key is restricted to, or null. */
  readonly algorithm: string | null;
  /** Whether the key can sign. */
  readonly isPrivate: boolean;
}

/** Options of KeySet.fromJwks(). */
export interface KeySetOptions {
  /**
   * Accept a JWK Set holding both HMAC secrets (`oct`) and asymmetric keys (default false: such
   * a set lets a token choose, by its `alg` and `kid`, which kind of key checks it).
   */
  allowMixed?: boolean;
}

/** A key of a JWK Set that KeySet.fromJwks() skipped, and why. */
export interface SkippedKey {
  /** Its position in the set's `keys` array. */
  readonly index: number;
  /** Its `kid`, or null when it has no string `kid`. */
  readonly kid: string | null;
  /** Why hxjwt does not use it (its `kty`, curve, `use` or `alg`). */
  readonly reason: string;
}

/** An issuer's keys, selected by the token's `kid`. */
export class KeySet extends Handle {
  /** A key set held in memory, with copies of `keys`. */
  constructor(keys?: Iterable<Key>);
  /**
   * A key set from a JWK Set. Keys hxjwt cannot use for signatures are skipped and listed by
   * `skipped`; two different keys with one `kid` throw InvalidKeyError naming the kid; a set
   * mixing HMAC secrets with asymmetric keys throws InvalidKeyError unless `allowMixed` is true.
   */
  static fromJwks(jwks: JsonInput, options?: KeySetOptions): KeySet;
  /**
   * The keys of the JWK Set this set was read from that were skipped, in document order (empty
   * for a set built by hand; throws InvalidArgumentError for a set from fromUrl()).
   */
  readonly skipped: readonly SkippedKey[];
  /** A key set fetched from an issuer's `jwks_uri` and cached. */
  static fromUrl(url: string, options?: RemoteOptions): KeySet;
  /** Adds a copy of `key`. */
  add(key: Key): void;
  /** The number of keys. */
  readonly size: number;
  /** The public JWK Set (JSON text). */
  toPublicJwks(): string;
}

/** The checks verify() applies. */
export interface ValidationOptions {
  /** The accepted algorithms: required, there is no default. */
  algorithms: Iterable<Algorithm | string>;
  /** Accepted audiences; none (the default): a token with `aud` is refused. */
  audience?: string | Iterable<string> | null;
  /** Accepted issuers; none (the default): any `iss`. */
  issuer?: string | Iterable<string> | null;
  /** The required `sub`. */
  subject?: string | null;
  /** Clock skew in seconds on `exp`, `nbf`, `iat`, max age. Default 0. */
  leeway?: Integer;
  /** The claims a token must have. Default ["exp"]. */
  requiredClaims?: string | Iterable<string>;
  /** Refuse tokens issued more than this many seconds ago. */
  maxAge?: Integer | null;
  /** The required header `typ` (case-insensitive). */
  typ?: string | null;
  /** Check `exp` (default true). */
  verifyExp?: boolean;
  /** Check `nbf` (default true). */
  verifyNbf?: boolean;
  /** Check `iat` (default true). */
  verifyIat?: boolean;
  /** Check `aud` (default true). */
  verifyAud?: boolean;
  /** Longest token accepted, in bytes (default 65536). */
  maxTokenLength?: Integer;
  /** For tests: a fixed clock (Unix seconds). */
  now?: Integer | null;
  /** Each token (by its `jti`, then required) accepted once across everything sharing it. */
  replayStore?: ReplayStore | null;
}

/** A reusable set of checks for verify(). */
export class Validation extends Handle {
  constructor(options: ValidationOptions);
  /** For tests: stops the validation's clock. */
  setTime(unixSeconds: Integer): void;
  /** Reads the system clock again. */
  useSystemClock(): void;
}

/** Options of sign(). */
export interface SignOptions {
  /** The algorithm; defaults to the key's own (a generated key has one). */
  algorithm?: Algorithm | string;
  /** Extra header members (`kid`, `typ`, `cty`), as an object or JSON text. */
  header?: JsonInput | null;
}

/** Signs `claims` (an object, or JSON text signed exactly as given) as a compact JWS. */
export function sign(claims: JsonInput, key: Key, options?: SignOptions): string;

/** Verifies a standard JWT and returns its claims; throws an HxJwtError subclass. */
export function verify<T = Record<string, unknown>>(
  token: TokenInput,
  key: Key | KeySet,
  options: Validation | ValidationOptions,
): T;

/** As verify(), returning the claims as JSON text exactly as signed. */
export function verifyRaw(token: TokenInput, key: Key | KeySet, options: Validation | ValidationOptions): string;

/** One check of an explain() report. */
export interface ExplainCheck {
  /** The stable name: "format", "algorithm", "crit", "header", "typ", "payload", "key",
   * "signature", "claims", "required", "exp", "nbf", "iat", "max_age", "aud", "iss", "sub",
   * "jti", "replay"; for HX1 also "issuer", "lifetime", "decryption". */
  check: string;
  /** "not_checked": an earlier failure made it impossible, it is not configured, or explain
   * never runs it (the replay store). */
  outcome: 'passed' | 'failed' | 'not_checked';
  /** The kind of the HxJwtError verify()/validate() throws for this failure; null unless failed. */
  kind: ErrorKind | null;
  /** Its HX_ERR_* status value; null unless failed. */
  code: number | null;
  /** For people; never key material. */
  message: string;
}

/** What explain() returns. */
export interface ExplainReport {
  /** No check failed (still not an acceptance: verify() or validate() decides). */
  passed: boolean;
  /** Every check, in the order verify()/validate() applies them. */
  checks: ExplainCheck[];
  /** The header as sent (authentic only if the signature check passed), or null. */
  header: Record<string, unknown> | null;
  /** The claims, only when the signature verified (always null for HX1). */
  claims: Record<string, unknown> | null;
  /** HX1: the payload's length once it decrypted (the payload is never shown). */
  payload_len?: number;
}

/** **A diagnostic, never an acceptance**: every check verify() applies to `token`, run to the
 * end; the first failed check is the error verify() throws. No replay store is used. */
export function explain(token: TokenInput, key: Key | KeySet, options: Validation | ValidationOptions): ExplainReport;

/** **Verifies nothing**: the header of a compact JWS. */
export function decodeHeader(token: TokenInput): Record<string, unknown>;

// ---- Standard JWE ---------------------------------------------------------------------------

/** The JWS Key, by a name that jwe.Key does not shadow. */
type JwsKey = Key;

/**
 * Standard encrypted JWTs: JWE (RFC 7516/7518), compact and JSON serializations, and
 * sender-authenticated ECDH-1PU, over the C library's `hx_jwe_*` functions (the Python face's
 * `hxjwt.jwe`, in JavaScript's idiom).
 */
export namespace jwe {
  /** The longest token decryption accepts by default, in bytes (262144, 256 KiB): the header's
   * HX_JWE_DEFAULT_MAX_TOKEN_LENGTH. */
  const DEFAULT_MAX_TOKEN_LENGTH: number;
  /** The largest PBES2 `p2c` accepted by default (200000): HX_JWE_DEFAULT_MAX_P2C. */
  const DEFAULT_MAX_P2C: number;
  /** A sensible bound for `allowZip`, in bytes (250000): HX_JWE_DEFAULT_MAX_INFLATED_LENGTH. */
  const DEFAULT_MAX_INFLATED_LENGTH: number;

  /** The key management algorithms (`alg`). RSA1_5 is never accepted. */
  type KeyAlgorithm =
    | 'dir'
    | 'A128KW' | 'A192KW' | 'A256KW'
    | 'A128GCMKW' | 'A192GCMKW' | 'A256GCMKW'
    | 'RSA-OAEP' | 'RSA-OAEP-256' | 'RSA-OAEP-384' | 'RSA-OAEP-512'
    | 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW'
    | 'ECDH-1PU' | 'ECDH-1PU+A128KW' | 'ECDH-1PU+A192KW' | 'ECDH-1PU+A256KW'
    | 'PBES2-HS256+A128KW' | 'PBES2-HS384+A192KW' | 'PBES2-HS512+A256KW';

  /** The content encryptions (`enc`). */
  type ContentEncryption =
    | 'A128GCM' | 'A192GCM' | 'A256GCM'
    | 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512';

  /** What Key.generate() makes. */
  type KeyKind =
    | 'X25519' | 'P-256' | 'P-384' | 'P-521'
    | 'RSA' | 'RSA-3072' | 'RSA-4096'
    | 'oct-16' | 'oct-24' | 'oct-32' | 'oct-48' | 'oct-64';

  /** A plaintext: bytes, a string (sent as UTF-8), or a plain object or array (compact JSON). */
  type PlaintextInput = string | Uint8Array | { [key: string]: unknown } | unknown[];

  /** Bytes, or a string taken as UTF-8. */
  type BytesInput = string | Uint8Array;

  /** One key, or several (the token's `kid` selects among them). */
  type Keys = Key | Iterable<Key>;

  /**
   * A JWE key: a symmetric secret (`dir`, `A*KW`, `A*GCMKW`) or a PBES2 password, an RSA key
   * (RSA-OAEP, 2048 to 8192 bits), an EC key on P-256/P-384/P-521 or an X25519 key (ECDH-ES,
   * ECDH-1PU), private or public. A JWK's `alg`, `use` and `key_ops` are kept and enforced.
   * A JWS `Key` and a `jwe.Key` are different types: neither is accepted for the other.
   */
  class Key extends Handle {
    #private; // nominal: a JWS Key is not a jwe.Key, though they look alike
    private constructor();
    /** A key from a private or public JWK (`oct`, `RSA`, `EC`, `OKP` X25519); InvalidKeyError
     * for one that is not a JWE key (`use` not "enc", a JWS `alg`, a point off its curve). */
    static fromJwk(jwk: JsonInput): Key;
    /** An RSA or EC key from PEM (PKCS#8, SPKI, PKCS#1, SEC1); `options.kid` sets its kid. */
    static fromPem(pem: string | Uint8Array, options?: { kid?: string | null }): Key;
    /** A symmetric secret: the content key of `dir` (16 to 64 bytes, as the `enc` needs) or the
     * key-wrap key of `A*KW` / `A*GCMKW` (16, 24 or 32 bytes). A string is taken as UTF-8. */
    static fromSecret(secret: BytesInput, options?: { kid?: string | null }): Key;
    /** A PBES2 password (decrypting also needs the `PBES2-*` name in `algorithms`). */
    static fromPassword(password: BytesInput, options?: { kid?: string | null }): Key;
    /** A new private key of `kind`, its kid its RFC 7638 thumbprint; another kind is an
     * InvalidArgumentError. */
    static generate(kind: KeyKind | string): Key;
    /** A copy whose `kid` is `kid` (written into the headers of tokens made for it). */
    withKid(kid: string): Key;
    /** The public half (same kid, alg, use); InvalidKeyError for a secret. */
    toPublic(): Key;
    /** The public JWK as JSON text; InvalidKeyError for a secret. */
    toPublicJwk(): string;
    /** The full JWK as JSON text, **private or secret members included**; store it like a
     * password. For a public key, its public JWK. */
    toPrivateJwk(): string;
    /** The key's `kid`, or null. */
    readonly kid: string | null;
    /** Whether the key can decrypt (a secret or a private key). */
    readonly isPrivate: boolean;
    /** The JWK `kty`: "oct" (a secret or a password), "RSA", "EC" or "OKP" (X25519). */
    readonly kty: 'oct' | 'RSA' | 'EC' | 'OKP';
    /** The curve of an EC or X25519 key; null for a secret or an RSA key. */
    readonly curve: 'P-256' | 'P-384' | 'P-521' | 'X25519' | null;
    /** The one key management algorithm the key is restricted to (its JWK `alg`), or null. */
    readonly algorithm: KeyAlgorithm | string | null;
    /** The RFC 7638 thumbprint (base64url SHA-256) of the public members: a private key and its
     * public half have the same. For a secret it is computed over the secret: keep it private. */
    thumbprint(): string;
  }

  /** What decryption accepts. */
  interface DecryptOptionsInit {
    /** The accepted `alg` names: required, there is no default (an unknown name or RSA1_5 is
     * an UnsupportedAlgorithmError, an empty list an InvalidArgumentError). */
    algorithms: KeyAlgorithm | string | Iterable<KeyAlgorithm | string>;
    /** The accepted `enc` names: required, there is no default. */
    encryptions: ContentEncryption | string | Iterable<ContentEncryption | string>;
    /** The longest token accepted, in bytes (checked before anything is decoded). Default
     * DEFAULT_MAX_TOKEN_LENGTH; 0 is refused. */
    maxTokenLength?: Integer | null;
    /** The largest PBES2 `p2c` accepted (checked before any PBKDF2 work). Default
     * DEFAULT_MAX_P2C. */
    maxP2c?: Integer | null;
    /** Accept `zip: "DEF"`, inflating to at most this many bytes (DEFAULT_MAX_INFLATED_LENGTH is
     * sensible). Default:
     * `zip` refused (UnknownHeaderError). */
    allowZip?: Integer | null;
    /** The `crit` names the caller understands and checks itself in the header. Default none:
     * a token with `crit` is an UnknownHeaderError. */
    critical?: string | Iterable<string> | null;
    /** The required header `typ` (case-insensitive). Default none. */
    typ?: string | null;
  }

  /** A decrypt() call's options: DecryptOptionsInit, plus the sender keys of ECDH-1PU. */
  interface DecryptCallOptions extends DecryptOptionsInit {
    /** The senders' public keys, selected by the token's `skid`: ECDH-1PU. */
    senderKey?: Keys | null;
  }

  /** Decryption options, reusable across calls (cheaper than an options object each time). */
  class DecryptOptions extends Handle {
    #private;
    constructor(options: DecryptOptionsInit);
    /** The longest token accepted, in bytes (0 is refused). */
    setMaxTokenLength(bytes: Integer): void;
    /** The largest PBES2 `p2c` accepted. */
    setMaxP2c(iterations: Integer): void;
    /** Accepts `zip: "DEF"` up to `maxInflatedBytes` (DEFAULT_MAX_INFLATED_LENGTH is sensible;
     * 0 refuses `zip` again). */
    allowZip(maxInflatedBytes: Integer): void;
    /** Replaces the `crit` names understood. */
    setCritical(names: string | Iterable<string>): void;
    /** Requires the header `typ` (case-insensitive); null removes the requirement. */
    setTyp(typ: string | null): void;
  }

  /** A decrypted token. */
  class Decrypted {
    private constructor();
    /** The JOSE header, a new object on each access (for the JSON serialization, the union of
     * the protected, shared and recipient headers). */
    readonly header: Record<string, unknown>;
    /** The key management algorithm that decrypted it. */
    readonly alg: string;
    /** The content encryption. */
    readonly enc: string;
    /** The plaintext (inflated when `zip` was used). */
    readonly plaintext: Buffer;
    /** The JSON serialization's `aad`, decoded, or null. */
    readonly aad: Buffer | null;
    /** The plaintext as UTF-8 text (TypeError if it is not UTF-8). */
    text(): string;
    /** The plaintext parsed as JSON (SyntaxError if it is not JSON). */
    json(): unknown;
  }

  /** Protected header members of an encryption. */
  interface HeaderOptions {
    /** The `typ` member. */
    typ?: string | null;
    /** The `cty` member (the plaintext's media type). */
    cty?: string | null;
    /** Other protected members, as an object (or JSON text when no named member is given);
     * those hxjwt writes itself (`alg`, `enc`, `epk`, `crit`, ...) are an InvalidArgumentError. */
    header?: JsonInput | null;
    /** Compress the plaintext with DEFLATE (`zip: "DEF"`). Default false. */
    zip?: boolean;
    /** The PBES2 iteration count. */
    p2c?: Integer | null;
    /** ECDH party information (raw bytes; sent base64url-encoded). */
    apu?: BytesInput | null;
    /** ECDH party information (raw bytes; sent base64url-encoded). */
    apv?: BytesInput | null;
  }

  /** Options of encrypt(). */
  interface EncryptOptions extends HeaderOptions {
    /** The key management algorithm. */
    alg: KeyAlgorithm | string;
    /** The content encryption. */
    enc: ContentEncryption | string;
    /** The `kid` written; defaults to the key's own. */
    kid?: string | null;
    /** The sender's private key: ECDH-1PU (required there, refused elsewhere). */
    senderKey?: Key | null;
  }

  /** One recipient of encryptJson(): its key (public key or shared secret) and `alg`. */
  type Recipient = { key: Key; alg: KeyAlgorithm | string } | [Key, KeyAlgorithm | string];

  /** Options of encryptJson(). */
  interface EncryptJsonOptions extends HeaderOptions {
    /** The content encryption shared by the recipients. */
    enc: ContentEncryption | string;
    /** Additional authenticated data (authenticated, not encrypted). */
    aad?: BytesInput | null;
    /** The general form (default true); false writes the flattened form (one recipient). */
    general?: boolean;
    /** The sender's private key, for ECDH-1PU recipients. */
    senderKey?: Key | null;
  }

  /** Encrypts `plaintext` for `key` (the recipient's public key, or the shared secret or
   * password) as a compact JWE. */
  function encrypt(plaintext: PlaintextInput, key: Key, options: EncryptOptions): string;

  /** Encrypts `plaintext` for every recipient in the JSON serialization; returns JSON text. */
  function encryptJson(plaintext: PlaintextInput, recipients: Iterable<Recipient>, options: EncryptJsonOptions): string;

  /** Decrypts a compact JWE with one of `keys` under `options`; throws an HxJwtError subclass
   * (DecryptionFailedError for every failure of the cryptography). */
  function decrypt(token: TokenInput, keys: Keys, options: DecryptOptions | DecryptCallOptions): Decrypted;

  /** decrypt() for the JSON serialization (general or flattened): text, bytes or an object. */
  function decryptJson(
    token: TokenInput | { [key: string]: unknown },
    keys: Keys,
    options: DecryptOptions | DecryptCallOptions,
  ): Decrypted;

  /** Options of encryptNested(). */
  interface EncryptNestedOptions {
    /** The JWS algorithm of the inner token; defaults to the signing key's own. */
    algorithm?: Algorithm | string | null;
    /** The key management algorithm of the JWE. */
    alg: KeyAlgorithm | string;
    /** The content encryption of the JWE. */
    enc: ContentEncryption | string;
  }

  /** Signs `claims` with `signingKey` (as sign() does), then encrypts the signed token for
   * `encryptionKey` with `cty: "JWT"`: a nested JWT. */
  function encryptNested(claims: JsonInput, signingKey: JwsKey, encryptionKey: Key, options: EncryptNestedOptions): string;

  /** Options of decryptNested(): both steps' checks. */
  interface DecryptNestedOptions {
    /** The checks of the signed token inside (a Validation or its options). */
    validation: Validation | ValidationOptions;
    /** What the decryption accepts (a DecryptOptions or its options). */
    decryption: DecryptOptions | DecryptOptionsInit;
  }

  /** Decrypts a nested JWT, verifies the signed token inside with `verifyingKey` and returns its
   * claims; never unverified. A JWE without `cty: "JWT"` is an InvalidClaimError (claim "cty"). */
  function decryptNested<T = Record<string, unknown>>(
    token: TokenInput,
    keys: Keys,
    verifyingKey: JwsKey | KeySet,
    options: DecryptNestedOptions,
  ): T;

  /** As decryptNested(), returning the claims as JSON text exactly as signed. */
  function decryptNestedRaw(token: TokenInput, keys: Keys, verifyingKey: JwsKey | KeySet, options: DecryptNestedOptions): string;

  /** **Decrypts and checks nothing**: the protected header of a compact JWE, to choose a key. */
  function decodeHeader(token: TokenInput): Record<string, unknown>;
}

/** jwe.Key under a top-level name. */
export const JweKey: typeof jwe.Key;
export type JweKey = jwe.Key;
/** jwe.DecryptOptions under a top-level name. */
export const JweDecryptOptions: typeof jwe.DecryptOptions;
export type JweDecryptOptions = jwe.DecryptOptions;
/** jwe.Decrypted under a top-level name. */
export const JweDecrypted: typeof jwe.Decrypted;
export type JweDecrypted = jwe.Decrypted;

/** The version of the loaded libhxjwt. */
export function libraryVersion(): string;

/** The library's defaults for Directory.fromUrl() and KeySet.fromUrl(), with their actual
 * values (hx_remote_options_default): a new object on each call, to show or adjust. */
export function defaultRemoteOptions(): Required<{
  [K in Exclude<keyof RemoteOptions, 'caFile' | 'headers' | 'allowMixedKeys'>]: K extends 'allowHttp'
    ? boolean
    : number;
}>;

/** The library's defaults for ReplayStore.redis(), with their actual values
 * (hx_redis_options_default); `keyPrefix` and `caFile` are null (the prefix "hxjwt:" and the
 * Web PKI roots). A new object on each call. */
export function defaultRedisOptions(): {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxConnections: number;
  keyPrefix: string | null;
  caFile: string | null;
};

/** The path the library was loaded from ($HXJWT_LIB, or "libhxjwt.so.0"). */
export const LIBRARY_PATH: string;

// ---- Errors ---------------------------------------------------------------------------------

/** The core's error kinds. */
export type ErrorKind =
  | 'Malformed' | 'UnsupportedAlgorithm' | 'UnknownHeader' | 'WrongAudience' | 'UnknownIssuer'
  | 'IssuerMismatch' | 'InvalidKey' | 'InvalidSignature' | 'Expired' | 'NotYetValid'
  | 'LifetimeTooLong' | 'DecryptionFailed' | 'Replayed' | 'ResolverFailed' | 'InvalidArgument'
  | 'Internal' | 'MissingClaim' | 'InvalidClaim' | 'KeyNotFound' | 'Revoked' | 'StoreUnavailable';

/** Every kind's name. */
export const KINDS: readonly ErrorKind[];

/** Base class of every error the library reports. */
export class HxJwtError extends Error {
  /** The core's error kind ("Expired", ...). */
  readonly kind: ErrorKind | string;
  /** The C status (HxStatus number): 108 for Expired, ... */
  readonly code: number;
  /** The claim (or header member) a standard-JWT failure is about, or null. */
  readonly claim: string | null;
  /** The message without its leading "Kind: ". */
  readonly detail: string;
}
export class MalformedError extends HxJwtError { readonly kind: 'Malformed'; }
export class UnsupportedAlgorithmError extends HxJwtError { readonly kind: 'UnsupportedAlgorithm'; }
export class UnknownHeaderError extends HxJwtError { readonly kind: 'UnknownHeader'; }
export class WrongAudienceError extends HxJwtError { readonly kind: 'WrongAudience'; }
export class UnknownIssuerError extends HxJwtError { readonly kind: 'UnknownIssuer'; }
export class IssuerMismatchError extends HxJwtError { readonly kind: 'IssuerMismatch'; }
export class InvalidKeyError extends HxJwtError { readonly kind: 'InvalidKey'; }
export class InvalidSignatureError extends HxJwtError { readonly kind: 'InvalidSignature'; }
export class ExpiredError extends HxJwtError { readonly kind: 'Expired'; }
export class NotYetValidError extends HxJwtError { readonly kind: 'NotYetValid'; }
export class LifetimeTooLongError extends HxJwtError { readonly kind: 'LifetimeTooLong'; }
export class DecryptionFailedError extends HxJwtError { readonly kind: 'DecryptionFailed'; }
export class ReplayedError extends HxJwtError { readonly kind: 'Replayed'; }
export class ResolverFailedError extends HxJwtError { readonly kind: 'ResolverFailed'; }
export class InvalidArgumentError extends HxJwtError { readonly kind: 'InvalidArgument'; }
export class InternalError extends HxJwtError { readonly kind: 'Internal'; }
export class MissingClaimError extends HxJwtError { readonly kind: 'MissingClaim'; }
export class InvalidClaimError extends HxJwtError { readonly kind: 'InvalidClaim'; }
export class KeyNotFoundError extends HxJwtError { readonly kind: 'KeyNotFound'; }
export class RevokedError extends HxJwtError { readonly kind: 'Revoked'; }
export class StoreUnavailableError extends HxJwtError { readonly kind: 'StoreUnavailable'; }

/** Every kind's class. */
export const ERROR_CLASSES: Readonly<Record<ErrorKind, typeof HxJwtError>>;

/** The kind of a C status number (by hx_status_name). */
export function kindOfStatus(status: number): ErrorKind | string;
