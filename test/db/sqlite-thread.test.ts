import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSqliteThread } from '../../src/platform/db/sqlite-thread.js';

describe('database threads', () => {
  it('fail the calls of a thread that has died instead of leaving them waiting', async () => {
    const failing = startSqliteThread({ source: `throw new Error('cannot open')` }, ':memory:');
    await assert.rejects(failing.call({}), /cannot open/);
    await assert.rejects(failing.call({}), /cannot open/);
    const exiting = startSqliteThread({ source: `process.exit(3)` }, ':memory:');
    await assert.rejects(exiting.call({}), /exited \(code 3\)/);
    await assert.rejects(exiting.call({}), /exited \(code 3\)/);
  });

  it('answer each call by its id', async () => {
    const echo = startSqliteThread({ source: `require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage({ id: m.id, twice: m.n * 2 }))` }, ':memory:');
    try {
      const replies = await Promise.all([1, 2, 3].map((n) => echo.call<{ twice: number }>({ n })));
      assert.deepEqual(replies.map((r) => r.twice), [2, 4, 6]);
    } finally {
      await echo.close();
    }
  });
});
