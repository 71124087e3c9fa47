import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertError, forEachDialect } from './helpers/harness.js';

forEachDialect('server surface', (server) => {
  it('answers /healthz', async () => {
    const res = await server().get('/healthz', { key: null });
    assert.equal(res.status, 200);
  });

  it('serves its OpenAPI document with the official operationIds and marks extensions', async () => {
    const res = await server().get('/openapi.json', { key: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const ops = new Map<string, any>();
    for (const item of Object.values<any>(res.body.paths)) for (const op of Object.values<any>(item)) ops.set(op.operationId, op);
    for (const id of ['list-projects', 'create-project', 'admin-api-keys-create', 'list-audit-logs']) assert.ok(ops.has(id), id);
    assert.ok(res.body.paths['/organization/projects'], 'paths are relative to the /v1 server URL');
    const extensions = [...ops.values()].filter((op) => op.tags?.includes('Extensions'));
    for (const op of extensions) assert.match(op.description ?? '', /extension/i);
    const page = await server().get('/docs/', { key: null });
    assert.equal(page.status, 200);
    assert.match(String(page.body), /<html/i);
  });

  it('puts a request ID on every response, errors included', async () => {
    const ok = await server().get('/v1/organization/projects');
    const bad = await server().get('/v1/organization/projects', { key: null });
    const missing = await server().get('/v1/nowhere');
    for (const res of [ok, bad, missing]) assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    assert.notEqual(ok.headers.get('x-request-id'), bad.headers.get('x-request-id'));
    assertError(missing, 404);
  });

  it('rejects non-JSON bodies with a 4xx', async () => {
    const res = await server().request('POST', '/v1/organization/projects', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assertError(res, 415);
  });
});

describe('the orgplane process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orgplane-proc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const adminKey = 'sk-admin-' + 'Z'.repeat(40);

  function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
    let out = '';
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'sub', 'o.db')}`, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    return { child, output: () => out };
  }

  async function ready(): Promise<void> {
    for (let i = 0; i < 150; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
      } catch {
        /* not yet */
      }
      await sleep(100);
    }
    throw new Error('server did not start');
  }

  const exit = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  it('bootstraps once with ORGPLANE_ADMIN_KEY, never logs the key, and shuts down on SIGTERM', async () => {
    const first = start({ ORGPLANE_ADMIN_KEY: adminKey });
    await ready();
    const res = await fetch(`http://127.0.0.1:${port}/v1/organization/projects`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.data[0].name, 'Default project');
    // A slow request in flight when SIGTERM arrives still completes.
    const inFlight = fetch(`http://127.0.0.1:${port}/v1/organization/projects`, { headers: { authorization: `Bearer ${adminKey}` } });
    first.child.kill('SIGTERM');
    assert.equal((await inFlight).status, 200);
    assert.equal(await exit(first.child), 0);
    const out = first.output();
    assert.equal(out.split(adminKey).length - 1, 0, 'a key given in ORGPLANE_ADMIN_KEY is never printed back');
    assert.match(out, /Admin API key: the key given in ORGPLANE_ADMIN_KEY/);
    const logLines = out.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0, 'structured JSON logs');
    for (const line of logLines) {
      assert.doesNotThrow(() => JSON.parse(line));
      assert.ok(!line.includes(adminKey));
    }

    const second = start({});
    await ready();
    const again = await fetch(`http://127.0.0.1:${port}/v1/organization/projects`, { headers: { authorization: `Bearer ${adminKey}` } });
    assert.equal(again.status, 200, 'the data survived the restart');
    second.child.kill('SIGTERM');
    assert.equal(await exit(second.child), 0);
    assert.ok(!second.output().includes('sk-admin-'), 'no new key on a second start');
  });

  it('refuses an ORGPLANE_ADMIN_KEY that does not look like an admin key', async () => {
    const bad = start({ ORGPLANE_ADMIN_KEY: 'hunter2', DATABASE_URL: `sqlite:${join(dir, 'other.db')}` });
    assert.equal(await exit(bad.child), 78, 'EX_CONFIG');
    assert.match(bad.output(), /ORGPLANE_ADMIN_KEY: must look like an admin key/);
  });
});
