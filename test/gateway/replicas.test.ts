import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type MockUpstream, startMockUpstream } from '../../src/mock-upstream/server.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { DIALECTS, TestServer } from '../helpers/harness.js';
import { eventually, projectWithKey, routesFrom, startReplica } from './helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const messages = [{ role: 'user' as const, content: 'Hello from a replica.' }];

const call = (baseUrl: string, key: string, model = 'gpt-4o-mini') =>
  fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages }),
  });

// Replicas share a PostgreSQL database (SQLite is one process's database: see the SQLite case below).
for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describe(`two replicas on one database, limits in Redis [${dialect}]`, () => {
    let mock: MockUpstream;
    let s: TestServer;
    let replica: Awaited<ReturnType<typeof startReplica>>;

    before(async () => {
      mock = await startMockUpstream({ port: 0 });
      // A fresh key prefix: parallel runs share the Redis server, not its counters.
      const gateway = { routes: routesFrom(`upstreams:\n  m: { base_url: "${mock.url}" }\nmodels:\n  "*": [m]\n`), redisUrl: REDIS_URL, redisPrefix: `test:${randomBytes(6).toString('hex')}:`, usageFlushMs: 100 };
      s = await new TestServer(dialect, gateway).start();
      replica = await startReplica(s, gateway);
    });
    after(async () => {
      await replica?.close();
      await s?.stop();
      await mock?.close();
    });

    it('enforce one limit, not one per replica', async () => {
      const p = await projectWithKey(s, 'Shared limit');
      assert.equal((await s.post(`/v1/organization/projects/${p.projectId}/rate_limits/rl-gpt-4o-mini`, { max_requests_per_1_minute: 4 })).status, 200);
      // The other replica has applied the change (within a second).
      const model = s.ctx.catalog.get('gpt-4o-mini')!;
      await eventually(async () => replica.live.limits.get(p.projectId, model).max_requests_per_1_minute === 4, 1000, 'the limit on the replica');
      const results = await Promise.all([...Array.from({ length: 3 }, () => call(s.baseUrl, p.key)), ...Array.from({ length: 3 }, () => call(replica.baseUrl, p.key))]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 429, 429]);
      for (const r of results) assert.ok(r.headers.get('x-ratelimit-limit-requests') === '4');
      // Both replicas recorded their requests' usage.
      await eventually(async () => {
        const day = s.clock.now() - (s.clock.now() % 86400);
        const res = await s.get(`/v1/organization/usage/completions?start_time=${day}&project_ids[]=${p.projectId}`);
        return res.body.data[0]?.results[0]?.num_model_requests === 4;
      }, 5000, 'usage from both replicas');
    });

    it('a key deleted, an owner removed or a project archived through one replica is refused by the other within a second', async () => {
      const cases = [
        { name: 'key deleted', act: (p: Awaited<ReturnType<typeof projectWithKey>>) => s.delete(`/v1/organization/projects/${p.projectId}/api_keys/${p.keyId}`) },
        { name: 'owner removed', act: (p: Awaited<ReturnType<typeof projectWithKey>>) => s.delete(`/v1/organization/projects/${p.projectId}/users/${p.user.id}`) },
        { name: 'project archived', act: (p: Awaited<ReturnType<typeof projectWithKey>>) => s.post(`/v1/organization/projects/${p.projectId}/archive`) },
        { name: 'demoted to viewer', act: (p: Awaited<ReturnType<typeof projectWithKey>>) => s.post(`/v1/organization/projects/${p.projectId}/users/${p.user.id}`, { role: 'viewer' }), status: 403 },
      ];
      for (const c of cases) {
        const p = await projectWithKey(s, c.name);
        const first = await call(replica.baseUrl, p.key);
        assert.equal(first.status, 200, c.name + " " + await first.text());
        const acted = await c.act(p);
        assert.equal(acted.status, 200, c.name + " act " + JSON.stringify(acted.body));
        const changed = Date.now();
        await eventually(async () => (await call(replica.baseUrl, p.key)).status === (c.status ?? 401), 1000, `${c.name} on the other replica`);
        assert.ok(Date.now() - changed < 1000, c.name);
      }
    });
  });
}

if (DIALECTS.includes('sqlite')) {
  describe('SQLite: a change committed by another connection (e.g. a command-line tool)', () => {
    let mock: MockUpstream;
    let s: TestServer;
    before(async () => {
      mock = await startMockUpstream({ port: 0 });
      s = await new TestServer('sqlite', { routes: routesFrom(`upstreams:\n  m: { base_url: "${mock.url}" }\nmodels:\n  "*": [m]\n`) }).start();
    });
    after(async () => {
      await s?.stop();
      await mock?.close();
    });

    it('is applied within a second (the change version is polled)', async () => {
      const p = await projectWithKey(s, 'Polled');
      assert.equal((await call(s.baseUrl, p.key)).status, 200);
      const other = await openDatabase(s.databaseUrl);
      try {
        // Only the in-memory table knows the key's project is active: the archive must reach it.
        await other.db.updateTable('projects').set({ status: 'archived', archived_at: s.clock.now() }).where('id', '=', p.projectId).execute();
      } finally {
        await other.close();
      }
      const changed = Date.now();
      await eventually(async () => (await call(s.baseUrl, p.key)).status === 401, 1000, 'the archived project\'s key refused');
      assert.ok(Date.now() - changed < 1000);
    });
  });
}
