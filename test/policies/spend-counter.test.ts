import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { MemorySpendCounter, type SpendCounter } from '../../src/core/policies/spend-counter.js';
import { RedisSpendCounter } from '../../src/core/policies/spend-counter-redis.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONTH = '2026-01';

/** The same semantics, checked against each implementation (Redis: two counters, as two replicas would hold). */
function semantics(name: string, make: () => [SpendCounter, SpendCounter]) {
  describe(`spend counter: ${name}`, () => {
    const counters: SpendCounter[] = [];
    const pair = () => {
      const p = make();
      counters.push(...p);
      return p;
    };
    after(async () => {
      for (const c of counters) await c.close();
    });

    it('reserves all scopes or none, and refuses what would pass a limit', async () => {
      const [c] = pair();
      const scopes = [{ scopeId: 'proj_a', limit: 1000, floor: 100 }, { scopeId: 'org', limit: 5000, floor: 4500 }];
      assert.deepEqual(await c.reserve('r1', MONTH, scopes, 300, 1e15, 0), { ok: true });
      assert.equal(await c.spent(MONTH, 'proj_a', 100, 0), 400);
      // 400 + 200 fits the project, but 4500 + 300 + 250 > 5000 does not fit the organization: nothing is reserved.
      const refused = await c.reserve('r2', MONTH, scopes, 250, 1e15, 0);
      assert.deepEqual(refused, { ok: false, scopeId: 'org', spent: 4800 });
      assert.equal(await c.spent(MONTH, 'proj_a', 100, 0), 400);
      // Settling swaps the reservation for the real cost.
      await c.settle('r1', MONTH, ['proj_a', 'org'], 120);
      assert.equal(await c.spent(MONTH, 'proj_a', 100, 0), 220);
      assert.equal(await c.spent(MONTH, 'org', 4500, 0), 4620);
      // A higher recorded floor wins over what was counted.
      assert.equal(await c.spent(MONTH, 'proj_a', 900, 0), 900);
    });

    it('reservations of requests that never settle expire', async () => {
      const [c] = pair();
      const scopes = [{ scopeId: 'proj_x', limit: 100, floor: 0 }];
      assert.deepEqual(await c.reserve('lost', MONTH, scopes, 100, 1000, 0), { ok: true });
      assert.equal((await c.reserve('next', MONTH, scopes, 1, 5000, 500)).ok, false);
      assert.deepEqual(await c.reserve('next', MONTH, scopes, 1, 5000, 1500), { ok: true });
    });

    it('a concurrent burst from two replicas never reserves past the limit', async () => {
      const [a, b] = pair();
      const scopes = [{ scopeId: 'proj_burst', limit: 10_000, floor: 0 }];
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).reserve(`q${i}`, MONTH, scopes, 300, 1e15, 0)));
      const admitted = results.filter((r) => r.ok).length;
      assert.equal(admitted, 33, 'exactly floor(10000 / 300) fit');
      assert.equal(await a.spent(MONTH, 'proj_burst', 0, 0), 9900);
    });
  });
}

semantics('memory', () => {
  const c = new MemorySpendCounter();
  return [c, c];
});

semantics('Redis (shared by replicas)', () => {
  const prefix = `orgplane:test:${randomBytes(6).toString('hex')}:`;
  return [new RedisSpendCounter(REDIS_URL, prefix), new RedisSpendCounter(REDIS_URL, prefix)];
});
