// Cold start: time from spawning the compiled server (`node dist/src/main.js`) on an empty SQLite
// database until GET /readyz answers 200 (migrations, bootstrap, catalog, app built, listening).
// Baseline in the same run: a bare node HTTP server, measured the same way.
// Usage: npm run build && node bench/cold-start.mjs [runs=10]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 10);
const BARE = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')";

async function once(args, env) {
  const port = 20000 + Math.floor(Math.random() * 30000);
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
  }
}

async function measure(label, make) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await make());
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(0).padStart(5)} ms   min ${times[0].toFixed(0).padStart(5)} ms   max ${times.at(-1).toFixed(0).padStart(5)} ms`);
}

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0].model}, ${runs} runs each`);
await measure('bare node http server (baseline)', () => once(['-e', BARE], {}));
await measure('orgplane, empty SQLite database (first start)', async () => {
  const file = join(tmpdir(), `orgplane-cold-${randomBytes(6).toString('hex')}.db`);
  try {
    return await once(['dist/src/main.js'], { DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'warn' });
  } finally {
    for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
  }
});
const existing = join(tmpdir(), `orgplane-cold-${randomBytes(6).toString('hex')}.db`);
await once(['dist/src/main.js'], { DATABASE_URL: `sqlite:${existing}`, LOG_LEVEL: 'warn' });
await measure('orgplane, existing SQLite database (restart)', () => once(['dist/src/main.js'], { DATABASE_URL: `sqlite:${existing}`, LOG_LEVEL: 'warn' }));
for (const s of ['', '-wal', '-shm']) rmSync(existing + s, { force: true });
