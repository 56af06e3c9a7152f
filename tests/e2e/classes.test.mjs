// Classes through the page, in headless Chromium, against the real `rollcall serve --demo`:
// export XLSX, move a student between classes, add one to a new class, mistype one; the page
// shows new-class and similar-class with its fix, Apply all fixes mends the typo, the upload
// completes and the Classes view shows the classes and their students. A second teacher of
// Lincoln (added to the test's own database) keeps her classes of the same students, and her
// export shows only hers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import XLSX from 'xlsx';

import { artifact, launch } from './browser.mjs';
import { signIn, startServer } from './rollcall-server.mjs';

const LINCOLN = 'lincoln-elementary';
const SECOND = 'second@demo.school';

let server;
let browser;
let page;
const pageErrors = [];
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-classes-'));

const row = (n) => page.locator(`tr[data-row="${n}"]`);
const codesOn = async (n) => (await row(n).locator('[data-code]').evaluateAll((els) => els.map((e) => e.dataset.code))).sort();

/** The Classes cell of each student of a CSV export, by GUID. */
function classesOf(csv) {
  const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
  assert.equal(lines[0].at(-1), 'Classes');
  return Object.fromEntries(lines.slice(1).map((cells) => [cells[0], cells.at(-1)]));
}

/** A second teacher of Lincoln, with teacher@demo.school's password, straight into the database. */
function addSecondTeacher() {
  const db = path.join(server.dir, 'rollcall.db');
  execFileSync('sqlite3', [db, `
    INSERT INTO teachers (id, email, name, password_hash)
      SELECT 'second', '${SECOND}', 'Sam Second', password_hash FROM teachers WHERE id = 'demo-teacher';
    INSERT INTO teacher_schools (teacher_id, school_id) VALUES ('second', '${LINCOLN}');
  `]);
  server.passwords[SECOND] = server.passwords['teacher@demo.school'];
}

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

test('a teacher rosters her classes through the import; another teacher keeps hers', async () => {
  // The second teacher puts the first three students in a class of her own.
  addSecondTeacher();
  const second = await signIn(server, SECOND);
  const secondExport = await (await second.get(`/api/schools/${LINCOLN}/export?format=csv`)).text();
  const lines = secondExport.trim().split(/\r?\n/);
  const chess = lines.map((line, i) => (i >= 1 && i <= 3 ? `${line}Chess Club` : line)).join('\r\n');
  const posted = await second.postFile(`/api/schools/${LINCOLN}/uploads`, 'chess.csv', Buffer.from(chess));
  const answer = await posted.text();
  assert.equal(posted.status, 202, answer);
  const chessDone = await second.waitFor(LINCOLN, JSON.parse(answer).id);
  assert.equal(chessDone.status, 'Completed', JSON.stringify(chessDone));
  const hersBefore = classesOf(await (await second.get(`/api/schools/${LINCOLN}/export?format=csv`)).text());

  // The first teacher exports XLSX and edits classes.
  await page.getByLabel('Email').fill('teacher@demo.school');
  await page.getByLabel('Password').fill(server.passwords['teacher@demo.school']);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Classes', exact: true }).waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export XLSX' }).click()]);
  const exported = path.join(downloads, file.suggestedFilename());
  await file.saveAs(exported);
  const workbook = XLSX.read(fs.readFileSync(exported));
  const sheet = workbook.Sheets[workbook.SheetNames[0]];
  const rows = XLSX.utils.sheet_to_json(sheet, { header: 1, raw: false, defval: '' });
  assert.equal(rows[0][7], 'Classes');
  assert.equal(rows[1][7], 'Homeroom 3A; Math 3; Reading Group B', 'her classes only, not Chess Club');
  assert.equal(rows[2][7], 'Homeroom 3A');
  assert.equal(rows[5][7], 'Homeroom 3A; Math 3');
  rows[2][7] = 'Math 3'; // row 3 moves from Homeroom 3A to Math 3
  rows[3][7] = 'Math 3; Science Club'; // row 4 joins a new class
  rows[5][7] = 'Homeroom 3A; Math3'; // row 6: a typo of Math 3
  const edited = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(edited, XLSX.utils.aoa_to_sheet(rows), 'Students');
  edited.Custprops = workbook.Custprops;
  const editedPath = path.join(downloads, 'classes.xlsx');
  fs.writeFileSync(editedPath, XLSX.write(edited, { type: 'buffer', bookType: 'xlsx' }));
  await page.locator('#file').setInputFiles(editedPath);
  await page.locator('[data-state=checked]').waitFor();

  assert.equal(await page.locator('#new-classes').textContent(), '2 new classes: Math3, Science Club');
  await page.getByRole('button', { name: 'All rows', exact: true }).click();
  assert.deepEqual(await codesOn(4), ['new-class']);
  assert.deepEqual(await codesOn(6), ['similar-class']);
  assert.match(await row(6).locator('[data-code="similar-class"]').textContent(), /Math3.*Math 3/);
  assert.match(await row(6).getByRole('button').first().textContent(), /Homeroom 3A; Math 3/);
  assert.match(await row(3).locator('.change').textContent(), /Homeroom 3A\s*→\s*Math 3/);
  await page.screenshot({ path: artifact('page-classes-check-en.png'), fullPage: true });
  // The Classes column is the table's last: scrolled into view, with the rows about classes.
  const wrap = page.locator('.table-wrap').filter({ has: page.locator('#rows') });
  await wrap.evaluate((el) => { el.scrollLeft = el.scrollWidth; });
  await page.locator('#rows tbody tr').nth(5).screenshot({ path: artifact('page-classes-row6-en.png') });
  await wrap.screenshot({ path: artifact('page-classes-table-en.png') });

  await page.getByRole('button', { name: 'Apply all fixes' }).click();
  assert.deepEqual(await codesOn(6), []);
  assert.equal(await page.locator('#new-classes').textContent(), '1 new class: Science Club');
  assert.match(await page.locator('#upload').textContent(), /^Upload 2 changes$/);
  await page.locator('#upload').click();
  await page.locator('tr[data-upload] [data-status="Completed"]').first().waitFor({ timeout: 60_000 });

  // The Classes view: the new class, and the counts after the move.
  await page.getByRole('link', { name: 'Classes', exact: true }).click();
  await page.locator('#classes').waitFor();
  const listed = await page.locator('#classes tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  assert.deepEqual(listed, [['Homeroom 3A', '39'], ['Math 3', '31'], ['Reading Group B', '12'], ['Science Club', '1']]);
  await page.getByRole('link', { name: 'Science Club' }).click();
  await page.locator('#class-students').waitFor();
  assert.match(await page.locator('#class-students h2').textContent(), /^Science Club — 1 student$/);
  assert.match(page.url(), /\/classes\?class=/);
  assert.equal(await page.locator('#class-students tbody tr').count(), 1);
  assert.equal(await page.locator('#class-students tbody td').nth(1).textContent(), rows[3][2], 'row 4\'s student');
  await page.screenshot({ path: artifact('page-classes-en.png'), fullPage: true });
  await page.getByRole('button', { name: 'Español' }).click();
  await page.getByRole('link', { name: 'Clases', exact: true }).waitFor();
  assert.match(await page.locator('#class-students h2').textContent(), /^Science Club — 1 alumno$/);
  await page.getByRole('button', { name: 'English' }).click();

  // The second teacher's classes of the same students are as they were; her export shows hers.
  const hersAfter = classesOf(await (await second.get(`/api/schools/${LINCOLN}/export?format=csv`)).text());
  assert.deepEqual(hersAfter, hersBefore);
  assert.equal(Object.values(hersAfter).filter((c) => c === 'Chess Club').length, 3);
  assert.ok(Object.values(hersAfter).every((c) => c === '' || c === 'Chess Club'));
  const hersListed = await (await second.get(`/api/schools/${LINCOLN}/classes`)).json();
  assert.deepEqual(hersListed.map((c) => [c.name, c.students]), [['Chess Club', 3]]);
});
