import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

/**
 * What the in-memory tables of each replica (keys and permissions, rate limits) are built from,
 * and the name of the change each table's mutations announce. Every INSERT, DELETE and UPDATE of
 * these tables announces its change from a trigger, inside the mutating transaction, so no service
 * can forget to (`api_keys.last_used_at`, written by traffic, is left out).
 */
export const WATCHED: ReadonlyArray<{ table: string; change: 'access' | 'limits'; columns?: readonly string[] }> = [
  { table: 'api_keys', change: 'access', columns: ['kind', 'hash', 'expires_at', 'project_id', 'owner_type', 'owner_id'] },
  { table: 'users', change: 'access' },
  { table: 'projects', change: 'access' },
  { table: 'project_users', change: 'access' },
  { table: 'service_accounts', change: 'access' },
  { table: 'roles', change: 'access' },
  { table: 'role_assignments', change: 'access' },
  { table: 'group_users', change: 'access' },
  { table: 'groups', change: 'access' },
  { table: 'project_rate_limits', change: 'limits' },
];

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // Which project created which response ID (the gateway serves a stored response to that project only).
  await db.schema
    .createTable('gateway_responses')
    .addColumn('response_id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('upstream', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  if (pg) {
    // PostgreSQL: a notification at commit (LISTEN/NOTIFY), tagged with the schema; no row is
    // written, so concurrent mutations do not queue behind one counter row.
    await sql`
      create or replace function orgplane_announce_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('orgplane_changes', current_schema() || ':' || tg_argv[0]);
        return null;
      end $$`.execute(db);
    for (const w of WATCHED) {
      const update = w.columns ? sql.raw(`update of ${w.columns.join(', ')}`) : sql.raw('update');
      await sql`create trigger ${sql.raw(`${w.table}_announce`)} after insert or delete or ${update} on ${sql.table(w.table)}
        for each statement execute function orgplane_announce_change(${sql.lit(w.change)})`.execute(db);
    }
    return;
  }
  // SQLite: one version number per change, bumped in the mutating transaction; replicas poll it.
  await db.schema
    .createTable('change_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('change_versions').values([{ name: 'access', version: 0 }, { name: 'limits', version: 0 }]).execute();
  for (const w of WATCHED) {
    const bump = sql.raw(`begin update change_versions set version = version + 1 where name = '${w.change}'; end`);
    const events = ['insert', 'delete', w.columns ? `update of ${w.columns.join(', ')}` : 'update'];
    for (const [i, event] of events.entries()) {
      await sql`create trigger ${sql.raw(`${w.table}_announce_${i}`)} after ${sql.raw(event)} on ${sql.table(w.table)} ${bump}`.execute(db);
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
