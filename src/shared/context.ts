import type { Kysely, Transaction } from 'kysely';
import type { ModelCatalog } from '../catalog/index.js';
import type { DialectName } from '../db/database.js';
import type { SqliteReader } from '../db/sqlite-reader.js';
import type { DB } from '../db/schema.js';
import type { Clock } from './clock.js';

/** What every service needs: the database, its dialect and the clock. Built once per app. */
export interface AppContext {
  db: Kysely<DB>;
  dialect: DialectName;
  clock: Clock;
  /** The model catalog (kinds, default rate limits, prices). */
  catalog: ModelCatalog;
  /** SQLite: where heavy reads run without blocking the main thread (absent: they use `db`). */
  reader?: SqliteReader;
}

/** A database handle inside a transaction (or the plain handle for reads). */
export type Executor = Kysely<DB> | Transaction<DB>;

/** Runs `fn` in one transaction: a mutation and its audit event commit together or not at all. */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(fn);
}
