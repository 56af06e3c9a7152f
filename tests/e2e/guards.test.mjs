// The guards and the revert through the page, in headless Chromium, against the real
// `rollcall serve --demo`: the teacher exports CSV and sorts the First Name and the Last Name
// columns each on its own (every row stays a valid update); the page shows mass-change for both
// above the table, Upload waits until each is ticked, and the confirmed upload completes with the
// names as sent. Then she reverts it from the Upload History, and the roster is as before.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { artifact, launch } from './browser.mjs';
import { signIn, startServer } from './rollcall-server.mjs';

const LINCOLN = 'lincoln-elementary';

let server;
let browser;
let page;
const pageErrors = [];
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-guards-'));

before(async () => {
  server = await startServer();
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.url);
});

after(async () => {
  assert.deepEqual(pageErrors, [], 'no script error on the page');
  await browser?.close();
  await server?.stop();
  fs.rmSync(downloads, { recursive: true, force: true });
});

/**
 * The export with columns `columns` (by index) each sorted on its own, as a spreadsheet does:
 * A to Z, or Z to A with `order` -1.
 */
function sortColumnsAlone(csv, columns, order = 1) {
  const [header, ...rows] = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
  for (const column of columns) {
    const sorted = rows.map((r) => r[column]).sort((a, b) => order * a.localeCompare(b));
    rows.forEach((r, i) => { r[column] = sorted[i]; });
  }
  return [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

test('a file with two columns sorted on their own is uploaded only once both guards are ticked', async () => {
  await page.getByLabel('Email').fill('teacher@demo.school');
  await page.getByLabel('Password').fill(server.passwords['teacher@demo.school']);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Classes', exact: true }).waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  const exported = path.join(downloads, file.suggestedFilename());
  await file.saveAs(exported);
  const original = fs.readFileSync(exported, 'utf8');
  const scrambled = sortColumnsAlone(original, [2, 3]);
  const originalRows = original.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const scrambledRows = scrambled.trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const moved = (column) => originalRows.filter((r, i) => r[column] !== scrambledRows[i][column]).length;
  assert.ok(moved(2) > 15 && moved(3) > 15, 'sorting moved most names');
  // The file keeps the export's name, so the page finds its export.
  const editedPath = path.join(downloads, file.suggestedFilename());
  fs.writeFileSync(editedPath, scrambled);
  await page.locator('#file').setInputFiles(editedPath);
  await page.locator('[data-state=checked]').waitFor();

  const guards = page.locator('#guards li.guard');
  assert.deepEqual(await guards.evaluateAll((els) => els.map((e) => e.dataset.code)), ['mass-change', 'mass-change']);
  const messages = await guards.locator('.diag').allTextContents();
  assert.match(messages[0], new RegExp(`First Name changes for ${moved(2)} of the 60 existing students`));
  assert.match(messages[1], new RegExp(`Last Name changes for ${moved(3)} of the 60 existing students`));
  const boxes = guards.getByRole('checkbox');
  assert.equal(await guards.locator('label').nth(0).textContent(), ` I checked: ${moved(2)} of 60 first names change`);
  assert.equal(await guards.locator('label').nth(1).textContent(), ` I checked: ${moved(3)} of 60 last names change`);
  const upload = page.locator('#upload');
  assert.ok(await upload.isDisabled(), 'Upload waits for the ticks');
  assert.match(await page.locator('#confirm-first').textContent(), /Tick each box/);
  await page.screenshot({ path: artifact('page-guards-en.png'), fullPage: true });

  await boxes.nth(0).check();
  assert.ok(await upload.isDisabled(), 'one of two ticked');
  await boxes.nth(1).check();
  assert.ok(await upload.isEnabled());
  assert.equal(await page.locator('#confirm-first').count(), 0);

  await page.getByRole('button', { name: 'Español' }).click();
  await page.getByRole('heading', { name: 'Revise antes de subir' }).waitFor();
  assert.equal(await guards.locator('label').nth(0).textContent(), ` Lo he revisado: cambian ${moved(2)} de 60 nombres`);
  assert.match(await guards.locator('.diag').nth(1).textContent(), /Last Name cambia en \d+ de los 60 alumnos existentes/);
  assert.ok(await boxes.nth(1).isChecked(), 'the ticks stay when the language changes');
  await page.screenshot({ path: artifact('page-guards-es.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();

  const teacher = await signIn(server, 'teacher@demo.school');
  const rosterBefore = await (await teacher.get(`/api/schools/${LINCOLN}/roster`)).json();
  await upload.click();
  await page.locator('tr[data-upload] [data-status="Completed"]').first().waitFor({ timeout: 60_000 });
  const roster = await (await teacher.get(`/api/schools/${LINCOLN}/roster`)).json();
  const byGuid = Object.fromEntries(roster.map((s) => [s.guid, s]));
  for (const r of scrambledRows) {
    assert.equal(byGuid[r[0]].first_name, r[2]);
    assert.equal(byGuid[r[0]].last_name, r[3]);
  }

  // Revert: the history asks first, saying what it puts back.
  const entry = page.locator('tr[data-upload]').first();
  await entry.getByRole('button', { name: /^Revert / }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Revert this upload?' });
  await dialog.waitFor();
  const changedStudents = scrambledRows.filter((r, i) => r[2] !== originalRows[i][2] || r[3] !== originalRows[i][3]).length;
  assert.match(await dialog.textContent(), new RegExp(`puts back the names, grades, Student IDs, usernames and classes it changed on up to ${changedStudents} students`));
  assert.match(await dialog.textContent(), /Passwords are not put back/);
  await page.screenshot({ path: artifact('history-revert-confirm-en.png'), fullPage: true });
  await page.getByRole('button', { name: 'Español' }).click();
  const pregunta = page.getByRole('alertdialog', { name: '¿Revertir esta subida?' });
  await pregunta.waitFor();
  assert.match(await pregunta.textContent(), /Las contraseñas no se devuelven/);
  await page.screenshot({ path: artifact('history-revert-confirm-es.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  // Cancel changes nothing; asked again and confirmed, the revert is queued as an upload of its own.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('#revert-confirm').count(), 0);
  await entry.getByRole('button', { name: /^Revert / }).click();
  await dialog.getByRole('button', { name: 'Revert this upload' }).click();
  await page.getByRole('status').filter({ hasText: 'is queued' }).waitFor();
  const revertEntry = page.locator('tr[data-upload]').filter({ hasText: 'Revert of ' });
  await revertEntry.locator('[data-status="Completed"]').waitFor({ timeout: 60_000 });
  assert.equal(await revertEntry.getByRole('link', { name: 'Completed File CSV' }).count(), 1, 'the revert has its three files');
  const reverted = page.locator('tr[data-upload]').nth(1);
  await reverted.getByRole('link', { name: 'Reverted' }).waitFor();
  assert.equal(await reverted.getByRole('button', { name: /^Revert / }).count(), 0, 'reverted once');
  await page.screenshot({ path: artifact('history-reverted-en.png'), fullPage: true });
  const rosterAfter = await (await teacher.get(`/api/schools/${LINCOLN}/roster`)).json();
  assert.deepEqual(rosterAfter, rosterBefore, 'the roster is as it was before the upload');
});

test('the server refuses a scrambled file sent without the page\'s confirmation', async () => {
  // The upload was reverted: sorting the last names Z to A scrambles them again.
  const teacher = await signIn(server, 'teacher@demo.school');
  const csv = await (await teacher.get(`/api/schools/${LINCOLN}/export?format=csv`)).text();
  const posted = await teacher.postFile(`/api/schools/${LINCOLN}/uploads`, 'scrambled.csv', Buffer.from(sortColumnsAlone(csv, [3], -1)));
  assert.equal(posted.status, 409);
  const body = await posted.json();
  assert.equal(body.error.code, 'confirm-needed');
  assert.deepEqual(body.error.guards.map((g) => g.code), ['mass-change']);
});
