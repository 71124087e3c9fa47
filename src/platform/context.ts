import type { Kysely, Transaction } from 'kysely';
import { lockOrganization } from './db/locks.js';
import type { ModelCatalog } from '../core/catalog/index.js';
import type { Database, DialectName } from './db/database.js';
import type { SqliteReader } from './db/sqlite-reader.js';
import type { SqliteWriter } from './db/sqlite-writer.js';
import type { DB } from './db/schema.js';
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
}

/** The context of an open database. */
export function contextOf(database: Database, clock: Clock, catalog: ModelCatalog, usageCacheBytes?: number): AppContext {
  return { db: database.db, dialect: database.dialect, clock, catalog, reader: database.reader, writer: database.writer, usageCacheBytes };
}

/** A database handle inside a transaction (or the plain handle for reads). */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Runs `fn` in one transaction: a mutation and its audit event commit together or not at all. The
 * transaction first takes the organization lock (platform/db/locks.ts), so the Administration API's
 * mutations run one at a time on PostgreSQL as on SQLite: every rule a mutation checks against
 * other rows (the last owner, the last live admin key, one pending invite per email, …) still holds
 * when it commits, and of two requests deleting the same object the second finds it gone (404).
 * With a SQLite writer thread, the transaction runs while that thread holds no write lock (so that
 * the main thread never waits for it, blocked).
 */
export function inTransaction<T>(ctx: AppContext, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  const run = () =>
    ctx.db.transaction().execute(async (tx) => {
      await lockOrganization(tx);
      return fn(tx);
    });
  return ctx.writer ? ctx.writer.exclusive(run) : run();
}
