import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Rollup } from '../../src/core/usage/rollup.js';
import { randomSource } from '../../src/cli/demo.js';

/** Adds random rows to a Rollup and to a plain Map, then compares them row by row and in order. */
function compare(rows: number, adds: number, buckets: number, ids: number): void {
  const random = randomSource(rows + adds);
  const rollup = new Rollup(60, 3, rows);
  const expected = new Map<string, { kind: number; bucket: number; id: number; values: number[] }>();
  for (let i = 0; i < adds; i++) {
    const bucket = 1_764_000_000 + 60 * Math.floor(random() * buckets);
    const id = 1 + Math.floor(random() * ids);
    const kind = id % 4;
    const values = [1, Math.floor(random() * 1000), i % 7];
    rollup.add(kind, bucket, id, values, 3);
    const key = `${bucket}:${id}`;
    const row = expected.get(key) ?? { kind, bucket, id, values: [0, 0, 0] };
    values.forEach((v, j) => (row.values[j] += v));
    expected.set(key, row);
  }
  assert.equal(rollup.size, expected.size);
  const order = [...expected.values()].sort((a, b) => a.kind - b.kind || a.bucket - b.bucket || a.id - b.id);
  const packed = rollup.packed(rollup.order(), 3, true);
  assert.deepEqual([...packed], order.flatMap((r) => [r.kind, r.bucket, r.id, ...r.values]));
  const byKind = rollup.byKind();
  assert.deepEqual([...byKind.keys()], [...new Set(order.map((r) => r.kind))]);
  for (const [kind, list] of byKind) assert.deepEqual([...list].map((row) => rollup.id(row)), order.filter((r) => r.kind === kind).map((r) => r.id));
  assert.deepEqual(rollup.starts(), [...new Set(order.map((r) => r.bucket))].sort((a, b) => a - b));
}

it('sums rows exactly, in order, from a small start through many growths', () => compare(16, 50_000, 1440, 3000));
it('sums rows exactly when sized for a number of rows that is not a power of two', () => compare(5000, 20_000, 1440, 500));
it('sums rows exactly when few rows repeat often', () => compare(5000, 20_000, 3, 10));
