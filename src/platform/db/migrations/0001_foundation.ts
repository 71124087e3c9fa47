import type { Kysely } from 'kysely';
import { withSeq } from '../migration-helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organization')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await withSeq(db, db.schema.createTable('users'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .execute();

  await withSeq(db, db.schema.createTable('invites'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('projects', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invites_email').on('invites').column('email').execute();

  await withSeq(db, db.schema.createTable('projects'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('archived_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('external_key_id', 'text')
    .addColumn('residency', 'text')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('projects_status_seq').on('projects').columns(['status', 'seq']).execute();

  await withSeq(db, db.schema.createTable('project_users'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('project_users_project_user', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('project_users_user').on('project_users').column('user_id').execute();

  await withSeq(db, db.schema.createTable('service_accounts'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_accounts_project').on('service_accounts').columns(['project_id', 'seq']).execute();

  await withSeq(db, db.schema.createTable('api_keys'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('redacted_value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_keys_project').on('api_keys').columns(['project_id', 'seq']).execute();
  await db.schema.createIndex('api_keys_owner').on('api_keys').columns(['owner_id']).execute();

  await withSeq(db, db.schema.createTable('audit_logs'))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'bigint', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('project_name', 'text')
    .addColumn('actor', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_key_id', 'text')
    .addColumn('actor_email', 'text')
    .addColumn('resource_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_logs_type_seq').on('audit_logs').columns(['type', 'seq']).execute();
  await db.schema.createIndex('audit_logs_effective').on('audit_logs').columns(['effective_at']).execute();
  await db.schema.createIndex('audit_logs_resource').on('audit_logs').columns(['resource_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
