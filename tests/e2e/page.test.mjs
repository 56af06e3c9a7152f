// The page, in headless Chromium, against the real `rollcall serve --demo` (fresh database on a
// free port): sign in, switch school, export CSV and XLSX, edit them the way teachers do, choose
// them, see the right codes on the right rows, fix, edit in place, upload, follow the history to
// Completed, download its three files, in English and Spanish; and a teacher of one school cannot
// reach the other. Screenshots go to tests/artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import XLSX from 'xlsx';

import { artifact, launch } from './browser.mjs';
import { signIn, startServer } from './rollcall-server.mjs';

const LINCOLN = 'lincoln-elementary';
const ROOSEVELT = 'roosevelt-middle';
const HEADER = ['Student GUID', 'Student ID', 'First Name', 'Last Name', 'Grade Level', 'Username', 'Password', 'Classes'];

let server;
let browser;
let page;
const pageErrors = [];
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-page-'));

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), BOM dropped. */
function parseCsv(text) {
  text = text.replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const toCsv = (rows) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';

/** Clicks something that downloads a file; returns its suggested name and saved path. */
async function download(locator) {
  const [file] = await Promise.all([page.waitForEvent('download'), locator.click()]);
  const saved = path.join(downloads, file.suggestedFilename());
  await file.saveAs(saved);
  return { name: file.suggestedFilename(), path: saved };
}

async function choose(file) {
  await page.locator('#file').setInputFiles(file);
  await page.locator('[data-state=checked]').waitFor();
}

const row = (n) => page.locator(`tr[data-row="${n}"]`);
const codesOn = async (n) => (await row(n).locator('[data-code]').evaluateAll((els) => els.map((e) => e.dataset.code))).sort();
const count = async (kind) => Number(await page.locator(`.count.${kind} .number`).textContent());

async function signInPage(email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(server.passwords[email]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Upload History' }).waitFor();
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

test('a wrong password is refused with a message; the right one signs in', async () => {
  await page.getByLabel('Email').fill('teacher@demo.school');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
  await page.screenshot({ path: artifact('page-sign-in.png') });
  await signInPage('teacher@demo.school');
  const schools = await page.getByLabel('Organization').locator('option').allTextContents();
  assert.deepEqual(schools, ['Lincoln Elementary', 'Roosevelt Middle']);
});

test('switching school exports that school', async () => {
  await page.getByLabel('Organization').selectOption(ROOSEVELT);
  const roosevelt = await download(page.getByRole('link', { name: 'Export CSV' }));
  assert.match(roosevelt.name, new RegExp(`^students-${ROOSEVELT}-[0-9a-f-]{36}\\.csv$`));
  const rows = parseCsv(fs.readFileSync(roosevelt.path, 'utf8'));
  assert.deepEqual(rows[0], HEADER);
  assert.equal(rows.length, 61);
  assert.ok(rows.slice(1).every((r) => ['06', '07', '08'].includes(r[4])), 'Roosevelt grades');
  await page.getByLabel('Organization').selectOption(LINCOLN);
});

let csvExport;
let edited;

test('an edited CSV shows each problem on its row, before anything is sent', async () => {
  csvExport = await download(page.getByRole('link', { name: 'Export CSV' }));
  const rows = parseCsv(fs.readFileSync(csvExport.path, 'utf8'));
  assert.equal(rows.length, 61);
  const zeros = rows.findIndex((r, i) => i > 6 && r[1].startsWith('00'));
  assert.ok(zeros > 6, 'a Student ID with leading zeros');
  rows[1][4] = 'Kindergarden'; // row 2: misspelled grade
  rows[2][0] = rows[2][0].slice(0, -1) + (rows[2][0].endsWith('a') ? 'b' : 'a'); // row 3: GUID altered
  rows[3][5] = rows[4][5]; // row 4: username of row 5
  rows[zeros][1] = rows[zeros][1].replace(/^0+/, ''); // lost zeros
  rows[6][2] = 'Renamed'; // row 7: an update
  rows.push(['', '777001', 'Nueva', 'Alumna', '03', '', '']); // a new student
  // Saved the way a browser saves a second download: the export id stays in the name.
  const name = csvExport.name.replace('.csv', ' (1).csv');
  edited = { name, path: path.join(downloads, name), zerosRow: zeros + 1, newRow: rows.length };
  fs.writeFileSync(edited.path, toCsv(rows));

  const requests = [];
  page.on('request', (r) => requests.push(r));
  await choose(edited.path);
  // Only the export was fetched and (for the new student) nothing else: the file never left.
  assert.ok(requests.every((r) => r.method() === 'GET' || r.url().endsWith('/usernames')), requests.map((r) => r.url()).join('\n'));
  const usernameCalls = requests.filter((r) => r.url().endsWith('/usernames'));
  for (const call of usernameCalls) {
    const asked = JSON.parse(call.postData()).usernames;
    assert.ok(asked.every((u) => !u.includes('@') && u.length < 40), `only usernames leave the page: ${asked}`);
  }
  page.removeAllListeners('request');

  assert.match(await page.locator('.result').textContent(), /Compared with your export of/);
  assert.match(await page.locator('#announce').textContent(), /^Checked 61 rows: 5 errors, 2 changes\.$/);
  assert.deepEqual(await codesOn(2), ['invalid-grade']);
  assert.deepEqual(await codesOn(3), ['guid-modified']);
  assert.deepEqual(await codesOn(4), ['duplicate-username']);
  assert.deepEqual(await codesOn(5), ['duplicate-username']);
  assert.deepEqual(await codesOn(edited.zerosRow), ['leading-zeros-lost']);
  assert.equal(await count('error'), 5);
  await page.getByRole('button', { name: 'Changes', exact: true }).click();
  assert.deepEqual(await codesOn(edited.newRow), []);
  assert.match(await row(edited.newRow).locator('.badge').textContent(), /New/);
  assert.match(await row(7).locator('.change').textContent(), /→\s*Renamed/);
  assert.equal(await count('create'), 1);
  assert.equal(await count('update'), 1, 'row 7');
  await page.getByRole('button', { name: 'Errors', exact: true }).click();
  await page.screenshot({ path: artifact('page-check-en.png'), fullPage: true });
});

test('the Error File is written locally with an Error column', async () => {
  const file = await download(page.getByRole('button', { name: 'Download Error File' }));
  assert.equal(file.name, edited.name.replace('.csv', '-errors.csv'));
  const rows = parseCsv(fs.readFileSync(file.path, 'utf8'));
  assert.deepEqual(rows[0], [...HEADER, 'Error']);
  assert.equal(rows.length, 6);
  assert.equal(rows[1][4], 'Kindergarden');
  assert.match(rows[1][8], /Kindergarden/);
  assert.match(rows.find((r) => r[8].includes('changed'))?.[8] ?? '', /Student GUID/);
});

test('fixes, then edits in place, re-check the row and the rows it collides with', async () => {
  await page.getByRole('button', { name: /^Fix: set to / }).first().waitFor();
  await page.getByRole('button', { name: 'Apply all fixes' }).click();
  assert.deepEqual(await codesOn(3), []);
  assert.deepEqual(await codesOn(edited.zerosRow), []);
  assert.equal(await count('error'), 3);

  const grade = page.getByLabel('Row 2 Grade Level');
  await grade.fill('KG');
  await grade.press('Enter');
  await page.waitForFunction(() => !document.querySelector('tr[data-row="2"] [data-code]'));
  assert.equal(await count('error'), 2);

  const username = page.getByLabel('Row 4 Username');
  await username.fill('kai.renamed');
  await username.press('Tab');
  // Row 5 was not edited, yet its duplicate-username is gone: it collided with row 4.
  await page.waitForFunction(() => !document.querySelector('tr[data-row="5"] [data-code]'));
  assert.equal(await count('error'), 0);
  // The re-check kept the table in place: Tab went on to the next cell.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'cell-4-password');
  assert.match(await row(4).locator('.badge').textContent(), /Update/);
  assert.match(await page.locator('#announce').textContent(), /^Checked 61 rows: 0 errors, 3 changes\.$/);
  assert.equal(await page.locator('#held-back').count(), 0);
  await page.screenshot({ path: artifact('page-fixed-en.png'), fullPage: true });
});

test('Upload posts the change-set; the history reaches Completed and offers the three files', async () => {
  const button = page.locator('#upload');
  const label = await button.textContent();
  // Row 4's new username, row 7's new name and the new student; the fixed rows are unchanged.
  assert.match(label, /^Upload 3 changes$/);
  await button.click();
  await page.locator('.flash').filter({ hasText: edited.name }).waitFor();
  const status = page.locator('tr[data-upload] .status').first();
  await page.locator('tr[data-upload] [data-status="Completed"]').first().waitFor({ timeout: 60_000 });
  assert.match(await status.textContent(), /Completed/);
  assert.equal(await page.locator('tr[data-upload] .file-name').first().textContent(), edited.name);
  await page.screenshot({ path: artifact('page-history-en.png'), fullPage: true });

  const uploaded = await download(page.getByRole('link', { name: 'Uploaded File CSV' }).first());
  const completed = await download(page.getByRole('link', { name: 'Completed File CSV' }).first());
  const errors = await download(page.getByRole('link', { name: 'Error File CSV' }).first());
  const up = parseCsv(fs.readFileSync(uploaded.path, 'utf8'));
  assert.equal(up.length, 4, 'the three changes');
  assert.ok(up.some((r) => r[2] === 'Renamed'));
  const done = parseCsv(fs.readFileSync(completed.path, 'utf8'));
  const created = done.find((r) => r[2] === 'Nueva');
  assert.match(created[0], /^[0-9a-f-]{36}$/, 'the new student has a GUID');
  assert.equal(created[5], 'nueva.alumna', 'a generated username');
  assert.ok(created[6].length >= 8, 'a temporary password, only in this file');
  // No row changed classes, so the upload's files have no Classes column to clear them with.
  assert.deepEqual(parseCsv(fs.readFileSync(errors.path, 'utf8')), [[...HEADER.slice(0, 7), 'Error']]);
  assert.equal(done[0].at(-1), 'Classes', 'the Completed File shows each student\'s classes');

  // The roster really changed.
  const api = await signIn(server, 'teacher@demo.school');
  const roster = await (await api.get(`/api/schools/${LINCOLN}/roster`)).json();
  assert.ok(roster.some((s) => s.first_name === 'Renamed'));
  assert.ok(roster.some((s) => s.username === 'kai.renamed'));
  assert.equal(roster.length, 61);
});

test('each view has an address: back, forward, reload and a bookmark of one upload work', async () => {
  // The upload above left the page on the Upload History.
  await page.waitForURL(/\/history$/);
  const historyLink = page.getByRole('link', { name: 'Upload History' });
  assert.equal(await historyLink.getAttribute('aria-current'), 'page');
  await page.locator('tr[data-upload] .file-name a').first().click();
  await page.waitForURL(/\/history\/[0-9a-f-]{36}$/);
  await page.locator('#upload-rows').waitFor();
  assert.equal(await page.locator('#upload-title').textContent(), edited.name);
  const states = await page.locator('#upload-rows tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.state));
  assert.deepEqual(states, ['applied', 'applied', 'applied'], 'the three changes were applied');
  assert.match(await page.locator('#upload-rows').textContent(), /Applied/);
  await page.screenshot({ path: artifact('page-upload-en.png'), fullPage: true });
  const bookmark = page.url();

  await page.goBack();
  await page.waitForURL(/\/history$/);
  await page.locator('tr[data-upload]').first().waitFor();
  await page.goBack();
  await page.waitForURL((url) => url.pathname === '/');
  await page.locator('#file').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Import Students/Rosters' }).getAttribute('aria-current'), 'page');
  await page.goForward();
  await page.waitForURL(/\/history$/);
  await page.locator('tr[data-upload]').first().waitFor();

  // A bookmark (or a reload) opens the same view.
  await page.goto(bookmark);
  await page.locator('#upload-rows').waitFor();
  assert.equal(await page.locator('#upload-title').textContent(), edited.name);
  await page.reload();
  await page.locator('#upload-rows').waitFor();
  await page.getByRole('link', { name: '← Upload History' }).click();
  await page.waitForURL(/\/history$/);
});

test('the Upload History shows 50 uploads a page, newest first, with its page in the address', async () => {
  const api = await signIn(server, 'teacher@demo.school');
  const roster = await (await api.get(`/api/schools/${LINCOLN}/roster`)).json();
  const student = roster.find((s) => s.first_name !== 'Renamed');
  // 50 more uploads (each one small change-set) make 51 with the one above.
  for (let i = 0; i < 50; i++) {
    const set = {
      id: crypto.randomUUID(),
      school: LINCOLN,
      created_at: new Date().toISOString(),
      ops: [{ op: 'update', row: 2, guid: student.guid, set: { last_name: `Page${i}` } }],
    };
    const response = await api.post(`/api/schools/${LINCOLN}/uploads?file_name=page-${i}.csv`, set);
    assert.equal(response.status, 202, await response.text());
  }
  await page.goto(`${server.url}/history`);
  await page.locator('#history-pager').waitFor();
  assert.equal(await page.locator('tr[data-upload]').count(), 50);
  assert.equal(await page.locator('tr[data-upload] .file-name').first().textContent(), 'page-49.csv');
  assert.match(await page.locator('#history-pager').textContent(), /Page 1 of 2/);
  await page.getByRole('link', { name: 'Older' }).click();
  await page.waitForURL(/\/history\?page=2$/);
  await page.locator('#history-pager').filter({ hasText: 'Page 2 of 2' }).waitFor();
  assert.deepEqual(await page.locator('tr[data-upload] .file-name').allTextContents(), [edited.name], 'the oldest upload');
  await page.goBack();
  await page.locator('#history-pager').filter({ hasText: 'Page 1 of 2' }).waitFor();
  assert.equal(await page.locator('tr[data-upload]').count(), 50);
  await page.goto(`${server.url}/history?page=2`);
  await page.locator('#history-pager').filter({ hasText: 'Page 2 of 2' }).waitFor();
  await page.getByRole('link', { name: 'Newer' }).click();
  await page.waitForURL(/\/history$/);
  await page.screenshot({ path: artifact('page-history-pages-en.png'), fullPage: true });
});

test('a failed row of an upload is worded in the page\'s language, switched or not', async () => {
  const api = await signIn(server, 'teacher@demo.school');
  const original = await (await api.get(`/api/schools/${LINCOLN}/export?format=csv`)).text();
  const rows = original.trim().split(/\r?\n/).map((line) => line.split(','));
  rows[1][4] = 'Grade Q';
  const posted = await api.postFile(`/api/schools/${LINCOLN}/uploads`, 'grade-q.csv', new TextEncoder().encode(toCsv(rows)));
  const answer = await posted.text();
  assert.equal(posted.status, 202, answer);
  const { id } = JSON.parse(answer);
  assert.equal((await api.waitFor(LINCOLN, id)).status, 'Failed');
  await page.goto(`${server.url}/history/${id}`);
  const message = page.locator('#upload-rows [data-code="invalid-grade"] .message');
  await message.filter({ hasText: 'Grade Q' }).waitFor();
  const english = await message.textContent();
  assert.doesNotMatch(english, /grado/);
  await page.getByRole('button', { name: 'Español' }).click();
  await message.filter({ hasText: /grado/ }).waitFor();
  assert.match(await message.textContent(), /Grade Q/);
  await page.screenshot({ path: artifact('page-upload-failed-es.png'), fullPage: true });
  await page.getByRole('button', { name: 'English' }).click();
  await message.filter({ hasText: english }).waitFor();
});

test('an XLSX export edited and renamed is found by its properties; Spanish everywhere, remembered', async () => {
  await page.getByRole('link', { name: 'Import Students/Rosters' }).click();
  const xlsx = await download(page.getByRole('link', { name: 'Export XLSX' }));
  assert.match(xlsx.name, new RegExp(`^students-${LINCOLN}-[0-9a-f-]{36}\\.xlsx$`));
  const workbook = XLSX.read(fs.readFileSync(xlsx.path));
  assert.match(workbook.Custprops?.['Rollcall Export ID'] ?? '', /^[0-9a-f-]{36}$/);
  const sheet = workbook.Sheets[workbook.SheetNames[0]];
  const rows = XLSX.utils.sheet_to_json(sheet, { header: 1, raw: false, defval: '' });
  const api = await signIn(server, 'teacher@demo.school');
  const rooseveltRoster = await (await api.get(`/api/schools/${ROOSEVELT}/roster`)).json();
  rows[1][4] = 'Grade 3'; // normalised, with a fix
  rows[2][0] = 'not-a-guid'; // GUID altered
  rows[4][5] = rows[5][5]; // row 5: username of row 6
  const zeros = rows.findIndex((r, i) => i > 6 && r[1].startsWith('00'));
  rows[zeros][1] = rows[zeros][1].replace(/^0+/, ''); // lost zeros
  rows.push(['', '888001', 'Otra', 'Alumna', '04', rooseveltRoster[0].username, '']); // a username taken in another school
  const edited = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(edited, XLSX.utils.aoa_to_sheet(rows), 'Students');
  edited.Custprops = workbook.Custprops;
  const renamed = path.join(downloads, 'Roster for review.xlsx');
  fs.writeFileSync(renamed, XLSX.write(edited, { type: 'buffer', bookType: 'xlsx' }));

  await page.getByRole('button', { name: 'Español' }).click();
  await page.getByRole('link', { name: 'Historial de cargas' }).waitFor();
  // The document's language follows once the reworded page is drawn.
  await page.locator('html[lang="es"]').waitFor({ state: 'attached', timeout: 2000 });
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await choose(renamed);
  assert.match(await page.locator('.result').textContent(), /Comparado con su exportación del/);
  assert.deepEqual(await codesOn(3), ['guid-modified']);
  assert.deepEqual(await codesOn(5), ['duplicate-username']);
  assert.deepEqual(await codesOn(6), ['duplicate-username']);
  assert.deepEqual(await codesOn(zeros + 1), ['leading-zeros-lost']);
  const newRow = rows.length;
  await row(newRow).locator('[data-code="username-taken"]').waitFor();
  assert.match(await row(newRow).locator('[data-code="username-taken"] .message').textContent(), /usuario/i);
  await page.getByRole('button', { name: 'Cambios', exact: true }).click();
  assert.deepEqual(await codesOn(2), ['grade-normalized']);
  assert.match(await row(2).getByRole('button').first().textContent(), /^Corregir: poner 03$/);
  assert.match(await page.locator('#upload').textContent(), /^Cargar \d+ cambios?$/);
  await page.getByRole('button', { name: 'Errores', exact: true }).click();
  await page.screenshot({ path: artifact('page-check-es.png'), fullPage: true });

  // Remembered on the next visit, and switching back changes every text again.
  await page.reload();
  await page.getByRole('link', { name: 'Historial de cargas' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Español' }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Upload History' }).waitFor();
  assert.equal(await page.getByText('Importar alumnos/listas').count(), 0);
});

test('closing the tab with edits not uploaded asks first; a checked file without edits does not', async () => {
  const other = await browser.context.newPage();
  other.on('pageerror', (error) => pageErrors.push(error.message));
  const dialogs = [];
  other.on('dialog', (dialog) => dialogs.push(dialog));
  await other.goto(server.url);
  await other.locator('#file').setInputFiles(edited.path);
  await other.locator('[data-state=checked]').waitFor();
  const grade = other.getByLabel('Row 2 Grade Level');
  await grade.click();
  // Chosen and looked at, nothing edited: reloading loses nothing and asks nothing.
  await other.reload();
  await other.locator('#file').waitFor();
  assert.equal(dialogs.length, 0);

  await other.locator('#file').setInputFiles(edited.path);
  await other.locator('[data-state=checked]').waitFor();
  await grade.click();
  await grade.fill('KG');
  await grade.press('Enter');
  await other.waitForFunction(() => !document.querySelector('tr[data-row="2"] [data-code]'));
  const asked = other.waitForEvent('dialog');
  await other.close({ runBeforeUnload: true });
  const dialog = await asked;
  assert.equal(dialog.type(), 'beforeunload');
  await dialog.dismiss();
  // Staying keeps the page and the edit.
  assert.equal(other.isClosed(), false);
  assert.equal(await other.getByLabel('Row 2 Grade Level').inputValue(), 'KG');

  const closed = other.waitForEvent('close');
  other.once('dialog', (again) => again.accept());
  await other.close({ runBeforeUnload: true });
  await closed;
});

test('a file that is not a roster says so, naming the formats', async () => {
  const fake = path.join(downloads, 'roster.xlsx');
  fs.writeFileSync(fake, '%PDF-1.7\n%âãÏÓ\n1 0 obj\n');
  await choose(fake);
  const problems = page.locator('.file-problems');
  assert.match(await problems.textContent(), /file-unreadable/);
  assert.match(await problems.textContent(), /CSV/);
  assert.equal(await page.locator('#upload').isDisabled(), true);
});

test('a file dropped on the page is checked like a chosen one', async () => {
  const bytes = [...fs.readFileSync(edited.path)];
  const transfer = await page.evaluateHandle(({ bytes, name }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
    return data;
  }, { bytes, name: edited.name });
  await page.locator('.drop').dispatchEvent('dragover', { dataTransfer: transfer });
  assert.match(await page.locator('.drop').getAttribute('class'), /dragging/);
  await page.locator('.drop').dispatchEvent('drop', { dataTransfer: transfer });
  await page.locator('[data-state=checked]').waitFor();
  assert.equal(await page.locator('#result-title').textContent(), edited.name);
});

test('the page at phone width keeps every control reachable', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await choose(edited.path);
  await page.getByRole('link', { name: 'Upload History' }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 400, `no sideways scrolling of the page itself (${width}px); the table scrolls in its box`);
  await page.screenshot({ path: artifact('page-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('a teacher of one school cannot reach the other', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Email').waitFor();
  await signInPage('other@demo.school');
  const schools = await page.getByLabel('Organization').locator('option').allTextContents();
  assert.deepEqual(schools, ['Roosevelt Middle']);
  const other = await signIn(server, 'other@demo.school');
  for (const p of ['roster', 'export?format=csv', 'exports', 'uploads']) {
    const response = await other.get(`/api/schools/${LINCOLN}/${p}`);
    assert.equal(response.status, 404, p);
  }
  // The Lincoln export's file name does not open it for this teacher: it is checked against
  // their own school (no export of theirs: the current roster), so every Lincoln GUID is unknown.
  await choose(csvExport.path);
  assert.match(await page.locator('.result').textContent(), /compared with the current roster/);
  // Her classes are not Lincoln's: the file's are new to her (Homeroom 3A is close to her
  // Homeroom 7B).
  assert.deepEqual(await codesOn(2), ['new-class', 'new-class', 'similar-class', 'unknown-guid']);
});
