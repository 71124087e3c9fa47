import type { Kysely } from 'kysely';
import { withSeq } from '../migration-helpers.js';

/**
 * Policies: spend limits and alerts (organization or project scope), data retention, model and
 * hosted-tool permissions, and the outbox of spend-alert emails.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // scope_id: the organization's ID or a project's ID.
  await db.schema
    .createTable('spend_limits')
    .addColumn('scope_id', 'text', (c) => c.primaryKey())
    .addColumn('threshold_amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await withSeq(db, db.schema.createTable('spend_alerts'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('threshold_amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('interval', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('subject_prefix', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spend_alerts_scope').on('spend_alerts').columns(['scope_id', 'seq']).execute();

  await db.schema
    .createTable('data_retention')
    .addColumn('scope_id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('project_model_permissions')
    .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('model_ids', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('project_hosted_tool_permissions')
    .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id'))
    .addColumn('file_search', 'integer', (c) => c.notNull())
    .addColumn('web_search', 'integer', (c) => c.notNull())
    .addColumn('image_generation', 'integer', (c) => c.notNull())
    .addColumn('mcp', 'integer', (c) => c.notNull())
    .addColumn('code_interpreter', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per alert and month it fired in: the unique key is what makes an alert mail once a month.
  await withSeq(db, db.schema.createTable('spend_alert_outbox'))
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('spend_alert_outbox_alert_month', ['alert_id', 'month'])
    .execute();
  await db.schema.createIndex('spend_alert_outbox_due').on('spend_alert_outbox').columns(['status', 'next_attempt_at']).execute();

  // Bumped in the transaction of every policy change (and certificate change): replicas poll it
  // and reload their in-memory policies when it moves.
  await db.schema
    .createTable('policy_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('policy_version').values({ id: 1, version: 0 }).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
