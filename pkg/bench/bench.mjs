// The npm package against what a web team would use instead, on the benchmark's 50,000-row files,
// all in this one Node process: the hand-written peer pipeline (peer.mjs: PapaParse, a zod schema
// per row, a Map diff by GUID), PapaParse alone, and SheetJS for the workbook. `cargo xtask bench`
// runs it after generating the files and reads the JSON it prints last.
//
//   node bench.mjs DIR     (DIR holds export.csv, edited.csv and edited.xlsx)
//
// The sides a target compares are timed in alternation: each round runs every side once, in an
// order that rotates from round to round, so all of them see the same moments of a shared
// machine. After warm-up rounds the rounds repeat for some seconds (at least `min` of them); each
// side's median, mean and spread are reported, as criterion does for the Rust benchmarks, and so
// is the median of the per-round ratios (targets are judged on the medians).
//
// The report's JSON is also timed apart: `checkJson` (the same check, the report as text) and
// `JSON.parse` of that text, to show what building the report object from the engine's parts
// (which `check` does) saves over parsing the JSON.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import XLSX from 'xlsx';
import { check, checkJson } from 'rollcall';
import { peerCheck } from './peer.mjs';

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
const csvOptions = { original: exportBytes, fileName: 'edited.csv' };

function median(sorted) {
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function stats(name, samples) {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
  const sorted = [...samples].sort((a, b) => a - b);
  const result = { median_ms: median(sorted), mean_ms: mean, sd_ms: sd, runs: samples.length };
  console.error(
    `${name}: median ${result.median_ms.toFixed(1)} ms, mean ${mean.toFixed(1)} ± ${sd.toFixed(1)} (${samples.length} runs)`,
  );
  return result;
}

/**
 * Times `sides` ({key: [title, body]}) in alternating rounds after `warmup` rounds, until
 * `seconds` have passed and at least `min` rounds ran. Returns each side's statistics and its
 * samples, round by round.
 */
function alternate(sides, { warmup = 3, min = 15, seconds = 15 } = {}) {
  const keys = Object.keys(sides);
  for (let i = 0; i < warmup; i++) for (const key of keys) sides[key][1]();
  const samples = Object.fromEntries(keys.map((key) => [key, []]));
  const until = performance.now() + seconds * 1000;
  for (let round = 0; round < min || performance.now() < until; round++) {
    for (let k = 0; k < keys.length; k++) {
      const key = keys[(round + k) % keys.length];
      const start = performance.now();
      sides[key][1]();
      samples[key].push(performance.now() - start);
    }
  }
  const results = Object.fromEntries(keys.map((key) => [key, stats(sides[key][0], samples[key])]));
  return { results, samples };
}

/** The median and quartiles of `a ÷ b`, round by round. */
function pairedRatio(name, a, b) {
  const ratios = a.map((value, i) => value / b[i]).sort((x, y) => x - y);
  const quartile = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  const result = { median: median(ratios), low_quartile: quartile(0.25), high_quartile: quartile(0.75) };
  console.error(
    `${name}, round by round: median ${result.median.toFixed(3)}× (quartiles ${result.low_quartile.toFixed(3)}× to ${result.high_quartile.toFixed(3)}×)`,
  );
  return result;
}

// What each side must produce, checked once so the timings measure real work.
const reportText = checkJson(editedBytes, csvOptions);
const report = JSON.parse(reportText);
const peer = peerCheck(exportBytes, editedBytes);
const parsed = Papa.parse(editedText);
if (report.summary.rows < 49_000 || parsed.data.length < 50_000) throw new Error('the files are not the 50,000-row benchmark');
if (peer.rows !== report.summary.rows) {
  throw new Error(`the peer pipeline sees ${peer.rows} rows, the package ${report.summary.rows}`);
}
console.error(`package: ${JSON.stringify(report.summary)}`);
console.error(`peer:    ${JSON.stringify(peer)}`);
const xlsxReport = check(xlsxBytes, { fileName: 'edited.xlsx' });
const sheet = XLSX.read(xlsxBytes, { type: 'buffer' });
const sheetRows = XLSX.utils.sheet_to_json(sheet.Sheets[sheet.SheetNames[0]], { header: 1 });
if (xlsxReport.summary.rows !== report.summary.rows || sheetRows.length !== parsed.data.length - 1) {
  throw new Error(`the XLSX has ${xlsxReport.summary.rows} rows for the package, ${sheetRows.length} for SheetJS`);
}

const reportBytes = Buffer.byteLength(reportText);
console.error(`report JSON: ${reportBytes} bytes, ${report.rows.length} rows`);
const reportUtf8 = Buffer.from(reportText);
const decoder = new TextDecoder();

const csv = alternate(
  {
    package_check: ['package check (CSV + original, report object)', () => check(editedBytes, csvOptions)],
    peer: ['peer pipeline (PapaParse both files, zod per row, Map diff)', () => peerCheck(exportBytes, editedBytes)],
    papaparse: ['PapaParse parses both CSVs', () => {
      Papa.parse(exportText);
      Papa.parse(editedText);
    }],
    package_check_json: ['package checkJson (the same check, report as text)', () => checkJson(editedBytes, csvOptions)],
    report_json_parse: ['JSON.parse of the report text', () => JSON.parse(reportText)],
    report_decode: ['UTF-8 decoding of the report text', () => decoder.decode(reportUtf8)],
  },
  { seconds: 40 },
);
const workbook = alternate({
  package_xlsx: ['package check of the XLSX (read + every row rule, report object)', () =>
    check(xlsxBytes, { fileName: 'edited.xlsx' })],
  sheetjs: ['SheetJS reads the XLSX into rows', () => {
    const book = XLSX.read(xlsxBytes, { type: 'buffer' });
    XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]], { header: 1 });
  }],
});

const results = {
  ...csv.results,
  ...workbook.results,
  paired: {
    check_over_peer: pairedRatio('check ÷ peer', csv.samples.package_check, csv.samples.peer),
    check_over_papaparse: pairedRatio('check ÷ PapaParse', csv.samples.package_check, csv.samples.papaparse),
    xlsx_over_sheetjs: pairedRatio('XLSX check ÷ SheetJS', workbook.samples.package_xlsx, workbook.samples.sheetjs),
  },
  report: { bytes: reportBytes, rows: report.rows.length },
};
console.log(JSON.stringify(results));
