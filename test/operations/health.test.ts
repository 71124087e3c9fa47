import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildAdminApp } from '../../src/admin/app.js';
import { loadCatalog } from '../../src/core/catalog/index.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { databaseReadiness } from '../../src/platform/db/readiness.js';
import { Readiness } from '../../src/platform/health.js';
import { ManualClock } from '../../src/platform/clock.js';
import { createCore } from '../../src/core/index.js';
import { ServerProcess, tempSqlite } from '../helpers/process.js';

describe('health and readiness', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it('/readyz fails until the migrations are applied, names what is missing, and fails again once draining', async () => {
    const file = tempSqlite('ready');
    cleanup.push(file.remove);
    const database = await openDatabase(file.url);
    const readiness = new Readiness();
    for (const [name, check] of Object.entries(databaseReadiness(database))) readiness.add(name, check);
    let upstreams = false;
    readiness.add('upstreams', async () => (upstreams ? undefined : 'upstream configuration not loaded'));
    const app = await buildAdminApp(createCore({ database, clock: new ManualClock(), catalog: await loadCatalog() }), { readiness });
    cleanup.push(async () => {
      await app.close();
      await database.close();
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const ready = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: await res.json() };
    };

    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    let r = await ready();
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'not_ready');
    assert.equal(r.body.checks.database, 'ok');
    assert.match(r.body.checks.migrations, /^migrations not applied: 0001_foundation, /);
    assert.equal(r.body.checks.upstreams, 'upstream configuration not loaded');

    await migrateToLatest(database);
    upstreams = true;
    r = await ready();
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ready', checks: { database: 'ok', migrations: 'ok', upstreams: 'ok' } });

    readiness.drain();
    r = await ready();
    assert.equal(r.status, 503);
    assert.equal(r.body.checks.shutdown, 'shutting down');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('a server process on SIGTERM fails readiness first, keeps serving while it drains, then exits 0', async () => {
    const file = tempSqlite('sigterm');
    cleanup.push(file.remove);
    const server = new ServerProcess({ DATABASE_URL: file.url, ORGPLANE_DRAIN_DELAY_MS: '4000' });
    cleanup.push(() => server.stop());
    const base = await server.listening();
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    server.child.kill('SIGTERM');
    // Readiness fails before the server stops accepting requests; meanwhile it still answers.
    let status = 200;
    while (status === 200) status = (await fetch(`${base}/readyz`)).status;
    assert.equal(status, 503);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const exit = await server.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    const messages = server.logs().map((l) => l.msg);
    assert.ok(messages.indexOf('shutting down: not ready any more; draining') < messages.indexOf('shut down'), messages.join('\n'));
  });

  it('writes one JSON access-log line per request, with the key ID and never a key', async () => {
    const file = tempSqlite('log');
    cleanup.push(file.remove);
    const key = `sk-admin-${'k'.repeat(40)}`;
    const server = new ServerProcess({ DATABASE_URL: file.url, ORGPLANE_ADMIN_KEY: key, ORGPLANE_DRAIN_DELAY_MS: '0' });
    cleanup.push(() => server.stop());
    const base = await server.listening();
    const res = await fetch(`${base}/v1/organization/projects?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200);
    const denied = await fetch(`${base}/v1/organization/projects/proj_missing`, { headers: { authorization: `Bearer ${key}x` } });
    assert.equal(denied.status, 401);
    server.child.kill('SIGTERM');
    await server.exited;
    const lines = server.logs().filter((l) => l.msg === 'request');
    const ok = lines.filter((l) => l.reqId === res.headers.get('x-request-id'));
    assert.equal(ok.length, 1, JSON.stringify(lines));
    assert.equal(ok[0].method, 'GET');
    assert.equal(ok[0].route, '/v1/organization/projects');
    assert.equal(ok[0].path, '/v1/organization/projects');
    assert.equal(ok[0].status, 200);
    assert.equal(typeof ok[0].latency_ms, 'number');
    assert.match(ok[0].key_id, /^key_/);
    const bad = lines.filter((l) => l.reqId === denied.headers.get('x-request-id'));
    assert.equal(bad.length, 1);
    assert.equal(bad[0].status, 401);
    assert.equal(bad[0].route, '/v1/organization/projects/:project_id');
    assert.equal(bad[0].key_id, null);
    // The key given in ORGPLANE_ADMIN_KEY is never printed back, on either stream.
    assert.ok(!server.stdout.includes(key.slice(9)) && !server.stderr.includes(key.slice(9)));
    assert.match(server.stdout, /Admin API key: the key given in ORGPLANE_ADMIN_KEY/);
  });
});
