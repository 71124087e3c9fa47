import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { ServerProcess, tempSqlite } from './helpers/process.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the compiled build', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it('npm run build compiles the server and CLI into dist/ with their data files', () => {
    const r = spawnSync(npm, ['run', 'build'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    for (const file of ['dist/src/main.js', 'dist/src/cli/orgplane.js', 'dist/src/core/catalog/default-catalog.json']) assert.ok(existsSync(file), file);
    // The command runs from the build, without tsx.
    const help = spawnSync(process.execPath, ['dist/src/cli/orgplane.js', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: orgplane /);
  });

  it('npm start serves the build; SIGTERM to npm stops the server (no orphan)', { timeout: 120_000 }, async () => {
    const file = tempSqlite('npmstart');
    cleanup.push(file.remove);
    const proc = new NpmStart({ DATABASE_URL: file.url, ORGPLANE_DRAIN_DELAY_MS: '0' });
    cleanup.push(() => proc.stop());
    const base = await proc.server.listening();
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.ok(!proc.server.stderr.includes('tsx'));
    proc.server.child.kill('SIGTERM');
    const exit = await proc.server.exited;
    assert.equal(exit.code, 0, proc.server.stderr);
    // The server process is gone with npm: nothing listens any more.
    await assert.rejects(fetch(`${base}/healthz`));
  });
});

/** `npm start` as a child process (npm, then the server it starts). */
class NpmStart {
  readonly server: ServerProcess;
  constructor(env: Record<string, string>) {
    this.server = new ServerProcess(env, [], [npm, 'start', '--silent']);
  }
  stop() {
    return this.server.stop();
  }
}
