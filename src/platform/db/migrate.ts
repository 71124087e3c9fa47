import { Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

async function migrator(database: Database): Promise<Migrator> {
  // The migrator's bookkeeping tables live in the schema the connection works in; name it, or the
  // migrator would take such a table in any other schema of the database for its own.
  const schema = database.schema ?? (database.dialect === 'postgres' ? await currentSchema(database) : undefined);
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

/** Names of the migrations this version has that the database has not run yet. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const all = await (await migrator(database)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Brings the schema up to date; runs at every start (and `orgplane migrate`). Returns the migrations it ran. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const { error, results } = await (await migrator(database)).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(database: Database): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
  return rows[0].schema;
}
