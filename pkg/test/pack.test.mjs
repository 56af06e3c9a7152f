// `npm pack` gives a tarball that a fresh project installs and uses, from CommonJS and from an
// ES module, through the `exports` map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('../../tests/fixtures/examples/guid-modified/', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

test('the packed tarball installs into a fresh project and works there', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-pack-'));
  try {
    const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], pkg));
    const files = packed[0].files.map((f) => f.path).sort();
    for (const wanted of [
      'README.md', 'index.d.ts', 'web.d.ts', 'package.json',
      'dist/node/index.cjs', 'dist/node/index.mjs',
      'dist/node/rollcall_wasm.js', 'dist/node/rollcall_wasm_bg.wasm',
      'dist/bundler/index.js', 'dist/bundler/rollcall_wasm.js', 'dist/bundler/rollcall_wasm_bg.wasm',
      'dist/web/index.js', 'dist/web/rollcall_wasm.js', 'dist/web/rollcall_wasm_bg.wasm',
    ]) {
      assert.ok(files.includes(wanted), `the tarball lacks ${wanted}`);
    }
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('node_modules/')), files.join(', '));

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // The package has no dependencies, so nothing is fetched.
    run(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(work, packed[0].filename)], app);
    fs.copyFileSync(path.join(fixtures, 'edited.csv'), path.join(app, 'edited.csv'));
    fs.copyFileSync(path.join(fixtures, 'export.csv'), path.join(app, 'export.csv'));
    fs.writeFileSync(path.join(app, 'use.cjs'), `
      const fs = require('node:fs');
      const { check } = require('rollcall');
      const report = check(fs.readFileSync('edited.csv'), { original: fs.readFileSync('export.csv') });
      console.log(report.diagnostics.map((d) => d.row + ' ' + d.code).join('\\n'));
    `);
    fs.writeFileSync(path.join(app, 'use.mjs'), `
      import fs from 'node:fs';
      import { Checker } from 'rollcall';
      const checker = new Checker(fs.readFileSync('edited.csv'), { original: fs.readFileSync('export.csv') });
      const fix = checker.report().diagnostics[0].fix;
      console.log(checker.setCell(fix.row, fix.field, fix.value).summary.errors);
      checker.free();
    `);
    assert.equal(run(process.execPath, ['use.cjs'], app).trim(), '7 guid-modified');
    assert.equal(run(process.execPath, ['use.mjs'], app).trim(), '0');
    const pkgJson = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/rollcall/package.json'), 'utf8'));
    assert.equal(pkgJson.name, 'rollcall');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
