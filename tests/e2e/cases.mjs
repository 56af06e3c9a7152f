// The fixture cases (a folder with an expect.json) of tests/fixtures, and of the shared examples
// when the project sits beside them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

function walk(dir, found) {
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) walk(path.join(dir, entry.name), found);
  }
  if (fs.existsSync(path.join(dir, 'expect.json'))) found.push(dir);
  return found;
}

/** Every case: its folder, the edited file's name and the original's name (or null). */
export function cases() {
  const roots = [path.join(repo, 'tests/fixtures'), path.join(repo, '../shared/fixtures/examples')];
  return roots.flatMap((root) => walk(root, []).sort()).map((dir) => {
    const expect = JSON.parse(fs.readFileSync(path.join(dir, 'expect.json'), 'utf8'));
    const original = expect.original === undefined ? 'export.csv' : expect.original;
    return { dir, name: path.relative(repo, dir), edited: expect.edited, original };
  });
}
