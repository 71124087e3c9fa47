import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); no browser is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Builds the console (npm run build:console) unless dist/console is newer than every source file:
 * `npm install` builds it, and this keeps a test run after editing the console honest.
 */
export function ensureConsoleBuilt(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const built = join(root, 'dist', 'console', 'index.html');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'console'))) return;
  const res = spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`npm run build:console failed:\n${res.stdout}\n${res.stderr}`);
}
