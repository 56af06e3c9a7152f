// Reading the project's fixture files (tests/fixtures/<area>/<case>/) from the package's tests.
import fs from 'node:fs';

const root = new URL('../../tests/fixtures/', import.meta.url);

/** The bytes of a fixture file, e.g. `fixture('examples/guid-modified/edited.csv')`. */
export function fixture(path) {
  return fs.readFileSync(new URL(path, root));
}

/** The text of a fixture file. */
export function fixtureText(path) {
  return fixture(path).toString('utf8');
}

/** UTF-8 bytes of a string. */
export function bytes(text) {
  return new TextEncoder().encode(text);
}
