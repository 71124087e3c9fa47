import { yieldToEventLoop } from '../../platform/yield.js';
import type { UsageStore } from './store.js';

/** Separates a tuple's values in its key. */
export const SEP = '\u001f';
/** Known tuples handled between two yields to the event loop. */
const TUPLE_SLICE = 5000;

/**
 * The numbers of a dimension table's tuples (usage_dims, usage_cost_items), kept in memory (one
 * per database and table, owned by the ingestion service): read once, in full, then extended as new tuples are numbered. Tuples are numbered
 * once and never change, so a kept number stays right. New tuples are numbered in a transaction
 * of their own, so a failed batch leaves numbers that
 * are merely unused.
 */
export class TupleNumbers {
  private ids?: Promise<Map<string, number>>;
  constructor(private readonly store: UsageStore, private readonly table: 'usage_dims' | 'usage_cost_items') {}

  /** The numbers known so far (the first call reads them all). */
  known(): Promise<Map<string, number>> {
    this.ids ??= this.store.allTuples(this.table, SEP).then(
      async (rows) => {
        // Tens of thousands of tuples: in slices.
        const ids = new Map<string, number>();
        for (let i = 0; i < rows.length; i++) {
          if (i % TUPLE_SLICE === TUPLE_SLICE - 1) await yieldToEventLoop();
          ids.set(rows[i][1], rows[i][0]);
        }
        return ids;
      },
      (err: unknown) => {
        this.ids = undefined;
        throw err;
      },
    );
    return this.ids;
  }

  /** Numbers the tuples (key: the tuple's values joined by SEP) not known yet. */
  async number(tuples: Map<string, unknown[]>): Promise<void> {
    const ids = await this.known();
    const missing = [...tuples.keys()].filter((k) => !ids.has(k)).sort();
    if (missing.length === 0) return;
    const statements = this.store.numberingStatements(this.table, missing.map((k) => tuples.get(k)!));
    const { returned } = await this.store.runScript(statements, { statements: statements.length, rows: missing.length, keep: true });
    for (let i = 0; i < returned.length; i++) {
      if (i % TUPLE_SLICE === TUPLE_SLICE - 1) await yieldToEventLoop();
      const [id, ...tuple] = returned[i];
      ids.set(tuple.join(SEP), Number(id));
    }
  }
}
