import type { Kysely } from 'kysely';

/**
 * The spend-alert outbox's claim: a replica that takes a due row to send it sets `locked_until`
 * (Unix seconds), so no other replica sends it meanwhile; a replica that dies mid-send leaves a
 * lease that expires, and the row is sent again then.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('spend_alert_outbox').addColumn('locked_until', 'bigint').execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
