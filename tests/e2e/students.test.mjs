// Student accounts through the pages, in headless Chromium, against the real `rollcall serve
// --demo`: a teacher resets a student's password on the Students view, which shows the new
// temporary password once (with a copy button); the student signs in with it on /student, must
// choose her own, and the Students view then says she has her own password.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { artifact, launch } from './browser.mjs';
import { startServer } from './rollcall-server.mjs';

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  server = await startServer();
  browser = await launch();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(server.url);
});

after(async () => {
  assert.deepEqual(pageErrors, [], 'no script error on the page');
  await browser?.close();
  await server?.stop();
});

test('a teacher resets a password; the student signs in with it once and sets her own', async () => {
  await page.getByLabel('Email').fill('teacher@demo.school');
  await page.getByLabel('Password').fill(server.passwords['teacher@demo.school']);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Students', exact: true }).click();
  await page.waitForURL(/\/students$/);
  const rows = page.locator('#students tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 60);
  const first = rows.first();
  const username = await first.getAttribute('data-username');
  assert.equal(await first.getAttribute('data-password'), 'unset', 'demo students have no password yet');
  assert.equal((await first.locator('td.password').textContent()).trim(), 'None yet');

  await first.getByRole('button', { name: /^Reset password/ }).click();
  await page.locator('#reset-shown').waitFor();
  const temporary = (await page.locator('#temporary-password').textContent()).trim();
  assert.match(temporary, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
  assert.match(await page.locator('#reset-shown h2').textContent(), new RegExp(`New temporary password for ${username.replace('.', '\\.')}`));
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), temporary);
  await page.locator(`#students tr[data-username="${username}"][data-password="temporary"]`).waitFor();
  assert.match(await page.locator(`#students tr[data-username="${username}"] td.password`).textContent(), /^Temporary, expires /);
  await page.screenshot({ path: artifact('page-students-reset-en.png'), fullPage: true });

  // The student, on her own page (no teacher session there).
  const student = await browser.context.newPage();
  student.on('pageerror', (error) => pageErrors.push(error.message));
  await student.goto(`${server.url}/student`);
  await student.getByLabel('Username').fill(username);
  await student.getByLabel('Password').fill('wrong-password');
  await student.getByRole('button', { name: 'Sign in', exact: true }).click();
  await student.getByText('Wrong username or password.').waitFor();
  await student.getByLabel('Password').fill(temporary);
  await student.getByRole('button', { name: 'Sign in', exact: true }).click();
  await student.locator('#student-new-password').waitFor();
  assert.match(await student.locator('#student-new-password .note').textContent(), /Choose your own password now/);
  await student.screenshot({ path: artifact('page-student-must-change-en.png'), fullPage: true });
  await student.getByLabel('Your new password').fill(username);
  await student.getByRole('button', { name: 'Save my password' }).click();
  await student.locator('#student-new-password .error-text').filter({ hasText: /password/ }).waitFor();
  await student.getByLabel('Your new password').fill('Blue-Heron-2027');
  await student.getByRole('button', { name: 'Save my password' }).click();
  await student.locator('#student-done').waitFor();
  assert.match(await student.locator('#student-done').textContent(), /Your password is saved/);
  await student.screenshot({ path: artifact('page-student-done-en.png'), fullPage: true });

  // In Spanish, the student page too.
  await student.goto(`${server.url}/student`);
  await student.getByRole('button', { name: 'Español' }).click();
  await student.getByRole('heading', { name: 'Acceso de alumnos' }).waitFor();
  await student.getByLabel('Nombre de usuario').fill(username);
  await student.getByLabel('Contraseña').fill(temporary);
  await student.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
  await student.getByText('Nombre de usuario o contraseña incorrectos.').waitFor();
  await student.getByLabel('Contraseña').fill('Blue-Heron-2027');
  await student.getByRole('button', { name: 'Iniciar sesión', exact: true }).click();
  await student.locator('#student-done').filter({ hasText: 'Ha iniciado sesión' }).waitFor();
  // The language is remembered for the whole site: back to English for the teacher's page.
  await student.getByRole('button', { name: 'English' }).click();
  await student.close();

  await page.reload();
  await page.locator(`#students tr[data-username="${username}"][data-password="own"]`).waitFor();
  assert.equal((await page.locator(`#students tr[data-username="${username}"] td.password`).textContent()).trim(), 'Own password');
});
