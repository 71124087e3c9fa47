import type { Kysely, Transaction } from 'kysely';
import type { ModelCatalog } from '../core/catalog/index.js';
import type { Database, DialectName } from './db/database.js';
import type { SqliteReader } from './db/sqlite-reader.js';
import type { SqliteWriter } from './db/sqlite-writer.js';
import type { DB } from './db/schema.js';
import { Metrics } from './metrics.js';
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
  /** SQLite: where bulk writes run without blocking the main thread (absent: they use `db`). */
  writer?: SqliteWriter;
  /** Memory the usage and costs results kept between requests may take, in bytes (default 256 MiB; 0: none kept). */
  usageCacheBytes?: number;
  /** The process's metrics: whatever records one finds it here. */
  metrics: Metrics;
}

/** The context of an open database. */
export function contextOf(database: Database, clock: Clock, catalog: ModelCatalog, usageCacheBytes?: number, metrics = new Metrics({ process: false })): AppContext {
  metrics.watchDatabase(() => database.stats());
  return { db: database.db, dialect: database.dialect, clock, catalog, reader: database.reader, writer: database.writer, usageCacheBytes, metrics };
}

/** A database handle inside a transaction (or the plain handle for reads). */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Runs `fn` in one transaction: a mutation and its audit event commit together or not at all. With
 * a SQLite writer thread, the transaction runs while that thread holds no write lock (so that the
 * main thread never waits for it, blocked).
 */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  const run = () => ctx.db.transaction().execute(fn);
  return ctx.writer ? ctx.writer.exclusive(run) : run();
}
