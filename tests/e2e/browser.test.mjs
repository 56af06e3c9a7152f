// The npm package in headless Chromium: loaded as a plain ES module (`rollcall/web`) by a page
// served from 127.0.0.1, and through webpack (`rollcall`, the bundler build). A teacher's CSV and
// XLSX are chosen with the file inputs and their findings appear on the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import webpack from 'webpack';

import { checkJson } from 'rollcall';
import { serve } from './server.mjs';
import { launch, artifact } from './browser.mjs';
import { repo } from './cases.mjs';

const fixtures = path.join(repo, 'tests/fixtures');
let server;
let browser;

function bundle() {
  const compiler = webpack({
    mode: 'production',
    entry: path.join(repo, 'tests/e2e/pages/bundle-entry.mjs'),
    output: { path: path.join(repo, 'tests/e2e/build'), filename: 'main.js', publicPath: '/tests/e2e/build/' },
    experiments: { asyncWebAssembly: true },
    performance: { hints: false },
  });
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      if (error || stats.hasErrors()) reject(error ?? new Error(stats.toString('errors-only')));
      else compiler.close(() => resolve());
    });
  });
}

before(async () => {
  await bundle();
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPackagePage() {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${server.url}/tests/e2e/pages/package.html`);
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
  return { page, problems };
}

test('a plain page checks a CSV edited from its export', async () => {
  const { page, problems } = await openPackagePage();
  await page.getByLabel('Original export').setInputFiles(path.join(fixtures, 'examples/guid-modified/export.csv'));
  await page.getByLabel('Edited file').setInputFiles(path.join(fixtures, 'examples/guid-modified/edited.csv'));
  await page.getByRole('status').filter({ hasText: 'edited.csv (csv): 40 rows' }).waitFor();
  const row = page.locator('#diagnostics tr');
  assert.equal(await row.count(), 1);
  assert.deepEqual(await row.locator('td').allTextContents(), [
    '7', 'guid-modified', 'error',
    'Student GUID was changed. Put back the original value 45038e22-0bc4-421b-9439-852083d9fca7 of Liam Lopez.',
  ]);
  await page.screenshot({ path: artifact('package-csv.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a plain page checks an XLSX workbook like the Node build does', async () => {
  const { page, problems } = await openPackagePage();
  const dir = path.join(fixtures, 'workbooks/twin-xlsx');
  await page.getByLabel('Original export').setInputFiles(path.join(dir, 'export.csv'));
  await page.getByLabel('Edited file').setInputFiles(path.join(dir, 'edited.xlsx'));
  await page.getByRole('status').filter({ hasText: 'edited.xlsx (xlsx)' }).waitFor();
  const report = await page.evaluate(() => window.lastReport);
  const expected = JSON.parse(checkJson(fs.readFileSync(path.join(dir, 'edited.xlsx')), {
    original: fs.readFileSync(path.join(dir, 'export.csv')),
    fileName: 'edited.xlsx',
  }));
  assert.deepEqual(report, expected);
  const codes = await page.locator('#diagnostics tr td:nth-child(2)').allTextContents();
  assert.deepEqual(codes.sort(), ['grade-normalized', 'guid-removed', 'invalid-grade', 'username-normalized']);
  await page.screenshot({ path: artifact('package-xlsx.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('through webpack, the bundler build gives byte-identical reports', async () => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${server.url}/tests/e2e/pages/bundled.html`);
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
  for (const [edited, original] of [
    ['examples/new-students/edited.csv', 'examples/new-students/export.csv'],
    ['workbooks/twin-ods/edited.ods', 'workbooks/twin-ods/export.csv'],
    ['workbooks/twin-xls/edited.xls', 'workbooks/twin-xls/export.csv'],
  ]) {
    const json = await page.evaluate(async ([edited, original]) => {
      const get = async (p) => new Uint8Array(await (await fetch(`/tests/fixtures/${p}`)).arrayBuffer());
      return window.rollcallBundled.checkJson(await get(edited), { original: await get(original), lang: 'es' });
    }, [edited, original]);
    const expected = checkJson(fs.readFileSync(path.join(fixtures, edited)), {
      original: fs.readFileSync(path.join(fixtures, original)),
      lang: 'es',
    });
    assert.equal(json, expected, edited);
  }
  assert.equal(await page.evaluate(() => window.rollcallBundled.codes().length), 44);
  assert.deepEqual(problems, []);
  await page.close();
});
