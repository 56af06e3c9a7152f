// The seed workflow "Import Students/Rosters" against the real binary: sign in → export → edit
// → check and build the change-set with the npm package (as the page does) → upload → poll the
// history → download the three files → fix the Error File → re-import → Completed. And the
// durable queue: the server is killed (SIGKILL) while a large upload is In Progress, restarted,
// and every row is applied exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { check, changeSet } from 'rollcall';
import { startServer, signIn } from './rollcall-server.mjs';

const csvRows = (text) => text.trim().split(/\r?\n/).map((line) => line.split(','));

test('the whole import loop, Error File re-imported to Completed', async () => {
  const server = await startServer();
  try {
    const teacher = await signIn(server, 'teacher@demo.school');
    const school = teacher.schools.find((s) => s.name === 'Lincoln Elementary').id;
    const exported = await teacher.get(`/api/schools/${school}/export?format=csv`);
    const exportId = exported.headers.get('content-disposition').match(/([0-9a-f-]{36})\.csv/)[1];
    const original = await exported.text();
    // The teacher's edit: a new first name, a misspelt grade, and a new student.
    const rows = csvRows(original);
    rows[1][2] = 'Renamed';
    rows[2][4] = 'Grade Q';
    const edited = [...rows.map((r) => r.join(',')), ',,Noor,Haddad,02,,'].join('\r\n') + '\r\n';
    const snapshot = new Uint8Array(await (await teacher.get(`/api/schools/${school}/exports/${exportId}`)).arrayBuffer());
    const bytes = new TextEncoder().encode(edited);
    const report = check(bytes, { original: snapshot });
    assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.row, d.code]), [[3, 'invalid-grade']]);
    // The page posts only valid rows; the server also receives the file as is from other clients.
    const { changeSet: set } = changeSet(bytes, { original: snapshot, school });
    assert.deepEqual(set.ops.map((op) => [op.op, op.row]), [['update', 2], ['create', 62]]);
    const posted = await teacher.post(`/api/schools/${school}/uploads`, set);
    assert.equal(posted.status, 202);
    const done = await teacher.waitFor(school, (await posted.json()).id);
    assert.equal(done.status, 'Completed');

    // Another client uploads the whole file: the bad row fails and lands in the Error File.
    const fileUpload = await teacher.postFile(`/api/schools/${school}/uploads`, 'edited.csv', edited.replace('Renamed', 'Renamed Again').replace(',,Noor,Haddad,02,,\r\n', ''));
    assert.equal(fileUpload.status, 202);
    const { id } = await fileUpload.json();
    const withErrors = await teacher.waitFor(school, id);
    assert.equal(withErrors.status, 'Completed with Errors');
    const history = await (await teacher.get(`/api/schools/${school}/uploads`)).json();
    assert.deepEqual(history.map((h) => h.status), ['Completed with Errors', 'Completed']);
    assert.equal(history[0].file_name, 'edited.csv');

    const files = `/api/schools/${school}/uploads/${id}/files`;
    const uploaded = await (await teacher.get(`${files}/uploaded?format=csv`)).text();
    assert.ok(uploaded.includes('Renamed Again'));
    const completed = csvRows(await (await teacher.get(`${files}/completed?format=csv`)).text());
    assert.deepEqual(completed.slice(1).map((r) => r[2]), ['Renamed Again']);
    const errorFile = await (await teacher.get(`${files}/error?format=csv`)).text();
    assert.match(errorFile.split(/\r?\n/)[0], /,Error$/);
    assert.match(errorFile, /Grade Q/);
    const xlsx = new Uint8Array(await (await teacher.get(`${files}/error?format=xlsx`)).arrayBuffer());
    assert.equal(check(xlsx, { fileName: 'error.xlsx' }).summary.rows, 1);

    // Fix the Error File and re-import it as it is.
    const fixed = errorFile.replace('Grade Q', '03');
    const again = await teacher.postFile(`/api/schools/${school}/uploads`, 'error-fixed.csv', new TextEncoder().encode(fixed));
    assert.equal(again.status, 202);
    const final = await teacher.waitFor(school, (await again.json()).id);
    assert.equal(final.status, 'Completed');
    const roster = await (await teacher.get(`/api/schools/${school}/roster`)).json();
    assert.equal(roster[1].grade, '03');
    assert.equal(roster[0].first_name, 'Renamed Again');
    assert.ok(roster.some((s) => s.first_name === 'Noor' && s.username === 'noor.haddad'));
  } finally {
    await server.stop();
  }
});

test('a server killed during a large upload finishes it exactly once after a restart', async () => {
  let server = await startServer({ keep: true });
  const dir = server.dir;
  try {
    let teacher = await signIn(server, 'teacher@demo.school');
    const school = teacher.schools.find((s) => s.name === 'Roosevelt Middle').id;
    // 600 new students: each needs an Argon2id hash of a temporary password, which takes a while.
    const ops = Array.from({ length: 600 }, (_, i) => ({
      op: 'create', row: i + 2, values: { first_name: `Kid${i}`, last_name: 'Durable', grade: '07' },
    }));
    const posted = await teacher.post(`/api/schools/${school}/uploads`, {
      id: '6d0f6f0e-8f1c-4c1a-9a51-1f0c0ffee001', school, created_at: '2026-11-22T10:00:00Z', ops,
      // 600 new students at once, on purpose.
      confirm: ['mass-create'],
    });
    assert.equal(posted.status, 202);
    const { id } = await posted.json();
    // Wait until some rows are applied, then kill the server without warning.
    let upload;
    for (;;) {
      upload = await (await teacher.get(`/api/schools/${school}/uploads/${id}`)).json();
      const applied = upload.rows.filter((r) => r.state === 'applied').length;
      if (upload.status === 'In Progress' && applied >= 20) break;
      assert.notEqual(upload.status, 'Completed', 'the upload finished before the kill: make it larger');
      await new Promise((done) => setTimeout(done, 20));
    }
    await server.stop('SIGKILL');

    server = await startServer({ dir, keep: true });
    teacher = await signIn(server, 'teacher@demo.school');
    const done = await teacher.waitFor(school, id, 300);
    assert.equal(done.status, 'Completed');
    assert.equal(done.counts.applied, 600);
    assert.equal(done.counts.created, 600);
    assert.ok(done.rows.every((r) => r.state === 'applied'));
    const roster = await (await teacher.get(`/api/schools/${school}/roster`)).json();
    const durable = roster.filter((s) => s.last_name === 'Durable');
    assert.equal(durable.length, 600, 'every row applied once');
    assert.equal(new Set(durable.map((s) => s.first_name)).size, 600, 'no row applied twice');
    assert.equal(new Set(durable.map((s) => s.username)).size, 600);
  } finally {
    await server.stop();
    const fs = await import('node:fs');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
