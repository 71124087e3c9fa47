import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

/**
 * Inserts that no API key can depend on yet no longer announce an `access` change (0007): a new
 * project, user, group or custom role has no key, membership or assignment until another
 * watched table (api_keys, project_users, service_accounts, role_assignments, group_users)
 * gains a row, and that insert announces. A project's other columns than `status` do not reach
 * the key table either. Without this every project created rebuilt every replica's key table,
 * and the admin request that created it waited for the rebuild.
 */
const QUIETED: ReadonlyArray<{ table: string; columns?: readonly string[] }> = [
  { table: 'projects', columns: ['status'] },
  { table: 'users' },
  { table: 'groups' },
  { table: 'roles' },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const q of QUIETED) {
    const update = sql.raw(q.columns ? `update of ${q.columns.join(', ')}` : 'update');
    if (isPostgres(db)) {
      await sql`drop trigger ${sql.raw(`${q.table}_announce`)} on ${sql.table(q.table)}`.execute(db);
      await sql`create trigger ${sql.raw(`${q.table}_announce`)} after delete or ${update} on ${sql.table(q.table)}
        for each statement execute function orgplane_announce_change('access')`.execute(db);
      continue;
    }
    // SQLite (0007): _0 after insert, _1 after delete, _2 after update.
    await sql`drop trigger ${sql.raw(`${q.table}_announce_0`)}`.execute(db);
    if (q.columns) {
      await sql`drop trigger ${sql.raw(`${q.table}_announce_2`)}`.execute(db);
      await sql`create trigger ${sql.raw(`${q.table}_announce_2`)} after ${update} on ${sql.table(q.table)}
        begin update change_versions set version = version + 1 where name = 'access'; end`.execute(db);
    }
  }
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
