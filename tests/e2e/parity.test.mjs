// Native/wasm parity: every fixture case, and a few hundred damaged copies of them, through the
// `rollcall` command line and through the npm package in Node. The report JSON must be
// byte-identical, in English and in Spanish, lean and with every row listed (`--all-rows`,
// `allRows: true`), and so must the change-set. The report object `check` builds from the
// engine's parts must be that JSON's value, its keys in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { check, checkJson, changeSet } from 'rollcall';
import { cases, repo } from './cases.mjs';

const cli = path.join(repo, 'target/release/rollcall');

function native(dir, args) {
  const run = spawnSync(cli, args, { cwd: dir, maxBuffer: 1 << 28 });
  assert.ok(run.status !== null, `${cli} ${args.join(' ')}: ${run.error ?? run.signal}`);
  return { stdout: run.stdout.toString('utf8'), status: run.status };
}

function read(dir, name) {
  return name === null ? undefined : fs.readFileSync(path.join(dir, name));
}

/** The CLI's and the package's report for one file, compared byte for byte. */
function assertSameReport(dir, edited, original, lang, allRows = false) {
  const args = ['check', edited, '--format', 'json', '--lang', lang];
  if (original !== null) args.push('--original', original);
  if (allRows) args.push('--all-rows');
  const { stdout, status } = native(dir, args);
  const options = {
    original: read(dir, original),
    fileName: edited,
    originalFileName: original ?? undefined,
    lang,
    allRows,
  };
  const json = checkJson(read(dir, edited), options);
  assert.ok([0, 1, 2].includes(status), `exit ${status}`);
  assert.equal(JSON.stringify(check(read(dir, edited), options)), json, `${dir} ${edited}: check`);
  if (stdout !== json + '\n') {
    const at = [...stdout].findIndex((c, i) => c !== json[i]);
    assert.fail(`${dir} ${edited} (${lang}): the reports differ from character ${at}:\n` +
      `native: ${stdout.slice(Math.max(0, at - 80), at + 80)}\nwasm:   ${json.slice(Math.max(0, at - 80), at + 80)}`);
  }
  return json;
}

const all = cases();

test('the fixture suite is there', () => {
  assert.ok(fs.existsSync(cli), `build the command line first: ${cli}`);
  assert.ok(all.length >= 100, `only ${all.length} cases found`);
});

for (const { dir, name, edited, original } of all) {
  test(`parity: ${name}`, () => {
    const en = assertSameReport(dir, edited, original, 'en');
    const es = assertSameReport(dir, edited, original, 'es');
    if (JSON.parse(en).diagnostics.length > 0) assert.notEqual(en, es, 'Spanish messages differ');
    for (const lang of ['en', 'es']) {
      const all = JSON.parse(assertSameReport(dir, edited, original, lang, true));
      const lean = JSON.parse(lang === 'en' ? en : es);
      // The lean report is the full one without its unchanged rows that carry no finding.
      const found = (row) => row !== null && all.diagnostics.some((d) => d.row === row);
      assert.deepEqual(lean.rows, all.rows.filter((r) => r.outcome !== 'unchanged' || found(r.row)));
      assert.deepEqual([lean.summary, lean.diagnostics], [all.summary, all.diagnostics]);
    }
    if (original === null) return;
    const report = JSON.parse(en);
    // The guards the file trips are confirmed, so that both write their change-set.
    const guards = [...new Set(report.diagnostics.filter((d) => d.code.startsWith('mass-')).map((d) => d.code))].sort();
    const confirm = guards.length > 0 ? ['--confirm', guards.join(',')] : [];
    const stamp = ['--school', 'lincoln', '--id', '00000000-0000-4000-8000-000000000000', '--created-at', '2026-11-22T10:00:00Z'];
    const { stdout } = native(dir, ['changeset', edited, '--original', original, ...stamp, ...confirm]);
    const fatal = report.diagnostics.some((d) => d.row === null && d.severity === 'error');
    const result = changeSet(read(dir, edited), {
      original: read(dir, original),
      fileName: edited,
      originalFileName: original,
      school: 'lincoln',
      id: '00000000-0000-4000-8000-000000000000',
      createdAt: '2026-11-22T10:00:00Z',
      confirm: guards,
    });
    assert.equal(JSON.stringify(result.report), en);
    if (fatal) {
      assert.equal(stdout, '', 'the command line writes no change-set for an unusable file');
      assert.deepEqual(result.changeSet.ops, []);
    } else {
      assert.equal(JSON.stringify(result.changeSet) + '\n', stdout);
    }
  });
}

/** A small deterministic random generator, so a failure can be replayed. */
function generator(seed) {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state % n;
  };
}

const damage = [
  (b, r) => { const c = Buffer.from(b); for (let i = 0; i < 4; i++) c[r(c.length)] = r(256); return c; },
  (b, r) => b.subarray(0, r(b.length + 1)),
  (b, r) => { const at = r(b.length); return Buffer.concat([b.subarray(0, at), Buffer.from([[0x2c], [0x22], [0x0a], [0x0d], [0x3b], [0x09], [0xc3], [0xa9, 0x22], [0xef, 0xbb, 0xbf]][r(9)]), b.subarray(at)]); },
  (b, r) => { const at = r(b.length); const len = r(40); return Buffer.concat([b.subarray(0, at), b.subarray(at + len)]); },
  (b, r) => { const lines = b.toString('latin1').split('\n'); const i = 1 + r(Math.max(1, lines.length - 1)); lines.splice(i, 0, lines[r(lines.length)]); return Buffer.from(lines.join('\n'), 'latin1'); },
];

test('parity on damaged copies of the fixtures', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-parity-'));
  const random = generator(20261122);
  let compared = 0;
  try {
    for (let round = 0; round < 3; round++) {
      for (const { dir, edited, original } of all) {
        const source = fs.readFileSync(path.join(dir, edited));
        const damaged = damage[random(damage.length)](source, random);
        const name = `damaged${path.extname(edited)}`;
        fs.writeFileSync(path.join(work, name), damaged);
        let originalName = null;
        if (original !== null) {
          originalName = 'export.csv';
          fs.copyFileSync(path.join(dir, original), path.join(work, originalName));
        }
        try {
          assertSameReport(work, name, originalName, round === 1 ? 'es' : 'en', round === 2);
        } catch (error) {
          const kept = path.join(repo, 'tests/artifacts/parity-failure');
          fs.mkdirSync(kept, { recursive: true });
          fs.cpSync(work, kept, { recursive: true });
          error.message += `\n(the input is kept in ${kept})`;
          throw error;
        }
        compared++;
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  assert.ok(compared >= 300, `${compared} damaged files compared`);
});

test('parity on the hostile workbooks', () => {
  // tests/fixtures/hostile: files that ask a reader for gigabytes; both builds refuse them
  // the same way, byte for byte.
  const dir = path.join(repo, 'tests/fixtures/hostile');
  const names = fs.readdirSync(dir).filter((n) => /\.(xlsx|xls|ods)$/.test(n));
  assert.ok(names.length >= 10, `only ${names.length} hostile workbooks`);
  for (const name of names) {
    assertSameReport(dir, name, null, 'en');
    assertSameReport(dir, name, null, 'es', true);
  }
});
