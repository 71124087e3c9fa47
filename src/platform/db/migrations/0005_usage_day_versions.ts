import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  // The version of each day's usage: every ingestion that touches a day bumps it, so that what was
  // computed from that day's rollups (a cached bucket of results) is known to be current or not.
  await db.schema
    .createTable('usage_day_versions')
    .addColumn('day_start', 'bigint', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .modifyEnd(isPostgres(db) ? sql`` : sql`without rowid`)
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
