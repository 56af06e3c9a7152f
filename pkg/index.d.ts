// Types of the `rollcall` package: the report and change-set of SPEC.md sections 6 and 7, and
// the functions that make them. Every function here is the same Rust rule engine the
// `rollcall` command line runs, compiled to WebAssembly.

/** A language every message exists in. */
export type Lang = 'en' | 'es';

/** How serious a finding is. `error` rows never reach a change-set. */
export type Severity = 'error' | 'warning' | 'info';

/** A roster field, as change-sets and fixes name it. */
export type FieldName =
  | 'guid'
  | 'student_id'
  | 'first_name'
  | 'last_name'
  | 'grade'
  | 'username'
  | 'password'
  | 'classes';

/** What happens to a row when the file is uploaded. */
export type Outcome = 'unchanged' | 'update' | 'create' | 'error' | 'blank' | 'absent';

/** How a row was matched to a student of the original export. */
export type MatchedBy = 'guid' | 'student_id' | 'username';

/** The bytes of a file, as read from disk, a `File`, or a `fetch` response. */
export type FileBytes = Uint8Array | ArrayBuffer;

/** Options of {@link check} and of the {@link Checker} constructor. */
export interface CheckOptions {
  /** The export the file was edited from. Without it only the file's own rules run. */
  original?: FileBytes;
  /** The edited file's name: it appears in messages, and its extension is a format hint. */
  fileName?: string;
  /** The original export's name. */
  originalFileName?: string;
  /** The language of messages: `en` (default) or `es`. */
  lang?: Lang;
  /**
   * List every non-blank row in the report's `rows`. By default (`false`) unchanged rows
   * without diagnostics are left out and only counted in `summary`.
   */
  allRows?: boolean;
}

/** Options of {@link changeSet}. */
export interface ChangeSetOptions extends CheckOptions {
  /** The export the file was edited from: required, a change-set says what changed since. */
  original: FileBytes;
  /** The school the change-set is for, as the server names it. */
  school: string;
  /** The change-set's id, its idempotency key; a fresh UUID v4 when not given. */
  id?: string;
  /** RFC 3339 time; now when not given. */
  createdAt?: string;
  /**
   * The guards the teacher saw and confirmed (`mass-change`, `mass-create`), written into the
   * change-set's `confirm`: the server refuses an upload that trips a guard it does not confirm.
   */
  confirm?: GuardCode[];
}

/** The codes of the guards, the file-level warnings an upload must confirm. */
export type GuardCode = 'mass-change' | 'mass-create';

/** Options of {@link Checker.changeSet}. */
export interface StampOptions {
  school: string;
  id?: string;
  createdAt?: string;
  /** As {@link ChangeSetOptions.confirm}. */
  confirm?: GuardCode[];
}

/** A column of the file. */
export interface ColumnInfo {
  /** The header as written in the file. */
  header: string;
  /** The roster field it means, or null for a column Rollcall ignores. */
  field: FieldName | null;
  /** Zero-based position. */
  index: number;
}

/** What was found about the file itself. */
export interface FileInfo {
  format: 'csv' | 'xlsx' | 'xlsm' | 'xlsb' | 'xls' | 'ods' | null;
  /** The worksheet read, for workbooks. */
  sheet: string | null;
  encoding: 'utf-8' | 'windows-1252' | null;
  /** The CSV delimiter: `,`, `;` or a tab. */
  delimiter: string | null;
  columns: ColumnInfo[];
}

/** The counts of a report. */
export interface Summary {
  /** Non-blank rows of the file. */
  rows: number;
  unchanged: number;
  update: number;
  create: number;
  /** Rows with at least one error. */
  error: number;
  blank: number;
  /** Students of the export missing from the file. */
  absent: number;
  errors: number;
  warnings: number;
  infos: number;
}

/** A proposed repair: put `value` into `field` on spreadsheet row `row`. */
export interface Fix {
  row: number;
  field: FieldName;
  value: string;
}

/** One finding. */
export interface Diagnostic {
  /** Stable kebab-case code, e.g. `guid-modified`; see {@link codes}. */
  code: string;
  severity: Severity;
  /** Spreadsheet row (the header is row 1), or null for a finding about the whole file. */
  row: number | null;
  /** The column's header as written in the file, or null. */
  column: string | null;
  /** What is wrong and how to fix it, in the requested language. */
  message: string;
  /**
   * Every value the message names, as strings, under names that are the same in every
   * language (see {@link CodeInfo.args} and docs/rules.md): word the message your own way.
   */
  args: Record<string, string>;
  fix: Fix | null;
}

/** One changed cell. Passwords are shown as `••••••••`. */
export interface Change {
  field: FieldName;
  /** The value in the original export; null for a new student. */
  old: string | null;
  new: string;
}

/** What happens to one row, or to one student missing from the file. */
export interface RowEntry {
  /** Spreadsheet row, or null for a student missing from the file. */
  row: number | null;
  /** The matched student's row in the original export. */
  export_row: number | null;
  outcome: Outcome;
  guid: string | null;
  matched_by: MatchedBy | null;
  changes: Change[];
}

/** The report of SPEC.md section 6. */
export interface Report {
  file: FileInfo;
  summary: Summary;
  /** Sorted by row (file-level first), then column, then code. */
  diagnostics: Diagnostic[];
  /**
   * In file order, the rows whose outcome is not `unchanged` or that carry a diagnostic (every
   * non-blank row with `allRows: true`), then the students missing from the file.
   */
  rows: RowEntry[];
}

/**
 * The values an operation sets. `classes`, when present, is the student's complete list of the
 * teacher's classes (an empty list takes the student out of all of them); every other field is
 * text.
 */
export type FieldValues = Partial<Record<Exclude<FieldName, 'classes'>, string>> & {
  classes?: string[];
};

/** One operation of a change-set. */
export type Op =
  | {
      op: 'update';
      row: number;
      guid: string;
      /** Fingerprint of the student as exported; the server refuses the row if it changed since. */
      base?: string;
      set: FieldValues;
    }
  | { op: 'create'; row: number; values: FieldValues };

/** The change-set of SPEC.md section 7: only rows without errors. */
export interface ChangeSet {
  id: string;
  school: string;
  created_at: string;
  ops: Op[];
  /** The guards confirmed; absent when none. */
  confirm?: GuardCode[];
}

/** A row after an edit: its report entry and all its diagnostics. */
export interface RowUpdate extends RowEntry {
  diagnostics: Diagnostic[];
}

/** What one cell edit changed. */
export interface Delta {
  /** The counts after the edit. */
  summary: Summary;
  /** Every row the edit re-checked, in row order (a row the edit emptied is `blank`). */
  rows: RowUpdate[];
  /** Students now missing from the file, with their `row-not-in-file` diagnostic. */
  absent_added: RowUpdate[];
  /** GUIDs of students no longer missing. */
  absent_removed: string[];
  /** The guards (`mass-change`, `mass-create`) the file trips after the edit: all of them. */
  guards: Diagnostic[];
}

/** One entry of the code registry. */
export interface CodeInfo {
  code: string;
  severity: Severity;
  /** Where the code is raised. */
  area: 'file' | 'value' | 'matching' | 'diff' | 'guard' | 'server';
  description: { en: string; es: string };
  /** The names of the values its diagnostics carry in `args`. */
  args: string[];
}

/**
 * Checks an edited roster file, against the export it came from when `options.original` is
 * given. Problems are data in the report; only unusable arguments throw a `TypeError`.
 */
export function check(edited: FileBytes, options?: CheckOptions): Report;

/** Like {@link check}, but returns the report as JSON text: the bytes `rollcall check --format json` prints. */
export function checkJson(edited: FileBytes, options?: CheckOptions): string;

/** Checks the file and returns the report and the change-set to post to the server. */
export function changeSet(
  edited: FileBytes,
  options: ChangeSetOptions,
): { report: Report; changeSet: ChangeSet };

/** Every code, with its severity and descriptions in English and Spanish. */
export function codes(): CodeInfo[];

/**
 * A checked file that can be edited cell by cell. Each edit re-checks only the rows it affects
 * (the row, and the rows it collides with), in microseconds.
 *
 * It holds WebAssembly memory: call `free()` when done (or use `using` where supported).
 */
export class Checker {
  constructor(edited: FileBytes, options?: CheckOptions);
  /**
   * Puts `value` into `field` on spreadsheet row `row` and returns what changed. Throws an
   * `Error` for a row that is not a data row, a field the file has no column for, or a file
   * whose rows are not checked (a file-level error).
   */
  setCell(row: number, field: FieldName, value: string): Delta;
  /** The report of the file as it is now. */
  report(): Report;
  /** The report as JSON text. */
  reportJson(): string;
  /** The counts of the report, cheaply. */
  summary(): Summary;
  /** The change-set of the file as it is now. */
  changeSet(options: StampOptions): ChangeSet;
  /** Gives the WebAssembly memory back. The checker cannot be used afterwards. */
  free(): void;
  [Symbol.dispose](): void;
}
