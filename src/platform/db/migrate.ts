import { type DatabaseIntrospector, type Kysely, Migrator, sql, type TableMetadata } from 'kysely';
import type { Database } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * `db` with its introspection limited to `schema`. The migrator asks whether its own tables exist
 * by listing tables; on PostgreSQL, Kysely's introspector lists those of every schema of the
 * database and calls functions on their names (pg_get_serial_sequence, has_schema_privilege), which
 * fail with `schema "…" does not exist` when another connection drops a schema meanwhile (as every
 * test run does when it ends). Listing only our schema's tables, by name, cannot.
 */
function scopedIntrospection(db: Kysely<any>, schema: string): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => [{ name: schema }],
    getTables: async (): Promise<TableMetadata[]> => {
      const { rows } = await sql<{ name: string }>`select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relkind in ('r', 'v', 'p')`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: false, columns: [] }));
    },
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspection;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The migrator over `db` (the database's own handle, or one connection holding a transaction). */
async function migrator(database: Database, db: Kysely<any> = database.db): Promise<Migrator> {
  // The migrator's bookkeeping tables live in the schema the connection works in; name it, or the
  // migrator would take such a table in any other schema of the database for its own.
  const schema = database.schema ?? (database.dialect === 'postgres' ? await currentSchema(database) : undefined);
  return new Migrator({
    db: schema === undefined ? db : scopedIntrospection(db, schema),
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

/** Names of the migrations this version has that the database has not run yet. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const all = await (await migrator(database)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Brings the schema up to date; runs at every start (and `orgplane migrate`). Returns the
 * migrations it ran. Processes starting together on one database migrate one after the other: on
 * PostgreSQL Kysely's migrator holds an advisory lock; on SQLite (whose Kysely adapter takes no
 * lock) the whole run is one `begin immediate` transaction, which other connections wait for.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  if (database.dialect !== 'sqlite') return migrate(database, database.db);
  return database.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const ran = await migrate(database, conn);
      await sql`commit`.execute(conn);
      return ran;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

async function migrate(database: Database, db: Kysely<any>): Promise<string[]> {
  const { error, results } = await (await migrator(database, db)).migrateToLatest();
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
