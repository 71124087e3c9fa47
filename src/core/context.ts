import type { Kysely, Transaction } from 'kysely';
import type { Database, Executor } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import type { Clock } from '../platform/clock.js';
import type { Metrics } from '../platform/metrics.js';
import type { ModelCatalog } from './catalog/index.js';

export type { Executor };

/** What every service works with: the database, the clock and the model catalog. Built once, in createCore. */
export interface AppContext {
  database: Database;
  /** The Kysely handle of `database` (reads, and writes outside a transaction). */
  db: Kysely<DB>;
  clock: Clock;
  /** The model catalog (kinds, default rate limits, prices). */
  catalog: ModelCatalog;
  /** The process's metrics: whatever records one finds it here. */
  metrics: Metrics;
}

/** Runs `fn` in one transaction (see Database.transaction): a mutation and its audit event commit together or not at all. */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return ctx.database.transaction(fn);
}
