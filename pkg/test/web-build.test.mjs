// The `rollcall/web` build (for plain browser pages) loaded in Node with initSync: the same
// engine as the Node build. The browser test loads it in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import { check, checkJson } from 'rollcall';
import { fixture } from './fixtures.mjs';

test('the web build checks a file like the Node build', async () => {
  const web = await import(new URL('../dist/web/index.js', import.meta.url));
  const wasm = fs.readFileSync(new URL('../dist/web/rollcall_wasm_bg.wasm', import.meta.url));
  assert.throws(() => web.codes(), 'unusable before init');
  web.initSync({ module: wasm });
  const edited = fixture('workbooks/twin-xlsx/edited.xlsx');
  const original = fixture('workbooks/twin-xlsx/export.csv');
  assert.equal(web.checkJson(edited, { original }), checkJson(edited, { original }));
  assert.deepEqual(web.check(edited, { original }), check(edited, { original }));
  assert.equal(JSON.stringify(web.check(edited, { original })), checkJson(edited, { original }));
  assert.equal(web.codes().length, 44);
});
