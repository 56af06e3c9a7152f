// Starts the real `rollcall serve --demo` on a free 127.0.0.1 port with a fresh database, and
// reads the URL and demo sign-ins it prints.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { repo } from './cases.mjs';

/**
 * Starts the server; pass `dir` to restart one on the same database (kept when stopped), and
 * `args` for more options of `serve` (for example `--demo-students 50000`).
 */
export async function startServer({ dir, keep = false, args = [] } = {}) {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-serve-'));
  const binary = path.join(repo, 'target/release/rollcall');
  const child = spawn(binary, ['serve', '--demo', '--addr', '127.0.0.1:0', '--db', `sqlite://${path.join(dir, 'rollcall.db')}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => { err += chunk; });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rollcall serve printed no sign-ins in 120 s:\n${out}${err}`)), 120_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = out.match(/running at (http:\/\/127\.0\.0\.1:\d+)\//)?.[1];
      const passwords = Object.fromEntries([...out.matchAll(/^(\S+@\S+) password: (\S+)$/gm)].map((m) => [m[1], m[2]]));
      if (url && Object.keys(passwords).length === 2) {
        clearTimeout(timer);
        resolve({ url, passwords });
      }
    });
    child.on('exit', (code) => reject(new Error(`rollcall serve exited with ${code}:\n${out}${err}`)));
  });
  return {
    ...ready,
    dir,
    /** Ends the process with `signal`; the database is removed unless `keep` was asked for. */
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill(signal);
        await exited;
      }
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A teacher's HTTP session against the server: cookie and CSRF token kept. */
export async function signIn(server, email) {
  const response = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: server.passwords[email] }),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${email}: ${response.status} ${await response.text()}`);
  const cookie = response.headers.get('set-cookie').split(';')[0];
  const body = await response.json();
  return {
    ...body,
    get: (p) => fetch(`${server.url}${p}`, { headers: { cookie } }),
    post: (p, json) => fetch(`${server.url}${p}`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': body.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(json),
    }),
    postFile: (p, name, bytes) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), name);
      return fetch(`${server.url}${p}`, { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrf }, body: form });
    },
    /** Polls an upload until its status is final. */
    async waitFor(school, id, seconds = 120) {
      const until = Date.now() + seconds * 1000;
      while (Date.now() < until) {
        const upload = await (await fetch(`${server.url}/api/schools/${school}/uploads/${id}`, { headers: { cookie } })).json();
        if (!['Queued', 'In Progress'].includes(upload.status)) return upload;
        await new Promise((done) => setTimeout(done, 100));
      }
      throw new Error(`upload ${id} did not finish in ${seconds} s`);
    },
  };
}
