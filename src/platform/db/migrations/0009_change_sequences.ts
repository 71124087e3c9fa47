import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

/**
 * PostgreSQL: besides the NOTIFY (0007), each announced change also advances a sequence — a
 * version any replica can read at any time without a row lock (sequences are not
 * transactional: a rolled-back change advances it too, which costs one needless rebuild). A
 * replica that made a change rebuilds before answering only if a version moved.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create sequence orgplane_access_changes`.execute(db);
  await sql`create sequence orgplane_limits_changes`.execute(db);
  await sql`
    create or replace function orgplane_announce_change() returns trigger language plpgsql as $$
    begin
      perform nextval(format('orgplane_%s_changes', tg_argv[0]));
      perform pg_notify('orgplane_changes', current_schema() || ':' || tg_argv[0]);
      return null;
    end $$`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
