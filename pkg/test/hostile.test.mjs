// The hostile set (tests/fixtures/hostile/) through the package: each file comes back as a
// report with its file-level diagnostic, never a thrown `RuntimeError` from a WebAssembly
// allocation that failed, and the engine still answers afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { check } from 'rollcall';
import { fixture, fixtureText, bytes } from './fixtures.mjs';

const SIZE = 20 * 1024 * 1024;

/** The 20 MiB CSVs of the set, made here as the Rust test makes them. */
function csvCase(name) {
  if (name === 'quoted-field.csv') {
    const data = new Uint8Array(SIZE).fill(0x61);
    data[0] = 0x22;
    data[SIZE - 1] = 0x22;
    return data;
  }
  if (name === 'delimiters.csv') return new Uint8Array(SIZE).fill(0x2c);
  if (name === 'line-breaks.csv') {
    const data = new Uint8Array(SIZE).fill(0x0a);
    data.set(bytes('First Name,Last Name,Grade\n'));
    return data;
  }
  throw new Error(`no CSV case ${name}`);
}

const { files } = JSON.parse(fixtureText('hostile/verdicts.json'));

for (const [name, verdict] of Object.entries(files)) {
  test(`${name} reads as ${verdict.code ?? `${verdict.rows} rows`}`, () => {
    const data = name.endsWith('.csv') ? csvCase(name) : fixture(`hostile/${name}`);
    const report = check(data, { fileName: name });
    const fileLevel = report.diagnostics
      .filter((d) => d.row === null && d.severity === 'error')
      .map((d) => d.code);
    if (verdict.code) {
      assert.ok(fileLevel.includes(verdict.code), `${name}: ${fileLevel}`);
      assert.equal(report.summary.rows, 0);
    } else {
      assert.deepEqual(fileLevel, []);
      assert.equal(report.summary.rows, verdict.rows);
    }
  });
}

test('after the whole set the engine still checks a roster', () => {
  const report = check(bytes('First Name,Last Name,Grade\nAna,Lopez,03\n'), { fileName: 'ok.csv' });
  assert.equal(report.summary.rows, 1);
  assert.equal(report.summary.create, 1);
});
