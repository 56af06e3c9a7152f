// Debian's Chromium, headless, driven by playwright-core (which downloads nothing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const args = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A fresh browser profile; `close()` removes it. */
export async function launch() {
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium is not at ${executablePath}: run \`cargo xtask setup\` (apt-get install chromium)`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rollcall-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, args, headless: true, viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go (kept as test artifacts, not committed). */
export function artifact(name) {
  const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '../artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
