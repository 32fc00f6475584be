'use strict';
// Shared by the tests: the vectors directory and a few helpers.

const fs = require('node:fs');
const path = require('node:path');

const VECTORS_DIR = process.env.HXJWT_VECTORS_DIR || path.join(__dirname, '..', '..', '..', 'tests', 'vectors');

function loadVectors(name) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS_DIR, name), 'utf8'));
}

function b64urlDecode(text) {
  return Buffer.from(text, 'base64url');
}

/** Runs `fn` and returns what it threw (fails when it throws nothing). */
function caught(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an exception, none was thrown');
}

module.exports = { VECTORS_DIR, loadVectors, b64urlDecode, caught };
