// The real `rollcall serve --demo` binary over HTTP: sign in, export CSV and XLSX, check them
// with the npm package against the stored export, and another school's teacher locked out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { check } from 'rollcall';
import { startServer, signIn } from './rollcall-server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('serve --demo prints the URL and both demo sign-ins, and / serves the page', async () => {
  assert.deepEqual(Object.keys(server.passwords).sort(), ['other@demo.school', 'teacher@demo.school']);
  const root = await fetch(`${server.url}/`);
  assert.equal(root.status, 200);
  assert.match(root.headers.get('content-type'), /^text\/html/);
  assert.match(await root.text(), /rollcall_web\.js/);
  const wasm = await fetch(`${server.url}/rollcall_web_bg.wasm`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
});

test('a teacher exports CSV and XLSX; both check clean against the stored export', async () => {
  const teacher = await signIn(server, 'teacher@demo.school');
  assert.deepEqual(teacher.schools.map((s) => s.name), ['Lincoln Elementary', 'Roosevelt Middle']);
  const school = teacher.schools[0].id;
  for (const format of ['csv', 'xlsx']) {
    const response = await teacher.get(`/api/schools/${school}/export?format=${format}`);
    assert.equal(response.status, 200);
    const name = response.headers.get('content-disposition').match(/filename="([^"]+)"/)[1];
    const id = name.match(/([0-9a-f-]{36})\.(csv|xlsx)$/)[1];
    const file = new Uint8Array(await response.arrayBuffer());
    const original = new Uint8Array(await (await teacher.get(`/api/schools/${school}/exports/${id}`)).arrayBuffer());
    const report = check(file, { original, fileName: name, allRows: true });
    assert.equal(report.file.format, format);
    assert.equal(report.summary.unchanged, 60, JSON.stringify(report.diagnostics));
    assert.equal(report.summary.errors, 0);
    // Leading zeros survive in both formats.
    const ids = report.rows.map((r) => r.guid);
    assert.equal(new Set(ids).size, 60);
  }
  const roster = await (await teacher.get(`/api/schools/${school}/roster`)).json();
  assert.ok(roster.some((s) => s.student_id.startsWith('00')));
});

test('the teacher of Roosevelt only cannot reach Lincoln', async () => {
  const teacher = await signIn(server, 'teacher@demo.school');
  const other = await signIn(server, 'other@demo.school');
  assert.deepEqual(other.schools.map((s) => s.name), ['Roosevelt Middle']);
  const lincoln = teacher.schools.find((s) => s.name === 'Lincoln Elementary').id;
  for (const path of [`/api/schools/${lincoln}/roster`, `/api/schools/${lincoln}/export?format=xlsx`]) {
    const response = await other.get(path);
    assert.equal(response.status, 404, path);
    assert.equal((await response.json()).error.code, 'not-found');
  }
  const taken = await other.post(`/api/schools/${lincoln}/usernames`, { usernames: ['x'] });
  assert.equal(taken.status, 404);
});
