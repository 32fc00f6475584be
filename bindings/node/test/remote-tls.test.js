'use strict';
// Issue 17 item 4 through the Node face: the remote options caFile, headers and allowMixedKeys
// (HxRemoteOptions' fields appended in C). A bad CA file or header is an InvalidArgumentError
// when the directory or key set is made; the headers and the default User-Agent reach a loopback
// server (plain http here: the TLS checks themselves are the core's, core/tests/remote_tls.rs).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const hxjwt = require('..');
const { caught } = require('./helpers');

const { Directory, KeySet, Key, sign, verify } = hxjwt;
const URL_ = 'https://keys.example.com/jwks.json';

const ED = { kty: 'OKP', crv: 'Ed25519', kid: 'ed', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
const HS = { kty: 'oct', kid: 'hs', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA' };

function tmpFile(name, text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hxjwt-node-tls-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('a bad CA file is an InvalidArgumentError naming the path, from both fromUrl', () => {
  const empty = tmpFile('empty.pem', 'no certificate here\n');
  for (const [file, why] of [
    ['/no/such/hxjwt-ca.pem', /cannot read the CA file/],
    [empty, /no CERTIFICATE block/],
  ]) {
    for (const make of [() => KeySet.fromUrl(URL_, { caFile: file }), () => Directory.fromUrl(URL_, { caFile: file })]) {
      const err = caught(make);
      assert.ok(err instanceof hxjwt.InvalidArgumentError, err.message);
      assert.equal(err.kind, 'InvalidArgument');
      assert.match(err.message, why);
      assert.ok(err.message.includes(file), err.message);
    }
  }
  assert.throws(() => KeySet.fromUrl(URL_, { caFile: 7 }), TypeError);
});

test('a good CA file and good headers are accepted', () => {
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', '/dev/null', '-subj', '/CN=hxjwt node test CA', '-days', '1'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const ca = tmpFile('ca.pem', made.stdout);
  const set = KeySet.fromUrl(URL_, { caFile: ca, headers: { 'X-Api-Key': 'k-1', 'User-Agent': 'svc/1' }, allowMixedKeys: true });
  set.close();
  Directory.fromUrl(URL_, { caFile: ca, headers: {} }).close();
});

test('bad headers are refused, the value never quoted', () => {
  for (const [headers, why] of [
    [{ Host: 'evil.example' }, /set by the HTTP client/],
    [{ 'Bad Name': 'v' }, /not an HTTP token/],
    [{ 'X:Y': 'v' }, /not an HTTP token/],
    [{ 'X-A': 's3cr3t\r\nHost: x' }, /control character/],
    [{ 'Transfer-Encoding': 'chunked' }, /set by the HTTP client/],
  ]) {
    const err = caught(() => KeySet.fromUrl(URL_, { headers }));
    assert.ok(err instanceof hxjwt.InvalidArgumentError, `${JSON.stringify(headers)}: ${err.message}`);
    assert.match(err.message, why);
    assert.ok(!err.message.includes('s3cr3t'), err.message);
  }
  assert.throws(() => KeySet.fromUrl(URL_, { headers: { 'X-A': 1 } }), TypeError);
  assert.throws(() => KeySet.fromUrl(URL_, { headers: ['X-A: 1'] }), TypeError);
  assert.throws(() => KeySet.fromUrl(URL_, { allowMixedKeys: 'yes' }), TypeError);
});

function serve(body) {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}/jwks.json` })));
}

// The fetch blocks the calling thread, so it runs in a child process while this one serves.
function inChild(code) {
  return new Promise((resolve) => {
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..'), env: process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

test('headers, the User-Agent and allowMixedKeys reach a served set', async () => {
  const { server, seen, url } = await serve({ keys: [ED, HS] });
  try {
    const secret = Key.fromJwk(HS);
    const token = sign({ sub: 'a', exp: 4e9 }, secret, { algorithm: 'HS256', header: { kid: 'hs' } });
    secret.close();
    const code = (opts) => `
      const hxjwt = require('.');
      const set = hxjwt.KeySet.fromUrl(${JSON.stringify(url)}, ${JSON.stringify(opts)});
      try { console.log(hxjwt.verify(${JSON.stringify(token)}, set, { algorithms: ['HS256'] }).sub); }
      catch (e) { console.log(e.kind + ': ' + e.message); }`;
    const ok = await inChild(code({ allowHttp: true, allowMixedKeys: true, headers: { 'X-Api-Key': 'k-123' } }));
    assert.equal(ok.out.trim(), 'a', ok.err);
    const refused = await inChild(code({ allowHttp: true, headers: { 'User-Agent': 'billing/2.1' } }));
    assert.match(refused.out, /^ResolverFailed: .*HMAC secret/, refused.err);
    assert.equal(seen.length, 2);
    assert.equal(seen[0]['user-agent'], `hxjwt/${hxjwt.libraryVersion()}`);
    assert.equal(seen[0]['x-api-key'], 'k-123');
    assert.equal(seen[1]['user-agent'], 'billing/2.1');
  } finally {
    server.close();
  }
});
