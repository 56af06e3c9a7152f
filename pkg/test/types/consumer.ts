// An app using the package as its README shows. `tsc --noEmit` must accept this file with the
// package's types, and must reject every line marked `@ts-expect-error`.
import { readFileSync } from 'node:fs';

import {
  check,
  checkJson,
  changeSet,
  codes,
  Checker,
  type CheckOptions,
  type ChangeSet,
  type Delta,
  type Diagnostic,
  type FieldName,
  type Report,
  type Severity,
} from 'rollcall';
import init, { check as checkInBrowser } from 'rollcall/web';

const original: Uint8Array = readFileSync('export.csv');
const edited: Uint8Array = readFileSync('edited.csv');

const options: CheckOptions = { original, fileName: 'edited.csv', lang: 'es', allRows: true };
const report: Report = check(edited, options);
const errors: Diagnostic[] = report.diagnostics.filter((d) => d.severity === 'error');
for (const diagnostic of errors) {
  const where: string = diagnostic.row === null ? 'file' : `row ${diagnostic.row}`;
  const fix: string | undefined = diagnostic.fix?.value;
  console.log(where, diagnostic.column ?? '', diagnostic.message, fix);
  // The values the message names, for wording it another way.
  const value: string | undefined = diagnostic.args['value'];
  console.log(Object.entries(diagnostic.args).length, value);
}
const updates: number = report.summary.update + report.summary.create;
for (const row of report.rows) {
  if (row.outcome === 'update') {
    for (const change of row.changes) {
      const old: string | null = change.old;
      console.log(row.row, row.matched_by, change.field, old, change.new, updates);
    }
  }
}
const json: string = checkJson(edited.buffer as ArrayBuffer);

const result = changeSet(edited, { original, school: 'lincoln' });
const set: ChangeSet = result.changeSet;
for (const op of set.ops) {
  if (op.op === 'update') {
    console.log(op.guid, op.base, op.set.first_name, op.set.classes?.join('; '));
  } else {
    console.log(op.row, op.values.grade, op.values.classes?.length);
  }
}

const checker = new Checker(edited, { original });
const field: FieldName = 'grade';
const delta: Delta = checker.setCell(5, field, '03');
console.log(delta.summary.errors, delta.rows[0]?.diagnostics.length, delta.absent_removed.length);
console.log(checker.report().summary.rows, checker.summary().infos, checker.changeSet({ school: 'x' }).ops);
checker.free();

const severities: Severity[] = codes().map((c) => c.severity);
console.log(severities, codes()[0]?.description.es, json.length);

async function inBrowser(bytes: ArrayBuffer): Promise<Report> {
  await init();
  return checkInBrowser(bytes);
}
void inBrowser;

// Wrong uses the types must catch.
// @ts-expect-error a file name is not the file's bytes
check('edited.csv');
// @ts-expect-error only English and Spanish
check(edited, { lang: 'fr' });
// @ts-expect-error options are checked by name
check(edited, { orignal: original });
// @ts-expect-error allRows is true or false
check(edited, { allRows: 'yes' });
// @ts-expect-error a change-set needs the original and the school
changeSet(edited, { school: 'lincoln' });
// @ts-expect-error fields are named as in change-sets
checker.setCell(2, 'First Name', 'Ada');
// @ts-expect-error rows are numbers
checker.setCell('2', 'first_name', 'Ada');
// @ts-expect-error a report's row may be null
const row: number = report.diagnostics[0]!.row;
void row;
