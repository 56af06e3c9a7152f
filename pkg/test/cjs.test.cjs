// The package's CommonJS entry in Node: the same engine and results as the ES module entry.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const rollcall = require('rollcall');

const dir = path.join(__dirname, '../../tests/fixtures/examples/guid-modified');

test('require("rollcall") exposes the API', () => {
  for (const name of ['check', 'checkJson', 'changeSet', 'codes']) {
    assert.equal(typeof rollcall[name], 'function', name);
  }
  assert.equal(typeof rollcall.Checker, 'function');
});

test('the CommonJS and ES module entries give the same report', async () => {
  const esm = await import('rollcall');
  const edited = fs.readFileSync(path.join(dir, 'edited.csv'));
  const original = fs.readFileSync(path.join(dir, 'export.csv'));
  const cjsJson = rollcall.checkJson(edited, { original });
  assert.equal(esm.checkJson(edited, { original }), cjsJson);
  assert.equal(JSON.parse(cjsJson).diagnostics[0].code, 'guid-modified');
});
