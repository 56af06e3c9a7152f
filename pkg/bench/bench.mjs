// The npm package against PapaParse and SheetJS on the benchmark's 50,000-row files, in Node.
// `cargo xtask bench` runs it after generating the files and reads the JSON it prints last.
//
//   node bench.mjs DIR     (DIR holds export.csv, edited.csv and edited.xlsx)
//
// Each measurement is warmed up, then repeated; the median, the mean and the spread are
// reported, as criterion does for the Rust benchmarks (targets are judged on the median).
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import XLSX from 'xlsx';
import { check } from 'rollcall';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench.mjs DIR');
  process.exit(2);
}
const exportBytes = fs.readFileSync(path.join(dir, 'export.csv'));
const editedBytes = fs.readFileSync(path.join(dir, 'edited.csv'));
const xlsxBytes = fs.readFileSync(path.join(dir, 'edited.xlsx'));
const exportText = exportBytes.toString('utf8');
const editedText = editedBytes.toString('utf8');

/** Runs `body` until `seconds` have passed (at least `min` times) after `warmup` runs. */
function measure(name, body, { warmup = 3, min = 10, seconds = 5 } = {}) {
  for (let i = 0; i < warmup; i++) body();
  const samples = [];
  const until = performance.now() + seconds * 1000;
  while (samples.length < min || performance.now() < until) {
    const start = performance.now();
    body();
    samples.push(performance.now() - start);
  }
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  console.error(`${name}: median ${median.toFixed(1)} ms, mean ${mean.toFixed(1)} ± ${sd.toFixed(1)} (${samples.length} runs)`);
  return { median_ms: median, mean_ms: mean, sd_ms: sd, runs: samples.length };
}

// What each side must produce, checked once so the timings measure real work.
const report = check(editedBytes, { original: exportBytes, fileName: 'edited.csv' });
const parsed = Papa.parse(editedText);
if (report.summary.rows < 49_000 || parsed.data.length < 50_000) throw new Error('the files are not the 50,000-row benchmark');
const xlsxReport = check(xlsxBytes, { fileName: 'edited.xlsx' });
const sheet = XLSX.read(xlsxBytes, { type: 'buffer' });
const sheetRows = XLSX.utils.sheet_to_json(sheet.Sheets[sheet.SheetNames[0]], { header: 1 });
if (xlsxReport.summary.rows !== report.summary.rows || sheetRows.length !== parsed.data.length - 1) {
  throw new Error(`the XLSX has ${xlsxReport.summary.rows} rows for the package, ${sheetRows.length} for SheetJS`);
}

const results = {
  package_check: measure('package check (CSV + original, report object)', () =>
    check(editedBytes, { original: exportBytes, fileName: 'edited.csv' })),
  papaparse: measure('PapaParse parses both CSVs', () => {
    Papa.parse(exportText);
    Papa.parse(editedText);
  }),
  package_xlsx: measure('package check of the XLSX (read + every row rule, report object)', () =>
    check(xlsxBytes, { fileName: 'edited.xlsx' })),
  sheetjs: measure('SheetJS reads the XLSX into rows', () => {
    const workbook = XLSX.read(xlsxBytes, { type: 'buffer' });
    XLSX.utils.sheet_to_json(workbook.Sheets[workbook.SheetNames[0]], { header: 1 });
  }),
};
console.log(JSON.stringify(results));
