import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.js';
import { runWriteScript } from '../../src/platform/db/write-script.js';

describe('SQLite writer thread', () => {
  it('lets a transaction of the main connection wait for a batch without blocking the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orgplane-writer-'));
    const database = await openDatabase(`sqlite:${join(dir, 'writer.db')}`);
    try {
      await sql`create table t (x integer not null)`.execute(database.db);
      // A batch that holds the write lock for a while: it counts to three million to insert one row.
      const slow = runWriteScript(database.db, database.writer, [{
        sql: 'insert into t (x) select x from (with recursive c(x) as (select 1 union all select x + 1 from c where x < 3000000) select x from c) where x = 3000000',
        parameters: [],
      }], { statements: 0, rows: 0 });
      let ticks = 0;
      let longest = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        ticks++;
      }, 1);
      const started = performance.now();
      const seen = await database.transaction(async (tx) => {
        await sql`insert into t (x) values (1)`.execute(tx);
        return (await sql<{ x: number }>`select x from t order by x`.execute(tx)).rows.map((r) => r.x);
      });
      const waited = performance.now() - started;
      clearInterval(timer);
      assert.equal((await slow).committed, true);
      // The transaction ran after the batch (it sees the batch's row) ...
      assert.deepEqual(seen, [1, 3000000]);
      // ... and while it waited, the event loop went on (blocked, it would not tick at all).
      assert.ok(waited > 20, `the batch should have held the lock for a while (${waited.toFixed(0)} ms)`);
      assert.ok(ticks >= 5 && longest < waited / 2, `event loop held up for ${longest.toFixed(0)} of ${waited.toFixed(0)} ms (${ticks} ticks)`);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
