'use strict';
// Errors: one HxJwtError subclass per error kind of the core. A C status maps to its kind by its
// name (hx_status_name: HX_ERR_WRONG_AUDIENCE -> "WrongAudience"); nothing else is decided here.

const { hx } = require('./ffi');

/** The kinds' stable names, as in tests/vectors and every other face. */
const KINDS = Object.freeze([
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
  'InvalidArgument',
  'Internal',
  'MissingClaim',
  'InvalidClaim',
  'KeyNotFound',
  'Revoked',
  'StoreUnavailable',
]);

// Statuses a library may not name yet (hx_status_name answers HX_ERR_UNKNOWN for them): the
// lead is adding HX_ERR_STORE_UNAVAILABLE = 118 to the C ABI.
const KNOWN_LATER = new Map([[118, 'StoreUnavailable']]);

/** HX_ERR_WRONG_AUDIENCE -> "WrongAudience"; null for a name that is not an error status. */
function kindOfStatusName(name) {
  if (typeof name !== 'string' || !name.startsWith('HX_ERR_') || name === 'HX_ERR_UNKNOWN') {
    return null;
  }
  return name
    .slice('HX_ERR_'.length)
    .split('_')
    .map((word) => word.charAt(0) + word.slice(1).toLowerCase())
    .join('');
}

const kindCache = new Map();
/** The kind of a C status: by hx_status_name, else the statuses known to be coming. */
function kindOfStatus(status) {
  let kind = kindCache.get(status);
  if (kind === undefined) {
    kind =
      kindOfStatusName(hx.hx_status_name(status >>> 0)) ?? KNOWN_LATER.get(status) ?? 'Unknown';
    kindCache.set(status, kind);
  }
  return kind;
}

/**
 * The base class of every error the library reports. `kind` is the core's error kind
 * ("Expired", ...), `code` the C status (HxStatus number), `claim` the claim (or header member)
 * a standard-JWT failure is about, or null. The message is the library's own
 * (`"Expired: the token expired at ..."`); it never contains key material.
 */
class HxJwtError extends Error {
  constructor(message, { kind, code, claim = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.code = code;
    this.claim = claim;
  }

  /** The message without its leading "Kind: ". */
  get detail() {
    const prefix = `${this.kind}: `;
    return this.message.startsWith(prefix) ? this.message.slice(prefix.length) : this.message;
  }
}
Object.defineProperty(HxJwtError.prototype, 'name', {
  value: 'HxJwtError',
  writable: true,
  configurable: true,
});

/** Kind name -> its class (MalformedError, ExpiredError, ...). */
const ERROR_CLASSES = {};
for (const kind of KINDS) {
  const className = `${kind}Error`;
  const cls = {
    [className]: class extends HxJwtError {},
  }[className];
  Object.defineProperty(cls.prototype, 'name', {
    value: className,
    writable: true,
    configurable: true,
  });
  ERROR_CLASSES[kind] = cls;
}
Object.freeze(ERROR_CLASSES);

/** An error of kind `kind` (its subclass, or HxJwtError for a kind this package does not know). */
function makeError(code, message, claim, cause) {
  const kind = kindOfStatus(code);
  const cls = ERROR_CLASSES[kind] ?? HxJwtError;
  return new cls(message || `${kind}: (no message)`, { kind, code, claim: claim ?? null, cause });
}

/**
 * Throws the error of a failed call. Called right after the call, on the same thread, before any
 * other hx_* call: hx_last_error_message() and hx_last_error_claim() are only valid until then.
 */
function fail(status) {
  const message = hx.hx_last_error_message();
  const claim = hx.hx_last_error_claim();
  throw makeError(status, message, claim);
}

/** An InvalidArgument error raised before the library is called (an argument C cannot carry). */
function invalidArgument(detail) {
  return new ERROR_CLASSES.InvalidArgument(`InvalidArgument: ${detail}`, {
    kind: 'InvalidArgument',
    code: 1,
  });
}

module.exports = {
  KINDS,
  HxJwtError,
  ERROR_CLASSES,
  kindOfStatus,
  kindOfStatusName,
  makeError,
  fail,
  invalidArgument,
};
