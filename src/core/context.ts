import type { Kysely, Transaction } from 'kysely';
import type { Database, Executor } from '../platform/db/database.js';
import { lockOrganization } from '../platform/db/locks.js';
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

/**
 * Runs `fn` in one transaction (see Database.transaction): a mutation and its audit event commit
 * together or not at all. The transaction first takes the organization lock
 * (platform/db/locks.ts), so the Administration API's mutations run one at a time, on every
 * database and across replicas: every rule a mutation checks against other rows (the last owner,
 * the last live admin key, one pending invite per email, …) still holds when it commits, and of two
 * requests deleting the same object the second finds it gone (404).
 */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return ctx.database.transaction(async (tx) => {
    await lockOrganization(tx);
    return fn(tx);
  });
}
