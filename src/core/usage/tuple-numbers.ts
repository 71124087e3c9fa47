import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { runWriteScript } from '../../platform/db/write-script.js';
import type { AppContext } from '../../platform/context.js';
import { yieldToEventLoop } from '../../platform/yield.js';
import * as repo from './store.js';

/** Separates a tuple's values in its key. */
export const SEP = '\u001f';
/** Known tuples handled between two yields to the event loop. */
const TUPLE_SLICE = 5000;

/**
 * The numbers of a dimension table's tuples (usage_dims, usage_cost_items), kept in memory per
 * database: read once, in full, then extended as new tuples are numbered. Tuples are numbered
 * once and never change, so a kept number stays right. New tuples are numbered in a transaction
 * of their own (on the writer thread where there is one), so a failed batch leaves numbers that
 * are merely unused.
 */
export class TupleNumbers {
  private ids?: Promise<Map<string, number>>;
  constructor(private readonly table: 'usage_dims' | 'usage_cost_items') {}

  /** The numbers known so far (the first call reads them all). */
  known(ctx: AppContext): Promise<Map<string, number>> {
    this.ids ??= repo.allTuples(ctx, this.table, SEP).then(
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
  async number(ctx: AppContext, tuples: Map<string, unknown[]>): Promise<void> {
    const ids = await this.known(ctx);
    const missing = [...tuples.keys()].filter((k) => !ids.has(k)).sort();
    if (missing.length === 0) return;
    const statements = repo.numberingStatements(ctx.dialect, this.table, missing.map((k) => tuples.get(k)!));
    const { returned } = await runWriteScript(ctx.db, ctx.writer, statements, { statements: statements.length, rows: missing.length, keep: true });
    for (let i = 0; i < returned.length; i++) {
      if (i % TUPLE_SLICE === TUPLE_SLICE - 1) await yieldToEventLoop();
      const [id, ...tuple] = returned[i];
      ids.set(tuple.join(SEP), Number(id));
    }
  }
}

const numbering = new WeakMap<Kysely<DB>, { dims: TupleNumbers; items: TupleNumbers }>();

/** The tuple numbers of this context's database: dimension tuples and cost items. */
export function tupleNumbers(ctx: AppContext): { dims: TupleNumbers; items: TupleNumbers } {
  let n = numbering.get(ctx.db);
  if (!n) numbering.set(ctx.db, (n = { dims: new TupleNumbers('usage_dims'), items: new TupleNumbers('usage_cost_items') }));
  return n;
}
