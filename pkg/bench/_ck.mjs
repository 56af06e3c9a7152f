// Scratch: check-only A/B, alternating, prints p10/p25/median per engine.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const [data, ...dirs] = process.argv.slice(2);
const ex = fs.readFileSync(path.join(data, 'export.csv'));
const ed = fs.readFileSync(path.join(data, 'edited.csv'));
const opts = { original: ex, fileName: 'edited.csv' };
const engines = dirs.map((d) => require(path.resolve(d, 'rollcall_wasm.js')));
const ref = engines[0].checkJson(ed, opts);
for (const e of engines) if (e.checkJson(ed, opts) !== ref) throw new Error('output differs');
for (let w = 0; w < 3; w++) for (const e of engines) e.check(ed, opts);
const s = engines.map(() => []);
const rounds = Number(process.env.ROUNDS || 60);
for (let r = 0; r < rounds; r++) for (let j = 0; j < engines.length; j++) {
  const k = (r + j) % engines.length; const t = performance.now(); engines[k].check(ed, opts); s[k].push(performance.now() - t);
}
const q = (a, f) => [...a].sort((x, y) => x - y)[Math.floor(a.length * f)];
s.forEach((a, i) => console.log(`${path.basename(dirs[i]).padEnd(6)} p10 ${q(a, .1).toFixed(1)}  p25 ${q(a, .25).toFixed(1)}  med ${q(a, .5).toFixed(1)}`));
