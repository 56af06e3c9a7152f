// The report object from the engine's parts (`rollcall_core::report_parts` writes them; its
// documentation gives the layout): `head` is `{"file":…,"summary":…}`, `strings` a JSON array
// of every string, `numbers` the structure, each string as its place in `strings`, `NULL`
// for null. The objects get their keys in the order the report's JSON has them, so that
// `JSON.stringify(check(…))` is what `checkJson` returns. `cargo xtask pkg` puts this function
// into each build's entry module.
function decodeReport(parts) {
  const NULL = 0xffffffff;
  const head = JSON.parse(parts[0]);
  const strings = JSON.parse(parts[1]);
  const numbers = parts[2];
  let at = 0;
  const text = (n) => (n === NULL ? null : strings[n]);
  const number = (n) => (n === NULL ? null : n);
  const diagnostics = [];
  for (let count = numbers[at++]; count > 0; count--) {
    const code = strings[numbers[at]];
    const severity = strings[numbers[at + 1]];
    const row = number(numbers[at + 2]);
    const column = text(numbers[at + 3]);
    const message = strings[numbers[at + 4]];
    const argCount = numbers[at + 5];
    at += 6;
    const args = {};
    for (let i = 0; i < argCount; i++, at += 2) args[strings[numbers[at]]] = strings[numbers[at + 1]];
    let fix = null;
    if (numbers[at] === NULL) {
      at += 1;
    } else {
      fix = { row: numbers[at], field: strings[numbers[at + 1]], value: strings[numbers[at + 2]] };
      at += 3;
    }
    diagnostics.push({ code, severity, row, column, message, args, fix });
  }
  const rows = [];
  for (let count = numbers[at++]; count > 0; count--) {
    const row = number(numbers[at]);
    const exportRow = number(numbers[at + 1]);
    const outcome = strings[numbers[at + 2]];
    const guid = text(numbers[at + 3]);
    const matchedBy = text(numbers[at + 4]);
    const changeCount = numbers[at + 5];
    at += 6;
    const changes = [];
    for (let i = 0; i < changeCount; i++, at += 3) {
      changes.push({ field: strings[numbers[at]], old: text(numbers[at + 1]), new: strings[numbers[at + 2]] });
    }
    rows.push({ row, export_row: exportRow, outcome, guid, matched_by: matchedBy, changes });
  }
  if (at !== numbers.length) {
    throw new Error('rollcall: the report parts do not add up (las partes del informe no cuadran)');
  }
  return { file: head.file, summary: head.summary, diagnostics, rows };
}
