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
