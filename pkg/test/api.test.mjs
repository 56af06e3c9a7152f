// The package's API in Node, imported as an ES module through the package's own `exports` map.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { check, checkJson, changeSet, codes, Checker } from 'rollcall';
import { fixture, fixtureText, bytes } from './fixtures.mjs';

const guidModified = {
  edited: fixture('examples/guid-modified/edited.csv'),
  original: fixture('examples/guid-modified/export.csv'),
};

test('check finds a modified GUID on its row, with the fix that puts it back', () => {
  const report = check(guidModified.edited, { original: guidModified.original });
  assert.equal(report.summary.rows, 40);
  assert.equal(report.summary.errors, 1);
  assert.equal(report.summary.error, 1);
  const [diagnostic] = report.diagnostics;
  assert.equal(diagnostic.code, 'guid-modified');
  assert.equal(diagnostic.severity, 'error');
  assert.equal(diagnostic.row, 7);
  assert.equal(diagnostic.column, 'Student GUID');
  assert.match(diagnostic.message, /^Student GUID was changed/);
  assert.equal(diagnostic.args.guid, '45038e22-0bc4-421b-9439-852083d9fca7');
  assert.ok(diagnostic.message.endsWith(`of ${diagnostic.args.name}.`), diagnostic.message);
  assert.deepEqual(diagnostic.fix, {
    row: 7,
    field: 'guid',
    value: '45038e22-0bc4-421b-9439-852083d9fca7',
  });
  assert.deepEqual(report.file.columns.map((c) => c.field), [
    'guid', 'student_id', 'first_name', 'last_name', 'grade', 'username', 'password',
  ]);
  assert.equal(report.file.format, 'csv');
  assert.equal(report.file.delimiter, ',');
  // Only the row with the error is listed; the 39 unchanged rows are counted.
  assert.deepEqual(report.rows.map((r) => [r.row, r.outcome]), [[7, 'error']]);
  assert.equal(report.summary.unchanged, 39);
  const all = check(guidModified.edited, { original: guidModified.original, allRows: true });
  assert.equal(all.rows.length, 40);
  assert.equal(all.rows[5].row, 7);
  assert.equal(all.rows[5].outcome, 'error');
});

test('allRows lists every non-blank row; without it unchanged rows without findings are only counted', () => {
  const edited = fixture('examples/grades/edited.csv');
  const original = fixture('examples/grades/export.csv');
  for (const lang of ['en', 'es']) {
    const lean = check(edited, { original, lang });
    const all = check(edited, { original, lang, allRows: true });
    assert.deepEqual([lean.file, lean.summary, lean.diagnostics], [all.file, all.summary, all.diagnostics]);
    const found = (row) => row !== null && all.diagnostics.some((d) => d.row === row);
    assert.deepEqual(lean.rows, all.rows.filter((r) => r.outcome !== 'unchanged' || found(r.row)));
    assert.ok(lean.rows.length < all.rows.length, 'unchanged rows are left out');
    assert.equal(all.rows.filter((r) => r.outcome === 'unchanged').length, all.summary.unchanged);
    assert.equal(checkJson(edited, { original, lang, allRows: true }), JSON.stringify(all));
    assert.equal(checkJson(edited, { original, lang, allRows: false }), JSON.stringify(lean));
    const stamp = { school: 'lincoln', id: '00000000-0000-4000-8000-000000000000', createdAt: '2026-11-22T10:00:00Z' };
    assert.deepEqual(changeSet(edited, { original, lang, allRows: true, ...stamp }).report, all);
    assert.deepEqual(changeSet(edited, { original, lang, ...stamp }).report, lean);
    for (const [options, report] of [[{ original, lang }, lean], [{ original, lang, allRows: true }, all]]) {
      const checker = new Checker(edited, options);
      try {
        assert.deepEqual(checker.report(), report);
        assert.equal(checker.reportJson(), JSON.stringify(report));
      } finally {
        checker.free();
      }
    }
  }
});

test('lang es gives the same findings with Spanish messages', () => {
  const en = check(guidModified.edited, { original: guidModified.original });
  const es = check(guidModified.edited, { original: guidModified.original, lang: 'es' });
  assert.deepEqual(
    es.diagnostics.map((d) => [d.row, d.code]),
    en.diagnostics.map((d) => [d.row, d.code]),
  );
  assert.match(es.diagnostics[0].message, /^Se cambió el GUID de alumno/);
  assert.deepEqual(es.diagnostics.map((d) => d.args), en.diagnostics.map((d) => d.args));
  assert.deepEqual(es.rows, en.rows);
});

test('without an original, only the file\'s own rules run', () => {
  const report = check(bytes('First Name,Last Name,Grade Level\nAda,Lovelace,Q7\nAlan,Turing,KG\n'));
  assert.equal(report.summary.rows, 2);
  assert.deepEqual(report.diagnostics.map((d) => [d.row, d.code]), [[2, 'invalid-grade']]);
  assert.equal(report.rows[0].export_row, null);
});

test('Buffer, Uint8Array, a view into a larger buffer and ArrayBuffer give the same report', () => {
  const text = fixtureText('examples/grades/edited.csv');
  const original = fixture('examples/grades/export.csv');
  const expected = checkJson(Buffer.from(text), { original });
  const plain = new TextEncoder().encode(text);
  const padded = new Uint8Array(plain.length + 20);
  padded.set(plain, 10);
  const view = padded.subarray(10, 10 + plain.length);
  assert.equal(checkJson(plain, { original }), expected);
  assert.equal(checkJson(view, { original }), expected);
  assert.equal(checkJson(plain.buffer.slice(0), { original: original.buffer.slice(original.byteOffset, original.byteOffset + original.length) }), expected);
});

test('checkJson is the report as JSON text', () => {
  const json = checkJson(guidModified.edited, { original: guidModified.original });
  assert.equal(typeof json, 'string');
  assert.equal(json, JSON.stringify(check(guidModified.edited, { original: guidModified.original })));
});

test('the ES module entry exports the API and nothing of the engine\'s inside', async () => {
  const entry = await import('rollcall');
  assert.deepEqual(Object.keys(entry).sort(), ['Checker', 'changeSet', 'check', 'checkJson', 'codes', 'default']);
});

test('the report object is the JSON text\'s value, whatever its strings hold', () => {
  // Accents, a character beyond the Basic Multilingual Plane, quotes, a backslash, a tab and
  // a control character in cells; a modified GUID with its fix, a new student, a blank row,
  // absent students.
  const original = bytes([
    'Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password',
    '11111111-1111-4111-8111-111111111111,0042,José,Núñez,03,jose.nunez,',
    '22222222-2222-4222-8222-222222222222,0043,Ann,Lee,04,ann.lee,',
    '33333333-3333-4333-8333-333333333333,0044,Bo,Kim,05,bo.kim,',
  ].join('\r\n'));
  const edited = bytes([
    'Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password',
    '11111111-1111-4111-8111-11111111111f,42,"José 𝄞 ""Pepe""",N\\úñez\t,3,jose.nunez,',
    ',0099,Zo\u0001e,Åberg,KG,zoe.aberg,Secret-Passw0rd!',
    ',,,,,,',
  ].join('\n'));
  for (const lang of ['en', 'es']) {
    for (const allRows of [false, true]) {
      const options = { original, lang, allRows };
      const report = check(edited, options);
      const json = checkJson(edited, options);
      assert.deepEqual(report, JSON.parse(json));
      assert.equal(JSON.stringify(report), json);
      assert.ok(report.diagnostics.some((d) => d.fix !== null), 'a diagnostic with a fix');
      assert.ok(report.rows.some((r) => r.row === null && r.outcome === 'absent'), 'an absent student');
      assert.ok(report.rows.some((r) => r.guid === null), 'a row without a GUID');
      assert.ok(json.includes('𝄞') && json.includes('\\u0001'), 'the odd characters are in the report');
      const checker = new Checker(edited, options);
      try {
        assert.equal(JSON.stringify(checker.report()), json);
      } finally {
        checker.free();
      }
    }
  }
});

test('an XLSX workbook is read and gives the verdicts of the CSV it was made from', () => {
  const xlsx = check(fixture('workbooks/twin-xlsx/edited.xlsx'), {
    original: fixture('workbooks/twin-xlsx/export.csv'),
    fileName: 'edited.xlsx',
  });
  const csv = check(fixture('workbooks/twin-csv/edited.csv'), {
    original: fixture('workbooks/twin-csv/export.csv'),
  });
  assert.equal(xlsx.file.format, 'xlsx');
  assert.ok(xlsx.file.sheet);
  const pairs = (r) => r.diagnostics.map((d) => [d.row, d.code, d.severity]);
  assert.deepEqual(pairs(xlsx), pairs(csv));
  assert.deepEqual(pairs(xlsx).filter((p) => p[2] === 'error'), [
    [3, 'invalid-grade', 'error'],
    [7, 'guid-removed', 'error'],
  ]);
});

test('an unreadable file is a finding in the report, not an exception', () => {
  const report = check(bytes('%PDF-1.7 not a roster'), { fileName: 'roster.xlsx' });
  assert.deepEqual(report.diagnostics.map((d) => [d.row, d.code]), [[null, 'file-unreadable']]);
  assert.equal(report.rows.length, 0);
  const empty = check(new Uint8Array());
  assert.equal(empty.diagnostics[0].code, 'empty-file');
});

test('changeSet returns the report and the validated change-set', () => {
  const { report, changeSet: set } = changeSet(fixture('examples/new-students/edited.csv'), {
    original: fixture('examples/new-students/export.csv'),
    school: 'lincoln-elementary',
    id: '3f1e1a52-9c1b-4b7e-8a57-2b8f4c1d9e10',
    createdAt: '2026-11-22T09:30:00Z',
  });
  assert.equal(report.summary.create, 2);
  assert.equal(report.summary.error, 1);
  assert.equal(set.id, '3f1e1a52-9c1b-4b7e-8a57-2b8f4c1d9e10');
  assert.equal(set.school, 'lincoln-elementary');
  assert.equal(set.created_at, '2026-11-22T09:30:00Z');
  assert.deepEqual(set.ops.map((op) => [op.op, op.row]), [['create', 41], ['create', 42]]);
  // Row 43 has an error (guid-removed) and stays out.
  assert.ok(!set.ops.some((op) => op.row === 43));
  for (const op of set.ops) {
    assert.ok(op.values.first_name && op.values.last_name && op.values.grade);
  }
});

test('changeSet makes a fresh UUID v4 id and the current time when not given', () => {
  const options = { original: guidModified.original, school: 'lincoln' };
  const first = changeSet(guidModified.edited, options).changeSet;
  const second = changeSet(guidModified.edited, options).changeSet;
  assert.match(first.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(first.id, second.id);
  assert.match(first.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(first.created_at) - Date.now()) < 60_000);
});

test('an update carries the base fingerprint and only the changed fields', () => {
  const edited = fixtureText('examples/guid-modified/export.csv').replace(',Grace,Cohen,', ',Gracie,Cohen,');
  const { changeSet: set } = changeSet(bytes(edited), {
    original: guidModified.original,
    school: 'lincoln',
  });
  assert.equal(set.ops.length, 1);
  const [op] = set.ops;
  assert.equal(op.op, 'update');
  assert.equal(op.row, 2);
  assert.deepEqual(op.set, { first_name: 'Gracie' });
  assert.match(op.base, /^[0-9a-f]{32}$/);
});

test('Checker.setCell re-checks the row and agrees with a full check of the edited file', () => {
  const checker = new Checker(guidModified.edited, { original: guidModified.original });
  try {
    assert.equal(checker.summary().errors, 1);
    const fix = checker.report().diagnostics[0].fix;
    const delta = checker.setCell(fix.row, fix.field, fix.value);
    assert.equal(delta.summary.errors, 0);
    assert.equal(delta.summary.error, 0);
    assert.deepEqual(delta.rows.map((r) => [r.row, r.outcome, r.diagnostics.length]), [[7, 'unchanged', 0]]);
    assert.deepEqual(delta.absent_added, []);
    assert.deepEqual(delta.absent_removed, []);
    // The same edit made in the file and checked from scratch gives the same report.
    const lines = fixtureText('examples/guid-modified/edited.csv').split('\n');
    const cells = lines[6].split(',');
    cells[0] = fix.value;
    lines[6] = cells.join(',');
    const full = checkJson(bytes(lines.join('\n')), { original: guidModified.original });
    assert.equal(checker.reportJson(), full);
    assert.deepEqual(checker.report(), JSON.parse(full));
  } finally {
    checker.free();
  }
});

test('Checker: a duplicated username shows on both rows, and clearing it clears both', () => {
  const checker = new Checker(guidModified.edited, { original: guidModified.original, allRows: true });
  const taken = checker.report().rows[1].guid;
  const username = fixtureText('examples/guid-modified/edited.csv').split('\n')[2].split(',')[5];
  assert.ok(taken && username);
  let delta = checker.setCell(2, 'username', username);
  const codesOn = (d, row) => d.rows.find((r) => r.row === row)?.diagnostics.map((x) => x.code) ?? [];
  assert.ok(delta.rows.length >= 2, 'both rows are re-checked');
  assert.ok(codesOn(delta, 2).some((c) => c.startsWith('username') || c.startsWith('duplicate')));
  assert.ok(delta.summary.errors > 1);
  delta = checker.setCell(2, 'username', 'grace.cohen');
  assert.equal(delta.summary.errors, 1);
  checker.free();
});

test('Checker.changeSet reflects edits', () => {
  const checker = new Checker(guidModified.edited, { original: guidModified.original });
  checker.setCell(2, 'first_name', 'Gracie');
  const set = checker.changeSet({ school: 'lincoln', id: 'a', createdAt: '2026-01-01T00:00:00Z' });
  assert.deepEqual(set.ops.map((op) => [op.op, op.row, op.set]), [['update', 2, { first_name: 'Gracie' }]]);
  checker.free();
});

test('Checker refuses edits it cannot make with an Error that says why', () => {
  const checker = new Checker(guidModified.edited, { original: guidModified.original, lang: 'es' });
  assert.throws(() => checker.setCell(999, 'first_name', 'x'), {
    name: 'Error',
    message: 'rollcall: la fila 999 no es una fila de datos del archivo',
  });
  assert.throws(() => checker.setCell(1, 'first_name', 'x'), { name: 'TypeError', message: /la fila 1 es el encabezado/ });
  for (const row of [0, -1, 2.5, '3', null, undefined, NaN, Infinity]) {
    assert.throws(() => checker.setCell(row, 'first_name', 'x'), { name: 'TypeError', message: /`row`/ }, String(row));
  }
  assert.throws(() => checker.setCell(2, 'email', 'x'), { name: 'TypeError', message: /campo desconocido "email"/ });
  assert.throws(() => checker.setCell(2, 'first_name', 42), { name: 'TypeError', message: /`value` debe ser un texto/ });
  checker.free();

  const noUsernames = new Checker(bytes('First Name,Last Name,Grade Level\nAda,Lovelace,05\n'));
  assert.throws(() => noUsernames.setCell(2, 'username', 'ada'), { message: 'rollcall: the file has no Username column' });
  noUsernames.free();

  const unreadable = new Checker(bytes('\u0000\u0001'));
  assert.throws(() => unreadable.setCell(2, 'first_name', 'x'), { message: /file-level error/ });
  unreadable.free();
});

test('a freed Checker cannot be used', () => {
  const checker = new Checker(guidModified.edited);
  checker.free();
  assert.throws(() => checker.report());
});

test('codes lists every code with its severity and descriptions in both languages', () => {
  const list = codes();
  assert.equal(list.length, 44);
  const names = new Set(list.map((c) => c.code));
  assert.equal(names.size, list.length);
  for (const name of ['guid-modified', 'invalid-grade', 'username-taken', 'row-not-in-file', 'stale-row']) {
    assert.ok(names.has(name), name);
  }
  for (const info of list) {
    assert.match(info.code, /^[a-z]+(-[a-z0-9]+)*$/);
    assert.ok(['error', 'warning', 'info'].includes(info.severity), info.code);
    assert.ok(['file', 'value', 'matching', 'diff', 'guard', 'server'].includes(info.area), info.code);
    assert.ok(info.description.en.length > 10 && info.description.es.length > 10, info.code);
    assert.notEqual(info.description.en, info.description.es, info.code);
    assert.ok(Array.isArray(info.args), info.code);
  }
  assert.equal(list.find((c) => c.code === 'guid-modified').severity, 'error');
  assert.deepEqual(list.find((c) => c.code === 'guid-modified').args, ['guid', 'name']);
  assert.deepEqual(list.find((c) => c.code === 'encoding-fallback').args, []);
  assert.deepEqual(list.find((c) => c.code === 'similar-class').args, ['class', 'existing']);
  assert.equal(list.find((c) => c.code === 'new-class').severity, 'info');
});

test('unusable arguments throw a TypeError that names the argument', () => {
  const cases = [
    [() => check(), /`edited` must be the file's bytes as a Uint8Array or ArrayBuffer, not undefined/],
    [() => check(null), /not null/],
    [() => check('Student GUID,First Name'), /not the string "Student GUID,First N"/],
    [() => check(42), /not the number 42/],
    [() => check([1, 2, 3]), /not an array/],
    [() => check(bytes('a'), 'es'), /`options` must be an object, not the string "es"/],
    [() => check(bytes('a'), { orignal: bytes('a') }), /unknown option `orignal` in `options`; the options are original, fileName, originalFileName, lang, allRows/],
    [() => check(bytes('a'), { allRows: 'yes' }), /`allRows` must be true or false, not the string "yes"/],
    [() => new Checker(bytes('a'), { allRows: 1 }), /`allRows` must be true or false, not the number 1/],
    [() => check(bytes('a'), { lang: 'fr' }), /`lang` must be 'en' or 'es', not the string "fr"/],
    [() => check(bytes('a'), { original: 'export.csv' }), /`original` must be the file's bytes/],
    [() => check(bytes('a'), { fileName: 7 }), /`fileName` must be a string, not the number 7/],
    [() => changeSet(bytes('a'), { school: 'x' }), /`options.original` is required/],
    [() => changeSet(bytes('a'), { original: bytes('a') }), /`school` must be a string, not undefined/],
    [() => changeSet(bytes('a'), { original: bytes('a'), school: '  ' }), /`school` must not be empty/],
    [() => changeSet(bytes('a')), /`options.original` is required/],
    [() => new Checker('x'), /`edited` must be/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof TypeError, `${error}`);
      assert.match(error.message, /^rollcall: /);
      assert.match(error.message, message);
      return true;
    });
  }
  // In Spanish when the options ask for it.
  assert.throws(() => check(7, { lang: 'es' }), { message: /`edited` debe ser el contenido del archivo/ });
});

test('null and undefined options are the defaults', () => {
  const expected = checkJson(guidModified.edited);
  assert.equal(checkJson(guidModified.edited, undefined), expected);
  assert.equal(checkJson(guidModified.edited, null), expected);
  assert.equal(checkJson(guidModified.edited, {}), expected);
  assert.equal(checkJson(guidModified.edited, { original: undefined, lang: null }), expected);
});

test('a column sorted on its own is a mass-change, which a change-set can confirm', () => {
  const sorted = {
    edited: fixture('guards/sorted-column/edited.csv'),
    original: fixture('guards/sorted-column/export.csv'),
  };
  const report = check(sorted.edited, { original: sorted.original });
  const guards = report.diagnostics.filter((d) => d.code.startsWith('mass-'));
  assert.equal(guards.length, 1);
  assert.equal(guards[0].code, 'mass-change');
  assert.equal(guards[0].severity, 'warning');
  assert.equal(guards[0].row, null);
  assert.equal(guards[0].column, 'Last Name');
  assert.deepEqual(guards[0].args, { field: 'Last Name', changed: '28', matched: '30' });
  assert.equal(report.summary.warnings, 1);

  const stamp = { school: 'lincoln', id: 'a', createdAt: '2026-01-01T00:00:00Z' };
  const unconfirmed = changeSet(sorted.edited, { original: sorted.original, ...stamp });
  assert.equal(unconfirmed.changeSet.confirm, undefined);
  const confirmed = changeSet(sorted.edited, { original: sorted.original, ...stamp, confirm: ['mass-change'] });
  assert.deepEqual(confirmed.changeSet.confirm, ['mass-change']);
  assert.equal(confirmed.changeSet.ops.length, 28);
  assert.throws(() => changeSet(sorted.edited, { original: sorted.original, ...stamp, confirm: ['guid-modified'] }), {
    name: 'TypeError',
    message: /`confirm` must be an array of "mass-change" and "mass-create"/,
  });
});

test('Checker: edits that pass a quarter of the students raise the guard, and undoing them clears it', () => {
  const checker = new Checker(fixture('guards/a-quarter-exactly/edited.csv'), {
    original: fixture('guards/a-quarter-exactly/export.csv'),
  });
  try {
    assert.equal(checker.summary().warnings, 0, '10 of 40 is a quarter exactly');
    let delta = checker.setCell(20, 'first_name', 'Changed');
    assert.deepEqual(delta.guards.map((g) => [g.code, g.args.changed, g.args.matched]), [['mass-change', '11', '40']]);
    assert.equal(delta.summary.warnings, 1);
    const set = checker.changeSet({ school: 's', confirm: ['mass-change'] });
    assert.deepEqual(set.confirm, ['mass-change']);
    delta = checker.setCell(20, 'first_name', 'Sami');
    assert.deepEqual(delta.guards, []);
    assert.equal(delta.summary.warnings, 0);
  } finally {
    checker.free();
  }
});
