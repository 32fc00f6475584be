// A typed use of the package, checked by `tsc -p test/tsconfig.json` (never run): the
// declarations of index.d.ts match how the API is meant to be used.
import {
  Directory,
  Endpoint,
  ExpiredError,
  HxJwtError,
  Identity,
  Key,
  KeySet,
  Message,
  ReplayStore,
  Validation,
  decodeHeader,
  sign,
  verify,
  verifyRaw,
  type ErrorKind,
  jwe,
  JweKey,
  JweDecryptOptions,
  type JweDecrypted,
  InvalidClaimError,
  PROTOCOLS,
  type Protocol,
  defaultRemoteOptions,
  defaultRedisOptions,
} from 'hxjwt';

const alice: Identity = Identity.generate('alice.service');
const bob: Identity = Identity.fromJwk(Identity.generate('bob.service').toJwk());
const directory = new Directory([alice.machineToken, JSON.parse(bob.machineToken) as object as { [k: string]: unknown }]);
const size: number = directory.size;
const sender = new Endpoint(alice, { directory, leeway: 5, replayProtection: false });
const receiver = new Endpoint(bob, { directory, maxLifetime: 600n, audiences: ['bob.alias'], now: null });
const token: string = sender.create({ order: 42 }, { to: 'bob.service', ttl: 60, jti: 'id-1', contentType: 'json' });
const message: Message = receiver.validate(token);
const payload: Buffer = message.payload;
const when: number | null = message.notBefore;
const order: unknown = message.json();
receiver.validate(Buffer.from(token), { sender: alice.machineToken });
sender.create(new Uint8Array([1, 2, 3]), { recipientToken: bob.machineToken });
// The ECDH-1PU mode: a standard compact JWE; the message says which protocol it came in.
const onePuToken: string = sender.create('x', { to: 'bob.service', protocol: 'ECDH-1PU', jti: 'id-2', notBefore: 0 });
sender.create('x', { to: 'bob.service', protocol: 'HX1' });
sender.create('x', { to: 'bob.service', protocol: null });
const protocol: Protocol = receiver.validate(onePuToken).protocol;
const isOnePu: boolean = message.protocol === 'ECDH-1PU';
const protocols: readonly Protocol[] = PROTOCOLS;
// @ts-expect-error: only "HX1" and "ECDH-1PU"
sender.create('x', { to: 'bob.service', protocol: 'HX2' });
void protocol, isOnePu, protocols;
const remoteDefaults = defaultRemoteOptions();
const cooldown: number = remoteDefaults.refreshCooldown;
const allowHttp: boolean = remoteDefaults.allowHttp;
Directory.fromUrl('https://keys.example/jwks.json', { ...remoteDefaults, maxStale: 60 }).close();
const redisDefaults = defaultRedisOptions();
const prefix: string | null = redisDefaults.keyPrefix;
ReplayStore.redis('redis://127.0.0.1:6379/0', { ...redisDefaults, keyPrefix: 'app:' }).close();
void cooldown, allowHttp, prefix;

const signing: Key = Key.generate('ES256');
const verifying: Key = signing.toPublic();
const jwt: string = sign({ sub: 'user-7', aud: 'api', exp: 4_000_000_000 }, signing, { header: { cty: 'x' } });
const claims = verify<{ sub: string }>(jwt, verifying, { algorithms: ['ES256'], audience: 'api' });
const sub: string = claims.sub;
const v = new Validation({ algorithms: ['ES256', 'EdDSA'], audience: ['api'], leeway: 30, requiredClaims: ['exp', 'sub'] });
const raw: string = verifyRaw(jwt, new KeySet([verifying]), v);
const header: Record<string, unknown> = decodeHeader(jwt);
const alg: string | null = signing.algorithm;
const kid: string | null = Key.fromSecret(Buffer.alloc(32), { allowShortSecret: false }).kid;

try {
  receiver.validate(token);
} catch (err) {
  if (err instanceof ExpiredError) {
    const k: 'Expired' = err.kind;
    void k;
  } else if (err instanceof HxJwtError) {
    const kind: ErrorKind | string = err.kind;
    const code: number = err.code;
    const claim: string | null = err.claim;
    void kind, code, claim;
  }
}

const store: ReplayStore = ReplayStore.memory(1000);
receiver.setReplayStore(store);
const once = new Validation({ algorithms: ['HS256'], replayStore: store });
store.ping();
ReplayStore.redis('redis://127.0.0.1:6379/0', { keyPrefix: 'app:', commandTimeoutMs: 200 }).close();
for (const h of [store, once, alice, bob, directory, sender, receiver, signing, verifying, v]) h.close();
void size, payload, when, order, sub, raw, header, alg, kid;

// ---- JWE ----
const recipient: jwe.Key = jwe.Key.generate('X25519');
const recipientPublic: JweKey = recipient.toPublic();
const publicJwk: string = recipient.toPublicJwk();
const fromJwk = JweKey.fromJwk(JSON.parse(publicJwk) as { [k: string]: unknown });
const secretKey = jwe.Key.fromSecret(new Uint8Array(32), { kid: 's-1' });
const password = jwe.Key.fromPassword('correct horse', { kid: null });
const pemKey: (pem: string) => jwe.Key = (pem) => jwe.Key.fromPem(pem, { kid: 'pem' });
const jweKid: string | null = recipient.kid;
const canDecrypt: boolean = recipient.isPrivate;
const kty: 'oct' | 'RSA' | 'EC' | 'OKP' = recipient.kty;
const curve: 'P-256' | 'P-384' | 'P-521' | 'X25519' | null = recipient.curve;
const restrictedTo: string | null = recipient.algorithm;
const thumbprint: string = recipient.thumbprint();
const defaults: number = jwe.DEFAULT_MAX_TOKEN_LENGTH + jwe.DEFAULT_MAX_P2C + jwe.DEFAULT_MAX_INFLATED_LENGTH;
// @ts-expect-error: the defaults are constants
jwe.DEFAULT_MAX_P2C = 1;
void kty, curve, restrictedTo, thumbprint, defaults;
const compact: string = jwe.encrypt({ order: 42 }, recipientPublic, {
  alg: 'ECDH-ES+A256KW',
  enc: 'A256GCM',
  typ: 'JWT',
  cty: 'json',
  header: { 'x-app': 1 },
  zip: false,
  apu: 'Alice',
  apv: new Uint8Array([1]),
});
const decrypted: jwe.Decrypted = jwe.decrypt(compact, [recipient, fromJwk], {
  algorithms: ['ECDH-ES+A256KW'],
  encryptions: ['A256GCM'],
  maxTokenLength: 65536,
  maxP2c: 10_000n,
  allowZip: 250_000,
  critical: ['exp'],
  typ: 'JWT',
});
const plaintextBytes: Buffer = decrypted.plaintext;
const alsoDecrypted: JweDecrypted = decrypted;
const jweHeader: Record<string, unknown> = decrypted.header;
const aadOrNull: Buffer | null = decrypted.aad;
const algName: string = decrypted.alg + decrypted.enc + decrypted.text();
const parsed: unknown = decrypted.json();
const reusable = new JweDecryptOptions({ algorithms: 'A256KW', encryptions: ['A128CBC-HS256'] });
reusable.setMaxTokenLength(1024);
reusable.setMaxP2c(1000);
reusable.allowZip(0);
reusable.setCritical([]);
reusable.setTyp(null);
const json: string = jwe.encryptJson(Buffer.from('x'), [{ key: recipientPublic, alg: 'ECDH-ES+A128KW' }, [secretKey, 'A256KW']], {
  enc: 'A128CBC-HS256',
  aad: 'bound',
  general: true,
});
jwe.decryptJson(json, secretKey, reusable);
jwe.decryptJson(JSON.parse(json) as { [k: string]: unknown }, secretKey, { algorithms: ['A256KW'], encryptions: ['A128CBC-HS256'] });
const jweSender = jwe.Key.generate('X25519');
const onePu: string = jwe.encrypt('hi', recipientPublic, { alg: 'ECDH-1PU', enc: 'A256GCM', senderKey: jweSender });
jwe.decrypt(onePu, recipient, { algorithms: ['ECDH-1PU'], encryptions: ['A256GCM'], senderKey: [jweSender.toPublic()] });
const nestedSigning = Key.generate('ES256');
const nested: string = jwe.encryptNested({ sub: 'user-7' }, nestedSigning, recipientPublic, { alg: 'ECDH-ES', enc: 'A256GCM' });
const nestedClaims = jwe.decryptNested<{ sub: string }>(nested, recipient, nestedSigning.toPublic(), {
  validation: { algorithms: ['ES256'], requiredClaims: [] },
  decryption: new jwe.DecryptOptions({ algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] }),
});
const nestedSub: string = nestedClaims.sub;
const nestedRaw: string = jwe.decryptNestedRaw(nested, [recipient], new KeySet([nestedSigning]), {
  validation: new Validation({ algorithms: ['ES256'] }),
  decryption: { algorithms: ['ECDH-ES'], encryptions: ['A256GCM'] },
});
const unverified: Record<string, unknown> = jwe.decodeHeader(Buffer.from(compact));
try {
  jwe.decryptNested(nested, recipient, nestedSigning, { validation: { algorithms: ['ES256'] }, decryption: reusable });
} catch (err) {
  if (err instanceof InvalidClaimError) {
    const c: string | null = err.claim;
    void c;
  }
}
// A JWS Key is not a jwe.Key, nor the reverse.
// @ts-expect-error
jwe.encrypt('x', nestedSigning, { alg: 'dir', enc: 'A128GCM' });
// @ts-expect-error
jwe.encryptNested({}, recipient, recipientPublic, { alg: 'ECDH-ES', enc: 'A256GCM' });
// @ts-expect-error: the allow-lists are required
jwe.decrypt(compact, recipient, { algorithms: ['ECDH-ES'] });
for (const h of [recipient, recipientPublic, fromJwk, secretKey, password, reusable, jweSender, nestedSigning]) h.close();
void pemKey, jweKid, canDecrypt, plaintextBytes, alsoDecrypted, jweHeader, aadOrNull, algName, parsed, nestedSub, nestedRaw, unverified;
