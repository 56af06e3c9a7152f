// Scratch A/B: node _ab.mjs DATA DIR_A [DIR_B ...] — alternating rounds in one process.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Papa from 'papaparse';
const require = createRequire(import.meta.url);
const [data, ...dirs] = process.argv.slice(2);
const exportBytes = fs.readFileSync(path.join(data, 'export.csv'));
const editedBytes = fs.readFileSync(path.join(data, 'edited.csv'));
const xlsxBytes = fs.readFileSync(path.join(data, 'edited.xlsx'));
const exportText = exportBytes.toString('utf8');
const editedText = editedBytes.toString('utf8');
const opts = { original: exportBytes, fileName: 'edited.csv' };
const engines = dirs.map((d) => require(path.resolve(d, 'rollcall_wasm.js')));
const ref = engines[0].checkJson(editedBytes, opts);
for (const e of engines) if (e.checkJson(editedBytes, opts) !== ref) throw new Error('output differs');
const refObj = JSON.stringify(engines[0].check(editedBytes, opts));
for (const e of engines) if (JSON.stringify(e.check(editedBytes, opts)) !== refObj) throw new Error('object differs');
const refX = JSON.stringify(engines[0].check(xlsxBytes, { fileName: 'edited.xlsx' }));
for (const e of engines) if (JSON.stringify(e.check(xlsxBytes, { fileName: 'edited.xlsx' })) !== refX) throw new Error('xlsx object differs');
const sides = { papa: () => { Papa.parse(exportText); Papa.parse(editedText); } };
const xlsx = process.env.XLSX === '1';
const jsonOnly = process.env.JSONONLY === '1';
engines.forEach((e, i) => {
  sides[`check${i}`] = () => e.check(editedBytes, opts);
  if (jsonOnly) sides[`json${i}`] = () => e.checkJson(editedBytes, opts);
  if (xlsx) sides[`xlsx${i}`] = () => e.check(xlsxBytes, { fileName: 'edited.xlsx' });
});
const keys = Object.keys(sides);
for (let w = 0; w < 3; w++) for (const k of keys) sides[k]();
const samples = Object.fromEntries(keys.map((k) => [k, []]));
const rounds = Number(process.env.ROUNDS || 25);
for (let r = 0; r < rounds; r++) for (let j = 0; j < keys.length; j++) {
  const k = keys[(r + j) % keys.length];
  if (process.env.CPU === '1') { const c = process.cpuUsage(); sides[k](); const d = process.cpuUsage(c); samples[k].push((d.user + d.system) / 1000); }
  else { const t = performance.now(); sides[k](); samples[k].push(performance.now() - t); }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const k of keys) console.log(`${k.padEnd(8)} median ${med(samples[k]).toFixed(1)} ms  min ${Math.min(...samples[k]).toFixed(1)}  p10 ${[...samples[k]].sort((a,b)=>a-b)[Math.floor(samples[k].length/10)].toFixed(1)} p25 ${[...samples[k]].sort((a,b)=>a-b)[samples[k].length>>2].toFixed(1)}`);
for (let i = 0; i < engines.length; i++) console.log(`check${i}/papa ${(med(samples[`check${i}`]) / med(samples.papa)).toFixed(3)}  paired ${med(samples[`check${i}`].map((v, r) => v / samples.papa[r])).toFixed(3)}`);
