// The pipeline a web team would write by hand instead of using the package, for bench.mjs to
// time beside it: PapaParse parses both files, a zod object schema validates every edited row
// with the package's value rules (SPEC section 4: GUID, Student ID, names, the grade vocabulary
// and its other spellings, username, password), and a Map of the export's rows by GUID gives
// the diff. Duplicate Student IDs and usernames are counted; updates, creates and the exported
// students missing from the file too. It starts from the files' bytes, as `check` does.
import Papa from 'papaparse';
import { z } from 'zod';

/** The columns, by the headers a Rollcall export writes. */
const COLUMNS = {
  guid: 'student guid',
  studentId: 'student id',
  firstName: 'first name',
  lastName: 'last name',
  grade: 'grade level',
  username: 'username',
  password: 'password',
};

const GRADES = [
  'IT', 'PR', 'PK', 'TK', 'KG', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10',
  '11', '12', '13', 'PS', 'UG', 'Other',
];
const GRADE_BY_LOWER = new Map(GRADES.map((grade) => [grade.toLowerCase(), grade]));
const ORDINAL = /^(\d{1,2})(st|nd|rd|th)$/;
const SUFFIX = (n) => ({ 1: 'st', 2: 'nd', 3: 'rd' })[n] ?? 'th';

/** The grade in the vocabulary's spelling ("3rd", "Grade 3", "k", "Pre-K", …), or null. */
function normalizeGrade(text) {
  if (text.length > 16 || !/^[\x00-\x7f]*$/.test(text)) return null;
  const lower = text.toLowerCase();
  const exact = GRADE_BY_LOWER.get(lower);
  if (exact) return exact;
  if (lower === 'k' || lower === 'kindergarten') return 'KG';
  if (lower === 'pre-k' || lower === 'prek' || lower === 'pre k') return 'PK';
  let number = lower.startsWith('grade') ? lower.slice(5).trimStart() : lower;
  if (number !== lower && (number === 'k' || number === 'kg')) return 'KG';
  if (number === '0') return 'KG';
  const ordinal = ORDINAL.exec(number);
  if (ordinal) {
    const n = Number(ordinal[1]);
    if (n > 12 || ordinal[2] !== SUFFIX(n)) return null;
    number = ordinal[1];
  }
  if (!/^\d{1,2}$/.test(number)) return null;
  const n = Number(number);
  return n >= 1 && n <= 13 ? GRADES[4 + n] : null;
}

/** Length in characters (code points), as the rules count. */
const chars = (text) => (text.length <= 64 ? text.length : [...text].length);

const name = z
  .string()
  .min(1, 'required-value')
  .refine((text) => chars(text) <= 64, 'value-too-long')
  .refine((text) => !/[\p{Cc}\u2028\u2029]/u.test(text), 'invalid-characters')
  .refine((text) => !/^[=+\-@]/.test(text), 'formula-like-value');

/** An optional field: empty, or `schema`. */
const optional = (schema) => z.union([z.literal(''), schema]);

const Row = z
  .object({
    guid: optional(
      z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'invalid-guid'),
    ),
    studentId: optional(
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'invalid-student-id')
        .refine((text) => !/^\d+(\.\d+)?[Ee]\+?\d+$/.test(text), 'student-id-scientific'),
    ),
    firstName: name,
    lastName: name,
    grade: z
      .string()
      .min(1, 'required-value')
      .transform((text, context) => {
        const grade = normalizeGrade(text);
        if (grade === null) context.addIssue({ code: 'custom', message: 'invalid-grade' });
        return grade ?? z.NEVER;
      }),
    username: optional(
      z
        .string()
        .transform((text) => text.toLowerCase())
        .pipe(z.string().regex(/^[a-z0-9._@-]{3,64}$/, 'invalid-username')),
    ),
    password: optional(
      z
        .string()
        .refine((text) => {
          const length = [...text].length;
          return length >= 8 && length <= 128;
        }, 'weak-password')
        .refine((text) => !/^\s|\s$/.test(text), 'weak-password'),
    ),
  })
  .refine(
    (row) => !row.password || !row.username || row.password.toLowerCase() !== row.username,
    { message: 'weak-password', path: ['password'] },
  );

const decoder = new TextDecoder(); // UTF-8; drops a byte order mark

/** The data rows of a CSV file as records of the seven fields (trimmed, but the password). */
function readRows(bytes) {
  const { data } = Papa.parse(decoder.decode(bytes), { skipEmptyLines: 'greedy' });
  const header = data[0].map((cell) => cell.trim().toLowerCase());
  const at = {};
  for (const [field, title] of Object.entries(COLUMNS)) at[field] = header.indexOf(title);
  for (const field of ['firstName', 'lastName', 'grade']) {
    if (at[field] < 0) throw new Error(`missing column ${COLUMNS[field]}`);
  }
  const cell = (cells, field) => (at[field] < 0 ? '' : (cells[at[field]] ?? '').trim());
  const rows = new Array(data.length - 1);
  for (let i = 1; i < data.length; i++) {
    const cells = data[i];
    rows[i - 1] = {
      guid: cell(cells, 'guid'),
      studentId: cell(cells, 'studentId'),
      firstName: cell(cells, 'firstName'),
      lastName: cell(cells, 'lastName'),
      grade: cell(cells, 'grade'),
      username: cell(cells, 'username'),
      password: at.password < 0 ? '' : (cells[at.password] ?? ''),
    };
  }
  return rows;
}

/** How many times each non-empty key occurs (keys compared ignoring case). */
function occurrences(rows, field) {
  const counts = new Map();
  for (const row of rows) {
    const key = row[field].toLowerCase();
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Checks the edited file's bytes against the export's: `{rows, unchanged, update, create,
 * error, absent, invalid, duplicateStudentIds, duplicateUsernames, unknownGuids}`.
 */
export function peerCheck(originalBytes, editedBytes) {
  const original = readRows(originalBytes);
  const edited = readRows(editedBytes);
  const byGuid = new Map();
  for (const row of original) if (row.guid) byGuid.set(row.guid.toLowerCase(), row);
  const ids = occurrences(edited, 'studentId');
  const usernames = occurrences(edited, 'username');
  const guids = occurrences(edited, 'guid');
  const counts = {
    rows: edited.length, unchanged: 0, update: 0, create: 0, error: 0, absent: 0,
    invalid: 0, duplicateStudentIds: 0, duplicateUsernames: 0, unknownGuids: 0,
  };
  for (const row of edited) {
    const result = Row.safeParse(row);
    let bad = !result.success;
    if (bad) counts.invalid++;
    if (row.studentId && ids.get(row.studentId.toLowerCase()) > 1) {
      counts.duplicateStudentIds++;
      bad = true;
    }
    if (row.username && usernames.get(row.username.toLowerCase()) > 1) {
      counts.duplicateUsernames++;
      bad = true;
    }
    const guid = row.guid.toLowerCase();
    const before = guid ? byGuid.get(guid) : undefined;
    if (guid && (!before || guids.get(guid) > 1)) {
      counts.unknownGuids += before ? 0 : 1;
      bad = true;
    }
    if (bad) {
      counts.error++;
      continue;
    }
    if (!before) {
      counts.create++;
      continue;
    }
    const after = result.data;
    const changed =
      after.studentId !== before.studentId ||
      after.firstName !== before.firstName ||
      after.lastName !== before.lastName ||
      after.grade !== before.grade ||
      after.username !== before.username.toLowerCase() ||
      after.password !== '';
    if (changed) counts.update++;
    else counts.unchanged++;
  }
  for (const guid of byGuid.keys()) if (!guids.has(guid)) counts.absent++;
  return counts;
}
