// The README's Node examples run as written, in a folder holding `export.csv` and `edited.csv`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = fs.readFileSync(path.join(pkg, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const fixtures = path.join(pkg, '../tests/fixtures/examples/guid-modified');

test('the README has Node examples', () => {
  assert.ok(examples.length >= 4, `${examples.length} examples`);
});

examples.forEach((source, i) => {
  test(`README example ${i + 1} runs`, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-readme-'));
    try {
      fs.copyFileSync(path.join(fixtures, 'export.csv'), path.join(work, 'export.csv'));
      fs.copyFileSync(path.join(fixtures, 'edited.csv'), path.join(work, 'edited.csv'));
      fs.writeFileSync(path.join(work, 'example.cjs'), source);
      // The package being tested, installed as a link.
      fs.mkdirSync(path.join(work, 'node_modules'));
      fs.symlinkSync(pkg, path.join(work, 'node_modules', 'rollcall'), 'dir');
      const run = spawnSync(process.execPath, ['example.cjs'], { cwd: work, encoding: 'utf8' });
      assert.equal(run.status, 0, `example ${i + 1} failed:\n${source}\n${run.stderr}`);
      assert.ok(run.stdout.length > 0, 'it printed nothing');
      if (source.includes("const { check }")) assert.match(run.stdout, /^7 error guid-modified: Student GUID was changed/m);
      if (source.includes('errors left')) assert.match(run.stdout, /^0 errors left$/m);
      if (source.includes("'classes'")) {
        assert.match(run.stdout, /^classes: Homeroom 3A; Math 3 -> homeroom3a; Science Club$/m);
        assert.match(run.stdout, /^similar-class fix: Homeroom 3A; Science Club$/m);
        assert.match(run.stdout, /^new-class $/m);
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
