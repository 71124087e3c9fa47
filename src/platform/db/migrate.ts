import { Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/** Brings the schema up to date; runs at every start. */
export async function migrateToLatest(database: Database): Promise<void> {
  // The migrator's bookkeeping tables live in the schema the connection works in; name it, or the
  // migrator would take such a table in any other schema of the database for its own.
  const schema = database.schema ?? (database.dialect === 'postgres' ? await currentSchema(database) : undefined);
  const migrator = new Migrator({
    db: database.db,
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
