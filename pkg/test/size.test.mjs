// The size of the engine the package ships: every build's `.wasm` (pkg/dist/*/) at most 600 KB
// gzipped at the highest level, as a server would send it. `cargo xtask pkg` and `cargo xtask
// bench` print the size gzipped by flate2, which comes out about 1% smaller than Node's zlib
// here: this test is the stricter of the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';

/** 600 KB, in bytes (the bench's size row counts 1 KB as 1,000 bytes too). */
const LIMIT = 600_000;
const dist = new URL('../dist/', import.meta.url);

test('every build of the .wasm is at most 600 KB gzipped', () => {
  const builds = fs
    .readdirSync(dist, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => new URL(`${entry.name}/rollcall_wasm_bg.wasm`, dist))
    .filter((file) => fs.existsSync(file));
  // The Node, bundler and web builds (`cargo xtask pkg` builds all three).
  assert.ok(builds.length >= 3, `only ${builds.length} builds in ${dist.pathname}`);
  for (const file of builds) {
    const bytes = fs.readFileSync(file);
    const gzipped = zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION }).length;
    assert.ok(
      gzipped <= LIMIT,
      `${file.pathname} is ${gzipped} bytes gzipped (${bytes.length} raw), over ${LIMIT}`,
    );
  }
});
