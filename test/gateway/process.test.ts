import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { openDatabase } from '../../src/platform/db/database.js';

const adminKey = 'sk-admin-' + 'G'.repeat(40);

/** Starts `npm start`'s entry point as its own process and waits until it is ready. */
async function startOrgplane(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', ORGPLANE_ADMIN_KEY: adminKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) assert.fail(`orgplane exited: ${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { child, url, output: () => out };
    if (Date.now() > deadline) assert.fail(`orgplane did not start: ${out}`);
    await sleep(100);
  }
}

describe('the orgplane process with an upstream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-gw-'));
  let mock: MockUpstream;
  before(async () => {
    mock = await startMockUpstream({ port: 0 });
  });
  after(async () => {
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no recorded usage older than a second when it is killed; one access-log line per request, without keys', async () => {
    const db = join(dir, 'crash.db');
    const { child, url, output } = await startOrgplane({ DATABASE_URL: `sqlite:${db}`, ORGPLANE_UPSTREAM_URL: mock.url, ORGPLANE_UPSTREAM_API_KEY: 'sk-upstream-crash' });
    const admin = (path: string, body: unknown) =>
      fetch(`${url}/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const project = await admin('/organization/projects', { name: 'Crash' });
    const sa = await admin(`/organization/projects/${project.id}/service_accounts`, { name: 'Robot' });
    const client = new OpenAI({ apiKey: sa.api_key.value, baseURL: `${url}/v1`, maxRetries: 0 });
    let tokens = 0;
    for (let i = 0; i < 20; i++) {
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `request ${i}` }] });
      tokens += r.usage!.total_tokens;
    }
    // The recorder writes at least every second: after that (and the write itself), nothing is only in memory.
    await sleep(2000);
    child.kill('SIGKILL');
    await once(child, 'exit');

    const database = await openDatabase(`sqlite:${db}`);
    try {
      const rows = await database.db.selectFrom('usage_1d').select(['num_model_requests', 'input_tokens', 'output_tokens']).execute();
      assert.equal(rows.reduce((s, r) => s + Number(r.num_model_requests), 0), 20);
      assert.equal(rows.reduce((s, r) => s + Number(r.input_tokens) + Number(r.output_tokens), 0), tokens);
    } finally {
      await database.close();
    }
    const lines = output().split('\n').filter((l) => l.includes('"msg":"gateway"'));
    assert.equal(lines.length, 20);
    const line = JSON.parse(lines[0]);
    assert.equal(line.project, project.id);
    assert.equal(line.key, sa.api_key.id);
    assert.equal(line.model, 'gpt-4o-mini');
    assert.equal(line.status, 200);
    assert.equal(line.upstream, 'default');
    assert.ok(line.tokens > 0 && typeof line.ms === 'number');
    assert.ok(!output().includes(sa.api_key.value) && !output().includes('sk-upstream-crash'), 'no key in the logs');
    // Fastify's own request lines are left out for the data plane: one line per request.
    assert.ok(!output().split('\n').some((l) => l.includes('/v1/chat/completions') && l.includes('incoming request')));
  });

  it('refuses a routes file with an error naming the file and the field', async () => {
    const file = join(dir, 'routes.yaml');
    writeFileSync(file, 'upstreams:\n  a: { base_url: "http://127.0.0.1:1/v1" }\nmodels:\n  gpt-4o: [{ upstream: b }]\n');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'routes.db')}`, ORGPLANE_UPSTREAMS: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    assert.equal(code, 78, 'EX_CONFIG');
    assert.match(err, new RegExp(`ORGPLANE_UPSTREAMS ${file.replaceAll('/', '\\/')}: models\\.gpt-4o\\[0\\]\\.upstream: no upstream named "b"`));
  });
});
