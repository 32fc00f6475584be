'use strict';
// The README's examples run as written (its first ```js block, and the first of its JWE
// section), against this package, and print what their comments say.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

function runExample(example) {
  const program = example.replace("require('hxjwt')", `require(${JSON.stringify(path.join(__dirname, '..'))})`);
  assert.notEqual(program, example, 'the example requires hxjwt');
  return spawnSync(process.execPath, ['-e', program], { env: process.env, encoding: 'utf8' });
}

test("the README's JWE example runs and prints what it says", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const example = /## JWE[^\n]*\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)[1];
  assert.match(example, /jwe\.decrypt/);
  const r = runExample(example);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'ECDH-ES+A256KW A256GCM { order: 42 }\n');
});

test("the README's example runs and prints what it says", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)[1];
  assert.ok(example.split('\n').filter(Boolean).length <= 10, 'a 10-line example');
  const program = example.replace("require('hxjwt')", `require(${JSON.stringify(path.join(__dirname, '..'))})`);
  const r = spawnSync(process.execPath, ['-e', program], { env: process.env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "alice.service { order: 42 }\nuser-7\n");
});
