import { type Kysely, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Brings the schema up to date; runs at every start. Processes starting together on one database
 * migrate one after the other: on PostgreSQL Kysely's migrator holds an advisory lock; on SQLite
 * (whose Kysely adapter takes no lock) the whole run is one `begin immediate` transaction, which
 * other connections wait for.
 */
export async function migrateToLatest(database: Database): Promise<void> {
  if (database.dialect !== 'sqlite') return migrate(database, database.db);
  await database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      await migrate(database, conn);
      await sql`commit`.execute(conn);
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

async function migrate(database: Database, db: Kysely<any>): Promise<void> {
  // The migrator's bookkeeping tables live in the schema the connection works in; name it, or the
  // migrator would take such a table in any other schema of the database for its own.
  const schema = database.schema ?? (database.dialect === 'postgres' ? await currentSchema(database) : undefined);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
}

async function currentSchema(database: Database): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
  return rows[0].schema;
}
